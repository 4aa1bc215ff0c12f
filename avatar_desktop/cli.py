"""``avatar-cli``: the outbox and the task list from a terminal, without the window.

The command line works on the window's own data folder, settings and token, and sends through
the very code the window uses (:mod:`avatar_desktop.core.delivery`), so an item is sent exactly
once whichever program sends it, and a send interrupted by a crash or ``kill -9`` becomes
``outcome_unknown`` — never silently sent again. It never imports Qt widgets (``QtCore`` reads
the settings file); see :func:`build_parser` for the commands and :data:`EXIT_CODES` for what the
exit codes mean. Results go to stdout, messages to stderr; the token is never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import requests

from avatar_desktop import __version__
from avatar_desktop.core import keeping
from avatar_desktop.core.config import (
    SANDBOX_PORT,
    SANDBOX_TOKEN,
    SANDBOX_URL,
    ProxyMode,
    ServiceConfig,
    link_network,
)
from avatar_desktop.core.delivery import (
    CONFIRM_ABOVE,
    Decision,
    RunStop,
    Sender,
    SendOutcome,
    send_due,
)
from avatar_desktop.core.downloads import (
    VARIANTS,
    DownloadCancelled,
    DownloadError,
    LinkExpired,
    Progress,
    destination_for,
    download,
    part_path,
)
from avatar_desktop.core.follower import Follower, FollowState, TaskAnswer
from avatar_desktop.core.owners import ProcessOwner, owner_is_alive
from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.redact import Redactor
from avatar_desktop.core.request import TASK_ID_RULE, InvalidTaskId, valid_task_id
from avatar_desktop.core.sending import Idle, needs_confirmation, why_nothing_sent
from avatar_desktop.core.service import (
    ApiError,
    BaseUrlError,
    NetworkError,
    RateLimited,
    TaskStatus,
    normalize_base_url,
)
from avatar_desktop.core.settings import (
    CONFIG_KEYS,
    AppSettings,
    ServiceChoice,
    SettingError,
    config_key,
    config_values,
)
from avatar_desktop.core.settings import FILE_NAME as SETTINGS_FILE
from avatar_desktop.core.store.database import (
    DEFAULT_FILE_NAME,
    Database,
    DiskFull,
    StoreError,
    is_disk_full,
)
from avatar_desktop.core.store.outbox import (
    CannotMove,
    ItemState,
    MoveRefusal,
    Outbox,
    OutboxItem,
    OutboxSummary,
)
from avatar_desktop.core.store.schema import UNFINISHED, LocalStatus
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.core.submission import ConsentGiven, screen
from avatar_desktop.core.task_export import (
    CSV_COLUMNS,
    export_tasks,
    format_for,
    task_detail_json,
    task_json,
)
from avatar_desktop.core.vault import ENV_VAR, SecretStoreError, TokenVault

if TYPE_CHECKING:
    from avatar_desktop.app import LazySandbox

log = logging.getLogger("avatar_desktop.cli")

PROG = "avatar-cli"

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

DEFAULT_CONCURRENCY = 2
MAX_CONCURRENCY = 8
_REFRESH_NAP_SECONDS = 1.0
"""``tasks refresh --wait`` looks this often for due tasks (and for Ctrl+C)."""
_SEND_POLL_SECONDS = 0.5
_ALL_TASKS = 1_000_000


class CliExit(Exception):
    """Ends the run with ``code``, after printing ``message`` (if any) on stderr."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or "")
        self.code = code
        self.message = message


# --- output ---------------------------------------------------------------------------------

_print_lock = threading.RLock()  # reentrant: the Ctrl+C handler may print mid-print
_redactor = Redactor()
"""Knows the environment's token and the one this run used: any message that would show one
(in any of the forms :mod:`~avatar_desktop.core.redact` knows) shows ``***`` instead."""


def out(text: str) -> None:
    """A line of results on stdout (safe from worker threads)."""
    with _print_lock:
        print(text, flush=True)


def say(text: str) -> None:
    """A message on stderr (safe from worker threads)."""
    with _print_lock:
        print(f"{PROG}: {text}", file=sys.stderr, flush=True)


def row_note(text: str) -> None:
    """A line about one input row on stderr, as is (``line N: reason``)."""
    with _print_lock:
        print(text, file=sys.stderr, flush=True)


def emit_json(value: object) -> None:
    """``value`` as UTF-8 JSON on stdout, and nothing else."""
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _table(rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell (the last one is not padded)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)] + [row[-1]]
        ).rstrip()
        for row in rows
    ]


def _setup_streams() -> None:
    if sys.platform == "win32":
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    else:
        # A terminal that cannot show a character gets an escape, not a crash.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


# --- the service and the token ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Target:
    """The service one run talks to, and whether it is the built-in sandbox."""

    config: ServiceConfig

    @property
    def url(self) -> str:
        return self.config.base_url


def _answers_like_sandbox(url: str) -> bool:
    """Whether ``url`` answers the voice list to the sandbox's token (a running sandbox)."""
    config = ServiceConfig(base_url=url, sandbox=True, connect_timeout=1.0, read_timeout=3.0)
    try:
        with config.make_client(SANDBOX_TOKEN) as client:
            client.list_voices()
    except (ApiError, ValueError):
        return False
    return True


class Session:
    """What one run opens: the data file, this process's owner identity, the settings, the
    built-in sandbox when it is needed. Close it at the end."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stop = threading.Event()
        try:
            self.folder = data_dir()
        except OSError as exc:
            if is_disk_full(exc, Path(exc.filename or ".")):
                raise DiskFull(Path(exc.filename or "."), exc.strerror or str(exc)) from exc
            raise StoreError(f"The data folder cannot be made: {exc.strerror or exc}") from exc
        self.db = Database(self.folder / DEFAULT_FILE_NAME)
        self.outbox = Outbox(self.db)
        self.tasks = TaskStore(self.db)
        self._settings: AppSettings | None = None
        self._sandbox: LazySandbox | None = None
        self._token: tuple[str | None, str | None] | None = None
        try:
            self.owner = ProcessOwner(self.folder)
        except BaseException:
            self.db.close()
            raise
        self.recover_orphans()

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        self.owner.release()
        self.db.close()

    # -- settings --

    @property
    def settings(self) -> AppSettings:
        if self._settings is None:
            self._settings = AppSettings(self.folder / SETTINGS_FILE)
        return self._settings

    def network_options(self) -> dict[str, Any]:
        """The settings' timeouts and proxy, as :class:`ServiceConfig` and
        :func:`~avatar_desktop.core.config.link_network` take them."""
        settings = self.settings
        return {
            "connect_timeout": settings.connect_timeout,
            "read_timeout": settings.read_timeout,
            "proxy_mode": settings.proxy_mode,
            "proxy_url": settings.proxy_url,
        }

    # -- the token --

    def _stored_token(self) -> tuple[str | None, str | None]:
        """The token (environment or keyring) and, when there is none, why."""
        if self._token is None:
            try:
                token, _source = TokenVault().load()
            except SecretStoreError as exc:
                if os.environ.get(ENV_VAR):
                    raise CliExit(EXIT_TOKEN, exc.user_message) from None
                self._token = (None, exc.user_message)
            else:
                self._token = (token, None)
        return self._token

    def token(self, target: Target) -> str:
        """The token to send to ``target``; exit 5 when a real service has none."""
        if target.config.sandbox:
            return SANDBOX_TOKEN
        token, problem = self._stored_token()
        if token:
            _redactor.add(token)
            return token
        if target.config.is_local:
            log.info("no API token; %s is on this computer: the sandbox's token", target.url)
            return SANDBOX_TOKEN
        detail = f" ({problem})" if problem else ""
        raise CliExit(
            EXIT_TOKEN,
            f"There is no API token{detail}. Set the environment variable {ENV_VAR}, or save "
            "the token from the window (File → API token…), then try again.",
        )

    # -- the service --

    def target(self, *, live: bool) -> Target:
        """The service of this run: ``--service``, ``--sandbox``, else the settings'.

        ``live`` starts (or finds) the built-in sandbox when it is the one; otherwise its usual
        address is enough (to queue items for it).
        """
        args = self.args
        if args.service:
            config = ServiceConfig(base_url=args.service, **self.network_options())
            target = Target(config)
            if target.config.is_local:  # a proxy cannot reach this computer's loopback address
                target = Target(dataclasses.replace(config, proxy_mode=ProxyMode.NONE))
            return target
        settings = self.settings
        if args.sandbox:
            settings.session_override = ServiceChoice.SANDBOX
        choice = settings.service
        if choice is ServiceChoice.SANDBOX:
            return Target(settings.service_config(self._sandbox_url(live)))
        if choice is ServiceChoice.UNSET:
            token, _problem = self._stored_token()
            if not token:
                raise CliExit(
                    EXIT_USAGE,
                    "No service is chosen yet and there is no API token. Pass --sandbox to use "
                    f"the built-in sandbox, or set a token ({ENV_VAR}, or File → API token… in "
                    "the window) to use the official service.",
                )
        return Target(settings.service_config(None))

    def _sandbox_url(self, live: bool) -> str:
        from avatar_desktop.app import LazySandbox

        usual = SANDBOX_URL
        if not live:
            return usual
        if self._sandbox is not None:
            return self._sandbox.base_url()
        if _answers_like_sandbox(usual):
            log.info("using the running built-in sandbox at %s", usual)
            return usual
        sandbox = LazySandbox(port=SANDBOX_PORT)
        url = sandbox.base_url()
        if url != usual:
            if _answers_like_sandbox(usual):  # another program started it meanwhile
                sandbox.stop()
                return usual
            say(
                f"port {SANDBOX_PORT} is used by another program: the built-in sandbox runs at "
                f"{url} for this run. Items queued for {usual} wait for it."
            )
        self._sandbox = sandbox
        return url

    def default_concurrency(self) -> int:
        """The window's setting (1..8; :data:`DEFAULT_CONCURRENCY` until it is changed)."""
        return min(max(self.settings.send_concurrency, 1), MAX_CONCURRENCY)

    def is_alive(self, owner_id: str | None) -> bool:
        """Whether the process ``owner_id`` (of a claim) still runs."""
        return owner_is_alive(self.folder, owner_id)

    def recover_orphans(self) -> list[int]:
        """Items left ``sending`` by a process that has ended become ``outcome_unknown``."""
        recovery = self.outbox.recover(self.is_alive)
        if recovery.interrupted:
            shown = ", ".join(str(i) for i in recovery.interrupted)
            say(
                f"{len(recovery.interrupted)} send(s) were interrupted when the program sending "
                f"them stopped; item(s) {shown} are now outcome_unknown (the job may exist)."
            )
        if recovery.disk_full:
            shown = ", ".join(str(i) for i in recovery.disk_full)
            say(
                f"the service's answer to {len(recovery.disk_full)} send(s) could not be "
                f"written because the disk was full (or the data file could not be written); "
                f"item(s) {shown} are now outcome_unknown (the job may exist)."
            )
        for item_id, task_id in recovery.written.items():
            say(
                f"item {item_id}: submitted, task {task_id} (accepted while the disk was full; "
                "written now)."
            )
        return recovery.unknown

    # -- Ctrl+C --

    @contextlib.contextmanager
    def interruptible(
        self,
        what: str,
        at_once: str = "stopped at once; items being sent become outcome_unknown at the next run.",
    ) -> Iterator[None]:
        """Ctrl+C sets :attr:`stop` (finish what is in flight); a second one quits at once,
        saying ``at_once``."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            if self.stop.is_set():
                say(at_once)
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(EXIT_INTERRUPTED)
            self.stop.set()
            say(f"stopping: {what} (Ctrl+C again to quit at once)")

        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


# --- queue commands -------------------------------------------------------------------------


def cmd_queue_import(session: Session, args: argparse.Namespace) -> int:
    from avatar_desktop.core.importer import read_file

    path = Path(args.file)
    target = session.target(live=False)
    url = target.url
    try:
        report = read_file(path)
    except OSError as exc:
        raise CliExit(EXIT_USAGE, f"cannot read {path}: {exc.strerror or exc}") from None
    for note in report.notes:
        say(f"{path.name}: {note}")
    if report.file_problem is not None:
        say(f"{path.name}: {report.file_problem}")
        raise CliExit(EXIT_USAGE, "Nothing was queued: the file cannot be imported.")
    if report.unknown_columns:
        say(f"{path.name}: unknown column(s) ignored: {', '.join(report.unknown_columns)}")

    numbered = [(row.line, row.request) for row in report.rows if row.request is not None]
    screening = screen(session.outbox, session.tasks, url, numbered)
    chosen = screening.chosen(args.allow_duplicates)
    queued = set(chosen)
    invalid = 0
    for row in report.rows:
        if row.request is None:
            invalid += 1
            row_note(row.describe())
        elif row.line not in queued:
            earlier = screening.duplicates[row.line].number
            where = (
                f"the same request as line {earlier}"
                if earlier is not None
                else f"the same request is already in the outbox or the task list for {url}"
            )
            row_note(f"line {row.line}: skipped: {where} (--allow-duplicates queues it anyway)")
    unconsented = {} if args.consent else screening.needs_consent(chosen)
    for line, sample in unconsented.items():
        row_note(
            f"line {line}: consent needed for the voice sample {sample} (--consent confirms "
            "that the speaker agreed to having it cloned)"
        )
    given = ConsentGiven.COMMAND_LINE if args.consent else None
    new, _left_out = screening.items(chosen, given, lambda line: f"{path.name} line {line}")
    duplicates = len(numbered) - len(chosen)

    counts = f"{duplicates} duplicate(s) skipped, {invalid} invalid row(s)"
    if args.dry_run:
        out(f"Dry run: {len(new)} item(s) would be queued for {url}; {counts}. Nothing changed.")
        return EXIT_USAGE if invalid or unconsented else EXIT_OK
    if unconsented:
        raise CliExit(
            EXIT_USAGE,
            f"Nothing was queued: {len(unconsented)} row(s) clone a voice from a sample with no "
            "consent on record. If each speaker agreed to having their voice cloned, import "
            "again with --consent.",
        )
    if invalid and not args.skip_invalid:
        raise CliExit(
            EXIT_USAGE,
            f"Nothing was queued: {invalid} of {len(report.rows)} row(s) are invalid. Fix them, "
            "or pass --skip-invalid to queue the valid rows only.",
        )
    if not report.rows:
        out(f"{path.name} has no rows; nothing was queued.")
        return EXIT_OK
    ids = session.outbox.add_many(url, new) if new else []
    shown = ""
    if ids:
        shown = f" (item {ids[0]})" if len(ids) == 1 else f" (items {ids[0]}–{ids[-1]})"
    out(f"Queued {len(ids)} item(s) for {url}{shown}; {counts}.")
    if ids:
        flag = "--sandbox " if args.sandbox else f"--service {url} " if args.service else ""
        say(f"send them with: avatar-cli {flag}queue send")
    return EXIT_OK


def _item_line(item: OutboxItem) -> list[str]:
    detail = item.task_id or item.reason or ""
    if item.source:
        detail = f"{detail}  [{item.source}]" if detail else f"[{item.source}]"
    return [str(item.item_id), item.state.value, _local(item.created_at), item.service_url, detail]


def cmd_queue_list(session: Session, args: argparse.Namespace) -> int:
    items = session.outbox.items()
    if args.json:
        emit_json([item.to_json() for item in items])
        return EXIT_OK
    if not items:
        say("the outbox is empty.")
        return EXIT_OK
    header = ["ID", "STATE", "CREATED", "SERVICE", "TASK ID / REASON  [SOURCE]"]
    for line in _table([header, *(_item_line(item) for item in items)]):
        out(line)
    return EXIT_OK


def _show_outcome(outcome: SendOutcome) -> None:
    item = f"item {outcome.item_id}"
    if outcome.decision is Decision.SUBMITTED:
        text = f"{item}: submitted, task {outcome.task_id}"
        if not outcome.saved:
            text += " (not written to the data file yet)"
    elif outcome.decision is Decision.RETRY:
        text = f"{item}: retry_wait: {outcome.reason}"
    elif outcome.decision is Decision.TOKEN_REFUSED:
        text = f"{item}: queued again, the token was refused: {outcome.reason}"
    else:
        text = f"{item}: {outcome.decision.value}: {outcome.reason}"
    out(text)


def _needs_user(session: Session, url: str) -> int:
    counts = session.outbox.counts(url)
    refused, unknown = counts[ItemState.REFUSED], counts[ItemState.OUTCOME_UNKNOWN]
    if refused or unknown:
        say(
            f"{refused + unknown} item(s) of {url} need you ({refused} refused, {unknown} "
            "outcome_unknown): see 'avatar-cli queue list', then 'queue retry ID', "
            "'queue cancel ID' or 'queue resolve ID'."
        )
        return EXIT_NEEDS_USER
    return EXIT_OK


def _confirm(count: int, url: str, sandbox: bool) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    cost = "free on the sandbox" if sandbox else "each accepted item is billed"
    with _print_lock:
        print(
            f"Send {count} items to {url} ({cost})? Type yes to send: ",
            end="",
            file=sys.stderr,
            flush=True,
        )
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _say_elsewhere(summary: OutboxSummary) -> None:
    """Items that wait for other services than this run's are never sent by it: say so."""
    if not summary.other_waiting:
        return
    where = "; ".join(
        f"{url}: {', '.join(map(str, ids))}" for url, ids in summary.elsewhere.items()
    )
    say(
        f"{summary.other_waiting} item(s) wait for other services ({where}): "
        f"'avatar-cli queue move ID' moves one to {summary.service_url}"
    )


def cmd_queue_send(session: Session, args: argparse.Namespace) -> int:
    target = session.target(live=True)
    token = session.token(target)
    url = target.url
    outbox = session.outbox
    concurrency = args.concurrency or session.default_concurrency()
    # Exactly these items may go in this run (what the user agreed to); items queued while it
    # runs wait for the next one.
    if args.wait:
        chosen = [i.item_id for i in outbox.items(url, (ItemState.QUEUED, ItemState.RETRY_WAIT))]
    else:
        chosen = outbox.due_ids(url, explicit=True)
    count = len(chosen)
    summary = outbox.summary(url)
    _say_elsewhere(summary)
    if count == 0:
        idle = why_nothing_sent(summary)
        if idle.why is Idle.SERVICE_WAIT and idle.until is not None:
            when = datetime.fromtimestamp(idle.until).strftime("%H:%M:%S")
            say(
                f"nothing to send to {url} now: the service asked to wait until {when} "
                "('queue send --wait' waits for it)."
            )
        else:
            say(f"nothing to send to {url}.")
        return _needs_user(session, url)
    sandbox = target.config.sandbox
    if needs_confirmation(count) and not args.yes and not _confirm(count, url, sandbox):
        raise CliExit(
            EXIT_USAGE,
            f"{count} items would be sent to {url} and each accepted one is billed; nothing was "
            "sent. Pass --yes to send them.",
        )
    say(f"sending {count} item(s) to {url}, {concurrency} at a time…")
    config = target.config
    sender = Sender(outbox, session.owner.owner_id, url, lambda: config.make_client(token))
    last_notice = [0.0]

    def pause(seconds: float) -> None:
        # Items another program was sending wait for it; if it has died meanwhile they become
        # outcome_unknown now instead of keeping this run waiting forever.
        session.recover_orphans()
        moment = outbox.next_attempt(url)
        if moment is not None and moment - time.time() > 2 and moment != last_notice[0]:
            last_notice[0] = moment
            when = datetime.fromtimestamp(moment).strftime("%H:%M:%S")
            say(f"waiting until {when}: the service asked to wait before the next attempt.")
        session.stop.wait(seconds)

    with session.interruptible("no new item is taken; the ones being sent finish first"):
        report = send_due(
            sender,
            concurrency=concurrency,
            wait=args.wait,
            only=chosen,
            should_stop=session.stop.is_set,
            on_outcome=_show_outcome,
            sleep=pause,
            poll_seconds=_SEND_POLL_SECONDS,
        )
    for stored in sender.retry_unsaved():
        out(f"item {stored.item_id}: submitted, task {stored.task_id} (now written)")
    if sender.unsaved:
        for item_id, task_id in sender.unsaved.snapshot().items():
            say(
                f"item {item_id} was accepted as task {task_id} but the data file cannot be "
                f"written: note the task id; later run 'avatar-cli queue resolve {item_id} "
                f"--task-id {task_id}'."
            )
        raise CliExit(EXIT_FAILURE, "Some accepted jobs could not be written to the data file.")

    done = report.by(Decision.SUBMITTED)
    counts = outbox.counts(url)
    say(
        f"{len(done)} submitted in this run; {url} now has {counts[ItemState.QUEUED]} queued, "
        f"{counts[ItemState.RETRY_WAIT]} waiting to retry, {counts[ItemState.REFUSED]} refused, "
        f"{counts[ItemState.OUTCOME_UNKNOWN]} outcome_unknown."
    )
    if report.stopped is RunStop.TOKEN_REFUSED:
        raise CliExit(
            EXIT_TOKEN,
            "The service did not accept the API token; the items are queued again and nothing "
            f"was lost. Check the token ({ENV_VAR}, or File → API token… in the window).",
        )
    if report.stopped is RunStop.UNREACHABLE:
        raise CliExit(
            EXIT_UNREACHABLE,
            f"Could not reach {url}; the items wait and nothing was lost. Run 'queue send' "
            "again when the service is reachable.",
        )
    if report.stopped is RunStop.QUOTA:
        say("the account's balance is used up: the run stopped. Top it up, then send again.")
    if report.stopped is RunStop.CANCELLED:
        raise CliExit(EXIT_INTERRUPTED, "Stopped by Ctrl+C; the items not sent yet wait.")
    if counts[ItemState.RETRY_WAIT] and not args.wait:
        say("items waiting to retry go with the next 'queue send' (or use --wait).")
    return _needs_user(session, url)


def _change_refused(session: Session, item_id: int, action: str, allowed: str) -> CliExit:
    item = session.outbox.get(item_id)
    if item is None:
        return CliExit(EXIT_USAGE, f"There is no outbox item {item_id}.")
    return CliExit(
        EXIT_USAGE,
        f"Item {item_id} is {item.state.value}; only {allowed} items can be {action}.",
    )


def cmd_queue_cancel(session: Session, args: argparse.Namespace) -> int:
    if not session.outbox.cancel(args.id):
        raise _change_refused(
            session, args.id, "cancelled", "queued, retry_wait, refused or outcome_unknown"
        )
    out(f"item {args.id}: cancelled")
    return EXIT_OK


def cmd_queue_retry(session: Session, args: argparse.Namespace) -> int:
    before = session.outbox.get(args.id)
    if not session.outbox.requeue(args.id):
        raise _change_refused(session, args.id, "retried", "refused, cancelled or outcome_unknown")
    out(f"item {args.id}: queued")
    if before is not None and before.state is ItemState.OUTCOME_UNKNOWN:
        say(
            "its earlier send may have created a job (and been billed); the next 'queue send' "
            "sends it again."
        )
    return EXIT_OK


def cmd_queue_move(session: Session, args: argparse.Namespace) -> int:
    target = session.target(live=False)
    url = target.url
    try:
        session.outbox.move(args.id, url)
    except CannotMove as refused:
        item = refused.item
        if refused.why is MoveRefusal.SAME_SERVICE:
            message = f"Item {args.id} is already queued for {url}; nothing was moved."
        elif refused.why is MoveRefusal.STATE and item is not None:
            message = (
                f"Item {args.id} is {item.state.value}; only queued, retry_wait or refused "
                "items can be moved."
            )
            if item.state is ItemState.OUTCOME_UNKNOWN:
                message += " Its job may exist on its service: 'queue resolve' it first."
        elif refused.why is MoveRefusal.DUPLICATE:
            message = (
                f"Item {args.id} was not moved: the same request is already queued or "
                f"submitted for {url} ({refused.duplicate}) and would be billed twice. "
                f"'avatar-cli queue cancel {args.id}' drops this copy."
            )
        else:
            message = f"There is no outbox item {args.id}."
        raise CliExit(EXIT_USAGE, message) from None
    out(f"item {args.id}: moved to {url}")
    flag = "--sandbox " if args.sandbox else f"--service {url} " if args.service else ""
    billed = "" if target.config.sandbox else " (and billed there)"
    say(f"the next 'avatar-cli {flag}queue send' sends it{billed}.")
    return EXIT_OK


def cmd_queue_resolve(session: Session, args: argparse.Namespace) -> int:
    outbox = session.outbox
    item = outbox.get(args.id)
    if item is None:
        raise CliExit(EXIT_USAGE, f"There is no outbox item {args.id}.")
    if item.state is not ItemState.OUTCOME_UNKNOWN:
        raise CliExit(
            EXIT_USAGE,
            f"Item {args.id} is {item.state.value}; only outcome_unknown items are resolved "
            "('queue cancel' or 'queue retry' handle the others).",
        )
    if args.discard:
        if not outbox.cancel(args.id):
            raise _change_refused(session, args.id, "discarded", "outcome_unknown")
        out(f"item {args.id}: cancelled")
        return EXIT_OK
    task_id: str = args.task_id
    if outbox.resolve_submitted(args.id, task_id) is None:
        raise _change_refused(session, args.id, "resolved", "outcome_unknown")
    out(f"item {args.id}: submitted, task {task_id}")
    say("'avatar-cli tasks refresh' asks the service about it.")
    return EXIT_OK


# --- task commands --------------------------------------------------------------------------


def _progress(record: TaskRecord) -> str:
    return "-" if record.progress is None else f"{record.progress}%"


def _result(record: TaskRecord) -> str:
    return record.video_url or record.fail_reason or record.error or ""


def cmd_tasks_list(session: Session, args: argparse.Namespace) -> int:
    store = session.tasks
    row_ids = store.row_ids()
    found = store.get_many(row_ids)
    records = [found[row_id] for row_id in row_ids if row_id in found]
    if args.json:
        emit_json([task_json(record) for record in records])
        return EXIT_OK
    if not records:
        say("the task list is empty.")
        return EXIT_OK
    header = ["TASK ID", "STATUS", "PROGRESS", "CREATED", "SERVICE", "VIDEO / REASON"]
    rows = [
        [
            record.task_id or "-",
            record.status.value,
            _progress(record),
            _local(record.created_at),
            record.service_url,
            _result(record),
        ]
        for record in records
    ]
    for line in _table([header, *rows]):
        out(line)
    return EXIT_OK


def _not_final(store: TaskStore, url: str, count: int) -> str:
    """``N task(s) of URL are not final yet``, naming those whose answers cannot be read."""
    text = f"{count} task(s) of {url} are not final yet"
    broken = [
        record.task_id or "?"
        for record in store.iter_records(statuses=UNFINISHED)
        if record.service_url == url and record.error
    ]
    if broken:
        shown = ", ".join(broken[:3]) + (", …" if len(broken) > 3 else "")
        text += (
            f"; {len(broken)} of them keep an error (answers that could not be read, or no "
            f"answer): {shown} ('avatar-cli tasks show ID' shows it)"
        )
    return text


def _keeper(session: Session, args: argparse.Namespace) -> keeping.Keeper | None:
    """Who saves the finished videos in this ``tasks refresh`` run: nobody with --no-keep or
    while "keep finished videos" is off."""
    if args.no_keep or not session.settings.keep_finished_videos:
        return None
    return keeping.Keeper(
        session.tasks,
        session.owner.owner_id,
        session.is_alive,
        session.settings.download_folder.absolute(),
        network=link_network(**session.network_options()),
    )


def cmd_tasks_refresh(session: Session, args: argparse.Namespace) -> int:
    target = session.target(live=True)
    token = session.token(target)
    url = target.url
    store = session.tasks
    started = time.monotonic()
    deadline = None if args.timeout is None else started + args.timeout
    # The window's rules: the same pace for the same service, the same due tasks.
    follower = Follower(store, target.config, RateGate())
    follower.ask_all()  # the first rounds ask about every unfinished task
    shown: dict[str, tuple[str, int | None]] = {}
    asked_once = False
    keeper = _keeper(session, args)
    files_checked = False

    def expired() -> bool:
        return deadline is not None and time.monotonic() >= deadline

    def keep() -> None:
        """Save the due videos of this service: ``saved: PATH`` on stdout for each."""
        nonlocal files_checked
        if keeper is None:
            return
        bars: list[DownloadProgress] = []

        def progress(destination: Path) -> DownloadProgress:
            bars.append(DownloadProgress(destination.name))
            return bars[-1]

        def end_bars() -> None:
            for bar in bars:
                bar.end()
            bars.clear()

        def saved(_record: TaskRecord, path: Path) -> None:
            end_bars()
            out(f"saved: {path}")

        def problem(record: TaskRecord, message: str) -> None:
            end_bars()
            say(f"the video of task {record.task_id} was not saved: {message}")

        complete = keeper.run(
            url,
            with_saved=not files_checked,  # saved files that are gone: once a run
            on_saved=saved,
            on_problem=problem,
            progress=progress,
            should_stop=lambda: session.stop.is_set() or expired(),
        )
        end_bars()
        files_checked = True
        if session.stop.is_set():
            raise CliExit(EXIT_INTERRUPTED, "Stopped by Ctrl+C; a .part file stays for a resume.")
        if not complete:
            raise CliExit(
                EXIT_TIMEOUT,
                "--timeout ran out while finished videos were being saved (a .part file stays "
                "for the next run).",
            )

    def show(answer: TaskAnswer) -> None:
        record = None if answer.row_id is None else store.get(answer.row_id)
        status = answer.status or (record.status.value if record else "?")
        progress = None if record is None else record.progress
        if shown.get(answer.task_id) == (status, progress) and answer.error is None:
            return
        shown[answer.task_id] = (status, progress)
        text = f"task {answer.task_id}: {status}"
        if progress is not None:
            text += f" {progress}%"
        if answer.error is not None:
            text += f": {answer.error.user_message}"
        elif record is not None and _result(record):
            text += f" {_result(record)}"
        out(text)

    with contextlib.ExitStack() as stack:
        stack.enter_context(session.interruptible("no more questions are asked"))
        client = stack.enter_context(target.config.make_client(token))
        while True:
            if not store.pending_task_ids(url, limit=1):
                keep()
                say(f"every task of {url} is final.")
                return EXIT_OK
            if expired():
                left = len(store.pending_task_ids(url, limit=_ALL_TASKS))
                raise CliExit(EXIT_TIMEOUT, f"--timeout ran out: {_not_final(store, url, left)}.")
            if not args.wait and asked_once and not follower.asked:
                left = len(store.pending_task_ids(url, limit=_ALL_TASKS))
                say(f"{_not_final(store, url, left)}.")
                return EXIT_OK
            items = follower.next_round()
            if not items:
                wait = follower.wait_seconds()
                if deadline is not None:
                    wait = min(wait, max(0.0, deadline - time.monotonic()))
                session.stop.wait(min(max(wait, 0.05), _REFRESH_NAP_SECONDS))
                if session.stop.is_set():
                    raise CliExit(EXIT_INTERRUPTED, "Stopped by Ctrl+C.")
                continue
            round_ = follower.run_round(
                client,
                items,
                should_stop=lambda: session.stop.is_set() or expired(),
                on_answer=show,
            )
            state = follower.round_finished(round_)
            asked_once = True
            if session.stop.is_set():
                raise CliExit(EXIT_INTERRUPTED, "Stopped by Ctrl+C.")
            keep()
            keep()
            error = round_.stopped_by
            if state is FollowState.TOKEN_REFUSED:
                raise CliExit(
                    EXIT_TOKEN,
                    f"The service did not accept the API token: {error} Check the token "
                    f"({ENV_VAR}, or File → API token… in the window).",
                )
            if isinstance(error, NetworkError):
                raise CliExit(EXIT_UNREACHABLE, f"Could not reach {url}: {error}")
            if error is not None:
                if not args.wait:
                    kind = "asked to wait" if isinstance(error, RateLimited) else "had a problem"
                    raise CliExit(EXIT_UNREACHABLE, f"The service {kind}: {error} Try again later.")
                say(f"the service {url} is busy; asking again later.")
            if not args.wait and len(round_.answers) < len(items) and expired():
                raise CliExit(
                    EXIT_TIMEOUT, f"--timeout ran out before every task of {url} was asked about."
                )


# --- one task: add, show, download; export ------------------------------------------------

STATUS_NAMES: tuple[str, ...] = tuple(
    [s.value for s in TaskStatus] + [s.value for s in LocalStatus]
)
"""Every status a task can have, as ``tasks list --json`` prints it."""

_PLAIN_STATUS = {
    "NOT_START": "waiting",
    "SUBMITTED": "waiting",
    "QUEUED": "queued",
    "IN_PROGRESS": "rendering",
    "SUCCESS": "done",
    "FAILURE": "failed",
    "UNKNOWN": "unknown: the service has not said yet",
    "SENDING": "being sent",
    "OUTCOME_UNKNOWN": "outcome unknown: the job may exist ('queue list' to resolve it)",
    "NOT_FOUND": "not found: the service does not know this task id",
}
_PROGRESS_EVERY_SECONDS = 5.0
"""Without a terminal, ``tasks download`` prints its progress this often at most."""


def _plain(text: object) -> str:
    """``text`` for a terminal: control characters (a server's text may hold escape
    sequences) are shown as escapes, never sent to the terminal."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


def _find_task(session: Session, task_id: str) -> TaskRecord:
    record = session.tasks.find(task_id)
    if record is None:
        raise CliExit(
            EXIT_USAGE,
            f"Task {task_id} is not in the task list ('avatar-cli tasks list' shows them; "
            f"'avatar-cli tasks add {task_id}' adds a task made elsewhere).",
        )
    return record


def cmd_tasks_add(session: Session, args: argparse.Namespace) -> int:
    task_id: str = args.task_id
    store = session.tasks
    url = session.target(live=False).url

    def already(record: TaskRecord) -> CliExit:
        return CliExit(
            EXIT_USAGE,
            f"Task {task_id} is already in the task list (for {record.service_url}); nothing "
            f"was changed. 'avatar-cli tasks show {task_id}' shows it.",
        )

    existing = store.find(task_id)
    if existing is not None:
        raise already(existing)
    try:
        store.add_task(task_id, url, {})
    except StoreError:
        existing = store.find(task_id)  # added by another program meanwhile
        if existing is not None:
            raise already(existing) from None
        raise
    out(f"task {task_id}: added for {url}")
    flag = "--sandbox " if args.sandbox else f"--service {url} " if args.service else ""
    say(f"'avatar-cli {flag}tasks refresh' asks the service about it.")
    return EXIT_OK


def _status_words(record: TaskRecord) -> str:
    status = record.status.value
    words = _PLAIN_STATUS.get(status, "unknown")
    if status == "IN_PROGRESS" and record.progress is not None:
        words = f"rendering {record.progress}%"
    return f"{status} ({words})"


def _duration(seconds: float) -> str:
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def task_details(record: TaskRecord) -> list[str]:
    """``tasks show`` as lines: status, times, reasons, links, the saved file."""
    rows: list[tuple[str, object]] = [
        ("task", record.task_id or "-"),
        ("status", _status_words(record)),
        ("progress", _progress(record) if record.status.value != "FAILURE" else "-"),
        ("service", record.service_url),
    ]
    if record.mode is not None:
        rows.append(("mode", record.mode.value))
    if record.avatar_url:
        rows.append(("avatar", record.avatar_url))
    rows += [
        ("created", _when(record.created_at)),
        ("submitted", _when(record.submitted_at)),
        ("started", _when(record.started_at)),
        ("finished", _when(record.finished_at)),
    ]
    total, rendering = record.durations()
    if total is not None:
        text = _duration(total)
        if rendering is not None:
            text += f" (rendering: {_duration(rendering)})"
        rows.append(("duration", text))
    rows.append(("last checked", _when(record.checked_at)))
    if record.fail_reason:
        rows.append(("fail_reason", record.fail_reason))
    if record.error:
        rows.append(("error", record.error))
    links = record.video_links()
    for variant in VARIANTS:
        if variant in links:
            rows.append((f"video ({variant})", links[variant]))
    if not links:
        rows.append(("video", "-"))
    if record.cover_url:
        rows.append(("cover", record.cover_url))
    rows.append(("saved", record.saved_path or "-"))
    if record.consent is not None:
        given = record.consent.get("given")
        how = f", given {given}" if given else ""
        rows.append(("consent", f"{record.consent.get('confirmed_at')}{how}"))
    width = max(len(name) for name, _value in rows)
    return [f"{name.ljust(width)}  {_plain(value)}" for name, value in rows]


def cmd_tasks_show(session: Session, args: argparse.Namespace) -> int:
    record = _find_task(session, args.task_id)
    if args.json:
        emit_json(task_detail_json(record))
        return EXIT_OK
    for line in task_details(record):
        out(line)
    return EXIT_OK


def _size(count: float) -> str:
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
        done = _size(progress.received)
        if progress.total:
            fraction = progress.fraction or 0.0
            done = f"{fraction * 100:3.0f}%  {done} of {_size(progress.total)}"
        return f"{self.name}: {done}, {_size(progress.bytes_per_second)}/s"

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        text = self._text(progress)
        with _print_lock:
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
            with _print_lock:
                sys.stderr.write("\n")
                sys.stderr.flush()
            self._drawn = 0


def cmd_tasks_download(session: Session, args: argparse.Namespace) -> int:
    record = _find_task(session, args.task_id)
    task_id = record.task_id or args.task_id
    variant: str = args.variant
    status = record.status.value
    if not record.is_final:
        raise CliExit(
            EXIT_USAGE,
            f"Task {task_id} is {_status_words(record)}: it has no video yet. "
            "'avatar-cli tasks refresh --wait' follows it to the end.",
        )
    links = record.video_links()
    url = links.get(variant)
    if url is None:
        if not links:
            reason = f": {_plain(record.fail_reason)}" if record.fail_reason else ""
            raise CliExit(EXIT_USAGE, f"Task {task_id} is {status}; it has no video{reason}.")
        raise CliExit(
            EXIT_USAGE,
            f"Task {task_id} has no {variant} video; it has: {', '.join(links)} "
            "(--variant chooses).",
        )
    folder = (
        Path(args.to).expanduser() if args.to else session.settings.download_folder
    ).absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliExit(
            EXIT_USAGE, f"Cannot use the folder {folder}: {exc.strerror or exc}"
        ) from None
    owner_id = session.owner.owner_id
    if not keeping.claim_download(session.tasks, record.row_id, owner_id, session.is_alive):
        raise CliExit(
            EXIT_UNREACHABLE,
            f"Another program (the window, or another avatar-cli run) is saving the video of "
            f"task {task_id} right now; try again when it has finished.",
        )
    try:
        saved = _fetch_video(session, record, url, variant, folder)
        session.tasks.set_saved_path(record.row_id, str(saved))
    finally:
        keeping.release(session.tasks, record.row_id, owner_id)
    out(str(saved))
    return EXIT_OK


def _fetch_video(
    session: Session, record: TaskRecord, url: str, variant: str, folder: Path
) -> Path:
    """``tasks download``'s transfer, its progress on stderr and its problems as exits."""
    task_id = record.task_id or ""
    destination = destination_for(folder, task_id, variant)
    part = part_path(destination)
    if part.exists():
        say(f"resuming from {part} ({_size(part.stat().st_size)} already there).")
    shown = DownloadProgress(destination.name)
    with session.interruptible(
        "the download stops; the part already saved stays for the next run",
        at_once=f"stopped at once; {part} stays: the same command resumes it.",
    ):
        try:
            saved = download(
                url,
                destination,
                progress=shown,
                network=link_network(**session.network_options()),
                should_stop=session.stop.is_set,
            )
        except LinkExpired:
            shown.end()
            keeping.record_expired(session.tasks, record.row_id, url)
            raise CliExit(
                EXIT_LINK_EXPIRED,
                f"The {variant} link of task {task_id} has expired or is gone: the server no "
                "longer serves this video (403, 404 or 410).",
            ) from None
        except DownloadCancelled:
            shown.end()
            raise CliExit(
                EXIT_INTERRUPTED,
                f"Stopped by Ctrl+C; {part} stays: the same command resumes from it.",
            ) from None
        except (DownloadError, requests.RequestException) as exc:
            shown.end()
            raise CliExit(
                EXIT_UNREACHABLE, f"The video of task {task_id} could not be downloaded: {exc}"
            ) from None
        except OSError as exc:
            shown.end()
            raise CliExit(
                EXIT_FAILURE, f"Could not write {destination}: {exc.strerror or exc}"
            ) from None
    shown.end()
    return saved


def cmd_tasks_export(session: Session, args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    statuses: list[str] | None = sorted(set(args.status)) if args.status else None
    records = session.tasks.iter_records(statuses=statuses)
    try:
        count = export_tasks(records, path)
    except OSError as exc:
        raise CliExit(EXIT_USAGE, f"Cannot write {path}: {exc.strerror or exc}") from None
    which = f" ({', '.join(statuses)})" if statuses else ""
    out(f"Exported {count} task(s){which} to {path}")
    return EXIT_OK


# --- the parser ---------------------------------------------------------------------------


def _service_url(value: str) -> str:
    try:
        return normalize_base_url(value)
    except BaseUrlError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _concurrency(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_CONCURRENCY}")
    return number


def _item_id(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not an item id: {value!r}")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < 10**7:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}")
    return number


def _task_id(value: str) -> str:
    try:
        return valid_task_id(value)
    except InvalidTaskId as exc:
        raise argparse.ArgumentTypeError(f"{exc} (a task id is {TASK_ID_RULE})") from None


def _statuses(value: str) -> list[str]:
    names = [part.strip().upper() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in STATUS_NAMES]
    if not names or unknown:
        shown = ", ".join(unknown) or repr(value)
        raise argparse.ArgumentTypeError(
            f"unknown status {shown}; use one of {', '.join(STATUS_NAMES)}"
        )
    return names


def _export_file(value: str) -> str:
    try:
        format_for(Path(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


COMMANDS = """\
commands:
  queue import FILE [--dry-run] [--skip-invalid] [--allow-duplicates] [--consent]
  queue list [--json]
  queue send [--wait] [--yes] [--concurrency N]
  queue cancel ID  |  queue retry ID  |  queue resolve ID (--task-id T | --discard)
  queue move ID
  tasks list [--json]
  tasks refresh [--wait] [--timeout SECONDS] [--no-keep]
  tasks add TASK_ID
  tasks show TASK_ID [--json]
  tasks download TASK_ID [--variant default|no_watermark|watermarked] [--to DIR]
  tasks export FILE.csv|FILE.json [--status S]
  config list [--json]  |  config get KEY  |  config set KEY VALUE  |  config unset KEY
"""


def _epilog(*, commands: bool = False) -> str:
    width = 78
    codes = []
    for code, meaning in EXIT_CODES.items():
        lines = textwrap.wrap(meaning, width - 7)
        codes.append(f"  {code:<4} {lines[0]}")
        codes.extend(f"       {line}" for line in lines[1:])
    about = textwrap.fill(
        "The service: --service URL for this run, --sandbox for the built-in sandbox, else the "
        "one chosen in the window's settings. The token comes from the environment variable "
        f"{ENV_VAR} or the system keyring, never from an argument; a service on this computer "
        "(http://127.0.0.1:...) without a token gets the sandbox's stand-in token.",
        width,
    )
    head = f"{COMMANDS}\n" if commands else ""
    return f"{head}{about}\n\nexit codes:\n" + "\n".join(codes)


def _add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options that work before the command and after it."""
    default: Any = None if top else argparse.SUPPRESS
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--service",
        metavar="URL",
        type=_service_url,
        default=default,
        help="use this service address for this run (https://, or http:// to this computer)",
    )
    group.add_argument(
        "--sandbox",
        action="store_true",
        default=default,
        help="use the built-in sandbox (free, no token, no network)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="log details, and show a traceback on an unexpected failure",
    )


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Queue, send and follow Avatar Desktop jobs from a terminal, with the same "
        "data folder, settings and rules as the window.",
        epilog=_epilog(commands=True),
        formatter_class=formatter,
    )
    _add_common(parser, top=True)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND", required=True)

    def command(
        parent: Any,
        name: str,
        help_text: str,
        handler: Callable[..., int],
        details: str = "",
    ) -> argparse.ArgumentParser:
        description = help_text
        if details:
            description = "\n\n".join(
                textwrap.fill(part, 78) for part in (help_text, *details.split("\n\n"))
            )
        sub: argparse.ArgumentParser = parent.add_parser(
            name,
            help=help_text,
            description=description,
            epilog=_epilog(),
            formatter_class=formatter,
        )
        _add_common(sub, top=False)
        sub.set_defaults(handler=handler)
        return sub

    queue = groups.add_parser(
        "queue",
        help="the outbox: jobs waiting to be sent",
        formatter_class=formatter,
        epilog=_epilog(),
    )
    queue_commands = queue.add_subparsers(dest="command", metavar="ACTION", required=True)
    imp = command(
        queue_commands,
        "import",
        "queue the rows of a CSV, JSON or JSON Lines file (all or none)",
        cmd_queue_import,
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="only check and report the rows")
    imp.add_argument(
        "--skip-invalid", action="store_true", help="queue the valid rows, report the others"
    )
    imp.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="queue rows identical to a job already queued or submitted (each is billed)",
    )
    imp.add_argument(
        "--consent",
        action="store_true",
        help="confirm that the speaker of each voice sample cloned (create_voice) agreed to "
        "having the voice cloned; without it a sample with no consent on record exits 2",
    )
    lst = command(queue_commands, "list", "list the items of every service", cmd_queue_list)
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    send = command(
        queue_commands,
        "send",
        "send the items that are due (exactly those counted at the start; items queued "
        "meanwhile wait for the next run)",
        cmd_queue_send,
    )
    send.add_argument(
        "--wait",
        action="store_true",
        help="go on through the delays the service asks for until nothing waits",
    )
    send.add_argument(
        "--yes",
        action="store_true",
        help=f"send more than {CONFIRM_ABOVE} items without asking",
    )
    send.add_argument(
        "--concurrency",
        metavar="N",
        type=_concurrency,
        default=None,
        help=f"items sent at a time, 1 to {MAX_CONCURRENCY} (default: the window's setting, "
        f"{DEFAULT_CONCURRENCY} unless changed)",
    )
    cancel = command(queue_commands, "cancel", "cancel an item", cmd_queue_cancel)
    cancel.add_argument("id", metavar="ID", type=_item_id)
    retry = command(
        queue_commands,
        "retry",
        "queue a refused, cancelled or outcome_unknown item again",
        cmd_queue_retry,
    )
    retry.add_argument("id", metavar="ID", type=_item_id)
    move = command(
        queue_commands,
        "move",
        "send an item to the service of this run instead of its own (billed there)",
        cmd_queue_move,
        details="An item is only ever sent to the service it was queued for; this moves it "
        "to the service of this run (--service, --sandbox, else the settings'), where it is "
        "queued afresh (its wait and reason cleared). Only queued, retry_wait and refused "
        "items move. An unknown id, another state, the same service, or the same request "
        "already queued or submitted there exits 2 and changes nothing.",
    )
    move.add_argument("id", metavar="ID", type=_item_id)
    resolve = command(
        queue_commands,
        "resolve",
        "settle an outcome_unknown item: the job exists as task T, or discard it",
        cmd_queue_resolve,
    )
    resolve.add_argument("id", metavar="ID", type=_item_id)
    how = resolve.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--task-id",
        metavar="T",
        type=_task_id,
        help="the task id the service gave the job (" + TASK_ID_RULE.replace("%", "%%") + ")",
    )
    how.add_argument("--discard", action="store_true", help="no job was created: cancel it")

    tasks = groups.add_parser(
        "tasks", help="the task list: submitted jobs", formatter_class=formatter, epilog=_epilog()
    )
    task_commands = tasks.add_subparsers(dest="command", metavar="ACTION", required=True)
    tlist = command(task_commands, "list", "list the tasks of every service", cmd_tasks_list)
    tlist.add_argument("--json", action="store_true", help="print a JSON array")
    refresh = command(
        task_commands,
        "refresh",
        "ask the service about its unfinished tasks",
        cmd_tasks_refresh,
        details="With 'Keep finished videos automatically' on (the window's settings), after "
        "each round and at the end it also saves the video of every task of that service that "
        "succeeded and has no saved file, into the window's download folder, printing "
        "'saved: PATH' for each; --no-keep skips that for this run. A task whose video "
        "another program (the window, another run) is saving is left to it. A video that "
        "cannot be saved is said on stderr and never changes the exit code: an expired link "
        "is recorded as the task's error ('tasks show') and not tried again; after a broken "
        "connection the .part file stays and the next run (or the window) resumes it. Ctrl+C "
        "(exit 130) and --timeout (exit 7) also stop a download, keeping its .part file.",
    )
    refresh.add_argument(
        "--wait", action="store_true", help="go on until every task is final or not found"
    )
    refresh.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help="give up after this many seconds (exit 7)",
    )
    refresh.add_argument(
        "--no-keep",
        action="store_true",
        help="do not save finished videos in this run, whatever the settings say",
    )
    add = command(
        task_commands,
        "add",
        "add a task made elsewhere (the website, another computer) to follow it",
        cmd_tasks_add,
        details="The task joins the list of the chosen service (--service, --sandbox, else "
        "the settings') with an empty request; 'tasks refresh' then asks about it. A task id "
        f"is {TASK_ID_RULE} (surrounding spaces are ignored); another one, or one already in "
        "the list, exits 2 and changes nothing.",
    )
    add.add_argument("task_id", metavar="TASK_ID", type=_task_id)
    show = command(
        task_commands,
        "show",
        "show one task: status, times, reasons, links, saved file",
        cmd_tasks_show,
        details="Status and progress, the submitted / started / finished times and the "
        "duration, fail_reason (the service's words), error (the app's), every result link, "
        "the saved file and, for a cloned voice, when and how the speaker's consent was "
        "given. A task id not in the list exits 2.\n\n"
        "--json prints one JSON object: every field of 'tasks list --json' plus "
        "submitted_at, started_at, finished_at, checked_at (ISO 8601 or null), saved_path, "
        "label, links (variant -> URL) and consent (the consent record, or null).",
    )
    show.add_argument("task_id", metavar="TASK_ID", type=_task_id)
    show.add_argument("--json", action="store_true", help="print a JSON object")
    fetch = command(
        task_commands,
        "download",
        "save a finished task's video; prints the saved path",
        cmd_tasks_download,
        details="The folder is --to DIR, else the window's download folder when one is set, "
        "else the system's Videos folder; the file is avatar-TASK_ID[-variant].mp4. It is "
        "written as NAME.part and renamed only when complete; a dropped connection resumes "
        "with a Range request (a few attempts), and a later run resumes from the .part file. "
        "The saved path is recorded in the task list ('tasks show').\n\n"
        "Exits 6 when the link has expired or is gone (403, 404, 410); 2 when the task is "
        "not in the list, not finished, or has no video of that variant; 4 when the "
        "connection kept breaking, or while another program (the window, another run) is "
        "saving this task's video; 130 on Ctrl+C. The .part file stays after a broken "
        "connection or Ctrl+C.",
    )
    fetch.add_argument("task_id", metavar="TASK_ID", type=_task_id)
    fetch.add_argument(
        "--variant",
        choices=VARIANTS,
        default="default",
        help="which video (default: default)",
    )
    fetch.add_argument(
        "--to",
        metavar="DIR",
        default=None,
        help="the folder to save in (made when missing)",
    )
    export = command(
        task_commands,
        "export",
        "write the task list to a CSV or JSON file; prints how many",
        cmd_tasks_export,
        details="The tasks of every service, newest first (only those of the given statuses "
        "with --status). The format follows the file name. CSV: UTF-8 with a byte order "
        "mark (for spreadsheets), one header row, the columns " + ", ".join(CSV_COLUMNS) + "; "
        "times in ISO 8601; a cell starting with = + - @ (or a tab or carriage return) gets "
        "a leading apostrophe so that no spreadsheet runs it as a formula. JSON: an array "
        "of 'tasks show --json' objects. The file is replaced only once complete. The "
        "token is never written.",
    )
    export.add_argument("file", metavar="FILE.csv|FILE.json", type=_export_file)
    export.add_argument(
        "--status",
        metavar="S",
        type=_statuses,
        action="extend",
        default=None,
        help="only tasks with this status, as 'tasks list --json' prints it (SUCCESS, "
        "FAILURE, IN_PROGRESS, NOT_FOUND, …; any case); repeat it or separate by commas",
    )

    config = groups.add_parser(
        "config",
        help="the settings the window and avatar-cli share",
        description="The settings the window and avatar-cli share (settings.ini in the data "
        "folder). A value is checked by the same rules as the window's Settings dialog; a bad "
        "key or value exits 2 and changes nothing. The open window follows a change at once.\n\n"
        "keys:\n" + "\n".join(f"  {name:<16}{key.help}" for name, key in CONFIG_KEYS.items()),
        formatter_class=formatter,
        epilog=_epilog(),
    )
    config_commands = config.add_subparsers(dest="command", metavar="ACTION", required=True)
    clist = command(config_commands, "list", "print every key and its value", cmd_config_list)
    clist.add_argument("--json", action="store_true", help="print a JSON object")
    cget = command(config_commands, "get", "print one key's value", cmd_config_get)
    cget.add_argument("key", metavar="KEY", choices=list(CONFIG_KEYS))
    cset = command(config_commands, "set", "change one key", cmd_config_set)
    cset.add_argument("key", metavar="KEY", choices=list(CONFIG_KEYS))
    cset.add_argument("value", metavar="VALUE")
    cunset = command(
        config_commands, "unset", "give one key its default value back", cmd_config_unset
    )
    cunset.add_argument("key", metavar="KEY", choices=list(CONFIG_KEYS))
    return parser


# --- config commands --------------------------------------------------------------------------


def _config_text(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def cmd_config_list(session: Session, args: argparse.Namespace) -> int:
    values = config_values(session.settings)
    if args.json:
        emit_json(values)
        return EXIT_OK
    for line in _table([["KEY", "VALUE"], *([k, _config_text(v)] for k, v in values.items())]):
        out(line)
    return EXIT_OK


def cmd_config_get(session: Session, args: argparse.Namespace) -> int:
    out(_config_text(config_key(args.key).show(session.settings)))
    return EXIT_OK


def cmd_config_set(session: Session, args: argparse.Namespace) -> int:
    key = config_key(args.key)
    try:
        key.set(session.settings, args.value)
    except SettingError as exc:
        raise CliExit(EXIT_USAGE, f"{key.name}: {exc}; nothing was changed.") from None
    out(f"{key.name} = {_config_text(key.show(session.settings))}")
    return EXIT_OK


def cmd_config_unset(session: Session, args: argparse.Namespace) -> int:
    key = config_key(args.key)
    key.unset(session.settings)
    out(f"{key.name} = {_config_text(key.show(session.settings))} (the default)")
    return EXIT_OK


# --- main -------------------------------------------------------------------------------------


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.ERROR,
        format=f"{PROG}: %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
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
    _setup_streams()
    _redactor.add(os.environ.get(ENV_VAR, "").strip())
    verbose = "--verbose" in (sys.argv[1:] if argv is None else argv)
    try:
        return run(argv)
    except CliExit as stop:
        if stop.message:
            say(_redactor.text(stop.message))
        return stop.code
    except StoreError as exc:
        if verbose:
            log.exception("data file")
        say(_redactor.text(str(exc)))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        say("stopped by Ctrl+C.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): no traceback, and no second error at exit.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as exc:
        if verbose:
            import traceback

            sys.stderr.write(_redactor.text(traceback.format_exc()))
        say(_redactor.text(f"unexpected failure: {type(exc).__name__}: {exc}"))
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
