"""The outbox panel: the jobs waiting to be sent, their state, service, reason and next attempt.

The model reads the outbox when the data file changes (any process's commit); what a waiting
row says (another service, held, due, the next attempt — never a moment already past) is the
core's :func:`~avatar_desktop.core.sending.outlook`. The panel only shows it and asks the
window, through signals, to act on the selected item.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
    Slot,
)
from PySide6.QtGui import QAction, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.sending import (
    Hold,
    ItemOutlook,
    Outlook,
    is_sandbox_url,
    outlook,
    service_host,
)
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.outbox import (
    FileLine,
    ItemState,
    Outbox,
    OutboxItem,
    OutboxListing,
    OutboxSummary,
    Source,
    WaitKind,
    read_source,
)
from avatar_desktop.core.store.schema import payload_mode
from avatar_desktop.ui.i18n import QT_TRANSLATE_NOOP, error_text, reason_text
from avatar_desktop.ui.tasks.task_model import mode_name
from avatar_desktop.ui.views import (
    RecordListModel,
    alert_colour,
    cell_width,
    plain_tooltip,
    record_table,
)

STATE_NAMES = {
    ItemState.QUEUED: QT_TRANSLATE_NOOP("OutboxTableModel", "Queued"),
    ItemState.UPLOADING: QT_TRANSLATE_NOOP("OutboxTableModel", "Uploading…"),
    ItemState.SENDING: QT_TRANSLATE_NOOP("OutboxTableModel", "Sending…"),
    ItemState.RETRY_WAIT: QT_TRANSLATE_NOOP("OutboxTableModel", "Waiting to retry"),
    ItemState.SUBMITTED: QT_TRANSLATE_NOOP("OutboxTableModel", "Submitted"),
    ItemState.REFUSED: QT_TRANSLATE_NOOP("OutboxTableModel", "Refused"),
    ItemState.OUTCOME_UNKNOWN: QT_TRANSLATE_NOOP("OutboxTableModel", "Outcome unknown"),
    ItemState.CANCELLED: QT_TRANSLATE_NOOP("OutboxTableModel", "Cancelled"),
}
_HEADERS = (
    QT_TRANSLATE_NOOP("OutboxTableModel", "#"),
    QT_TRANSLATE_NOOP("OutboxTableModel", "State"),
    QT_TRANSLATE_NOOP("OutboxTableModel", "Service"),
    QT_TRANSLATE_NOOP("OutboxTableModel", "Avatar"),
    QT_TRANSLATE_NOOP("OutboxTableModel", "Next attempt / task"),
    QT_TRANSLATE_NOOP("OutboxTableModel", "Reason"),
)
_ROOT = QModelIndex()
_FITTED_ROWS = 200
"""The columns fit the texts of this many rows at most (a long outbox would be slow)."""
REFIT_DELAY_MS = 200
"""The columns are fitted again this long after rows changed (once for a burst)."""
_LONGEST_WAIT_MS = 3_600_000
"""The repaint timer is set at most this far ahead (a QTimer takes an int of milliseconds)."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("OutboxTableModel", text)


def service_name(url: str, current: ServiceConfig | None) -> str:
    """A service as a row names it: "Sandbox" for the built-in sandbox, else its host."""
    if is_sandbox_url(url, current):
        return QCoreApplication.translate("OutboxTableModel", "Sandbox")
    return service_host(url)


def source_text(source: str) -> str:
    """Where an item came from, in the user's language."""
    meaning = read_source(source)
    if meaning is Source.FORM:
        return QCoreApplication.translate("OutboxTableModel", "the form")
    if meaning is Source.TASK_LIST:
        return QCoreApplication.translate("OutboxTableModel", "the task list (sent again)")
    if meaning is Source.EXPORT:
        return QCoreApplication.translate("OutboxTableModel", "an export of drafts and outbox")
    if isinstance(meaning, FileLine):
        return (
            QCoreApplication.translate("OutboxTableModel", "%1, line %2", "an imported file")
            .replace("%2", str(meaning.line))
            .replace("%1", meaning.name)
        )
    return source


def _reason(item: OutboxItem, *, detail: bool = False) -> str:
    return reason_text(item.reason_kind, item.reason, item.reason_verbatim, detail=detail)


def _when(moment: datetime) -> str:
    local = moment.astimezone()
    if local.date() == datetime.now(UTC).astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


class OutboxTableModel(RecordListModel[OutboxItem]):
    """Every outbox item, oldest first. :meth:`reload` reads them again (on a store change).

    Roles: ``DisplayRole`` (plain text), ``ToolTipRole`` (escaped HTML of the full text),
    ``ForegroundRole`` (red for items that need the user), ``Qt.UserRole`` (the item id),
    :attr:`ItemRole` (the :class:`OutboxItem`).

    :meth:`set_context` tells it the current service and what holds sending; a row whose
    next attempt passes is repainted at that moment (it then says it is due).
    """

    COL_ID, COL_STATE, COL_SERVICE, COL_AVATAR, COL_NEXT, COL_REASON = range(6)
    ItemRole = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self,
        outbox: Outbox,
        parent: QObject | None = None,
        *,
        changes: SignalInstance | None = None,
    ) -> None:
        """``changes``: a signal that fires after any commit to the data file; the model
        reads the outbox again on it by itself."""
        super().__init__(_HEADERS, "OutboxTableModel", parent)
        self._outbox = outbox
        self._listing = OutboxListing(outbox)
        self._signature: tuple[float, ...] | None = None
        self._uploads: dict[int, dict[str, int]] = {}
        """Bytes stored of each uploading item's files, by field (:meth:`set_upload_progress`)."""
        self.error: str | None = None
        self.config: ServiceConfig | None = None
        """The current service (None: not known yet, every row is taken as its)."""
        self.hold: Hold | None = None
        self._clock = QTimer(self)
        self._clock.setSingleShot(True)
        self._clock.setTimerType(Qt.TimerType.PreciseTimer)  # never early: the moment passed
        self._clock.timeout.connect(self._repaint)
        self.reload()
        if changes is not None:
            changes.connect(self.reload)

    @property
    def service_url(self) -> str | None:
        return None if self.config is None else self.config.base_url

    def set_context(self, config: ServiceConfig | None, hold: Hold | None) -> None:
        """The current service and what holds sending (the rows say what they wait for)."""
        if config != self.config or hold != self.hold:
            self.config, self.hold = config, hold
            self._repaint()

    def outlook_of(self, item: OutboxItem) -> ItemOutlook | None:
        """What ``item`` waits for now (:func:`~avatar_desktop.core.sending.outlook`)."""
        return outlook(item, self.service_url, self.hold)

    def reload(self) -> None:
        """Read the items again — when the outbox changed (:meth:`Outbox.signature`): every
        commit to the data file calls this, most of them the task list's."""
        try:
            signature = self._outbox.signature()
            if signature == self._signature and self.error is None:
                return
            items, changed = self._listing.read()
            self._signature = signature
            self.error = None
        except StoreError as exc:
            self.error = error_text(exc)
            return
        uploading = {i.item_id for i in items if i.state is ItemState.UPLOADING}
        self._uploads = {k: v for k, v in self._uploads.items() if k in uploading}
        if [i.item_id for i in items] == [i.item_id for i in self._items]:
            self._items = items
            rows = [row for row, item in enumerate(items) if item.item_id in changed]
            if rows:  # only the rows from the first to the last that changed are painted again
                last = len(_HEADERS) - 1
                self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], last))
            self._schedule()
            return
        self.beginResetModel()
        self._items = items
        self.endResetModel()
        self._schedule()

    def _repaint(self) -> None:
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, len(_HEADERS) - 1)
            )
        self._schedule()

    def _schedule(self) -> None:
        """Repaint when the next shown attempt time passes (it is never shown in the past)."""
        now = time.time()
        moments = [
            view.at.timestamp()
            for view in map(self.outlook_of, self._items)
            if view is not None and view.kind is Outlook.RETRY_AT and view.at is not None
        ]
        if not moments:
            self._clock.stop()
            return
        wait_ms = max(0, round((min(moments) - now) * 1000)) + 50
        self._clock.start(min(wait_ms, _LONGEST_WAIT_MS))

    @Slot(int, str, int, int)
    def set_upload_progress(self, item_id: int, name: str, done: int, total: int) -> None:
        """A file of an item uploads (the runner's ``upload_progress``): its row shows how much
        of the item's files is stored."""
        self._uploads.setdefault(item_id, {})[name] = done
        row = self.row_of(item_id)
        if row is not None:
            index = self.index(row, self.COL_STATE)
            self.dataChanged.emit(index, index)

    def upload_percent(self, item: OutboxItem) -> int | None:
        """How much of an uploading item's files is stored, in percent (None: not uploading,
        or no progress heard yet). A file named by two fields counts once."""
        uploads = self._uploads.get(item.item_id)
        if item.state is not ItemState.UPLOADING or not uploads:
            return None
        sizes = {file.sha256: file.size for file in item.files.values()}
        done = sum(uploads.values())
        total = sum(sizes.values())
        return 100 if total <= 0 else min(100, done * 100 // total)

    def row_of(self, item_id: int) -> int | None:
        for row, item in enumerate(self._items):
            if item.item_id == item_id:
                return row
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        item = self.item_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._tooltip(item, column)
            return plain_tooltip(text) if text else None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATE:
            return alert_colour() if item.state.needs_user else None
        if role == Qt.ItemDataRole.UserRole:
            return item.item_id
        if role == self.ItemRole:
            return item
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, item: OutboxItem, column: int) -> str:
        if column == self.COL_ID:
            return str(item.item_id)
        if column == self.COL_STATE:
            percent = self.upload_percent(item)
            if percent is not None:
                return QCoreApplication.translate("OutboxTableModel", "Uploading… %1%").replace(
                    "%1", str(percent)
                )
            return _tr(STATE_NAMES[item.state])
        if column == self.COL_SERVICE:
            return service_name(item.service_url, self.config)
        if column == self.COL_NEXT:
            if item.state is ItemState.SUBMITTED:
                return item.task_id or ""
            return self._next(item)
        if column == self.COL_AVATAR:
            avatar = item.payload.get("avatar_url")
            name = avatar.rstrip("/").rsplit("/", 1)[-1] if isinstance(avatar, str) else ""
            mode = payload_mode(item.payload)
            return f"{name} · {mode_name(mode)}" if mode else name
        if column == self.COL_REASON:
            return _reason(item).replace("\n", " ")
        return ""

    def _next(self, item: OutboxItem) -> str:
        """What a waiting item waits for, in a few words (never a moment already past)."""
        view = self.outlook_of(item)
        if view is None:
            return ""
        if view.kind is Outlook.OTHER_SERVICE:
            return QCoreApplication.translate("OutboxTableModel", "Waits for %1").replace(
                "%1", service_name(item.service_url, self.config)
            )
        if view.kind is Outlook.RETRY_AT and view.at is not None:
            return _when(view.at)
        if view.hold is Hold.TOKEN_REFUSED:
            return QCoreApplication.translate("OutboxTableModel", "Held: token refused")
        if view.hold is Hold.PAUSED:
            return QCoreApplication.translate("OutboxTableModel", "Held: sending paused")
        if view.hold is Hold.OFFLINE:
            return QCoreApplication.translate("OutboxTableModel", "Held: offline")
        if view.hold is Hold.MANUAL:
            return QCoreApplication.translate("OutboxTableModel", "Waits for “Send now”")
        return QCoreApplication.translate("OutboxTableModel", "Due now")

    def _elsewhere(self, item: OutboxItem) -> str:
        """For an item of another service than the current one: where it goes, and the way
        out; empty for the others."""
        current = self.config
        if current is None or item.service_url == current.base_url:
            return ""
        return (
            QCoreApplication.translate(
                "OutboxTableModel",
                "For another service: %1. It is only ever sent there, not to the current "
                "service (%2); “Move to the current service…” sends it to %2 instead.",
            )
            .replace("%1", service_name(item.service_url, current))
            .replace("%2", service_name(current.base_url, current))
        )

    def _tooltip(self, item: OutboxItem, column: int) -> str:
        if column == self.COL_SERVICE:
            return "\n".join(filter(None, (item.service_url, self._elsewhere(item))))
        if column == self.COL_NEXT:
            return "\n".join(filter(None, (self._next(item), self._elsewhere(item))))
        if column == self.COL_STATE:
            lines = [_tr(STATE_NAMES[item.state])]
            elsewhere = self._elsewhere(item)
            if elsewhere:
                lines.append(elsewhere)
            if item.state is ItemState.RETRY_WAIT:
                lines.append(
                    QCoreApplication.translate(
                        "OutboxTableModel",
                        "The service could not be reached; sent again when it can be.",
                    )
                    if item.wait_kind is WaitKind.UNREACHABLE
                    else QCoreApplication.translate(
                        "OutboxTableModel", "The service asked to wait before the next attempt."
                    )
                )
            elif item.state is ItemState.OUTCOME_UNKNOWN:
                lines.append(
                    QCoreApplication.translate(
                        "OutboxTableModel",
                        "The request may have reached the service and be billed. Check your "
                        "account, then mark it as submitted, send it again, or discard it.",
                    )
                )
            elif item.state is ItemState.REFUSED:
                lines.append(
                    QCoreApplication.translate(
                        "OutboxTableModel",
                        "The service refused it (not billed). Edit it and queue again.",
                    )
                )
            if item.reason:
                lines.append(_reason(item, detail=True))
            if item.source:
                lines.append(
                    QCoreApplication.translate("OutboxTableModel", "From: %1").replace(
                        "%1", source_text(item.source)
                    )
                )
            lines.append(
                QCoreApplication.translate("OutboxTableModel", "Service: %1").replace(
                    "%1", item.service_url
                )
            )
            lines.append(
                QCoreApplication.translate("OutboxTableModel", "Queued: %1").replace(
                    "%1",
                    QLocale().toString(
                        QDateTime.fromMSecsSinceEpoch(round(item.created_at.timestamp() * 1000))
                    ),
                )
            )
            return "\n".join(lines)
        if column == self.COL_AVATAR:
            return str(item.payload.get("avatar_url", ""))
        if column == self.COL_REASON:
            return _reason(item, detail=True)
        return ""


class OutboxPanel(QWidget):
    """The outbox: a summary line, the command buttons and the items.

    Signals (the window decides): ``send_now``, ``pause_toggled``, ``import_requested``,
    ``cancel_items(list[int])``, ``requeue_items(list[int])``, ``resolve_item(int)``,
    ``edit_item(int)``, ``move_items(list[int])`` (to the current service), ``clear_finished``.
    """

    send_now = Signal()
    pause_toggled = Signal()
    import_requested = Signal()
    cancel_items = Signal(list)
    requeue_items = Signal(list)
    resolve_item = Signal(int)
    edit_item = Signal(int)
    move_items = Signal(list)
    clear_finished = Signal()

    def __init__(self, model: OutboxTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.send_button = QPushButton()
        self.send_button.clicked.connect(self.send_now)
        self.pause_button = QPushButton()
        self.pause_button.clicked.connect(self.pause_toggled)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.pause_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)

        self.table = record_table(model, ())  # widths: fit_columns
        self.table.horizontalHeader().setStretchLastSection(False)  # the reason: fit_columns
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        model.modelReset.connect(self.fit_columns)
        # Rows that change (a task id arrives, a wait is set) may need wider columns: fitted
        # again once a burst of changes is over.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(REFIT_DELAY_MS)
        self._refit.timeout.connect(self.fit_columns)
        model.dataChanged.connect(self._refit_soon)
        self.table.viewport().installEventFilter(self)
        model.modelReset.connect(self._update_actions)
        model.dataChanged.connect(self._update_actions)

        # The selected item's reason, whole: its column is narrow in a small window.
        self.reason_caption = QLabel()
        bold = QFont(self.reason_caption.font())
        bold.setBold(True)
        self.reason_caption.setFont(bold)
        self.reason_text = QLabel()
        self.reason_text.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_text.setWordWrap(True)
        self.reason_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_box = QWidget()
        reason_row = QHBoxLayout(self.reason_box)
        reason_row.setContentsMargins(0, 0, 0, 0)
        reason_row.addWidget(self.reason_caption, 0, Qt.AlignmentFlag.AlignTop)
        reason_row.addWidget(self.reason_text, 1)
        self.reason_box.setVisible(False)
        for signal in (
            self.table.selectionModel().selectionChanged,
            model.modelReset,
            model.dataChanged,
        ):
            signal.connect(self._show_reason)

        self.cancel_action = QAction(self)
        self.cancel_action.triggered.connect(
            lambda: self.cancel_items.emit([i.item_id for i in self.selected()])
        )
        self.requeue_action = QAction(self)
        self.requeue_action.triggered.connect(
            lambda: self.requeue_items.emit([i.item_id for i in self.selected()])
        )
        self.resolve_action = QAction(self)
        self.resolve_action.triggered.connect(self._resolve)
        self.edit_action = QAction(self)
        self.edit_action.triggered.connect(self._edit)
        self.move_action = QAction(self)
        self.move_action.triggered.connect(
            lambda: self.move_items.emit([i.item_id for i in self.selected()])
        )
        self.clear_action = QAction(self)
        self.clear_action.triggered.connect(self.clear_finished)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reason_box)
        self.retranslate_ui()
        self.show_summary(None, None)

    def retranslate_ui(self) -> None:
        self.send_button.setText(self.tr("Send now"))
        self.send_button.setToolTip(
            self.tr("Send every waiting job of the current service now (billed)")
        )
        self.import_button.setText(self.tr("Import…"))
        self.import_button.setToolTip(self.tr("Queue jobs from a CSV, JSON or JSON Lines file"))
        self.cancel_action.setText(self.tr("Cancel"))
        self.requeue_action.setText(self.tr("Send again"))
        self.resolve_action.setText(self.tr("Mark as submitted with task id…"))
        self.edit_action.setText(self.tr("Open in the form"))
        self.move_action.setText(self.tr("Move to the current service…"))
        self.move_action.setToolTip(
            self.tr("Send the selected jobs to the current service instead (billed there)")
        )
        self.clear_action.setText(self.tr("Remove submitted and cancelled"))
        self.model.retranslate_headers()
        self.reason_caption.setText(
            str(self.model.headerData(OutboxTableModel.COL_REASON, Qt.Orientation.Horizontal))
        )
        self.fit_columns()

    def _refit_soon(self) -> None:
        if not self._refit.isActive():
            self._refit.start()

    def fit_columns(self) -> None:
        """Columns as wide as what they hold, in the current language and font: the item
        number, the longest state name, the rows' services and avatars (up to about fourteen
        characters, elided beyond, whole in the tooltip), a whole task id (32 characters)
        or the widest next attempt; the reason takes the rest (elided, whole in its
        tooltip). Each column is at least as wide as its heading. Called again when the
        rows or the width change."""
        model, table = self.model, self.table
        metrics = table.fontMetrics()
        header = table.horizontalHeader()
        pad = cell_width(table, [])
        rows = range(min(model.rowCount(), _FITTED_ROWS))

        def widest(texts: list[str]) -> int:
            return cell_width(table, texts)

        def shown(column: int) -> list[str]:  # each text measured once; the last row's too
            last = [model.rowCount() - 1] if model.rowCount() > len(rows) else []
            return list({str(model.data(model.index(row, column)) or "") for row in [*rows, *last]})

        ids = [item.task_id for item in map(model.item_at, rows) if item and item.task_id]
        hex_digit = max("0123456789abcdef", key=metrics.horizontalAdvance)
        task_id = widest([hex_digit * 32])  # the widest 32-character id: no more
        if ids:
            task_id = min(task_id, widest(ids))
        limit = widest(["x" * 14])
        widths = {
            model.COL_ID: widest([*shown(model.COL_ID), "99"]),
            model.COL_STATE: widest([_tr(name) for name in STATE_NAMES.values()]),
            model.COL_SERVICE: min(widest(shown(model.COL_SERVICE)), limit),
            model.COL_AVATAR: min(widest(shown(model.COL_AVATAR)), limit),
            model.COL_NEXT: min(widest(shown(model.COL_NEXT)), task_id),
        }
        for column, width in widths.items():
            title = header.fontMetrics().horizontalAdvance(
                str(model.headerData(column, Qt.Orientation.Horizontal))
            )
            widths[column] = max(width, title + pad)
        # In a narrow window the service and the avatar give up room first, so that a
        # readable part of the reason shows (elided, whole in its tooltip) beside a whole task
        # id. Where even that does not fit, the reason column steps aside: the line under the
        # table (and the state's tooltip) says the selected item's reason whole.
        room, least = table.viewport().width(), widest(["x" * 5])
        reason_title = header.fontMetrics().horizontalAdvance(
            str(model.headerData(model.COL_REASON, Qt.Orientation.Horizontal))
        )
        reason = max(widest(["x" * 10]), reason_title + pad)
        natural = dict(widths)
        for needed in (reason, 0):
            widths = dict(natural)
            excess = sum(widths.values()) + needed - room
            for column in (model.COL_SERVICE, model.COL_AVATAR):
                cut = min(max(excess, 0), max(widths[column] - least, 0))
                widths[column] -= cut
                excess -= cut
            if room - sum(widths.values()) >= reason:
                break
        left = room - sum(widths.values())
        table.setColumnHidden(model.COL_REASON, left < reason)
        if left >= reason:
            widths[model.COL_REASON] = left
        elif left > 0:  # the reason steps aside: the avatar takes what is left
            widths[model.COL_AVATAR] += left
        for column, width in widths.items():
            header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.table.viewport()
            and isinstance(event, QResizeEvent)
            and event.size().width() != event.oldSize().width()
        ):
            self.fit_columns()  # the table's own width, known once it is shown
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.table.viewport().update()  # the rows' words (states, waits) in the new language
            summary, hold, busy, storage_paused = self._state
            self.show_summary(summary, hold, busy=busy, storage_paused=storage_paused)
            self._show_reason()
        super().changeEvent(event)

    def show_summary(
        self,
        summary: OutboxSummary | None,
        hold: Hold | None,
        *,
        busy: bool = False,
        storage_paused: bool = False,
    ) -> None:
        """Show the counts of the current service (the ones the window's tab and status bar
        show, from the same :class:`OutboxSummary`), what holds sending, and the pause button;
        ``storage_paused``: the storage refused, jobs with local files wait."""
        self._state = (summary, hold, busy, storage_paused)
        paused = hold in (Hold.PAUSED, Hold.TOKEN_REFUSED)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        parts = []
        if summary is not None:
            parts.append(self.tr("%1 waiting").replace("%1", str(summary.waiting)))
            if summary.needs_user:
                parts.append(
                    self.tr("%1 need your decision").replace("%1", str(summary.needs_user))
                )
            if summary.other_waiting:
                parts.append(self.tr("%n wait for other services", "", summary.other_waiting))
        if hold is Hold.TOKEN_REFUSED:
            parts.append(self.tr("paused: the service refused the token"))
        elif hold is Hold.PAUSED:
            parts.append(self.tr("paused"))
        elif hold is Hold.OFFLINE:
            parts.append(self.tr("offline: sent when the service can be reached"))
        elif busy:
            parts.append(self.tr("sending…"))
        elif hold is Hold.MANUAL:
            parts.append(self.tr("automatic sending is off: “Send now” sends"))
        if storage_paused:
            parts.append(
                self.tr(
                    "jobs with files on this computer wait: the storage refused its keys or "
                    "the access (Settings → Storage, then “Send now”)"
                )
            )
        if self.model.error:
            parts.append(self.model.error)
        self.summary.setText(" · ".join(parts))

    def selected(self) -> list[OutboxItem]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [item for item in map(self.model.item_at, rows) if item is not None]

    def select_item(self, item_id: int) -> None:
        row = self.model.row_of(item_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_actions(self) -> None:
        items = self.selected()
        states = {item.state for item in items}
        self.cancel_action.setEnabled(
            bool(items)
            and states
            <= {
                ItemState.QUEUED,
                ItemState.RETRY_WAIT,
                ItemState.REFUSED,
                ItemState.OUTCOME_UNKNOWN,
            }
        )
        self.requeue_action.setEnabled(
            bool(items)
            and states <= {ItemState.REFUSED, ItemState.CANCELLED, ItemState.OUTCOME_UNKNOWN}
        )
        self.resolve_action.setEnabled(states == {ItemState.OUTCOME_UNKNOWN} and len(items) == 1)
        self.edit_action.setEnabled(len(items) == 1)
        current = self.model.service_url
        self.move_action.setEnabled(
            current is not None
            and bool(items)
            and all(item.state.movable and item.service_url != current for item in items)
        )

    def _show_reason(self) -> None:
        """The reason of the one selected item under the table (none: hidden)."""
        items = self.selected()
        # In the user's language, as in the table (it showed the program's English detail).
        reason = _reason(items[0], detail=True) if len(items) == 1 else None
        self.reason_text.setText(reason or "")
        self.reason_box.setVisible(bool(reason))

    def _menu(self, position: Any) -> None:
        self._update_actions()
        menu = QMenu(self)
        for action in (
            self.requeue_action,
            self.resolve_action,
            self.move_action,
            self.cancel_action,
            self.edit_action,
        ):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.clear_action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def _resolve(self) -> None:
        items = self.selected()
        if len(items) == 1:
            self.resolve_item.emit(items[0].item_id)

    def _edit(self) -> None:
        items = self.selected()
        if len(items) == 1:
            self.edit_item.emit(items[0].item_id)


__all__ = ["STATE_NAMES", "OutboxPanel", "OutboxTableModel"]
