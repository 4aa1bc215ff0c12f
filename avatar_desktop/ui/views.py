"""Small pieces every list of the window shares: how a record table looks, the alert colour,
and untrusted text as a tooltip."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


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


def alert_colour() -> QColor:
    """A red that reads well on the current palette's background (light or dark)."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return QColor("#ff8a80") if base.lightness() < 128 else QColor("#b3261e")


def plain_tooltip(text: str) -> str:
    """Untrusted plain text as a tooltip. Qt guesses whether tooltip text is HTML, so the text
    is escaped and wrapped as HTML explicitly; it always shows as the literal characters."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


__all__ = ["alert_colour", "plain_tooltip", "record_table"]
