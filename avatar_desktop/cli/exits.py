"""What an ``avatar-cli`` run ends with: the exit codes, their meanings, :class:`CliExit`."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NEEDS_USER = 3
EXIT_UNREACHABLE = 4
EXIT_TOKEN = 5
EXIT_LINK_EXPIRED = 6
EXIT_TIMEOUT = 7
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "done",
    EXIT_FAILURE: "unexpected failure, or the data file is damaged or locked (one line on "
    "stderr; --verbose shows the details)",
    EXIT_USAGE: "bad usage or invalid input; nothing was changed",
    EXIT_NEEDS_USER: "some item needs you after this run (refused or outcome_unknown): see "
    "'queue list', then 'queue retry', 'queue cancel' or 'queue resolve'",
    EXIT_UNREACHABLE: "the service could not be reached (items wait, nothing is lost), or a "
    "download broke off (its .part file is kept: the same command resumes it), or another "
    "program is saving that video right now",
    EXIT_TOKEN: "the token was refused, or there is none",
    EXIT_LINK_EXPIRED: "tasks download: the result link has expired or is gone (the server "
    "answered 403, 404 or 410)",
    EXIT_TIMEOUT: "--timeout ran out first",
    EXIT_INTERRUPTED: "stopped by Ctrl+C (items being sent finished first; the rest wait; "
    "a download keeps its .part file)",
}


class CliExit(Exception):
    """Ends the run with ``code``, after printing ``message`` (if any) on stderr."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or "")
        self.code = code
        self.message = message
