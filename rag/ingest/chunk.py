"""Cut parsed blocks into passages: by case and section, at Chinese sentence ends, with stable ids."""
from __future__ import annotations

import hashlib
import re
from itertools import groupby

from rag.passage import Passage
from rag.ingest.structure import Block, Document
from rag.ingest.table import table_parts
from rag.text.normalize import ends_sentence, split_sentences

# Bump when chunking changes what passages contain: the index manifest then forces a rebuild.
CHUNKER_VERSION = "12"  # 12: a document titled by its file name takes its region from its body text


# A figure, or figures set side by side (a table row read as text: 17,138 17,138): never cut inside one.
_FIGURES = re.compile(r"[-+(]?[0-9０-９][0-9０-９.,．%)]*(?:[ \u00a0\u3000]+[-+(]?[0-9０-９][0-9０-９.,．%)]*)*")
PASSAGE_LIMIT = 1000  # characters: no passage is longer, contents and cover pages included


def _cut(sentence: str, max_chars: int) -> int:
    """Where to cut a sentence longer than max_chars: after a ，, else at the limit — never inside a figure."""
    cut = sentence.rfind("，", 0, max_chars)
    cut = cut + 1 if cut > max_chars // 3 else max_chars
    # 1,234,536.8 stays whole: its end was cut into the next passage before.
    inside = next((m for m in _FIGURES.finditer(sentence, max(0, cut - 80)) if m.start() < cut < m.end()), None)
    cut = inside.start() if inside else cut
    return cut if cut > 1 else max_chars


def _pack(pieces: list[tuple[str, int | None]], max_chars: int) -> list[tuple[str, int | None]]:
    """Greedy packing of whole sentences, each chunk on one printed page; a sentence over max_chars is cut at ，"""
    cut_pieces: list[tuple[str, int | None]] = []
    for sentence, page in pieces:
        while len(sentence) > max_chars:
            cut = _cut(sentence, max_chars)
            cut_pieces.append((sentence[:cut], page))
            sentence = sentence[cut:]
        cut_pieces.append((sentence, page))
    chunks: list[tuple[str, int | None]] = []
    current, current_page = "", None
    for piece, page in cut_pieces:
        # A passage never runs over a page break: its citation names the one page that prints all of it.
        if current and (len(current) + len(piece) > max_chars or page != current_page):
            chunks.append((current.rstrip("\n"), current_page))
            current = ""
        if not current:
            current_page = page
        current += piece
    if current:
        chunks.append((current.rstrip("\n"), current_page))
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


def _sentences(blocks: list[Block]) -> list[tuple[str, int | None]]:
    """Sentences of the blocks with the printed page of each (None without pages); a page break ends a piece."""
    out: list[tuple[str, int | None]] = []
    for block in blocks:
        starts = block.pages or [(0, None)]
        bounds = [*(start for start, _ in starts[1:]), len(block.text)]
        if starts[0][0] > 0:
            starts = [(0, starts[0][1]), *starts]
            bounds = [starts[1][0], *bounds]
        for (start, page), end in zip(starts, bounds):
            out += [(sentence, page) for sentence in split_sentences(block.text[start:end])]
        if out and not ends_sentence(out[-1][0]):
            out[-1] = (out[-1][0] + "\n", out[-1][1])  # a bullet or list line without 。 is not glued to the next
    return out


def _lines(text: str, limit: int) -> list[str]:
    """Contents and cover pages: whole lines, at most limit characters a passage."""
    parts = [""]
    for line in text.splitlines():
        if parts[-1] and len(parts[-1]) + len(line) + 1 > limit:
            parts.append("")
        parts[-1] += ("\n" if parts[-1] else "") + line[:limit]
    return [p for p in parts if p]


def chunk(doc: Document, max_chars: int = 200, year: int | None = None) -> list[Passage]:
    passages: list[Passage] = []
    seen: dict[tuple, int] = {}
    for key, group in groupby(doc.blocks, key=_group_key):
        blocks = list(group)
        first = blocks[0]
        if first.kind in ("toc", "cover"):
            # Kept whole where it fits: a table of contents reads as one.
            parts = [(text, None) for text in _lines("\n".join(b.text for b in blocks), PASSAGE_LIMIT)]
        elif first.kind == "table" and first.table is not None:
            parts = table_parts(first.table, min(max(2 * max_chars, 400), PASSAGE_LIMIT))
        else:
            parts = _pack(_sentences(blocks), max_chars)
        for text, page in parts:
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
                page_label=first.page_label if page is None and first.page is None else "",
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
