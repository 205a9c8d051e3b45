"""Evaluation results: thresholds, comparison with the previous run, the Markdown report, the files."""
from __future__ import annotations

import json
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rag.evaluate.scoring import FAILURES

# Metrics where a smaller figure is better; every other metric is better larger.
LOWER_IS_BETTER = ("false_refusal_rate", "latency_p50_s", "latency_p95_s", "answered_uncovered",
                   "wrong_items", "wrong_citation", "false_refusal", "fallbacks", "table_latency_p50_s")
# Latency moves with machine load; a change under this share is not reported as worse or better.
LATENCY_TOLERANCE = 0.25


@dataclass(frozen=True)
class Check:
    metric: str  # dotted path into the results, e.g. answers.extractive.overall.grounding
    bound: float
    minimum: bool  # True: the metric must be at least bound; False: at most
    value: float | None  # None: not measured in this run (a backend left out)

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.bound if self.minimum else self.value <= self.bound


def metric(results: dict, path: str):
    node = results
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """[min] and [max] tables of dotted metric paths; read before a run so a typo costs no run."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(data) - {"min", "max"}
    if unknown:
        raise ValueError(f"{path}: unknown table(s) {sorted(unknown)}; use [min] and [max]")
    return {table: {k: float(v) for k, v in data.get(table, {}).items()} for table in ("min", "max")}


def check_thresholds(results: dict, thresholds: dict[str, dict[str, float]]) -> list[Check]:
    return [Check(path, bound, table == "min", metric(results, path))
            for table in ("min", "max") for path, bound in thresholds[table].items()]


def _flat(results: dict) -> dict[str, float]:
    """Every summary metric (not per-question data) under its dotted path."""
    out = {}
    for mode, per_type in results.get("retrieval", {}).items():
        for typ, values in per_type.items():
            if typ != "questions":
                out |= {f"retrieval.{mode}.{typ}.{k}": v for k, v in values.items() if k != "n"}
    for backend, per_type in results.get("answers", {}).items():
        for typ, values in per_type.items():
            if typ != "questions":
                out |= {f"answers.{backend}.{typ}.{k}": v for k, v in values.items()
                        if k not in ("n", "figures") and v is not None}
    return out


def _worse(path: str, before: float, after: float) -> bool | None:
    """True worse, False better, None unchanged (or within latency noise)."""
    if before == after:
        return None
    name = path.rsplit(".", 1)[-1]
    if name.startswith("latency") and abs(after - before) <= LATENCY_TOLERANCE * max(before, 1e-9):
        return None
    return (after > before) if name in LOWER_IS_BETTER else (after < before)


def compare(current: dict, previous: dict) -> dict:
    """Metric and per-question changes on what both runs measured; worse and better kept apart."""
    now, then = _flat(current), _flat(previous)
    changes = {"worse": [], "better": []}
    for path in sorted(now.keys() & then.keys()):
        verdict = _worse(path, then[path], now[path])
        if verdict is not None:
            changes["worse" if verdict else "better"].append(f"{path}: {then[path]} → {now[path]}")
    for backend in current.get("answers", {}).keys() & previous.get("answers", {}).keys():
        old = {r["id"]: r["outcome"] for r in previous["answers"][backend]["questions"]}
        for row in current["answers"][backend]["questions"]:
            before = old.get(row["id"])
            failed_now, failed_then = row["outcome"] in FAILURES, before in FAILURES
            if before is not None and failed_now != failed_then:
                changes["worse" if failed_now else "better"].append(
                    f"{backend} {row['id']}: {before} → {row['outcome']}  {row['question']}")
    for mode in current.get("retrieval", {}).keys() & previous.get("retrieval", {}).keys():
        old = previous["retrieval"][mode].get("questions", {})
        for qid, rank in current["retrieval"][mode].get("questions", {}).items():
            if qid in old and (rank or 99) != (old[qid] or 99):
                key = "worse" if (rank or 99) > (old[qid] or 99) else "better"
                changes[key].append(f"retrieval {mode} {qid}: rank {old[qid]} → {rank}")
    return changes


def _pct(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def _retrieval_table(retrieval: dict) -> list[str]:
    modes = list(retrieval)
    types = [t for t in retrieval[modes[0]] if t != "questions"] if modes else []
    lines = ["| type | n | " + " | ".join(f"{m} hit@1 / hit@5 / MRR" for m in modes) + " |",
             "|---|---|" + "---|" * len(modes)]
    for t in types:
        cells = [f"{_pct(retrieval[m][t]['hit@1'])} / {_pct(retrieval[m][t]['hit@5'])} / {_pct(retrieval[m][t]['mrr'])}"
                 for m in modes]
        lines.append(f"| {t} | {retrieval[modes[0]][t]['n']} | " + " | ".join(cells) + " |")
    return lines


ANSWER_COLUMNS = ("n", "accuracy", "right", "citation_accuracy", "refusal_accuracy", "false_refusal_rate",
                  "grounding", "from_table", "in_english", "unit_matches", "latency_p50_s", "latency_p95_s",
                  "table_latency_p50_s")


def _answer_table(per_type: dict) -> list[str]:
    lines = ["| type | " + " | ".join(ANSWER_COLUMNS) + " |", "|---|" + "---|" * len(ANSWER_COLUMNS)]
    for t, values in per_type.items():
        if t != "questions":
            cells = [str(values[c]) if c == "n" else _pct(values.get(c)) for c in ANSWER_COLUMNS]
            lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return lines


def _failure(row: dict) -> list[str]:
    expected = "；".join(" / ".join(item[:2]) for item in row["expected"]) or "（报告未涉及：应拒答）"
    lines = [f"- **{row['id']}** ({row['type']}, {row['outcome']}) {row['question']}",
             f"  - expected: {expected}" + (f"; missing: {'、'.join(row['missing'])}" if row["missing"] else ""),
             f"  - got ({row['backend_used']}): {row['answer'].strip()}"]
    if row["history"]:
        lines.insert(1, f"  - history: {row['history'][-1][0]}")
    lines.append("  - cited: " + ("；".join(f"[{n}] {c}" for n, c in enumerate(row["cited"], 1)) or "none"))
    if row["evidence"] and row["outcome"] == "wrong_citation":
        lines.append(f"  - evidence not cited: {' / '.join(row['evidence'])}")
    return lines


def markdown(results: dict, changes: dict | None, previous_name: str | None, checks: list[Check]) -> str:
    idx = results["index"]
    out = [f"# Evaluation {results['started_at']} ({results['kind']})", "",
           f"{results['questions']} questions · commit {results['commit'] or '—'} · {results['machine']} · "
           f"{results['seconds']} s", "",
           f"Index: {idx['passages']} passages, {idx['embedding']}, chunker {idx['chunker_version']} "
           f"({idx['chunk_max_chars']} chars), corpus {idx['corpus_hash'][:12]}, built {idx['built_at']}", ""]
    failed = [c for c in checks if c.passed is False]
    unmeasured = [c for c in checks if c.passed is None]
    out += ["## Thresholds", ""]
    out += [f"- **FAILED** {c.metric} = {c.value} ({'≥' if c.minimum else '≤'} {c.bound} required)" for c in failed]
    out += [f"- all {len(checks) - len(unmeasured)} measured thresholds met" if not failed else ""]
    out += [f"- not measured in this run: {c.metric}" for c in unmeasured]
    out += ["", f"## Compared with the previous run ({previous_name or 'none'})", ""]
    if changes is None:
        out.append("No previous run to compare with.")
    else:
        out += ["### Worse", ""] + ([f"- {c}" for c in changes["worse"]] or ["- nothing"])
        out += ["", "### Better", ""] + ([f"- {c}" for c in changes["better"]] or ["- nothing"])
    out += ["", "## Retrieval (rank of the evidence among the top 5 passages)", ""] + _retrieval_table(results["retrieval"])
    for backend, per_type in results["answers"].items():
        out += ["", f"## Answers: {backend}", ""] + _answer_table(per_type)
    if results.get("skipped_backends"):
        out += [""] + [f"- {b} not evaluated: {why}" for b, why in results["skipped_backends"].items()]
    for backend, per_type in results["answers"].items():
        rows = [r for r in per_type["questions"] if r["outcome"] in FAILURES]
        out += ["", f"## Failures: {backend} ({len(rows)})", ""]
        for row in rows:
            out += _failure(row)
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"


def previous_run(results_dir: Path, before: str | None = None) -> Path | None:
    """The newest results file in the folder (older than `before`, a file name, when given)."""
    runs = sorted(p for p in Path(results_dir).glob("*.json") if before is None or p.name < before)
    return runs[-1] if runs else None


def write(results: dict, results_dir: Path, thresholds: dict) -> tuple[Path, Path, list[Check]]:
    """Writes <timestamp>.json and <timestamp>.md; returns them and the threshold checks."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.strptime(results["started_at"], "%Y-%m-%dT%H:%M:%SZ"))
    name = f"{stamp}-{results['kind']}"
    previous = previous_run(results_dir, before=f"{name}.json")
    changes = compare(results, json.loads(previous.read_text(encoding="utf-8"))) if previous else None
    checks = check_thresholds(results, thresholds)
    results = results | {"previous": previous.name if previous else None, "changes": changes,
                         "thresholds": [c.__dict__ | {"passed": c.passed} for c in checks]}
    json_path, md_path = results_dir / f"{name}.json", results_dir / f"{name}.md"
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    md_path.write_text(markdown(results, changes, previous.name if previous else None, checks), encoding="utf-8")
    return json_path, md_path, checks
