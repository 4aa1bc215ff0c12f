"""The window's "Outbox" tab: the jobs waiting to be sent and what the user does with them.

:class:`OutboxTab` builds the table model over the outbox (it follows the store watch itself),
the :class:`~avatar_desktop.ui.outbox.outbox_panel.OutboxPanel` and the
:class:`~avatar_desktop.ui.outbox.outbox_controller.OutboxController`, connects the outbox
actions to them, and talks to the window through signals.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance, Slot
from PySide6.QtWidgets import QWidget

from avatar_desktop.core.sending import Hold
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import Outbox, OutboxSummary
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.outbox.outbox_controller import OutboxController
from avatar_desktop.ui.outbox.outbox_panel import OutboxPanel, OutboxTableModel


class OutboxTab(QObject):
    """The parts of the "Outbox" tab; :attr:`panel` is the tab's page, :attr:`controller`
    acts on it.

    Signals:
        message(str text, int timeout_ms): something to say in the status bar.
        open_request(GenerationRequest): load this request into the form.
        summary_changed(OutboxSummary): the counts of the current service (for the window's
            tab title and status bar).
    """

    message = Signal(str, int)
    open_request = Signal(object)
    summary_changed = Signal(object)

    def __init__(
        self,
        *,
        outbox: Outbox,
        tasks: TaskStore,
        drafts: Drafts,
        changes: SignalInstance,
        runner: OutboxRunner,
        background: Runner,
        actions: MainActions,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._runner = runner
        self._actions = actions
        self.panel = OutboxPanel(OutboxTableModel(outbox, changes=changes))
        self.controller = OutboxController(
            outbox=outbox,
            tasks=tasks,
            drafts=drafts,
            runner=runner,
            background=background,
            panel=self.panel,
            window=window,
        )
        control = self.controller
        actions.send_now.triggered.connect(control.send_now)
        actions.pause_sending.triggered.connect(control.toggle_pause)
        actions.import_jobs.triggered.connect(lambda: control.import_jobs())
        actions.save_template.triggered.connect(control.save_template)
        actions.export_data.triggered.connect(control.export)

        control.message.connect(lambda text: self.message.emit(text, 8000))
        control.open_request.connect(self.open_request)
        control.summary_changed.connect(self._on_summary)
        runner.token_refused.connect(self._on_token_refused)
        runner.upload_progress.connect(self.panel.model.set_upload_progress)
        # Somebody — this window, another one, avatar-cli — wrote to the data file.
        changes.connect(control.refresh_state)
        changes.connect(runner.follow_question)

    @Slot(object)
    def _on_summary(self, summary: OutboxSummary) -> None:
        hold = self._runner.policy.hold
        self._actions.pause_sending.setChecked(hold in (Hold.PAUSED, Hold.TOKEN_REFUSED))
        self.summary_changed.emit(summary)

    @Slot()
    def _on_token_refused(self) -> None:
        self.message.emit(
            self.tr("The service refused the token: sending is paused until it is fixed."), 15000
        )


__all__ = ["OutboxTab"]
