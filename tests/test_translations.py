"""The Simplified Chinese translation is complete and matches the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "avatar_desktop_zh_CN.ts"
QM = TS.with_suffix(".qm")
PLACEHOLDER = re.compile(r"%(?:\d|n|v|m)")


def qt_tool(name: str) -> str:
    """The PySide6 tool ``name`` installed beside this interpreter (the venv's bin folder need
    not be on PATH); a missing tool fails the test instead of skipping it."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} not found beside {sys.executable}: PySide6 installs it"
    return found


def messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            found[(name, message.findtext("source"))] = message
    return found


def test_every_message_is_translated_with_its_placeholders():
    entries = messages(TS)
    assert len(entries) > 200
    for (context, source), message in entries.items():
        translation = message.find("translation")
        assert translation.get("type") is None, f"untranslated in {context}: {source!r}"
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        for text in forms:
            assert text.strip(), f"empty translation in {context}: {source!r}"
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
                context,
                source,
            )
            assert ("&" in source.replace("&&", "")) == ("&" in text.replace("&&", "")), source


def test_translation_source_lists_every_string_in_the_code(tmp_path):
    fresh = tmp_path / "fresh.ts"
    sources = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "avatar_desktop").rglob("*.py")
        if "sandbox" not in p.parts
    )
    subprocess.run(
        [qt_tool("pyside6-lupdate"), *sources, "-ts", str(fresh)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    missing = set(messages(fresh)) - set(messages(TS))
    assert not missing, f"run resources/translations/update.py and translate: {sorted(missing)}"


def test_compiled_translation_is_up_to_date(tmp_path):
    built = tmp_path / "built.qm"
    subprocess.run(
        [qt_tool("pyside6-lrelease"), str(TS), "-qm", str(built)], check=True, capture_output=True
    )
    assert built.read_bytes() == QM.read_bytes(), "run resources/translations/update.py"


def test_no_literal_goes_through_a_helper_lupdate_cannot_see():
    """``_tr("Some text")`` is never collected by lupdate, so it would stay English forever:
    literals go to ``self.tr`` / ``QCoreApplication.translate`` / ``QT_TRANSLATE_NOOP``."""
    import ast

    found = []
    for path in (ROOT / "avatar_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_tr", "tr", "_translate", "_")
                and node.args
                and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found
