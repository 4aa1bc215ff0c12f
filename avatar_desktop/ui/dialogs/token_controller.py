"""The API token: reading it at start, saving, keeping, removing and testing it, its dialog."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.settings import AppSettings, ServiceChoice
from avatar_desktop.core.vault import BackendState, SecretStoreError, TokenSource
from avatar_desktop.qt.workers import TokenWorker
from avatar_desktop.ui.dialogs.token_dialog import TokenDialog
from avatar_desktop.ui.i18n import error_text, store_failure_text
from avatar_desktop.ui.session import Session


class TokenController(QObject):
    """The token's state and the token dialog, for the window (its ``parent``).

    Every keyring call and token test runs on ``worker``: :meth:`start` probes the keyring and
    reads the token (:attr:`loaded` is False until it has answered); the dialog saves, keeps
    for the session, removes or tests a token, and each success reads the token again. The
    token goes to ``session.token``, where the other parts find it.

    A token test asks the service in use (the sandbox too, which accepts any token) and its
    result names that address; :meth:`service_changed` drops a result about another service.

    It also makes the two service choices that follow from the token: on the first run, the
    real service with a token, else the sandbox; after a token is set on the sandbox, whether to
    switch to the real service (asked). Both change ``settings.service``.

    Signals:
        ``message(str text, int timeout_ms)``: something to say in the status bar.
        ``token_changed(bool has_token)``: the token was (re)read.
        ``backend_changed()``: what the keyring can do is known (:attr:`backend`).
        ``service_chosen()``: ``settings.service`` changed; the window applies it.
        ``token_probe()``, ``token_load()``, ``token_save(str)``, ``token_remove()``,
        ``token_test(object, str)``, ``token_keep(str)``: to the worker.
    """

    message = Signal(str, int)
    token_changed = Signal(bool)
    backend_changed = Signal()
    service_chosen = Signal()
    token_probe = Signal()
    token_load = Signal()
    token_save = Signal(str)
    token_remove = Signal()
    token_test = Signal(object, str)
    token_keep = Signal(str)

    def __init__(
        self,
        *,
        session: Session,
        settings: AppSettings,
        worker: TokenWorker,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._settings = settings
        self._source = TokenSource.NONE
        self._loaded = False
        self._backend: BackendState | None = None
        self._dialog: TokenDialog | None = None
        self._tested: ServiceConfig | None = None  # the service the last token test asked
        self.token_probe.connect(worker.probe)
        self.token_load.connect(worker.load)
        self.token_save.connect(worker.save)
        self.token_remove.connect(worker.remove)
        self.token_test.connect(worker.test)
        self.token_keep.connect(worker.keep_for_session)
        worker.kept.connect(self._on_kept)
        worker.probed.connect(self._on_probed)
        worker.loaded.connect(self._on_loaded)
        worker.saved.connect(self._on_saved)
        worker.removed.connect(self._on_removed)
        worker.tested.connect(self._on_tested)
        worker.failed.connect(self._on_failed)

    def start(self) -> None:
        """Asks the keyring what it can do, and for the token."""
        self.token_probe.emit()
        self.token_load.emit()

    @property
    def loaded(self) -> bool:
        """Whether the token has been read (there may be none)."""
        return self._loaded

    @property
    def backend(self) -> BackendState | None:
        """What the keyring can do (None until it has been asked)."""
        return self._backend

    def status_text(self) -> str:
        """Where the token comes from, for the status bar."""
        if not self._loaded:
            return self.tr("Token: loading…")
        sources = {
            TokenSource.ENVIRONMENT: self.tr("Token: AVATAR_API_TOKEN variable"),
            TokenSource.KEYRING: self.tr("Token: keyring"),
            TokenSource.SESSION: self.tr("Token: this session only"),
            TokenSource.NONE: self.tr("Token: none"),
        }
        return sources[self._source]

    def _window(self) -> QWidget:
        parent = self.parent()
        assert isinstance(parent, QWidget)
        return parent

    def service_changed(self) -> None:
        """The window talks to another service now: a token test result about the previous one
        no longer applies (the window calls this whenever it applies the service settings)."""
        if self._tested is not None and self._tested != self._session.config:
            self._tested = None
            if self._dialog is not None:
                self._dialog.clear_result()

    # -- the worker's answers ------------------------------------------------------------

    @Slot(object)
    def _on_probed(self, state: BackendState) -> None:
        self._backend = state
        if self._dialog is not None:
            self._dialog.set_backend(state)
        self.backend_changed.emit()

    @Slot(object, object)
    def _on_loaded(self, token: str | None, source: TokenSource) -> None:
        self._session.token = token
        self._session.token_loaded = True
        self._source = source if token else TokenSource.NONE
        self._loaded = True
        if self._settings.service is ServiceChoice.UNSET:
            # First run: the real service with a token, else the sandbox.
            self._settings.service = ServiceChoice.DEFAULT if token else ServiceChoice.SANDBOX
            self.service_chosen.emit()
        self.token_changed.emit(bool(token))
        if self._dialog is not None:
            self._dialog.set_current(bool(token), self._source)

    @Slot()
    def _on_saved(self) -> None:
        self.message.emit(self.tr("Token saved in the keyring."), 5000)
        if self._dialog is not None:
            self._dialog.show_result(self.tr("Saved in the keyring and read back."), True)
            self._dialog.token_edit.clear()
        self._switch_to_real_service_after_token()
        self.token_load.emit()

    @Slot()
    def _on_kept(self) -> None:
        if self._dialog is not None:
            self._dialog.show_result(self.tr("Kept for this session only."), True)
            self._dialog.token_edit.clear()
        self._switch_to_real_service_after_token()
        self.token_load.emit()

    @Slot()
    def _on_removed(self) -> None:
        self.message.emit(self.tr("Token removed."), 5000)
        if self._dialog is not None:
            self._dialog.show_result(self.tr("The token was removed."), True)
        self.token_load.emit()

    @Slot(bool, object)
    def _on_tested(self, ok: bool, error: object) -> None:
        config = self._tested or self._session.config
        if ok and config.sandbox:
            text = self.tr(
                "The built-in sandbox (%1) accepted the token, as it accepts any token. To "
                "check the token with the real service, choose it in Settings and test again."
            ).replace("%1", config.base_url)
        elif ok:
            text = self.tr("The token works: %1 accepted it.").replace("%1", config.base_url)
        else:
            text = "\n".join(
                [
                    self.tr("The token test failed."),
                    self.tr("Service asked: %1").replace("%1", config.base_url),
                    error_text(error),  # type: ignore[arg-type]
                ]
            )
        self.message.emit(text.splitlines()[0], 8000)
        if self._dialog is not None:
            self._dialog.show_result(text, ok)

    @Slot(str, str, object)
    def _on_failed(self, operation: str, _message: str, error: SecretStoreError) -> None:
        texts = {
            "load": self.tr("The keyring could not be read."),
            "save": self.tr("The token could not be saved in the keyring."),
            "remove": self.tr("The token could not be removed from the keyring."),
            "session": self.tr("The token could not be kept for this session."),
        }
        text = texts.get(operation, self.tr("The keyring failed."))
        if self._dialog is not None:
            # Why, in the user's language (the English message is for logs and avatar-cli).
            self._dialog.show_result(f"{text}\n{store_failure_text(error)}", False)
        if operation == "load":
            # Go on without a saved token (first run: on the sandbox). A keyring already known
            # to be unusable is explained in the banner; don't say it again.
            if self._backend is None or self._backend.usable:
                self.message.emit(text, 10000)
            self._on_loaded(None, TokenSource.NONE)
        else:
            self.message.emit(text, 10000)

    def _switch_to_real_service_after_token(self) -> None:
        if self._settings.service is ServiceChoice.SANDBOX and self._source in (TokenSource.NONE,):
            answer = QMessageBox.question(
                self._window(),
                self.tr("Use the real service?"),
                self.tr(
                    "A token is now set. Switch from the sandbox to the real service? "
                    "Requests there are billed."
                ),
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._settings.service = ServiceChoice.DEFAULT
                self.service_chosen.emit()

    # -- the dialog ------------------------------------------------------------------------

    @Slot()
    def open_dialog(self) -> None:
        """Shows the token dialog (one at a time, brought to the front)."""
        if self._dialog is None:
            dialog = TokenDialog(self._window())
            dialog.save_requested.connect(self.token_save)
            dialog.session_requested.connect(self._on_session_token)
            dialog.remove_requested.connect(self.token_remove)
            dialog.test_requested.connect(self._on_test_token)
            dialog.finished.connect(self._on_dialog_closed)
            self._dialog = dialog
        self.service_changed()  # a result about another service is dropped
        if self._backend is not None:
            self._dialog.set_backend(self._backend)
        self._dialog.set_current(bool(self._session.token), self._source)
        self._dialog.show()
        self._dialog.raise_()
        self._dialog.activateWindow()

    def close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.close()

    def _on_dialog_closed(self) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
            self._dialog = None

    def _on_session_token(self, token: str) -> None:
        # Through the worker: the vault may be busy with a keyring call (an unlock prompt).
        self.token_keep.emit(token)

    def _on_test_token(self, entered: str) -> None:
        token = entered or self._session.token
        if not token:
            if self._dialog is not None:
                self._dialog.show_result(self.tr("Enter a token to test."), False)
            return
        self._tested = self._session.config  # the service in use, named in the result
        self.token_test.emit(self._tested, token)


__all__ = ["TokenController"]
