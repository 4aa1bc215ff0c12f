"""The import preview: what a file holds, row by row, before anything is queued.

The window reads the file in the background (:func:`avatar_desktop.core.importer.read_file`)
and runs the submission checks (:func:`avatar_desktop.core.submission.screen`); this dialog
shows the result — valid rows, invalid rows with their line and reason in the user's language,
duplicates, voice clones whose sample has no consent on record — and lets the user queue the
valid ones. Consent is asked once, naming the samples, when OK is clicked.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.importer import (
    FileProblem,
    FileProblemKind,
    ImportNote,
    ImportReport,
    ImportRow,
    NoteKind,
    RowIssue,
    RowIssueKind,
)
from avatar_desktop.core.request import GenerationRequest, VoiceMode
from avatar_desktop.core.submission import Screening
from avatar_desktop.ui.dialogs.consent import ask_consent
from avatar_desktop.ui.i18n import field_label, problem_text, sentence_gap, translated_interface
from avatar_desktop.ui.tasks.task_model import mode_name
from avatar_desktop.ui.views import alert_colour


def issue_text(issue: RowIssue) -> str:
    """A row's format problem in the user's language."""
    column = issue.column
    value = issue.value or ""
    texts = {
        RowIssueKind.BAD_BOOLEAN: QCoreApplication.translate(
            "ImportDialog", "“%2” is not yes or no (true/false, 1/0, 是/否)."
        ),
        RowIssueKind.BAD_MODE: QCoreApplication.translate(
            "ImportDialog", "“%2” is not audio_url, create_voice or use_voice."
        ),
        RowIssueKind.FIELD_NOT_FOR_MODE: QCoreApplication.translate(
            "ImportDialog",
            "Not used by this row's voice mode: clear the cell or set the mode column.",
        ),
        RowIssueKind.EXTRA_VALUES: QCoreApplication.translate(
            "ImportDialog", "More values than columns (a comma in a text that is not in quotes?)."
        ),
        RowIssueKind.BAD_QUOTES: QCoreApplication.translate(
            "ImportDialog", "Quotes that do not match."
        ),
        RowIssueKind.VALUE_TOO_LONG: QCoreApplication.translate(
            "ImportDialog", "A value is far too long for a cell (is this a CSV file of jobs?)."
        ),
        RowIssueKind.NOT_JSON: QCoreApplication.translate("ImportDialog", "Not valid JSON."),
        RowIssueKind.NOT_AN_OBJECT: QCoreApplication.translate(
            "ImportDialog", "Not a JSON object (a request body)."
        ),
    }
    return _labelled(column, texts.get(issue.kind, issue.message).replace("%2", value))


def _labelled(name: str, text: str) -> str:
    """``label: text`` — the label the form shows for the field or column ``name`` — with the
    punctuation of the user's language; ``text`` alone when the form has no such field."""
    label = field_label(name)
    if label is None:
        return text
    pattern = QCoreApplication.translate("ImportDialog", "%1: %2", "a column and its problem")
    return pattern.replace("%1", label).replace("%2", text)


def row_reason(row: ImportRow) -> str:
    """Everything wrong with a row, in the user's language."""
    parts = [issue_text(issue) for issue in row.issues]
    parts += [_labelled(problem.path, problem_text(problem)) for problem in row.problems]
    return sentence_gap().join(parts)


def note_text(note: ImportNote) -> str:
    """A note about the file that was read, in the user's language."""
    if note.kind is NoteKind.UTF16:
        return QCoreApplication.translate(
            "ImportDialog",
            "The file was read as UTF-16 (it starts with a UTF-16 byte-order mark).",
        )
    if note.kind is NoteKind.GBK:
        return QCoreApplication.translate(
            "ImportDialog",
            "The file is not UTF-8; it was read as GBK (GB18030), the encoding Chinese Windows "
            "uses. Check that the Chinese text looks right.",
        )
    if note.kind is NoteKind.JSON_ARRAY:
        return QCoreApplication.translate(
            "ImportDialog", "The file is a JSON array, not JSON Lines; it was read as JSON."
        )
    if note.kind is NoteKind.COLUMN_SUGGESTION:
        # The file's own column names: the ones to write in the file.
        return (
            QCoreApplication.translate(
                "ImportDialog", "The column “%1” is not known and was ignored; did you mean %2?"
            )
            .replace("%2", note.known)
            .replace("%1", note.column)
        )
    return note.message


def file_problem_text(problem: FileProblem) -> str:
    """Why a whole file cannot be imported, in the user's language (with the detail)."""
    texts = {
        FileProblemKind.TOO_LARGE: QCoreApplication.translate(
            "ImportDialog", "The file is too large to import."
        ),
        FileProblemKind.SPREADSHEET: QCoreApplication.translate(
            "ImportDialog",
            "This is a spreadsheet workbook: save it as CSV (UTF-8) and import that.",
        ),
        FileProblemKind.NOT_TEXT: QCoreApplication.translate(
            "ImportDialog", "The file is not text (CSV, JSON or JSON Lines)."
        ),
        FileProblemKind.NOT_A_FILE: QCoreApplication.translate(
            "ImportDialog", "This is a folder, a device or a pipe, not a file."
        ),
        FileProblemKind.EMPTY: QCoreApplication.translate("ImportDialog", "The file is empty."),
        FileProblemKind.MISSING_COLUMN: QCoreApplication.translate(
            "ImportDialog", "A required column is missing."
        ),
        FileProblemKind.DUPLICATE_COLUMN: QCoreApplication.translate(
            "ImportDialog", "The column “%1” appears twice."
        ).replace("%1", problem.column),
        FileProblemKind.BROKEN_QUOTES: QCoreApplication.translate(
            "ImportDialog", "A quoted value never ends; rows after it are lost."
        ),
        FileProblemKind.VALUE_TOO_LONG: QCoreApplication.translate(
            "ImportDialog", "A value is far too long for a cell (is this a CSV file of jobs?)."
        ),
        FileProblemKind.NOT_JSON: QCoreApplication.translate(
            "ImportDialog", "The file is not valid JSON."
        ),
        FileProblemKind.NOT_AN_ARRAY: QCoreApplication.translate(
            "ImportDialog", "The JSON file must hold an array of request bodies."
        ),
    }
    text = texts.get(problem.kind, "")
    where = (
        QCoreApplication.translate("ImportDialog", "Line %1: ").replace("%1", str(problem.line))
        if problem.line
        else ""
    )
    if not text:
        return f"{where}{problem.message}"
    if translated_interface():  # the core's English detail only beside English
        return f"{where}{text}"
    return f"{where}{text}\n{problem.message}"


class ImportPreviewDialog(QDialog):
    """Preview of an import; :meth:`chosen` gives the requests to queue once accepted."""

    def __init__(
        self,
        path: Path,
        report: ImportReport,
        screening: Screening,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import jobs"))
        self.resize(820, 520)
        self._report = report
        self.screening = screening
        self._duplicates = set(screening.duplicates)
        self._unconsented = screening.needs_consent(screening.requests)
        self.consent_given = False
        """Whether the user confirmed the speakers' consent (asked on OK when needed)."""
        duplicates = self._duplicates
        service_url = screening.service_url
        valid = report.valid
        invalid = report.invalid

        title = QLabel(
            self.tr("%1 → outbox of %2").replace("%1", path.name).replace("%2", service_url)
        )
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)

        lines = []
        if report.file_problem is not None:
            lines.append(file_problem_text(report.file_problem))
        else:
            lines.append(
                self.tr("%1 valid rows, %2 with problems, %3 already queued or sent.")
                .replace("%1", str(len(valid) - len(duplicates)))
                .replace("%2", str(len(invalid)))
                .replace("%3", str(len(duplicates)))
            )
        if report.unknown_columns:
            lines.append(
                self.tr("Columns ignored (unknown): %1").replace(
                    "%1", ", ".join(report.unknown_columns)
                )
            )
        if self._unconsented:
            lines.append(
                self.tr(
                    "%1 row(s) clone a voice from a sample with no consent on record: you are "
                    "asked about them when you queue the jobs."
                ).replace("%1", str(len(self._unconsented)))
            )
        lines.extend(note_text(note) for note in report.notes)
        summary = QLabel("\n".join(lines))
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setWordWrap(True)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(len(report.rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Status"), self.tr("Job")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 150)
        header.setStretchLastSection(True)
        # The invalid rows first: they are what needs reading.
        ordered = invalid + [row for row in valid if row.line in duplicates]
        ordered += [row for row in valid if row.line not in duplicates]
        for position, row in enumerate(ordered):
            self._fill(position, row)

        self.allow_duplicates = QCheckBox(self.tr("Also queue the rows already queued or sent"))
        self.allow_duplicates.setVisible(bool(duplicates))
        self.allow_duplicates.toggled.connect(self._update_button)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.allow_duplicates)
        layout.addWidget(self.buttons)
        self._update_button()

    def _fill(self, position: int, row: ImportRow) -> None:
        line = QTableWidgetItem(str(row.line))
        line.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if not row.ok:
            status = QTableWidgetItem(self.tr("Problem"))
            status.setForeground(alert_colour())
            detail = row_reason(row)
        elif row.line in self._duplicates:
            status = QTableWidgetItem(self.tr("Already queued or sent"))
            detail = self._describe(row.request)
        elif row.line in self._unconsented:
            status = QTableWidgetItem(self.tr("Needs consent"))
            detail = self._describe(row.request)
        else:
            status = QTableWidgetItem(self.tr("Ready"))
            detail = self._describe(row.request)
        text = QTableWidgetItem(detail)
        text.setToolTip(detail)
        for column, cell in enumerate((line, status, text)):
            self.table.setItem(position, column, cell)

    @staticmethod
    def _describe(request: GenerationRequest | None) -> str:
        if request is None:
            return ""
        payload = request.to_payload()
        voice = payload.get(request.mode.value)
        parts = [mode_name(request.mode), str(payload["avatar_url"])]
        if isinstance(voice, dict):
            if request.mode is VoiceMode.CREATE_VOICE:
                parts.append(str(voice.get("audio_url", "")))  # the sample consent is about
            parts.append(str(voice.get("text", "")))
        else:
            parts.append(str(voice))
        return " · ".join(parts).replace("\n", " ")

    def chosen(self) -> list[int]:
        """The lines of the rows to queue: the valid ones, without duplicates unless allowed
        (those needing consent included: :meth:`accept` asks about them)."""
        return self.screening.chosen(self.allow_duplicates.isChecked())

    def accept(self) -> None:
        """OK: first ask once about the samples of the chosen rows with no consent on record."""
        samples = self.screening.samples_needing_consent(self.chosen())
        self.consent_given = bool(samples) and ask_consent(self, samples)
        super().accept()

    def _update_button(self) -> None:
        count = len(self.chosen())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Queue %n job(s)", "", count))
        ok.setEnabled(count > 0)


__all__ = ["ImportPreviewDialog", "file_problem_text", "issue_text", "row_reason"]
