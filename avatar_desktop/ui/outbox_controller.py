"""The user's side of the outbox: import, export, decisions on items, confirmations.

:class:`OutboxController` connects the :class:`~avatar_desktop.ui.outbox_panel.OutboxPanel` to
the core (the outbox, the importer, the transfer file) and the
:class:`~avatar_desktop.qt.outbox_runner.OutboxRunner`. Reading and writing files and batches
goes through the background :class:`~avatar_desktop.qt.runner.Runner`; the rules (what is a
duplicate, what may be re-sent) are the core's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from avatar_desktop.core.db import StoreError
from avatar_desktop.core.drafts import Drafts
from avatar_desktop.core.outbox import ItemState, NewItem, Outbox
from avatar_desktop.core.request import (
    GenerationRequest,
    InvalidTaskId,
    ValidationError,
    valid_task_id,
)
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.i18n import problem_text
from avatar_desktop.ui.outbox_panel import OutboxPanel
from avatar_desktop.ui.task_id_dialog import ask_task_id

if TYPE_CHECKING:  # the importer and the dialogs load when first used, not at start-up
    from avatar_desktop.core.importer import ImportReport
    from avatar_desktop.core.transfer import TransferReport

log = logging.getLogger("avatar_desktop.ui")

STATUS_MS = 8000


@dataclass(frozen=True)
class _ReadImport:
    path: Path
    report: ImportReport | None
    duplicates: set[int]
    transfer: TransferReport | None = None


class OutboxController(QObject):
    """Acts on the outbox for the window.

    Signals:
        message(str): a short result for the status bar.
        open_request(GenerationRequest): load this request into the form.
    """

    message = Signal(str)
    open_request = Signal(object)

    def __init__(
        self,
        *,
        outbox: Outbox,
        drafts: Drafts,
        runner: OutboxRunner,
        background: Runner,
        panel: OutboxPanel,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.outbox = outbox
        self.drafts = drafts
        self.runner = runner
        self.background = background
        self.panel = panel
        self.window = window
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
        panel.clear_finished.connect(self.clear_finished)
        runner.state_changed.connect(self.refresh_state)
        runner.confirmation_needed.connect(self.confirm_many)

    def _service(self) -> str | None:
        config = self.runner.config
        return None if config is None else config.base_url

    # -- state --

    @Slot()
    def refresh(self) -> None:
        """The data file changed: read the outbox again."""
        self.panel.model.reload()
        self.refresh_state()

    @Slot()
    def refresh_state(self) -> None:
        self.panel.set_state(
            paused=self.runner.paused,
            token_paused=self.runner.token_paused,
            reachable=self.runner.reachable,
            busy=self.runner.busy,
        )

    # -- sending --

    @Slot()
    def send_now(self) -> None:
        if not self.runner.can_send():
            self.message.emit(self.tr("Set an API token to send."))
            return
        self.runner.send_now()

    @Slot()
    def toggle_pause(self) -> None:
        if self.runner.paused or self.runner.token_paused:
            self.runner.resume()
            self.message.emit(self.tr("Sending resumed."))
        else:
            self.runner.pause()
            self.message.emit(self.tr("Sending paused: jobs wait in the outbox."))

    @Slot(int)
    def confirm_many(self, count: int) -> None:
        """More than a few jobs would go out at once: each is billed, so ask."""
        service = self._service() or ""
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Send %n job(s)?", "", count))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "%n job(s) are ready to send to %1. Each accepted job is billed.", "", count
            ).replace("%1", service)
        )
        send = box.addButton(self.tr("Send them"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(send)

        def answered() -> None:
            if box.clickedButton() is send:
                self.runner.confirm(count)
            else:
                self.runner.decline()
                self.message.emit(self.tr("Sending paused: use “Send now” when you are ready."))
            box.deleteLater()

        box.finished.connect(answered)
        box.open()

    # -- decisions on items --

    def _act(self, action: Callable[[], Any], done: str) -> None:
        try:
            action()
        except (StoreError, ValidationError) as exc:
            QMessageBox.warning(self.window, self.tr("Outbox"), str(exc))
            return
        self.message.emit(done)
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
        self._act(
            lambda: [self.outbox.requeue(item.item_id) for item in items],
            self.tr("Queued again: %1").replace("%1", str(len(items))),
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
            request = GenerationRequest.from_payload(item.payload)
        except ValidationError:
            return
        self.open_request.emit(request)

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
        self.background.run(
            lambda: self._read(path, service),
            lambda result: self._preview(result, service),
            lambda error: self._failed(self.tr("The file could not be read."), error),
        )

    def _read(self, path: Path, service: str) -> _ReadImport:
        """On the background thread: parse, and find the duplicates."""
        from avatar_desktop.core.importer import read_file
        from avatar_desktop.core.transfer import is_export, read_export

        if path.suffix.lower() == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
            except (UnicodeDecodeError, ValueError, OSError):
                data = None
            if is_export(data):
                transfer = read_export(path, self.drafts, self.outbox)
                return _ReadImport(path, None, set(), transfer)
        report = read_file(path)
        numbered = [(row.line, row.request) for row in report.valid if row.request is not None]
        _fresh, duplicates = self.outbox.split_duplicates(service, numbered)
        return _ReadImport(path, report, set(duplicates))

    def _preview(self, result: _ReadImport, service: str) -> None:
        from avatar_desktop.ui.import_dialog import ImportPreviewDialog

        if result.transfer is not None:
            self._transferred(result.transfer)
            return
        assert result.report is not None
        dialog = ImportPreviewDialog(
            result.path, result.report, result.duplicates, service, self.window
        )
        if dialog.exec() != ImportPreviewDialog.DialogCode.Accepted:
            dialog.deleteLater()
            self.message.emit(self.tr("Nothing was queued."))
            return
        rows = dialog.chosen()
        dialog.deleteLater()
        items = [
            NewItem(row.request, source=f"{result.path.name} line {row.line}")
            for row in rows
            if row.request is not None
        ]
        self.background.run(
            lambda: self.outbox.add_many(service, items),
            lambda ids: self._queued(len(ids)),
            lambda error: self._failed(self.tr("The jobs could not be queued."), error),
        )

    def _queued(self, count: int) -> None:
        self.refresh()
        self.message.emit(self.tr("%n job(s) added to the outbox.", "", count))

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
