"""The ``avatar-cli`` command line declared once, as data: the options every command takes
and the command groups with their commands, arguments and help (:data:`CLI`).
:func:`build_parser` makes the argparse parser of it, and :func:`summary` the one-line usage of
every command that ``--help`` (and README.md) shows: no help text is written twice."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from avatar_desktop.cli.session import Session
from avatar_desktop.cli.storage import cmd_storage_login, cmd_storage_logout, cmd_storage_test
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
from avatar_desktop.core.settings import CONCURRENCY_RANGE, CONFIG_KEYS
from avatar_desktop.core.task_export import CSV_COLUMNS, format_for
from avatar_desktop.core.vault import ENV_VAR, STORAGE_ENV_VARS


def _service_url(value: str) -> str:
    try:
        return normalize_base_url(value)
    except BaseUrlError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_FEWEST, _MOST = CONCURRENCY_RANGE
"""How many items ``queue send --concurrency`` may send at a time (the settings' rule)."""


def _concurrency(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not _FEWEST <= number <= _MOST:
        raise argparse.ArgumentTypeError(f"must be a whole number from {_FEWEST} to {_MOST}")
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


Handler = Callable[[Session, argparse.Namespace], int]


def _key_help(name: str, help: str) -> str:
    """One key of ``config --help``: the name, then its help wrapped beside it."""
    lines = textwrap.wrap(help, 78 - 26) or [""]
    head = f"  {name:<24}"
    return "\n".join([head + lines[0], *(" " * 26 + line for line in lines[1:])])


@dataclass(frozen=True)
class Arg:
    """One argument: its name(s) and what :meth:`argparse.ArgumentParser.add_argument` takes."""

    names: tuple[str, ...]
    options: dict[str, Any]

    @property
    def bare(self) -> str:
        """``FILE``, ``--json``, ``--concurrency N`` or ``--variant a|b|c``."""
        metavar = self.options.get("metavar") or "|".join(self.options.get("choices", ()))
        if not self.names[0].startswith("-"):
            return str(metavar)
        if self.options.get("action") == "store_true":
            return self.names[0]
        return f"{self.names[0]} {metavar}"

    @property
    def usage(self) -> str:
        """As the summary shows it: an option in brackets (``[--json]``)."""
        return f"[{self.bare}]" if self.names[0].startswith("-") else self.bare


def arg(*names: str, **options: Any) -> Arg:
    """``arg("--to", metavar="DIR", help=…)``: declared as ``add_argument`` is called."""
    return Arg(names, options)


@dataclass(frozen=True)
class OneOf:
    """Arguments that exclude each other; ``required``: exactly one of them is given."""

    args: tuple[Arg, ...]
    required: bool = False

    @property
    def usage(self) -> str:
        inner = " | ".join(a.bare for a in self.args)
        return f"({inner})" if self.required else f"[{inner}]"


@dataclass(frozen=True)
class Command:
    """One action of a group: ``help`` is its one line, ``details`` the paragraphs of its own
    ``--help``; ``joined`` puts it on the summary line of the command before it."""

    name: str
    help: str
    handler: Handler
    args: tuple[Arg | OneOf, ...] = ()
    details: str = ""
    joined: bool = False


@dataclass(frozen=True)
class Group:
    """A command group (``queue``, ``tasks``, ``config``) and its actions."""

    name: str
    help: str
    commands: tuple[Command, ...]
    description: str | None = None


@dataclass(frozen=True)
class CommandLine:
    """All of ``avatar-cli``: ``common`` are the options that work before the command and
    after it."""

    description: str
    common: tuple[Arg | OneOf, ...]
    groups: tuple[Group, ...]


ITEM_ID = arg("id", metavar="ID", type=_item_id)
JSON_ARRAY = arg("--json", action="store_true", help="print a JSON array")
JSON_OBJECT = arg("--json", action="store_true", help="print a JSON object")
CONFIG_KEY = arg("key", metavar="KEY", choices=list(CONFIG_KEYS))

CLI = CommandLine(
    description="Queue, send and follow Avatar Desktop jobs from a terminal, with the same "
    "data folder, settings and rules as the window.",
    common=(
        OneOf(
            (
                arg(
                    "--service",
                    metavar="URL",
                    type=_service_url,
                    default=None,
                    help="use this service address for this run (https://, or http:// to this "
                    "computer)",
                ),
                arg(
                    "--sandbox",
                    action="store_true",
                    default=None,
                    help="use the built-in sandbox (free, no token, no network)",
                ),
            )
        ),
        arg(
            "--verbose",
            action="store_true",
            default=False,
            help="log details, and show a traceback on an unexpected failure",
        ),
    ),
    groups=(
        Group(
            "queue",
            "the outbox: jobs waiting to be sent",
            (
                Command(
                    "import",
                    "queue the rows of a CSV, JSON or JSON Lines file (all or none)",
                    cmd_queue_import,
                    (
                        arg("file", metavar="FILE"),
                        arg(
                            "--dry-run", action="store_true", help="only check and report the rows"
                        ),
                        arg(
                            "--skip-invalid",
                            action="store_true",
                            help="queue the valid rows, report the others",
                        ),
                        arg(
                            "--allow-duplicates",
                            action="store_true",
                            help="queue rows identical to a job already queued or submitted (each "
                            "is billed)",
                        ),
                        arg(
                            "--consent",
                            action="store_true",
                            help="confirm that the speaker of each voice sample cloned "
                            "(create_voice) agreed to having the voice cloned; without it a sample "
                            "with no consent on record exits 2",
                        ),
                    ),
                    details="A URL cell (avatar_url, audio_url, a create_voice row's audio_url) "
                    "may name a file on this computer: an absolute path, a file:// URI, or a "
                    "path relative to FILE's folder. Each file is read when the row is queued "
                    "(its path, size and SHA-256 are kept with the item: 'queue list --json' "
                    "'files') and uploaded when the item is sent: to your storage (storage.* "
                    "settings, 'storage login'), or, on the built-in sandbox with no storage set "
                    "up, to the sandbox itself. A missing or unreadable file, or a file with no "
                    "storage set up, is 'line N: FIELD: reason' and exits 2.",
                ),
                Command(
                    "list",
                    "list the items of every service",
                    cmd_queue_list,
                    (JSON_ARRAY,),
                    details="An item's state is queued, uploading (its local files are being "
                    "uploaded; free), sending, retry_wait, submitted, refused, outcome_unknown "
                    "or cancelled. With --json each item also has 'files' (field -> {path, "
                    "size, sha256}, the local files it uploads) and 'sent_payload' (the body "
                    "actually sent, the files' links in place of their paths, or null); "
                    "'payload' keeps your own paths.",
                ),
                Command(
                    "send",
                    "send the items that are due (exactly those counted at the start; items "
                    "queued meanwhile wait for the next run)",
                    cmd_queue_send,
                    (
                        arg(
                            "--wait",
                            action="store_true",
                            help="go on through the delays the service asks for until nothing "
                            "waits",
                        ),
                        arg(
                            "--yes",
                            action="store_true",
                            help=f"send more than {CONFIRM_ABOVE} items without asking",
                        ),
                        arg(
                            "--concurrency",
                            metavar="N",
                            type=_concurrency,
                            default=None,
                            help=f"items sent at a time, {_FEWEST} to {_MOST} (default: the "
                            "window's setting, 2 unless changed)",
                        ),
                        arg(
                            "--timeout",
                            metavar="SECONDS",
                            type=_seconds,
                            default=None,
                            help="stop after this many seconds (exit 7): no item is taken after "
                            "it, and an answer still on its way then is cut (its item becomes "
                            "outcome_unknown)",
                        ),
                    ),
                    details="An item with local files is uploading first (progress on stderr; "
                    "uploading is free, the paid request leaves after): each file is checked "
                    "again — one changed or gone since it was queued makes the item refused "
                    "(exit 3), nothing uploaded or sent — and a file two items use is stored "
                    "once. A storage that cannot be reached makes the item wait as an "
                    "unreachable service does (retry_wait, exit 4); a storage that refuses its "
                    "keys leaves the items with files queued, sends the others, and exits 5.",
                ),
                Command("cancel", "cancel an item", cmd_queue_cancel, (ITEM_ID,)),
                Command(
                    "retry",
                    "queue a refused, cancelled or outcome_unknown item again",
                    cmd_queue_retry,
                    (ITEM_ID,),
                    joined=True,
                ),
                Command(
                    "resolve",
                    "settle an outcome_unknown item: the job exists as task T, or discard it",
                    cmd_queue_resolve,
                    (
                        ITEM_ID,
                        OneOf(
                            (
                                arg(
                                    "--task-id",
                                    metavar="T",
                                    type=_task_id,
                                    help="the task id the service gave the job ("
                                    + TASK_ID_RULE.replace("%", "%%")
                                    + ")",
                                ),
                                arg(
                                    "--discard",
                                    action="store_true",
                                    help="no job was created: cancel it",
                                ),
                            ),
                            required=True,
                        ),
                    ),
                    joined=True,
                ),
                Command(
                    "move",
                    "send an item to the service of this run instead of its own (billed there)",
                    cmd_queue_move,
                    (ITEM_ID,),
                    details="An item is only ever sent to the service it was queued for; this "
                    "moves it to the service of this run (--service, --sandbox, else the "
                    "settings'), where it is queued afresh (its wait and reason cleared). Only "
                    "queued, retry_wait and refused items move. An unknown id, another state, "
                    "the same service, or the same request already queued or submitted there "
                    "exits 2 and changes nothing.",
                ),
            ),
        ),
        Group(
            "tasks",
            "the task list: submitted jobs",
            (
                Command(
                    "list",
                    "list the tasks of every service",
                    cmd_tasks_list,
                    (JSON_ARRAY,),
                    details="updated_at (in --json, 'tasks show --json' and exports) is when "
                    "something shown of the task last changed: its status, progress, result "
                    "links, times, fail_reason, error or task id — the window's Updated column. "
                    "A status check that changes nothing and saving its video leave it as it "
                    "is (checked_at and saved_path say those).",
                ),
                Command(
                    "refresh",
                    "ask the service about its unfinished tasks",
                    cmd_tasks_refresh,
                    (
                        arg(
                            "--wait",
                            action="store_true",
                            help="go on until every task is final or not found",
                        ),
                        arg(
                            "--timeout",
                            metavar="SECONDS",
                            type=_seconds,
                            default=None,
                            help="give up after this many seconds (exit 7)",
                        ),
                        arg(
                            "--no-keep",
                            action="store_true",
                            help="do not save finished videos in this run, whatever the "
                            "settings say",
                        ),
                    ),
                    details="With 'Keep finished videos automatically' on (the window's "
                    "settings), after each round and at the end it also saves the video of "
                    "every task of that service that succeeded and has no saved file, into the "
                    "window's download folder, printing 'saved: PATH' for each; --no-keep skips "
                    "that for this run. A task whose video another program (the window, another "
                    "run) is saving is left to it. A video that cannot be saved is said on "
                    "stderr and never changes the exit code: an expired link is recorded as the "
                    "task's error ('tasks show') and not tried again; after a broken connection "
                    "the .part file stays and the next run (or the window) resumes it. Ctrl+C "
                    "(exit 130) and --timeout (exit 7) also stop a download, keeping its .part "
                    "file.",
                ),
                Command(
                    "add",
                    "add a task made elsewhere (the website, another computer) to follow it",
                    cmd_tasks_add,
                    (arg("task_id", metavar="TASK_ID", type=_task_id),),
                    details="The task joins the list of the chosen service (--service, "
                    "--sandbox, else the settings') with an empty request; 'tasks refresh' then "
                    f"asks about it. A task id is {TASK_ID_RULE} (surrounding spaces are "
                    "ignored); another one, or one already in the list, exits 2 and changes "
                    "nothing.",
                ),
                Command(
                    "show",
                    "show one task: status, times, reasons, links, saved file",
                    cmd_tasks_show,
                    (arg("task_id", metavar="TASK_ID", type=_task_id), JSON_OBJECT),
                    details="Status and progress, the submitted / started / finished times and "
                    "the duration, fail_reason (the service's words), error (the app's), every "
                    "result link, the saved file and, for a cloned voice, when and how the "
                    "speaker's consent was given. A task id not in the list exits 2.\n\n"
                    "--json prints one JSON object: every field of 'tasks list --json' plus "
                    "submitted_at, started_at, finished_at, checked_at (ISO 8601 or null), "
                    "saved_path, label, links (variant -> URL) and consent (the consent record, "
                    "or null).",
                ),
                Command(
                    "download",
                    "save a finished task's video; prints the saved path",
                    cmd_tasks_download,
                    (
                        arg("task_id", metavar="TASK_ID", type=_task_id),
                        arg(
                            "--variant",
                            choices=VARIANTS,
                            default="default",
                            help="which video (default: default)",
                        ),
                        arg(
                            "--to",
                            metavar="DIR",
                            default=None,
                            help="the folder to save in (made when missing)",
                        ),
                    ),
                    details="The folder is --to DIR, else the window's download folder when one "
                    "is set, else the system's Videos folder; the file is "
                    "avatar-TASK_ID[-no-watermark|-watermarked].mp4. It is written as NAME.part "
                    "and renamed only when complete; a dropped connection resumes with a Range "
                    "request (a few attempts), and a later run resumes from the .part file. The "
                    "saved path is "
                    "recorded in the task list ('tasks show').\n\n"
                    "Exits 6 when the link has expired or is gone (403, 404, 410); 2 when the "
                    "task is not in the list, not finished, or has no video of that variant; 4 "
                    "when the connection kept breaking, or while another program (the window, "
                    "another run) is saving this task's video; 130 on Ctrl+C. The .part file "
                    "stays after a broken connection or Ctrl+C.",
                ),
                Command(
                    "export",
                    "write the task list to a CSV or JSON file; prints how many",
                    cmd_tasks_export,
                    (
                        arg("file", metavar="FILE.csv|FILE.json", type=_export_file),
                        arg(
                            "--status",
                            metavar="S",
                            type=_statuses,
                            action="extend",
                            default=None,
                            help="only tasks with this status, as 'tasks list --json' prints it "
                            "(SUCCESS, FAILURE, IN_PROGRESS, NOT_FOUND, …; any case); repeat it "
                            "or separate by commas",
                        ),
                    ),
                    details="The tasks of every service, newest first (only those of the given "
                    "statuses with --status). The format follows the file name. CSV: UTF-8 with "
                    "a byte order mark (for spreadsheets), one header row, the columns "
                    + ", ".join(CSV_COLUMNS)
                    + "; times in ISO 8601; a cell starting with = + - @ (or a tab or carriage "
                    "return) gets a leading apostrophe so that no spreadsheet runs it as a "
                    "formula. JSON: an array of 'tasks show --json' objects. The file is "
                    "replaced only once complete. The token is never written.",
                ),
            ),
        ),
        Group(
            "config",
            "the settings the window and avatar-cli share",
            (
                Command("list", "print every key and its value", cmd_config_list, (JSON_OBJECT,)),
                Command("get", "print one key's value", cmd_config_get, (CONFIG_KEY,), joined=True),
                Command(
                    "set",
                    "change one key",
                    cmd_config_set,
                    (CONFIG_KEY, arg("value", metavar="VALUE")),
                    joined=True,
                ),
                Command(
                    "unset",
                    "give one key its default value back",
                    cmd_config_unset,
                    (CONFIG_KEY,),
                    joined=True,
                ),
            ),
            description="The settings the window and avatar-cli share (settings.ini in the "
            "data folder). A value is checked by the same rules as the window's Settings "
            "dialog; a bad key or value exits 2 and changes nothing. The open window follows a "
            "change at once.\n\nkeys:\n"
            + "\n".join(_key_help(name, key.help) for name, key in CONFIG_KEYS.items()),
        ),
        Group(
            "storage",
            "your own S3-compatible storage, where local files are uploaded",
            (
                Command(
                    "login",
                    "save the storage's access key id and secret in the system keyring",
                    cmd_storage_login,
                    details="At a terminal both are asked for without echo; otherwise stdin "
                    "gives two lines: the access key id, then the secret access key. They are "
                    "kept only in the system keyring, never in a file, and never printed. "
                    f"{STORAGE_ENV_VARS[0]}, {STORAGE_ENV_VARS[1]} (and {STORAGE_ENV_VARS[2]}), "
                    "when set, are used instead. An empty or unusable value exits 2; a keyring "
                    "that cannot keep them exits 1.",
                ),
                Command(
                    "logout",
                    "remove them from the keyring",
                    cmd_storage_logout,
                    joined=True,
                ),
                Command(
                    "test",
                    "write, read back and delete a small object; says which step failed",
                    cmd_storage_test,
                    details="Uses the storage.* settings ('avatar-cli config') and the saved "
                    "keys, as the window's Test button does. The steps: connecting to the "
                    "storage, writing a test object (under storage.prefix), reading it back, "
                    "deleting it. Exits 0 when all worked; 4 when the storage could not be "
                    "reached; 5 when it refused the keys or the access, the bucket is missing, "
                    "or there are no keys; 2 when no storage is set up; 1 otherwise. The step "
                    "that failed is said on stderr.",
                    joined=True,
                ),
            ),
        ),
    ),
)


def summary() -> Iterator[str]:
    """The usage of every command, one line each (``joined`` commands share a line):
    ``queue send [--wait] [--yes] [--concurrency N] [--timeout SECONDS]``."""
    for group in CLI.groups:
        line = ""
        for command in group.commands:
            usage = " ".join([group.name, command.name, *(a.usage for a in command.args)])
            if command.joined:
                line += f"  |  {usage}"
                continue
            if line:
                yield line
            line = usage
        yield line


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
    head = "commands:\n" + "".join(f"  {line}\n" for line in summary()) + "\n" if commands else ""
    return f"{head}{about}\n\nexit codes:\n" + "\n".join(codes)


def _add(parser: Any, specs: tuple[Arg | OneOf, ...], *, defaults: bool = True) -> None:
    """Adds ``specs`` to ``parser`` (or a group of it); without ``defaults`` an option left out
    sets nothing (so that a common option given before the command is not undone)."""
    for spec in specs:
        if isinstance(spec, OneOf):
            _add(
                parser.add_mutually_exclusive_group(required=spec.required),
                spec.args,
                defaults=defaults,
            )
            continue
        options = spec.options if defaults else {**spec.options, "default": argparse.SUPPRESS}
        parser.add_argument(*spec.names, **options)


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=CLI.description,
        epilog=_epilog(commands=True),
        formatter_class=formatter,
    )
    _add(parser, CLI.common)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND", required=True)
    for group in CLI.groups:
        group_parser = groups.add_parser(
            group.name,
            help=group.help,
            description=group.description,
            formatter_class=formatter,
            epilog=_epilog(),
        )
        actions = group_parser.add_subparsers(dest="command", metavar="ACTION", required=True)
        for command in group.commands:
            description = command.help
            if command.details:
                parts = (command.help, *command.details.split("\n\n"))
                description = "\n\n".join(textwrap.fill(part, 78) for part in parts)
            sub = actions.add_parser(
                command.name,
                help=command.help,
                description=description,
                epilog=_epilog(),
                formatter_class=formatter,
            )
            _add(sub, CLI.common, defaults=False)
            _add(sub, command.args)
            sub.set_defaults(handler=command.handler)
    return parser
