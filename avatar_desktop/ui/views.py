"""Small pieces every list of the window shares: how a record table looks, the alert colour,
a field's error line, and untrusted text as a tooltip."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QUrl,
)
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStyle,
    QTableView,
    QWidget,
)


def error_label() -> QLabel:
    """The line under a field that says what is wrong with it (hidden while nothing is)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setObjectName("fieldError")
    label.setStyleSheet("QLabel#fieldError { color: #c62828; }")
    label.setVisible(False)
    return label


def record_table(model: QAbstractItemModel, widths: Sequence[int]) -> QTableView:
    """A table of one record per row: whole rows selected, alternating colours, no wrapping,
    rows one line high, the given column widths and the last column stretched, a custom
    context menu (the caller connects ``customContextMenuRequested``)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate(widths):
        if column < model.columnCount():
            header.resizeSection(column, width)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return table


def cell_width(table: QTableView, texts: Sequence[str]) -> int:
    """The width of a column of ``table`` that shows the widest of ``texts`` whole (with the
    cell's margins)."""
    pad = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
    metrics = table.fontMetrics()
    return max((metrics.horizontalAdvance(text) for text in texts), default=0) + pad


_Record = TypeVar("_Record")
_ROOT = QModelIndex()


class RecordListModel(QAbstractTableModel, Generic[_Record]):
    """A table of records kept in a list, one per row, under translated column headers
    (``headers``: untranslated words of the ``context`` translation context). Subclasses fill
    :attr:`_items` and answer :meth:`data`."""

    def __init__(self, headers: Sequence[str], context: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._context = context
        self._items: list[_Record] = []

    def item_at(self, row: int) -> _Record | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return QCoreApplication.translate(self._context, self._headers[section])
        return None

    def retranslate_headers(self) -> None:
        """Have the views ask for the headers again (after a language switch)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)


def alert_colour() -> QColor:
    """A red that reads well on the current palette's background (light or dark)."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return QColor("#ff8a80") if base.lightness() < 128 else QColor("#b3261e")


class ElidedLabel(QLabel):
    """A one-line label that never widens its layout: a text too long for it is cut at the
    end with "…" (the whole text is :meth:`full_text`; callers put it in the tooltip), so
    what matters most goes first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width(), 1)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


def data_size(count: float) -> str:
    """``count`` bytes for people: "820 KB", "1.2 MB" (the locale's digits)."""
    return QLocale().formattedDataSize(
        int(count), 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat
    )


def plain_tooltip(text: str) -> str:
    """Untrusted plain text as a tooltip. Qt guesses whether tooltip text is HTML, so the text
    is escaped and wrapped as HTML explicitly; it always shows as the literal characters."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def open_local_file(path: Path) -> str | None:
    """Open a saved video with the system's program; what went wrong, in the user's words, or
    None."""
    if not path.is_file():
        return QCoreApplication.translate("LocalFiles", "The file is no longer there: %1").replace(
            "%1", str(path)
        )
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return QCoreApplication.translate(
            "LocalFiles", "No program could open the video. It is saved as %1"
        ).replace("%1", str(path))
    return None


def open_folder(folder: Path) -> str | None:
    """Show ``folder`` in the file manager; what went wrong, in the user's words, or None."""
    if not folder.is_dir():
        return QCoreApplication.translate(
            "LocalFiles", "The folder is no longer there: %1"
        ).replace("%1", str(folder))
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return QCoreApplication.translate(
            "LocalFiles", "No file manager could be started. The folder is %1"
        ).replace("%1", str(folder))
    return None


def show_data_folder(parent: QWidget, folder: Path) -> None:
    """Open the data folder in the file manager; when that cannot be done, say where it is."""
    problem = open_folder(folder)
    if problem is not None:
        QMessageBox.information(
            parent, QCoreApplication.translate("LocalFiles", "Data folder"), problem
        )


def _fits_screen(window: QMainWindow) -> bool:
    """Whether the restored window is on its screen, no larger than it, and not shrunk to a
    size where the lists no longer fit (as a size saved on a larger screen can be)."""
    if window.isMaximized() or window.isFullScreen():
        return True
    screen = window.screen().availableGeometry()
    too_small = window.width() < min(900, screen.width()) or window.height() < min(
        600, screen.height()
    )
    return (
        screen.contains(window.frameGeometry().topLeft())
        and not too_small
        and window.width() <= screen.width()
        and window.height() <= screen.height()
    )


def restore_layout(window: QMainWindow, geometry: bytes | None, state: bytes | None) -> None:
    """Give ``window`` its saved geometry and toolbar state; on the first start, or for a size
    saved on another screen, a comfortable size that fits this screen (a maximized window stays
    maximized)."""
    if (
        geometry is None
        or not window.restoreGeometry(QByteArray(geometry))
        or not _fits_screen(window)
    ):
        screen = window.screen().availableGeometry()
        window.resize(min(1200, screen.width()), min(760, screen.height()))
        window.move(screen.topLeft())
    if state is not None:
        window.restoreState(QByteArray(state))


def screen_room(widget: QWidget, share: float = 0.9) -> QSize:
    """``share`` of the room on the screen ``widget`` is on (or will be: its parent's), so a
    window opened at a size of its own still fits a small screen whole."""
    anchor = widget.parentWidget() or widget
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() if screen is not None else QSize(1024, 700)
    return QSize(int(room.width() * share), int(room.height() * share))


def grow_to_fit(dialog: QWidget) -> None:
    """Make a shown ``dialog`` tall enough for every line of its word-wrapped labels (a
    dialog does not follow its labels' height for its width on its own); call it when a
    message appears and from ``showEvent``."""
    layout = dialog.layout()
    if layout is None or not dialog.isVisible():
        return
    layout.activate()
    width = dialog.width()
    needed = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    if needed > dialog.height():
        dialog.resize(width, needed)


__all__ = [
    "RecordListModel",
    "alert_colour",
    "cell_width",
    "error_label",
    "grow_to_fit",
    "open_folder",
    "open_local_file",
    "plain_tooltip",
    "record_table",
    "restore_layout",
    "screen_room",
]
