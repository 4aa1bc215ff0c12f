"""The submission checks (:mod:`avatar_desktop.core.submission`): the duplicate rule and the
speaker's consent, the same for the form, the window's import and ``avatar-cli queue import``.

One table of cases (:data:`CASES`) runs through every path: the form (Add to outbox in a real
window), the window's import (the real preview dialog and consent question) and the command line
(a real ``avatar-cli`` process). Each case says what is on record before, which rows the file
holds, and whether the user confirms the speakers' consent (Yes in the window, ``--consent`` on
the command line); what each program must then ask, skip and queue follows from it.
"""

from __future__ import annotations

import contextlib
import csv
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import test_main_window as shared
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton, QWidget
from test_cli import cli
from test_cli import store as cli_store  # noqa: F401 - the command line's data file (a fixture)
from test_main_window import AVATAR, LEFT, fill_clone

from avatar_desktop.core.request import (
    AudioTrack,
    ClonedVoice,
    GenerationRequest,
    Language,
    VoiceMode,
)
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import Outbox, OutboxItem
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.submission import (
    CONSENT_STATEMENT,
    ConsentGiven,
    consent_record,
    screen,
)

make_window = shared.make_window
harness = shared.harness
translators = shared.translators
servers = shared.servers


OTHER_SERVICE = "http://127.0.0.1:1"
EARLIER = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SAMPLE_FILES = {"S1": "voice-25s.wav", "S2": "voice-30s.wav"}


def sample_url(base: str, key: str) -> str:
    """The table's sample ``key`` on ``base``: the service's own samples, long enough and
    reachable (the form measures a sample before sending it)."""
    return f"{base}/media/samples/{SAMPLE_FILES[key]}"


# --- the table --------------------------------------------------------------------------------

Row = tuple[str, str, str]
"""``("clone", sample key, text)`` or ``("audio", name, "")``."""


@dataclass(frozen=True)
class Case:
    name: str
    rows: tuple[Row, ...]
    """The file's rows, from line 2 (line 1 is the header)."""
    before: tuple[tuple[str, Any], ...] = ()
    """On record before: ``("consent-item", key)`` a cancelled item of another service with a
    consent record for sample ``key``; ``("consent-task", key)`` a task of another service with
    one; ``("item", i)`` / ``("task", i)`` the request of row ``i`` queued / sent already."""
    confirm: bool = False
    """The user's answer: Yes in the window, ``--consent`` on the command line."""
    asked: tuple[int, ...] = ()
    """The lines whose sample has no consent on record (among those queued)."""
    samples: tuple[str, ...] = ()
    """The samples the one question names, in order."""
    duplicates: tuple[int, ...] = ()

    @property
    def lines(self) -> list[int]:
        return [2 + i for i in range(len(self.rows))]

    def queued(self, program: str) -> list[int]:
        """The lines ``program`` ("window" or "cli") queues."""
        chosen = [line for line in self.lines if line not in self.duplicates]
        if not self.asked or self.confirm:
            return chosen
        if program == "window":  # only the rows without consent are left out
            return [line for line in chosen if line not in self.asked]
        return []  # the command line queues nothing and exits 2


CLONE_S1: Row = ("clone", "S1", "Hello from the first speaker.")
CLONE_S2: Row = ("clone", "S2", "Hello from the second speaker.")
AUDIO_1: Row = ("audio", "one", "")

CASES = [
    Case("new sample, confirmed", (CLONE_S1, AUDIO_1), confirm=True, asked=(2,), samples=("S1",)),
    Case("new sample, declined", (CLONE_S1, AUDIO_1), asked=(2,), samples=("S1",)),
    Case("consent on record from an earlier item", (CLONE_S1, AUDIO_1), (("consent-item", "S1"),)),
    Case("consent on record from an earlier task", (CLONE_S1, AUDIO_1), (("consent-task", "S1"),)),
    Case(
        "two new samples, asked once",
        (CLONE_S1, CLONE_S2, ("clone", "S1", "Once more.")),
        confirm=True,
        asked=(2, 3, 4),
        samples=("S1", "S2"),
    ),
    Case(
        "one sample on record, one new and declined",
        (CLONE_S1, CLONE_S2),
        (("consent-task", "S1"),),
        asked=(3,),
        samples=("S2",),
    ),
    Case(
        "duplicates of an item, a task and an earlier row",
        (AUDIO_1, ("audio", "two", ""), ("audio", "three", ""), ("audio", "three", "")),
        (("item", 0), ("task", 1)),
        duplicates=(2, 3, 5),
    ),
    Case(
        "a clone already queued is a duplicate, not asked about",
        (CLONE_S1, AUDIO_1),
        (("item", 0),),
        duplicates=(2,),
    ),
]
CASE_IDS = [case.name.replace(" ", "-").replace(",", "") for case in CASES]


def request_of(base: str, row: Row) -> GenerationRequest:
    kind, value, text = row
    if kind == "clone":
        return GenerationRequest(AVATAR, ClonedVoice(sample_url(base, value), Language.EN, text))
    return GenerationRequest(AVATAR, AudioTrack(f"https://cdn.example.com/tracks/{value}.mp3"))


def write_jobs(path: Path, base: str, case: Case) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mode", "avatar_url", "audio_url", "language", "text"])
        for row in case.rows:
            payload = request_of(base, row).to_payload()
            if row[0] == "clone":
                voice = payload["create_voice"]
                writer.writerow(
                    ["create_voice", AVATAR, voice["audio_url"], voice["language"], voice["text"]]
                )
            else:
                writer.writerow(["audio_url", AVATAR, payload["audio_url"], "", ""])
    return path


def put_on_record(outbox: Outbox, tasks: TaskStore, base: str, case: Case) -> None:
    for n, (kind, what) in enumerate(case.before):
        if kind in ("consent-item", "consent-task"):
            sample = sample_url(base, what)
            earlier = GenerationRequest(AVATAR, ClonedVoice(sample, Language.EN, f"Earlier {n}."))
            record = consent_record(sample, ConsentGiven.COMMAND_LINE, now=EARLIER)
            if kind == "consent-item":
                outbox.cancel(outbox.add(OTHER_SERVICE, earlier, consent=record))
            else:
                tasks.add_task(f"{n:032x}", OTHER_SERVICE, earlier.to_payload(), consent=record)
        elif kind == "item":
            outbox.add(base, request_of(base, case.rows[what]))
        else:
            tasks.add_task(f"{n + 100:032x}", base, request_of(base, case.rows[what]).to_payload())


def by_line(items: list[OutboxItem]) -> dict[int, OutboxItem]:
    """Imported items by the line they came from (their source: ``jobs.csv line N``)."""
    return {int(str(item.source).rsplit(" ", 1)[1]): item for item in items}


def check_queued(
    queued: dict[int, OutboxItem], base: str, case: Case, program: str, given: ConsentGiven
) -> None:
    """The items ``program`` queued, by line, are the case's, each clone with its sample's
    record: a new one ``given`` by the user when asked, else the one on record."""
    assert sorted(queued) == case.queued(program)
    fresh = set()
    for line, item in queued.items():
        row = case.rows[line - 2]
        assert item.payload == request_of(base, row).to_payload()
        if row[0] != "clone":
            assert item.consent is None
            continue
        assert item.consent is not None
        assert item.consent["sample_url"] == sample_url(base, row[1])
        assert item.consent["statement"] == CONSENT_STATEMENT
        if line in case.asked:
            assert item.consent["given"] == given.value
            fresh.add(item.consent["confirmed_at"])
        else:
            assert item.consent["confirmed_at"] == EARLIER.isoformat(timespec="seconds")
    assert len(fresh) <= 1  # one answer, one time


# --- answering the window's questions ---------------------------------------------------------


@contextlib.contextmanager
def answer_in_turn(
    qtbot, *picks: Callable[[QWidget], QPushButton], timeout: float = 15.0
) -> Iterator[list[dict[str, Any]]]:
    """Answer the modal dialogs opening inside the block, in turn, with ``picks``; one opening
    from within another's answer (a question on OK) is answered too. A dialog beyond ``picks``
    is closed and recorded as ``unexpected``. Yields what was seen of each."""
    seen: list[dict[str, Any]] = []
    handled: list[QWidget] = []
    deadline = time.monotonic() + timeout
    done = False

    def poll() -> None:
        if done:
            return
        QTimer.singleShot(10, poll)  # first: answering may open the next one at once
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or any(dialog is d for d in handled):
            return
        handled.append(dialog)
        info: dict[str, Any] = {"title": dialog.windowTitle()}
        if isinstance(dialog, QMessageBox):
            info["text"] = dialog.text()
        seen.append(info)
        if len(handled) > len(picks):
            info["unexpected"] = True
            dialog.close()
            return
        try:
            button = picks[len(handled) - 1](dialog)
        except BaseException as exc:  # never leave a modal dialog open: the test would hang
            info["error"] = exc
            dialog.close()
            return
        qtbot.mouseClick(button, LEFT)

    QTimer.singleShot(0, poll)
    try:
        yield seen
        qtbot.waitUntil(
            lambda: len(seen) >= len(picks) or time.monotonic() > deadline, timeout=20000
        )
    finally:
        done = True
    for info in seen:
        if "error" in info:
            raise info["error"]


def message_box_button(confirm: bool) -> Callable[[QWidget], QPushButton]:
    def pick(box: QWidget) -> QPushButton:
        assert isinstance(box, QMessageBox)
        if not confirm:
            button = box.button(QMessageBox.StandardButton.Cancel)
            assert button is not None and box.defaultButton() is button  # Cancel by default
            return button
        return next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
        )

    return pick


def check_question(info: dict[str, Any], base: str, samples: tuple[str, ...]) -> None:
    assert info["title"] == "Speaker's consent"
    text = info["text"]
    for key in samples:
        assert text.count(sample_url(base, key)) == 1
    for key in set(SAMPLE_FILES) - set(samples):
        assert sample_url(base, key) not in text


# --- the table through each program ---------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_window_import(qtbot, harness, tmp_path, case):
    h = harness
    h.window.outbox_runner.pause()
    base = h.window.config.base_url
    put_on_record(h.outbox, h.store, base, case)
    before = {item.item_id for item in h.outbox.items()}
    jobs = write_jobs(tmp_path / "jobs.csv", base, case)
    statuses: dict[int, str] = {}

    def queue(dialog: QWidget) -> QPushButton:
        table = dialog.table
        for position in range(table.rowCount()):
            statuses[int(table.item(position, 0).text())] = table.item(position, 1).text()
        return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)

    picks = [queue] + ([message_box_button(case.confirm)] if case.asked else [])
    with answer_in_turn(qtbot, *picks) as seen:
        h.window.outbox_tab.controller.import_jobs(jobs)
    qtbot.waitUntil(lambda: "added to the outbox" in h.window.statusBar().currentMessage())

    assert [info.get("unexpected", False) for info in seen] == [False] * len(picks)
    assert seen[0]["title"] == "Import jobs"
    if case.asked:
        check_question(seen[1], base, case.samples)
    for line in case.duplicates:
        assert statuses[line] == "Already queued or sent"
    for line in case.asked:
        assert statuses[line] == "Needs consent"
    new = [item for item in h.outbox.items() if item.item_id not in before]
    check_queued(by_line(new), base, case, "window", ConsentGiven.WINDOW)
    left_out = len(case.asked) if case.asked and not case.confirm else 0
    said = h.window.statusBar().currentMessage()
    assert ("not queued" in said) is bool(left_out)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_command_line_import(tmp_path, cli_store, case):  # noqa: F811
    base = "http://127.0.0.1:9"
    put_on_record(cli_store.outbox, cli_store.tasks, base, case)
    before = {item.item_id for item in cli_store.outbox.items()}
    jobs = write_jobs(tmp_path / "jobs.csv", base, case)
    flags = ["--consent"] if case.confirm else []

    dry = cli("--service", base, "queue", "import", str(jobs), "--dry-run", *flags)
    result = cli("--service", base, "queue", "import", str(jobs), *flags)

    needed = case.asked if not case.confirm else ()
    for run in (dry, result):
        assert run.code == (2 if needed else 0), run.err
        noted = [line for line in run.err.splitlines() if "consent needed" in line]
        assert noted == [
            f"line {line}: consent needed for the voice sample "
            f"{sample_url(base, case.rows[line - 2][1])} (--consent confirms that the speaker "
            "agreed to having it cloned)"
            for line in needed
        ]
        for line in case.duplicates:
            assert f"line {line}: skipped" in run.err
    if needed:
        assert "Nothing was queued" in result.err and "--consent" in result.err
        # The dry run tells the same: nothing would be queued without --consent.
        assert f"Dry run: nothing would be queued for {base}: {len(needed)} row(s)" in dry.out
    new = [item for item in cli_store.outbox.items() if item.item_id not in before]
    check_queued(by_line(new), base, case, "cli", ConsentGiven.COMMAND_LINE)


FORM_CASES = [case for case in CASES if case.rows[0][0] == "clone"]


@pytest.mark.parametrize("case", FORM_CASES, ids=[c.name.replace(" ", "-") for c in FORM_CASES])
def test_the_form(qtbot, harness, case):
    """The first row of the file, typed into the form and added to the outbox."""
    h = harness
    h.window.outbox_runner.pause()
    base = h.window.config.base_url
    put_on_record(h.outbox, h.store, base, case)
    before = {item.item_id for item in h.outbox.items()}
    _kind, key, text = case.rows[0]
    fill_clone(qtbot, h.window, sample=sample_url(base, key), text=text)

    duplicate, asked = 2 in case.duplicates, 2 in case.asked
    if duplicate:  # the same request again: asked first (and not sent again here)
        picks = [message_box_button(False)]
    elif asked:
        picks = [message_box_button(case.confirm)]
    else:
        picks = []
    with answer_in_turn(qtbot, *picks) as seen:
        h.window.main_actions.add_to_outbox.trigger()

    assert [info.get("unexpected", False) for info in seen] == [False] * len(picks)
    new = [item for item in h.outbox.items() if item.item_id not in before]
    if duplicate:
        assert seen[0]["title"] == "Send the same request again?"
        assert "already in the outbox" in seen[0]["text"]
        assert new == []
        return
    if asked:
        check_question(seen[0], base, (key,))
    if asked and not case.confirm:
        assert new == []
        assert h.compose.payload()["create_voice"]["audio_url"] == sample_url(base, key)
        return
    (item,) = new
    assert item.source == "form"
    first_row = Case(case.name, case.rows[:1], case.before, case.confirm, (2,) if asked else ())
    check_queued({2: item}, base, first_row, "window", ConsentGiven.WINDOW)


# --- the record travels with the item to its task, and shows ----------------------------------


def test_consent_given_on_the_command_line_travels_to_the_task(sandbox, tmp_path, cli_store):  # noqa: F811
    base = sandbox.base_url
    case = CASES[0]
    jobs = write_jobs(tmp_path / "jobs.csv", base, case)
    assert cli("--service", base, "queue", "import", str(jobs)).code == 2
    assert cli("--service", base, "queue", "import", str(jobs), "--consent").code == 0
    sent = cli("--service", base, "queue", "send")
    assert sent.code == 0, sent.err

    records = [cli_store.tasks.get(i) for i in cli_store.tasks.row_ids()]
    (clone,) = [r for r in records if r.mode is VoiceMode.CREATE_VOICE]
    (audio,) = [r for r in records if r.mode is VoiceMode.AUDIO_URL]
    shown = cli("tasks", "show", clone.task_id, "--json").json()
    assert shown["consent"] == clone.consent
    assert shown["consent"]["given"] == "on the command line"
    assert shown["consent"]["sample_url"] == sample_url(base, "S1")
    assert cli("tasks", "show", audio.task_id, "--json").json()["consent"] is None
    text = cli("tasks", "show", clone.task_id).out
    (line,) = [line for line in text.splitlines() if line.startswith("consent ")]
    assert line.split(None, 1)[1] == f"{clone.consent['confirmed_at']}, given on the command line"

    # Consent is on record now: another clone of that sample imports without --consent.
    again = write_jobs(tmp_path / "again.csv", base, Case("", (("clone", "S1", "Again."),)))
    assert cli("--service", base, "queue", "import", str(again)).code == 0


def test_consent_given_in_the_window_travels_to_the_task_and_shows(qtbot, harness):
    h = harness
    sample = fill_clone(qtbot, h.window)
    with answer_in_turn(qtbot, message_box_button(True)):
        qtbot.mouseClick(h.window.compose_side.submit_button, LEFT)
    shared.wait_accepted(qtbot, h, 1)

    (row_id,) = h.store.row_ids()
    record = h.store.get(row_id)
    assert record.consent["sample_url"] == sample
    assert record.consent["given"] == "in the window"
    pane = h.window.tasks_tab.details
    h.window.tasks.table.selectRow(0)
    qtbot.waitUntil(lambda: pane.record() is not None and pane.record().row_id == row_id)
    assert pane.consent_caption.text() == "Consent"
    assert pane.consent_label.isVisibleTo(pane)
    assert pane.consent_label.text().endswith(", given in the window")
    assert pane.consent_label.text().startswith(record.consent["confirmed_at"][:10])


# --- the core on its own ----------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "d.sqlite3") as database:
        yield database


def test_a_duplicate_says_what_it_repeats(db):
    outbox, tasks = Outbox(db), TaskStore(db)
    service = "http://127.0.0.1:1"
    first, second, third = (request_of(service, ("audio", n, "")) for n in ("1", "2", "3"))
    item_id = outbox.add(service, first)
    tasks.add_task("a" * 32, service, second.to_payload())
    outbox.cancel(outbox.add(service, third))  # a cancelled item is no duplicate

    found = screen(outbox, tasks, service, [(2, first), (3, second), (4, third), (5, third)])
    assert set(found.duplicates) == {2, 3, 5}
    assert found.duplicates[2].item.item_id == item_id and found.duplicates[2].task is None
    assert found.duplicates[3].task.task_id == "a" * 32
    assert found.duplicates[5].number == 4
    assert found.chosen(allow_duplicates=False) == [4]
    assert found.chosen(allow_duplicates=True) == [2, 3, 4, 5]
    # Another service has none of them.
    assert screen(outbox, tasks, "http://127.0.0.1:2", [(2, first)]).duplicates == {}


def test_consent_on_record_comes_from_the_data_file(db):
    outbox, tasks = Outbox(db), TaskStore(db)
    sample = "https://cdn.example.com/voices/a.wav"
    clone = GenerationRequest(AVATAR, ClonedVoice(sample, Language.ZH, "你好"))
    other = GenerationRequest(AVATAR, ClonedVoice(sample + "?b", Language.ZH, "你好"))
    found = screen(outbox, tasks, OTHER_SERVICE, [(1, clone), (2, other)])
    assert found.samples_needing_consent([1, 2]) == [sample, sample + "?b"]

    items, left_out = found.items([1, 2], None, lambda n: None)
    assert items == [] and left_out == [1, 2]
    items, left_out = found.items([1, 2], ConsentGiven.WINDOW, lambda n: f"row {n}")
    assert left_out == [] and [i.consent["sample_url"] for i in items] == [sample, sample + "?b"]
    outbox.add_many(OTHER_SERVICE, items[:1])
    # A damaged record is no record; the other sample still needs consent.
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO outbox (service_url, payload, payload_hash, consent, state, created_at, "
            "updated_at) VALUES ('x', '{}', 'h', 'not json', 'cancelled', 0, 0)"
        )
    again = screen(outbox, tasks, "https://another.example.com", [(1, clone), (2, other)])
    assert again.needs_consent([1, 2]) == {2: sample + "?b"}
    assert again.on_record[sample] == items[0].consent


def test_a_consent_record_says_what_when_and_how():
    moment = datetime(2026, 12, 6, 21, 40, 5, 123, tzinfo=UTC)
    record = consent_record("https://x.example/s.wav", ConsentGiven.COMMAND_LINE, now=moment)
    assert record == {
        "sample_url": "https://x.example/s.wav",
        "confirmed_at": "2026-12-06T21:40:05+00:00",
        "statement": CONSENT_STATEMENT,
        "given": "on the command line",
    }
    assert json.loads(json.dumps(record)) == record


def test_help_documents_consent():
    text = " ".join(cli("queue", "import", "--help").out.split())
    assert "--consent" in text and "agreed" in text
    assert "[--consent]" in cli("--help").out
    assert "consent (the consent record, or null)" in " ".join(
        cli("tasks", "show", "--help").out.split()
    )


def test_a_task_sent_again_twice_is_queued_once(tmp_path):
    """Send again runs off the UI thread, so a second click (or another program) could queue
    the same paid request twice: the row leaves the list in the same transaction that queues
    the item, and a row already gone queues nothing."""
    from legacy_rows import legacy_row

    from avatar_desktop.core.request import AudioTrack, GenerationRequest
    from avatar_desktop.core.store.schema import LocalStatus
    from avatar_desktop.core.store.tasks import TaskStore
    from avatar_desktop.core.submission import queue_task_again

    request = GenerationRequest(AVATAR, AudioTrack("https://cdn.example.com/a.mp3"))
    with Database(tmp_path / "t.sqlite3") as db:
        store, box = TaskStore(db), Outbox(db)
        row_id = legacy_row(
            store,
            "https://api.example.com",
            request.to_payload(),
            LocalStatus.OUTCOME_UNKNOWN,
            "broke",
        )
        record = store.get(row_id)
        first = queue_task_again(box, record)
        assert first is not None and store.get(row_id) is None
        assert queue_task_again(box, record) is None  # the second click
        assert [item.item_id for item in box.items()] == [first]
