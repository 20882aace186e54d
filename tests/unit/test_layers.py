"""The layers, as the folders show them: imports run application (newsflow/) -> services/ -> shared/, never back.

Read from the source with `ast`, so a new import in the wrong direction fails here before it works by accident.
"""

from __future__ import annotations

import ast
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
