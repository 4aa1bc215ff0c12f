"""The API token dialog: masked entry, Save / Remove / Test, and the keyring's state.

The dialog never touches the keyring or the network itself: it asks the window's
:class:`~avatar_desktop.qt.workers.TokenWorker` through signals and shows the answers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.service import clean_pasted_token, token_problem
from avatar_desktop.core.vault import ACCOUNT_NAME, SERVICE_NAME, BackendState, TokenSource
from avatar_desktop.ui.i18n import keyring_hint_text, keyring_problem_text


class TokenDialog(QDialog):
    """Signals: ``save_requested(token)``, ``session_requested(token)`` (keep in memory only),
    ``remove_requested()``, ``test_requested(token)``.

    Its lines wrap, and the dialog grows whenever a line appears or gets longer (an error under
    the token, the keyring's warning, a test result), so no text is ever cut off.
    """

    save_requested = Signal(str)
    session_requested = Signal(str)
    remove_requested = Signal()
    test_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("API token"))
        self.setMinimumWidth(520)
        self._backend_usable = True
        self._can_remove = False

        intro = QLabel(
            self.tr(
                "The token is kept only in your system's keyring (service “%1”, account "
                "“%2”). It is never written to a file."
            )
            .replace("%1", SERVICE_NAME)
            .replace("%2", ACCOUNT_NAME)
        )
        intro.setWordWrap(True)
        self.intro_label = intro
        self.backend_label = QLabel()
        self.backend_label.setTextFormat(Qt.TextFormat.PlainText)
        self.backend_label.setWordWrap(True)

        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(self.tr("Paste your API token"))
        self.token_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.show_button = QToolButton()
        self.show_button.setText(self.tr("Show"))
        self.show_button.setCheckable(True)
        self.show_button.setToolTip(self.tr("Show or hide the token"))
        self.show_button.toggled.connect(self._toggle_visible)
        self.token_error = QLabel()
        self.token_error.setTextFormat(Qt.TextFormat.PlainText)
        self.token_error.setStyleSheet("color: #c62828;")
        self.token_error.setWordWrap(True)
        self.current_label = QLabel()
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        self.current_label.setWordWrap(True)

        self.save_button = QPushButton(self.tr("&Save"))
        self.session_button = QPushButton(self.tr("Use for this &session only"))
        self.session_button.setToolTip(
            self.tr("Keep the token in memory until the app closes; nothing is stored")
        )
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.test_button = QPushButton(self.tr("&Test"))
        self.test_button.setToolTip(
            self.tr("Make a free, authenticated request (the voice list) to check the token")
        )
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        label = QLabel(self.tr("&Token:"))
        label.setBuddy(self.token_edit)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.show_button)
        form.addRow(label, token_row)
        form.addRow("", self.token_error)
        buttons_row = QHBoxLayout()
        for button in (self.save_button, self.session_button, self.remove_button, self.test_button):
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.backend_label)
        layout.addWidget(self.current_label)
        layout.addLayout(form)
        layout.addLayout(buttons_row)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(close)

        self.token_edit.textChanged.connect(self._on_text)
        self.save_button.clicked.connect(lambda: self._emit(self.save_requested))
        self.session_button.clicked.connect(lambda: self._emit(self.session_requested))
        self.test_button.clicked.connect(self._on_test)
        self.remove_button.clicked.connect(self.remove_requested)
        self._fit_pending = False
        self._on_text()

    # -- size ----------------------------------------------------------------------------

    def _needed_height(self, width: int) -> int:
        """The height the dialog's content needs at ``width`` (wrapped lines included)."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

    def _fit(self) -> None:
        """Grow (never shrink under the user's hands) to show every line in full, and keep
        the minimum height at what the content needs at the current width."""
        self._fit_pending = False
        width = max(self.width(), self.minimumWidth())
        needed = self._needed_height(width)
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(width, needed)

    def _schedule_fit(self) -> None:
        """Fit once the texts set now are laid out (several may change in one go)."""
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self, self._fit)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._schedule_fit()  # wrapped lines take more or less height at the new width

    def _toggle_visible(self, visible: bool) -> None:
        self.token_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        )
        self.show_button.setText(self.tr("Hide") if visible else self.tr("Show"))

    def entered_token(self) -> str:
        """What was pasted, without surrounding spaces or a copied ``Bearer `` prefix."""
        return clean_pasted_token(self.token_edit.text())

    def _problem(self) -> str | None:
        token = self.entered_token()
        if not token:
            return None
        if token_problem(token):
            if any(ch.isspace() for ch in token):
                return self.tr("The token contains spaces or line breaks; paste it again.")
            return self.tr("The token contains characters a request cannot carry.")
        return None

    def _on_text(self) -> None:
        problem = self._problem()
        if (problem or "") != self.token_error.text():
            self.token_error.setText(problem or "")
            self._schedule_fit()
        self.token_error.setVisible(bool(problem))
        ok = bool(self.entered_token()) and problem is None
        self.save_button.setEnabled(ok and self._backend_usable)
        self.session_button.setEnabled(ok)
        # Empty tests the token already set; a malformed one cannot be tested.
        self.test_button.setEnabled(problem is None)

    def _emit(self, signal: SignalInstance) -> None:
        if self._problem() is None and self.entered_token():
            self.set_busy(True)
            signal.emit(self.entered_token())

    def _on_test(self) -> None:
        self.set_busy(True)
        self.result_label.setText(self.tr("Testing…"))
        self.test_requested.emit(self.entered_token())

    # -- updates from the window ---------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        for button in (self.save_button, self.session_button, self.remove_button, self.test_button):
            button.setEnabled(not busy)
        if not busy:
            self.remove_button.setEnabled(self._can_remove)
            self._on_text()

    def set_backend(self, state: BackendState) -> None:
        self._backend_usable = state.usable
        if state.usable:
            self.backend_label.setText(self.tr("Keyring: %1").replace("%1", state.name))
            self.backend_label.setStyleSheet("")
        else:
            # What is wrong (said once: the problem's own words when there are), then the way
            # out, then how to get a keyring.
            lines = [
                keyring_problem_text(state)
                or self.tr("No usable keyring was found, so the token cannot be saved."),
                self.tr("You can use the token for this session only."),
                keyring_hint_text(state.hint_kind),
            ]
            self.backend_label.setText("\n".join(line for line in lines if line))
            self.backend_label.setStyleSheet("color: #b26a00;")
        self._schedule_fit()
        self._on_text()

    def set_current(self, has_token: bool, source: TokenSource) -> None:
        texts = {
            TokenSource.ENVIRONMENT: self.tr(
                "A token is set by the AVATAR_API_TOKEN environment variable; it takes "
                "precedence over the keyring."
            ),
            TokenSource.KEYRING: self.tr("A token is saved in the keyring."),
            TokenSource.SESSION: self.tr("A token is kept for this session only."),
            TokenSource.NONE: self.tr("No token is set."),
        }
        self.current_label.setText(texts[source if has_token else TokenSource.NONE])
        self._schedule_fit()
        self._can_remove = has_token and source is not TokenSource.ENVIRONMENT
        self.remove_button.setEnabled(self._can_remove)

    def show_result(self, text: str, ok: bool) -> None:
        self.set_busy(False)
        self.result_label.setText(text)
        self.result_label.setStyleSheet("color: #2e7d32;" if ok else "color: #c62828;")
        self._schedule_fit()

    def clear_result(self) -> None:
        """Forget the last result (it was about a service no longer in use)."""
        self.result_label.clear()
        self.result_label.setStyleSheet("")
