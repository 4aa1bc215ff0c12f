"""``avatar-cli queue …``: the outbox: import, list, send, cancel, retry, move, resolve."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from avatar_desktop.cli.exits import CliExit, Exit
from avatar_desktop.cli.output import (
    emit_json_list,
    local_time,
    out,
    print_lock,
    row_note,
    say,
    table,
)
from avatar_desktop.cli.session import Session
from avatar_desktop.core.delivery import Decision, RunStop, Sender, SendOutcome, send_due
from avatar_desktop.core.local_files import file_home, uploader_factory
from avatar_desktop.core.request import ValidationError
from avatar_desktop.core.sending import Idle, needs_confirmation, why_nothing_sent
from avatar_desktop.core.store.outbox import (
    CannotMove,
    ItemState,
    MoveRefusal,
    OutboxItem,
    OutboxSummary,
    file_line_source,
)
from avatar_desktop.core.submission import ConsentGiven, screen
from avatar_desktop.core.vault import ENV_VAR

_SEND_POLL_SECONDS = 0.5


def cmd_queue_import(session: Session, args: argparse.Namespace) -> int:
    from avatar_desktop.core.importer import read_file

    path = Path(args.file)
    target = session.target(live=False)
    url = target.url
    try:
        report = read_file(path, file_home(session.settings, target.config))
    except OSError as exc:
        raise CliExit(Exit.USAGE, f"cannot read {path}: {exc.strerror or exc}") from None
    for note in report.notes:
        say(f"{path.name}: {note}")
    if report.file_problem is not None:
        say(f"{path.name}: {report.file_problem}")
        raise CliExit(Exit.USAGE, "Nothing was queued: the file cannot be imported.")
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
    files = {row.line: row.files for row in report.rows}
    new, _left_out = screening.items(
        chosen, given, lambda line: file_line_source(path.name, line), files
    )
    duplicates = len(numbered) - len(chosen)

    counts = f"{duplicates} duplicate(s) skipped, {invalid} invalid row(s)"
    if args.dry_run:
        if unconsented:
            out(
                f"Dry run: nothing would be queued for {url}: {len(unconsented)} row(s) need "
                f"consent (with --consent, {len(new)} item(s) would be); {counts}. Nothing "
                "changed."
            )
        else:
            out(
                f"Dry run: {len(new)} item(s) would be queued for {url}; {counts}. Nothing changed."
            )
        return Exit.USAGE if invalid or unconsented else Exit.OK
    if unconsented:
        raise CliExit(
            Exit.USAGE,
            f"Nothing was queued: {len(unconsented)} row(s) clone a voice from a sample with no "
            "consent on record. If each speaker agreed to having their voice cloned, import "
            "again with --consent.",
        )
    if invalid and not args.skip_invalid:
        raise CliExit(
            Exit.USAGE,
            f"Nothing was queued: {invalid} of {len(report.rows)} row(s) are invalid. Fix them, "
            "or pass --skip-invalid to queue the valid rows only.",
        )
    if not report.rows:
        out(f"{path.name} has no rows; nothing was queued.")
        return Exit.OK
    ids = session.outbox.add_many(url, new) if new else []
    shown = ""
    if ids:
        shown = f" (item {ids[0]})" if len(ids) == 1 else f" (items {ids[0]}–{ids[-1]})"
    out(f"Queued {len(ids)} item(s) for {url}{shown}; {counts}.")
    if ids:
        say(f"send them with: avatar-cli {session.service_options(url)}queue send")
    return Exit.OK


def _item_line(item: OutboxItem) -> list[str]:
    detail = item.task_id or item.reason or ""
    if item.source:
        detail = f"{detail}  [{item.source}]" if detail else f"[{item.source}]"
    return [
        str(item.item_id),
        item.state.value,
        local_time(item.created_at),
        item.service_url,
        detail,
    ]


def cmd_queue_list(session: Session, args: argparse.Namespace) -> int:
    if args.json:
        emit_json_list(item.to_json() for item in session.outbox.iter_items())
        return Exit.OK
    items = session.outbox.items()
    if not items:
        say("the outbox is empty.")
        return Exit.OK
    header = ["ID", "STATE", "CREATED", "SERVICE", "TASK ID / REASON  [SOURCE]"]
    for line in table([header, *(_item_line(item) for item in items)]):
        out(line)
    return Exit.OK


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
    elif outcome.decision in (Decision.STORAGE_REFUSED, Decision.UPLOAD_STOPPED):
        text = f"{item}: queued again: {outcome.reason}"
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
        return Exit.NEEDS_USER
    return Exit.OK


def _confirm(count: int, url: str, sandbox: bool) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    cost = "free on the sandbox" if sandbox else "each accepted item is billed"
    with print_lock:
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


def _say_elsewhere(summary: OutboxSummary, options: str) -> None:
    """Items that wait for other services than this run's are never sent by it: say so
    (``options``: this run's service options, for the command to paste)."""
    if not summary.other_waiting:
        return
    where = "; ".join(
        f"{url}: {', '.join(map(str, ids))}" for url, ids in summary.elsewhere.items()
    )
    say(
        f"{summary.other_waiting} item(s) wait for other services ({where}): "
        f"'avatar-cli {options}queue move ID' moves one to {summary.service_url}"
    )


def _upload_progress() -> Callable[[int, str, int, int], None]:
    """Upload progress on stderr: a line per file at its start and end, and every 10 %."""
    shown: dict[tuple[int, str], int] = {}

    def progress(item_id: int, name: str, done: int, total: int) -> None:
        tenth = 10 if total <= 0 else done * 10 // total
        if shown.get((item_id, name), -1) == tenth:
            return
        shown[(item_id, name)] = tenth
        say(f"item {item_id}: uploading {name}: {done} of {total} bytes ({tenth * 10}%)")

    return progress


def cmd_queue_send(session: Session, args: argparse.Namespace) -> int:
    target = session.target(live=True)
    token = session.token(target)
    url = target.url
    outbox = session.outbox
    concurrency = args.concurrency or session.settings.send_concurrency
    # Exactly these items may go in this run (what the user agreed to); items queued while it
    # runs wait for the next one.
    if args.wait:
        chosen = [i.item_id for i in outbox.items(url, (ItemState.QUEUED, ItemState.RETRY_WAIT))]
    else:
        chosen = outbox.due_ids(url, explicit=True)
    count = len(chosen)
    summary = outbox.summary(url)
    _say_elsewhere(summary, session.service_options(url))
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
            Exit.USAGE,
            f"{count} items would be sent to {url} and each accepted one is billed; nothing was "
            "sent. Pass --yes to send them.",
        )
    say(f"sending {count} item(s) to {url}, {concurrency} at a time…")
    config = target.config
    ends_at = None if args.timeout is None else time.monotonic() + args.timeout

    def expired() -> bool:
        return ends_at is not None and time.monotonic() >= ends_at

    # --timeout: no item is taken after it, and an answer still on its way then is cut.
    sender = Sender(
        outbox,
        session.owner.owner_id,
        url,
        lambda: config.make_client(token, ends_at=ends_at),
        uploader_factory=uploader_factory(session.settings, config),
        on_progress=_upload_progress(),
    )
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
            should_stop=lambda: session.stop.is_set() or expired(),
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
        raise CliExit(Exit.FAILURE, "Some accepted jobs could not be written to the data file.")

    done = report.by(Decision.SUBMITTED)
    if report.store_error is not None:  # no item can be claimed: nothing more goes out
        raise CliExit(
            Exit.FAILURE,
            f"{report.store_error} Nothing was sent after that: {len(done)} item(s) submitted "
            "in this run; the others wait, nothing is lost.",
        )
    counts = outbox.counts(url)
    say(
        f"{len(done)} submitted in this run; {url} now has {counts[ItemState.QUEUED]} queued, "
        f"{counts[ItemState.RETRY_WAIT]} waiting to retry, {counts[ItemState.REFUSED]} refused, "
        f"{counts[ItemState.OUTCOME_UNKNOWN]} outcome_unknown."
    )
    if report.stopped is RunStop.TOKEN_REFUSED:
        raise CliExit(
            Exit.TOKEN,
            "The service did not accept the API token; the items are queued again and nothing "
            f"was lost. Check the token ({ENV_VAR}, or File → API token… in the window).",
        )
    if report.stopped is RunStop.UNREACHABLE:
        raise CliExit(
            Exit.UNREACHABLE,
            f"Could not reach {url}; the items wait and nothing was lost. Run 'avatar-cli "
            f"{session.service_options(url)}queue send' again when the service is reachable.",
        )
    if report.stopped is RunStop.STORAGE_UNREACHABLE:
        raise CliExit(
            Exit.UNREACHABLE,
            "Could not reach the storage the local files are uploaded to; the items wait and "
            "nothing was sent or lost. Check it with 'avatar-cli storage test', then run "
            f"'avatar-cli {session.service_options(url)}queue send' again.",
        )
    if report.stopped is RunStop.STORAGE_REFUSED:
        raise CliExit(
            Exit.TOKEN,
            "The storage refused the upload of local files (the service's token is not "
            "concerned): the items with files are queued again and nothing was lost. Check the "
            "storage settings and keys with 'avatar-cli storage test', then send again.",
        )
    if report.stopped is RunStop.QUOTA:
        say("the account's balance is used up: the run stopped. Top it up, then send again.")
    if report.stopped is RunStop.CANCELLED and not session.stop.is_set():
        raise CliExit(
            Exit.TIMEOUT,
            "--timeout ran out: the items not sent yet wait for the next run"
            + (
                "; an answer cut off by it left its item outcome_unknown (see 'queue list')."
                if counts[ItemState.OUTCOME_UNKNOWN]
                else "."
            ),
        )
    if report.stopped is RunStop.CANCELLED:
        raise CliExit(Exit.INTERRUPTED, "Stopped by Ctrl+C; the items not sent yet wait.")
    if counts[ItemState.RETRY_WAIT] and not args.wait:
        say("items waiting to retry go with the next 'queue send' (or use --wait).")
    return _needs_user(session, url)


def _change_refused(session: Session, item_id: int, action: str, allowed: str) -> CliExit:
    item = session.outbox.get(item_id)
    if item is None:
        return CliExit(Exit.USAGE, f"There is no outbox item {item_id}.")
    return CliExit(
        Exit.USAGE,
        f"Item {item_id} is {item.state.value}; only {allowed} items can be {action}.",
    )


def cmd_queue_cancel(session: Session, args: argparse.Namespace) -> int:
    if not session.outbox.cancel(args.id):
        raise _change_refused(
            session, args.id, "cancelled", "queued, retry_wait, refused or outcome_unknown"
        )
    out(f"item {args.id}: cancelled")
    return Exit.OK


def cmd_queue_retry(session: Session, args: argparse.Namespace) -> int:
    before = session.outbox.get(args.id)
    try:
        requeued = session.outbox.requeue(args.id)
    except ValidationError as exc:
        raise CliExit(Exit.USAGE, f"Item {args.id} was not queued again: {exc}.") from None
    if not requeued:
        raise _change_refused(session, args.id, "retried", "refused, cancelled or outcome_unknown")
    out(f"item {args.id}: queued")
    if before is not None and before.state is ItemState.OUTCOME_UNKNOWN:
        say(
            "its earlier send may have created a job (and been billed); the next 'queue send' "
            "sends it again."
        )
    return Exit.OK


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
        raise CliExit(Exit.USAGE, message) from None
    out(f"item {args.id}: moved to {url}")
    billed = "" if target.config.sandbox else " (and billed there)"
    say(f"the next 'avatar-cli {session.service_options(url)}queue send' sends it{billed}.")
    return Exit.OK


def cmd_queue_resolve(session: Session, args: argparse.Namespace) -> int:
    outbox = session.outbox
    item = outbox.get(args.id)
    if item is None:
        raise CliExit(Exit.USAGE, f"There is no outbox item {args.id}.")
    if item.state is not ItemState.OUTCOME_UNKNOWN:
        raise CliExit(
            Exit.USAGE,
            f"Item {args.id} is {item.state.value}; only outcome_unknown items are resolved "
            "('queue cancel' or 'queue retry' handle the others).",
        )
    if args.discard:
        if not outbox.cancel(args.id):
            raise _change_refused(session, args.id, "discarded", "outcome_unknown")
        out(f"item {args.id}: cancelled")
        return Exit.OK
    task_id: str = args.task_id
    if outbox.resolve_submitted(args.id, task_id) is None:
        raise _change_refused(session, args.id, "resolved", "outcome_unknown")
    out(f"item {args.id}: submitted, task {task_id}")
    say("'avatar-cli tasks refresh' asks the service about it.")
    return Exit.OK
