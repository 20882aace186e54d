"""The layers, as the folders show them: imports run application (newsflow/) -> services/ -> shared/, never back;
inside the application no module imports, at any remove, one that imports it back (no import cycle), and
nothing but the command's own package imports the CLI.

Read from the source with `ast`, so a new import in the wrong direction fails here before it works by accident.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from conftest import REPO

from shared.core.settings import Settings
from shared.core.stage import StageDeps


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth of its code (lazy imports in functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", _modules("shared"), ids=lambda p: str(p.relative_to(REPO)))
def test_shared_imports_no_service_and_no_application(path):
    wrong = {m for m in _imports(path) if _top(m) in ("services", "newsflow")}
    assert not wrong, f"{path.relative_to(REPO)} imports {sorted(wrong)}: shared/ is the bottom layer"


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: str(p.relative_to(REPO)))
def test_services_import_no_application_and_not_each_other(path):
    own = path.relative_to(REPO / "services").parts[0]
    wrong = {
        m
        for m in _imports(path)
        if _top(m) == "newsflow" or (_top(m) == "services" and len(m.split(".")) > 1 and m.split(".")[1] != own)
    }
    assert not wrong, f"{path.relative_to(REPO)} imports {sorted(wrong)}"


def test_only_the_composition_root_imports_services():
    importers = {
        str(p.relative_to(REPO)) for p in _modules("newsflow") if any(_top(m) == "services" for m in _imports(p))
    }
    assert importers == {"newsflow/bootstrap.py"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The project modules `path` runs when imported or called: each one named, and the packages above it.

    `from package import name` counts the module `package.name` when there is one, else the package;
    relative imports are resolved; imports of anything outside `modules` are left out.
    """
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                named.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    found: set[str] = set()
    for name in named:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a, a.b and a.b.c
            if ".".join(parts[:i]) in modules:
                found.add(".".join(parts[:i]))
    found.discard(me)
    return found


def import_graph(folder: str) -> dict[str, set[str]]:
    """Module name -> the project modules it imports (lazy imports inside functions included)."""
    paths = _modules(folder)
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imported_modules(p, modules) for p in paths}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm): each is an import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_cycle_at_any_remove():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_counts_lazy_relative_and_package_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "one.py").write_text("def f():\n    from . import two\n")
    (pkg / "sub" / "two.py").write_text("from pkg.sub import one\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    graph = import_graph("pkg")
    assert graph["pkg.sub.one"] == {"pkg", "pkg.sub", "pkg.sub.two"}
    assert import_cycles(graph) == [["pkg.sub.one", "pkg.sub.two"]]


def test_the_application_has_no_import_cycle():
    graph = import_graph("newsflow")
    assert len(graph) > 40 and "newsflow.web.api" in graph["newsflow.web.pages"]
    assert import_cycles(graph) == []


def test_nothing_below_the_command_imports_it():
    graph = import_graph("newsflow")
    importers = {m for m, deps in graph.items() if any(d.startswith("newsflow.cli") for d in deps)}
    assert {m for m in importers if not m.startswith("newsflow.cli")} == {"newsflow.__main__"}


@pytest.mark.parametrize("path", sorted((REPO / "tests" / "e2e").glob("test_*.py")), ids=lambda p: p.name)
def test_every_e2e_module_carries_the_e2e_mark(path):
    marks = [
        node
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets)
    ]
    assert marks and "e2e" in ast.unparse(marks[0].value), f"{path.name} has no module-level e2e mark"


@pytest.mark.parametrize("stage", ["dedup", "entities"])
def test_a_builder_loads_no_model_and_opens_no_connection(stage):
    from newsflow.bootstrap import STAGE_BUILDERS

    with pytest.raises(ValueError, match="newsflow.bootstrap"):
        STAGE_BUILDERS[stage](Settings(), StageDeps())
