"""Command line of the sandbox: ``python -m avatar_desktop.sandbox`` / ``avatar-sandbox``."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.samples import AVATAR_SAMPLE, SAMPLES_PATH, SandboxSamples

from .server import FAIL_TRIGGER, MAX_TASKS, STALL_TRIGGER, SandboxServer

_EPILOG = f"""\
Endpoints (API.md): POST /avatar/generation, GET /avatar/task/<task_id>,
GET /avatar/voice?language=zh|en. Every /avatar/ request needs
"Authorization: Bearer <token>" (any non-empty token unless --token is given).

Task lifecycle, one step = --step-seconds: NOT_START (1 step), QUEUED (1 step),
IN_PROGRESS (3 steps, 10%..90%), then SUCCESS. Step 0 succeeds at once.

Failure triggers (any string in the submitted JSON body, e.g. the text):
  {FAIL_TRIGGER:<14} the task ends in FAILURE with a fail_reason
  {STALL_TRIGGER:<14} the task stays UNKNOWN forever (a stalled task)

Media (no auth): /media/<task_id>/out.mp4|out_nowm.mp4|out_wm.mp4|cover.webp once a
task succeeded; sample inputs {SAMPLES_PATH}/{AVATAR_SAMPLE} and
{SAMPLES_PATH}/voice-<N>s.wav (N = 1..600 seconds).

State (tasks survive restarts): tasks are saved in a state file, by default
<data folder>/sandbox/port-<PORT>.json, so task ids, their progress and result links
stay valid after a restart. The data folder is the app's: ~/.local/share/avatar-desktop
(Linux), ~/Library/Application Support/Avatar Desktop (macOS), %APPDATA%\\AvatarDesktop
(Windows), or $AVATAR_DESKTOP_DATA_DIR when set.
  --state FILE   use FILE instead (also with --port 0)
  --no-state     keep tasks in memory only
--port 0 without --state keeps them in memory only (the port, and so every result
link, changes each run). The path is printed at start. One sandbox at a time writes a
state file (it locks FILE.lock beside it); a second one on the same file serves the
tasks it found at start but keeps new ones in memory only. A damaged file is moved
aside to FILE.damaged-<time> and the sandbox starts empty. At most {MAX_TASKS} tasks
are kept; the oldest are forgotten first. The file holds no request bodies.
"""


def default_state_path(port: int) -> Path | None:
    """The state file ``avatar-sandbox --port PORT`` uses unless told otherwise (None: port 0)."""
    if port == 0:
        return None
    return data_dir() / "sandbox" / f"port-{port}.json"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="avatar-sandbox",
        description="Local stand-in of the digital-human video API, for tests and offline demos.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--token", default=None, help="accept only this bearer token (default: any non-empty)"
    )
    parser.add_argument(
        "--step-seconds",
        type=float,
        default=2.0,
        help="length of one task lifecycle step in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (the sandbox has no real security)",
    )
    state = parser.add_mutually_exclusive_group()
    state.add_argument(
        "--state",
        metavar="FILE",
        type=Path,
        default=None,
        help="keep tasks across restarts in FILE (default: <data folder>/sandbox/"
        "port-<PORT>.json; none with --port 0)",
    )
    state.add_argument(
        "--no-state", action="store_true", help="keep tasks in memory only (lost on exit)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def _state_path(args: argparse.Namespace) -> tuple[Path | None, str]:
    """The state file to use, and why there is none when there is none."""
    if args.no_state:
        return None, "--no-state"
    if args.state is not None:
        return args.state.expanduser().absolute(), ""
    if args.port == 0:
        return None, "--port 0 changes the port, and so every result link, each run"
    try:
        return default_state_path(args.port), ""
    except OSError as exc:
        return None, f"the data folder cannot be used: {exc}"


def try_commands(base: str, token: str, samples: SandboxSamples, *, windows: bool) -> str:
    """The two curl commands the start-up message offers: for a POSIX shell, or on Windows
    for the Command Prompt (one line each, double quotes; ``curl.exe``, which Windows 10 and
    later include, since PowerShell's ``curl`` is another command)."""
    body = {"avatar_url": samples.avatar_url, "audio_url": samples.audio_url}
    if windows:
        data = json.dumps(body).replace('"', '\\"')
        return (
            "Try (Command Prompt):\n"
            f'  curl.exe -s {base}/avatar/generation -H "Authorization: Bearer {token}" '
            f'-H "Content-Type: application/json" -d "{data}"\n'
            f'  curl.exe -s -H "Authorization: Bearer {token}" {base}/avatar/task/<task_id>\n'
        )
    return (
        "Try:\n"
        f"  curl -s {base}/avatar/generation \\\n"
        f'    -H "Authorization: Bearer {token}" -H "Content-Type: application/json" \\\n'
        f"    -d '{json.dumps(body)}'\n"
        f'  curl -s -H "Authorization: Bearer {token}" {base}/avatar/task/<task_id>\n'
    )


def _say(text: str) -> None:
    try:
        print(text, flush=True)
    except UnicodeEncodeError:
        print(text.encode("ascii", "replace").decode("ascii"), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until Ctrl+C (SIGINT) or SIGTERM; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.step_seconds < 0:
        parser.error("--step-seconds must be >= 0")
    if args.token == "":
        parser.error("--token must not be empty")
    if not _is_loopback(args.host) and not args.allow_remote:
        parser.error(
            f"refusing to listen on non-loopback address {args.host!r}; "
            "pass --allow-remote if you really mean it"
        )

    state_path, no_state_reason = _state_path(args)
    server = SandboxServer(
        host=args.host,
        port=args.port,
        token=args.token,
        step_seconds=args.step_seconds,
        verbose=args.verbose,
        state_path=state_path,
    )
    try:
        server.start()
    except OSError as exc:
        print(f"avatar-sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1

    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread: rely on KeyboardInterrupt
            previous[signum] = signal.signal(signum, on_signal)
    base = server.base_url
    token = args.token or "sandbox"
    _say(f"Avatar sandbox listening — base URL: {base}")
    if server.persisting:
        _say(f"State file: {server.state_path} (tasks survive restarts; --no-state: memory only)")
    elif state_path is not None:
        _say(
            f"State file: {state_path} is not written by this sandbox (see above); "
            "new tasks stay in memory only"
        )
    else:
        _say(f"State: tasks in memory only ({no_state_reason})")
    samples = SandboxSamples.at(base)
    _say(
        "Sample media (no token needed), to try a job with no network:\n"
        f"  avatar        {samples.avatar_url}\n"
        f"  audio         {samples.audio_url}\n"
        f"  voice sample  {samples.voice_sample_url}\n"
        + try_commands(base, token, samples, windows=sys.platform == "win32")
        + f"Put {FAIL_TRIGGER} (or {STALL_TRIGGER}) in any text to get a failed (stalled) task. "
        "Ctrl+C stops."
    )
    try:
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        server.stop()
    _say("Avatar sandbox stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
