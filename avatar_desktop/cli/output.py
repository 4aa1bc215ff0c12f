"""What ``avatar-cli`` prints: results on stdout, messages on stderr, tables, JSON, plain
text and the terminal progress line of a download. Safe from worker threads."""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from avatar_desktop.core.downloads import Progress
from avatar_desktop.core.redact import Redactor

PROG = "avatar-cli"

print_lock = threading.RLock()  # reentrant: the Ctrl+C handler may print mid-print
redactor = Redactor(signatures=True)
"""Knows the environment's token and the one this run used, and the storage keys: any message
that would show one (in any of the forms :mod:`~avatar_desktop.core.redact` knows), or a
presigned URL's signature, shows ``***`` instead."""


def out(text: str) -> None:
    """A line of results on stdout (safe from worker threads)."""
    with print_lock:
        print(text, flush=True)


def say(text: str) -> None:
    """A message on stderr (safe from worker threads)."""
    with print_lock:
        print(f"{PROG}: {text}", file=sys.stderr, flush=True)


def row_note(text: str) -> None:
    """A line about one input row on stderr, as is (``line N: reason``)."""
    with print_lock:
        print(text, file=sys.stderr, flush=True)


def _utf8_stdout() -> tuple[Callable[[str], object], Callable[[], None]]:
    """stdout as UTF-8 bytes whatever its own encoding (what was written to it before goes
    first): a writer and the flush to call after the last write."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        return sys.stdout.write, lambda: None
    return (lambda text: buffer.write(text.encode("utf-8"))), buffer.flush


def emit_json(value: object) -> None:
    """``value`` as UTF-8 JSON on stdout, and nothing else."""
    write, flush = _utf8_stdout()
    write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    flush()


def emit_json_list(values: Iterable[object]) -> None:
    """A JSON array of ``values`` on stdout, written as they come, one value per line (a
    listing of 100,000 items never holds its text whole, and a line is a value for ``grep``;
    written by the C encoder, which an indented dump cannot use)."""
    write, flush = _utf8_stdout()
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = (encode(value) for value in values)
    batch = list(itertools.islice(lines, 500))  # written 500 lines at a time
    if not batch:
        write("[]\n")
    else:
        write("[\n" + ",\n".join(batch))
        while batch := list(itertools.islice(lines, 500)):
            write(",\n" + ",\n".join(batch))
        write("\n]\n")
    flush()


def local_time(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def table(rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell (the last one is not padded)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)] + [row[-1]]
        ).rstrip()
        for row in rows
    ]


def setup_streams() -> None:
    if sys.platform == "win32":
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    else:
        # A terminal that cannot show a character gets an escape, not a crash.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


_PROGRESS_EVERY_SECONDS = 5.0
"""Without a terminal, ``tasks download`` prints its progress this often at most."""


def plain(text: object) -> str:
    """``text`` for a terminal: control characters (a server's text may hold escape
    sequences) are shown as escapes, never sent to the terminal."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


def size_text(count: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"  # pragma: no cover - the loop always returns


class DownloadProgress:
    """Progress of one download on stderr: one line redrawn with ``\\r`` on a terminal, else a
    line every few seconds and one when the last byte has arrived."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tty = bool(getattr(sys.stderr, "isatty", lambda: False)())
        self._last = float("-inf")
        self._drawn = 0

    def _text(self, progress: Progress) -> str:
        done = size_text(progress.received)
        if progress.total:
            fraction = progress.fraction or 0.0
            done = f"{fraction * 100:3.0f}%  {done} of {size_text(progress.total)}"
        return f"{self.name}: {done}, {size_text(progress.bytes_per_second)}/s"

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        text = self._text(progress)
        with print_lock:
            if self.tty:
                if now - self._last < 0.1 and progress.received != progress.total:
                    return
                sys.stderr.write("\r" + text.ljust(self._drawn))
                sys.stderr.flush()
                self._drawn = len(text)
            else:
                complete = progress.received == progress.total
                if now - self._last < _PROGRESS_EVERY_SECONDS and not complete:
                    return
                print(f"{PROG}: {text}", file=sys.stderr, flush=True)
        self._last = now

    def end(self) -> None:
        """Close the redrawn line (before any other message)."""
        if self.tty and self._drawn:
            with print_lock:
                sys.stderr.write("\n")
                sys.stderr.flush()
            self._drawn = 0
