"""Named drafts: open, rename, duplicate and delete them (saving is a menu action)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.drafts import Draft, DraftNameError, Drafts
from avatar_desktop.ui.i18n import error_text


class DraftsDialog(QDialog):
    """The list of named drafts. ``open_draft(str name, dict content)`` asks the window to
    load one."""

    open_draft = Signal(str, dict)

    def __init__(self, drafts: Drafts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drafts = drafts
        self.setWindowTitle(self.tr("Drafts"))
        self.resize(460, 380)
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _item: self._open())
        self.list.currentRowChanged.connect(lambda _row: self._update())
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.clicked.connect(self._open)
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.rename_button.clicked.connect(self._rename)
        self.duplicate_button = QPushButton(self.tr("Duplicate"))
        self.duplicate_button.clicked.connect(self._duplicate)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self._delete)
        side = QVBoxLayout()
        for button in (
            self.open_button,
            self.rename_button,
            self.duplicate_button,
            self.delete_button,
        ):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        self.list.clear()
        try:
            drafts = self._drafts.named()
        except StoreError as exc:
            self.message.setText(error_text(exc))
            drafts = []
        for draft in drafts:
            when = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{draft.name}    {when}")
            item.setData(Qt.ItemDataRole.UserRole, draft.draft_id)
            self.list.addItem(item)
            if draft.draft_id == select:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        if not drafts:
            self.message.setText(self.tr("No drafts yet: use Compose → Save as draft…"))
        self._update()

    def _current(self) -> Draft | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self._drafts.get(int(item.data(Qt.ItemDataRole.UserRole)))

    def _update(self) -> None:
        has = self.list.currentItem() is not None
        for button in (
            self.open_button,
            self.rename_button,
            self.duplicate_button,
            self.delete_button,
        ):
            button.setEnabled(has)

    def _open(self) -> None:
        draft = self._current()
        if draft is not None:
            self.open_draft.emit(draft.name, dict(draft.content))
            self.accept()

    def _rename(self) -> None:
        draft = self._current()
        if draft is None:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Rename draft"), self.tr("New name:"), text=draft.name
        )
        if ok:
            self._try(lambda: self._drafts.rename(draft.draft_id, name), draft.draft_id)

    def _duplicate(self) -> None:
        draft = self._current()
        if draft is not None:
            self._try(lambda: self._drafts.duplicate(draft.draft_id))

    def _delete(self) -> None:
        draft = self._current()
        if draft is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete draft"),
            self.tr("Delete the draft “%1”?").replace("%1", draft.name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._try(lambda: self._drafts.delete(draft.draft_id))

    def _try(self, action: Any, select: int | None = None) -> None:
        try:
            result = action()
        except DraftNameError as exc:
            self.message.setText(draft_name_problem(exc))
            return
        except ValueError:
            self.message.setText(self.tr("That draft no longer exists."))
            self.reload()
            return
        except StoreError as exc:
            self.message.setText(error_text(exc))
            return
        self.message.clear()
        self.reload(select if select is not None else result if isinstance(result, int) else None)


def draft_name_problem(error: DraftNameError) -> str:
    """Why a draft name cannot be used, in the user's language."""
    texts = {
        "taken": QCoreApplication.translate(
            "DraftsDialog", "A draft with that name exists already."
        ),
        "empty": QCoreApplication.translate("DraftsDialog", "A draft needs a name."),
        "too_long": QCoreApplication.translate("DraftsDialog", "That name is too long."),
    }
    return texts.get(error.kind, str(error))


__all__ = ["DraftsDialog", "draft_name_problem"]
