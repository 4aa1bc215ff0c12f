"""Project rules that are easy to break silently: layering, linting, typing."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "avatar_desktop"

CORE = ["models", "api", "store", "secrets", "media", "config", "paths"]
"""The Qt-free core: testable without a display."""


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_does_not_import_qt_or_upper_layers(module):
    found = imports_of(PACKAGE / f"{module}.py")
    bad = {
        name
        for name in found
        if name.startswith(
            (
                "PySide6",
                "avatar_desktop.ui",
                "avatar_desktop.workers",
                "avatar_desktop.settings",
                "avatar_desktop.sandbox",
            )
        )
    }
    assert not bad, f"{module} imports {bad}"


def test_workers_do_not_import_widgets():
    found = imports_of(PACKAGE / "workers.py")
    assert not {n for n in found if n.startswith(("avatar_desktop.ui", "PySide6.QtWidgets"))}


def test_sandbox_is_independent_of_the_client():
    for path in (PACKAGE / "sandbox").glob("*.py"):
        found = imports_of(path)
        mine = {n for n in found if n.startswith("avatar_desktop") and n != "avatar_desktop.paths"}
        assert not mine, f"{path.name} imports {mine}"
        assert not {n for n in found if n.startswith("PySide6")}


def test_core_imports_without_qt():
    code = (
        "import sys\n"
        f"import {', '.join('avatar_desktop.' + m for m in CORE)}\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the test extras")
def test_ruff_is_clean():
    subprocess.run(["ruff", "check", "--quiet", "."], check=True, cwd=ROOT)
    subprocess.run(["ruff", "format", "--check", "--quiet", "."], check=True, cwd=ROOT)


@pytest.mark.skipif(shutil.which("mypy") is None, reason="mypy is in the test extras")
def test_core_is_strictly_typed():
    result = subprocess.run(["mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_subpackage_is_packaged():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packaged = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= packaged, f"add to pyproject.toml: {sorted(found - packaged)}"
    assert "avatar_desktop.resources" in packaged
