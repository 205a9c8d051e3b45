"""The keyword index: BM25 (bm25s) over jieba-segmented passages, scored directly, top n by argpartition."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from rag.errors import IndexStaleError
from rag.text import keywords

logging.getLogger("bm25s").setLevel(logging.WARNING)  # after the import: bm25s sets DEBUG on import

# Text is pre-segmented by jieba and joined by spaces: BM25 must split on spaces only,
# since bm25s's default \w\w+ pattern sees a whole Chinese sentence as one token.
TOKEN_PATTERN = r"[^ ]+"
# Questions are read with bm25s's default pattern instead, which drops one-character words (间, 年, 多) and
# splits a decimal (3.5万 -> 5万). The llama-index wrapper this replaces did so because it forgot its pattern
# when reloaded; measured on eval/questions.jsonl, keeping that beats splitting questions like passages:
# hybrid hit@1 0.911 against 0.896 (BM25 alone 0.889 against 0.867).
QUERY_PATTERN = r"(?u)\b\w\w+\b"
# Bumped when keywords.tokens changes: an index written with other tokens is rebuilt (its vectors reused).
TOKENS_VERSION = "3"  # 3: a full name also gives its short form (科学技术 → 科技)
VERSION_FILE = "tokens_version"


def _tokenize(texts: Sequence[str]):
    return bm25s.tokenize(list(texts), token_pattern=TOKEN_PATTERN, stopwords="en", stemmer=None,
                          show_progress=False)


class KeywordIndex:
    """Row i is passage i of the index version; scores are BM25 (Lucene variant, k1 1.5, b 0.75)."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25

    @classmethod
    def build(cls, texts: Sequence[str]) -> "KeywordIndex":
        """texts: what each passage is searched by (heading path + text), in passage order."""
        bm25 = bm25s.BM25()
        bm25.index(_tokenize([" ".join(keywords.tokens(t)) for t in texts]), show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder))
        (Path(folder) / VERSION_FILE).write_text(TOKENS_VERSION, encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        version = Path(folder) / VERSION_FILE
        if (version.read_text(encoding="utf-8").strip() if version.is_file() else "1") != TOKENS_VERSION:
            raise IndexStaleError(f"关键词索引的分词方式已更新：{folder}（keyword tokens changed）")
        return cls(bm25s.BM25.load(str(folder)))

    def __len__(self) -> int:
        return int(self._bm25.scores["num_docs"])

    def ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        """The n best rows for the query with their scores, best first; rows scoring 0 left out.

        Scoring every row with bm25s's vectorised get_scores and taking the top n by argpartition is what
        made hybrid search at 100x the corpus 98 -> 35 ms p50 (docs/scaling.md)."""
        query_tokens = keywords.tokens(query)
        if not query_tokens:
            return []
        tokens = bm25s.tokenize(" ".join(query_tokens), token_pattern=QUERY_PATTERN, stopwords="en", stemmer=None,
                                return_ids=False, show_progress=False)[0]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]  # best first; ties in corpus order, so rankings are reproducible
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
