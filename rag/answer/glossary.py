"""The fixed English of the report's names and terms (prompts/glossary.toml): what an English question's words are
in Chinese, and how a Chinese name is rendered in an English answer."""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from rag.answer.prompts import prompts_dir


@dataclass(frozen=True)
class Entry:
    zh: str  # as the report prints it
    en: str  # the rendering shown beside it
    wordings: tuple[str, ...]  # how English questions say it, the rendering first
    name: bool  # a name (kept in Chinese in answers, with the rendering); else a term (searched only)


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]

    @functools.cached_property
    def _wordings(self) -> list[tuple[re.Pattern[str], Entry]]:
        pairs = [(w, e) for e in self.entries for w in e.wordings]
        pairs.sort(key=lambda pair: len(pair[0]), reverse=True)  # Changzhou new energy consortium before Changzhou
        return [(re.compile(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", re.IGNORECASE), e) for w, e in pairs]

    def found(self, english: str) -> list[tuple[str, Entry]]:
        """The entries an English text names, each with the words it names it by, in order, none overlapping."""
        taken: list[tuple[int, int, str, Entry]] = []
        for pattern, entry in self._wordings:
            for m in pattern.finditer(english):
                if not any(m.start() < end and start < m.end() for start, end, _, _ in taken):
                    taken.append((m.start(), m.end(), m.group(), entry))
        return [(words, entry) for _, _, words, entry in sorted(taken, key=lambda t: t[0])]

    def chinese_terms(self, english: str) -> list[str]:
        """What an English question names, in the report's Chinese: searched alongside its own words."""
        return list(dict.fromkeys(entry.zh for _, entry in self.found(english)))

    def hints(self, english: str) -> str:
        """Lines "English = 中文" for the names and terms a question uses, for the model's translation."""
        return "\n".join(f"{words} = {entry.zh}" for words, entry in self.found(english))

    def rendering(self, chinese: str) -> str | None:
        """The English of a name as printed: 泉州职业技术大学 → Quanzhou University of Vocational Technology."""
        return next((e.en for e in self.entries if e.name and e.zh == chinese), None)

    @functools.cached_property
    def names(self) -> tuple[Entry, ...]:
        """Names, longest first: 常州新能源产教联合体 is rendered whole, not as 常州 + the rest."""
        return tuple(sorted((e for e in self.entries if e.name), key=lambda e: len(e.zh), reverse=True))


@functools.cache
def glossary() -> Glossary:
    data = tomllib.loads(prompts_dir().joinpath("glossary.toml").read_text(encoding="utf-8"))
    entries = [Entry(item["zh"], item["en"], (item["en"], *item.get("also", ())), kind == "name")
               for kind in ("name", "term") for item in data.get(kind, [])]
    return Glossary(tuple(entries))


__all__ = ["Entry", "Glossary", "glossary"]
