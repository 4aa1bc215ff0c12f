"""The downloads list: each video being saved, waiting or saved — also those saved before, by
this window or another program, with a file moved or deleted since said so — the latest on top,
with what can be done to it.

The model mirrors the :class:`~avatar_desktop.qt.downloads.DownloadManager`'s items through its
signals; the panel shows them (file, a progress bar, speed, state in plain words, the full message
of the selected one) and acts on the selection: cancel, retry, open the file, show its folder,
clear the finished ones. Everything shown is plain text, never rich text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.store.tasks import TaskRecord
from avatar_desktop.qt.downloads import DownloadItem, DownloadManager, DownloadState
from avatar_desktop.ui.i18n import QT_TRANSLATE_NOOP
from avatar_desktop.ui.views import (
    RecordListModel,
    alert_colour,
    data_size,
    open_folder,
    open_local_file,
    plain_tooltip,
    record_table,
)

STATE_NAMES = {
    DownloadState.WAITING: QT_TRANSLATE_NOOP("DownloadsModel", "Waiting"),
    DownloadState.DOWNLOADING: QT_TRANSLATE_NOOP("DownloadsModel", "Downloading"),
    DownloadState.DONE: QT_TRANSLATE_NOOP("DownloadsModel", "Saved"),
    DownloadState.FAILED: QT_TRANSLATE_NOOP("DownloadsModel", "Failed"),
    DownloadState.CANCELLED: QT_TRANSLATE_NOOP("DownloadsModel", "Cancelled"),
    DownloadState.EXPIRED: QT_TRANSLATE_NOOP("DownloadsModel", "Link expired"),
    DownloadState.MISSING: QT_TRANSLATE_NOOP("DownloadsModel", "File missing"),
}
VARIANT_NAMES = {
    "default": QT_TRANSLATE_NOOP("DownloadsModel", "video"),
    "no_watermark": QT_TRANSLATE_NOOP("DownloadsModel", "video without watermark"),
    "watermarked": QT_TRANSLATE_NOOP("DownloadsModel", "video with watermark"),
}
_HEADERS = (
    QT_TRANSLATE_NOOP("DownloadsModel", "File"),
    QT_TRANSLATE_NOOP("DownloadsModel", "Progress"),
    QT_TRANSLATE_NOOP("DownloadsModel", "Speed"),
    QT_TRANSLATE_NOOP("DownloadsModel", "State"),
)
_RETRYABLE = frozenset(
    {DownloadState.FAILED, DownloadState.CANCELLED, DownloadState.EXPIRED, DownloadState.MISSING}
)
_ALERT = frozenset({DownloadState.FAILED, DownloadState.EXPIRED, DownloadState.MISSING})
_ROOT = QModelIndex()


def _tr(text: str) -> str:
    return QCoreApplication.translate("DownloadsModel", text)


def speed_text(bytes_per_second: float) -> str:
    """A download speed: "1.2 MB/s"."""
    return QCoreApplication.translate("DownloadsModel", "%1/s").replace(
        "%1", data_size(bytes_per_second)
    )


def amount_text(item: DownloadItem) -> str:
    """How much is saved: "3.1 MB of 7.8 MB", or "3.1 MB" while the size is not known."""
    if item.total:
        return (
            QCoreApplication.translate("DownloadsModel", "%1 of %2")
            .replace("%1", data_size(item.received))
            .replace("%2", data_size(item.total))
        )
    return data_size(item.received)


def describe(item: DownloadItem) -> str:
    """Everything about one download in plain sentences (the details line, the tooltips)."""
    lines = [
        QCoreApplication.translate("DownloadsModel", "Task %1, %2")
        .replace("%1", item.task_id or "?")
        .replace("%2", _tr(VARIANT_NAMES.get(item.variant, item.variant))),
        str(item.destination),
    ]
    if item.state is DownloadState.DOWNLOADING:
        text = amount_text(item)
        if item.speed:
            text += " · " + speed_text(item.speed)
        lines.append(text)
    elif item.state is DownloadState.WAITING:
        lines.append(
            QCoreApplication.translate("DownloadsModel", "Waiting for another download to end.")
        )
    elif item.state is DownloadState.CANCELLED:
        lines.append(
            QCoreApplication.translate(
                "DownloadsModel", "Cancelled. What was saved is kept: Retry resumes from there."
            )
        )
    elif item.state is DownloadState.MISSING:
        lines.append(
            QCoreApplication.translate(
                "DownloadsModel",
                "The file is no longer there: it was moved or deleted after it was saved.",
            )
        )
        if item.url:
            lines.append(QCoreApplication.translate("DownloadsModel", "Retry saves it again."))
    if item.error:
        lines.append(item.error)
    if item.detail and item.detail != item.error:
        lines.append(item.detail)
    return "\n".join(lines)


class DownloadsModel(RecordListModel[DownloadItem]):
    """The manager's downloads, the latest on top, one per row.

    Roles: ``DisplayRole`` (plain text), ``ToolTipRole`` (escaped HTML of the plain text),
    ``ForegroundRole`` (red for failed, expired and missing), :attr:`ItemRole` (the
    :class:`DownloadItem`), :attr:`FractionRole` (0..1, or None while the size is unknown).
    """

    COL_FILE, COL_PROGRESS, COL_SPEED, COL_STATE = range(4)
    ItemRole = Qt.ItemDataRole.UserRole + 1
    FractionRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, manager: DownloadManager, parent: QObject | None = None) -> None:
        super().__init__(_HEADERS, "DownloadsModel", parent)
        self._items = manager.items()[::-1]
        manager.added.connect(self._on_added)
        manager.changed.connect(self._on_changed)
        manager.removed.connect(self._on_removed)

    def row_of(self, item: DownloadItem) -> int | None:
        for row, candidate in enumerate(self._items):
            if candidate is item:
                return row
        return None

    def items(self) -> list[DownloadItem]:
        return list(self._items)

    @Slot(object)
    def _on_added(self, item: DownloadItem) -> None:
        self.beginInsertRows(_ROOT, 0, 0)
        self._items.insert(0, item)
        self.endInsertRows()

    @Slot(object)
    def _on_changed(self, item: DownloadItem) -> None:
        row = self.row_of(item)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))

    @Slot(object)
    def _on_removed(self, item: DownloadItem) -> None:
        row = self.row_of(item)
        if row is not None:
            self.beginRemoveRows(_ROOT, row, row)
            del self._items[row]
            self.endRemoveRows()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        item = self.item_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(describe(item))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATE:
            failed = item.state in _ALERT
            return alert_colour() if failed or item.error else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_SPEED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ItemRole:
            return item
        if role == self.FractionRole:
            return item.fraction
        return None

    def _text(self, item: DownloadItem, column: int) -> str:
        if column == self.COL_FILE:
            return item.file_name
        if column == self.COL_PROGRESS:
            if item.state is DownloadState.DONE:
                return data_size(item.total or item.received)
            if item.state is DownloadState.DOWNLOADING:
                fraction = item.fraction
                return amount_text(item) if fraction is None else f"{int(fraction * 100)}%"
            return ""
        if column == self.COL_SPEED:
            if item.state is DownloadState.DOWNLOADING and item.speed:
                return speed_text(item.speed)
            return ""
        if column == self.COL_STATE:
            return _tr(STATE_NAMES[item.state])
        return ""


class ProgressDelegate(QStyledItemDelegate):
    """Draws a running download's progress cell as a bar with its words on it ("45%"); an
    unknown size as a busy bar. Other rows as plain text."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = index.data(DownloadsModel.ItemRole)
        if not isinstance(item, DownloadItem) or item.state is not DownloadState.DOWNLOADING:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        text = option.text
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        fraction = item.fraction
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 0 if fraction is None else 1000
        bar.progress = 0 if fraction is None else int(fraction * 1000)
        bar.text = text
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.palette = option.palette
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)


class DownloadsPanel(QWidget):
    """The window's "Downloads" tab over a :class:`DownloadManager`.

    :meth:`download` saves a task's video into the download folder (what "Download video" of
    the task list calls). The buttons and the table's context menu act on the selected rows.
    Through :attr:`message` the status bar hears when a download starts and when a video is saved.

    Signals:
        message(str text, int timeout_ms): something to say in the status bar.
    """

    message = Signal(str, int)

    def __init__(self, manager: DownloadManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.model = DownloadsModel(manager, self)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        self.cancel_action = QAction(self)
        self.cancel_action.triggered.connect(self.cancel_selected)
        self.retry_action = QAction(self)
        self.retry_action.triggered.connect(self.retry_selected)
        self.open_action = QAction(self)
        self.open_action.triggered.connect(self.open_file)
        self.folder_action = QAction(self)
        self.folder_action.triggered.connect(self.show_in_folder)
        self.clear_action = QAction(self)
        self.clear_action.triggered.connect(self.clear_finished)

        self.cancel_button = self._button(self.cancel_action)
        self.retry_button = self._button(self.retry_action)
        self.open_button = self._button(self.open_action)
        self.folder_button = self._button(self.folder_action)
        self.clear_button = self._button(self.clear_action)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.folder_button, self.cancel_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.table = record_table(self.model, (150, 110, 80))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(DownloadsModel.COL_FILE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(DownloadsModel.COL_STATE, 110)
        header.setMinimumSectionSize(60)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setItemDelegateForColumn(DownloadsModel.COL_PROGRESS, ProgressDelegate(self))
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._update)

        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

        for signal in (manager.added, manager.changed, manager.removed):
            signal.connect(self._update)
        manager.finished.connect(self._on_finished)
        self.retranslate_ui()

    @staticmethod
    def _button(action: QAction) -> QPushButton:
        button = QPushButton()
        button.clicked.connect(action.trigger)
        return button

    def retranslate_ui(self) -> None:
        self.cancel_action.setText(self.tr("Cancel"))
        self.cancel_action.setToolTip(
            self.tr("Stop the selected downloads; what was saved is kept for a retry")
        )
        self.retry_action.setText(self.tr("Retry"))
        self.retry_action.setToolTip(self.tr("Start the selected downloads again"))
        self.open_action.setText(self.tr("Open file"))
        self.open_action.setToolTip(self.tr("Play the saved video"))
        self.folder_action.setText(self.tr("Show in folder"))
        self.folder_action.setToolTip(self.tr("Open the folder that holds the video"))
        self.clear_action.setText(self.tr("Clear finished"))
        self.clear_action.setToolTip(
            self.tr("Take the ended downloads off the list (the files stay)")
        )
        for button, action in (
            (self.cancel_button, self.cancel_action),
            (self.retry_button, self.retry_action),
            (self.open_button, self.open_action),
            (self.folder_button, self.folder_action),
            (self.clear_button, self.clear_action),
        ):
            button.setText(action.text())
            button.setToolTip(action.toolTip())
        self.model.retranslate_headers()
        self._update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- what the window calls --

    def download(self, record: TaskRecord, variant: str = "default") -> DownloadItem:
        """Save ``record``'s ``variant`` video ("default", "no_watermark", "watermarked") into
        the download folder, list it and select its row; returns the download."""
        item = self.manager.start(record, variant)
        self.select(item)
        if item.state is DownloadState.FAILED:
            self.message.emit(item.error, 8000)
        else:
            name = record.label or record.task_id or ""
            text = self.tr("Saving the video of %1 (see Downloads)…").replace("%1", name)
            self.message.emit(text, 5000)
        return item

    def select(self, item: DownloadItem) -> None:
        row = self.model.row_of(item)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def selected(self) -> list[DownloadItem]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [item for item in map(self.model.item_at, rows) if item is not None]

    # -- actions --

    @Slot()
    def cancel_selected(self) -> None:
        for item in self.selected():
            self.manager.cancel(item)

    @Slot()
    def retry_selected(self) -> None:
        for item in self.selected():
            self.manager.retry(item)

    def _one_saved(self) -> DownloadItem | None:
        items = self.selected()
        if len(items) == 1 and items[0].state is DownloadState.DONE:
            return items[0]
        return None

    @Slot()
    def open_file(self) -> None:
        item = self._one_saved()
        if item is None:
            return
        problem = open_local_file(item.destination)
        if problem:
            self._say(problem)

    @Slot()
    def show_in_folder(self) -> None:
        items = self.selected()
        if len(items) != 1:
            return
        problem = open_folder(items[0].folder)
        if problem:
            self._say(problem)

    @Slot()
    def folder_changed(self) -> None:
        """The download folder setting changed: say where videos go now."""
        self._update()

    def clear_finished(self) -> None:
        self.manager.clear_finished()

    def _say(self, text: str) -> None:
        self.details.setText(text)
        self.message.emit(text, 8000)

    # -- showing --

    @Slot()
    def _update(self, *_args: object) -> None:
        items = self.model.items()
        selected = self.selected()
        states = {item.state for item in selected}
        self.cancel_action.setEnabled(any(not state.is_final for state in states))
        self.retry_action.setEnabled(bool(states & _RETRYABLE))
        self.open_action.setEnabled(self._one_saved() is not None)
        self.folder_action.setEnabled(len(selected) == 1)
        self.clear_action.setEnabled(any(item.state.is_final for item in items))
        for button, action in (
            (self.cancel_button, self.cancel_action),
            (self.retry_button, self.retry_action),
            (self.open_button, self.open_action),
            (self.folder_button, self.folder_action),
            (self.clear_button, self.clear_action),
        ):
            button.setEnabled(action.isEnabled())

        running = sum(item.state is DownloadState.DOWNLOADING for item in items)
        waiting = sum(item.state is DownloadState.WAITING for item in items)
        parts = [self.tr("Saved in %1").replace("%1", str(self.manager.folder()))]
        if running:
            parts.append(self.tr("%1 downloading").replace("%1", str(running)))
        if waiting:
            parts.append(self.tr("%1 waiting").replace("%1", str(waiting)))
        self.summary.setText(" · ".join(parts))
        self.details.setText(describe(selected[0]) if len(selected) == 1 else "")

    @Slot(object)
    def _on_finished(self, item: DownloadItem) -> None:
        if item.state is DownloadState.DONE:
            self.message.emit(
                # The name: the whole path is in the list, where it can be read and opened.
                self.tr("Video saved: %1 (see Downloads)").replace("%1", item.destination.name),
                10000,
            )

    def _on_double_click(self, index: QModelIndex) -> None:
        item = self.model.item_at(index.row())
        if item is not None and item.state is DownloadState.DONE:
            self.open_file()

    def _menu(self, position: QPoint) -> None:
        self._update()
        menu = QMenu(self)
        for action in (
            self.open_action,
            self.folder_action,
            None,
            self.cancel_action,
            self.retry_action,
            None,
            self.clear_action,
        ):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(position))


__all__ = [
    "STATE_NAMES",
    "DownloadsModel",
    "DownloadsPanel",
    "ProgressDelegate",
    "amount_text",
    "speed_text",
]
