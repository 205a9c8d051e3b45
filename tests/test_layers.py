"""The package's plan, enforced: each stage imports only the stages below it (read from every module's source)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

RAG = Path(__file__).resolve().parent.parent / "rag"
# The pipeline, lowest first. A module may import the foundation and its own or a lower stage, never a higher one.
STAGES = ("text", "ingest", "index", "retrieve", "answer", "llm", "serve", "evaluate")
FOUNDATION = ("rag.errors", "rag.config", "rag.passage")  # imported by every stage; they import only each other
# The facade over stages 1-4 (ingest, index, retrieve) that serve and evaluate open; answer and llm never see it.
REPORT = "rag.report"
FACES = ("rag", "rag.__main__", "rag.cli", "rag.llamaindex")  # the public face and the command line: above all


def module_name(path: Path) -> str:
    parts = path.relative_to(RAG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rag_imports(path: Path) -> set[str]:
    """Every rag module a file imports, at the top or inside a function."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "rag")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            if base.split(".")[0] == "rag":
                # `from rag.index import dense` imports rag.index.dense; `from rag.x import Name` imports rag.x.
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if _is_module(candidate) else base)
    return found


def _is_module(dotted: str) -> bool:
    path = RAG.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def rank(module: str) -> float:
    if module in FOUNDATION:
        return 0
    if module in FACES:
        return 99
    if module == REPORT:
        return STAGES.index("retrieve") + 1.5
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in STAGES:
        return STAGES.index(parts[1]) + 1
    raise AssertionError(f"{module} belongs to no stage: put it in one of rag/{{{','.join(STAGES)}}}/ or the foundation")


MODULES = sorted(RAG.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(RAG.parent)))
def test_no_module_imports_a_higher_stage(path):
    me = module_name(path)
    upward = [other for other in rag_imports(path)
              if rank(other) > rank(me) and not (me in FACES and other in FACES)]
    assert not upward, f"{me} (rank {rank(me)}) imports higher: {upward}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(RAG.parent)))
def test_answering_sees_a_snapshot_not_the_report(path):
    """The answerer and the model clients search one retrieval snapshot; they never open the Report."""
    if module_name(path).split(".")[1:2] in (["answer"], ["llm"]):
        assert REPORT not in rag_imports(path)


def import_graph(paths=None) -> dict[str, set[str]]:
    """Module -> the rag modules it imports (top level, inside functions and under TYPE_CHECKING alike)."""
    graph = {module_name(p): rag_imports(p) for p in (MODULES if paths is None else paths)}
    return {m: {o for o in imports if o in graph and o != m} for m, imports in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, as one path that comes back to its start (a strongly connected component, walked)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan; the graph is a few hundred modules, recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_walk(graph, set(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _walk(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A path inside one strongly connected component from its first module back to itself."""
    start = min(component)
    path, seen = [start], {start}
    while True:
        nxt = sorted(graph[path[-1]] & component)
        back = start in nxt
        if back:
            return path + [start]
        step = next((w for w in nxt if w not in seen), nxt[0])
        if step in seen:
            return path[path.index(step):] + [step]
        path.append(step)
        seen.add(step)


def test_no_import_circles_between_modules():
    """No two modules import each other, directly or round a loop, even inside one stage: the lower one holds what
    both need (a circle hides which is built on which, and breaks as soon as an import runs at load time)."""
    circles = cycles(import_graph())
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)


def test_the_checker_sees_an_import_circle(tmp_path):
    """The rule can fail: two modules of one stage importing each other (one only inside a function) are a circle."""
    first, second = RAG / "text" / "_circle_a.py", RAG / "text" / "_circle_b.py"
    first.write_text('"""probe"""\nfrom rag.text import _circle_b\n', encoding="utf-8")
    second.write_text('"""probe"""\ndef f():\n    from rag.text._circle_a import X\n', encoding="utf-8")
    try:
        graph = import_graph(MODULES + [first, second])
        assert ["rag.text._circle_a", "rag.text._circle_b", "rag.text._circle_a"] in cycles(graph)
    finally:
        first.unlink()
        second.unlink()


def test_every_module_says_what_it_is_for():
    for path in MODULES:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and doc.strip(), f"{path.relative_to(RAG.parent)} has no one-line contract"


def test_the_checker_sees_an_upward_import(tmp_path):
    """The rule can fail: a text-stage module importing the answerer is caught."""
    fake = RAG / "text" / "_layer_probe.py"
    fake.write_text('"""probe"""\nfrom rag.answer import answerer\n', encoding="utf-8")
    try:
        assert "rag.answer.answerer" in rag_imports(fake)
        assert rank("rag.answer.answerer") > rank(module_name(fake))
    finally:
        fake.unlink()
