"""The speaker's-consent question of the window.

Which samples need the question, and the record kept after a yes, are the core's
(:mod:`avatar_desktop.core.submission`); the form and the import preview ask with this one box.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_consent(parent: QWidget, samples: Sequence[str]) -> bool:
    """Ask once whether the speakers of ``samples`` agreed to having their voices cloned
    (plain text, Cancel by default); True when the user confirms."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("Consent", "Speaker's consent"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    if len(samples) == 1:
        listed = QCoreApplication.translate("Consent", "Sample: %1").replace("%1", samples[0])
        question = QCoreApplication.translate(
            "Consent",
            "Do you confirm that the person whose voice is in this sample has agreed to having "
            "it cloned?",
        )
    else:
        listed = QCoreApplication.translate("Consent", "Samples:") + "\n" + "\n".join(samples)
        question = QCoreApplication.translate(
            "Consent",
            "Do you confirm that the person whose voice is in each of these samples has agreed "
            "to having it cloned?",
        )
    box.setText(
        QCoreApplication.translate("Consent", "Cloning a voice needs the speaker's permission.")
        + "\n\n"
        + listed
        + "\n\n"
        + question
    )
    yes = box.addButton(
        QCoreApplication.translate("Consent", "I confirm"), QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    confirmed = box.clickedButton() is yes
    box.deleteLater()
    return confirmed


__all__ = ["ask_consent"]
