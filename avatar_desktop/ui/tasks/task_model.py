"""The table of submitted tasks: a lazy Qt model over the task store, sorted, filtered and
searched in SQL."""

from __future__ import annotations

import logging
import time
from array import array
from collections import OrderedDict
from collections.abc import Collection, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    SignalInstance,
    Slot,
)

from avatar_desktop.core.follower import is_stalled
from avatar_desktop.core.request import VoiceMode
from avatar_desktop.core.service import TaskStatus
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import TaskOrder, TaskRecord, TaskStore
from avatar_desktop.ui.i18n import QT_TRANSLATE_NOOP, task_error_text
from avatar_desktop.ui.views import alert_colour, plain_tooltip

log = logging.getLogger("avatar_desktop.ui")

# QT_TRANSLATE_NOOP marks words for pyside6-lupdate and returns them unchanged; they are
# translated when shown, so a language switch applies at the next repaint.
_HEADERS = (
    QT_TRANSLATE_NOOP("TaskTableModel", "Created"),
    QT_TRANSLATE_NOOP("TaskTableModel", "Voice mode"),
    QT_TRANSLATE_NOOP("TaskTableModel", "Avatar"),
    QT_TRANSLATE_NOOP("TaskTableModel", "Status"),
    QT_TRANSLATE_NOOP("TaskTableModel", "Updated"),
)

STATUS_NAMES = {
    LocalStatus.SENDING: QT_TRANSLATE_NOOP("TaskTableModel", "Sending…"),
    LocalStatus.OUTCOME_UNKNOWN: QT_TRANSLATE_NOOP("TaskTableModel", "Outcome unknown"),
    LocalStatus.NOT_FOUND: QT_TRANSLATE_NOOP("TaskTableModel", "Not found"),
    TaskStatus.NOT_START: QT_TRANSLATE_NOOP("TaskTableModel", "Waiting"),
    TaskStatus.SUBMITTED: QT_TRANSLATE_NOOP("TaskTableModel", "Waiting"),
    TaskStatus.QUEUED: QT_TRANSLATE_NOOP("TaskTableModel", "Queued"),
    TaskStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("TaskTableModel", "Rendering"),
    TaskStatus.SUCCESS: QT_TRANSLATE_NOOP("TaskTableModel", "Done"),
    TaskStatus.FAILURE: QT_TRANSLATE_NOOP("TaskTableModel", "Failed"),
    TaskStatus.UNKNOWN: QT_TRANSLATE_NOOP("TaskTableModel", "Unknown"),
}
"""Untranslated status words by status (translate them in the ``TaskTableModel`` context)."""
STALLED = QT_TRANSLATE_NOOP("TaskTableModel", "Stalled")
RENDERING_PERCENT = QT_TRANSLATE_NOOP("TaskTableModel", "Rendering %1%")

MODE_NAMES = {
    VoiceMode.AUDIO_URL: QT_TRANSLATE_NOOP("TaskTableModel", "Audio URL"),
    VoiceMode.CREATE_VOICE: QT_TRANSLATE_NOOP("TaskTableModel", "Clone voice"),
    VoiceMode.USE_VOICE: QT_TRANSLATE_NOOP("TaskTableModel", "Existing voice"),
}
"""Untranslated voice-mode names by mode."""


def mode_name(mode: VoiceMode) -> str:
    """The voice mode in the user's words (the task list's, wherever a mode is shown)."""
    return QCoreApplication.translate("TaskTableModel", MODE_NAMES[mode])


_ALERT_STATUSES = frozenset(
    {TaskStatus.FAILURE, LocalStatus.OUTCOME_UNKNOWN, LocalStatus.NOT_FOUND}
)
_NO_TASK_ID = "—"
_ROOT = QModelIndex()


def _tr(source: str) -> str:
    return QCoreApplication.translate("TaskTableModel", source)


def status_words(record: TaskRecord, now: float | None = None) -> str:
    """The task's status in plain words, in the user's language: "Waiting", "Queued",
    "Rendering 35%", "Done", "Failed", "Unknown", "Stalled", "Not found"… A failed task never
    shows a percentage."""
    if is_stalled(record, time.time() if now is None else now):
        return _tr(STALLED)
    if record.status is TaskStatus.IN_PROGRESS and record.progress is not None:
        return _tr(RENDERING_PERCENT).replace("%1", str(record.progress))
    return _tr(STATUS_NAMES.get(record.status, STATUS_NAMES[TaskStatus.UNKNOWN]))


def shows_progress(record: TaskRecord) -> bool:
    """Whether the status cell draws a progress bar (a task on its way, not a final one)."""
    return record.status in (
        TaskStatus.NOT_START,
        TaskStatus.SUBMITTED,
        TaskStatus.QUEUED,
        TaskStatus.IN_PROGRESS,
    )


class TaskTableModel(QAbstractTableModel):
    """The stored tasks that match the current filter, in the current order, one per row.

    The model holds only the row ids, which the store sorts, filters and searches in SQL
    (:meth:`TaskStore.query_ids`); records are fetched on demand, a page of :attr:`PAGE_SIZE`
    rows at a time, and kept in a cache of at most :attr:`MAX_CACHED` records, so a list of
    100,000 tasks stays fast and light. Tell it about changes with :meth:`task_added`,
    :meth:`task_changed`, :meth:`tasks_removed` or :meth:`reload`; change what it shows with
    :meth:`sort` and :meth:`set_filter`.

    Signals: those of ``QAbstractTableModel``.

    Roles:
        ``DisplayRole``: the cell's text (plain text, also for text that came from the service).
        ``ToolTipRole``: status column: the failure reason and local error; avatar column: the
        full URL; the time columns: the full date and time. Returned as escaped HTML, since
        tooltips guess the text format.
        ``ForegroundRole``: status column: red for failed tasks and unknown outcomes.
        ``Qt.UserRole``: the row id (int).
        :attr:`RecordRole` (``Qt.UserRole + 1``): the
        :class:`~avatar_desktop.core.store.tasks.TaskRecord`.

    From Python, prefer :meth:`record_at` and ``model.data(index, role)`` to ``index.data(role)``:
    with PySide6 6.12 on Python 3.11, every empty value that C++ hands back to Python drops a
    reference to ``None``, and enough of them crash the interpreter.
    """

    COL_CREATED = 0
    COL_MODE = 1
    COL_AVATAR = 2
    COL_STATUS = 3
    COL_UPDATED = 4
    COLUMN_COUNT = len(_HEADERS)
    ORDERS = (
        TaskOrder.CREATED,
        TaskOrder.MODE,
        TaskOrder.AVATAR,
        TaskOrder.STATUS,
        TaskOrder.UPDATED,
    )
    """What each column sorts by."""

    RecordRole = Qt.ItemDataRole.UserRole + 1

    PAGE_SIZE = 256
    MAX_CACHED = 2048
    _MAX_REMOVE_RANGES = 32
    """Removing rows in more separate ranges than this resets the model instead."""

    refreshed = Signal()
    """:meth:`refresh` looked at the store again (rows may have come, gone or changed)."""

    def __init__(
        self,
        store: TaskStore,
        parent: QObject | None = None,
        *,
        changes: SignalInstance | None = None,
    ) -> None:
        """``changes``: a signal that fires after any commit to the data file (the window's
        :class:`~avatar_desktop.qt.store_watch.StoreWatch`); the model follows it itself."""
        super().__init__(parent)
        self._store = store
        self._order = TaskOrder.CREATED
        self._descending = True
        self._statuses: frozenset[str] | None = None
        self._search = ""
        self._ids = self._query()
        # Row id -> record, least recently used first; None marks an id the store did not have.
        self._cache: OrderedDict[int, TaskRecord | None] = OrderedDict()
        self._shape = self._read_shape()
        if changes is not None:
            changes.connect(self.refresh)

    def _read_shape(self) -> tuple[int, int, float]:
        try:
            return self._store.shape()
        except StoreError:
            return (0, 0, 0.0)

    @Slot()
    def refresh(self) -> None:
        """Look at the store again: reload when rows came or went (or may move, or leave the
        filter); when rows only changed, repaint just those. The selection stays."""
        before = self._shape
        now = self._shape = self._read_shape()
        changed: list[int] = []
        if now[2] != before[2]:
            try:
                changed = self._store.touched_since(before[2])
            except StoreError:
                if now[:2] != before[:2]:
                    self.reload()
                return
        if now[:2] != before[:2]:
            # Rows came or went: the list is read again, the records kept but those changed
            # (a new task at every submit would otherwise read a page again at each paint).
            # The shape stays the one read above: what changes from now on, the next refresh
            # finds.
            for row_id in changed:
                self._cache.pop(row_id, None)
            self._reset(keep_records=True)
        elif changed and (self.sorted_by_changing_values or self.filtered):
            self.reload()
        else:
            for row_id in changed:
                self.task_changed(row_id)
        self.refreshed.emit()

    # -- what is shown --

    @property
    def order(self) -> tuple[int, Qt.SortOrder]:
        """The sort column and direction."""
        way = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self.ORDERS.index(self._order), way

    @property
    def query(self) -> tuple[frozenset[str] | None, str]:
        """The status filter (None: every status) and the search text."""
        return self._statuses, self._search

    @property
    def store_order(self) -> tuple[TaskOrder, bool]:
        """The order the rows are shown in, as the store names it: the key and descending."""
        return self._order, self._descending

    @property
    def filtered(self) -> bool:
        """Whether a status filter or a search hides some tasks."""
        return self._statuses is not None or bool(self._search.strip())

    @property
    def sorted_by_changing_values(self) -> bool:
        """Whether rows move when tasks change (sorted by status or by update time)."""
        return self._order in (TaskOrder.STATUS, TaskOrder.UPDATED)

    def _query(self) -> array[int]:
        try:
            return self._store.query_ids(
                self._order,
                descending=self._descending,
                statuses=self._statuses,
                search=self._search,
            )
        except StoreError as exc:
            log.warning("could not read the task list: %s", exc)
            return array("q")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < self.COLUMN_COUNT:
            return
        wanted = (self.ORDERS[column], order == Qt.SortOrder.DescendingOrder)
        if wanted == (self._order, self._descending):
            return  # in this order already (the view says so when it is set up)
        self._order, self._descending = wanted
        self.reload()

    def set_filter(self, statuses: Collection[str] | None, search: str) -> None:
        """Show only tasks whose status is in ``statuses`` (all when None) and whose task id,
        avatar or words contain ``search``."""
        self._statuses = None if statuses is None else frozenset(statuses)
        self._search = search
        self.reload()

    # -- Qt model interface --

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        # Not super().headerData(): PySide6 6.12 on Python 3.11 drops a reference to None
        # each time C++ hands an empty QVariant back to Python, until None is freed (a crash).
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return _tr(_HEADERS[section]) if 0 <= section < self.COLUMN_COUNT else None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None  # a view asks for a dozen roles per cell at each paint: most are not kept
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        record = self.record_at(index.row())
        if record is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == self.RecordRole:
            return record
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.COL_STATUS and (record.status in _ALERT_STATUSES or record.error):
                return alert_colour()
            return None
        return None

    def _display(self, record: TaskRecord, column: int) -> str | None:
        if column == self.COL_CREATED:
            # Unambiguous in every language (11/12/26 is not).
            return _qt_time(record.created_at.timestamp()).toString("yyyy-MM-dd HH:mm")
        if column == self.COL_MODE:
            return _tr(MODE_NAMES[record.mode]) if record.mode is not None else ""
        if column == self.COL_AVATAR:
            return record.label or record.task_id or _NO_TASK_ID
        if column == self.COL_STATUS:
            text = status_words(record)
            return f"{text} ⚠" if record.error and not record.is_final else text
        if column == self.COL_UPDATED:
            return _short_time(record.updated_at.timestamp())
        return None

    def _tooltip(self, record: TaskRecord, column: int) -> str | None:
        text: str | None = None
        if column == self.COL_CREATED:
            text = QLocale().toString(
                _qt_time(record.created_at.timestamp()), QLocale.FormatType.LongFormat
            )
        elif column == self.COL_UPDATED:
            text = QLocale().toString(
                _qt_time(record.updated_at.timestamp()), QLocale.FormatType.LongFormat
            )
        elif column == self.COL_STATUS:
            error = task_error_text(record.error_kind, record.error) if record.error else None
            text = "\n".join(t for t in (record.fail_reason, error) if t) or None
        elif column == self.COL_AVATAR:
            text = "\n".join(t for t in (record.avatar_url, record.task_id) if t) or None
        return None if text is None else plain_tooltip(text)

    # -- rows and records --

    def row_of(self, row_id: int) -> int | None:
        """The row showing ``row_id``, or None when the model does not hold it."""
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    def record_at(self, row: int) -> TaskRecord | None:
        """The record shown in ``row`` (fetching its page when needed), or None."""
        if not 0 <= row < len(self._ids):
            return None
        row_id = self._ids[row]
        if row_id not in self._cache:
            self._fetch_page(row)
        self._cache.move_to_end(row_id)
        return self._cache[row_id]

    def _fetch_page(self, row: int) -> None:
        start = row - row % self.PAGE_SIZE
        wanted = [i for i in self._ids[start : start + self.PAGE_SIZE] if i not in self._cache]
        try:
            records = self._store.get_many(wanted)
        except StoreError as exc:
            log.warning("could not read %d task(s) from the task list: %s", len(wanted), exc)
            records = {}
        for row_id in wanted:
            self._cache[row_id] = records.get(row_id)
        self._trim_cache()

    def _trim_cache(self) -> None:
        while len(self._cache) > self.MAX_CACHED:
            self._cache.popitem(last=False)

    # -- telling the model about changes --

    def reload(self) -> None:
        """Read the list of tasks again from the store (in the current order and filter)."""
        self._shape = self._read_shape()
        self._reset(keep_records=False)

    def _reset(self, *, keep_records: bool) -> None:
        """Read the ids again; ``keep_records``: the records read already are still right
        (:meth:`refresh` dropped those that changed)."""
        ids = self._query()
        self.beginResetModel()
        self._ids = ids
        if not keep_records:
            self._cache.clear()
        self.endResetModel()

    def task_added(self, row_id: int) -> None:
        """Show a task just added to the store.

        Unless the list is in its default order (newest first, unfiltered) and the task is the
        newest, the model reloads to keep the order and the filter.
        """
        if self.row_of(row_id) is not None:
            self.task_changed(row_id)
            return
        if self.filtered or self._order is not TaskOrder.CREATED or not self._descending:
            self.reload()
            return
        record = self._store.get_many([row_id]).get(row_id)
        if record is None:
            return
        top = self.record_at(0)
        if top is not None and (record.created_at, record.row_id) < (top.created_at, top.row_id):
            self.reload()
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._ids.insert(0, row_id)
        self._cache[row_id] = record
        self._trim_cache()
        self.endInsertRows()

    def task_changed(self, row_id: int) -> None:
        """The stored task ``row_id`` changed: forget the cached record and repaint its row."""
        self._cache.pop(row_id, None)
        row = self.row_of(row_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.COLUMN_COUNT - 1))

    def tasks_removed(self, row_ids: Iterable[int]) -> None:
        """The tasks ``row_ids`` were removed from the store: drop their rows."""
        self._shape = self._read_shape()
        removed = set(row_ids)
        for row_id in removed:
            self._cache.pop(row_id, None)
        rows = [row for row, row_id in enumerate(self._ids) if row_id in removed]
        if not rows:
            return
        ranges: list[list[int]] = []  # [first, last], from the bottom up
        for row in reversed(rows):
            if ranges and ranges[-1][0] == row + 1:
                ranges[-1][0] = row
            else:
                ranges.append([row, row])
        if len(ranges) > self._MAX_REMOVE_RANGES:
            self.beginResetModel()
            self._ids = array("q", (i for i in self._ids if i not in removed))
            self.endResetModel()
            return
        for first, last in ranges:
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first : last + 1]
            self.endRemoveRows()


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.UserRole,
        TaskTableModel.RecordRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
    }
)
"""The roles :meth:`TaskTableModel.data` answers."""


def _qt_time(timestamp: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(round(timestamp * 1000))


def _short_time(timestamp: float) -> str:
    """Today's times as ``HH:mm:ss``, earlier ones as their date (the tooltip has both)."""
    moment = _qt_time(timestamp)
    if moment.date() == QDateTime.currentDateTime().date():
        return moment.toString("HH:mm:ss")
    return moment.toString("yyyy-MM-dd")


__all__ = [
    "MODE_NAMES",
    "STATUS_NAMES",
    "TaskTableModel",
    "mode_name",
    "shows_progress",
    "status_words",
]
