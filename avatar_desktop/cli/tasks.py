"""``avatar-cli tasks …``: the task list: list, refresh, add, show, download, export."""

from __future__ import annotations

import argparse
import contextlib
import time
from datetime import datetime
from pathlib import Path

import requests

from avatar_desktop.cli.exits import CliExit, Exit
from avatar_desktop.cli.output import (
    DownloadProgress,
    emit_json,
    local_time,
    out,
    plain,
    say,
    size_text,
    table,
)
from avatar_desktop.cli.session import Session
from avatar_desktop.core import keeping
from avatar_desktop.core.config import link_network
from avatar_desktop.core.downloads import (
    VARIANTS,
    DownloadCancelled,
    DownloadError,
    LinkExpired,
    destination_for,
    download,
    part_path,
)
from avatar_desktop.core.follower import Follower, FollowState, TaskAnswer
from avatar_desktop.core.pacing import RateGate
from avatar_desktop.core.service import NetworkError, RateLimited, TaskStatus
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.schema import UNFINISHED, LocalStatus
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.core.task_export import export_tasks, task_detail_json, task_json
from avatar_desktop.core.vault import ENV_VAR

_REFRESH_NAP_SECONDS = 1.0
"""``tasks refresh --wait`` looks this often for due tasks (and for Ctrl+C)."""
_ALL_TASKS = 1_000_000


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
        return Exit.OK
    if not records:
        say("the task list is empty.")
        return Exit.OK
    header = ["TASK ID", "STATUS", "PROGRESS", "CREATED", "SERVICE", "VIDEO / REASON"]
    rows = [
        [
            record.task_id or "-",
            record.status.value,
            _progress(record),
            local_time(record.created_at),
            record.service_url,
            _result(record),
        ]
        for record in records
    ]
    for line in table([header, *rows]):
        out(line)
    return Exit.OK


def _not_final(store: TaskStore, url: str) -> str:
    """``N task(s) of URL are not final yet``, naming those whose answers cannot be read."""
    count = len(store.pending_task_ids(url, limit=_ALL_TASKS))
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
        resolve_link=session.resolve_link,
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
            raise CliExit(Exit.INTERRUPTED, "Stopped by Ctrl+C; a .part file stays for a resume.")
        if not complete:
            raise CliExit(
                Exit.TIMEOUT,
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
        # --timeout also cuts a question still being answered then.
        client = stack.enter_context(target.config.make_client(token, ends_at=deadline))
        while True:
            if not store.pending_task_ids(url, limit=1):
                keep()
                say(f"every task of {url} is final.")
                return Exit.OK
            if expired():
                raise CliExit(Exit.TIMEOUT, f"--timeout ran out: {_not_final(store, url)}.")
            if not args.wait and asked_once and not follower.asked:
                say(f"{_not_final(store, url)}.")
                return Exit.OK
            items = follower.next_round()
            if not items:
                wait = follower.wait_seconds()
                if deadline is not None:
                    wait = min(wait, max(0.0, deadline - time.monotonic()))
                session.stop.wait(min(max(wait, 0.05), _REFRESH_NAP_SECONDS))
                if session.stop.is_set():
                    raise CliExit(Exit.INTERRUPTED, "Stopped by Ctrl+C.")
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
                raise CliExit(Exit.INTERRUPTED, "Stopped by Ctrl+C.")
            if expired():
                continue  # the loop's first checks say how it ended
            keep()
            error = round_.stopped_by
            if state is FollowState.TOKEN_REFUSED:
                raise CliExit(
                    Exit.TOKEN,
                    f"The service did not accept the API token: {error} Check the token "
                    f"({ENV_VAR}, or File → API token… in the window).",
                )
            if isinstance(error, NetworkError):
                raise CliExit(Exit.UNREACHABLE, f"Could not reach {url}: {error}")
            if error is not None:
                if not args.wait:
                    kind = "asked to wait" if isinstance(error, RateLimited) else "had a problem"
                    raise CliExit(Exit.UNREACHABLE, f"The service {kind}: {error} Try again later.")
                say(f"the service {url} is busy; asking again later.")


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


def _find_task(session: Session, task_id: str) -> TaskRecord:
    record = session.tasks.find(task_id)
    if record is None:
        raise CliExit(
            Exit.USAGE,
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
            Exit.USAGE,
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
    say(f"'avatar-cli {session.service_options(url)}tasks refresh' asks the service about it.")
    return Exit.OK


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
    return [f"{name.ljust(width)}  {plain(value)}" for name, value in rows]


def cmd_tasks_show(session: Session, args: argparse.Namespace) -> int:
    record = _find_task(session, args.task_id)
    if args.json:
        emit_json(task_detail_json(record))
        return Exit.OK
    for line in task_details(record):
        out(line)
    return Exit.OK


def cmd_tasks_download(session: Session, args: argparse.Namespace) -> int:
    record = _find_task(session, args.task_id)
    task_id = record.task_id or args.task_id
    variant: str = args.variant
    status = record.status.value
    if not record.is_final:
        raise CliExit(
            Exit.USAGE,
            f"Task {task_id} is {_status_words(record)}: it has no video yet. "
            "'avatar-cli tasks refresh --wait' follows it to the end.",
        )
    links = record.video_links()
    url = links.get(variant)
    if url is None:
        if not links:
            reason = f": {plain(record.fail_reason)}" if record.fail_reason else ""
            raise CliExit(Exit.USAGE, f"Task {task_id} is {status}; it has no video{reason}.")
        raise CliExit(
            Exit.USAGE,
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
            Exit.USAGE, f"Cannot use the folder {folder}: {exc.strerror or exc}"
        ) from None
    owner_id = session.owner.owner_id
    if not keeping.claim_download(session.tasks, record.row_id, owner_id, session.is_alive):
        raise CliExit(
            Exit.UNREACHABLE,
            f"Another program (the window, or another avatar-cli run) is saving the video of "
            f"task {task_id} right now; try again when it has finished.",
        )
    try:
        saved = _fetch_video(session, record, url, variant, folder)
        session.tasks.set_saved_path(record.row_id, str(saved))
    finally:
        keeping.release(session.tasks, record.row_id, owner_id)
    out(str(saved))
    return Exit.OK


def _fetch_video(
    session: Session, record: TaskRecord, url: str, variant: str, folder: Path
) -> Path:
    """``tasks download``'s transfer, its progress on stderr and its problems as exits."""
    task_id = record.task_id or ""
    destination = destination_for(folder, task_id, variant)
    part = part_path(destination)
    if part.exists():
        say(f"resuming from {part} ({size_text(part.stat().st_size)} already there).")
    shown = DownloadProgress(destination.name)
    with session.interruptible(
        "the download stops; the part already saved stays for the next run",
        at_once=f"stopped at once; {part} stays: the same command resumes it.",
    ):
        try:
            saved = download(
                session.resolve_link(url),
                destination,
                progress=shown,
                network=link_network(**session.network_options()),
                should_stop=session.stop.is_set,
            )
        except LinkExpired:
            shown.end()
            keeping.record_expired(session.tasks, record.row_id, url)
            raise CliExit(
                Exit.LINK_EXPIRED,
                f"The {variant} link of task {task_id} has expired or is gone: the server no "
                "longer serves this video (403, 404 or 410).",
            ) from None
        except DownloadCancelled:
            shown.end()
            raise CliExit(
                Exit.INTERRUPTED,
                f"Stopped by Ctrl+C; {part} stays: the same command resumes from it.",
            ) from None
        except (DownloadError, requests.RequestException) as exc:
            shown.end()
            raise CliExit(
                Exit.UNREACHABLE, f"The video of task {task_id} could not be downloaded: {exc}"
            ) from None
        except OSError as exc:
            shown.end()
            raise CliExit(
                Exit.FAILURE, f"Could not write {destination}: {exc.strerror or exc}"
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
        raise CliExit(Exit.USAGE, f"Cannot write {path}: {exc.strerror or exc}") from None
    which = f" ({', '.join(statuses)})" if statuses else ""
    out(f"Exported {count} task(s){which} to {path}")
    return Exit.OK
