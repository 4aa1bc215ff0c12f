""" "Show request": the exact JSON that will be sent and a copy-as-curl command."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.service import curl_command


class RequestPreviewDialog(QDialog):
    """Shows the request body and a curl command; the token is masked unless the user
    deliberately ticks "Include token" and confirms."""

    def __init__(
        self,
        base_url: str,
        payload: dict[str, Any],
        token: str | None,
        parent: QWidget | None = None,
        *,
        token_is_secret: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Request to be sent"))
        self.resize(640, 560)
        self._base_url = base_url
        self._payload = payload
        self._token = token
        self._token_is_secret = token_is_secret
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        where = QLabel(self.tr("POST %1/avatar/generation").replace("%1", base_url))
        where.setTextFormat(Qt.TextFormat.PlainText)
        self.json_view = QPlainTextEdit(json.dumps(payload, ensure_ascii=False, indent=2))
        self.json_view.setReadOnly(True)
        self.json_view.setFont(mono)
        copy_json = QPushButton(self.tr("Copy &JSON"))
        copy_json.clicked.connect(lambda: self._copy(self.json_view.toPlainText()))

        self.curl_view = QPlainTextEdit()
        self.curl_view.setReadOnly(True)
        self.curl_view.setFont(mono)
        self.include_token = QCheckBox(
            self.tr("&Include the token (it is a secret: anyone with it can spend your balance)")
        )
        self.include_token.setEnabled(bool(token))
        self.include_token.setVisible(token_is_secret)
        self.include_token.toggled.connect(self._on_include_token)
        copy_curl = QPushButton(self.tr("Copy &curl command"))
        copy_curl.clicked.connect(lambda: self._copy(self.curl_view.toPlainText()))
        hint = QLabel(
            self.tr(
                "Without the token, the command reads it from the AVATAR_API_TOKEN "
                "environment variable."
            )
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        hint.setVisible(token_is_secret)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.json_view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(copy_json)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("As a curl command:")))
        layout.addWidget(self.curl_view, 1)
        layout.addWidget(self.include_token)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(copy_curl)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self._render()

    def _on_include_token(self, checked: bool) -> None:
        if checked:
            answer = QMessageBox.warning(
                self,
                self.tr("Include the token?"),
                self.tr(
                    "The command will contain your API token. Anyone who sees it can spend "
                    "your balance. Include it anyway?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.include_token.blockSignals(True)
                self.include_token.setChecked(False)
                self.include_token.blockSignals(False)
        self._render()

    def _render(self) -> None:
        include = self.include_token.isChecked() or not self._token_is_secret
        token = self._token if include else None
        self.curl_view.setPlainText(curl_command(self._base_url, self._payload, token))

    @staticmethod
    def _copy(text: str) -> None:
        QGuiApplication.clipboard().setText(text)
