"""What an ``avatar-cli`` run ends with: :class:`Exit` (each code with its
meaning) and :class:`CliExit`."""

from __future__ import annotations

import enum


class Exit(enum.IntEnum):
    """How a run ends: each exit code with its meaning, as ``--help`` shows it."""

    meaning: str

    def __new__(cls, code: int, meaning: str) -> Exit:
        member = int.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    OK = 0, "done"
    FAILURE = (
        1,
        "unexpected failure, or the data file is damaged or locked (one line on stderr; "
        "--verbose shows the details)",
    )
    USAGE = 2, "bad usage or invalid input; nothing was changed"
    NEEDS_USER = (
        3,
        "some item needs you after this run (refused or outcome_unknown): see 'queue list', "
        "then 'queue retry', 'queue cancel' or 'queue resolve'",
    )
    UNREACHABLE = (
        4,
        "the service could not be reached (items wait, nothing is lost), or a download broke "
        "off (its .part file is kept: the same command resumes it), or another program is "
        "saving that video right now, or a link on this computer is served by no sandbox now "
        "(the one that made it moved or stopped: not an expired link), or (storage test, queue "
        "send) the storage could not be reached",
    )
    TOKEN = (
        5,
        "the token was refused, or there is none; storage test, queue send: the storage "
        "refused its keys or the access, or has no such bucket, or there are no storage keys",
    )
    LINK_EXPIRED = (
        6,
        "tasks download: the result link has expired or is gone (the server answered 403, 404 "
        "or 410; a sandbox on this computer never does: exit 4)",
    )
    TIMEOUT = 7, "--timeout ran out first"
    INTERRUPTED = (
        130,
        "stopped by Ctrl+C (items being sent finished first; the rest wait; a download keeps "
        "its .part file)",
    )


class CliExit(Exception):
    """Ends the run with ``code``, after printing ``message`` (if any) on stderr."""

    def __init__(self, code: Exit, message: str | None = None) -> None:
        super().__init__(message or "")
        self.code = code
        self.message = message
