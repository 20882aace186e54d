"""Load a helper module of tests/unit (a contract suite, say) from an integration test.

tests/unit is not a package and not on the path of integration tests: `unit_module("store_contract")`
loads tests/unit/store_contract.py once and returns it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

UNIT = Path(__file__).resolve().parents[1] / "unit"


def unit_module(name: str) -> ModuleType:
    """The module tests/unit/<name>.py (loaded on first use, then the same object)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, UNIT / f"{name}.py")
    assert spec and spec.loader, name
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
