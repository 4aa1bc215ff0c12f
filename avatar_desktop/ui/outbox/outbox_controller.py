"""The user's side of the outbox: import, export, decisions on items, confirmations.

:class:`OutboxController` connects the
:class:`~avatar_desktop.ui.outbox.outbox_panel.OutboxPanel` to the core (the outbox, the
importer, the transfer file) and the
:class:`~avatar_desktop.qt.outbox_runner.OutboxRunner`. Reading and writing files and batches
goes through the background :class:`~avatar_desktop.qt.runner.Runner`; the rules (what is a
duplicate, what may be re-sent) are the core's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from avatar_desktop.core.local_files import FileHome
from avatar_desktop.core.request import (
    GenerationRequest,
    InvalidTaskId,
    ValidationError,
    valid_task_id,
)
from avatar_desktop.core.sending import Idle, is_sandbox_url, why_nothing_sent
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import (
    CannotMove,
    ItemState,
    MoveRefusal,
    Outbox,
    OutboxSummary,
    file_line_source,
)
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.i18n import error_text, problem_text
from avatar_desktop.ui.outbox.outbox_panel import STATE_NAMES, OutboxPanel, service_name
from avatar_desktop.ui.tasks.task_id_dialog import ask_task_id

if TYPE_CHECKING:  # the importer and the dialogs load when first used, not at start-up
    from avatar_desktop.core.importer import ImportReport
    from avatar_desktop.core.submission import Screening
    from avatar_desktop.core.transfer import TransferReport

log = logging.getLogger("avatar_desktop.ui")

STATUS_MS = 8000


@dataclass(frozen=True)
class _ReadImport:
    path: Path
    report: ImportReport | None
    screening: Screening | None
    transfer: TransferReport | None = None


class OutboxController(QObject):
    """Acts on the outbox for the window.

    Signals:
        message(str): a short result for the status bar.
        open_request(GenerationRequest): load this request into the form.
        summary_changed(OutboxSummary): the counts of the current service, as the panel shows
            them (for the window's tab and status bar: the same numbers everywhere).
    """

    message = Signal(str)
    open_request = Signal(object)
    summary_changed = Signal(object)

    def __init__(
        self,
        *,
        outbox: Outbox,
        tasks: TaskStore,
        drafts: Drafts,
        runner: OutboxRunner,
        background: Runner,
        panel: OutboxPanel,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.outbox = outbox
        self.tasks = tasks
        self.drafts = drafts
        self.runner = runner
        self.background = background
        self.panel = panel
        self.window = window
        self._question: QMessageBox | None = None
        """The open "send these jobs?" question, if any."""
        self._last_folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        panel.send_now.connect(self.send_now)
        panel.pause_toggled.connect(self.toggle_pause)
        panel.import_requested.connect(self.import_jobs)
        panel.cancel_items.connect(self.cancel)
        panel.requeue_items.connect(self.requeue)
        panel.resolve_item.connect(self.resolve)
        panel.edit_item.connect(self.edit)
        panel.move_items.connect(self.move)
        panel.clear_finished.connect(self.clear_finished)
        runner.state_changed.connect(self.refresh_state)
        runner.confirmation_needed.connect(self.confirm_many)
        runner.confirmation_changed.connect(self._question_changed)

    def _service(self) -> str | None:
        config = self.runner.config
        return None if config is None else config.base_url

    def show_recovered(self, count: int) -> None:
        """Tell the user about submissions a previous run left without an answer."""
        if count <= 0:
            return
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Outcome unknown"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "The app closed last time before the service answered %1 request(s). They are "
                "marked “Outcome unknown”: the jobs may exist and be billed, so check "
                "your account before sending them again."
            ).replace("%1", str(count))
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- state --

    @Slot()
    def refresh(self) -> None:
        """The data file changed: read the outbox again."""
        self.panel.model.reload()
        self.refresh_state()

    def summary(self) -> OutboxSummary | None:
        """The outbox seen from the current service (None: no service yet, or unreadable)."""
        service = self._service()
        if service is None:
            return None
        try:
            return self.outbox.summary(service)
        except StoreError as exc:  # the panel shows the model's own error
            log.debug("could not read the outbox: %s", exc)
            return None

    @Slot()
    def refresh_state(self) -> None:
        """The runner's state or the outbox changed: the rows, the panel's line, the window's
        tab and status bar say it again, from one summary."""
        hold = self.runner.policy.hold
        self.panel.model.set_context(self.runner.config, hold)
        summary = self.summary()
        self.panel.show_summary(
            summary,
            hold,
            busy=self.runner.busy,
            storage_paused=self.runner.policy.storage_paused,
        )
        if summary is not None:
            self.summary_changed.emit(summary)

    # -- sending --

    @Slot()
    def send_now(self) -> None:
        if not self.runner.can_send():
            self.message.emit(self.tr("Set an API token to send."))
            return
        if self.runner.send_now():
            return
        summary = self.summary()
        if summary is None:
            return
        service = self._service() or ""
        idle = why_nothing_sent(
            summary,
            hold=self.runner.policy.hold,
            busy=self.runner.busy,
            gate_wait=self.runner.gate.wait_seconds(service),
        )
        name = service_name(service, self.runner.config)
        if idle.why is Idle.BUSY:
            text = self.tr("Sending already: what is due goes with the next round.")
        elif idle.why is Idle.TOKEN_REFUSED:
            text = self.tr(
                "Nothing was sent: sending is paused because the service refused the token."
            )
        elif idle.why is Idle.SERVICE_WAIT and idle.until is not None:
            text = (
                self.tr("Nothing to send to %1 now: waiting until %2 as the service asked.")
                .replace("%1", name)
                .replace("%2", datetime.fromtimestamp(idle.until).strftime("%H:%M:%S"))
            )
        elif idle.why is Idle.OTHER_SERVICES:
            text = self.tr(
                "Nothing to send to %1: %n job(s) wait for other services (“Move to the "
                "current service…” sends them here).",
                "",
                summary.other_waiting,
            ).replace("%1", name)
        elif idle.why is Idle.NEEDS_USER:
            text = self.tr(
                "Nothing to send to %1: %n job(s) need your decision.", "", summary.needs_user
            ).replace("%1", name)
        else:
            text = self.tr("Nothing to send to %1: everything is sent.").replace("%1", name)
        self.message.emit(text)

    @Slot()
    def toggle_pause(self) -> None:
        if self.runner.policy.paused or self.runner.policy.token_paused:
            self.runner.resume()
            self.message.emit(self.tr("Sending resumed."))
        else:
            self.runner.pause()
            self.message.emit(self.tr("Sending paused: jobs wait in the outbox."))

    @Slot(int)
    def confirm_many(self, count: int) -> None:
        """More than a few jobs would go out at once: each is billed, so ask. The question
        follows what other programs do meanwhile (:meth:`_question_changed`)."""
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)
        send = box.addButton(self.tr("Send them"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(send)
        self._question = box
        self._word_question(count)

        def answered() -> None:
            box.deleteLater()
            if self._question is not box:
                return  # withdrawn: nothing was left to ask about
            self._question = None
            if box.clickedButton() is not send:
                self.runner.decline()
                self.message.emit(self.tr("Sending paused: use “Send now” when you are ready."))
            elif not self.runner.confirm():
                self.message.emit(
                    self.tr(
                        "Nothing was sent: those jobs no longer wait in the outbox (another "
                        "program, such as avatar-cli, sent or changed them meanwhile)."
                    )
                )

        box.finished.connect(answered)
        box.open()

    def _word_question(self, count: int) -> None:
        assert self._question is not None
        self._question.setWindowTitle(self.tr("Send %n job(s)?", "", count))
        config = self.runner.config
        if config is not None and is_sandbox_url(config.base_url, config):
            text = self.tr(
                "%n job(s) are ready to send to the built-in sandbox (nothing is billed there).",
                "",
                count,
            )
        else:
            text = self.tr(
                "%n job(s) are ready to send to %1. Each accepted job is billed.", "", count
            ).replace("%1", service_name(config.base_url, config) if config else "")
        self._question.setText(text)

    @Slot(int)
    def _question_changed(self, count: int) -> None:
        """Another program sent, cancelled or moved some of the jobs asked about: the question
        names those left, and closes itself when none is."""
        if self._question is None:
            return
        if count:
            self._word_question(count)
            return
        box, self._question = self._question, None
        box.reject()
        self.message.emit(
            self.tr(
                "Question closed: the jobs it asked about no longer wait in the outbox "
                "(another program, such as avatar-cli, sent or changed them)."
            )
        )

    # -- decisions on items --

    def _act(self, action: Callable[[], Any], done: str) -> None:
        try:
            action()
        except (StoreError, ValidationError) as exc:
            self._refused(exc)
            return
        self._acted(done)

    def _acted(self, done: str) -> None:
        self.message.emit(done)
        self.refresh()

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            text = "\n".join(problem_text(problem) for problem in exc.problems)
        else:
            text = error_text(exc)
        QMessageBox.warning(self.window, self.tr("Outbox"), text)
        self.refresh()

    @Slot(list)
    def cancel(self, item_ids: list[int]) -> None:
        self._act(
            lambda: [self.outbox.cancel(i) for i in item_ids],
            self.tr("Cancelled: %1").replace("%1", str(len(item_ids))),
        )

    @Slot(list)
    def requeue(self, item_ids: list[int]) -> None:
        items = [item for item in map(self.outbox.get, item_ids) if item is not None]
        unknown = [item for item in items if item.state is ItemState.OUTCOME_UNKNOWN]
        if unknown:
            answer = QMessageBox.warning(
                self.window,
                self.tr("Send again?"),
                self.tr(
                    "The service may already have received %n of these job(s) and billed "
                    "them. Check your account first. Send again anyway?",
                    "",
                    len(unknown),
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        # Off the UI thread: the local files of an item are read again (the user checked
        # them), which may take a while for a long video.
        done = self.tr("Queued again: %1").replace("%1", str(len(items)))
        self.background.run(
            lambda: [self.outbox.requeue(item.item_id) for item in items],
            lambda _ids: self._acted(done),
            self._refused,
        )

    @Slot(int)
    def resolve(self, item_id: int) -> None:
        """Ask for the task id the service gave the job of ``item_id`` (outcome unknown)."""
        ask_task_id(
            self.window,
            self.tr("Mark as submitted"),
            self.tr("The task id the service gave this job (from your account page):"),
            lambda task_id: self.mark_submitted(item_id, task_id),
        )

    def mark_submitted(self, item_id: int, text: str) -> None:
        """The job of ``item_id`` exists as the task ``text`` names: it joins the task list."""
        try:
            task_id = valid_task_id(text)
        except InvalidTaskId as exc:
            QMessageBox.warning(
                self.window, self.tr("Mark as submitted"), problem_text(exc.problem)
            )
            return
        self._act(
            lambda: self.outbox.resolve_submitted(item_id, task_id),
            self.tr("Task %1 added to the task list.").replace("%1", task_id),
        )

    @Slot(int)
    def edit(self, item_id: int) -> None:
        item = self.outbox.get(item_id)
        if item is None:
            return
        try:
            request = GenerationRequest.from_payload(item.payload, local_files=True)
        except ValidationError:
            return
        self.open_request.emit(request)

    @Slot(list)
    def move(self, item_ids: list[int]) -> None:
        """Move the items to the current service, after asking: it changes where they are
        billed. What the core refuses (see :meth:`Outbox.move`) is said item by item."""
        config = self.runner.config
        items = [item for item in map(self.outbox.get, item_ids) if item is not None]
        if config is None or not items:
            return
        target = config.base_url
        sources = ", ".join(dict.fromkeys(service_name(item.service_url, config) for item in items))
        if is_sandbox_url(target, config):
            text = self.tr(
                "Move %n job(s) from %1 to the built-in sandbox? They will be sent there "
                "instead; nothing is billed on the sandbox.",
                "",
                len(items),
            ).replace("%1", sources)
        else:
            text = (
                self.tr(
                    "Move %n job(s) from %1 to %2? They will be sent to %2 instead, and billed "
                    "there by the account of the token in use.",
                    "",
                    len(items),
                )
                .replace("%1", sources)
                .replace("%2", service_name(target, config))
            )
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Move to the current service?"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        move = box.addButton(self.tr("Move"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # it changes where it is billed
        box.exec()
        moved = box.clickedButton() is move
        box.deleteLater()
        if not moved:
            return
        problems: list[str] = []
        count = 0
        try:
            for item in items:
                try:
                    self.outbox.move(item.item_id, target)
                    count += 1
                except CannotMove as refused:
                    problems.append(self._not_moved(item.item_id, refused, target))
        except StoreError as exc:
            problems.append(error_text(exc))
        self.refresh()
        if count:
            self.message.emit(
                self.tr("Moved %n job(s) to %1.", "", count).replace(
                    "%1", service_name(target, config)
                )
            )
        if problems:
            QMessageBox.warning(
                self.window, self.tr("Move to the current service"), "\n".join(problems)
            )

    def _not_moved(self, item_id: int, refused: CannotMove, target: str) -> str:
        """Why the core did not move an item, in the user's words."""
        name = service_name(target, self.runner.config)
        if refused.why is MoveRefusal.DUPLICATE:
            text = self.tr(
                "Job %1 was not moved: the same request is already queued or sent for %2 (%3)."
            ).replace("%3", refused.duplicate or "")
        elif refused.why is MoveRefusal.STATE and refused.item is not None:
            text = self.tr(
                "Job %1 was not moved: it is “%3”; only queued, waiting or refused jobs move."
            ).replace(
                "%3",
                QCoreApplication.translate("OutboxTableModel", STATE_NAMES[refused.item.state]),
            )
        elif refused.why is MoveRefusal.SAME_SERVICE:
            text = self.tr("Job %1 is already for %2.")
        else:
            text = self.tr("Job %1 is no longer in the outbox.")
        return text.replace("%1", str(item_id)).replace("%2", name)

    @Slot()
    def clear_finished(self) -> None:
        self._act(
            lambda: self.outbox.remove_finished(),
            self.tr("Submitted and cancelled jobs removed from the outbox."),
        )

    # -- files --

    def _ask_open(self, title: str, filters: str) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(self.window, title, self._last_folder, filters)
        if not name:
            return None
        self._last_folder = str(Path(name).parent)
        return Path(name)

    def _ask_save(self, title: str, suggested: str, filters: str) -> Path | None:
        start = str(Path(self._last_folder) / suggested)
        name, _filter = QFileDialog.getSaveFileName(self.window, title, start, filters)
        if not name:
            return None
        self._last_folder = str(Path(name).parent)
        return Path(name)

    @Slot()
    def import_jobs(self, path: Path | None = None) -> None:
        """Read a CSV / JSON / JSON Lines file (or an export file), preview, then queue."""
        service = self._service()
        if service is None:
            return
        if path is None:
            path = self._ask_open(
                self.tr("Import jobs"),
                self.tr("Jobs (*.csv *.json *.jsonl *.ndjson *.txt);;All files (*)"),
            )
            if path is None:
                return
        self.message.emit(self.tr("Reading %1…").replace("%1", path.name))
        home = self.runner.file_home()
        self.background.run(
            lambda: self._read(path, service, home),
            lambda result: self._preview(result, service),
            lambda error: self._failed(self.tr("The file could not be read."), error),
        )

    def _read(self, path: Path, service: str, home: FileHome) -> _ReadImport:
        """On the background thread: parse (reading the local files the rows name), and run
        the submission checks."""
        from avatar_desktop.core.importer import read_file
        from avatar_desktop.core.submission import screen
        from avatar_desktop.core.transfer import is_export, read_export

        if path.suffix.lower() == ".json" and path.is_file():  # never a pipe: it would block
            try:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
            except (UnicodeDecodeError, ValueError, OSError):
                data = None
            if is_export(data):
                transfer = read_export(path, self.drafts, self.outbox)
                return _ReadImport(path, None, None, transfer)
        report = read_file(path, home)
        numbered = [(row.line, row.request) for row in report.valid if row.request is not None]
        return _ReadImport(path, report, screen(self.outbox, self.tasks, service, numbered))

    def _preview(self, result: _ReadImport, service: str) -> None:
        from avatar_desktop.core.submission import ConsentGiven
        from avatar_desktop.ui.outbox.import_dialog import ImportPreviewDialog

        if result.transfer is not None:
            self._transferred(result.transfer)
            return
        assert result.report is not None and result.screening is not None
        screening = result.screening
        dialog = ImportPreviewDialog(result.path, result.report, screening, self.window)
        if dialog.exec() != ImportPreviewDialog.DialogCode.Accepted:
            dialog.deleteLater()
            self.message.emit(self.tr("Nothing was queued."))
            return
        chosen, given = dialog.chosen(), dialog.consent_given
        dialog.deleteLater()
        items, left_out = screening.items(
            chosen,
            ConsentGiven.WINDOW if given else None,
            lambda line: file_line_source(result.path.name, line),
            {row.line: row.files for row in result.report.rows},
        )
        self.background.run(
            lambda: self.outbox.add_many(service, items),
            lambda ids: self._queued(len(ids), len(left_out)),
            lambda error: self._failed(self.tr("The jobs could not be queued."), error),
        )

    def _queued(self, count: int, without_consent: int) -> None:
        self.refresh()
        text = self.tr("%n job(s) added to the outbox.", "", count)
        if without_consent:
            text += " " + self.tr(
                "%n voice clone(s) not queued: the speaker's consent was not confirmed.",
                "",
                without_consent,
            )
        self.message.emit(text)

    def _transferred(self, report: TransferReport) -> None:
        self.refresh()
        text = (
            self.tr("Imported %1 draft(s) and %2 job(s).")
            .replace("%1", str(report.drafts))
            .replace("%2", str(report.items))
        )
        if report.skipped:
            QMessageBox.information(
                self.window,
                self.tr("Import"),
                text + "\n" + self.tr("Skipped:") + "\n" + "\n".join(report.skipped),
            )
        self.message.emit(text)

    def _failed(self, what: str, error: Exception) -> None:
        log.warning("%s %r", what, error)
        detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        QMessageBox.warning(self.window, self.tr("Outbox"), f"{what}\n{detail}")

    @Slot()
    def save_template(self) -> None:
        from avatar_desktop.core.importer import write_template

        path = self._ask_save(
            self.tr("Save CSV template"), "avatar-jobs.csv", self.tr("CSV (*.csv)")
        )
        if path is None:
            return
        self.background.run(
            lambda: write_template(path),
            lambda _none: self.message.emit(self.tr("Template saved: %1").replace("%1", str(path))),
            lambda error: self._failed(self.tr("The template could not be saved."), error),
        )

    @Slot()
    def export(self) -> None:
        from avatar_desktop.core.transfer import write_export

        path = self._ask_save(
            self.tr("Export drafts and outbox"),
            "avatar-desktop-export.json",
            self.tr("Avatar Desktop export (*.json)"),
        )
        if path is None:
            return
        self.background.run(
            lambda: write_export(path, self.drafts, self.outbox),
            lambda counts: self.message.emit(
                self.tr("Exported %1 draft(s) and %2 job(s) to %3.")
                .replace("%1", str(counts["drafts"]))
                .replace("%2", str(counts["outbox"]))
                .replace("%3", str(path))
            ),
            lambda error: self._failed(self.tr("The export could not be written."), error),
        )


__all__ = ["OutboxController"]
