"""Refresh the translation sources from the code, then compile them.

    python resources/translations/update.py

Runs ``pyside6-lupdate`` over every module of the package (new strings are added to the
``.ts`` files, translations kept), then ``pyside6-lrelease`` to build the ``.qm`` files the app
loads. Translate the ``.ts`` with Qt Linguist (``pyside6-linguist``) or any XML editor.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent.parent / "avatar_desktop"
LANGUAGES = ["zh_CN"]


def qt_tool(name: str) -> str:
    """``name`` beside this interpreter (a venv's bin folder), else on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 into this Python")
    return found


def main() -> int:
    sources = sorted(
        str(p.relative_to(HERE.parent.parent))
        for p in PACKAGE.rglob("*.py")
        if "sandbox" not in p.parts
    )
    for language in LANGUAGES:
        ts = HERE / f"avatar_desktop_{language}.ts"
        subprocess.run(
            [qt_tool("pyside6-lupdate"), "-no-obsolete", *sources, "-ts", str(ts)],
            check=True,
            cwd=HERE.parent.parent,
        )
        subprocess.run(
            [qt_tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
