"""The window's "Tasks" tab: the task list, the details of the current task below it, what is
done to the selected tasks, and the notice when one finishes.

:class:`TasksTab` builds its parts with what they need — the table model over the store (it
follows the store watch itself), the :class:`~avatar_desktop.ui.tasks.tasks_panel.TasksPanel`,
the :class:`~avatar_desktop.ui.tasks.tasks_controller.TasksController`, the details pane with
its cover loader, and the desktop notifier — connects the task actions to them, and talks to
the window through signals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, SignalInstance, Slot
from PySide6.QtWidgets import QWidget

from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.outbox import Outbox
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.qt.covers import CoverLoader
from avatar_desktop.qt.follow_runner import TaskFollowing
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.tasks.notifier import TaskNotifier
from avatar_desktop.ui.tasks.task_details import TaskDetailsPane
from avatar_desktop.ui.tasks.task_model import TaskTableModel
from avatar_desktop.ui.tasks.tasks_controller import TasksController
from avatar_desktop.ui.tasks.tasks_panel import TasksPanel


class TasksTab(QObject):
    """The parts of the "Tasks" tab; :attr:`panel` is the tab's page.

    Its parts: :attr:`model`, :attr:`panel`, :attr:`controller`, :attr:`details`,
    :attr:`covers`, :attr:`notifier`.

    Signals:
        message(str text, int timeout_ms): something to say in the status bar.
        template_requested(GenerationRequest): load this task's request into the form.
        download_requested(TaskRecord, str variant): save this task's video.
        show_requested(): bring the tab to the front (a task is about to be selected in it).
    """

    message = Signal(str, int)
    template_requested = Signal(object)
    download_requested = Signal(object, str)
    show_requested = Signal()

    def __init__(
        self,
        *,
        store: TaskStore,
        outbox: Outbox,
        changes: SignalInstance,
        settings: AppSettings,
        following: TaskFollowing,
        runner: OutboxRunner,
        background: Runner,
        actions: MainActions,
        covers_folder: Path,
        resolve_link: Callable[[str], str],
        service_url: Callable[[], str],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._store = store
        self._settings = settings
        self.model = TaskTableModel(store, self, changes=changes)
        self.panel = TasksPanel(store, self.model, actions)
        self.controller = TasksController(
            store=store,
            outbox=outbox,
            following=following,
            runner=runner,
            background=background,
            panel=self.panel,
            service_url=service_url,
            window=window,
        )
        self.covers = CoverLoader(covers_folder, self, runner=background, resolve_link=resolve_link)
        self.details = TaskDetailsPane(self.covers)
        self.panel.set_details(self.details)
        self.notifier = TaskNotifier(window, window.windowIcon())

        a, control, panel = actions, self.controller, self.panel
        a.refresh.triggered.connect(control.refresh)
        a.refresh_all.triggered.connect(control.refresh_all)
        a.add_task_id.triggered.connect(control.add_task_id)
        a.export_tasks.triggered.connect(control.export)
        a.resolve_task.triggered.connect(control.resolve)
        a.send_again.triggered.connect(control.send_again)
        a.discard_task.triggered.connect(control.discard)
        a.download_video.triggered.connect(panel.download_selected)
        a.open_file.triggered.connect(panel.open_file)
        a.show_in_folder.triggered.connect(panel.show_in_folder)
        a.open_video.triggered.connect(panel.open_video)
        a.copy_video_link.triggered.connect(panel.copy_video_link)
        a.copy_task_id.triggered.connect(panel.copy_task_ids)
        a.use_as_template.triggered.connect(panel.use_as_template)
        a.remove.triggered.connect(panel.remove_selected)
        a.undo_remove.triggered.connect(panel.undo_remove)

        for part in (panel, control, self.details):
            part.message.connect(self.message)
        panel.template_requested.connect(self.template_requested)
        panel.current_changed.connect(self.details.show_record)
        panel.download_requested.connect(self.download_requested)
        self.details.download_requested.connect(self.download_requested)
        following.task_finished.connect(self._on_task_finished)
        self.notifier.task_clicked.connect(self.show_task)

    @Slot(int)
    def show_task(self, row_id: int) -> None:
        """Bring the tab to the front and select the task ``row_id`` (just stored, or the one
        of a notification clicked)."""
        self.model.refresh()
        self.show_requested.emit()
        self.panel.select_row(row_id)

    @Slot(int, str)
    def _on_task_finished(self, row_id: int, status: str) -> None:
        """A task became done or failed: say so, also outside the window when it is not in
        front (a desktop notification; clicking it shows the task)."""
        try:
            record = self._store.get(row_id)
        except StoreError:  # the window is closing (a last answer arrived after the store)
            return
        if record is None:
            return
        text = self.notifier.task_finished(record, saving=self._settings.keep_finished_videos)
        self.message.emit(text, 10000)

    def close(self) -> None:
        """The window closes: no more covers, no more notifications."""
        self.covers.shutdown()
        self.notifier.close()


__all__ = ["TasksTab"]
