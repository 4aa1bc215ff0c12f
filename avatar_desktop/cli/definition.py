"""The ``avatar-cli`` parser: its commands, arguments and help."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from avatar_desktop import __version__
from avatar_desktop.cli.config import (
    cmd_config_get,
    cmd_config_list,
    cmd_config_set,
    cmd_config_unset,
)
from avatar_desktop.cli.exits import Exit
from avatar_desktop.cli.output import PROG
from avatar_desktop.cli.queue import (
    cmd_queue_cancel,
    cmd_queue_import,
    cmd_queue_list,
    cmd_queue_move,
    cmd_queue_resolve,
    cmd_queue_retry,
    cmd_queue_send,
)
from avatar_desktop.cli.session import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from avatar_desktop.cli.tasks import (
    STATUS_NAMES,
    cmd_tasks_add,
    cmd_tasks_download,
    cmd_tasks_export,
    cmd_tasks_list,
    cmd_tasks_refresh,
    cmd_tasks_show,
)
from avatar_desktop.core.delivery import CONFIRM_ABOVE
from avatar_desktop.core.downloads import VARIANTS
from avatar_desktop.core.request import TASK_ID_RULE, InvalidTaskId, valid_task_id
from avatar_desktop.core.service import BaseUrlError, normalize_base_url
from avatar_desktop.core.settings import CONFIG_KEYS
from avatar_desktop.core.task_export import CSV_COLUMNS, format_for
from avatar_desktop.core.vault import ENV_VAR


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
    for code in Exit:
        lines = textwrap.wrap(code.meaning, width - 7)
        codes.append(f"  {code.value:<4} {lines[0]}")
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
