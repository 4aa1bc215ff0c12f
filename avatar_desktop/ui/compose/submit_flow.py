"""Submit and "Add to outbox": the user's side of sending the form.

Both put the form's request into the outbox — the one path of every paid request. Submit then
asks the :class:`~avatar_desktop.qt.outbox_runner.OutboxRunner` to send that item at once and
shows its answer next to the form; "Add to outbox" leaves it for later. Before that, this flow
asks what only the user can answer: the sample's length is measured first (the service refuses
samples under 20 s), then the submission checks (:mod:`avatar_desktop.core.submission`) say
whether the same request was queued or sent before (confirmed first) and whether a cloned
voice's sample has the speaker's consent on record (asked first).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from avatar_desktop.core.cancel import CancelToken
from avatar_desktop.core.delivery import Decision, SendOutcome
from avatar_desktop.core.local_files import local_fields, read_files
from avatar_desktop.core.media import MediaRole
from avatar_desktop.core.request import GenerationRequest, ValidationError, VoiceMode
from avatar_desktop.core.service import ErrorKind, NotSent
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.outbox import Outbox, Source
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.submission import ConsentGiven, Earlier, Screening, screen
from avatar_desktop.core.uploads import LocalFile
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.compose.compose_side import ComposeSide
from avatar_desktop.ui.dialogs.consent import ask_consent
from avatar_desktop.ui.dialogs.token_controller import TokenController
from avatar_desktop.ui.i18n import (
    error_text,
    error_title,
    finding_text,
    kind_title,
    problem_text,
)
from avatar_desktop.ui.outbox.outbox_panel import STATE_NAMES
from avatar_desktop.ui.session import Session

log = logging.getLogger("avatar_desktop.ui")

FileMap = Mapping[str, LocalFile]

CLOSE_GRACE_MS = 2000
"""How long closing waits for an in-flight submission's answer before leaving it unknown."""


class SubmitFlow(QObject):
    """Sends the form through the outbox.

    Signals:
        message(str, int): for the status bar.
        submitted(int): the task row of a job the service accepted (to select it).
        busy_changed(): whether a Submit is in flight changed.
    """

    message = Signal(str, int)
    submitted = Signal(int)
    busy_changed = Signal()

    def __init__(
        self,
        *,
        window: QWidget,
        session: Session,
        compose_side: ComposeSide,
        actions: MainActions,
        outbox: Outbox,
        store: TaskStore,
        runner: OutboxRunner,
        background: Runner,
        tokens: TokenController,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._side = compose_side
        self._actions = actions
        self._outbox = outbox
        self._store = store
        self._runner = runner
        self._background = background
        self._tokens = tokens
        self.in_flight: int | None = None
        """The outbox item Submit is waiting for."""
        self._after_check: tuple[str, dict[str, Any], str] | None = None
        """(what to do, the request, the service) once the running media check ends."""
        self.closing = False
        self.reading = False
        """Whether the form's files are being read before the job is queued."""
        runner.outcome.connect(self._on_outcome)
        runner.item_finished.connect(self._on_item_finished)
        compose_side.check_finished.connect(self._on_check_finished)
        compose_side.validity_changed.connect(self.update)
        actions.submit.triggered.connect(self.submit)
        actions.add_to_outbox.triggered.connect(self.add_to_outbox)

    # -- the buttons' state --

    @Slot()
    def update(self) -> None:
        """Enables Submit and Add to outbox when possible; their tooltips say what they would
        do, or why not."""
        side = self._side
        config = self._session.config
        busy = self.in_flight is not None
        waiting_check = self._after_check is not None or self.reading
        if busy:
            tip = self.tr("A submission is in flight; wait for its answer.")
        elif self.reading:
            tip = self.tr("Reading the files to upload…")
        elif waiting_check:
            tip = self.tr("Checking the voice sample's length before sending…")
        elif not side.form_valid:
            tip = self.tr("Not ready to submit:") + "\n" + side.missing
        elif config.sandbox:
            tip = self.tr("Send to the sandbox (free) — Ctrl+Enter")
        else:
            tip = self.tr("Send to %1 (billed) — Ctrl+Enter").replace("%1", config.base_url)
        can_submit = side.form_valid and not busy and not waiting_check
        self._actions.submit.setEnabled(can_submit)
        self._actions.submit.setToolTip(tip)
        side.set_submit_state(can_submit, tip, sending=busy)
        self._actions.add_to_outbox.setEnabled(side.form_valid and not waiting_check)

    # -- Submit and Add to outbox --

    @Slot()
    def submit(self) -> None:
        self._start("submit")

    @Slot()
    def add_to_outbox(self) -> None:
        self._start("queue")

    def _start(self, what: str) -> None:
        side = self._side
        side.compose.validate()
        request = side.compose.request()
        if request is None:
            side.compose.show_all_problems()
            self.message.emit(self.tr("The form is not complete."), 5000)
            return
        if (what == "submit" and self.in_flight is not None) or self.reading:
            return
        if what == "submit" and not self._has_token():
            return
        if side.checking:
            # Never skip the sample check by clicking again: go on once the check is done.
            self._wait_for_check(what, request)
            return
        if request.mode is VoiceMode.CREATE_VOICE and what == "submit":
            sample = request.to_payload()["create_voice"]["audio_url"]
            report = side.media_panel.reports().get(MediaRole.VOICE_SAMPLE)
            if report is None or report.url != sample:
                # The service rejects samples under 20 s: measure it before paying.
                self._wait_for_check(what, request)
                self.message.emit(self.tr("Checking the voice sample's length before sending…"), 0)
                side.start_media_check([(sample, MediaRole.VOICE_SAMPLE)])
                return
        blocking = self._blocking_findings()
        if blocking:
            side.show_error(
                self.tr("The media check found a problem the service will reject:")
                + "\n"
                + "\n".join(blocking)
            )
            return
        service = self._session.config.base_url
        screening = screen(self._outbox, self._store, service, [(0, request)])
        earlier = screening.duplicates.get(0)
        if earlier is not None and not self._confirm_send_again(earlier):
            return
        given = None
        samples = screening.samples_needing_consent([0])
        if samples:
            if not ask_consent(self._window, samples):
                return
            given = ConsentGiven.WINDOW
        payload = request.to_payload()
        if not local_fields(payload):
            self._queue(what, screening, given, {})
            return
        # Files on this computer: each is read (size, SHA-256) before the job is queued, off
        # the UI thread; what Submit sends is the job as it is then.
        home = self._runner.file_home()
        self.reading = True
        self.update()
        self.message.emit(self.tr("Reading the files to upload…"), 0)

        def read(token: CancelToken) -> dict[str, LocalFile]:
            return read_files(payload, home, token.should_stop)

        def done(files: dict[str, LocalFile]) -> None:
            self.reading = False
            self.update()
            if not self.closing:
                self._queue(what, screening, given, files)

        def failed(error: Exception) -> None:
            self.reading = False
            self.update()
            if self.closing:
                return
            detail = (
                "\n".join(problem_text(problem) for problem in error.problems)
                if isinstance(error, ValidationError)
                else error_text(error)
            )
            self._side.show_error(
                self.tr("The files could not be read, so the job was not queued.") + "\n" + detail
            )
            self.message.emit(self.tr("Nothing was queued."), 5000)

        self._background.submit("disk", read, done, failed)

    def _queue(
        self, what: str, screening: Screening, given: ConsentGiven | None, files: FileMap
    ) -> None:
        """Queue the form's request (its local files read: ``files``) and, for Submit, send it."""
        side = self._side
        service = screening.service_url
        (item,), _left_out = screening.items([0], given, lambda _number: Source.FORM, {0: files})
        try:
            (item_id,) = self._outbox.add_many(service, [item])
        except StoreError as exc:
            side.show_error(
                self.tr("The job could not be recorded, so it was not sent.")
                + "\n"
                + error_text(exc)
            )
            return
        side.clear_error()
        if what == "queue":
            waiting = sum(n for s, n in self._outbox.counts(service).items() if s.is_waiting)
            self.message.emit(
                self.tr("Added to the outbox (%1 waiting).").replace("%1", str(waiting)), 6000
            )
            return
        self.in_flight = item_id
        self.busy_changed.emit()
        self.update()
        target = self.tr("the sandbox") if self._session.config.sandbox else service
        self.message.emit(self.tr("Sending to %1…").replace("%1", target), 0)
        if not self._runner.submit_item(item_id):
            self.in_flight = None
            self.update()

    def _has_token(self) -> bool:
        if self._session.request_token():
            return True
        if not self._tokens.loaded:
            self.message.emit(self.tr("Still reading the token; try again."), 4000)
            return False
        self._side.show_error(
            self.tr(
                "No API token is set for %1. Set one (File → API token) or use the "
                "sandbox in Settings."
            ).replace("%1", self._session.config.base_url)
        )
        self._tokens.open_dialog()
        return False

    def _blocking_findings(self) -> list[str]:
        side = self._side
        urls = side.media_urls()  # the form's, i.e. this request's, by role
        return [
            finding_text(finding)
            for role, report in side.media_panel.reports().items()
            if urls.get(role) == report.url
            for finding in report.findings
            if finding.blocking
        ]

    def _wait_for_check(self, what: str, request: GenerationRequest) -> None:
        self._after_check = (what, request.to_payload(), self._session.config.base_url)
        self.update()

    @Slot(bool)
    def _on_check_finished(self, cancelled: bool) -> None:
        """A media check ended: go on with what was clicked, if it waited for the check."""
        waiting, self._after_check = self._after_check, None
        self.update()
        if waiting is None:
            return
        what, payload, service = waiting
        request = self._side.compose.request()
        now = (request.to_payload() if request else None, self._session.config.base_url)
        if cancelled:
            self.message.emit(self.tr("Not sent: the check was cancelled."), 5000)
        elif now != (payload, service):
            # Only what the user clicked for is sent.
            self.message.emit(
                self.tr("Not sent: the form changed during the check. Submit again."), 8000
            )
        else:
            self._start(what)

    def _confirm_send_again(self, earlier: Earlier) -> bool:
        """The same request was queued or sent before: send it again only when the user says
        so."""
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Send the same request again?"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        if earlier.task is not None:
            when = earlier.task.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            task = earlier.task.task_id or self.tr("(no task id: outcome unknown)")
            text = (
                self.tr("This exact request was already submitted at %1 as task %2.")
                .replace("%1", when)
                .replace("%2", task)
            )
        else:
            assert earlier.item is not None  # the form's one request has no earlier row
            state = QCoreApplication.translate("OutboxTableModel", STATE_NAMES[earlier.item.state])
            text = (
                self.tr("This exact request is already in the outbox (item %1: %2).")
                .replace("%1", str(earlier.item.item_id))
                .replace("%2", state)
            )
        if not self._session.config.sandbox:
            text += "\n" + self.tr("Sending it again creates a new job, which is billed again.")
        box.setText(text)
        send = box.addButton(self.tr("Send again"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is send

    # -- the answer --

    @Slot(object)
    def _on_outcome(self, outcome: SendOutcome) -> None:
        if outcome.item_id != self.in_flight:
            return  # an automatic send: the outbox panel shows it
        self.in_flight = None
        self.busy_changed.emit()
        self.update()
        if self.closing:
            return
        error = outcome.error
        decision = outcome.decision
        if decision is Decision.SUBMITTED:
            if outcome.task_row_id is not None:
                self.submitted.emit(outcome.task_row_id)
            self.message.emit(
                self.tr("Submitted: task %1").replace("%1", outcome.task_id or ""), 10000
            )
            if not outcome.saved:
                self._side.show_error(
                    self.tr(
                        "The service accepted the job as task %1, but it could not be saved "
                        "in the task list yet (%2). Note this task id; the app keeps trying to "
                        "save it."
                    )
                    .replace("%1", outcome.task_id or "")
                    .replace("%2", error_title(error) if error else outcome.reason or "")
                )
            return
        text = error_text(error) if error else outcome.reason or ""
        title = error_title(error) if error else text
        if decision is Decision.RETRY and isinstance(error, NotSent):
            self._offer_to_keep(outcome.item_id, text)
        elif decision is Decision.RETRY:
            item = self._outbox.get(outcome.item_id)
            when = (
                item.next_attempt_at.astimezone().strftime("%H:%M:%S")
                if item is not None and item.next_attempt_at is not None
                else ""
            )
            self._side.show_error(
                text
                + "\n"
                + self.tr("The job waits in the outbox and goes out at %1 on its own.").replace(
                    "%1", when
                )
            )
        elif decision is Decision.TOKEN_REFUSED:
            self._side.show_error(
                text
                + "\n"
                + self.tr("The job waits in the outbox until the token is fixed; nothing is lost.")
            )
            self._tokens.open_dialog()
        elif decision is Decision.STORAGE_REFUSED:
            self._side.show_error(kind_title(ErrorKind.STORAGE_REFUSED))
        elif decision is Decision.UPLOAD_STOPPED:
            self._side.show_error(self.tr("The upload was stopped; the job waits in the outbox."))
        elif decision is Decision.REFUSED:
            # Nothing was billed and the form still holds the request: fix it and submit again.
            self._outbox.cancel(outcome.item_id)
            self._side.show_error(text)
        else:
            self._show_unknown(text)
        self.message.emit(title, 10000)

    @Slot(int)
    def _on_item_finished(self, item_id: int) -> None:
        """Submit's job ended without sending its item: the service asked to wait, or another
        program (a second window, avatar-cli) took the item first."""
        if item_id != self.in_flight:
            return
        self.in_flight = None
        self.busy_changed.emit()
        self.update()
        if self.closing:
            return
        item = self._outbox.get(item_id)
        if item is not None and item.state.is_waiting and not item.state.in_flight:
            text = self.tr(
                "The service asked to wait before the next request: the job waits in the "
                "outbox and goes out by itself."
            )
        else:
            text = self.tr("Another program sent this job meanwhile: see the outbox.")
        self._side.show_error(text)
        self.message.emit(text, 8000)

    def _offer_to_keep(self, item_id: int, text: str) -> None:
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("The service cannot be reached"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        box.setInformativeText(
            self.tr(
                "Nothing was sent. Keep the job in the outbox? It is sent by itself as soon as "
                "the service can be reached."
            )
        )
        keep = box.addButton(self.tr("Keep in outbox"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)

        def answered() -> None:
            if box.clickedButton() is not keep:
                if self._discard(item_id):
                    self.message.emit(self.tr("The job was discarded."), 5000)
                else:
                    # The service came back while the question was open: it went out.
                    self.message.emit(
                        self.tr("The job was already sent meanwhile: see the outbox."), 8000
                    )
            else:
                self.message.emit(self.tr("The job waits in the outbox."), 5000)
            box.deleteLater()

        box.finished.connect(answered)
        box.open()

    def _discard(self, item_id: int) -> bool:
        try:
            return self._outbox.cancel(item_id)
        except StoreError:
            return False

    def _show_unknown(self, text: str) -> None:
        text = (
            self.tr(
                "It is not known whether the service created (and billed) the job: "
                "check your account before sending it again."
            )
            + "\n"
            + text
        )
        self._side.show_error(text)
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Outcome unknown"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        box.setInformativeText(
            self.tr(
                "The job is kept in the outbox, marked “Outcome unknown”: there you can mark it "
                "as submitted with its task id, send it again, or discard it. The app will not "
                "resend it on its own."
            )
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- closing --

    def confirm_quit(self) -> bool:
        """Ask before closing on a paid request whose answer (and task id) is on its way."""
        if self._session.config.sandbox:
            return True
        if self.in_flight is None and not self._runner.busy:
            return True
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("A request is on its way"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "Paid requests are waiting for the service's answer. If you quit now, their "
                "task ids are lost and the jobs are kept as “Outcome unknown”."
            )
        )
        wait = box.addButton(self.tr("Wait for the answer"), QMessageBox.ButtonRole.RejectRole)
        box.addButton(self.tr("Quit anyway"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(wait)
        box.exec()
        return box.clickedButton() is not wait

    def wait_for_in_flight(self) -> None:
        """Closing: give an in-flight answer a moment, then stop waiting (the item stays
        "sending" under this process and becomes "outcome unknown")."""
        self.closing = True
        if self.in_flight is None and not self._runner.busy:
            return
        self.message.emit(self.tr("Waiting for the service's answer…"), 0)
        loop = QEventLoop()
        self.busy_changed.connect(loop.quit)
        self._runner.state_changed.connect(lambda: loop.quit() if not self._runner.busy else None)
        QTimer.singleShot(CLOSE_GRACE_MS, loop.quit)
        loop.exec()


__all__ = ["SubmitFlow"]
