"""Trying the sandbox in one click, and a Help menu worth the name (issue 16, items 26 and 27),
driven like a user would: real windows on the real sandbox server, English and Chinese.

Uses the window harness of test_main_window.py.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import test_main_window as shared
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextDocument
from PySide6.QtWidgets import QMenu, QMessageBox
from test_defects import switch_service
from test_main_window import LEFT, answer_modal, click_tab, retype, standard, submit_and_wait

from avatar_desktop.core.samples import SAMPLE_WORDS, SandboxSamples
from avatar_desktop.core.settings import ServiceChoice
from avatar_desktop.ui.actions import button_text
from avatar_desktop.ui.dialogs.help import ShortcutsDialog, UserGuideWindow, guide_path
from avatar_desktop.ui.views import show_data_folder

translators = shared.translators
servers = shared.servers
make_window = shared.make_window
harness = shared.harness


# -- 26. the sandbox's samples in one click ----------------------------------------------------
NOT_IN_THE_GUIDE = ("Two commands", "Bundles: install it like any desktop app", "For developers")
"""README sections for building and testing, not for users."""


def offered(h) -> bool:
    side = h.window.compose_side
    return side.sample_offer.isVisible() and h.window.main_actions.fill_samples.isVisible()


def test_the_sample_offer_shows_on_the_sandbox_and_follows_a_service_switch(
    qtbot, make_window, servers
):
    h = make_window()
    assert offered(h)
    assert "sample media" in h.window.compose_side.sample_offer.label.text()
    other = servers()
    switch_service(qtbot, h, ServiceChoice.CUSTOM, other.base_url)
    qtbot.waitUntil(lambda: not h.window.config.sandbox)
    assert not h.window.compose_side.sample_offer.isVisible()
    assert not h.window.main_actions.fill_samples.isVisible()
    switch_service(qtbot, h, ServiceChoice.SANDBOX)
    qtbot.waitUntil(lambda: offered(h))


def test_a_window_on_a_custom_service_offers_no_samples(qtbot, make_window, servers):
    h = make_window(service=ServiceChoice.CUSTOM, server=servers())
    assert not h.window.compose_side.sample_offer.isVisible()
    assert not h.window.main_actions.fill_samples.isVisible()
    h.window.main_actions.fill_samples.trigger()  # a stray trigger changes nothing
    assert h.compose.avatar.value() == ""


def media_results(qtbot, h) -> str:
    panel = h.window.compose_side.media_panel
    qtbot.mouseClick(panel.check_button, LEFT)
    qtbot.waitUntil(lambda: not h.window.compose_side.checking, timeout=15000)
    return panel.results.text()


def test_filling_with_samples_makes_check_media_and_submit_work(qtbot, harness):
    h = harness
    qtbot.mouseClick(h.window.compose_side.sample_offer.fill_button, LEFT)
    samples = SandboxSamples.at(h.server.base_url)
    assert h.compose.avatar.value() == samples.avatar_url
    assert h.compose.audio.value() == samples.audio_url
    assert h.compose.sample.value() == samples.voice_sample_url
    assert not h.compose.showing_problems()

    results = media_results(qtbot, h)
    assert results.count("Looks fine.") == 2, results  # the avatar and the audio track
    assert "✖" not in results and "⚠" not in results, results
    click_tab(qtbot, h.window, 1)  # clone a voice: the sample is long enough
    results = media_results(qtbot, h)
    assert "Voice sample" in results and results.count("Looks fine.") == 2, results

    click_tab(qtbot, h.window, 0)
    submit_and_wait(qtbot, h)
    sent = h.posts()[-1].json()
    assert sent["avatar_url"] == samples.avatar_url and sent["audio_url"] == samples.audio_url


def test_filling_asks_before_replacing_a_typed_address(qtbot, harness):
    h = harness
    typed = "https://cdn.example.com/people/anna.png"
    retype(qtbot, h.compose.avatar.edit, typed)
    click_tab(qtbot, h.window, 1)
    retype(qtbot, h.compose.clone_text.edit, "Hello")
    samples = SandboxSamples.at(h.server.base_url)

    with answer_modal(qtbot, standard(QMessageBox.StandardButton.No)) as seen:
        h.window.main_actions.fill_samples.trigger()
    assert "sandbox's samples" in seen["text"]
    assert h.compose.avatar.value() == typed and h.compose.sample.value() == ""

    with answer_modal(qtbot, standard(QMessageBox.StandardButton.Yes)):
        h.window.main_actions.fill_samples.trigger()
    assert h.compose.avatar.value() == samples.avatar_url
    assert h.compose.sample.value() == samples.voice_sample_url
    assert h.compose.clone_text.value() == "Hello"  # the words and the tab stay
    assert h.compose.tabs.currentIndex() == 1

    # Filled already: nothing typed is replaced, so nothing is asked.
    no = standard(QMessageBox.StandardButton.No)
    with answer_modal(qtbot, no, timeout=1.0, required=False) as seen:
        h.window.main_actions.fill_samples.trigger()
    assert "dialog" not in seen


# -- 27. Help: the user guide, the keyboard shortcuts, the data folder ------------------------

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "resources" / "guide"


def markdown_outline(text: str) -> tuple[list[int], list[str], list[int]]:
    """A guide's shape: its headings' levels, its code blocks (verbatim) and the number of
    rows of each table."""
    levels: list[int] = []
    blocks: list[str] = []
    tables: list[int] = []
    code: list[str] | None = None
    rows = 0
    for line in text.splitlines():
        if line.startswith("```"):
            if code is None:
                code = []
            else:
                blocks.append("\n".join(code))
                code = None
            continue
        if code is not None:
            code.append(line)
            continue
        if line.startswith("|"):
            rows += 1
            continue
        if rows:
            tables.append(rows)
            rows = 0
        heading = re.match(r"(#+) ", line)
        if heading:
            levels.append(len(heading.group(1)))
    return levels, blocks, tables


def headings(text: str, level: int = 2) -> list[str]:
    return re.findall(rf"^{'#' * level} (.+)$", text, flags=re.MULTILINE)


def test_the_english_guide_is_the_readmes_user_sections():
    check = subprocess.run(
        [sys.executable, str(GUIDE / "update.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    english = (GUIDE / "user-guide.en.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert headings(english) == [h for h in headings(readme) if h not in NOT_IN_THE_GUIDE]


def test_the_english_guide_check_fails_when_the_readme_changes(tmp_path):
    # The check above must be able to fail: a copy of the folder beside a changed README.
    shutil.copytree(GUIDE, tmp_path / "resources" / "guide")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    changed = readme.replace("## In the window\n", "## In the window\n\nA new line.\n")
    (tmp_path / "README.md").write_text(changed, encoding="utf-8")
    script = tmp_path / "resources" / "guide" / "update.py"
    check = subprocess.run([sys.executable, str(script), "--check"], capture_output=True)
    assert check.returncode == 1


def test_the_chinese_guide_has_the_english_ones_shape():
    english = (GUIDE / "user-guide.en.md").read_text(encoding="utf-8")
    chinese = (GUIDE / "user-guide.zh_CN.md").read_text(encoding="utf-8")
    assert markdown_outline(chinese) == markdown_outline(english)
    assert all(not h.isascii() for h in headings(chinese))
    assert headings(chinese, 1) == headings(english, 1)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_guide_renders_without_stray_markup(qapp, language):
    # "**导出任务…**将" stays as typed: CommonMark does not close bold between "…" and "将".
    document = QTextDocument()
    document.setMarkdown(guide_path(language).read_text(encoding="utf-8"))
    assert "**" not in document.toPlainText()


def test_the_guides_are_shipped_with_the_package():
    for language in ("en", "zh_CN"):
        path = guide_path(language)
        assert path.is_file() and path.parent.name == "guide", path
    assert guide_path("fr") == guide_path("en")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["avatar_desktop.resources"]
    shipped = [p for p in patterns if fnmatch.fnmatch("guide/user-guide.zh_CN.md", p)]
    assert shipped, patterns


def open_guide(qtbot, h) -> UserGuideWindow:
    h.window.activateWindow()
    qtbot.waitUntil(h.window.isActiveWindow)
    qtbot.keyClick(h.window, Qt.Key.Key_F1)
    guide = h.window.help.guide
    assert guide is not None
    qtbot.waitUntil(guide.isVisible)
    return guide


def sections(guide: UserGuideWindow) -> list[str]:
    return [guide.contents.item(i).text() for i in range(guide.contents.count())]


def test_f1_shows_the_user_guide_in_the_interface_language(qtbot, harness, translators):
    h = harness
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = next(x for x in headings(readme) if x not in NOT_IN_THE_GUIDE)
    guide = open_guide(qtbot, h)
    assert sections(guide)[1] == first == "In the window"
    assert first in guide.browser.toPlainText()

    # Its contents go to a section; its search finds a word and says when there is none.
    guide.contents.setCurrentRow(sections(guide).index("The command line"))
    assert guide.browser.textCursor().block().text() == "The command line"
    qtbot.keyClicks(guide.search, "Retry-After")
    assert guide.browser.textCursor().selectedText() == "Retry-After"
    assert not guide.not_found.isVisible()
    guide.search.clear()
    qtbot.keyClicks(guide.search, "no such words")
    assert guide.not_found.isVisible()

    # In Chinese, the Chinese guide (the window follows a switch while it is open).
    translators.apply("zh_CN")
    chinese = headings((GUIDE / "user-guide.zh_CN.md").read_text(encoding="utf-8"))
    qtbot.waitUntil(lambda: sections(guide)[1] == chinese[0] == "在窗口中")
    assert "在窗口中" in guide.browser.toPlainText()
    h.window.close()
    assert not guide.isVisible()


def shortcut_rows(dialog: ShortcutsDialog) -> dict[str, str]:
    found = {}
    for i in range(dialog.tree.topLevelItemCount()):
        group = dialog.tree.topLevelItem(i)
        for j in range(group.childCount()):
            found[group.child(j).text(0)] = group.child(j).text(1)
    return found


def open_shortcuts(qtbot, h) -> ShortcutsDialog:
    h.window.main_actions.shortcuts.trigger()
    dialog = h.window.findChild(ShortcutsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_shortcuts_dialog_lists_every_shortcut_of_the_menus(
    qtbot, make_window, translators, language
):
    translators.apply(language)
    h = make_window()
    dialog = open_shortcuts(qtbot, h)
    rows = shortcut_rows(dialog)
    actions = h.window.main_actions
    submit = button_text(actions.submit.text())
    native = QKeySequence.SequenceFormat.NativeText
    enter, ret = (QKeySequence(k).toString(native) for k in ("Ctrl+Enter", "Ctrl+Return"))
    assert rows[submit] == ", ".join(dict.fromkeys([ret, enter]))
    if language == "en":
        assert rows[submit] == "Ctrl+Return, Ctrl+Enter"
    assert rows[button_text(actions.user_guide.text())] == "F1"
    assert rows[button_text(actions.remove.text())].endswith(" *")  # in the task list only
    # Ctrl+Z undoes the newest step: each undo entry is listed with it, pending or not.
    bindings = QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)  # Ctrl+Z, …
    undo = ", ".join(dict.fromkeys(k.toString(native) for k in bindings))
    assert undo.startswith(QKeySequence("Ctrl+Z").toString(native))
    undos = (actions.undo_clear, actions.undo_remove)
    assert [rows[button_text(a.text())].removesuffix(" *") for a in undos] == [undo, undo]
    # Every action of a menu with a shortcut is listed, and nothing else.
    expected = {
        action.iconText()
        for menu in h.window.menuBar().findChildren(QMenu)
        for action in menu.actions()
        if action.shortcuts() or action in undos
    }
    assert set(rows) == expected
    if language == "zh_CN":
        assert submit == "提交" and submit in rows
    dialog.close()


def test_open_data_folder_opens_it_or_says_where_it_is(qtbot, harness, tmp_path):
    h = harness
    catcher = shared._UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        h.window.main_actions.open_data_folder.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.opened == [QUrl.fromLocalFile(str(tmp_path)).toString()]

    gone = tmp_path / "gone"  # a data folder removed while the window runs
    with answer_modal(qtbot, standard(QMessageBox.StandardButton.Ok)) as seen:
        show_data_folder(h.window, gone)
    assert str(gone) in seen["text"] and seen["title"] == "Data folder"


def test_the_guide_and_the_shortcuts_fit_a_small_screen(qtbot, harness):
    """The guide opened 960×720 on a 1024×700 screen: its bottom was off the screen."""
    h = harness
    room = h.window.screen().availableGeometry().size()
    for dialog in (open_guide(qtbot, h), open_shortcuts(qtbot, h)):
        assert dialog.frameGeometry().width() <= room.width(), type(dialog).__name__
        assert dialog.frameGeometry().height() <= room.height(), type(dialog).__name__
        dialog.close()


def test_after_filling_every_voice_tab_can_be_submitted(qtbot, harness):
    """The offer promises Submit works at once, but the clone and existing-voice tabs had no
    words (and no voice chosen), so Submit stayed greyed out there."""
    h = harness
    click_tab(qtbot, h.window, 2)
    qtbot.waitUntil(lambda: h.compose.voice_proxy.rowCount() > 0)
    qtbot.mouseClick(h.window.compose_side.sample_offer.fill_button, LEFT)
    submit = h.window.compose_side.submit_button
    for tab in (2, 1):
        click_tab(qtbot, h.window, tab)
        qtbot.waitUntil(submit.isEnabled)
    assert h.compose.clone_text.value() == SAMPLE_WORDS["zh"]  # the tab's language
    assert h.compose.engine_id.text() and h.compose.audio_id.text()
    assert h.compose.request() is not None  # a request that can go (after the consent asked)
