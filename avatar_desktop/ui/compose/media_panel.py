"""The media check panel: progress, cancel, what each URL turned out to be, a thumbnail."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.media import FindingKind, MediaReport, MediaRole
from avatar_desktop.core.request import local_path
from avatar_desktop.ui.i18n import finding_text
from avatar_desktop.ui.views import data_size

THUMBNAIL_SIZE = 96


class MediaPanel(QWidget):
    """Shows a running or finished media check. Signals: ``check_requested()``,
    ``cancel_requested()``."""

    check_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check_button = QPushButton()
        self.cancel_button = QPushButton()
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setTextVisible(True)
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setVisible(False)
        self.results = QLabel()
        self.results.setTextFormat(Qt.TextFormat.PlainText)
        self.results.setWordWrap(True)
        self.results.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._reports: dict[MediaRole, MediaReport] = {}
        self.ignored_kinds: set[FindingKind] = set()
        self._cancelled = False
        self._thumbnail_of: MediaReport | None = None
        """Findings not worth showing now (addresses on this computer, while on the sandbox)."""

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.check_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addStretch(0)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(self.results, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body)

        self.check_button.clicked.connect(self.check_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets every text (again after a language switch)."""
        self.check_button.setText(self.tr("Check &media"))
        self.check_button.setToolTip(
            self.tr(
                "Look at the avatar and audio (downloaded, or read from this computer) to check "
                "they are usable, before paying for a job"
            )
        )
        self.cancel_button.setText(self.tr("Cancel"))
        self.thumbnail.setAccessibleName(self.tr("Avatar preview"))
        self.progress.setFormat(self.tr("Checking %v of %m…"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            if self._reports or self._cancelled:
                self._render()  # the results, in the new language
        super().changeEvent(event)

    def reports(self) -> dict[MediaRole, MediaReport]:
        return dict(self._reports)

    def clear(self) -> None:
        self._reports.clear()
        self._cancelled = False
        self._render()

    def retain(self, wanted: dict[MediaRole, str]) -> None:
        """Forget reports about URLs that are no longer in the form (they would mislead)."""
        stale = [role for role, report in self._reports.items() if wanted.get(role) != report.url]
        for role in stale:
            del self._reports[role]
        if stale:
            self._render()

    def started(self, total: int) -> None:
        self.clear()
        self.check_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.progress.setVisible(True)

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def finished(self, cancelled: bool) -> None:
        self.check_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)
        self._cancelled = cancelled
        self._render()

    def add_report(self, report: MediaReport) -> None:
        self._reports[report.role] = report
        self._render()

    def _render(self) -> None:
        names = {
            MediaRole.AVATAR: self.tr("Avatar"),
            MediaRole.AUDIO: self.tr("Audio"),
            MediaRole.VOICE_SAMPLE: self.tr("Voice sample"),
        }
        blocks = []
        for role in (MediaRole.AVATAR, MediaRole.AUDIO, MediaRole.VOICE_SAMPLE):
            report = self._reports.get(role)
            if report is None:
                continue
            parts: list[str] = []
            file = local_path(report.url)
            if report.reachable and file is not None:  # a file on this computer: its name
                parts.append(file.name)
                parts.append(report.format.upper() if report.format else self.tr("unknown type"))
            elif report.reachable:
                parts.append(report.content_type or self.tr("unknown type"))
            if report.reachable:
                parts.append(data_size(report.size) if report.size is not None else "?")
                if report.width and report.height:
                    parts.append(f"{report.width}×{report.height}")
                if report.duration is not None:
                    parts.append(self.tr("%1 s").replace("%1", f"{report.duration:.1f}"))
            lines = [f"{names[role]}: " + " · ".join(parts)]
            findings = [f for f in report.findings if f.kind not in self.ignored_kinds]
            for finding in findings:
                marker = "✖" if finding.blocking else "⚠"
                lines.append(f"  {marker} {finding_text(finding)}")
            if report.reachable and not findings:
                lines.append("  ✔ " + self.tr("Looks fine."))
            blocks.append("\n".join(lines))
        if self._cancelled:
            blocks.append(self.tr("Check cancelled."))
        self.results.setText("\n".join(blocks))
        self.results.setVisible(bool(blocks))
        avatar = self._reports.get(MediaRole.AVATAR)
        if avatar is None or not avatar.preview:
            self._thumbnail_of = None
            self.thumbnail.clear()
            self.thumbnail.setVisible(False)
            return
        if self._thumbnail_of is avatar:
            return  # decoded already
        self._thumbnail_of = avatar
        image = QImage.fromData(avatar.preview)
        if image.isNull():
            self.thumbnail.clear()
            self.thumbnail.setVisible(False)
            return
        pixmap = QPixmap.fromImage(image).scaled(
            THUMBNAIL_SIZE,
            THUMBNAIL_SIZE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.thumbnail.setPixmap(pixmap)
        self.thumbnail.setVisible(True)
