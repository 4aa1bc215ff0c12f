"""The details pane of the task list: one task's status and times, why it failed, the request
that was sent, its result links and its cover picture.

Nothing that came from the service or from the user is ever rendered as rich text: such text is
shown in :class:`SelectableText` (a read-only plain-text view that wraps anywhere, so a long link
never makes the pane wider) or in labels set to ``Qt.PlainText``.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QEvent,
    QMetaMethod,
    QRect,
    QSize,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QTextOption,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.follower import is_stalled
from avatar_desktop.core.local_files import local_fields
from avatar_desktop.core.request import VoiceMode
from avatar_desktop.core.service import TaskStatus
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import TaskRecord
from avatar_desktop.core.submission import ConsentGiven
from avatar_desktop.qt.covers import CoverLoader, is_web_link
from avatar_desktop.ui.i18n import QT_TRANSLATE_NOOP, task_error_text
from avatar_desktop.ui.tasks.task_model import status_words
from avatar_desktop.ui.views import alert_colour, open_folder, open_local_file

_CONTEXT = "TaskDetailsPane"
_NO_VALUE = "—"
_MESSAGE_MS = 4000

LINK_NAMES = {
    "default": QT_TRANSLATE_NOOP("TaskDetailsPane", "Video"),
    "no_watermark": QT_TRANSLATE_NOOP("TaskDetailsPane", "Video without watermark"),
    "watermarked": QT_TRANSLATE_NOOP("TaskDetailsPane", "Video with watermark"),
    "cover": QT_TRANSLATE_NOOP("TaskDetailsPane", "Cover picture"),
}
"""Untranslated names of the result links, by variant (``cover`` is the cover picture)."""

_TIME_FIELDS = (
    ("created_at", QT_TRANSLATE_NOOP("TaskDetailsPane", "Created")),
    ("submitted_at", QT_TRANSLATE_NOOP("TaskDetailsPane", "Submitted")),
    ("started_at", QT_TRANSLATE_NOOP("TaskDetailsPane", "Started")),
    ("finished_at", QT_TRANSLATE_NOOP("TaskDetailsPane", "Finished")),
    ("checked_at", QT_TRANSLATE_NOOP("TaskDetailsPane", "Last checked")),
)


def _translated(text: str) -> str:
    """A text marked with ``QT_TRANSLATE_NOOP("TaskDetailsPane", ...)``, translated now."""
    return QCoreApplication.translate(_CONTEXT, text)


# --- words for values ---------------------------------------------------------------------------


def status_hint(record: TaskRecord, now: float) -> str:
    """A sentence about what the status means for the user, or ''."""
    status = record.status
    if status is LocalStatus.OUTCOME_UNKNOWN:
        return QCoreApplication.translate(
            "TaskDetailsPane",
            "The request went out but no answer came back: the job may exist on the service "
            "(and be billed). Check before sending it again.",
        )
    if status is LocalStatus.NOT_FOUND:
        return QCoreApplication.translate(
            "TaskDetailsPane",
            "The service does not know this task id; it is not asked about any more.",
        )
    if status is LocalStatus.SENDING:
        return QCoreApplication.translate("TaskDetailsPane", "The request is being sent.")
    if status is TaskStatus.SUCCESS:
        if record.saved_path:
            return ""
        return QCoreApplication.translate(
            "TaskDetailsPane", "Result links expire after some days: download the video to keep it."
        )
    if status is TaskStatus.FAILURE:
        return ""
    if is_stalled(record, now):
        return QCoreApplication.translate(
            "TaskDetailsPane",
            "No news for hours. The app still asks about it now and then; Refresh asks at once.",
        )
    if status is TaskStatus.UNKNOWN:
        return QCoreApplication.translate(
            "TaskDetailsPane",
            "The service has not said how the task is going yet; the app keeps asking.",
        )
    return ""


def format_time(moment: datetime | None) -> str:
    """``moment`` in local time as ``yyyy-MM-dd HH:mm:ss`` (the same in every language), or a
    dash."""
    if moment is None:
        return _NO_VALUE
    local = QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000))
    return local.toString("yyyy-MM-dd HH:mm:ss")


def consent_text(record: Mapping[str, Any] | None) -> str:
    """The speaker's consent a task was sent with: when, and how it was given; or a dash."""
    if record is None:
        return _NO_VALUE
    given = record.get("given")
    if given == ConsentGiven.WINDOW:
        how = QCoreApplication.translate("TaskDetailsPane", "given in the window")
    elif given == ConsentGiven.COMMAND_LINE:
        how = QCoreApplication.translate("TaskDetailsPane", "given on the command line")
    else:
        how = QCoreApplication.translate("TaskDetailsPane", "given")
    try:
        when = datetime.fromisoformat(str(record.get("confirmed_at")))
    except ValueError:
        return how
    return (
        QCoreApplication.translate("TaskDetailsPane", "%1, %2", "a time, how consent was given")
        .replace("%1", format_time(when))
        .replace("%2", how)
    )


def format_duration(seconds: float) -> str:
    """A duration in words: ``45 s``, ``4 min 5 s``, ``2 h 3 min``, ``3 d 4 h``."""
    if not math.isfinite(seconds) or seconds < 0:
        return _NO_VALUE
    total = round(seconds)
    if total < 60:
        return QCoreApplication.translate("TaskDetailsPane", "%1 s").replace("%1", str(total))
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return (
            QCoreApplication.translate("TaskDetailsPane", "%1 min %2 s")
            .replace("%1", str(minutes))
            .replace("%2", str(secs))
        )
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return (
            QCoreApplication.translate("TaskDetailsPane", "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", str(minutes))
        )
    days, hours = divmod(hours, 24)
    return (
        QCoreApplication.translate("TaskDetailsPane", "%1 d %2 h")
        .replace("%1", str(days))
        .replace("%2", str(hours))
    )


def duration_text(record: TaskRecord) -> str:
    """How long the task took, from submission to the end, with the rendering time when the
    service said when it started; a dash while it is not finished."""
    total, rendering = record.durations()
    if total is None:
        return _NO_VALUE
    if rendering is None:
        return format_duration(total)
    return (
        QCoreApplication.translate("TaskDetailsPane", "%1 (rendering: %2)")
        .replace("%1", format_duration(total))
        .replace("%2", format_duration(rendering))
    )


_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(sample|audio|voice|音频|样本|声音|录音).{0,80}"
            r"(short|at least|minimum|时长|太短|过短|不足)"
            r"|(short|时长|太短|过短).{0,40}(sample|audio|voice|音频|样本|声音|录音)",
            re.IGNORECASE | re.DOTALL,
        ),
        QT_TRANSLATE_NOOP(
            "TaskDetailsPane",
            "The voice sample seems too short: cloning a voice needs a sample of at least 20 "
            "seconds of clear speech.",
        ),
    ),
    (
        re.compile(
            r"(sensitive|violat|prohibit|forbidden|blocked|moderat|policy|illegal|inappropriate"
            r"|refus|敏感|违规|违禁|审核|禁止|拒绝)",
            re.IGNORECASE,
        ),
        QT_TRANSLATE_NOOP(
            "TaskDetailsPane",
            "The service seems to have refused the content (the text, the picture or the "
            "voice). Changing it may help; sending the same request again will not.",
        ),
    ),
    (
        re.compile(
            r"(image|picture|photo|avatar|face|portrait|图片|图像|照片|人脸|头像).{0,80}"
            r"(read|decode|invalid|format|detect|found|recogni|unsupported|corrupt|识别|无效|格式|检测|失败)"
            r"|(no face|未检测|无法识别)",
            re.IGNORECASE | re.DOTALL,
        ),
        QT_TRANSLATE_NOOP(
            "TaskDetailsPane",
            "The service could not use the picture: check that its link opens an image (JPEG "
            "or PNG) with one clearly visible face.",
        ),
    ),
    (
        re.compile(
            r"(download|fetch|unreachable|timed? ?out|connection|40[34]|下载|超时|无法访问)",
            re.IGNORECASE,
        ),
        QT_TRANSLATE_NOOP(
            "TaskDetailsPane",
            "The service may not have been able to fetch a file of the request: check that each "
            "link opens from any computer, not only from your own network.",
        ),
    ),
    (
        re.compile(r"sandbox-fail"),
        QT_TRANSLATE_NOOP(
            "TaskDetailsPane",
            "This is the local sandbox: the request asked it to fail (it contains “sandbox-fail”).",
        ),
    ),
)


def explain_failure(reason: str | None) -> str:
    """A plain explanation of a failed task in the user's language: a general sentence, plus a
    hint when the service's reason is recognisable (it is only a guess, and says so)."""
    lines = [
        QCoreApplication.translate("TaskDetailsPane", "The service could not make this video.")
    ]
    text = reason or ""
    for pattern, hint in _HINTS:
        if pattern.search(text):
            lines.append(_translated(hint))
            break
    else:
        if not text:
            lines.append(QCoreApplication.translate("TaskDetailsPane", "It gave no reason."))
    # Chinese sentences end in "。" and follow each other without a space.
    return "".join(
        line if index == len(lines) - 1 or line.endswith(("。", "！", "？")) else line + " "
        for index, line in enumerate(lines)
    )


def request_json(payload: Mapping[str, Any]) -> str:
    """The request body as pretty JSON: indent 2, sorted keys, non-ASCII characters as they are
    (escaped only when the text could not be shown, e.g. a lone surrogate)."""
    text = json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(payload, indent=2, ensure_ascii=True, sort_keys=True)
    return text


# --- small widgets ------------------------------------------------------------------------------


class SelectableText(QTextEdit):
    """Untrusted text shown as it is: read-only, selectable, wrapped anywhere (a long link never
    makes the pane wider), exactly as tall as its text. It can only show plain text."""

    def __init__(self, parent: QWidget | None = None, *, framed: bool = False) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setAcceptDrops(False)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QFrame.Shape.StyledPanel if framed else QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.viewport().setAutoFillBackground(framed)  # framed: a box, else like a label
        self.document().setDocumentMargin(4 if framed else 0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def set_text(self, text: str) -> None:
        """Show ``text`` literally (unchanged text keeps the user's selection)."""
        if text != self.toPlainText():
            self.setPlainText(text)

    def text(self) -> str:
        return self.toPlainText()

    def _fit(self, *_args: object) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        height = max(height, self.fontMetrics().height())
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, self.minimumHeight())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, self.minimumHeight())


class JsonView(QPlainTextEdit):
    """Read-only JSON in a fixed-width font, wrapped anywhere, as tall as its lines up to
    :attr:`MAX_LINES` (then it scrolls)."""

    MAX_LINES = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def set_text(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)
        self._fit()

    def _fit(self, *_args: object) -> None:
        lines = round(self.document().documentLayout().documentSize().height())
        lines = min(self.MAX_LINES, max(2, lines))
        height = (
            lines * self.fontMetrics().lineSpacing()
            + 2 * math.ceil(self.document().documentMargin())
            + 2 * self.frameWidth()
            + 2
        )
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()  # wrapping at the new width may change the number of lines

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, self.minimumHeight())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, self.minimumHeight())


class CoverView(QWidget):
    """A picture scaled down to the width it is given (keeping its aspect ratio), never above
    its own size nor larger than :attr:`WIDTH` by :attr:`MAX_HEIGHT` (it stands beside the
    task's facts)."""

    WIDTH = 160
    MAX_HEIGHT = 160

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_image(self, image: QImage | None) -> None:
        self._pixmap = QPixmap() if image is None or image.isNull() else QPixmap.fromImage(image)
        self.updateGeometry()
        self.update()

    def pixmap(self) -> QPixmap:
        """The picture at its own size (a null pixmap when there is none)."""
        return self._pixmap

    def _box(self, width: int) -> QSize:
        if self._pixmap.isNull():
            return QSize(0, 0)
        bound = QSize(min(width, self._pixmap.width()), min(self.MAX_HEIGHT, self._pixmap.height()))
        return self._pixmap.size().scaled(bound, Qt.AspectRatioMode.KeepAspectRatio)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._box(width).height()

    def sizeHint(self) -> QSize:  # noqa: N802
        return self._box(self.WIDTH)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self._pixmap.isNull():
            return
        box = self._box(self.width())
        target = QRect(0, 0, box.width(), box.height())
        target.moveCenter(self.rect().center())
        target.moveTop(0)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(target, self._pixmap)
        painter.end()


def _plain_label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def _heading() -> QLabel:
    label = _plain_label(wrap=True)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def _small_button(slot: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.clicked.connect(slot)
    return button


class _LinkRow:
    """One result link: its name, the link as text, Copy and Open."""

    def __init__(self, pane: TaskDetailsPane, grid: QGridLayout, variant: str) -> None:
        self.variant = variant
        self.name = _plain_label()
        self.text = SelectableText()
        self.copy = _small_button(lambda: pane.copy_text(self.text.text(), self.name.text()))
        self.open = _small_button(lambda: pane.open_link(self.text.text()))
        row = grid.rowCount()
        grid.addWidget(self.name, row, 0, 1, 3)
        grid.addWidget(self.text, row + 1, 0)
        grid.addWidget(self.copy, row + 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.open, row + 1, 2, Qt.AlignmentFlag.AlignTop)

    def retranslate(self) -> None:
        self.name.setText(_translated(LINK_NAMES[self.variant]))
        self.copy.setText(QCoreApplication.translate("TaskDetailsPane", "Copy"))
        self.open.setText(QCoreApplication.translate("TaskDetailsPane", "Open"))
        self.open.setToolTip(
            QCoreApplication.translate("TaskDetailsPane", "Open the link in the web browser")
        )

    def show(self, url: str | None) -> None:
        for widget in (self.name, self.text, self.copy, self.open):
            widget.setVisible(bool(url))
        self.text.set_text(url or "")
        self.open.setEnabled(is_web_link(url))


# --- the pane -----------------------------------------------------------------------------------


class TaskDetailsPane(QWidget):
    """Everything known about one task, for the side of the task list.

    :meth:`show_record` shows a :class:`~avatar_desktop.core.store.tasks.TaskRecord` (None: a line
    asking to select a task); call it again whenever the record changes (unchanged parts keep
    their selection, and a cover already shown is not fetched again). The cover comes from
    ``covers``, a :class:`~avatar_desktop.qt.covers.CoverLoader` the window owns (and shuts
    down). ``clock`` gives the time in Unix seconds, to tell a stalled task.

    Copy buttons put the exact text on the clipboard; "Open" opens only http/https links (in the
    browser); "Open file" opens the saved video with the system's player.

    Signals:
        ``download_requested(object record, str variant)``: the user asked to download the
        variant (``default``, ``no_watermark``, ``watermarked``) of the record's video.
        ``open_folder_requested(str path)``: "Show in folder" for the saved video. When nothing
        is connected, the pane opens the folder itself.
        ``message(str text, int timeout_ms)``: something to say in the status bar.
    """

    download_requested = Signal(object, str)
    open_folder_requested = Signal(str)
    message = Signal(str, int)

    def __init__(
        self,
        covers: CoverLoader,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._covers = covers
        self._clock = clock
        self._record: TaskRecord | None = None
        self._cover_url: str | None = None
        self._cover_failure: str | None = None
        covers.loaded.connect(self._cover_loaded)
        covers.failed.connect(self._cover_failed)

        # Empty state.
        self.empty_label = _plain_label()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)  # greyed, like a placeholder

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        # Status.
        self.status_label = _plain_label()
        font = QFont(self.status_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.status_label.setFont(font)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setMaximumHeight(self.fontMetrics().height() + 4)
        self.status_hint = _plain_label()
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_hint)

        # Why it failed.
        self.failure_box = QWidget()
        failure = QVBoxLayout(self.failure_box)
        failure.setContentsMargins(0, 4, 0, 0)
        self.failure_explanation = _plain_label()
        self.fail_reason_caption = _plain_label()
        self.fail_reason_text = SelectableText(framed=True)
        failure.addWidget(self.failure_explanation)
        failure.addWidget(self.fail_reason_caption)
        failure.addWidget(self.fail_reason_text)
        layout.addWidget(self.failure_box)

        # A problem the app met (an unreadable answer, an interrupted submission...).
        self.error_box = QWidget()
        error = QVBoxLayout(self.error_box)
        error.setContentsMargins(0, 4, 0, 0)
        self.error_caption = _plain_label()
        self.error_text = SelectableText(framed=True)
        error.addWidget(self.error_caption)
        error.addWidget(self.error_text)
        layout.addWidget(self.error_box)

        # The facts first (task id, service, times), the cover picture beside them: a pane
        # about 300 pixels high (a window 700 high) shows them without scrolling.
        self.details_heading = _heading()
        self.task_id_caption = _plain_label(wrap=False)
        self.task_id_text = SelectableText()
        self.copy_task_id_button = _small_button(
            lambda: self.copy_text(self.task_id_text.text(), self.task_id_caption.text())
        )
        task_id_row = QHBoxLayout()
        task_id_row.addWidget(self.task_id_text, 1)
        task_id_row.addWidget(self.copy_task_id_button, 0, Qt.AlignmentFlag.AlignTop)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(2)
        form.addRow(self.task_id_caption, task_id_row)  # below its caption when narrow
        self.service_caption = _plain_label(wrap=False)
        self.service_text = SelectableText()
        form.addRow(self.service_caption, self.service_text)
        self.time_captions: dict[str, QLabel] = {}
        self.time_labels: dict[str, QLabel] = {}
        for name, _caption in _TIME_FIELDS:
            self.time_captions[name] = _plain_label(wrap=False)
            self.time_labels[name] = _plain_label()
            self.time_labels[name].setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
            )
            form.addRow(self.time_captions[name], self.time_labels[name])
        self.duration_caption = _plain_label(wrap=False)
        self.duration_label = _plain_label()
        form.addRow(self.duration_caption, self.duration_label)
        self.consent_caption = _plain_label(wrap=False)
        self.consent_label = _plain_label()
        self.consent_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.consent_caption, self.consent_label)
        self.details_form = form
        facts = QVBoxLayout()
        facts.setContentsMargins(0, 0, 0, 0)
        facts.addWidget(self.details_heading)
        facts.addLayout(form)
        facts.addStretch(1)
        self.cover_box = QWidget()
        self.cover_box.setMaximumWidth(CoverView.WIDTH)
        self.cover_box.setMinimumWidth(1)  # in a narrow pane the cover gives way, not the facts
        cover = QVBoxLayout(self.cover_box)
        cover.setContentsMargins(0, 4, 0, 0)
        self.cover_view = CoverView()
        self.cover_status = _plain_label()
        cover.addWidget(self.cover_view)
        cover.addWidget(self.cover_status)
        cover.addStretch(1)
        facts_row = QHBoxLayout()
        facts_row.addLayout(facts, 1)
        facts_row.addWidget(self.cover_box, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(facts_row)

        # The saved video.
        self.saved_box = QWidget()
        saved = QGridLayout(self.saved_box)
        saved.setContentsMargins(0, 4, 0, 0)
        self.saved_heading = _heading()
        self.saved_text = SelectableText()
        self.open_file_button = QPushButton()
        self.open_file_button.clicked.connect(self.open_saved_file)
        self.show_folder_button = QPushButton()
        self.show_folder_button.clicked.connect(self.show_saved_folder)
        saved_buttons = QHBoxLayout()
        saved_buttons.addWidget(self.open_file_button)
        saved_buttons.addWidget(self.show_folder_button)
        saved_buttons.addStretch(1)
        saved.addWidget(self.saved_heading, 0, 0)
        saved.addWidget(self.saved_text, 1, 0)
        saved.addLayout(saved_buttons, 2, 0)
        layout.addWidget(self.saved_box)

        # Result links.
        self.links_box = QWidget()
        links = QGridLayout(self.links_box)
        links.setContentsMargins(0, 4, 0, 0)
        links.setHorizontalSpacing(4)
        links.setColumnStretch(0, 1)
        self.links_heading = _heading()
        self.download_button = QPushButton()
        self.download_button.clicked.connect(self._download_clicked)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.links_heading, 1)
        heading_row.addWidget(self.download_button)
        links.addLayout(heading_row, 0, 0, 1, 3)
        self.link_rows = {
            variant: _LinkRow(self, links, variant)
            for variant in ("default", "no_watermark", "watermarked", "cover")
        }
        layout.addWidget(self.links_box)

        # The request that was sent.
        self.request_heading = _heading()
        self.copy_request_button = _small_button(
            lambda: self.copy_text(self.request_text.toPlainText(), self.request_heading.text())
        )
        request_row = QHBoxLayout()
        request_row.addWidget(self.request_heading, 1)
        request_row.addWidget(self.copy_request_button)
        layout.addLayout(request_row)
        self.request_text = JsonView()
        layout.addWidget(self.request_text)
        layout.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_label)
        self.pages.addWidget(self.scroll_area)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

        self._retranslate()
        self.show_record(None)

    # -- showing a record --------------------------------------------------------------------

    def record(self) -> TaskRecord | None:
        """The record shown (None: the empty state)."""
        return self._record

    def show_record(self, record: TaskRecord | None) -> None:
        """Show ``record``, or with None the line asking to select a task."""
        another = record is None or self._record is None or record.row_id != self._record.row_id
        self._record = record
        if record is None:
            self.pages.setCurrentWidget(self.empty_label)
            self._set_cover_url(None)
            return
        self.pages.setCurrentWidget(self.scroll_area)
        if another:  # another task starts at its top (its status), not where the last one was
            self.scroll_area.verticalScrollBar().setValue(0)
        now = self._clock()

        self.status_label.setText(status_words(record, now))
        alert = record.status in (
            TaskStatus.FAILURE,
            LocalStatus.NOT_FOUND,
            LocalStatus.OUTCOME_UNKNOWN,
        )
        palette = self.status_label.palette()
        palette.setColor(
            self.status_label.foregroundRole(),
            alert_colour() if alert else self.palette().color(self.foregroundRole()),
        )
        self.status_label.setPalette(palette)
        self._show_progress(record, now)
        hint = status_hint(record, now)
        self.status_hint.setText(hint)
        self.status_hint.setVisible(bool(hint))

        failed = record.status is TaskStatus.FAILURE
        self.failure_box.setVisible(failed or bool(record.fail_reason))
        self.failure_explanation.setText(explain_failure(record.fail_reason))
        self.failure_explanation.setVisible(failed)
        self.fail_reason_text.set_text(record.fail_reason or "")
        self.fail_reason_caption.setVisible(bool(record.fail_reason))
        self.fail_reason_text.setVisible(bool(record.fail_reason))

        # A task the service does not know: the hint above says it in the user's language.
        error = None if record.status is LocalStatus.NOT_FOUND else record.error
        self.error_box.setVisible(bool(error))
        self.error_text.set_text(task_error_text(record.error_kind, error) if error else "")

        self.saved_box.setVisible(bool(record.saved_path))
        self.saved_text.set_text(record.saved_path or "")

        links = record.video_links()
        for variant, row in self.link_rows.items():
            row.show(record.cover_url if variant == "cover" else links.get(variant))
        self.links_box.setVisible(bool(links) or bool(record.cover_url))
        self._set_download_menu(links)

        self.task_id_text.set_text(record.task_id or _NO_VALUE)
        # A task id of up to 32 characters is never broken over two lines.
        metrics = self.task_id_text.fontMetrics()
        self.task_id_text.setMinimumWidth(
            min(metrics.horizontalAdvance(self.task_id_text.text()), metrics.maxWidth() * 32) + 4
        )
        self.copy_task_id_button.setEnabled(bool(record.task_id))
        self.service_text.set_text(record.service_url)
        for name, label in self.time_labels.items():
            label.setText(format_time(getattr(record, name)))
        if record.submitted_at is None and record.task_id and not record.is_final:
            # Accepted, not asked about yet: its own time comes with the first answer.
            self.time_labels["submitted_at"].setText(
                self.tr("accepted; the service's time comes with the first status check")
            )
        self.duration_label.setText(duration_text(record))
        self.consent_label.setText(consent_text(record.consent))
        self.details_form.setRowVisible(
            self.consent_label, record.consent is not None or record.mode is VoiceMode.CREATE_VOICE
        )

        if record.payload and record.sent_payload and record.sent_payload != record.payload:
            # Files on this computer went as links: the body sent, then where each came from.
            uploaded = "\n".join(
                f"{name}: {path}" for name, path in local_fields(record.payload).items()
            )
            self.request_text.set_text(
                request_json(record.sent_payload)
                + "\n\n"
                + self.tr("Uploaded from this computer:")
                + "\n"
                + uploaded
            )
        elif record.payload:
            self.request_text.set_text(request_json(record.payload))
        else:  # added by its task id: the request was made elsewhere
            self.request_text.set_text(
                QCoreApplication.translate(
                    "TaskDetailsPane",
                    "Not known: this task was added by its id (made on the website or on "
                    "another computer).",
                )
            )

        self._set_cover_url(record.cover_url)

    def _show_progress(self, record: TaskRecord, now: float) -> None:
        status = record.status
        bar = self.progress_bar
        if status is TaskStatus.SUCCESS:
            value: int | None = 100
        elif status is TaskStatus.IN_PROGRESS and not is_stalled(record, now):
            value = record.progress
            if value is None:
                bar.setRange(0, 0)  # busy: the service gave no number
                bar.setVisible(True)
                return
        elif status in (TaskStatus.NOT_START, TaskStatus.SUBMITTED, TaskStatus.QUEUED):
            value = 0
        else:
            value = None  # failed, unknown, stalled, not found...: no number to show
        bar.setVisible(value is not None)
        bar.setRange(0, 100)
        bar.setValue(value or 0)

    def _set_download_menu(self, links: Mapping[str, str]) -> None:
        self.download_button.setVisible(bool(links))
        old = self.download_button.menu()
        if len(links) > 1:
            menu = QMenu(self.download_button)
            for variant in links:
                action = menu.addAction(_translated(LINK_NAMES[variant]))
                action.triggered.connect(lambda _checked=False, v=variant: self.request_download(v))
            self.download_button.setMenu(menu)
        else:
            self.download_button.setMenu(None)  # type: ignore[arg-type]
        if old is not None:
            old.deleteLater()

    # -- the cover -----------------------------------------------------------------------------

    def _set_cover_url(self, url: str | None) -> None:
        self.cover_box.setVisible(bool(url))
        if url == self._cover_url and (
            not self.cover_view.pixmap().isNull() or self._cover_failure is not None
        ):
            return  # already shown (or already failed): no new request
        self._cover_url = url
        self._cover_failure = None
        self.cover_view.set_image(None)
        if not url:
            self.cover_status.setText("")
            return
        image = self._covers.cached(url)
        if image is not None:
            self._show_cover(image)
            return
        self.cover_status.setText(QCoreApplication.translate("TaskDetailsPane", "Loading cover…"))
        self.cover_status.setVisible(True)
        self._covers.request(url)

    def _show_cover(self, image: QImage) -> None:
        self.cover_view.set_image(image)
        self.cover_status.setText("")
        self.cover_status.setVisible(False)

    @Slot(str, QImage)
    def _cover_loaded(self, url: str, image: QImage) -> None:
        if url == self._cover_url and self.cover_view.pixmap().isNull():
            self._show_cover(image)

    @Slot(str, str)
    def _cover_failed(self, url: str, message: str) -> None:
        if url != self._cover_url:
            return
        self._cover_failure = message
        self.cover_view.set_image(None)
        self.cover_status.setText(
            QCoreApplication.translate("TaskDetailsPane", "The cover cannot be shown: %1").replace(
                "%1", message
            )
        )
        self.cover_status.setVisible(True)

    def cover_pixmap(self) -> QPixmap:
        """The cover shown, at its own size (null while none is shown)."""
        return self.cover_view.pixmap()

    # -- actions -------------------------------------------------------------------------------

    def copy_text(self, text: str, what: str) -> None:
        """Put ``text`` on the clipboard exactly as it is and say so."""
        if not text or text == _NO_VALUE:
            return
        QGuiApplication.clipboard().setText(text)
        self.message.emit(
            QCoreApplication.translate("TaskDetailsPane", "Copied: %1").replace("%1", what),
            _MESSAGE_MS,
        )

    def open_link(self, url: str) -> None:
        """Open a web link in the browser (nothing else: never a file or another program)."""
        if is_web_link(url):
            QDesktopServices.openUrl(QUrl(url))
        else:
            self.message.emit(
                QCoreApplication.translate(
                    "TaskDetailsPane", "Only web (http/https) links are opened."
                ),
                _MESSAGE_MS,
            )

    def request_download(self, variant: str) -> None:
        """Ask the window to download ``variant`` of the shown task's video."""
        if self._record is not None and variant in self._record.video_links():
            self.download_requested.emit(self._record, variant)

    @Slot()
    def _download_clicked(self) -> None:
        if self._record is None or self.download_button.menu() is not None:
            return
        links = self._record.video_links()
        if links:
            self.request_download(next(iter(links)))

    def _saved_path(self) -> Path | None:
        path = self._record.saved_path if self._record is not None else None
        if not path:
            return None
        if not Path(path).exists():
            self.message.emit(
                QCoreApplication.translate(
                    "TaskDetailsPane", "The saved file is no longer there: %1"
                ).replace("%1", path),
                _MESSAGE_MS,
            )
            return None
        return Path(path)

    @Slot()
    def open_saved_file(self) -> None:
        """Open the saved video with the system's player."""
        path = self._saved_path()
        problem = open_local_file(path) if path is not None else None
        if problem:
            self.message.emit(problem, _MESSAGE_MS)

    @Slot()
    def show_saved_folder(self) -> None:
        """Emit ``open_folder_requested``; with nothing connected, open the folder here."""
        path = self._saved_path()
        if path is None:
            return
        signal = QMetaMethod.fromSignal(self.open_folder_requested)
        if self.isSignalConnected(signal):
            self.open_folder_requested.emit(str(path))
        else:
            problem = open_folder(path.parent)
            if problem:
                self.message.emit(problem, _MESSAGE_MS)

    # -- language ------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.show_record(self._record)  # the words made from values (status, times...)
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.empty_label.setText(
            QCoreApplication.translate("TaskDetailsPane", "Select a task to see its details")
        )
        self.fail_reason_caption.setText(
            QCoreApplication.translate("TaskDetailsPane", "The service's words:")
        )
        self.error_caption.setText(
            QCoreApplication.translate("TaskDetailsPane", "Problem noticed by the app:")
        )
        self.saved_heading.setText(QCoreApplication.translate("TaskDetailsPane", "Saved video"))
        self.open_file_button.setText(QCoreApplication.translate("TaskDetailsPane", "Open file"))
        self.show_folder_button.setText(
            QCoreApplication.translate("TaskDetailsPane", "Show in folder")
        )
        self.links_heading.setText(QCoreApplication.translate("TaskDetailsPane", "Results"))
        self.download_button.setText(QCoreApplication.translate("TaskDetailsPane", "Download…"))
        self.download_button.setToolTip(
            QCoreApplication.translate("TaskDetailsPane", "Save the video on this computer")
        )
        for row in self.link_rows.values():
            row.retranslate()
        self.details_heading.setText(QCoreApplication.translate("TaskDetailsPane", "Task"))
        self.task_id_caption.setText(QCoreApplication.translate("TaskDetailsPane", "Task id"))
        self.copy_task_id_button.setText(QCoreApplication.translate("TaskDetailsPane", "Copy"))
        self.service_caption.setText(QCoreApplication.translate("TaskDetailsPane", "Service"))
        for name, caption in _TIME_FIELDS:
            self.time_captions[name].setText(_translated(caption))
        self.duration_caption.setText(QCoreApplication.translate("TaskDetailsPane", "Duration"))
        self.consent_caption.setText(QCoreApplication.translate("TaskDetailsPane", "Consent"))
        self.request_heading.setText(QCoreApplication.translate("TaskDetailsPane", "Request sent"))
        self.copy_request_button.setText(QCoreApplication.translate("TaskDetailsPane", "Copy"))


__all__ = [
    "LINK_NAMES",
    "CoverView",
    "SelectableText",
    "TaskDetailsPane",
    "consent_text",
    "duration_text",
    "explain_failure",
    "format_duration",
    "format_time",
    "request_json",
    "status_hint",
]
