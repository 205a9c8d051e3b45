"""Cut parsed blocks into passages: by case and section, at Chinese sentence ends, with stable ids."""
from __future__ import annotations

import bisect
import hashlib
import re
from itertools import accumulate, groupby

from rag.passage import Passage
from rag.ingest.structure import Block, Document
from rag.text.normalize import split_sentences

# Bump when chunking changes what passages contain: the index manifest then forces a rebuild.
CHUNKER_VERSION = "5"


def _pack(sentences: list[str], max_chars: int) -> list[str]:
    """Greedy packing of whole sentences; a sentence longer than max_chars is cut at ，"""
    pieces: list[str] = []
    for sentence in sentences:
        while len(sentence) > max_chars:
            cut = sentence.rfind("，", 0, max_chars)
            cut = cut + 1 if cut > max_chars // 3 else max_chars
            pieces.append(sentence[:cut])
            sentence = sentence[cut:]
        pieces.append(sentence)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > max_chars:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return chunks


def _group_key(block: Block):
    # Only body text of one section is merged; every commentary, epigraph, caption stays alone.
    solo = block.kind != "text"
    return (block.chapter, block.case, block.section, block.kind, id(block) if solo else 0)


_TITLE_END = re.compile(r".*(主任|负责人|学员|经理|院长|校长|书记|局长|厅长|部长|主席|教授|总监|董事长|工程师|老师|教师|会长|专家|代表|委员|学生|校友)")


def speaker_latin(speaker: str) -> str:
    """'…负责人郑养鹏' -> 'Zheng Yangpeng', so an English question can name the person."""
    match = _TITLE_END.match(speaker)
    name = speaker[match.end():] if match else speaker[-3:]
    if not 2 <= len(name) <= 4:
        return ""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    return f"{syllables[0].capitalize()} {''.join(syllables[1:]).capitalize()}"


def _stable_id(*parts) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _sentences(blocks: list[Block]) -> tuple[list[str], list[int | None]]:
    """Sentences of the blocks, each with the printed page it starts on (None when the source has no pages)."""
    sentences: list[str] = []
    pages: list[int | None] = []
    for block in blocks:
        cursor = 0
        for sentence in split_sentences(block.text):
            found = block.text.find(sentence, cursor)
            cursor = found + len(sentence) if found >= 0 else cursor
            sentences.append(sentence)
            pages.append(next((page for start, page in reversed(block.pages) if start <= cursor - len(sentence)), None))
    return sentences, pages


def _chunk_pages(texts: list[str], sentences: list[str], pages: list[int | None]) -> list[int | None]:
    # Packing only concatenates or cuts sentences, so each chunk starts at a known offset of their joined text.
    starts = [0, *accumulate(len(s) for s in sentences)]
    offsets = [0, *accumulate(len(t) for t in texts)]
    return [pages[bisect.bisect_right(starts, offset) - 1] for offset in offsets[:-1]]


def chunk(doc: Document, max_chars: int = 200, year: int | None = None) -> list[Passage]:
    passages: list[Passage] = []
    seen: dict[tuple, int] = {}
    for key, group in groupby(doc.blocks, key=_group_key):
        blocks = list(group)
        first = blocks[0]
        if first.kind in ("toc", "cover"):
            texts = ["\n".join(b.text for b in blocks)]  # kept whole: a table of contents reads as one
            pages: list[int | None] = [None]
        else:
            sentences, sentence_pages = _sentences(blocks)
            texts = _pack(sentences, max_chars)
            pages = _chunk_pages(texts, sentences, sentence_pages)
        for text, page in zip(texts, pages):
            slot = (first.chapter, first.case, first.section, first.kind, first.speaker)
            n = seen.get(slot, 0)
            seen[slot] = n + 1
            passages.append(Passage(
                # Position-based, never random: an unchanged corpus gives the same ids every build.
                id=_stable_id(doc.source, *slot, n),
                text=text,
                chapter=first.chapter,
                case=first.case,
                section=" / ".join(first.section),
                page=first.page if page is None else page,
                case_page=first.page,
                page_exact=page is not None,
                kind=first.kind,
                source=doc.source,
                document=doc.title,
                year=year,
                speaker=first.speaker,
                incomplete=first.incomplete,
                extra={"speaker_latin": speaker_latin(first.speaker)} if first.speaker else {},
            ))
    for i, passage in enumerate(passages):
        passage.ordinal = i
    return passages
