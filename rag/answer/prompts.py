"""Prompt files from prompts/, filled in: answering, follow-up condensation, 'not in the report'."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from rag.config import PROJECT_ROOT
from rag.errors import RagError
from rag.passage import Passage
from rag.text.normalize import is_traditional, to_simplified

ENGLISH_RULE = "\n7. 用户用英文提问：请用英文回答，但每个数字都照资料原文写（如 1,234.5万元、56.7%），不要换算成英文单位；同样标注来源编号。"
ENGLISH_TAIL = "\n\nAnswer in English. Copy every figure exactly as the sources write it (for example 1,234.5万元, 56.7%); do not convert it."


def prompts_dir() -> Traversable:
    """The top-level prompts/ folder: shipped inside the package as rag._prompts (pyproject.toml maps it there).

    An editable install or a bare checkout has no rag._prompts to import (setuptools' editable finder does not
    resolve a package mapped onto a folder without __init__.py), and reads prompts/ beside the package instead."""
    try:
        return resources.files("rag._prompts")
    except ModuleNotFoundError:
        return PROJECT_ROOT / "prompts"


@lru_cache(maxsize=None)
def template(name: str) -> str:
    try:
        return prompts_dir().joinpath(f"{name}.md").read_text(encoding="utf-8").strip()
    except OSError as err:
        raise RagError(f"找不到提示词文件 prompts/{name}.md（{err}；prompt file missing: reinstall report-rag）") from None


def simplified(text: str) -> str:
    """Traditional text as the model reads it: the 1.5B model answered NOT_FOUND to every question over a
    Traditional handbook whose passage held the figure (3 of 3 on the generated handbook), and answers them
    written Simplified. Figures are unchanged by the conversion; the answer is checked against the printed text."""
    return to_simplified(text) if is_traditional(text) else text


# Short source lines read 98 fewer prompt tokens (5.0 s to the first sentence instead of 6.0 s, bench_levers.py), but
# the full evaluation fell from 0.931 to 0.919 right (two not-covered questions answered): off until that is mended.
SHORT_SOURCES = False


def source_line(p: Passage) -> str:
    """Where a passage comes from, as the model is told: the document (where several are indexed), the case's short
    name and the passage's own heading. Not the chapter number or the page, which the reader's citation shows: the
    whole citation took 70 characters a passage (median), as much as half the passage's own 130."""
    named = p.extra.get("cite_document") and p.document
    heading = {"commentary": "点评", "epigraph": "题记", "toc": "目录", "cover": "封面"}.get(
        p.kind, p.section.split(" / ")[-1])
    parts = [f"《{p.document}》" if named else "", p.case.split("：")[0], heading]
    return simplified(" · ".join(part for part in parts if part))


def answer_messages(question: str, passages: list[Passage], english: bool) -> list[dict]:
    # Passages are numbered data inside the user turn; the rules live in the system turn.
    sources = "\n\n".join(f"[{n}] 出处：{source_line(p) if SHORT_SOURCES else simplified(p.citation)}\n"
                            f"{simplified(p.text)}" for n, p in enumerate(passages, 1))
    question = simplified(question)
    return [
        {"role": "system", "content": template("answer").format(language=ENGLISH_RULE if english else "")},
        {"role": "user", "content": f"资料：\n{sources}\n\n问题：{question}" + (ENGLISH_TAIL if english else "")},
    ]


def condense_messages(question: str, history: list[tuple[str, str]]) -> list[dict]:
    lines = "\n".join(f"用户：{q}\n助手：{a}" for q, a in history)
    return [{"role": "user", "content": template("condense").format(history=lines, question=question)}]


def not_found_text(english: bool, closest: str = "") -> str:
    return template("not_found_en" if english else "not_found").format(closest=closest)


def translate_messages(question: str, hints: str = "") -> list[dict]:
    """hints: "English = 中文" lines from the glossary, so that names are not half translated (常州新能 consortium)."""
    return [{"role": "user", "content": template("translate").format(question=question, hints=hints or "（无）")}]


def translate_answer_messages(question: str, answer: str) -> list[dict]:
    return [{"role": "user", "content": template("translate_answer").format(question=question, answer=answer)}]
