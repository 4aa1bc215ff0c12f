"""The Help menu: the user guide, the keyboard shortcuts and the data folder.

The user guide is the README's sections for users, shipped with the app as
``resources/guide/user-guide.en.md`` (written from the README by ``resources/guide/update.py``;
a test keeps them equal) and ``user-guide.zh_CN.md`` (its Simplified Chinese translation, with
the same headings), shown in the interface language. The shortcuts are read from the actions
themselves (:meth:`~avatar_desktop.ui.actions.MainActions.shortcut_table`), never listed by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QFont, QPalette, QTextBlock, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.paths import resource_path
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.views import screen_room, show_data_folder

GUIDE_LANGUAGES = ("en", "zh_CN")
"""The languages the user guide is shipped in."""


def guide_path(language: str) -> Path:
    """The user guide shipped for ``language`` (the English one for a language without)."""
    name = language if language in GUIDE_LANGUAGES else "en"
    return resource_path("guide", f"user-guide.{name}.md")


class UserGuideWindow(QDialog):
    """The user guide in a window of its own, beside the main one: its contents (the
    sections) on the left, the text on the right, and a search line over them (Enter finds
    the next place). It follows a language switch."""

    def __init__(self, language: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuide")
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self._language = language
        self._shown_language = ""
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.not_found = QLabel()
        self.not_found.setStyleSheet("QLabel { color: #c62828; }")
        self.not_found.setVisible(False)
        self.contents = QListWidget()
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 680])
        top = QHBoxLayout()
        self._search_label = QLabel()
        self._search_label.setBuddy(self.search)
        top.addWidget(self._search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.not_found)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        room = screen_room(self)
        self.resize(min(960, room.width()), min(720, room.height()))

        self.search.textEdited.connect(lambda: self.find_text(from_start=True))
        self.search.returnPressed.connect(self.find_text)
        self.contents.currentRowChanged.connect(self._go_to_section)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets every text, and the guide in the interface language (again after a switch)."""
        self.setWindowTitle(self.tr("Avatar Desktop — User guide"))
        self._search_label.setText(self.tr("&Search:"))
        self.search.setPlaceholderText(self.tr("A word to find in the guide (Enter: next)"))
        self.not_found.setText(self.tr("Not found"))
        language = self._language()
        if language != self._shown_language:
            self._shown_language = language
            self._load(guide_path(language))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _load(self, path: Path) -> None:
        """Shows the guide at ``path`` and lists its sections (a small shipped file)."""
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        self.contents.clear()
        block = self.browser.document().begin()
        while block.isValid():
            self._shade_code(block)
            if block.blockFormat().headingLevel() in (1, 2):
                item = QListWidgetItem(block.text())
                item.setData(Qt.ItemDataRole.UserRole, block.position())
                if block.blockFormat().headingLevel() == 1:
                    bold = QFont(item.font())
                    bold.setBold(True)
                    item.setFont(bold)
                self.contents.addItem(item)
            block = block.next()

    def _shade_code(self, block: QTextBlock) -> None:
        """Sets the lines of code on a background of their own, a little apart from the text
        around them (and from a code block in another language right before or after)."""
        fence = QTextFormat.Property.BlockCodeFence
        language = QTextFormat.Property.BlockCodeLanguage

        def same_code(other: QTextBlock) -> bool:
            mine, theirs = block.blockFormat(), other.blockFormat()
            return (
                other.isValid()
                and theirs.hasProperty(fence)
                and theirs.stringProperty(language) == mine.stringProperty(language)
            )

        if not block.blockFormat().hasProperty(fence):
            return
        shaded = block.blockFormat()
        shaded.setBackground(self.palette().color(QPalette.ColorRole.AlternateBase))
        if not same_code(block.previous()):
            shaded.setTopMargin(8)
        if not same_code(block.next()):
            shaded.setBottomMargin(8)
        QTextCursor(block).setBlockFormat(shaded)

    @Slot(int)
    def _go_to_section(self, row: int) -> None:
        item = self.contents.item(row)
        if item is None:
            return
        position = int(item.data(Qt.ItemDataRole.UserRole))
        block = self.browser.document().findBlock(position)
        self.browser.setTextCursor(QTextCursor(block))
        layout = self.browser.document().documentLayout()
        self.browser.verticalScrollBar().setValue(int(layout.blockBoundingRect(block).top()))

    @Slot()
    def find_text(self, *, from_start: bool = False) -> bool:
        """Selects the next place the search text is found (from the top again after the
        last); says "Not found" when there is none."""
        text = self.search.text()
        if from_start:
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)
        found = not text or self.browser.find(text)
        if not found:
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)
            found = self.browser.find(text)
        self.not_found.setVisible(not found)
        return found


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the menus, menu by menu, as the actions have them."""

    def __init__(
        self, table: list[tuple[str, list[tuple[QAction, str]]]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Command"), self.tr("Shortcut")])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        focus_only = False
        for menu, rows in table:
            group = QTreeWidgetItem([menu])
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for action, keys in rows:
                if action.shortcutContext() is Qt.ShortcutContext.WidgetWithChildrenShortcut:
                    keys += " *"
                    focus_only = True
                group.addChild(QTreeWidgetItem([action.iconText(), keys]))
        self.tree.expandAll()
        lines = sum(1 + len(rows) for _menu, rows in table)  # tall enough for all, if it can be
        tall = self.tree.header().sizeHint().height() + lines * self.tree.sizeHintForRow(0)
        most = screen_room(self, 0.7).height()  # the rest of the dialog fits a small screen too
        self.tree.setMinimumHeight(min(tall + 2 * self.tree.frameWidth() + 4, 760, most))
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)
        note = QLabel(self.tr("* Where the list or the form it belongs to has the keyboard focus."))
        note.setWordWrap(True)
        note.setVisible(focus_only)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())


class Help(QObject):
    """What the Help menu's actions of ``actions`` do: the user guide (one window, brought to
    the front again), the keyboard shortcuts of the menus (``others``: the panels' actions
    they name) and the data folder ``data_dir``; ``language`` is the interface language."""

    def __init__(
        self,
        *,
        window: QWidget,
        actions: MainActions,
        others: Mapping[str, QAction],
        data_dir: Path,
        language: Callable[[], str],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._actions = actions
        self._others = others
        self._data_dir = data_dir
        self._language = language
        self.guide: UserGuideWindow | None = None
        actions.user_guide.triggered.connect(self.show_guide)
        actions.shortcuts.triggered.connect(self.show_shortcuts)
        actions.open_data_folder.triggered.connect(self.open_data_folder)

    @Slot()
    def show_guide(self) -> None:
        if self.guide is None:
            self.guide = UserGuideWindow(self._language, self._window)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()

    @Slot()
    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self._actions.shortcut_table(self._others), self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def open_data_folder(self) -> None:
        show_data_folder(self._window, self._data_dir)

    def close(self) -> None:
        """The window closes: so does the guide."""
        if self.guide is not None:
            self.guide.close()


__all__ = ["Help", "ShortcutsDialog", "UserGuideWindow", "guide_path"]
