"""The line above the form that, on the sandbox, offers to fill it with the sandbox's samples."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class SampleOffer(QFrame):
    """ "On the sandbox — try it with its own sample media" and :attr:`fill_button`; the compose
    side shows it while the window is on the sandbox and connects the button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sampleOffer")
        self.setStyleSheet(
            "QFrame#sampleOffer { background: #e8f1fb; border: 1px solid #a9c7ea;"
            " border-radius: 4px; } QFrame#sampleOffer QLabel { color: #15406b; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.fill_button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.fill_button)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets every text (again after a language switch)."""
        self.label.setText(
            self.tr("On the sandbox: try it with its own sample media, no network needed.")
        )
        self.fill_button.setText(self.tr("Fill with sample media"))
        self.fill_button.setToolTip(
            self.tr(
                "Put the sandbox's sample avatar, audio track and voice sample into the form, "
                "so that Check media and Submit work at once"
            )
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


__all__ = ["SampleOffer"]
