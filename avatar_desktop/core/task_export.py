"""The task list as data: ``avatar-cli`` JSON objects and CSV / JSON export files (Qt-free).

One place for what a task looks like outside the app, shared by the window's export and
``avatar-cli`` (``tasks list --json``, ``tasks show --json``, ``tasks export``):

* :func:`task_json` — a task as ``tasks list --json`` prints it;
* :func:`task_detail_json` — the same plus the service's times, the saved path, the avatar's
  short label, every result link and the consent record: ``tasks show --json`` and each object
  of a JSON export;
* :func:`export_tasks` — a CSV file (UTF-8 with a byte order mark, so that spreadsheets read
  Chinese text right; one header row, :data:`CSV_COLUMNS`) or a JSON file (an array of
  :func:`task_detail_json` objects), written atomically.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe (``'``), so that a spreadsheet shows it as text and never runs it as a
formula ("CSV injection"); the JSON file keeps every value verbatim. Records hold no token,
and nothing here reads one: an export never contains it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

from avatar_desktop.core.paths import write_atomically
from avatar_desktop.core.request import VoiceMode
from avatar_desktop.core.store.tasks import TaskRecord

ExportFormat = Literal["csv", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "json")

CSV_COLUMNS: tuple[str, ...] = (
    "task_id",
    "status",
    "progress",
    "created_at",
    "updated_at",
    "submitted_at",
    "started_at",
    "finished_at",
    "mode",
    "avatar_url",
    "text",
    "video_url",
    "no_watermark_video_url",
    "watermarked_video_url",
    "cover_url",
    "fail_reason",
    "error",
    "saved_path",
    "service",
)
"""The columns of a CSV export, in order (times in ISO 8601, UTC)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these gets a leading apostrophe."""


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def task_json(record: TaskRecord) -> dict[str, Any]:
    """A task as ``avatar-cli tasks list --json`` prints it. ``updated_at`` is when something
    shown of the task last changed (:data:`~avatar_desktop.core.store.tasks.SHOWN_COLUMNS`)."""
    return {
        "task_id": record.task_id,
        "status": record.status.value,
        "progress": record.progress,
        "video_url": record.video_url,
        "error": record.error,
        "fail_reason": record.fail_reason,
        "payload": record.payload,
        "service": record.service_url,
        "mode": None if record.mode is None else record.mode.value,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "no_watermark_video_url": record.no_watermark_video_url,
        "watermarked_video_url": record.watermarked_video_url,
        "cover_url": record.cover_url,
        "row_id": record.row_id,
    }


def task_detail_json(record: TaskRecord) -> dict[str, Any]:
    """A task as ``avatar-cli tasks show --json`` prints it (and a JSON export holds it):
    every field of :func:`task_json`, plus ``submitted_at``, ``started_at``, ``finished_at``,
    ``checked_at`` (ISO 8601 or null), ``saved_path``, ``label``, ``links`` (every result
    link, by variant: ``default``, ``no_watermark``, ``watermarked``) and ``consent`` (the
    speaker's consent record a cloned voice was sent with, or null) and ``sent_payload`` (the
    body actually sent when local files were uploaded — their URLs in place of the paths —
    else null)."""
    detail = task_json(record)
    detail.update(
        {
            "sent_payload": record.sent_payload,
            "submitted_at": _iso(record.submitted_at),
            "started_at": _iso(record.started_at),
            "finished_at": _iso(record.finished_at),
            "checked_at": _iso(record.checked_at),
            "saved_path": record.saved_path,
            "label": record.label,
            "links": record.video_links(),
            "consent": record.consent,
        }
    )
    return detail


def request_text(payload: Mapping[str, Any]) -> str:
    """The words the avatar says: the ``text`` of ``use_voice`` or ``create_voice`` ('' for
    an ``audio_url`` job, or a payload without one)."""
    for mode in (VoiceMode.USE_VOICE, VoiceMode.CREATE_VOICE):
        voice = payload.get(mode.value)
        if isinstance(voice, Mapping):
            text = voice.get("text")
            if isinstance(text, str):
                return text
    return ""


def csv_row(record: TaskRecord) -> list[str]:
    """The cells of ``record`` in :data:`CSV_COLUMNS` order, safe from formula injection."""
    values: dict[str, object] = {
        "task_id": record.task_id,
        "status": record.status.value,
        "progress": record.progress,
        "created_at": _iso(record.created_at),
        "updated_at": _iso(record.updated_at),
        "submitted_at": _iso(record.submitted_at),
        "started_at": _iso(record.started_at),
        "finished_at": _iso(record.finished_at),
        "mode": None if record.mode is None else record.mode.value,
        "avatar_url": record.avatar_url,
        "text": request_text(record.payload),
        "video_url": record.video_url,
        "no_watermark_video_url": record.no_watermark_video_url,
        "watermarked_video_url": record.watermarked_video_url,
        "cover_url": record.cover_url,
        "fail_reason": record.fail_reason,
        "error": record.error,
        "saved_path": record.saved_path,
        "service": record.service_url,
    }
    return [safe_cell(values[name]) for name in CSV_COLUMNS]


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell: '' for None, and text a spreadsheet would take for a formula
    behind an apostrophe (``=1+1`` → ``'=1+1``)."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def format_for(path: Path) -> ExportFormat:
    """The export format a file name asks for (``.csv`` or ``.json``, any case); raises
    :class:`ValueError` for anything else."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "csv":
        return "csv"
    if suffix == "json":
        return "json"
    raise ValueError(f"{Path(path).name}: the file name must end in .csv or .json.")


def _write_csv(handle: IO[str], records: Iterable[TaskRecord]) -> int:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count


def _json_text(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") in a stored request
        text = json.dumps(value, ensure_ascii=True, indent=2)
    return text


def _write_json(handle: IO[str], records: Iterable[TaskRecord]) -> int:
    count = 0
    handle.write("[")
    for record in records:
        handle.write(",\n" if count else "\n")
        handle.write(_json_text(task_detail_json(record)))
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


def export_tasks(records: Iterable[TaskRecord], path: Path, fmt: ExportFormat | None = None) -> int:
    """Write ``records`` to ``path`` as CSV or JSON (``fmt``; by default from the file's
    suffix, see :func:`format_for`); returns how many were written.

    The file is written beside ``path`` under a temporary name and renamed over it once
    complete, so a failed export leaves any earlier file as it was. Records are read as they
    come (an iterator over 100,000 tasks is never held in memory at once). Raises
    :class:`ValueError` for an unknown format and :class:`OSError` when the file cannot be
    written.
    """
    path = Path(path)
    chosen: ExportFormat = format_for(path) if fmt is None else fmt
    if chosen not in FORMATS:
        raise ValueError(f"unknown export format {chosen!r}; use csv or json")
    if chosen == "csv":
        # utf-8-sig writes the byte order mark spreadsheets need to read UTF-8.
        return write_atomically(
            path,
            lambda handle: _write_csv(handle, records),
            encoding="utf-8-sig",
            errors="backslashreplace",
            newline="",
        )
    return write_atomically(path, lambda handle: _write_json(handle, records), newline="\n")


__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "FORMULA_STARTS",
    "ExportFormat",
    "csv_row",
    "export_tasks",
    "format_for",
    "request_text",
    "safe_cell",
    "task_detail_json",
    "task_json",
]
