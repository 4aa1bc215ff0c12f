"""Batch import of generation requests from CSV, JSON and JSON Lines files (Qt-free, stdlib only).

Users prepare jobs in a spreadsheet or a JSON file; :func:`read_file` turns such a file into an
:class:`ImportReport`: one :class:`ImportRow` per data row, each either holding a validated
:class:`~avatar_desktop.core.request.GenerationRequest` or saying what is wrong with it. Queuing
and duplicate detection happen elsewhere. Every row is validated with
:meth:`GenerationRequest.from_payload`, the same rules as the form.

Line numbers (a public contract: the CLI prints them)
    Rows are numbered by the file's *physical* lines (a line ends at ``\\n``, ``\\r\\n`` or
    ``\\r``): the CSV header is line 1, a row whose quoted value spans several lines is numbered by
    the line it starts on, and blank lines are skipped but still counted. A JSON array element is
    numbered by the line where it starts. :meth:`ImportRow.describe` gives ``line N: <reason>``.

File-level problems
    When :attr:`ImportReport.file_problem` is set the file as a whole cannot be read (too large,
    not text, a workbook rather than CSV, no ``avatar_url`` column, broken JSON...) and
    :attr:`ImportReport.rows` is empty: nothing of such a file should be imported, because rows
    after the breakage would be silently missing.

Encodings
    UTF-8 with or without a byte-order mark; UTF-16 with a byte-order mark (Excel's "Unicode
    text"); otherwise, when the bytes are not valid UTF-8, GB18030 (a superset of GBK, what Chinese
    Excel on Windows writes), with a note in :attr:`ImportReport.notes` so the user checks the
    Chinese text. A UTF-8 byte-order mark is simply dropped, without a note: it is what Excel's
    "CSV UTF-8" writes.

CSV
    A header row is required (the first non-blank line). Header names are matched after trimming,
    case-insensitively, with inner spaces and hyphens read as ``_`` (``Avatar URL`` is
    ``avatar_url``); a column named twice is a file-level problem. Unknown columns are listed in
    :attr:`ImportReport.unknown_columns` and ignored (so is a column without a header name, which
    is listed only when a row has a value in it). The separator is a comma, or a semicolon or a tab
    when the header is clearly split by one (European Excel, a paste from a spreadsheet); a first
    line ``sep=;`` as Excel understands it is honoured. Rows whose cells are all empty (``,,,,``
    as spreadsheets write them) count as blank lines.

    Values are trimmed, except ``text``, which is kept as written (a text of only whitespace counts
    as empty). An empty cell means "no value": the validation then says the field ``is required``
    where the mode needs it. ``no_watermark`` is ``true/false/1/0/yes/no/是/否`` (any case);
    empty means false. ``mode`` (column or value) is optional; when empty it is inferred: a row
    with ``voice_engine_id`` or ``audio_id`` is ``use_voice``; else a row with ``text`` is
    ``create_voice`` (its ``audio_url`` is the voice sample); else ``audio_url``. An explicit mode
    is matched like a header name (``Use Voice`` is ``use_voice``).

    Cells that do not belong to the row's mode (``language`` on an ``audio_url`` row, an
    ``audio_url`` on a ``use_voice`` row) make the row invalid
    (:attr:`RowIssueKind.FIELD_NOT_FOR_MODE`) instead of being dropped. Each job is billed: a
    filled cell says the user meant something, and a row whose mode was inferred differently from
    what they intended (say, an ``audio_id`` left in a row meant to clone a voice) must not be sent
    as a different, paid job. Clearing the cell or setting ``mode`` resolves it. A row with more
    values than the header has columns is invalid too: it is nearly always a comma in an unquoted
    text.

    Quotes: a quote in the middle of an unquoted value is kept as a character; a malformed quoted
    value (``"Hello" world``) makes its row invalid; a quoted value that runs over several lines
    and is then malformed or never closed is a file-level problem, since it has swallowed the rows
    that follow.

JSON and JSON Lines
    A JSON file is an array of request bodies in the API's own shape; a JSON Lines file
    (``.jsonl``, ``.ndjson``) has one body per line. A syntax error in a JSON array is a file-level
    problem (the rest cannot be read reliably); in JSON Lines it only affects its line.

Format
    By extension (``.csv``/``.tsv``, ``.json``, ``.jsonl``/``.ndjson``); any other extension,
    ``.txt`` included, is sniffed: a first non-space character ``[`` means JSON, ``{`` JSON Lines,
    anything else CSV.

Files larger than :data:`MAX_FILE_BYTES` are refused (a file-level problem).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import enum
import io
import json
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from avatar_desktop.core.local_files import FileHome, local_fields, read_files, resolve_relative
from avatar_desktop.core.request import (
    GenerationRequest,
    Problem,
    ValidationError,
    VoiceMode,
    check_url,
)
from avatar_desktop.core.uploads import LocalFile

__all__ = [
    "CSV_COLUMNS",
    "MAX_FILE_BYTES",
    "FileProblem",
    "FileProblemKind",
    "ImportFormat",
    "ImportNote",
    "ImportReport",
    "ImportRow",
    "NoteKind",
    "RowIssue",
    "RowIssueKind",
    "csv_template",
    "decode",
    "parse_csv",
    "parse_json",
    "parse_json_lines",
    "parse_text",
    "read_file",
    "sniff_format",
    "write_template",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Larger files are refused: 50 MB of CSV is several hundred thousand rows."""

CSV_COLUMNS: tuple[str, ...] = (
    "avatar_url",
    "no_watermark",
    "audio_url",
    "voice_engine_id",
    "audio_id",
    "language",
    "text",
    "mode",
)
"""The CSV columns, in the order the template writes them (any order is read)."""

# Columns that carry the voice, and the ones each mode uses.
_VOICE_COLUMNS = ("audio_url", "voice_engine_id", "audio_id", "language", "text")
_MODE_COLUMNS: dict[VoiceMode, frozenset[str]] = {
    VoiceMode.AUDIO_URL: frozenset({"audio_url"}),
    VoiceMode.CREATE_VOICE: frozenset({"audio_url", "language", "text"}),
    VoiceMode.USE_VOICE: frozenset({"voice_engine_id", "audio_id", "language", "text"}),
}

_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "是": True,
    "false": False,
    "0": False,
    "no": False,
    "否": False,
}
_BOOLEAN_SPELLINGS = "true/false/yes/no/1/0/是/否"

_SPREADSHEET_SIGNATURES = (
    b"PK\x03\x04",  # .xlsx, .ods (zip)
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # .xls (OLE compound file)
)
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_NAME_SEPARATORS = re.compile(r"[\s\-]+")
_SEP_HINT = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)
_MAX_SHOWN = 60


class ImportFormat(enum.StrEnum):
    """The file formats the importer reads."""

    CSV = "csv"
    JSON = "json"
    JSON_LINES = "jsonl"


class FileProblemKind(enum.StrEnum):
    """Why a whole file cannot be imported; the UI translates by this kind."""

    NOT_A_FILE = "not_a_file"
    TOO_LARGE = "too_large"
    SPREADSHEET = "spreadsheet"
    NOT_TEXT = "not_text"
    EMPTY = "empty"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    BROKEN_QUOTES = "broken_quotes"
    VALUE_TOO_LONG = "value_too_long"
    NOT_JSON = "not_json"
    NOT_AN_ARRAY = "not_an_array"


@dataclass(frozen=True)
class FileProblem:
    """Something that makes the whole file unreadable; ``line`` when it has one."""

    kind: FileProblemKind
    message: str
    line: int | None = None
    column: str = ""
    """The column concerned (a column that appears twice)."""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class NoteKind(enum.StrEnum):
    """Something the user should know about a file that was read; the UI translates by it."""

    UTF16 = "utf16"
    GBK = "gbk"
    JSON_ARRAY = "json_array"
    COLUMN_SUGGESTION = "column_suggestion"


@dataclass(frozen=True)
class ImportNote:
    """A note about a file that was read, in English (``message``, what ``avatar-cli``
    prints); for a column suggestion, the unknown ``column`` and the ``known`` one meant."""

    kind: NoteKind
    message: str
    column: str = ""
    known: str = ""

    def __str__(self) -> str:
        return self.message


class RowIssueKind(enum.StrEnum):
    """What is wrong with a row's format (not its values); the UI translates by this kind."""

    BAD_BOOLEAN = "bad_boolean"
    BAD_MODE = "bad_mode"
    FIELD_NOT_FOR_MODE = "field_not_for_mode"
    EXTRA_VALUES = "extra_values"
    BAD_QUOTES = "bad_quotes"
    VALUE_TOO_LONG = "value_too_long"
    NOT_JSON = "not_json"
    NOT_AN_OBJECT = "not_an_object"


@dataclass(frozen=True)
class RowIssue:
    """A format-level problem of one row: which column (``""`` for the whole row) and why."""

    kind: RowIssueKind
    column: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.column}: {self.message}" if self.column else self.message


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One data row: its physical line and either a valid request or what is wrong with it."""

    line: int
    request: GenerationRequest | None
    problems: tuple[Problem, ...] = ()
    issues: tuple[RowIssue, ...] = ()
    files: Mapping[str, LocalFile] = field(default_factory=dict)
    """The local files the request names, read (size and SHA-256), by field."""

    @property
    def ok(self) -> bool:
        return self.request is not None

    def reason(self) -> str:
        """Everything wrong with the row in English, joined by ``"; "`` (empty when ok)."""
        return "; ".join([*(str(i) for i in self.issues), *(str(p) for p in self.problems)])

    def describe(self) -> str:
        """``line N: <reason>``, or ``line N: ok``."""
        return f"line {self.line}: {self.reason() if not self.ok else 'ok'}"


@dataclass
class ImportReport:
    """The outcome of reading one file. ``rows`` is empty when ``file_problem`` is set."""

    format: ImportFormat
    rows: list[ImportRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    file_problem: FileProblem | None = None
    notes: list[ImportNote] = field(default_factory=list)

    @property
    def valid(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def requests(self) -> list[GenerationRequest]:
        """The valid requests, in file order."""
        return [row.request for row in self.rows if row.request is not None]

    def problem_lines(self) -> list[str]:
        """The file problem or one ``line N: <reason>`` per invalid row, for printing."""
        if self.file_problem is not None:
            return [str(self.file_problem)]
        return [row.describe() for row in self.invalid]


# --- reading files ------------------------------------------------------------------------


def read_file(path: Path, home: FileHome = FileHome.NONE) -> ImportReport:
    """Read and validate a file of requests. Bad content never raises; ``OSError`` may.

    A URL cell may name a local file: an absolute path, a ``file://`` URI or a path relative
    to the file's folder. Each is read (:func:`~avatar_desktop.core.local_files.read_files`:
    size and SHA-256, kept in :attr:`ImportRow.files`); a missing or unreadable one — or any,
    with no place to upload it (``home``) — makes its row invalid."""
    fmt = _SUFFIXES.get(path.suffix.lower())
    if not stat.S_ISREG(path.stat().st_mode):  # a pipe would block, a device never end
        return _failed(
            fmt or ImportFormat.CSV,
            FileProblemKind.NOT_A_FILE,
            "this is not a file but a folder, a device or a pipe; choose a CSV, JSON or JSON "
            "Lines file",
        )
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return _failed(
            fmt or ImportFormat.CSV,
            FileProblemKind.TOO_LARGE,
            f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it into "
            "smaller files",
        )
    if data.startswith(_SPREADSHEET_SIGNATURES):
        return _failed(
            fmt or ImportFormat.CSV,
            FileProblemKind.SPREADSHEET,
            "this is a spreadsheet workbook, not a CSV file; save it as CSV (UTF-8) first",
        )
    try:
        text, notes = decode(data)
    except ValueError as error:
        return _failed(fmt or ImportFormat.CSV, FileProblemKind.NOT_TEXT, str(error))
    del data  # the text is what is read now (a big file is held once, not twice)
    report = parse_text(text, path.suffix, path.parent.absolute())
    report.notes[:0] = notes
    cache: dict[Path, LocalFile] = {}
    for number, row in enumerate(report.rows):
        if row.request is None:
            continue
        payload = row.request.to_payload()
        if not local_fields(payload):
            continue  # only links (most rows)
        try:
            files = read_files(payload, home, cache=cache)
        except ValidationError as error:
            report.rows[number] = ImportRow(row.line, None, error.problems)
            continue
        report.rows[number] = ImportRow(row.line, row.request, files=files)
    return report


def decode(data: bytes) -> tuple[str, list[ImportNote]]:
    """The text of a file and notes about how it was decoded.

    Raises :class:`ValueError` with an English message when the bytes are not text.
    """
    notes: list[ImportNote] = []
    if data.startswith(codecs.BOM_UTF8):
        text = _decode_or_fail(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_or_fail(data, "utf-16", "UTF-16")
        notes.append(
            ImportNote(
                NoteKind.UTF16,
                "The file was read as UTF-16 (it starts with a UTF-16 byte-order mark).",
            )
        )
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as error:
                raise ValueError(
                    "the file is not text in UTF-8 or GBK/GB18030 (unreadable byte at offset "
                    f"{error.start}); save it as CSV UTF-8"
                ) from None
            notes.append(
                ImportNote(
                    NoteKind.GBK,
                    "The file is not UTF-8; it was read as GBK (GB18030), the encoding Chinese "
                    "Windows uses. Check that the Chinese text looks right.",
                )
            )
    if "\x00" in text:
        raise ValueError("the file contains NUL bytes; it is not a text file")
    return text, notes


def _decode_or_fail(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ValueError(
            f"the file starts like {name} text but is not valid {name} "
            f"(unreadable byte at offset {error.start})"
        ) from None


def parse_text(text: str, suffix: str = "", folder: Path | None = None) -> ImportReport:
    """Parse text in the format its file extension ``suffix`` (e.g. ``".csv"``) names, or sniff.
    With ``folder`` (the file's), a URL cell may name a local file, relative to it."""
    fmt = _SUFFIXES.get(suffix.lower()) or sniff_format(text)
    return _PARSERS[fmt](text, folder)


def sniff_format(text: str) -> ImportFormat:
    """``[`` first means JSON, ``{`` JSON Lines, anything else CSV."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "[":
        return ImportFormat.JSON
    if start == "{":
        return ImportFormat.JSON_LINES
    return ImportFormat.CSV


def _failed(
    fmt: ImportFormat,
    kind: FileProblemKind,
    message: str,
    line: int | None = None,
    *,
    column: str = "",
) -> ImportReport:
    return ImportReport(format=fmt, file_problem=FileProblem(kind, message, line, column))


# --- CSV ----------------------------------------------------------------------------------


def parse_csv(text: str, folder: Path | None = None) -> ImportReport:
    """Read CSV text with a header row; see the module docstring for the rules."""
    text = text.removeprefix("\ufeff")
    fmt = ImportFormat.CSV
    delimiter, hint_line = _sniff_delimiter(text)
    reader = csv.reader(_physical_lines(text), delimiter=delimiter, strict=True)
    records = _records(reader)

    header: list[str] | None = None
    header_line = 0
    for line, end, cells, error in records:
        if line == hint_line:
            continue
        if error is not None:
            return _failed(fmt, _file_problem_kind(error), _quote_message(error, line, end), line)
        if _is_blank(cells):
            continue
        header, header_line = cells, line
        break
    if header is None:
        return _failed(
            fmt,
            FileProblemKind.EMPTY,
            "the file is empty; the first line must name the columns: " + ",".join(CSV_COLUMNS),
        )

    columns: dict[str, int] = {}
    unknown: list[str] = []
    unnamed: list[int] = []
    for index, raw in enumerate(header):
        name = _normalize(raw)
        if not name:
            unnamed.append(index)
        elif name in CSV_COLUMNS:
            if name in columns:
                return _failed(
                    fmt,
                    FileProblemKind.DUPLICATE_COLUMN,
                    f"the column {name} appears twice (columns {columns[name] + 1} and "
                    f"{index + 1})",
                    header_line,
                    column=name,
                )
            columns[name] = index
        else:
            unknown.append(raw.strip())
    suggestions = _suggestions(unknown, columns)
    report = ImportReport(format=fmt, unknown_columns=unknown)
    report.notes += [
        ImportNote(
            NoteKind.COLUMN_SUGGESTION,
            f'The column "{name}" is not known and was ignored; did you mean {known}?',
            name,
            known,
        )
        for name, known in suggestions.items()
    ]
    if "avatar_url" not in columns:
        meant = [name for name, known in suggestions.items() if known == "avatar_url"]
        report.file_problem = FileProblem(
            FileProblemKind.MISSING_COLUMN,
            "the header has no avatar_url column"
            + (f' (is "{meant[0]}" meant to be avatar_url?)' if meant else "")
            + "; the first line must name the columns, e.g. "
            + ",".join(CSV_COLUMNS),
            header_line,
        )
        return report

    width = len(header)
    used_unnamed: set[int] = set()
    get_columns = [(name, columns.get(name)) for name in CSV_COLUMNS]
    for line, end, cells, error in records:
        if error is not None:
            if end > line:
                return _failed(
                    fmt, FileProblemKind.BROKEN_QUOTES, _quote_message(error, line, end), line
                )
            report.rows.append(ImportRow(line, None, issues=(_bad_quotes(error),)))
            continue
        if _is_blank(cells):
            continue
        values = {
            name: (cells[index] if index is not None and index < len(cells) else "")
            for name, index in get_columns
        }
        used_unnamed.update(i for i in unnamed if i < len(cells) and cells[i].strip())
        extra = [cell for cell in cells[width:] if cell.strip()]
        report.rows.append(_csv_row(line, end, values, extra, width, len(cells), folder))
    report.unknown_columns += [f"(unnamed column {i + 1})" for i in sorted(used_unnamed)]
    return report


_Record = tuple[int, int, list[str], csv.Error | None]


def _records(reader: Any) -> Iterator[_Record]:
    """(first line, last line, cells, error) per record; an error skips the rest of its line."""
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, reader.line_num, [], error
            continue
        yield start, reader.line_num, cells, None


def _sniff_delimiter(text: str) -> tuple[str, int]:
    """The separator and the line of a ``sep=`` hint (0 when there is none)."""
    for number, raw in enumerate(_physical_lines(text), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip(" \t,;"):
            continue
        hint = _SEP_HINT.match(line)
        if hint:
            return hint.group(1), number
        best, best_count = ",", 0
        for delimiter in (",", ";", "\t"):
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:  # a value over the field limit: the reader says where, later
                cells = []
            count = sum(_normalize(cell) in CSV_COLUMNS for cell in cells)
            if count > best_count:
                best, best_count = delimiter, count
        return best, 0
    return ",", 0


def _normalize(name: str) -> str:
    return _NAME_SEPARATORS.sub("_", name.strip()).lower()


def _is_blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def _suggestions(unknown: list[str], columns: Mapping[str, int]) -> dict[str, str]:
    """Unknown column names that look like a missing known one (``avatar`` → ``avatar_url``)."""
    missing = [name for name in CSV_COLUMNS if name not in columns]
    found = {}
    for name in unknown:
        close = difflib.get_close_matches(_normalize(name), missing, n=1, cutoff=0.6)
        if close:
            found[name] = close[0]
    return found


def _too_long(error: csv.Error) -> bool:
    return "field larger than field limit" in str(error)


def _file_problem_kind(error: csv.Error) -> FileProblemKind:
    return FileProblemKind.VALUE_TOO_LONG if _too_long(error) else FileProblemKind.BROKEN_QUOTES


def _too_long_message() -> str:
    return (
        f"a value is longer than {csv.field_size_limit():,} characters, the longest a cell may "
        "be; check that the file is a CSV file of jobs"
    )


def _quote_message(error: csv.Error, line: int, end: int) -> str:
    if _too_long(error):
        return _too_long_message()
    if end > line:
        return (
            f"a quoted value starting on this line is not closed properly ({error}), so lines "
            f"{line}–{end} were read as one row; check the quotes in that row"
        )
    return f"the quotes in this line are malformed ({error})"


def _bad_quotes(error: csv.Error) -> RowIssue:
    if _too_long(error):
        return RowIssue(RowIssueKind.VALUE_TOO_LONG, "", _too_long_message())
    return RowIssue(
        RowIssueKind.BAD_QUOTES,
        "",
        f'malformed quotes ({error}); a value with quotes must be written as "He said ""hi"""',
    )


def _shown(value: str) -> str:
    if len(value) > _MAX_SHOWN:
        value = value[: _MAX_SHOWN - 1] + "…"
    return json.dumps(value, ensure_ascii=False)


def _csv_row(
    line: int,
    end: int,
    values: dict[str, str],
    extra: list[str],
    width: int,
    count: int,
    folder: Path | None,
) -> ImportRow:
    issues: list[RowIssue] = []
    if extra:
        spans = f" (it runs from line {line} to {end}: is a quote unclosed?)" if end > line else ""
        issues.append(
            RowIssue(
                RowIssueKind.EXTRA_VALUES,
                "",
                f"has {count} values but the header has {width} columns{spans}; a text with a "
                "comma must be in double quotes",
                extra[0],
            )
        )

    raw_watermark = values["no_watermark"].strip()
    no_watermark = _BOOLEANS.get(raw_watermark.lower()) if raw_watermark else False
    if no_watermark is None:
        issues.append(
            RowIssue(
                RowIssueKind.BAD_BOOLEAN,
                "no_watermark",
                f"{_shown(raw_watermark)} is not {_BOOLEAN_SPELLINGS}",
                raw_watermark,
            )
        )

    # Trimmed values; text is kept as written, but whitespace alone counts as empty.
    cell = {name: values[name].strip() for name in _VOICE_COLUMNS}
    cell["text"] = values["text"] if values["text"].strip() else ""
    filled = {name for name, value in cell.items() if value}

    raw_mode = values["mode"].strip()
    inferred = not raw_mode
    mode: VoiceMode | None
    if raw_mode:
        mode = _MODES.get(_normalize(raw_mode))
        if mode is None:
            issues.append(
                RowIssue(
                    RowIssueKind.BAD_MODE,
                    "mode",
                    f"{_shown(raw_mode)} is not one of audio_url, create_voice, use_voice",
                    raw_mode,
                )
            )
    elif filled & {"voice_engine_id", "audio_id"}:
        mode = VoiceMode.USE_VOICE
    elif "text" in filled:
        mode = VoiceMode.CREATE_VOICE
    else:
        mode = VoiceMode.AUDIO_URL

    avatar_url = values["avatar_url"].strip() or None
    if mode is None:
        return ImportRow(line, None, tuple(check_url("avatar_url", avatar_url)), tuple(issues))

    how = " (inferred from the filled cells)" if inferred else ""
    for name in _VOICE_COLUMNS:
        if name in filled and name not in _MODE_COLUMNS[mode]:
            issues.append(
                RowIssue(
                    RowIssueKind.FIELD_NOT_FOR_MODE,
                    name,
                    f"{_shown(cell[name])} is not used by mode {mode}{how}; clear the cell or "
                    "set the mode column",
                    cell[name],
                )
            )

    payload: dict[str, Any] = {"no_watermark": bool(no_watermark)}
    if avatar_url is not None:
        payload["avatar_url"] = avatar_url
    voice = {name: cell[name] for name in _MODE_COLUMNS[mode] if name in filled}
    if mode is VoiceMode.AUDIO_URL:
        payload["audio_url"] = voice.get("audio_url")
    else:
        if "text" not in voice and values["text"]:
            voice["text"] = values["text"]  # only whitespace: validation calls it empty
        payload[mode.value] = voice
    return _validated(line, payload, issues, folder)


_MODES = {mode.value: mode for mode in VoiceMode}


def _validated(
    line: int, payload: object, issues: list[RowIssue], folder: Path | None
) -> ImportRow:
    missing: dict[str, Path] = {}
    if folder is not None and isinstance(payload, Mapping):
        payload, missing = resolve_relative(payload, folder)
    try:
        request = GenerationRequest.from_payload(payload, local_files=folder is not None)
    except ValidationError as error:
        problems = tuple(
            Problem(p.path, p.kind, f"{p.message} (nor is there a file {missing[p.path]})", p.limit)
            if p.path in missing
            else p
            for p in error.problems
        )
        return ImportRow(line, None, problems, tuple(issues))
    if issues:
        return ImportRow(line, None, (), tuple(issues))
    return ImportRow(line, request)


# --- JSON ---------------------------------------------------------------------------------


def parse_json(text: str, folder: Path | None = None) -> ImportReport:
    """Read a JSON array of request bodies; each row is numbered by the line it starts on."""
    text = text.removeprefix("\ufeff")
    fmt = ImportFormat.JSON
    report = ImportReport(format=fmt)
    decoder = json.JSONDecoder()
    lines = _LineCounter(text)
    pos = _skip_space(text, 0)
    if pos == len(text):
        return _failed(fmt, FileProblemKind.EMPTY, "the file is empty; expected a JSON array [ … ]")
    if text[pos] != "[":
        try:
            value, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as error:
            return _json_failed(text, error, pos)
        if isinstance(value, dict) and _skip_space(text, end) < len(text):
            message = (
                "the file holds several JSON objects one after another (JSON Lines?); name it "
                ".jsonl, or put the requests in an array [ … ]"
            )
        else:
            message = (
                f"the file holds {_json_type(value)}, not an array of requests; put the "
                "requests in an array [ … ]"
            )
        return _failed(fmt, FileProblemKind.NOT_AN_ARRAY, message, lines.line_at(pos))

    pos = _skip_space(text, pos + 1)
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            try:
                value, end = decoder.raw_decode(text, pos)
            except (ValueError, RecursionError) as error:
                return _json_failed(text, error, pos)
            report.rows.append(_json_row(lines.line_at(pos), value, folder))
            pos = _skip_space(text, end)
            if text.startswith(",", pos):
                pos = _skip_space(text, pos + 1)
                continue
            if text.startswith("]", pos):
                pos += 1
                break
            if pos == len(text):
                return _failed(
                    fmt,
                    FileProblemKind.NOT_JSON,
                    "not valid JSON: the array is not closed with ]",
                    lines.line_at(pos),
                )
            return _json_failed(text, json.JSONDecodeError("Expecting ',' delimiter", text, pos))
    pos = _skip_space(text, pos)
    if pos < len(text):
        return _failed(
            fmt,
            FileProblemKind.NOT_JSON,
            "not valid JSON: there is more text after the closing ]",
            _LineCounter(text).line_at(pos),
        )
    return report


def parse_json_lines(text: str, folder: Path | None = None) -> ImportReport:
    """Read JSON Lines: one request body per line; blank lines are skipped but counted."""
    text = text.removeprefix("\ufeff")
    report = ImportReport(format=ImportFormat.JSON_LINES)
    broken = False
    for number, raw in enumerate(_physical_lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as error:
            broken = True
            message, pos = _json_error(error)
            indent = len(raw) - len(raw.lstrip())
            where = f" at column {indent + pos + 1}" if pos is not None else ""
            issue = RowIssue(
                RowIssueKind.NOT_JSON, "", f"not valid JSON{where}: {message}", _cut(line)
            )
            report.rows.append(ImportRow(number, None, issues=(issue,)))
            continue
        report.rows.append(_json_row(number, value, folder))
    if broken:
        # A pretty-printed document is not JSON Lines: say so once instead of once a line.
        try:
            whole = json.loads(text)
        except (ValueError, RecursionError):
            return report
        if isinstance(whole, list):
            report = parse_json(text)
            report.notes.append(
                ImportNote(
                    NoteKind.JSON_ARRAY,
                    "The file is a JSON array, not JSON Lines; it was read as JSON.",
                )
            )
            return report
        return _failed(
            ImportFormat.JSON_LINES,
            FileProblemKind.NOT_JSON,
            "the file is one JSON document spread over several lines, not JSON Lines (one "
            "request per line); put the requests in an array [ … ] or one per line",
        )
    return report


def _json_error(error: ValueError | RecursionError) -> tuple[str, int | None]:
    """An English message and the offset of a JSON decoding error (``None`` when unknown)."""
    if isinstance(error, json.JSONDecodeError):
        return error.msg, error.pos
    if isinstance(error, RecursionError):
        return "it is nested too deeply", None
    return str(error), None


def _json_row(line: int, value: object, folder: Path | None) -> ImportRow:
    if not isinstance(value, dict):
        issue = RowIssue(
            RowIssueKind.NOT_AN_OBJECT,
            "",
            f"must be a JSON object (a request body), not {_json_type(value)}",
        )
        return ImportRow(line, None, issues=(issue,))
    return _validated(line, value, [], folder)


def _json_failed(text: str, error: ValueError | RecursionError, pos: int = 0) -> ImportReport:
    message, error_pos = _json_error(error)
    if error_pos is not None:
        pos = error_pos
    column = pos - max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos))
    return _failed(
        ImportFormat.JSON,
        FileProblemKind.NOT_JSON,
        f"not valid JSON at column {column}: {message}",
        _LineCounter(text).line_at(pos),
    )


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return "a number"


def _cut(value: str) -> str:
    return value if len(value) <= 200 else value[:199] + "…"


def _skip_space(text: str, pos: int) -> int:
    match = _JSON_SPACE.match(text, pos)
    return match.end() if match else pos


def _physical_lines(text: str) -> Iterator[str]:
    """Lines ended by ``\\n``, ``\\r\\n`` or ``\\r`` (not the other breaks ``splitlines`` knows)."""
    return iter(io.StringIO(text, newline=""))


class _LineCounter:
    """Physical line numbers of offsets, counted incrementally for increasing offsets."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1

    def line_at(self, pos: int) -> int:
        if pos < self._pos:
            self._pos, self._line = 0, 1
        text = self._text
        start = self._pos
        self._line += (
            text.count("\n", start, pos)
            + text.count("\r", start, pos)
            - text.count("\r\n", start, pos)
        )
        self._pos = pos
        return self._line


_SUFFIXES = {
    ".csv": ImportFormat.CSV,
    ".tsv": ImportFormat.CSV,
    ".json": ImportFormat.JSON,
    ".jsonl": ImportFormat.JSON_LINES,
    ".ndjson": ImportFormat.JSON_LINES,
}
_PARSERS: dict[ImportFormat, Callable[[str, Path | None], ImportReport]] = {
    ImportFormat.CSV: parse_csv,
    ImportFormat.JSON: parse_json,
    ImportFormat.JSON_LINES: parse_json_lines,
}


# --- the template -------------------------------------------------------------------------

_EXAMPLE_AVATAR = (
    "https://p2.a.kwimgs.com/bs2/upload-ylab-stunt/special-effect/output/"
    "HB1_PROD_ai_web_119206500/9065890952728122033/out.mp4"
)
_EXAMPLE_AUDIO = "https://cdn.gptbest.vip/file/cdn/20250107/RFDQkBGVrHFydzGzzvgXGQmbuPhicK.mp3"


def csv_template() -> str:
    """A CSV header and one example row per mode; it imports with no problems.

    Save it with :func:`write_template` (or as ``utf-8-sig``) so Excel shows the Chinese text.
    """
    rows = [
        {
            "mode": "audio_url",
            "avatar_url": _EXAMPLE_AVATAR,
            "no_watermark": "true",
            "audio_url": _EXAMPLE_AUDIO,
        },
        {
            "mode": "create_voice",
            "avatar_url": _EXAMPLE_AVATAR,
            "no_watermark": "false",
            "audio_url": _EXAMPLE_AUDIO,
            "language": "zh",
            "text": "大家好，欢迎来到直播间！今天给大家介绍三款新品。",
        },
        {
            "mode": "use_voice",
            "avatar_url": _EXAMPLE_AVATAR,
            "no_watermark": "no",
            "voice_engine_id": "6e3c1f0d8a2b4c5e9f7a1b2c3d4e5f60",
            "audio_id": "cffcff22110049a487aa4fa7a382e3dc",
            "language": "en",
            "text": "Hello, and welcome! Today we have three new products for you.",
        },
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_template(path: Path) -> None:
    """Write :func:`csv_template` as UTF-8 with a byte-order mark, which Excel needs."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(csv_template())
