"""Which service the window talks to: the banner over the panels, the label in the status bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from avatar_desktop.core.config import ServiceConfig


class ServiceBanner(QFrame):
    """A yellow banner that shows while on the sandbox, or while no token can be saved, with
    the button that helps: :attr:`token_button` (Set a token…) without a token,
    :attr:`settings_button` (Settings…) on the sandbox with one. The window connects them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sandboxBanner")
        self.setStyleSheet(
            "QFrame#sandboxBanner { background: #fff4d6; border: 1px solid #e6c46a;"
            " border-radius: 4px; } QFrame#sandboxBanner QLabel { color: #5c4400; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.token_button = QPushButton()
        self.settings_button = QPushButton()
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.token_button)
        layout.addWidget(self.settings_button)
        self._state = (False, False, False)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets every text (again after a language switch)."""
        self.token_button.setText(self.tr("Set a token…"))
        self.settings_button.setText(self.tr("Settings…"))
        self.label.setText("\n".join(self._texts()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def show_state(self, *, sandbox: bool, has_token: bool, keyring_unusable: bool) -> None:
        """Shows what applies: on the sandbox (with or without a token of the user's), no
        keyring to save a token in; hides the banner when nothing does."""
        self._state = (sandbox, has_token, keyring_unusable)
        texts = self._texts()
        self.setVisible(bool(texts))
        self.token_button.setVisible(not has_token)
        self.settings_button.setVisible(has_token and sandbox)
        self.label.setText("\n".join(texts))

    def _texts(self) -> list[str]:
        sandbox, has_token, keyring_unusable = self._state
        texts = []
        if sandbox:
            if has_token:
                texts.append(
                    self.tr(
                        "You are using the built-in sandbox: requests stay on this "
                        "computer and nothing is billed. Choose the real service in "
                        "Settings."
                    )
                )
            else:
                texts.append(
                    self.tr(
                        "No API token is set, so the app uses its built-in sandbox: "
                        "requests stay on this computer and nothing is billed. Set a "
                        "token to use the real service."
                    )
                )
        if keyring_unusable and not has_token:
            texts.append(
                self.tr(
                    "No usable system keyring was found, so a token cannot be saved; you "
                    "can still use one for this session only."
                )
            )
        return texts


class ServiceLabel(QLabel):
    """The service in use, for the status bar: a bold orange "SANDBOX — address" on the
    sandbox, else "Service: address"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._config: ServiceConfig | None = None

    def show_service(self, config: ServiceConfig) -> None:
        self._config = config
        if config.sandbox:
            self.setText(self.tr("SANDBOX — %1").replace("%1", config.request_url))
            self.setStyleSheet(
                "QLabel { background: #ffb300; color: black; font-weight: bold; padding: 0 6px;"
                " border-radius: 3px; }"
            )
            self.setToolTip(
                self.tr("The built-in sandbox: nothing is sent to the real service or billed.")
            )
        else:
            self.setText(self.tr("Service: %1").replace("%1", config.base_url))
            self.setStyleSheet("")
            self.setToolTip("")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and self._config is not None:
            self.show_service(self._config)
        super().changeEvent(event)


__all__ = ["ServiceBanner", "ServiceLabel"]
