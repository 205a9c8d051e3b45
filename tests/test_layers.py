"""The package's plan, enforced from every module's source: each stage imports only the stages below it, and only
what their __init__.py names as their seam; no two modules import each other, directly or round a loop."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

RAG = Path(__file__).resolve().parent.parent / "rag"
# The pipeline, lowest first. A module may import the foundation and its own or a lower stage, never a higher one.
STAGES = ("text", "ingest", "index", "retrieve", "answer", "llm", "serve", "evaluate")
FOUNDATION = ("rag.errors", "rag.config", "rag.passage", "rag.seam")  # imported by every stage; they import only each other
# The facade over stages 1-4 (ingest, index, retrieve) that serve and evaluate open; answer and llm never see it.
REPORT = "rag.report"
FACES = ("rag", "rag.__main__", "rag.cli", "rag.llamaindex")  # the public face and the command line: above all


def module_name(path: Path) -> str:
    parts = path.relative_to(RAG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rag_imports(path: Path) -> set[str]:
    """Every rag module a file imports, at the top or inside a function."""
    return {module for module, _ in imported_names(path)}


def imported_names(path: Path) -> set[tuple[str, str | None]]:
    """(module, name) for every rag import of a file, at the top or inside a function; name None for a module
    imported whole (`import rag.x.y`, `from rag.x import y` where y is a module)."""
    found: set[tuple[str, str | None]] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update((a.name, None) for a in node.names if a.name.split(".")[0] == "rag")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            if base.split(".")[0] == "rag":
                # `from rag.index import dense` imports rag.index.dense; `from rag.x import Name` imports rag.x.
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add((candidate, None) if _is_module(candidate) else (base, alias.name))
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


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "rag" and parts[1] in STAGES else None


def seam_of(stage: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """(SEAM, MODULES) as rag/<stage>/__init__.py declares them: name -> the module defining it, and the modules
    other stages may import whole."""
    declared = {}
    for node in ast.parse((RAG / stage / "__init__.py").read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if [getattr(t, "id", "") for t in targets] in (["SEAM"], ["MODULES"]) and node.value is not None:
            declared[targets[0].id] = ast.literal_eval(node.value)
    return dict(declared.get("SEAM", {})), tuple(declared.get("MODULES", ()))


SEAMS = {stage: seam_of(stage) for stage in STAGES}


def through_the_seam(importer: str, module: str, name: str | None) -> bool:
    """Whether an import of module (and name from it) is allowed to importer: anything inside its own stage; from
    another stage, a name of its SEAM from the module that defines it or from the stage package, or a module of its
    MODULES (whole, or any name from it)."""
    stage = stage_of(module)
    if stage is None or stage == stage_of(importer):
        return True
    names, modules = SEAMS[stage]
    if module == f"rag.{stage}":
        return name is None or name in names or name in modules
    if module.split(".")[2] in modules:
        return True
    return name is not None and names.get(name) == module


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(RAG.parent)))
def test_other_stages_import_only_a_stages_seam(path):
    me = module_name(path)
    outside = sorted(f"{module}.{name}" if name else module for module, name in imported_names(path)
                     if not through_the_seam(me, module, name))
    assert not outside, (f"{me} imports what no seam offers: {outside}; import it from the stage's seam, or add it to "
                         f"SEAM/MODULES in that stage's __init__.py if other stages should see it")


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_names_its_seam_and_the_seam_resolves(stage):
    """Every stage's __init__.py declares its seam; each name is defined by the module named for it (inside the
    stage), loads through the package (`from rag.index import Manifest`), and __all__ lists exactly the seam."""
    names, modules = SEAMS[stage]
    package = importlib.import_module(f"rag.{stage}")
    assert names or modules, f"rag/{stage}/__init__.py declares no SEAM or MODULES"
    assert sorted(package.__all__) == sorted([*names, *modules])
    for name, home in names.items():
        assert stage_of(home) == stage and _is_module(home), (name, home)
        assert name in vars(importlib.import_module(home)), f"{home} does not define {name}"
        assert getattr(package, name) is getattr(importlib.import_module(home), name)
    for module in modules:
        assert _is_module(f"rag.{stage}.{module}"), module
        assert getattr(package, module) is importlib.import_module(f"rag.{stage}.{module}")


def test_the_checker_sees_an_import_past_the_seam():
    """The rule can fail: the web app reaching into the index's versions module for a name not in the seam."""
    fake = RAG / "serve" / "_seam_probe.py"
    fake.write_text('"""probe"""\nfrom rag.index.versions import _staging\nfrom rag.index import Manifest\n',
                    encoding="utf-8")
    try:
        me = module_name(fake)
        assert not through_the_seam(me, "rag.index.versions", "_staging")
        assert through_the_seam(me, "rag.index", "Manifest") == ("Manifest" in SEAMS["index"][0])
        assert through_the_seam("rag.index.artefacts", "rag.index.versions", "_staging")  # inside the stage: free
    finally:
        fake.unlink()


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
