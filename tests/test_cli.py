"""``avatar-cli`` as a user runs it: real processes on a private data folder, a real sandbox."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from test_downloads import FlakyServer, FullBacklog

from avatar_desktop.app import LazySandbox
from avatar_desktop.cli import Exit
from avatar_desktop.cli.definition import CLI, summary
from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.downloads import part_path
from avatar_desktop.core.keeping import LINK_EXPIRED_ERROR
from avatar_desktop.core.paths import data_dir, resource_path
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import ItemState, NewItem, Outbox, WaitKind
from avatar_desktop.core.store.schema import canonical_json
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.sandbox import Fault, SandboxServer

ROOT = Path(__file__).resolve().parent.parent
AVATAR = "https://example.com/avatar.png"
SECRET = "sk-cli-test-0123456789abcdef0123456789abcdef"


# --- helpers --------------------------------------------------------------------------------


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    @property
    def text(self) -> str:
        return self.out + self.err


def cli_env(**extra: str) -> dict[str, str]:
    """The test's environment (private data folder, no token) with the keyring switched off."""
    env = dict(os.environ)
    env.pop("AVATAR_API_TOKEN", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "avatar_desktop.cli", *args]


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
    proc = subprocess.run(
        command(*args),
        cwd=ROOT,
        env=env or cli_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )
    result = Result(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))
    assert "Traceback" not in result.err, result.err
    return result


def wait_for(condition, timeout: float = 30.0, what: str = "a condition") -> None:
    """Wait until ``condition()`` is true (checked every few milliseconds)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pause.wait(0.01)


def request(n: int = 0, avatar: str = AVATAR) -> GenerationRequest:
    return GenerationRequest(avatar, AudioTrack(f"https://example.com/voice-{n}.mp3"))


def submits(server: SandboxServer) -> list[bytes]:
    return [r.body for r in server.requests if r.path == "/avatar/generation"]


@pytest.fixture
def dead_url():
    """An address on this computer where nobody listens: connections are refused. The port
    stays bound (without listening) so no other program can take it during the test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Store:
    outbox: Outbox
    tasks: TaskStore

    def add(self, url: str, count: int, start: int = 0, avatar: str = AVATAR) -> list[int]:
        items = [NewItem(request(n, avatar)) for n in range(start, start + count)]
        return self.outbox.add_many(url, items)

    def state(self, item_id: int) -> ItemState:
        return self.outbox.get(item_id).state


@pytest.fixture
def store():
    """The data file the command line uses (the test's private data folder)."""
    db = Database(data_dir() / "tasks.sqlite3")
    yield Store(Outbox(db), TaskStore(db))
    db.close()


def write_csv(path: Path, rows: list[str], header: str = "avatar_url,audio_url") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def row(n: int) -> str:
    return f"{AVATAR},https://example.com/voice-{n}.mp3"


# --- help, usage, layering --------------------------------------------------------------------


def test_help_documents_the_commands_and_every_exit_code():
    result = cli("--help")
    assert result.code == 0
    for code in Exit:
        assert f"  {code.value:<4} {code.meaning.split()[0]}" in result.out
    assert "\ncommands:\n" + "".join(f"  {line}\n" for line in summary()) in result.out
    for needed in ("refused", "outcome_unknown", "--timeout", "token"):
        assert needed in result.out
    for synopsis in (
        "queue import FILE",
        "queue send",
        "queue resolve ID",
        "tasks refresh [--wait] [--timeout SECONDS] [--no-keep]",
        "tasks add TASK_ID",
        "tasks show TASK_ID [--json]",
        "tasks download TASK_ID [--variant default|no_watermark|watermarked] [--to DIR]",
        "tasks export FILE.csv|FILE.json [--status S]",
    ):
        assert synopsis in result.out
    assert "exit codes" in cli("queue", "send", "--help").out
    assert Exit(6).meaning.startswith("tasks download: the result link has expired")
    for command_args, needed in (
        (["tasks", "download"], ("Exits 6", ".part", "Range", "Videos")),
        (["tasks", "show"], ("submitted_at", "links")),
        (["tasks", "export"], ("byte order", "apostrophe", "token")),
        (["tasks", "add"], ("exits 2",)),
        (["tasks", "refresh"], ("--no-keep", "saved: PATH", "never changes the exit code")),
    ):
        text = " ".join(cli(*command_args, "--help").out.split())
        for word in needed:
            assert word in text, (command_args, word)


def test_the_readme_shows_the_generated_usage_summary_and_exit_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("\n```\navatar-cli ", 1)[1].split("\n```", 1)[0]
    common = " ".join(spec.usage for spec in CLI.common)
    assert f"avatar-cli {block}".splitlines() == [
        f"avatar-cli {common} COMMAND",
        *(f"  {line}" for line in summary()),
    ]
    assert "queue send [--wait] [--yes] [--concurrency N] [--timeout SECONDS]" in summary()
    table = readme.split("| exit code | meaning |\n| --- | --- |\n", 1)[1].split("\n\n", 1)[0]
    assert table.splitlines() == [f"| {code.value} | {code.meaning} |" for code in Exit]


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / ("avatar-cli.exe" if os.name == "nt" else "avatar-cli")
    if not script.exists():
        pytest.skip("the package is not installed in this interpreter's environment")
    proc = subprocess.run(
        [str(script), "--version"], env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.startswith("avatar-cli ")


@pytest.mark.parametrize(
    "args",
    [
        ["--service", "http://example.com", "queue", "list"],  # clear text to another host
        ["--service", "ftp://127.0.0.1", "queue", "list"],
        ["queue", "send", "--concurrency", "9"],
        ["queue", "send", "--concurrency", "0"],
        ["queue", "cancel", "x"],
        ["queue", "resolve", "1"],  # needs --task-id or --discard
        ["--sandbox", "queue", "list", "--service", "http://127.0.0.1:1"],
        ["tasks", "refresh", "--timeout", "-1"],
        ["nothing"],
    ],
)
def test_bad_usage_exits_2_and_changes_nothing(args):
    result = cli(*args)
    assert result.code == 2
    assert not (data_dir() / "tasks.sqlite3").exists()


def test_a_refused_service_address_is_explained():
    result = cli("--service", "http://example.com", "queue", "send")
    assert result.code == 2
    assert "http://" in result.err and "this computer" in result.err


def test_no_qt_widgets_are_imported(sandbox, store, tmp_path):
    store.add(sandbox.base_url, 2)
    jobs = write_csv(tmp_path / "jobs.csv", [row(5)])
    home = tmp_path / "home"
    home.mkdir()
    code = (
        "import json, sys\n"
        "from avatar_desktop.cli import main\n"
        "from avatar_desktop.core.paths import data_dir\n"
        "from avatar_desktop.core.store.tasks import TaskStore\n"
        "url, jobs, export = sys.argv[1], sys.argv[2], sys.argv[3]\n"
        "codes = [main(['--service', url, *args]) for args in (\n"
        "    ['queue', 'import', jobs], ['queue', 'send'], ['tasks', 'refresh', '--wait'],\n"
        "    ['queue', 'list', '--json'], ['tasks', 'list'], ['queue', 'list'],\n"
        "    ['tasks', 'add', 'f' * 32], ['tasks', 'export', export])]\n"
        "with TaskStore(data_dir() / 'tasks.sqlite3') as store:\n"
        "    done = next(store.iter_records(statuses=['SUCCESS'])).task_id\n"
        "codes.append(main(['tasks', 'show', done]))\n"
        "codes.append(main(['tasks', 'download', done, '--to', export + '.videos']))\n"
        "codes.append(main(['--sandbox', 'tasks', 'refresh']))\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6.QtWidgets', "
        "'PySide6.QtGui')))\n"
        "print('RESULT', json.dumps({'codes': codes, 'bad': bad}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, sandbox.base_url, str(jobs), str(tmp_path / "t.csv")],
        cwd=ROOT,
        env=cli_env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config")),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1].removeprefix("RESULT "))
    assert found == {"codes": [0] * 11, "bad": []}
    # Saved where asked (never in the system's video folder: Windows' and macOS' do not follow
    # HOME, and a test must not write into the real one).
    assert len(list((tmp_path / "t.csv.videos").glob("avatar-*.mp4"))) == 1


# --- queue import -----------------------------------------------------------------------------


def test_import_queues_every_row_with_its_source(sandbox, tmp_path):
    jobs = write_csv(tmp_path / "jobs.csv", [row(1), row(2), row(3)])
    result = cli("--service", sandbox.base_url, "queue", "import", str(jobs))
    assert result.code == 0, result.err
    assert "Queued 3 item(s)" in result.out
    items = cli("queue", "list", "--json").json()
    assert [item["source"] for item in items] == [f"jobs.csv line {n}" for n in (2, 3, 4)]
    assert items[0]["payload"] == request(1).to_payload()
    assert {item["service"] for item in items} == {sandbox.base_url}
    assert {item["state"] for item in items} == {"queued"}
    assert sandbox.requests == []  # importing sends nothing


def test_an_invalid_row_stops_the_import_unless_skipped(tmp_path, store):
    url = "http://127.0.0.1:1"
    jobs = write_csv(tmp_path / "jobs.csv", [row(1), f"{AVATAR},not-a-url", row(3)])
    result = cli("--service", url, "queue", "import", str(jobs))
    assert result.code == 2
    assert "\nline 3: audio_url: is not a full URL" in f"\n{result.err}"  # as is, no prefix
    assert store.outbox.items() == []

    dry = cli("--service", url, "queue", "import", str(jobs), "--dry-run")
    assert dry.code == 2 and "line 3:" in dry.err and "2 item(s) would be queued" in dry.out
    assert store.outbox.items() == []

    skipped = cli("--service", url, "queue", "import", str(jobs), "--skip-invalid")
    assert skipped.code == 0 and "line 3:" in skipped.err
    assert [i.source for i in store.outbox.items()] == ["jobs.csv line 2", "jobs.csv line 4"]


def test_a_dry_run_of_a_valid_file_changes_nothing(tmp_path, store):
    jobs = write_csv(tmp_path / "jobs.csv", [row(1), row(2)])
    result = cli("--service", "http://127.0.0.1:1", "queue", "import", str(jobs), "--dry-run")
    assert result.code == 0 and "2 item(s) would be queued" in result.out
    assert store.outbox.items() == []


def test_duplicates_are_skipped_with_a_note_unless_allowed(tmp_path, store):
    url = "http://127.0.0.1:1"
    store.add(url, 1, start=1)  # already in the outbox
    store.tasks.add_task("f" * 32, url, request(2).to_payload())  # already a task
    cancelled = store.add(url, 1, start=3)[0]
    store.outbox.cancel(cancelled)  # a cancelled item is no duplicate
    jobs = write_csv(tmp_path / "jobs.csv", [row(1), row(2), row(3), row(4), row(4)])
    result = cli("--service", url, "queue", "import", str(jobs))
    assert result.code == 0, result.err
    assert "line 2: skipped" in result.err and "line 3: skipped" in result.err
    assert "line 6: skipped: the same request as line 5" in result.err
    sources = [i.source for i in store.outbox.items(url, [ItemState.QUEUED])]
    assert sources == [None, "jobs.csv line 4", "jobs.csv line 5"]

    again = cli("--service", url, "queue", "import", str(jobs), "--allow-duplicates")
    assert again.code == 0 and "skipped" not in again.err
    assert len(store.outbox.items(url, [ItemState.QUEUED])) == 3 + 5


def test_unknown_columns_are_reported_and_ignored(tmp_path, store):
    jobs = write_csv(tmp_path / "jobs.csv", [row(1) + ",red"], header="avatar_url,audio_url,colour")
    result = cli("--service", "http://127.0.0.1:1", "queue", "import", str(jobs))
    assert result.code == 0 and "colour" in result.err
    assert store.outbox.items()[0].payload == request(1).to_payload()


def test_an_unreadable_file_is_bad_input(tmp_path, store):
    missing = cli("--service", "http://127.0.0.1:1", "queue", "import", str(tmp_path / "no.csv"))
    assert missing.code == 2 and "no.csv" in missing.err
    broken = write_csv(tmp_path / "broken.csv", ["a,b"], header="colour,size")
    result = cli("--service", "http://127.0.0.1:1", "queue", "import", str(broken))
    assert result.code == 2 and "avatar_url" in result.err
    assert store.outbox.items() == []


def test_json_lines_import_numbers_its_lines(tmp_path, store):
    jobs = tmp_path / "jobs.jsonl"
    body = json.dumps(request(1).to_payload())
    jobs.write_text(f'{body}\n\n{{"avatar_url": 1}}\n', encoding="utf-8")
    result = cli("--service", "http://127.0.0.1:1", "queue", "import", str(jobs))
    assert result.code == 2 and "line 3:" in result.err


# --- choosing the service and the token -------------------------------------------------------


def test_without_a_choice_or_a_token_the_user_is_told_what_to_do(tmp_path, store):
    jobs = write_csv(tmp_path / "jobs.csv", [row(1)])
    for args in (["queue", "send"], ["queue", "import", str(jobs)], ["tasks", "refresh"]):
        result = cli(*args)
        assert result.code == 2 and "--sandbox" in result.err
    assert store.outbox.items() == []


def test_with_a_token_and_no_choice_the_official_service_is_used(tmp_path, store):
    jobs = write_csv(tmp_path / "jobs.csv", [row(1)])
    result = cli("queue", "import", str(jobs), env=cli_env(AVATAR_API_TOKEN=SECRET))
    assert result.code == 0, result.err
    assert store.outbox.items()[0].service_url == "https://api.gpt.ge"


def test_a_real_service_without_a_token_exits_5(store):
    store.add("https://api.example.com", 1)
    result = cli("--service", "https://api.example.com", "queue", "send")
    assert result.code == 5 and "AVATAR_API_TOKEN" in result.err
    assert store.outbox.items()[0].state is ItemState.QUEUED


def test_an_unusable_token_in_the_environment_exits_5(sandbox):
    result = cli(
        "--service", sandbox.base_url, "tasks", "refresh", env=cli_env(AVATAR_API_TOKEN="a b")
    )
    assert result.code == 5 and "AVATAR_API_TOKEN" in result.err


def test_the_custom_service_of_the_settings_is_used(sandbox, store):
    from avatar_desktop.core.settings import AppSettings, ServiceChoice

    settings = AppSettings(data_dir() / "settings.ini")
    settings.custom_url = sandbox.base_url
    settings.service = ServiceChoice.CUSTOM
    store.add(sandbox.base_url, 2)
    result = cli("queue", "send")
    assert result.code == 0, result.err
    assert len(submits(sandbox)) == 2


@pytest.fixture
def usual_port(monkeypatch) -> int:
    """A free port as the built-in sandbox's usual one (AVATAR_SANDBOX_PORT), so that these
    tests run whatever holds 47651 on this machine (an open window does)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    monkeypatch.setenv("AVATAR_SANDBOX_PORT", str(port))
    return port


def test_sandbox_uses_the_running_built_in_sandbox(store, usual_port):
    """--sandbox uses the sandbox the window of the same data folder runs (found through the
    folder, wherever it answers), never one of its own beside it."""
    window_sandbox = LazySandbox(step_seconds=0, port=usual_port)
    place = window_sandbox.place()
    try:
        store.add(place.home, 2)
        result = cli("--sandbox", "queue", "send")
        assert result.code == 0, result.err
        # The settings' choice does the same.
        from avatar_desktop.core.settings import AppSettings, ServiceChoice

        settings = AppSettings(data_dir() / "settings.ini")
        settings.service = ServiceChoice.SANDBOX
        store.add(place.home, 1, start=10)
        assert cli("queue", "send").code == 0
        ids = [item.task_id for item in store.outbox.items()]
        assert len(ids) == 3 and all(ids)
        state = json.loads((data_dir() / "sandbox" / "builtin.json").read_text("utf-8"))
        assert sorted(task["task_id"] for task in state["tasks"]) == sorted(ids)
    finally:
        window_sandbox.stop()


def test_sandbox_starts_its_own_when_none_runs(tmp_path, store, usual_port):
    jobs = write_csv(tmp_path / "jobs.csv", [row(1), row(2)])
    assert cli("--sandbox", "queue", "import", str(jobs)).code == 0
    assert {i.service_url for i in store.outbox.items()} == {f"http://127.0.0.1:{usual_port}"}
    sent = cli("--sandbox", "queue", "send")
    assert sent.code == 0, sent.err
    assert store.outbox.counts()[ItemState.SUBMITTED] == 2
    # A later run starts the sandbox again, which still knows the tasks (its state file).
    refreshed = cli("--sandbox", "tasks", "refresh")
    assert refreshed.code == 0, refreshed.err
    statuses = {t["status"] for t in cli("tasks", "list", "--json").json()}
    assert statuses and "NOT_FOUND" not in statuses
    assert (data_dir() / "sandbox" / "builtin.json").exists()


# --- queue send -------------------------------------------------------------------------------


def test_send_prints_each_outcome_and_makes_tasks(sandbox, store):
    ids = store.add(sandbox.base_url, 3)
    result = cli("--service", sandbox.base_url, "queue", "send", "--concurrency", "1")
    assert result.code == 0, result.err
    for item_id in ids:
        item = store.outbox.get(item_id)
        assert item.state is ItemState.SUBMITTED
        assert f"item {item_id}: submitted, task {item.task_id}" in result.out
        assert item.task_id in sandbox.tasks
    assert store.tasks.count() == 3
    bodies = submits(sandbox)
    assert len(bodies) == len(set(bodies)) == 3


def test_nothing_to_send_is_fine(sandbox):
    result = cli("--service", sandbox.base_url, "queue", "send")
    assert result.code == 0 and "nothing to send" in result.err


def test_more_than_five_items_need_yes(sandbox, store):
    store.add(sandbox.base_url, 6)
    refused = cli("--service", sandbox.base_url, "queue", "send")
    assert refused.code == 2 and "--yes" in refused.err
    assert sandbox.requests == []
    assert store.outbox.counts()[ItemState.QUEUED] == 6
    sent = cli("--service", sandbox.base_url, "queue", "send", "--yes")
    assert sent.code == 0, sent.err
    assert store.outbox.counts()[ItemState.SUBMITTED] == 6


@pytest.mark.skipif(sys.platform == "win32", reason="uses a pseudo-terminal (POSIX)")
@pytest.mark.parametrize(("answer", "code", "sent"), [("no", 2, 0), ("yes", 0, 6)])
def test_a_terminal_is_asked_before_sending_many(sandbox, store, answer, code, sent):
    import pty

    store.add(sandbox.base_url, 6)
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.Popen(
            command("--service", sandbox.base_url, "queue", "send"),
            cwd=ROOT,
            env=cli_env(),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.write(controller, f"{answer}\n".encode())
        _out, err = proc.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert proc.returncode == code
    assert b"Type yes to send" in err
    assert len(submits(sandbox)) == sent


def test_an_unreachable_service_exits_4_and_loses_nothing(store, dead_url):
    url = dead_url
    ids = store.add(url, 3)
    # One at a time, so each run tries exactly one item before it stops. With two senders the
    # count depended on thread timing: a sender that started late took the oldest due item,
    # which could be the one the first sender had just found unreachable (an explicit send
    # retries those at once), before the run had stopped.
    for extra in ([], ["--wait"]):
        result = cli("--service", url, "queue", "send", "--concurrency", "1", *extra)
        assert result.code == 4, result.err
        assert "nothing was lost" in result.err
    items = [store.outbox.get(i) for i in ids]
    assert {i.state for i in items} <= {ItemState.QUEUED, ItemState.RETRY_WAIT}
    waiting = [i for i in items if i.state is ItemState.RETRY_WAIT]
    assert [i.item_id for i in waiting] == [ids[0]]
    assert waiting[0].wait_kind is WaitKind.UNREACHABLE
    assert waiting[0].attempts == 2  # the second, explicit send tried it again at once
    assert [i.attempts for i in items[1:]] == [0, 0]


def test_a_refused_token_exits_5_and_gives_the_items_back(sandbox, store):
    sandbox.inject("submit", Fault(status=401, json_body={"error": {"message": "bad token"}}))
    ids = store.add(sandbox.base_url, 2)
    result = cli("--service", sandbox.base_url, "queue", "send")
    assert result.code == 5 and "token" in result.err
    assert [store.state(i) for i in ids] == [ItemState.QUEUED, ItemState.QUEUED]
    assert all(store.outbox.get(i).attempts == 0 for i in ids)


def test_refused_and_outcome_unknown_items_exit_3(sandbox, store):
    sandbox.inject("submit", Fault.refused("invalid_request", "avatar_url 无效"), times=1)
    sandbox.inject("submit", Fault.dropped(), times=1)
    first, second = store.add(sandbox.base_url, 2)
    result = cli("--service", sandbox.base_url, "queue", "send", "--concurrency", "1")
    assert result.code == 3, result.err
    assert store.state(first) is ItemState.REFUSED
    assert store.state(second) is ItemState.OUTCOME_UNKNOWN
    assert f"item {first}: refused: avatar_url 无效" in result.out
    assert f"item {second}: outcome_unknown" in result.out
    # They keep needing the user: a later run with nothing to send says so too.
    assert cli("--service", sandbox.base_url, "queue", "send").code == 3
    assert len(submits(sandbox)) == 2  # the outcome_unknown item was not sent again


def test_wait_goes_through_retry_after(sandbox, store):
    sandbox.inject("submit", Fault.rate_limited("1"), times=1)
    ids = store.add(sandbox.base_url, 2)
    result = cli("--service", sandbox.base_url, "queue", "send", "--wait", "--concurrency", "1")
    assert result.code == 0, result.err
    assert [store.state(i) for i in ids] == [ItemState.SUBMITTED] * 2
    assert "retry_wait" in result.out
    assert len(submits(sandbox)) == 3


def test_without_wait_a_delay_the_service_asked_for_is_honoured(sandbox, store):
    sandbox.inject("submit", Fault.rate_limited("120"), times=1)
    (item_id,) = store.add(sandbox.base_url, 1)
    assert cli("--service", sandbox.base_url, "queue", "send").code == 0
    assert store.state(item_id) is ItemState.RETRY_WAIT
    again = cli("--service", sandbox.base_url, "queue", "send")
    assert again.code == 0 and "nothing to send" in again.err
    assert len(submits(sandbox)) == 1


def test_two_senders_at_once_send_each_item_once(sandbox, store):
    sandbox.inject("submit", Fault.slow(0.02))
    store.add(sandbox.base_url, 20)
    procs = [
        subprocess.Popen(
            command("--service", sandbox.base_url, "queue", "send", "--yes"),
            cwd=ROOT,
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    assert store.outbox.counts()[ItemState.SUBMITTED] == 20
    bodies = submits(sandbox)
    assert len(bodies) == len(set(bodies)) == 20
    printed = b"".join(out for out, _err in outputs).decode()
    assert printed.count(": submitted, task ") == 20


def test_concurrency_comes_from_the_settings_unless_given(sandbox, store):
    from avatar_desktop.core.settings import AppSettings

    settings = AppSettings(data_dir() / "settings.ini")
    settings.send_concurrency = 1
    store.add(sandbox.base_url, 2)
    assert "1 at a time" in cli("--service", sandbox.base_url, "queue", "send").err
    store.add(sandbox.base_url, 2, start=5)
    given = cli("--service", sandbox.base_url, "queue", "send", "--concurrency", "3")
    assert given.code == 0 and "3 at a time" in given.err


def test_an_empty_balance_stops_the_run(sandbox, store):
    sandbox.inject("submit", Fault.quota_exhausted())
    ids = store.add(sandbox.base_url, 3)
    result = cli("--service", sandbox.base_url, "queue", "send", "--concurrency", "1")
    assert result.code == 3 and "balance" in result.err
    assert store.state(ids[0]) is ItemState.REFUSED
    assert [store.state(i) for i in ids[1:]] == [ItemState.QUEUED] * 2  # not tried
    assert len(submits(sandbox)) == 1


def test_a_waiting_send_notices_when_another_sender_dies(sandbox, store):
    from avatar_desktop.core.owners import ProcessOwner

    other = ProcessOwner(data_dir())  # another program, sending item `theirs` right now
    theirs, mine = store.add(sandbox.base_url, 2)
    store.outbox.claim(theirs, other.owner_id)
    proc = subprocess.Popen(
        command("--service", sandbox.base_url, "queue", "send", "--wait"),
        cwd=ROOT,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: store.state(mine) is ItemState.SUBMITTED, what="its own item")
        assert proc.poll() is None  # it waits for the other program's item
    finally:
        other.release()  # the other program dies
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert store.state(theirs) is ItemState.OUTCOME_UNKNOWN
    assert len(submits(sandbox)) == 1  # never sent by this run


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT (POSIX)")
def test_ctrl_c_stops_a_waiting_send(sandbox, store):
    sandbox.inject("submit", Fault.rate_limited("60"), times=1)
    (item_id,) = store.add(sandbox.base_url, 1)
    proc = subprocess.Popen(
        command("--service", sandbox.base_url, "queue", "send", "--wait"),
        cwd=ROOT,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(lambda: store.state(item_id) is ItemState.RETRY_WAIT, what="the 429")
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert store.state(item_id) is ItemState.RETRY_WAIT  # nothing lost


def test_ctrl_c_is_seen_while_jobs_are_being_sent(sandbox, store):
    """Issue 17 item 1: the main thread joined the sending threads with a plain join(), during
    which Windows never runs the Ctrl+C handler, so every item went out (each billed). Now the
    interrupt is seen while two are in flight: they finish, no new one is taken, exit 130. On
    Windows the test sends Ctrl+Break to the program's own process group (Ctrl+C cannot be
    sent to one), which avatar-cli treats as Ctrl+C."""
    sandbox.inject("submit", Fault.slow(1.5), times=20)
    ids = store.add(sandbox.base_url, 8)
    windows = sys.platform == "win32"
    proc = subprocess.Popen(
        command("--service", sandbox.base_url, "queue", "send", "--yes", "--concurrency", "2"),
        cwd=ROOT,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        creationflags=subprocess.CREATE_NEW_PROCESS_GROUP if windows else 0,
    )
    wait_for(
        lambda: sum(store.state(i) is ItemState.SENDING for i in ids) == 2, what="two in flight"
    )
    proc.send_signal(signal.CTRL_BREAK_EVENT if windows else signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    states = [store.state(i) for i in ids]
    assert states.count(ItemState.SUBMITTED) == 2, states  # the two in flight, and no more
    assert states.count(ItemState.QUEUED) == 6, states
    assert len(submits(sandbox)) == 2


# --- queue cancel / retry / resolve -----------------------------------------------------------


def test_the_users_decisions_on_items(sandbox, store):
    url = sandbox.base_url
    sandbox.inject("submit", Fault.refused("invalid_request", "no"), times=1)
    sandbox.inject("submit", Fault.dropped(), times=2)
    refused, unknown, other = store.add(url, 3)
    assert cli("--service", url, "queue", "send", "--concurrency", "1").code == 3

    assert cli("queue", "retry", str(refused)).code == 0
    assert store.state(refused) is ItemState.QUEUED
    assert cli("queue", "cancel", str(refused)).code == 0
    assert store.state(refused) is ItemState.CANCELLED
    assert cli("queue", "retry", str(refused)).code == 0
    assert store.state(refused) is ItemState.QUEUED

    task_id = "a" * 32
    resolved = cli("queue", "resolve", str(unknown), "--task-id", task_id)
    assert resolved.code == 0, resolved.err
    assert store.outbox.get(unknown).task_id == task_id
    assert [t["task_id"] for t in cli("tasks", "list", "--json").json()] == [task_id]

    discarded = cli("queue", "resolve", str(other), "--discard")
    assert discarded.code == 0 and store.state(other) is ItemState.CANCELLED

    # What a state does not allow, and ids that do not exist: exit 2, naming the state.
    for args, state in (
        (["queue", "cancel", str(unknown)], "submitted"),
        (["queue", "retry", str(unknown)], "submitted"),
        (["queue", "retry", str(refused)], "queued"),
        (["queue", "resolve", str(refused), "--discard"], "queued"),
        (["queue", "resolve", str(refused), "--task-id", "b" * 32], "queued"),
    ):
        result = cli(*args)
        assert result.code == 2 and f"is {state}" in result.err, (args, result.err)
    for args in (["queue", "cancel", "999"], ["queue", "retry", "999"]):
        result = cli(*args)
        assert result.code == 2 and "no outbox item 999" in result.err


def test_retrying_an_outcome_unknown_item_warns_of_billing(sandbox, store):
    sandbox.inject("submit", Fault.dropped(), times=1)
    (item_id,) = store.add(sandbox.base_url, 1)
    assert cli("--service", sandbox.base_url, "queue", "send").code == 3
    result = cli("queue", "retry", str(item_id))
    assert result.code == 0 and "billed" in result.err
    assert store.state(item_id) is ItemState.QUEUED


# --- lists ------------------------------------------------------------------------------------


def test_queue_list_shows_the_items_of_every_service(sandbox, store):
    store.add(sandbox.base_url, 1)
    store.add("https://api.example.com", 1, start=5)
    (submitted,) = store.add(sandbox.base_url, 1, start=9)
    store.outbox.claim(submitted, "c" * 32)
    store.outbox.mark_submitted(submitted, "c" * 32, "d" * 32)
    items = cli("queue", "list", "--json").json()
    assert len(items) == 3
    for item in items:
        assert {"id", "state", "payload", "service", "task_id", "reason", "created_at"} <= set(item)
        assert "T" in item["created_at"]
    assert items[1]["service"] == "https://api.example.com"
    assert items[1]["payload"] == request(5).to_payload()
    assert items[0]["task_id"] is None and items[2]["task_id"] == "d" * 32
    human = cli("queue", "list")
    assert human.code == 0 and "queued" in human.out and "d" * 32 in human.out
    assert "https://api.example.com" in human.out


def test_empty_lists(store):
    assert cli("queue", "list", "--json").json() == []
    assert cli("tasks", "list", "--json").json() == []
    assert cli("tasks", "list").out == ""


def test_json_output_is_utf8_and_only_json(sandbox, store):
    payload = GenerationRequest.from_payload(
        {
            "avatar_url": AVATAR,
            "create_voice": {
                "audio_url": "https://example.com/sample.wav",
                "language": "zh",
                "text": "大家好，欢迎！",
            },
        }
    )
    store.outbox.add(sandbox.base_url, payload)
    proc = subprocess.run(
        command("queue", "list", "--json"),
        cwd=ROOT,
        env=cli_env(PYTHONIOENCODING="ascii", LC_ALL="C"),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "大家好，欢迎！".encode() in proc.stdout  # not \\u escapes
    assert json.loads(proc.stdout.decode("utf-8"))[0]["payload"] == payload.to_payload()


# --- tasks ------------------------------------------------------------------------------------


def test_tasks_refresh_follows_every_task_to_its_end(sandbox, store):
    store.add(sandbox.base_url, 1)
    store.add(sandbox.base_url, 1, start=2, avatar="https://example.com/sandbox-fail.png")
    store.tasks.add_task("0" * 32, sandbox.base_url, request(7).to_payload())  # unknown there
    assert cli("--service", sandbox.base_url, "queue", "send").code == 0
    result = cli("--service", sandbox.base_url, "tasks", "refresh", "--wait")
    assert result.code == 0, result.err
    tasks = {t["task_id"]: t for t in cli("tasks", "list", "--json").json()}
    assert len(tasks) == 3
    for task in tasks.values():
        assert {
            "task_id", "status", "progress", "video_url", "error", "payload", "service",
            "created_at", "updated_at", "fail_reason", "mode",
        } <= set(task)  # fmt: skip
        assert task["service"] == sandbox.base_url
    assert tasks["0" * 32]["status"] == "NOT_FOUND"
    statuses = sorted(t["status"] for t in tasks.values())
    assert statuses == ["FAILURE", "NOT_FOUND", "SUCCESS"]
    done = next(t for t in tasks.values() if t["status"] == "SUCCESS")
    assert done["video_url"].endswith("/out.mp4") and done["progress"] == 100
    assert done["payload"] == request(0).to_payload() and done["mode"] == "audio_url"
    failed = next(t for t in tasks.values() if t["status"] == "FAILURE")
    assert "sandbox-fail" in failed["fail_reason"]
    for task_id, task in tasks.items():
        assert f"task {task_id}: {task['status']}" in result.out
    human = cli("tasks", "list")
    assert "SUCCESS" in human.out and done["video_url"] in human.out


def test_tasks_refresh_asks_only_the_chosen_service(sandbox, store):
    store.tasks.add_task("1" * 32, "https://api.example.com", request(1).to_payload())
    result = cli("--service", sandbox.base_url, "tasks", "refresh")
    assert result.code == 0
    assert sandbox.requests == []


def test_tasks_refresh_timeout_exits_7(sandbox, store):
    store.add(sandbox.base_url, 1, avatar="https://example.com/sandbox-stall.png")
    assert cli("--service", sandbox.base_url, "queue", "send").code == 0
    started = time.monotonic()
    result = cli("--service", sandbox.base_url, "tasks", "refresh", "--wait", "--timeout", "1")
    assert result.code == 7, result.err
    assert time.monotonic() - started < 30
    assert "UNKNOWN" in result.out


def test_tasks_refresh_with_a_refused_token_exits_5(sandbox, store):
    store.tasks.add_task("2" * 32, sandbox.base_url, request(1).to_payload())
    sandbox.inject("task", Fault(status=401, json_body={"error": {"message": "bad token"}}))
    assert cli("--service", sandbox.base_url, "tasks", "refresh").code == 5


def test_tasks_refresh_of_an_unreachable_service_exits_4(store, dead_url):
    url = dead_url
    store.tasks.add_task("3" * 32, url, request(1).to_payload())
    assert cli("--service", url, "tasks", "refresh", "--wait").code == 4


# --- secrets and failures ---------------------------------------------------------------------


def test_the_token_is_never_printed(tmp_path, store):
    env = cli_env(AVATAR_API_TOKEN=SECRET)
    jobs = write_csv(tmp_path / "jobs.csv", [row(1), row(2), f"{AVATAR},bad"])
    seen: list[Result] = []
    with SandboxServer(token=SECRET, step_seconds=0) as server:
        url = server.base_url
        for args in (
            ["queue", "import", str(jobs), "--skip-invalid"],
            ["queue", "send", "--wait"],
            ["tasks", "refresh", "--wait"],
            ["queue", "list", "--json"],
            ["tasks", "list", "--json"],
            ["queue", "list"],
            ["tasks", "list"],
        ):
            seen.append(cli("--verbose", "--service", url, *args, env=env))
        assert [r.code for r in seen] == [0] * len(seen), [r.err for r in seen]
        auth = {r.header("Authorization") for r in server.requests}
        assert auth == {f"Bearer {SECRET}"}  # it was used, for every request
    with SandboxServer(token="another-token-entirely", step_seconds=0) as other:
        store.add(other.base_url, 1)
        refused = cli("--verbose", "--service", other.base_url, "queue", "send", env=env)
        assert refused.code == 5
        seen.append(refused)
        seen.append(cli("--verbose", "--service", other.base_url, "tasks", "refresh", env=env))
    seen.append(cli("--help", env=env))
    for result in seen:
        assert SECRET not in result.text


def test_a_message_that_would_show_the_token_shows_stars(store):
    env = cli_env(AVATAR_API_TOKEN=f" {SECRET}\n")
    result = cli("tasks", "show", SECRET, env=env)  # "Task <it> is not in the task list"
    assert result.code == 2 and "Task *** is not in the task list" in result.err
    assert SECRET not in result.text


def test_a_damaged_data_file_is_one_line_and_exit_1():
    (data_dir() / "tasks.sqlite3").write_bytes(b"this is not a database " * 200)
    result = cli("queue", "list")
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and "tasks.sqlite3" in result.err
    verbose = subprocess.run(
        command("--verbose", "queue", "list"), env=cli_env(), capture_output=True, text=True
    )
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr


def test_interrupted_sends_of_a_dead_process_become_outcome_unknown(sandbox, store):
    (item_id,) = store.add(sandbox.base_url, 1)
    store.outbox.claim(item_id, "e" * 32)  # an owner with no live process behind it
    result = cli("queue", "list")
    assert "outcome_unknown" in result.err
    assert store.state(item_id) is ItemState.OUTCOME_UNKNOWN
    assert cli("--service", sandbox.base_url, "queue", "send").code == 3
    assert sandbox.requests == []


def test_items_of_a_live_process_are_left_alone(sandbox, store):
    from avatar_desktop.core.owners import ProcessOwner

    window = ProcessOwner(data_dir())  # stands for an open window sending this item
    try:
        (item_id,) = store.add(sandbox.base_url, 1)
        store.outbox.claim(item_id, window.owner_id)
        assert cli("queue", "list").code == 0
        assert store.state(item_id) is ItemState.SENDING
    finally:
        window.release()


def test_payloads_are_listed_exactly(sandbox, store):
    store.add(sandbox.base_url, 1)
    item = cli("queue", "list", "--json").json()[0]
    assert canonical_json(item["payload"]) == canonical_json(request(0).to_payload())


# --- one task: add, show, download; export ------------------------------------------------


def made_elsewhere(sandbox: SandboxServer, n: int = 0, no_watermark: bool = False) -> str:
    """A job submitted to the sandbox without this app (the website, another computer)."""
    with AvatarClient(sandbox.base_url, "t") as client:
        return client.submit(
            GenerationRequest(
                AVATAR, AudioTrack(f"https://example.com/voice-{n}.mp3"), no_watermark=no_watermark
            )
        )


def finished_task(sandbox: SandboxServer, store: Store, n: int = 0, **kwargs) -> str:
    """A task of the sandbox, done, in the task list with every link."""
    task_id = made_elsewhere(sandbox, n, **kwargs)
    store.tasks.add_task(task_id, sandbox.base_url, request(n).to_payload())
    with AvatarClient(sandbox.base_url, "t") as client:
        info = client.get_task(task_id)
    assert info.status is TaskStatus.SUCCESS
    store.tasks.update_from_info(task_id, info)
    return task_id


def task_with_link(store: Store, task_id: str, url: str, status=TaskStatus.SUCCESS) -> str:
    store.tasks.add_task(task_id, "http://127.0.0.1:1", request(1).to_payload())
    store.tasks.update_from_info(task_id, TaskInfo(task_id, status, video_url=url))
    return task_id


def media_requests(sandbox: SandboxServer) -> list:
    return [r for r in sandbox.requests if r.path.startswith("/media/")]


SAMPLE_WM = resource_path("sample-media", "result_wm.mp4").read_bytes()
SAMPLE_NOWM = resource_path("sample-media", "result.mp4").read_bytes()
LIST_FIELDS = {
    "task_id", "status", "progress", "video_url", "error", "fail_reason", "payload", "service",
    "mode", "created_at", "updated_at", "no_watermark_video_url", "watermarked_video_url",
    "cover_url", "row_id",
}  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "add", ""],
        ["tasks", "add", "a b"],
        ["tasks", "add", "a\x07b"],
        ["tasks", "add", "x" * 129],
        ["tasks", "show", "a\tb"],
        ["tasks", "download", "abc", "--variant", "hd"],
        ["tasks", "export", "tasks.txt"],
        ["tasks", "export", "tasks.csv", "--status", "DONE"],
        ["tasks", "export", "tasks.csv", "--status", "success,nope"],
    ],
)
def test_bad_task_commands_exit_2_and_change_nothing(args, tmp_path):
    result = cli(*args)
    assert result.code == 2 and "error:" in result.err
    assert not (data_dir() / "tasks.sqlite3").exists()
    assert not (ROOT / "tasks.txt").exists() and not (ROOT / "tasks.csv").exists()


def test_a_task_made_elsewhere_is_added_followed_and_shown(sandbox, store):
    task_id = made_elsewhere(sandbox)
    added = cli("--service", sandbox.base_url, "tasks", "add", f"  {task_id} ")
    assert added.code == 0, added.err
    assert f"task {task_id}: added for {sandbox.base_url}" in added.out
    record = store.tasks.find(task_id)
    assert record.payload == {} and record.service_url == sandbox.base_url

    again = cli("--service", sandbox.base_url, "tasks", "add", task_id)
    assert again.code == 2 and "already in the task list" in again.err
    assert store.tasks.count() == 1

    assert cli("--service", sandbox.base_url, "tasks", "refresh", "--wait").code == 0
    shown = cli("tasks", "show", task_id)
    assert shown.code == 0, shown.err
    for words in ("SUCCESS (done)", "100%", "submitted", "started", "finished", "duration"):
        assert words in shown.out
    for name in ("out.mp4", "out_wm.mp4", "out_nowm.mp4", "cover.webp"):
        assert f"/media/{task_id}/{name}" in shown.out

    detail = cli("tasks", "show", task_id, "--json").json()
    listed = cli("tasks", "list", "--json").json()[0]
    assert set(listed) == LIST_FIELDS
    assert {k: detail[k] for k in listed} == listed  # every field of tasks list --json
    for name in ("submitted_at", "started_at", "finished_at", "checked_at"):
        assert datetime.fromisoformat(detail[name]).tzinfo is not None
    assert detail["saved_path"] is None and detail["label"] == ""
    assert detail["links"] == {
        "default": f"{sandbox.base_url}/media/{task_id}/out.mp4",
        "no_watermark": f"{sandbox.base_url}/media/{task_id}/out_nowm.mp4",
        "watermarked": f"{sandbox.base_url}/media/{task_id}/out_wm.mp4",
    }


def test_show_of_a_failed_task_gives_its_reason_and_no_100(sandbox, store):
    store.add(sandbox.base_url, 1, avatar="https://example.com/sandbox-fail.png")
    assert cli("--service", sandbox.base_url, "queue", "send").code == 0
    assert cli("--service", sandbox.base_url, "tasks", "refresh", "--wait").code == 0
    (task,) = cli("tasks", "list", "--json").json()
    shown = cli("tasks", "show", task["task_id"])
    assert "FAILURE (failed)" in shown.out and "sandbox-fail" in shown.out
    assert "100%" not in shown.out
    assert cli("tasks", "show", task["task_id"], "--json").json()["links"] == {}


def test_an_unknown_task_id_exits_2(store):
    for args in (["tasks", "show", "f" * 32], ["tasks", "show", "f" * 32, "--json"]):
        result = cli(*args)
        assert result.code == 2 and "not in the task list" in result.err
        assert result.out == ""
    result = cli("tasks", "download", "f" * 32, "--to", str(data_dir()))
    assert result.code == 2 and "not in the task list" in result.err


def test_tasks_add_needs_a_chosen_service(store):
    result = cli("tasks", "add", "f" * 32)
    assert result.code == 2 and "--sandbox" in result.err
    assert store.tasks.count() == 0


def test_download_saves_the_video_byte_for_byte_and_records_it(sandbox, store, tmp_path):
    task_id = finished_task(sandbox, store)
    folder = tmp_path / "my videos"
    result = cli("tasks", "download", task_id, "--to", str(folder))
    assert result.code == 0, result.err
    saved = Path(result.out.strip())
    assert saved == folder / f"avatar-{task_id}.mp4"
    assert saved.read_bytes() == SAMPLE_WM
    assert not part_path(saved).exists()
    assert store.tasks.find(task_id).saved_path == str(saved)
    assert cli("tasks", "show", task_id, "--json").json()["saved_path"] == str(saved)
    assert "100%" in result.err  # progress, on stderr
    # The media server never gets a token.
    assert all(r.header("Authorization") is None for r in media_requests(sandbox))

    other = cli("tasks", "download", task_id, "--variant", "no_watermark", "--to", str(folder))
    assert other.code == 0, other.err
    assert Path(other.out.strip()).name == f"avatar-{task_id}-no-watermark.mp4"
    assert Path(other.out.strip()).read_bytes() == SAMPLE_NOWM


def test_a_later_download_resumes_from_the_part_file(sandbox, store, tmp_path):
    task_id = finished_task(sandbox, store)
    destination = tmp_path / f"avatar-{task_id}.mp4"
    part_path(destination).write_bytes(SAMPLE_WM[:20000])  # an interrupted earlier run
    result = cli("tasks", "download", task_id, "--to", str(tmp_path))
    assert result.code == 0, result.err
    assert Path(result.out.strip()) == destination
    assert destination.read_bytes() == SAMPLE_WM
    assert not part_path(destination).exists()
    assert [r.header("Range") for r in media_requests(sandbox)] == ["bytes=20000-"]
    assert "resuming" in result.err


def test_a_dropped_download_resumes_within_the_run(store, tmp_path):
    with FlakyServer(SAMPLE_WM, drops=1, cut=3000) as server:  # the first answer breaks off
        task_with_link(store, "d" * 32, server.url)
        result = cli("tasks", "download", "d" * 32, "--to", str(tmp_path))
    assert result.code == 0, result.err
    assert Path(result.out.strip()).read_bytes() == SAMPLE_WM
    assert server.ranges == [None, "bytes=3000-"]


def test_an_expired_link_exits_6(store, tmp_path):
    with FlakyServer(b"", status=404) as server:  # a media host that no longer serves it
        gone = server.url
        task_with_link(store, "e" * 32, gone)
        folder = tmp_path / "videos"
        result = cli("tasks", "download", "e" * 32, "--to", str(folder))
    assert result.code == 6, result.err
    assert "expired" in result.err and result.out == ""
    assert list(folder.iterdir()) == []  # no file, no .part
    after = store.tasks.find("e" * 32)
    assert after.saved_path is None
    assert after.expired_link == gone and after.error == LINK_EXPIRED_ERROR  # as keeping does


def test_a_sandbox_link_nothing_serves_is_not_called_expired(sandbox, store, tmp_path):
    """Defect 9: a loopback link the sandbox answering there does not know (another data
    folder's sandbox took the port), or that nobody answers, is not an expired link: exit 4
    with its own words, nothing recorded as expired."""
    unknown = f"{sandbox.base_url}/media/{'9' * 32}/out.mp4"
    task_with_link(store, "e" * 32, unknown)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{sock.getsockname()[1]}/media/{'8' * 32}/out.mp4"
    task_with_link(store, "f" * 32, nobody)
    folder = tmp_path / "videos"
    for task_id, words in (("e" * 32, "does not have this video"), ("f" * 32, "Nobody answers")):
        result = cli("tasks", "download", task_id, "--to", str(folder))
        assert result.code == 4, result.err
        assert words in result.err and "not an expired link" in result.err
        after = store.tasks.find(task_id)
        assert after.expired_link is None and after.error is None


def test_a_task_without_that_video_exits_2(sandbox, store, tmp_path):
    task_with_link(store, "a" * 32, f"{sandbox.base_url}/media/{'a' * 32}/out.mp4")
    folder = tmp_path / "videos"
    only_default = cli(
        "tasks", "download", "a" * 32, "--variant", "watermarked", "--to", str(folder)
    )
    assert only_default.code == 2 and "no watermarked video" in only_default.err
    assert "default" in only_default.err

    store.tasks.add_task("b" * 32, "http://127.0.0.1:1", {})
    store.tasks.update_from_info(
        "b" * 32, TaskInfo("b" * 32, TaskStatus.FAILURE, fail_reason="face not found")
    )
    failed = cli("tasks", "download", "b" * 32, "--to", str(folder))
    assert failed.code == 2 and "FAILURE" in failed.err and "face not found" in failed.err

    task_with_link(store, "c" * 32, f"{sandbox.base_url}/x.mp4", TaskStatus.IN_PROGRESS)
    running = cli("tasks", "download", "c" * 32, "--to", str(folder))
    assert running.code == 2 and "no video yet" in running.err
    assert not folder.exists()
    assert media_requests(sandbox) == []


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT (POSIX)")
def test_ctrl_c_stops_a_download_and_keeps_the_part_file(sandbox, store, tmp_path):
    task_id = finished_task(sandbox, store)
    destination = tmp_path / f"avatar-{task_id}.mp4"
    part_path(destination).write_bytes(SAMPLE_WM[:1000])
    sandbox.inject("media", Fault.slow(3))
    proc = subprocess.Popen(
        command("tasks", "download", task_id, "--to", str(tmp_path)),
        cwd=ROOT,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(lambda: media_requests(sandbox), what="the download's request")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and out == b""
    assert not destination.exists()
    assert part_path(destination).read_bytes() == SAMPLE_WM[:1000]
    assert store.tasks.find(task_id).saved_path is None


@pytest.mark.skipif(
    sys.platform in ("win32", "darwin"),
    reason=(
        "the system's video folder follows HOME only on Linux (Windows' known folder and "
        "macOS' ~/Movies do not): elsewhere the test would write into the real one; the rule "
        "choosing the folder is the same on every system"
    ),
)
def test_download_goes_to_the_videos_folder_by_default(sandbox, store, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    task_id = finished_task(sandbox, store)
    result = cli("tasks", "download", task_id, env=env)
    assert result.code == 0, result.err
    assert Path(result.out.strip()) == home / "Videos" / f"avatar-{task_id}.mp4"
    assert Path(result.out.strip()).read_bytes() == SAMPLE_WM


def test_download_goes_to_the_windows_download_folder_when_set(sandbox, store, tmp_path):
    from avatar_desktop.core.settings import AppSettings

    settings = AppSettings(data_dir() / "settings.ini")
    settings.download_folder = tmp_path / "chosen"
    task_id = finished_task(sandbox, store)
    result = cli("tasks", "download", task_id)
    assert result.code == 0, result.err
    assert Path(result.out.strip()) == tmp_path / "chosen" / f"avatar-{task_id}.mp4"


def test_download_uses_the_connect_timeout_of_the_settings(store, tmp_path):
    from avatar_desktop.core.settings import AppSettings

    settings = AppSettings(data_dir() / "settings.ini")
    settings.connect_timeout = 1.0  # the default (10 s) would keep trying for 40 s
    with FullBacklog() as server:
        task_id = task_with_link(store, "c" * 32, server.url)
        result = cli("tasks", "download", task_id, "--to", str(tmp_path), timeout=30)
    assert result.code == 4 and "ConnectTimeout" in result.err, result.err


def test_export_writes_csv_and_json_and_filters_by_status(sandbox, store, tmp_path):
    done = finished_task(sandbox, store)
    store.tasks.add_task("0" * 32, sandbox.base_url, request(5).to_payload())  # unknown there
    store.add(sandbox.base_url, 1, start=7, avatar="https://example.com/sandbox-fail.png")
    assert cli("--service", sandbox.base_url, "queue", "send").code == 0
    assert cli("--service", sandbox.base_url, "tasks", "refresh", "--wait").code == 0
    statuses = {t["task_id"]: t["status"] for t in cli("tasks", "list", "--json").json()}
    assert sorted(statuses.values()) == ["FAILURE", "NOT_FOUND", "SUCCESS"]

    result = cli("tasks", "export", str(tmp_path / "all.csv"))
    assert result.code == 0, result.err
    assert "Exported 3 task(s)" in result.out
    raw = (tmp_path / "all.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "all.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["task_id"]: r["status"] for r in rows} == statuses
    done_row = next(r for r in rows if r["task_id"] == done)
    assert done_row["video_url"].endswith(f"/media/{done}/out.mp4")
    assert done_row["avatar_url"] == AVATAR and done_row["service"] == sandbox.base_url

    result = cli("tasks", "export", str(tmp_path / "all.json"))
    assert result.code == 0 and "Exported 3 task(s)" in result.out
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert data == [cli("tasks", "show", t["task_id"], "--json").json() for t in data]
    assert {t["task_id"] for t in data} == set(statuses)

    some = cli(
        "tasks", "export", str(tmp_path / "some.json"), "--status", "success,Not_Found",
    )  # fmt: skip
    assert some.code == 0 and "Exported 2 task(s)" in some.out
    kept = json.loads((tmp_path / "some.json").read_text(encoding="utf-8"))
    assert sorted(t["status"] for t in kept) == ["NOT_FOUND", "SUCCESS"]
    repeated = cli(
        "tasks", "export", str(tmp_path / "f.csv"), "--status", "failure", "--status", "SUCCESS"
    )
    assert repeated.code == 0 and "Exported 2 task(s)" in repeated.out
    none = cli("tasks", "export", str(tmp_path / "none.csv"), "--status", "IN_PROGRESS")
    assert none.code == 0 and "Exported 0 task(s)" in none.out
    with open(tmp_path / "none.csv", encoding="utf-8-sig", newline="") as handle:
        assert list(csv.DictReader(handle)) == []

    unwritable = cli("tasks", "export", str(tmp_path / "missing" / "x.csv"))
    assert unwritable.code == 2 and "missing" in unwritable.err


def test_refresh_wait_counts_a_task_whose_answers_cannot_be_read_as_unfinished(sandbox, store):
    task_id = made_elsewhere(sandbox)
    store.tasks.add_task(task_id, sandbox.base_url, {})
    sandbox.inject("task", Fault(json_body={"code": "success", "data": {"status": 5}}))
    result = cli("--service", sandbox.base_url, "tasks", "refresh", "--wait", "--timeout", "2")
    assert result.code == 7, result.err
    assert task_id in result.err  # named as keeping an error
    detail = cli("tasks", "show", task_id, "--json").json()
    assert detail["status"] == "UNKNOWN" and detail["error"]
    sandbox.clear_faults()
    healed = cli("--service", sandbox.base_url, "tasks", "refresh", "--wait", "--timeout", "30")
    assert healed.code == 0, healed.err
    detail = cli("tasks", "show", task_id, "--json").json()
    assert detail["status"] == "SUCCESS" and detail["error"] is None


def test_exports_and_downloads_never_hold_the_token(tmp_path, store):
    env = cli_env(AVATAR_API_TOKEN=SECRET)
    jobs = write_csv(tmp_path / "jobs.csv", [row(1), row(2)])
    with SandboxServer(token=SECRET, step_seconds=0) as server:
        url = server.base_url
        for args in (
            ["queue", "import", str(jobs)],
            ["queue", "send", "--wait"],
            ["tasks", "refresh", "--wait"],
        ):
            assert cli("--service", url, *args, env=env).code == 0
        task_id = store.tasks.iter_records().__next__().task_id
        seen = [
            cli("--verbose", "tasks", "export", str(tmp_path / "t.csv"), env=env),
            cli("--verbose", "tasks", "export", str(tmp_path / "t.json"), env=env),
            cli("--verbose", "tasks", "show", task_id, env=env),
            cli("--verbose", "tasks", "show", task_id, "--json", env=env),
            cli("--verbose", "tasks", "download", task_id, "--to", str(tmp_path), env=env),
        ]
        assert [r.code for r in seen] == [0] * len(seen), [r.err for r in seen]
        assert {r.header("Authorization") for r in server.requests if "/media/" in r.path} == {None}
    for result in seen:
        assert SECRET not in result.text
    for name in ("t.csv", "t.json"):
        raw = (tmp_path / name).read_bytes()
        assert SECRET.encode() not in raw and b"Bearer" not in raw
    assert SECRET.encode() not in Path(seen[-1].out.strip()).read_bytes()


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_json_list_written_as_it_comes_holds_the_same_values(count, monkeypatch):
    """queue list --json streams its items, one per line (issue 15: 100,000 items held whole
    took 700 MB and 5 s): the same JSON values as one dump of the list."""
    import io

    from avatar_desktop.cli.output import emit_json_list

    values = [
        {"id": n, "text": '第一行\n第二行 "quoted"', "nested": {"a": [1, {"b": None}]}, "e": []}
        for n in range(count)
    ]
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    emit_json_list(iter(values))
    stream.flush()
    text = stream.buffer.getvalue().decode("utf-8")
    assert json.loads(text) == values
    lines = text.splitlines()
    assert lines == ["[]"] if not count else len(lines) == count + 2
    for line, value in zip(lines[1:-1], values, strict=False):
        assert json.loads(line.rstrip(",")) == value
