"""Project rules that are easy to break silently: layering, linting, typing."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "avatar_desktop"

CORE = sorted(
    ".".join(p.relative_to(PACKAGE / "core").with_suffix("").parts)
    for p in (PACKAGE / "core").rglob("*.py")
    if p.stem != "__init__"
)
"""The Qt-free core (``store.tasks`` for core/store/tasks.py): testable without a display."""


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
    found = imports_of(PACKAGE / "core" / f"{module.replace('.', '/')}.py")
    bad = {
        name
        for name in found
        if name.startswith(
            (
                "PySide6",
                "avatar_desktop.ui",
                "avatar_desktop.qt",
                "avatar_desktop.cli",
                "avatar_desktop.sandbox",
            )
        )
    }
    assert not bad, f"{module} imports {bad}"


def import_cycles(folder: Path, package: str) -> list[list[str]]:
    """Import cycles among the modules of ``folder`` (the package ``package``): every
    ``import`` and ``from … import`` of ``package`` counts, at the top of a module or inside a
    function. Each cycle is listed once, as the modules along it (the first one repeated)."""
    modules: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join((package, *parts))] = path

    def target(name: str) -> str | None:
        while name and name not in modules:  # "pkg.mod.Name": the module pkg.mod
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(target(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.update(target(f"{node.module}.{alias.name}") for alias in node.names)
        edges[name] = {t for t in found if t is not None and t != name}

    cycles: list[list[str]] = []
    state: dict[str, str] = {}  # "open" while on the current path, "done" after

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for nxt in sorted(edges[name]):
            if state.get(nxt) == "open":
                cycles.append([*path[path.index(nxt) :], name, nxt])
            elif nxt not in state:
                visit(nxt, [*path, name])
        state[name] = "done"

    for name in sorted(modules):
        if name not in state:
            visit(name, [])
    return cycles


def test_the_core_has_no_import_cycle():
    cycles = import_cycles(PACKAGE / "core", "avatar_desktop.core")
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_an_import_cycle_through_a_function_is_found(tmp_path):
    # The shape core/db.py and core/tasks.py had: one imports the other at the top, the other
    # imports it back inside a function.
    core = tmp_path / "core"
    (core / "store").mkdir(parents=True)
    (core / "__init__.py").write_text("", encoding="utf-8")
    (core / "store" / "__init__.py").write_text("", encoding="utf-8")
    (core / "store" / "db.py").write_text(
        "def migrate():\n    from app.core.store.tasks import derive\n", encoding="utf-8"
    )
    (core / "store" / "tasks.py").write_text(
        "from app.core.store import db\n\ndef derive():\n    pass\n", encoding="utf-8"
    )
    (core / "other.py").write_text("import app.core.store.tasks\n", encoding="utf-8")
    assert import_cycles(core, "app.core") == [
        ["app.core.store.tasks", "app.core.store.db", "app.core.store.tasks"]
    ]


@pytest.mark.parametrize("path", sorted((PACKAGE / "qt").glob("*.py")), ids=lambda p: p.stem)
def test_qt_adapters_do_not_import_widgets(path):
    found = imports_of(path)
    assert not {n for n in found if n.startswith(("avatar_desktop.ui", "PySide6.QtWidgets"))}


def test_sandbox_is_independent_of_the_client():
    # Where the data folder is, and the list of the sandbox's own samples: facts, no rules.
    shared = {"avatar_desktop.core.paths", "avatar_desktop.core.samples"}
    for path in (PACKAGE / "sandbox").glob("*.py"):
        found = imports_of(path)
        mine = {n for n in found if n.startswith("avatar_desktop") and n not in shared}
        assert not mine, f"{path.name} imports {mine}"
        assert not {n for n in found if n.startswith("PySide6")}


def test_core_imports_without_qt():
    code = (
        "import sys\n"
        f"import {', '.join('avatar_desktop.core.' + m for m in CORE)}\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_window_starts_without_loading_requests():
    """requests (about a quarter of the start-up time) loads when the first request is made,
    on a worker thread: the window, its panels and the parts of the core they use do not."""
    code = (
        "import sys\n"
        "import avatar_desktop.app, avatar_desktop.ui.main_window\n"
        "loaded = [m for m in ('requests', 'urllib3') if m in sys.modules]\n"
        "assert not loaded, f'loaded at start: {loaded}'\n"
        "import avatar_desktop.core.client\n"
        "assert 'requests' in sys.modules\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def test_ruff_is_clean():
    # Run as modules of this interpreter: the venv's bin folder need not be on PATH (it is not
    # under the README's test command), and a check that cannot run must fail, not skip.
    for args in (["check", "--quiet", "."], ["format", "--check", "--quiet", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_whole_package_is_strictly_typed():
    import tomllib

    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["files"] == ["avatar_desktop"], "mypy checks the whole package, not a part"
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout, result.stdout + result.stderr


def test_the_type_check_fails_on_an_error(tmp_path):
    # The check above must be able to fail: the same settings over a package with one error.
    package = tmp_path / "avatar_desktop"
    (package / "ui").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "ui" / "__init__.py").write_text("", encoding="utf-8")
    (package / "ui" / "broken.py").write_text("def f() -> int:\n    return 'x'\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ui/broken.py:2: error" in result.stdout, result.stdout


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
