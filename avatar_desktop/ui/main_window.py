"""The main window: it builds the panels, menus, toolbar and status bar and wires them.

The window composes the layers: it takes the store, the token vault and the settings in its
constructor and hands each panel what it needs — the compose side (form, media check, voice
list, draft), the task panel (the table and what is done to the selected tasks), the token
controller (the token and its dialog), the actions (:mod:`avatar_desktop.ui.actions`). Every
blocking call runs on the workers of :mod:`avatar_desktop.qt.workers`; the window never does
network or keyring I/O itself.

Two flows still live here, each in its own section at the end, to be replaced by core policies:
submitting (Submit, its checks and answers, the wait for an answer when closing) and following
the tasks (status polling).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop import __version__
from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.media import MediaRole
from avatar_desktop.core.request import GenerationRequest, VoiceMode
from avatar_desktop.core.service import OutcomeUnknown, RateLimited, TaskStatus
from avatar_desktop.core.tasks import TaskRecord, TaskStore
from avatar_desktop.core.vault import TokenVault
from avatar_desktop.qt.settings import AppSettings, ServiceChoice
from avatar_desktop.qt.workers import (
    MediaCheckWorker,
    SubmitJob,
    SubmitWorker,
    TaskPollWorker,
    TokenWorker,
    VoiceListWorker,
    WorkerThreads,
)
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.compose_side import ComposeSide
from avatar_desktop.ui.i18n import Translators, error_text, error_title, finding_text
from avatar_desktop.ui.service_banner import ServiceBanner, ServiceLabel
from avatar_desktop.ui.session import Session
from avatar_desktop.ui.settings_dialog import SettingsDialog
from avatar_desktop.ui.task_model import TaskTableModel
from avatar_desktop.ui.tasks_panel import TasksPanel
from avatar_desktop.ui.token_controller import TokenController

log = logging.getLogger("avatar_desktop.ui")

CLOSE_GRACE_MS = 2000
"""How long closing waits for an in-flight submission's answer before recording it as unknown."""

POLL_SECONDS_SANDBOX = 2
POLL_SECONDS_SERVICE = 15
"""How often unfinished tasks are asked about (the sandbox moves a step every 2 s)."""


CONSENT_STATEMENT = (
    "I confirm that the person whose voice is in this sample has agreed to having it cloned."
)


class MainWindow(QMainWindow):
    """The application window.

    Collaborators are injected: ``store`` (:class:`TaskStore`), ``vault`` (:class:`TokenVault`),
    ``settings`` (:class:`AppSettings`), ``translators``, ``sandbox_url`` (a callable that starts
    the built-in sandbox if needed and returns its base URL) and ``data_dir``.

    Its parts: :attr:`main_actions`, :attr:`compose_side`, :attr:`tasks` (over :attr:`model`),
    :attr:`token_controller`, :attr:`banner`; in the status bar :attr:`token_label` and
    :attr:`service_label`.

    Signals (internal, queued to the workers): ``submit_job``, ``poll_tasks``.
    """

    submit_job = Signal(object)
    poll_tasks = Signal(object, str, list)

    def __init__(
        self,
        *,
        store: TaskStore,
        vault: TokenVault,
        settings: AppSettings,
        translators: Translators,
        sandbox_url: Callable[[], str],
        data_dir: Path,
    ) -> None:
        super().__init__()
        self._store = store
        self._settings = settings
        self._translators = translators
        self._sandbox_url = sandbox_url
        self._data_dir = data_dir
        self._session = Session(self._make_config())
        self.setObjectName("MainWindow")
        self.model = TaskTableModel(store, self)

        # -- workers, one thread each
        self._threads = WorkerThreads(self)
        self._voice_worker = VoiceListWorker(store)
        self._token_worker = TokenWorker(vault)
        self._media_worker = MediaCheckWorker()
        self._threads.start(self._voice_worker, "voices")
        self._threads.start(self._token_worker, "keyring")
        self._threads.start(self._media_worker, "media")
        self._setup_submission()
        self._setup_polling()

        self._build_ui()
        geometry, state = settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        if state is not None:
            self.restoreState(state)

        self.token_controller.start()
        self._apply_poll_interval()
        self._poll_timer.start()

    # -- building ------------------------------------------------------------------------

    def _build_ui(self) -> None:
        """Creates the parts, menus, toolbar and status bar, once, and wires them;
        :meth:`retranslate_ui` sets the window's own texts."""
        a = self.main_actions = MainActions(self)
        self.token_controller = TokenController(
            session=self._session, settings=self._settings, worker=self._token_worker, parent=self
        )
        self.banner = ServiceBanner()
        self.compose_side = ComposeSide(
            session=self._session,
            settings=self._settings,
            actions=a,
            media_worker=self._media_worker,
            voice_worker=self._voice_worker,
        )
        self.tasks = TasksPanel(self._store, self.model, a)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.compose_side)
        self.splitter.addWidget(self.tasks)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 6, 6, 0)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_menus(a)
        self._build_toolbar(a)
        self.token_label = QLabel()
        self.token_label.setTextFormat(Qt.TextFormat.PlainText)
        self.service_label = ServiceLabel()
        self.statusBar().addPermanentWidget(self.token_label)
        self.statusBar().addPermanentWidget(self.service_label)

        # What each action does.
        a.submit.triggered.connect(self.on_submit)
        a.preview.triggered.connect(self.compose_side.show_request)
        a.check_media.triggered.connect(self.compose_side.check_media)
        a.clear_form.triggered.connect(self.compose_side.clear_form)
        a.token.triggered.connect(self.token_controller.open_dialog)
        a.settings.triggered.connect(self.on_settings)
        a.quit.triggered.connect(self.close)
        a.refresh.triggered.connect(self.on_refresh_tasks)
        a.open_video.triggered.connect(self.tasks.open_video)
        a.copy_video_link.triggered.connect(self.tasks.copy_video_link)
        a.copy_task_id.triggered.connect(self.tasks.copy_task_ids)
        a.use_as_template.triggered.connect(self.tasks.use_as_template)
        a.remove.triggered.connect(self.tasks.remove_selected)
        a.undo_remove.triggered.connect(self.tasks.undo_remove)
        a.about.triggered.connect(self.on_about)
        self.banner.token_button.clicked.connect(a.token.trigger)
        self.banner.settings_button.clicked.connect(a.settings.trigger)

        # How the parts talk.
        for part in (self.compose_side, self.tasks, self.token_controller):
            part.message.connect(self.statusBar().showMessage)
        self.compose_side.validity_changed.connect(self._update_submit)
        self.compose_side.check_finished.connect(self._on_check_finished)
        self.tasks.template_requested.connect(self.compose_side.use_template)
        self.token_controller.token_changed.connect(self._on_token_changed)
        self.token_controller.backend_changed.connect(self._update_service_status)
        self.token_controller.service_chosen.connect(self._apply_service)

        self.retranslate_ui()

    def _build_menus(self, a: MainActions) -> None:
        self._file_menu = self.menuBar().addMenu("")
        self._file_menu.addAction(a.token)
        self._file_menu.addAction(a.settings)
        self._file_menu.addSeparator()
        self._file_menu.addAction(a.quit)
        self._compose_menu = self.menuBar().addMenu("")
        for action in (a.submit, a.preview, a.check_media, a.clear_form):
            self._compose_menu.addAction(action)
        self._tasks_menu = self.menuBar().addMenu("")
        for action in (
            a.refresh,
            a.open_video,
            a.copy_video_link,
            a.copy_task_id,
            a.use_as_template,
            a.remove,
            a.undo_remove,
        ):
            self._tasks_menu.addAction(action)
        self._help_menu = self.menuBar().addMenu("")
        self._help_menu.addAction(a.about)

    def _build_toolbar(self, a: MainActions) -> None:
        self._toolbar = QToolBar()
        self._toolbar.setObjectName("mainToolbar")
        self._toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            a.submit,
            a.preview,
            a.check_media,
            None,
            a.open_video,
            a.refresh,
            a.use_as_template,
            a.remove,
            None,
            a.token,
            a.settings,
        ):
            if action is None:
                self._toolbar.addSeparator()
            else:
                self._toolbar.addAction(action)
        self.addToolBar(self._toolbar)

    def retranslate_ui(self) -> None:
        """Sets the texts of the window's own widgets and of the actions (again after a
        language switch: the panels retranslate themselves on the same ``LanguageChange``)."""
        self.main_actions.retranslate_ui()
        self._file_menu.setTitle(self.tr("&File"))
        self._compose_menu.setTitle(self.tr("&Compose"))
        self._tasks_menu.setTitle(self.tr("&Tasks"))
        self._help_menu.setTitle(self.tr("&Help"))
        self._toolbar.setWindowTitle(self.tr("Main toolbar"))
        self._update_service_status()
        self._update_submit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    @property
    def settings_action(self) -> QAction:
        """``main_actions.settings``, under the name scripts (tests/test_app.py) use."""
        return self.main_actions.settings

    def _title(self) -> str:
        title = self.tr("Avatar Desktop")
        if self.config.sandbox:
            title += " — " + self.tr("SANDBOX")
        return title

    # -- the service -------------------------------------------------------------------------

    def _make_config(self) -> ServiceConfig:
        sandbox = None
        if self._settings.service is ServiceChoice.SANDBOX:
            sandbox = self._sandbox_url()
        return self._settings.service_config(sandbox)

    @property
    def config(self) -> ServiceConfig:
        """The service the window talks to now."""
        return self._session.config

    def _apply_service(self) -> None:
        """The service settings changed: talk to the service they name from now on."""
        self._session.config = self._make_config()
        self._restart_polling()
        self._update_service_status()
        self._update_submit()
        self.compose_side.reload_voices()

    def _update_service_status(self) -> None:
        """The title, the banner and the status bar say which service and token are in use."""
        self.setWindowTitle(self._title())
        self.service_label.show_service(self.config)
        self.token_label.setText(self.token_controller.status_text())
        backend = self.token_controller.backend
        self.banner.show_state(
            sandbox=self.config.sandbox,
            has_token=bool(self._session.token),
            keyring_unusable=backend is not None and not backend.usable,
        )

    @Slot(bool)
    def _on_token_changed(self, has_token: bool) -> None:
        if has_token:
            self.compose_side.clear_error()
        self._update_service_status()
        self._update_submit()
        self.compose_side.reload_voices()  # it may have asked before the token was known

    # -- settings, language, about -------------------------------------------------------

    @Slot()
    def on_settings(self) -> None:
        dialog = SettingsDialog(self._settings, self._data_dir, self)
        before = self._settings.language
        accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return
        self._apply_service()
        if self._settings.language != before:
            self.retranslate()
        self.statusBar().showMessage(self.tr("Settings saved."), 4000)

    def retranslate(self) -> None:
        """Switch the interface language now, keeping everything typed: installing the
        translators sends every widget a ``LanguageChange`` event (see :meth:`changeEvent`)."""
        self._translators.apply(self._settings.language)

    @Slot()
    def on_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Avatar Desktop"),
            self.tr(
                "Avatar Desktop %1\nA desktop client for digital-human video generation."
            ).replace("%1", __version__),
        )

    # -- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._submitting and not self.config.sandbox and not self._confirm_quit_in_flight():
            event.ignore()
            return
        self._closing = True
        self._poll_timer.stop()
        self._wait_for_in_flight()
        self.compose_side.save_draft()
        self._settings.set_window_state(self.saveGeometry(), self.saveState())
        self._settings.sync()
        self._threads.shutdown()
        self.token_controller.close_dialog()
        super().closeEvent(event)

    # == Submitting (to be replaced by the outbox) ===========================================

    def _setup_submission(self) -> None:
        """The submission flow's state and worker."""
        self._submitting = False
        self._submit_after_check = False
        self._retry_not_before = 0.0
        self._checked_submission: tuple[dict[str, Any] | None, str] | None = None
        self._consented: set[str] = set()
        self._submit_worker = SubmitWorker(self._store)
        self._threads.start(self._submit_worker, "submit")
        self.submit_job.connect(self._submit_worker.submit)
        self._submit_worker.sending.connect(self._on_sending)
        self._submit_worker.submitted.connect(self._on_submitted)
        self._submit_worker.failed.connect(self._on_submit_failed)
        self._submit_worker.outcome_unknown.connect(self._on_outcome_unknown)

    def _update_submit(self) -> None:
        """Enables Submit (the action and the button) when sending is possible; its tooltip
        says what it would do, or why not."""
        side = self.compose_side
        waiting = self._retry_wait_seconds()
        can_submit = (
            side.form_valid and not self._submitting and not self._submit_after_check
        ) and not waiting
        config = self.config
        if self._submitting:
            tip = self.tr("A submission is in flight; wait for its answer.")
        elif self._submit_after_check:
            tip = self.tr("Checking the voice sample's length before sending…")
        elif waiting:
            tip = self.tr("The service asked to wait: try again in %1 s.").replace(
                "%1", str(waiting)
            )
        elif not side.form_valid:
            tip = self.tr("Not ready to submit:") + "\n" + side.missing
        elif config.sandbox:
            tip = self.tr("Send to the sandbox (free) — Ctrl+Enter")
        else:
            tip = self.tr("Send to %1 (billed) — Ctrl+Enter").replace("%1", config.base_url)
        self.main_actions.submit.setEnabled(can_submit)
        self.main_actions.submit.setToolTip(tip)
        side.set_submit_state(can_submit, tip, sending=self._submitting)

    def _wait_for_check(self, request: GenerationRequest) -> None:
        """Send ``request`` once the running media check ends, if nothing changed meanwhile."""
        self._submit_after_check = True
        self._checked_submission = (request.to_payload(), self.config.base_url)
        self._update_submit()

    @Slot(bool)
    def _on_check_finished(self, cancelled: bool) -> None:
        """A media check ended: send what Submit was clicked for, if it waited for the check."""
        resubmit, self._submit_after_check = self._submit_after_check, False
        self._update_submit()
        if resubmit:
            request = self.compose_side.compose.request()
            now = (request.to_payload() if request else None, self.config.base_url)
            if cancelled:
                self.statusBar().showMessage(self.tr("Not sent: the check was cancelled."), 5000)
            elif now != self._checked_submission:
                # Only what the user clicked Submit for is sent.
                self.statusBar().showMessage(
                    self.tr("Not sent: the form changed during the check. Submit again."), 8000
                )
            else:
                self.on_submit()

    def _retry_wait_seconds(self) -> int:
        """Seconds left of a rate limit's Retry-After (0 when free to send)."""
        return max(0, math.ceil(self._retry_not_before - time.monotonic()))

    @Slot()
    def on_submit(self) -> None:
        side = self.compose_side
        side.compose.validate()
        request = side.compose.request()
        if request is None:
            side.compose.show_all_problems()
            self.statusBar().showMessage(self.tr("The form is not complete."), 5000)
            return
        if self._submitting:
            return
        token = self._session.request_token()
        if not token and not self.token_controller.loaded:
            self.statusBar().showMessage(self.tr("Still reading the token; try again."), 4000)
            return
        if not token:
            self.compose_side.show_error(
                self.tr(
                    "No API token is set for %1. Set one (File → API token) or use the "
                    "sandbox in Settings."
                ).replace("%1", self.config.base_url)
            )
            self.token_controller.open_dialog()
            return
        if side.checking:
            # Never skip the sample check by clicking again: send once the check is done.
            self._wait_for_check(request)
            return
        if request.mode is VoiceMode.CREATE_VOICE:
            sample = request.to_payload()["create_voice"]["audio_url"]
            report = side.media_panel.reports().get(MediaRole.VOICE_SAMPLE)
            if report is None or report.url != sample:
                # The service rejects samples under 20 s: measure it before paying.
                self._wait_for_check(request)
                self.statusBar().showMessage(
                    self.tr("Checking the voice sample's length before sending…")
                )
                side.start_media_check([(sample, MediaRole.VOICE_SAMPLE)])
                return
        urls = side.media_urls()  # the form's, i.e. this request's, by role
        blocking = [
            finding
            for role, report in side.media_panel.reports().items()
            if urls.get(role) == report.url
            for finding in report.findings
            if finding.blocking
        ]
        if blocking:
            self.compose_side.show_error(
                self.tr("The media check found a problem the service will reject:")
                + "\n"
                + "\n".join(finding_text(f) for f in blocking)
            )
            return
        payload = request.to_payload()
        earlier = self._store.find_same_request(self.config.base_url, payload)
        if earlier and not self._confirm_resend(earlier[0]):
            return
        consent = None
        if request.mode is VoiceMode.CREATE_VOICE:
            consent = self._consent_for(payload["create_voice"]["audio_url"])
            if consent is None:
                return
        self._submitting = True
        self.compose_side.clear_error()
        self._update_submit()
        target = self.tr("the sandbox") if self.config.sandbox else self.config.base_url
        self.statusBar().showMessage(self.tr("Sending to %1…").replace("%1", target))
        self.submit_job.emit(SubmitJob(self.config, token, request, consent))

    def _confirm_resend(self, earlier: TaskRecord) -> bool:
        when = earlier.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        task = earlier.task_id or self.tr("(no task id: outcome unknown)")
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Send the same request again?"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        text = (
            self.tr("This exact request was already submitted at %1 as task %2.")
            .replace("%1", when)
            .replace("%2", task)
        )
        if not self.config.sandbox:
            text += "\n" + self.tr("Sending it again creates a new job, which is billed again.")
        box.setText(text)
        send = box.addButton(self.tr("Send again"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is send

    def _consent_for(self, sample_url: str) -> dict[str, Any] | None:
        confirmed_at = None
        if sample_url not in self._consented:
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle(self.tr("Speaker's consent"))
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(
                self.tr("Cloning a voice needs the speaker's permission.")
                + "\n\n"
                + self.tr("Sample: %1").replace("%1", sample_url)
                + "\n\n"
                + self.tr(
                    "Do you confirm that the person whose voice is in this sample has "
                    "agreed to having it cloned?"
                )
            )
            yes = box.addButton(self.tr("I confirm"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is not yes:
                return None
            self._consented.add(sample_url)
        confirmed_at = datetime.now(UTC).isoformat(timespec="seconds")
        return {
            "sample_url": sample_url,
            "confirmed_at": confirmed_at,
            "statement": CONSENT_STATEMENT,
        }

    @Slot(int)
    def _on_sending(self, row_id: int) -> None:
        self.model.task_added(row_id)

    @Slot(int, str)
    def _on_submitted(self, row_id: int, task_id: str) -> None:
        self._submitting = False
        self.model.task_changed(row_id)
        self.tasks.select_row(row_id)
        self.statusBar().showMessage(self.tr("Submitted: task %1").replace("%1", task_id), 10000)
        self._update_submit()

    @Slot(int, object)
    def _on_submit_failed(self, row_id: int, error: Exception) -> None:
        self._submitting = False
        if isinstance(error, RateLimited) and error.retry_after:
            # Honour Retry-After: Submit comes back when the wait is over.
            self._retry_not_before = time.monotonic() + error.retry_after
            QTimer.singleShot(math.ceil(error.retry_after * 1000) + 50, self, self._update_submit)
        self.model.tasks_removed([row_id])
        self.compose_side.show_error(error_text(error))
        self.statusBar().showMessage(error_title(error), 10000)
        self._update_submit()

    @Slot(int, object)
    def _on_outcome_unknown(self, row_id: int, error: Exception) -> None:
        self._submitting = False
        self.model.task_changed(row_id)
        self._update_submit()
        if self._closing:
            return
        self.tasks.select_row(row_id)
        text = error_text(error)
        if not isinstance(error, OutcomeUnknown):
            text = (
                self.tr(
                    "It is not known whether the service created (and billed) the job: "
                    "check your account before sending it again."
                )
                + "\n"
                + text
            )
        self.compose_side.show_error(text)
        self.statusBar().showMessage(error_title(error), 10000)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Outcome unknown"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        box.setInformativeText(
            self.tr(
                "The request is kept in the task list, marked “Outcome unknown”. Check your "
                "account before submitting it again; the app will not resend it on its own."
            )
        )
        box.open()

    _closing = False

    def _wait_for_in_flight(self) -> None:
        """Closing: give an in-flight answer a moment, then stop waiting. The row stays as
        "outcome unknown" (it was recorded before the request went out)."""
        if not self._submitting:
            return
        self.statusBar().showMessage(self.tr("Waiting for the service's answer…"))
        loop = QEventLoop()
        self._submit_worker.submitted.connect(loop.quit)
        self._submit_worker.failed.connect(loop.quit)
        self._submit_worker.outcome_unknown.connect(loop.quit)
        QTimer.singleShot(CLOSE_GRACE_MS, loop.quit)
        loop.exec()

    def _confirm_quit_in_flight(self) -> bool:
        """Ask before closing on a paid request whose answer (and task id) is on its way."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("A request is on its way"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "A paid request is waiting for the service's answer. If you quit now, its task "
                "id is lost and the task is kept as “Outcome unknown”."
            )
        )
        wait = box.addButton(self.tr("Wait for the answer"), QMessageBox.ButtonRole.RejectRole)
        box.addButton(self.tr("Quit anyway"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(wait)
        box.exec()
        return box.clickedButton() is not wait

    def show_recovered(self, count: int) -> None:
        """Tell the user about submissions a previous run left without an answer."""
        if count <= 0:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Outcome unknown"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "The app closed last time before the service answered %1 request(s). They are "
                "in the list as “Outcome unknown”: the jobs may exist and be billed, so check "
                "your account before sending them again."
            ).replace("%1", str(count))
        )
        box.open()

    # == Following the tasks (to be replaced by the follower) ==============================

    def _setup_polling(self) -> None:
        """The status polling's state, worker and timer."""
        self._polling = 0  # poll rounds asked for and not finished
        self._poll_backoff = 1.0
        self._poll_not_before = 0.0
        self._poll_worker = TaskPollWorker(self._store)
        self._threads.start(self._poll_worker, "status")
        self.poll_tasks.connect(self._poll_worker.poll)
        self._poll_worker.task_updated.connect(self._on_task_updated)
        self._poll_worker.poll_failed.connect(self._on_poll_failed)
        self._poll_worker.poll_finished.connect(self._on_poll_finished)
        self._poll_timer = QTimer(self)
        self._poll_timer.timeout.connect(self._poll_pending)

    def _apply_poll_interval(self) -> None:
        self._poll_timer.setInterval(int(self._poll_interval() * 1000))

    def _restart_polling(self) -> None:
        """The service changed: ask it at once, at its own pace."""
        self._poll_not_before = 0.0
        self._poll_backoff = 1.0
        self._apply_poll_interval()

    def _poll_pending(self) -> None:
        """Timer tick: ask about the current service's unfinished tasks, unless busy or told
        to wait (rate limit, network trouble)."""
        if self._polling or time.monotonic() < self._poll_not_before:
            return
        token = self._session.request_token()
        if not token:
            return
        task_ids = self._store.pending_task_ids(self.config.base_url)
        if task_ids:
            self._start_poll(token, task_ids)

    def _start_poll(self, token: str, task_ids: list[str]) -> None:
        self._polling += 1
        self.poll_tasks.emit(self.config, token, task_ids)

    @Slot()
    def on_refresh_tasks(self) -> None:
        token = self._session.request_token()
        records = [r for r in self.tasks.selected_records() if r.task_id]
        if not records:
            return
        if not token:
            self.statusBar().showMessage(self.tr("Set an API token to ask the service."), 5000)
            return
        if any(r.service_url != self.config.base_url for r in records):
            self.statusBar().showMessage(
                self.tr("Only tasks of the current service can be refreshed."), 5000
            )
            records = [r for r in records if r.service_url == self.config.base_url]
        ids = [r.task_id for r in records if r.task_id]
        if ids:
            self._poll_not_before = 0.0
            self._start_poll(token, ids)
            self.statusBar().showMessage(self.tr("Asking the service…"), 3000)

    @Slot(int, str)
    def _on_task_updated(self, row_id: int, status: str) -> None:
        # Only unfinished tasks are polled on their own, so a final status here is news (or
        # the answer to a manual refresh).
        self._poll_backoff = 1.0
        self.model.task_changed(row_id)
        record = self._store.get(row_id)
        task = record.task_id if record is not None and record.task_id else ""
        if status == TaskStatus.SUCCESS.value:
            self.statusBar().showMessage(
                self.tr("Task %1 is ready: open or save its video.").replace("%1", task), 10000
            )
        elif status == TaskStatus.FAILURE.value:
            self.statusBar().showMessage(self.tr("Task %1 failed.").replace("%1", task), 10000)
        self._update_submit()

    @Slot(object)
    def _on_poll_failed(self, error: Exception) -> None:
        if isinstance(error, RateLimited):
            wait = error.retry_after or 30.0
        else:
            self._poll_backoff = min(self._poll_backoff * 2, 16.0)
            wait = self._poll_interval() * self._poll_backoff
        self._poll_not_before = time.monotonic() + wait
        log.info("status polling paused for %.0f s: %s", wait, type(error).__name__)

    @Slot()
    def _on_poll_finished(self) -> None:
        self._polling = max(0, self._polling - 1)

    def _poll_interval(self) -> float:
        return float(POLL_SECONDS_SANDBOX if self.config.sandbox else POLL_SECONDS_SERVICE)
