"""The dialog that asks for a task id (*Add task by id*, *Mark as submitted*).

What a task id may be is the core's rule (:func:`~avatar_desktop.core.request.valid_task_id`):
the dialog shows its reason, translated, under the field as the user types, and allows OK only
for a task id.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.request import InvalidTaskId, valid_task_id
from avatar_desktop.ui.i18n import problem_text
from avatar_desktop.ui.views import error_label, grow_to_fit


class TaskIdDialog(QDialog):
    """Asks for one task id.

    Signals:
        chosen(str task_id): OK was pressed; the id as the core normalised it.
    """

    chosen = Signal(str)

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)  # a 32-character id and the reasons, without squeezing
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.edit = QLineEdit()
        label.setBuddy(self.edit)
        self.problem = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._check)
        self._task_id: str | None = None
        self._check("")

    @property
    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def task_id(self) -> str | None:
        """The task id typed, or None while the text is not one."""
        return self._task_id

    @Slot(str)
    def _check(self, text: str) -> None:
        try:
            self._task_id = valid_task_id(text)
        except InvalidTaskId as exc:
            self._task_id = None
            # An empty field is not a mistake yet: OK waits, without a message.
            self.problem.setText(problem_text(exc.problem) if text.strip() else "")
        else:
            self.problem.setText("")
        self.problem.setVisible(bool(self.problem.text()))
        self.ok_button.setEnabled(self._task_id is not None)
        grow_to_fit(self)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        grow_to_fit(self)

    def accept(self) -> None:
        if self._task_id is None:
            return
        super().accept()
        self.chosen.emit(self._task_id)


def ask_task_id(
    parent: QWidget, title: str, prompt: str, chosen: Callable[[str], object]
) -> TaskIdDialog:
    """Open a :class:`TaskIdDialog` (window-modal, deleted when closed) that calls ``chosen``
    with the task id on OK; returns it."""
    dialog = TaskIdDialog(title, prompt, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.chosen.connect(chosen)
    dialog.open()
    return dialog


__all__ = ["TaskIdDialog", "ask_task_id"]
