"""The compose form on its own: what the voice picker shows of the server's words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from avatar_desktop.core.service import Voice
from avatar_desktop.ui.compose.compose import ComposePanel


def test_a_voice_name_with_markup_characters_shows_as_typed(qtbot):
    panel = ComposePanel()
    qtbot.addWidget(panel)
    panel.set_voices([Voice(audio_id="a1", voice_engine_id="e1", name="Tom & Jerry <b>")], "")
    tooltip = panel.voice_model.item(0).data(Qt.ItemDataRole.ToolTipRole)
    shown = QTextDocument()
    shown.setHtml(tooltip)
    assert shown.toPlainText() == "Tom & Jerry <b> (a1)"
