"""The layers, checked: an inner layer never imports an outer one (every import in every module, including
imports inside functions, read from the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "soundclone"
LAYERS = ("domain", "speech", "media", "store", "core", "jobs", "api", "evaluation")
# layer -> the soundclone layers it must not import
FORBIDDEN = {
    "domain": {"speech", "media", "store", "core", "jobs", "api", "evaluation", "settings", "cli"},
    "speech": {"store", "core", "jobs", "api", "settings", "cli"},
    "media": {"store", "core", "jobs", "api", "settings", "cli"},
    "store": {"core", "jobs", "api", "speech", "cli"},
    "core": {"jobs", "api", "speech", "cli"},
    "jobs": {"api", "cli"},
    "api": {"speech", "jobs", "evaluation", "cli"},
}


def imported_layers(path: Path) -> set[str]:
    """The first component under `soundclone.` of every module this file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[1] for name in names if name.startswith("soundclone."))
    return found


def modules_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_an_outer_one(layer):
    breaches = {
        str(path.relative_to(PACKAGE)): sorted(imported_layers(path) & FORBIDDEN[layer]) for path in modules_of(layer)
    }
    assert {path: found for path, found in breaches.items() if found} == {}


def test_every_module_belongs_to_a_known_layer():
    top = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert top == set(LAYERS)


def test_the_check_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from soundclone.api.app import create_app\n")
    assert imported_layers(source) == {"api"}
