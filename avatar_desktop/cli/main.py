"""``avatar-cli``'s entry: :func:`run` one command, :func:`main` (the console script) turns
what ends a run into an exit code and one line on stderr."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from avatar_desktop.cli.definition import build_parser
from avatar_desktop.cli.exits import CliExit, Exit
from avatar_desktop.cli.output import PROG, redactor, say, setup_streams
from avatar_desktop.cli.session import Session
from avatar_desktop.core.redact import redact_logs
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.vault import ENV_VAR

log = logging.getLogger("avatar_desktop.cli")


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.ERROR,
        format=f"{PROG}: %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    redact_logs()
    if args.service and args.sandbox:
        parser.error("--service and --sandbox cannot be used together")
    handler: Callable[[Session, argparse.Namespace], int] = args.handler
    session = Session(args)
    try:
        return handler(session, args)
    finally:
        session.close()


def main(argv: Sequence[str] | None = None) -> int:
    """The ``avatar-cli`` console script."""
    setup_streams()
    redactor.add(os.environ.get(ENV_VAR, "").strip())
    verbose = "--verbose" in (sys.argv[1:] if argv is None else argv)
    try:
        return run(argv)
    except CliExit as stop:
        if stop.message:
            say(redactor.text(stop.message))
        return stop.code
    except StoreError as exc:
        if verbose:
            log.exception("data file")
        say(redactor.text(str(exc)))
        return Exit.FAILURE
    except KeyboardInterrupt:
        say("stopped by Ctrl+C.")
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): no traceback, and no second error at exit.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.FAILURE
    except Exception as exc:
        if verbose:
            import traceback

            sys.stderr.write(redactor.text(traceback.format_exc()))
        say(redactor.text(f"unexpected failure: {type(exc).__name__}: {exc}"))
        return Exit.FAILURE
