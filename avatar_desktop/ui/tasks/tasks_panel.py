"""The task list: every submitted task in a table — sorted, filtered and searched by the
store — with what can be done to the selected ones."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.request import GenerationRequest, ValidationError
from avatar_desktop.core.service import TaskStatus
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.schema import UNFINISHED, LocalStatus
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.ui.actions import UNDO_REMOVE, MainActions
from avatar_desktop.ui.i18n import QT_TRANSLATE_NOOP, error_text
from avatar_desktop.ui.tasks.task_model import (
    MODE_NAMES,
    RENDERING_PERCENT,
    STALLED,
    STATUS_NAMES,
    TaskTableModel,
    shows_progress,
    status_words,
)
from avatar_desktop.ui.views import cell_width, open_folder, open_local_file, record_table

STATUS_FILTERS: tuple[tuple[str, frozenset[str] | None], ...] = (
    (QT_TRANSLATE_NOOP("TasksPanel", "All tasks"), None),
    (
        QT_TRANSLATE_NOOP("TasksPanel", "Unfinished"),
        frozenset(UNFINISHED | {LocalStatus.SENDING.value}),
    ),
    (QT_TRANSLATE_NOOP("TasksPanel", "Done"), frozenset({TaskStatus.SUCCESS.value})),
    (
        QT_TRANSLATE_NOOP("TasksPanel", "Failed or not found"),
        frozenset({TaskStatus.FAILURE.value, LocalStatus.NOT_FOUND.value}),
    ),
    (
        QT_TRANSLATE_NOOP("TasksPanel", "Outcome unknown"),
        frozenset({LocalStatus.OUTCOME_UNKNOWN.value}),
    ),
)
"""The status filter's choices: a name (translated when shown) and the statuses it shows."""
SEARCH_DELAY_MS = 200
VARIANT_NAMES = {
    "default": QT_TRANSLATE_NOOP("TasksPanel", "Video"),
    "no_watermark": QT_TRANSLATE_NOOP("TasksPanel", "Video without watermark"),
    "watermarked": QT_TRANSLATE_NOOP("TasksPanel", "Video with watermark"),
}


class StatusDelegate(QStyledItemDelegate):
    """Draws the status cell of a task on its way as a progress bar with its words on it
    ("Rendering 35%"); other statuses as plain text. A failed task shows no percentage."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        model = index.model()
        record = model.data(index, TaskTableModel.RecordRole)
        if not isinstance(record, TaskRecord) or not shows_progress(record):
            super().paint(painter, option, index)
            return
        # The selection background first, then the bar inside the cell's margins.
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = record.progress or 0
        bar.text = status_words(record)
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.palette = option.palette
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)


def video_url(record: TaskRecord) -> str | None:
    """The video to open: the watermark-free one when the request asked for it."""
    if record.payload.get("no_watermark") is True and record.no_watermark_video_url:
        return record.no_watermark_video_url
    return record.video_url


class TasksPanel(QWidget):
    """The table of ``model`` (the tasks of ``store``), in the window's "Tasks" tab.

    It does what concerns only the list: copying task ids and video links, opening a video,
    removing tasks from the list and undoing that (the service keeps them). It enables the task
    actions of ``actions`` for the selection and shows them in its context menu; the window
    connects them (``refresh`` asks the service, which is the window's business).

    Signals:
        ``message(str text, int timeout_ms)``: something to say in the status bar.
        ``template_requested(object request)``: the selected task's
        :class:`~avatar_desktop.core.request.GenerationRequest`, to load into the form (Use as
        template, or a double-click on a row).
    """

    message = Signal(str, int)
    template_requested = Signal(object)
    download_requested = Signal(object, str)
    """A task and the variant of its video to save ("default", "no_watermark",
    "watermarked")."""
    current_changed = Signal(object)
    """The task shown in the details: a :class:`TaskRecord`, or None."""

    def __init__(
        self,
        store: TaskStore,
        model: TaskTableModel,
        actions: MainActions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.model = model
        model.refreshed.connect(self.update_actions)
        self._actions = actions
        self._removed: list[list[TaskRecord]] = []  # undo stack of removals
        self._kept_selection: list[int] = []
        self._kept_current: int | None = None

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("taskSearch")
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("taskStatusFilter")
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for _name, statuses in STATUS_FILTERS:
            self.status_filter.addItem("", statuses)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setContentsMargins(4, 0, 6, 0)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)

        self.table = record_table(model, ())
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setItemDelegateForColumn(TaskTableModel.COL_STATUS, StatusDelegate(self.table))
        self.table.setSortingEnabled(True)
        column, way = model.order
        self.table.horizontalHeader().setSortIndicator(column, way)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self.use_as_template())
        # Delete acts on the table only (in a form field it edits the field).
        self.table.addAction(actions.remove)
        self.table.addAction(actions.undo_remove)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 4, 0, 4)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.count_label)

        # The details of the current task go below the table (see set_details).
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("tasksSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)

        # The window's tab says "Tasks": no title of its own.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        # What can be done depends on the selection and on what the selected tasks hold.
        self.table.selectionModel().selectionChanged.connect(self.update_actions)
        self.table.selectionModel().currentRowChanged.connect(self._emit_current)
        # Qt moves the current row before it selects it: look again once it is selected.
        self.table.selectionModel().selectionChanged.connect(self._emit_current)
        model.modelAboutToBeReset.connect(self._keep_selection)
        model.modelReset.connect(self._restore_selection)
        for signal in (
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
        ):
            signal.connect(self.update_actions)
        model.dataChanged.connect(self._current_changed_data)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._update_count)
        self.retranslate_ui()
        self.update_actions()

    def set_details(self, details: QWidget) -> None:
        """Show ``details`` (the current task's pane) below the table."""
        self.splitter.addWidget(details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([350, 650])  # the details need the room more than a short list

    def retranslate_ui(self) -> None:
        self.search.setPlaceholderText(self.tr("Search task id, avatar or words"))
        for number, (name, _statuses) in enumerate(STATUS_FILTERS):
            self.status_filter.setItemText(number, self.tr(name))
        self.status_filter.setToolTip(self.tr("Show only tasks in this state"))
        # Room for the longest count, so the search box keeps its width as the count changes.
        longest = self.tr("%n task(s) match", "", 100000)
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance(longest))
        self._update_count()
        self.fit_columns()

    def fit_columns(self) -> None:
        """Widths that hold the longest word of each column in the current language and
        font ("Outcome unknown", "Rendering 100%"); the avatar's name takes the room left
        (elided in the middle, whole in its tooltip), and the last column stretches."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = cell_width(self.table, [])

        def widest(texts: list[str]) -> int:
            return cell_width(self.table, texts)

        def heading(column: int) -> str:
            return str(self.model.headerData(column, Qt.Orientation.Horizontal))

        def translated(source: str) -> str:
            return QApplication.translate("TaskTableModel", source)

        statuses = [translated(s) for s in STATUS_NAMES.values()]
        statuses += [translated(STALLED), translated(RENDERING_PERCENT).replace("%1", "100")]
        # A header needs its word and the sort arrow; a cell its longest value.
        arrow = self.table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + 8
        header_metrics = header.fontMetrics()

        def fit(column: int, values: list[str]) -> int:
            title = header_metrics.horizontalAdvance(heading(column)) + pad + arrow
            return max(widest(values), title)

        widths = {
            TaskTableModel.COL_CREATED: fit(0, ["2026-12-31 23:59"]),
            TaskTableModel.COL_MODE: fit(1, [translated(m) for m in MODE_NAMES.values()]),
            TaskTableModel.COL_STATUS: fit(3, statuses),
            TaskTableModel.COL_UPDATED: fit(4, ["2026-12-31", "23:59:59"]),
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(TaskTableModel.COL_AVATAR, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(metrics.horizontalAdvance("Wwwwww"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            # The model translates when asked: have the headers and the cells asked again.
            self.model.headerDataChanged.emit(
                Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1
            )
            self.retranslate_ui()
            self.table.viewport().update()
        super().changeEvent(event)

    # -- filter and search -------------------------------------------------------------------

    @Slot()
    def _apply_filter(self) -> None:
        self._search_timer.stop()
        statuses = self.status_filter.currentData()
        self.model.set_filter(statuses, self.search.text())

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        if self.model.filtered:
            text = self.tr("%n task(s) match", "", shown)
        else:
            text = self.tr("%n task(s)", "", shown)
        self.count_label.setText(text)

    # -- keeping the selection across reloads ------------------------------------------------

    @Slot()
    def _keep_selection(self) -> None:
        self._kept_selection = [r.row_id for r in self.selected_records()]
        current = self.table.selectionModel().currentIndex()
        self._kept_current = self.model.data(current, Qt.ItemDataRole.UserRole)

    @Slot()
    def _restore_selection(self) -> None:
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        rows = [self.model.row_of(row_id) for row_id in self._kept_selection]
        for row in rows:
            if row is not None:
                selection.select(self.model.index(row, 0), flags.Select | flags.Rows)
        current = None if self._kept_current is None else self.model.row_of(self._kept_current)
        if current is not None:
            selection.setCurrentIndex(self.model.index(current, 0), flags.NoUpdate)
        self._emit_current()

    @Slot()
    def _emit_current(self) -> None:
        self.current_changed.emit(self.current_record())

    @Slot(QModelIndex, QModelIndex)
    def _current_changed_data(self, top: QModelIndex, bottom: QModelIndex) -> None:
        current = self.table.selectionModel().currentIndex()
        if current.isValid() and top.row() <= current.row() <= bottom.row():
            self._emit_current()

    def current_record(self) -> TaskRecord | None:
        """The task whose details show: the current row, when it is selected."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.record_at(index.row())

    # -- selection -------------------------------------------------------------------------

    def selected_records(self) -> list[TaskRecord]:
        """The selected tasks, top to bottom."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        records = [self.model.record_at(row) for row in rows]
        return [r for r in records if r is not None]

    def select_row(self, row_id: int) -> None:
        """Select (only) the task stored as ``row_id``, if the list shows it."""
        row = self.model.row_of(row_id)
        if row is None and self.model.filtered:
            # Filtered out: show every task again rather than select nothing.
            self.search.clear()
            self.status_filter.setCurrentIndex(0)
            self._apply_filter()
            row = self.model.row_of(row_id)
        if row is not None:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def update_actions(self) -> None:
        """Enable the task actions that apply to the selection."""
        a = self._actions
        selected = self.selected_records()
        one = selected[0] if len(selected) == 1 else None
        a.copy_task_id.setEnabled(any(r.task_id for r in selected))
        a.use_as_template.setEnabled(one is not None)
        a.refresh.setEnabled(any(r.task_id for r in selected) or not selected)
        has_video = one is not None and bool(video_url(one))
        a.open_video.setEnabled(has_video)
        a.copy_video_link.setEnabled(has_video)
        a.download_video.setEnabled(one is not None and bool(one.video_links()))
        saved = one is not None and bool(one.saved_path)
        a.open_file.setEnabled(saved)
        a.show_in_folder.setEnabled(saved)
        unknown = bool(selected) and all(r.status is LocalStatus.OUTCOME_UNKNOWN for r in selected)
        a.resolve_task.setEnabled(unknown and one is not None)
        a.send_again.setEnabled(unknown)
        a.discard_task.setEnabled(unknown)
        a.remove.setEnabled(bool(selected))

    def _context_menu(self, position: QPoint) -> None:
        a = self._actions
        menu = QMenu(self)
        selected = self.selected_records()
        if a.resolve_task.isEnabled() or a.send_again.isEnabled():
            for action in (a.resolve_task, a.send_again, a.discard_task):
                menu.addAction(action)
            menu.addSeparator()
        one = selected[0] if len(selected) == 1 else None
        links = one.video_links() if one is not None else {}
        if len(links) > 1 and one is not None:
            downloads = menu.addMenu(a.download_video.text())
            for variant in links:
                choice = downloads.addAction(self.tr(VARIANT_NAMES[variant]))
                choice.triggered.connect(
                    lambda _checked=False, r=one, v=variant: self.download_requested.emit(r, v)
                )
        else:
            menu.addAction(a.download_video)
        for action in (a.open_file, a.show_in_folder):
            menu.addAction(action)
        menu.addSeparator()
        for action in (
            a.open_video,
            a.copy_video_link,
            a.refresh,
            a.copy_task_id,
            a.use_as_template,
        ):
            menu.addAction(action)
        menu.addSeparator()
        for action in (a.remove, a.undo_remove):
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- the actions -----------------------------------------------------------------------

    @Slot()
    def copy_task_ids(self) -> None:
        ids = [r.task_id for r in self.selected_records() if r.task_id]
        if ids:
            QGuiApplication.clipboard().setText("\n".join(ids))
            self.message.emit(self.tr("Task ids copied: %1").replace("%1", str(len(ids))), 4000)

    @Slot()
    def use_as_template(self) -> None:
        records = self.selected_records()
        if len(records) != 1:
            return
        try:
            request = GenerationRequest.from_payload(records[0].payload, local_files=True)
        except ValidationError:
            self.message.emit(self.tr("This task's request cannot be loaded."), 5000)
            return
        self.template_requested.emit(request)

    @Slot()
    def remove_selected(self) -> None:
        # A row still being sent stays: its answer (and task id) is on the way.
        records = [r for r in self.selected_records() if r.status != LocalStatus.SENDING]
        if not records:
            return
        removed = self._store.remove([r.row_id for r in records])
        self._removed.append(removed)
        self._actions.undo.done(self._actions.undo_remove, UNDO_REMOVE)
        self.model.tasks_removed([r.row_id for r in removed])
        self.message.emit(
            self.tr(
                "Removed from the list: %1 (the service keeps them). Undo with Ctrl+Z."
            ).replace("%1", str(len(removed))),
            15000,
        )
        self.update_actions()

    @Slot()
    def undo_remove(self) -> None:
        if not self._removed:
            return
        restored = self._removed[-1]
        try:
            self._store.restore(restored)
        except StoreError as exc:
            self.message.emit(self.tr("Could not restore: %1").replace("%1", error_text(exc)), 0)
            return
        self._removed.pop()
        self._actions.undo.undone(self._actions.undo_remove)
        count = len(restored)
        self.model.refresh()
        self.message.emit(self.tr("Restored to the list: %1").replace("%1", str(count)), 5000)

    def _selected_video(self) -> str | None:
        records = self.selected_records()
        return video_url(records[0]) if len(records) == 1 else None

    @Slot()
    def open_video(self) -> None:
        url = self._selected_video()
        if url and QUrl(url).scheme() not in ("http", "https"):
            return  # never hand a file: or program scheme to the desktop
        if url and not QDesktopServices.openUrl(QUrl(url)):
            QGuiApplication.clipboard().setText(url)
            self.message.emit(
                self.tr("No program could open the video; its link was copied instead."), 8000
            )

    @Slot()
    def download_selected(self) -> None:
        records = self.selected_records()
        if len(records) == 1 and records[0].video_links():
            record = records[0]
            wanted = "no_watermark" if record.payload.get("no_watermark") is True else "default"
            links = record.video_links()
            self.download_requested.emit(record, wanted if wanted in links else next(iter(links)))

    def _saved_file(self) -> str | None:
        records = self.selected_records()
        return records[0].saved_path if len(records) == 1 else None

    @Slot()
    def open_file(self) -> None:
        path = self._saved_file()
        problem = open_local_file(Path(path)) if path else None
        if problem:
            self.message.emit(problem, 8000)

    @Slot()
    def show_in_folder(self) -> None:
        path = self._saved_file()
        problem = open_folder(Path(path).parent) if path else None
        if problem:
            self.message.emit(problem, 8000)

    @Slot()
    def copy_video_link(self) -> None:
        url = self._selected_video()
        if url:
            QGuiApplication.clipboard().setText(url)
            self.message.emit(self.tr("Video link copied."), 4000)


__all__ = ["TasksPanel", "video_url"]
