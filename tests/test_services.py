"""Which service an item goes to, and moving it to another: one table of cases through the core,
the window and ``avatar-cli``; the counts every view shows; a next attempt never in the past;
why an explicit send took nothing; the sending policy the window's runner drives.

Real SQLite files, the real sandbox server, real widgets (pytest-qt) and real ``avatar-cli``
processes (the harnesses of test_main_window.py and test_cli.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import test_main_window as shared
from PySide6.QtWidgets import QMessageBox
from test_cli import cli
from test_main_window import ACCEPT, answer_modal

from avatar_desktop.core.config import SANDBOX_URL, ServiceConfig
from avatar_desktop.core.delivery import (
    CONFIRM_ABOVE,
    Decision,
    RunReport,
    RunStop,
    Sender,
    SendOutcome,
    send_due,
)
from avatar_desktop.core.owners import ProcessOwner
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.sending import (
    Hold,
    Idle,
    Outlook,
    SendingPolicy,
    needs_confirmation,
    outlook,
    why_nothing_sent,
)
from avatar_desktop.core.service import AuthError, ErrorKind, NotSent
from avatar_desktop.core.settings import ServiceChoice
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import (
    CannotMove,
    ItemState,
    MoveRefusal,
    Outbox,
    Reason,
    WaitKind,
)
from avatar_desktop.sandbox import Fault
from avatar_desktop.ui.outbox.outbox_panel import OutboxTableModel

make_window = shared.make_window
translators = shared.translators
servers = shared.servers

OTHER = "https://api.example.com"
HERE = "http://127.0.0.1:1"  # the current service where nothing needs to answer


def request(n: int) -> GenerationRequest:
    return GenerationRequest(
        "https://example.com/avatar.png", AudioTrack(f"https://example.com/voice-{n}.mp3")
    )


# --- the table of cases -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """An item in ``state``, queued for another service than the current one (``here``: for
    the current one; ``duplicate``: the same request is queued there too), and whether moving
    it to the current service is refused (``refusal``) or allowed (None)."""

    name: str
    state: ItemState
    refusal: MoveRefusal | None = None
    here: bool = False
    duplicate: bool = False


CASES = (
    Case("queued elsewhere", ItemState.QUEUED),
    Case("waiting to retry elsewhere", ItemState.RETRY_WAIT),
    Case("refused elsewhere", ItemState.REFUSED),
    Case("outcome unknown", ItemState.OUTCOME_UNKNOWN, MoveRefusal.STATE),
    Case("being sent", ItemState.SENDING, MoveRefusal.STATE),
    Case("submitted", ItemState.SUBMITTED, MoveRefusal.STATE),
    Case("cancelled", ItemState.CANCELLED, MoveRefusal.STATE),
    Case("already here", ItemState.QUEUED, MoveRefusal.SAME_SERVICE, here=True),
    Case("the same request here", ItemState.QUEUED, MoveRefusal.DUPLICATE, duplicate=True),
)
IDS = [case.name for case in CASES]


def make_item(outbox: Outbox, case: Case, n: int, current: str, owner: str) -> int:
    """The item of ``case`` (request number ``n``); ``owner`` is a live process's id."""
    if case.duplicate:
        outbox.add(current, request(n))
    item_id = outbox.add(current if case.here else OTHER, request(n))
    if case.state in (ItemState.QUEUED, ItemState.CANCELLED):
        if case.state is ItemState.CANCELLED:
            outbox.cancel(item_id)
        return item_id
    assert outbox.claim(item_id, owner) is not None
    if case.state is ItemState.RETRY_WAIT:
        outbox.mark_retry(
            item_id,
            owner,
            delay=3600,
            reason=Reason("busy", ErrorKind.RATE_LIMITED),
            wait_kind=WaitKind.SERVICE,
        )
    elif case.state is ItemState.REFUSED:
        outbox.mark_refused(item_id, owner, Reason("no", ErrorKind.REJECTED, verbatim=True))
    elif case.state is ItemState.OUTCOME_UNKNOWN:
        outbox.mark_outcome_unknown(item_id, owner, Reason("dropped", ErrorKind.OUTCOME_UNKNOWN))
    elif case.state is ItemState.SUBMITTED:
        outbox.mark_submitted(item_id, owner, f"task-{n}")
    assert outbox.get(item_id).state is case.state
    return item_id


def moved_as_it_should(outbox: Outbox, item_id: int, current: str) -> None:
    item = outbox.get(item_id)
    assert item.service_url == current
    assert item.state is ItemState.QUEUED
    assert (item.reason, item.next_attempt_at, item.wait_kind, item.attempts) == (
        None,
        None,
        None,
        0,
    )
    # Found as a duplicate at its new service (its key follows it), no longer at the old one.
    assert outbox.find_same(current, item.payload) == [item]
    assert outbox.find_same(OTHER, item.payload) == []


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "data.sqlite3") as database:
        yield database


@pytest.fixture
def owner(tmp_path):
    me = ProcessOwner(tmp_path)
    yield me
    me.release()


# --- the core -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_moving_an_item_in_the_core(db, owner, case):
    outbox = Outbox(db)
    item_id = make_item(outbox, case, 1, HERE, owner.owner_id)
    before = outbox.get(item_id)
    if case.refusal is None:
        assert outbox.move(item_id, HERE).item_id == item_id
        moved_as_it_should(outbox, item_id, HERE)
        return
    with pytest.raises(CannotMove) as refused:
        outbox.move(item_id, HERE)
    assert refused.value.why is case.refusal
    assert outbox.get(item_id) == before  # nothing changed


def test_an_unknown_item_is_not_moved(db):
    with pytest.raises(CannotMove) as refused:
        Outbox(db).move(99, HERE)
    assert refused.value.why is MoveRefusal.NOT_FOUND


def test_a_request_already_submitted_there_is_not_moved(db, owner):
    outbox = Outbox(db)
    sent = outbox.add(HERE, request(1))
    outbox.claim(sent, owner.owner_id)
    outbox.mark_submitted(sent, owner.owner_id, "task-1")
    outbox.remove_finished()  # only the task is left at the target
    item_id = outbox.add(OTHER, request(1))
    with pytest.raises(CannotMove) as refused:
        outbox.move(item_id, HERE)
    assert refused.value.why is MoveRefusal.DUPLICATE and refused.value.duplicate == "task task-1"


def test_an_item_goes_only_to_its_own_service_until_moved(db, owner, sandbox):
    outbox = Outbox(db)
    elsewhere = outbox.add(OTHER, request(1))
    mine = outbox.add(sandbox.base_url, request(2))
    config = ServiceConfig(base_url=sandbox.base_url, sandbox=True)
    sender = Sender(outbox, owner.owner_id, config.base_url, lambda: config.make_client("t"))
    summary = outbox.summary(sandbox.base_url)
    assert (summary.waiting, summary.due, summary.elsewhere) == (1, 1, {OTHER: [elsewhere]})

    report = send_due(sender)
    assert [o.item_id for o in report.by(Decision.SUBMITTED)] == [mine]
    assert outbox.get(elsewhere).state is ItemState.QUEUED  # never sent to another service
    assert outbox.summary(sandbox.base_url).other_waiting == 1

    outbox.move(elsewhere, sandbox.base_url)
    report = send_due(sender)
    assert [o.item_id for o in report.by(Decision.SUBMITTED)] == [elsewhere]
    assert len([r for r in sandbox.requests if r.path == "/avatar/generation"]) == 2
    assert outbox.summary(sandbox.base_url).other_waiting == 0


def test_a_next_attempt_is_never_in_the_past(db, owner):
    outbox = Outbox(db)
    item_id = outbox.add(HERE, request(1))
    outbox.claim(item_id, owner.owner_id)
    outbox.mark_retry(
        item_id,
        owner.owner_id,
        delay=60,
        reason=Reason("busy", ErrorKind.RATE_LIMITED),
        wait_kind=WaitKind.SERVICE,
    )
    item = outbox.get(item_id)
    moment = item.next_attempt_at.timestamp()

    before = outlook(item, HERE, None, now=moment - 30)
    assert before.kind is Outlook.RETRY_AT and before.at.timestamp() > moment - 30
    for now in (moment, moment + 1, moment + 3600):  # the moment passed: due, never a past time
        assert outlook(item, HERE, None, now=now).kind is Outlook.DUE
        assert outlook(item, HERE, Hold.OFFLINE, now=now).hold is Hold.OFFLINE
    assert outlook(item, HERE, Hold.PAUSED, now=moment - 30).kind is Outlook.HELD
    assert outlook(item, OTHER, None, now=moment - 30).kind is Outlook.OTHER_SERVICE
    assert outbox.summary(HERE, now=moment - 30).next_attempt == pytest.approx(moment)
    assert outbox.summary(HERE, now=moment + 1).next_attempt is None
    assert outbox.summary(HERE, now=moment + 1).due == 1


def test_why_an_explicit_send_took_nothing(db, owner):
    outbox = Outbox(db)
    assert why_nothing_sent(outbox.summary(HERE)).why is Idle.EVERYTHING_SENT
    outbox.add(OTHER, request(1))
    assert why_nothing_sent(outbox.summary(HERE)).why is Idle.OTHER_SERVICES
    waiting = outbox.add(HERE, request(2))
    outbox.claim(waiting, owner.owner_id)
    outbox.mark_retry(
        waiting,
        owner.owner_id,
        delay=60,
        reason=Reason("429", ErrorKind.RATE_LIMITED),
        wait_kind=WaitKind.SERVICE,
    )
    idle = why_nothing_sent(outbox.summary(HERE))
    due = outbox.get(waiting).next_attempt_at.timestamp()
    assert idle.why is Idle.SERVICE_WAIT and idle.until == pytest.approx(due)
    assert why_nothing_sent(outbox.summary(HERE), hold=Hold.TOKEN_REFUSED).why is Idle.TOKEN_REFUSED
    assert why_nothing_sent(outbox.summary(HERE), busy=True).why is Idle.BUSY
    outbox.cancel(waiting)
    refused = outbox.add(HERE, request(3))
    outbox.claim(refused, owner.owner_id)
    outbox.mark_refused(refused, owner.owner_id, Reason("no", ErrorKind.REJECTED, verbatim=True))
    outbox.move(outbox.items(OTHER)[0].item_id, "https://elsewhere.example.com")
    summary = outbox.summary(HERE)
    assert summary.elsewhere == {"https://elsewhere.example.com": [1]}
    assert why_nothing_sent(summary).why is Idle.OTHER_SERVICES
    outbox.cancel(1)
    assert why_nothing_sent(outbox.summary(HERE)).why is Idle.NEEDS_USER


def test_the_sending_policy():
    policy = SendingPolicy()
    assert policy.may_auto_send() and policy.hold is None
    assert not needs_confirmation(CONFIRM_ABOVE) and needs_confirmation(CONFIRM_ABOVE + 1)

    # Unreachable: it waits, is probed every few ticks, and goes again once the host answers.
    policy.record(SendOutcome(1, Decision.RETRY, error=NotSent("refused")))
    assert policy.hold is Hold.OFFLINE and not policy.may_auto_send()
    assert [t for t in range(1, 31) if policy.probe_due(t)] == [10, 20, 30]
    assert not policy.probed(False) and policy.probed(True) and policy.hold is None

    # The system offline holds a remote service, not one on this computer.
    policy.set_system_offline(True)
    assert policy.hold is Hold.OFFLINE
    policy.use(ServiceConfig(base_url=SANDBOX_URL, sandbox=True), new_service=True, new_token=False)
    assert policy.hold is None
    policy.set_system_offline(False)

    # A refused token: said once, held until the token changes.
    refused = SendOutcome(2, Decision.TOKEN_REFUSED, error=AuthError("no"))
    assert policy.record(refused) and not policy.record(refused)
    assert policy.hold is Hold.TOKEN_REFUSED
    policy.send_now()
    assert policy.hold is Hold.TOKEN_REFUSED  # Send now does not lift it; a new token does
    policy.use(ServiceConfig(base_url=OTHER), new_service=False, new_token=True)
    assert policy.hold is None

    # An empty balance pauses; Send now resumes; automatic sending off waits for Send now.
    policy.finished(RunReport(stopped=RunStop.QUOTA))
    assert policy.hold is Hold.PAUSED
    policy.send_now()
    assert policy.hold is None
    policy.auto_send = False
    assert policy.hold is Hold.MANUAL and not policy.may_auto_send()


def test_a_shown_next_attempt_turns_into_due_now_when_it_passes(qtbot, db, owner):
    outbox = Outbox(db)
    item_id = outbox.add(HERE, request(1))
    outbox.claim(item_id, owner.owner_id)
    outbox.mark_retry(
        item_id,
        owner.owner_id,
        delay=1.5,
        reason=Reason("busy", ErrorKind.RATE_LIMITED),
        wait_kind=WaitKind.SERVICE,
    )
    model = OutboxTableModel(outbox)
    model.set_context(ServiceConfig(base_url=HERE), None)
    column = model.COL_NEXT
    at = outbox.get(item_id).next_attempt_at.astimezone().strftime("%H:%M:%S")
    assert model.data(model.index(0, column)) == at
    painted: list[str] = []
    model.dataChanged.connect(lambda *_: painted.append(model.data(model.index(0, column))))
    qtbot.waitUntil(lambda: "Due now" in painted, timeout=10000)  # repainted by itself
    assert time.time() >= outbox.get(item_id).next_attempt_at.timestamp()


# --- the window ---------------------------------------------------------------------------


def window_items(h, cases, current: str) -> dict[str, int]:
    h.window.outbox_runner.pause()  # nothing goes on its own here
    owner = ProcessOwner(h.database.path.parent)  # alive while the test runs
    ids = {case.name: make_item(h.outbox, case, n, current, owner.owner_id) for n, case in cases}
    panel = h.window.outbox_panel
    count = len(h.outbox.items())
    h.owner = owner
    shared_wait(h, lambda: panel.model.rowCount() == count)
    return ids


def shared_wait(h, condition) -> None:
    h.qtbot.waitUntil(condition, timeout=5000)


@pytest.fixture
def window(qtbot, make_window):
    h = make_window()
    h.qtbot = qtbot
    yield h
    if hasattr(h, "owner"):
        h.owner.release()


def test_moving_items_in_the_window(qtbot, window, sandbox, monkeypatch):
    h = window
    current = sandbox.base_url
    ids = window_items(h, enumerate(CASES), current)
    panel, model = h.window.outbox_panel, h.window.outbox_panel.model
    assert any(panel.move_action in menu.actions() for menu in h.window._menus)

    def row(case: Case) -> int:
        return model.row_of(ids[case.name])

    for case in CASES:
        service = model.data(model.index(row(case), model.COL_SERVICE))
        assert service == ("Sandbox" if case.here else "api.example.com"), case.name
        waits = model.data(model.index(row(case), model.COL_NEXT))
        if case.state in (ItemState.QUEUED, ItemState.RETRY_WAIT) and not case.here:
            assert waits == "Waits for api.example.com", case.name
        panel.table.clearSelection()
        panel.select_item(ids[case.name])
        offered = case.refusal in (None, MoveRefusal.DUPLICATE)  # a duplicate: the core says
        assert panel.move_action.isEnabled() is offered, case.name

    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text)
    )
    for case in CASES:
        if case.refusal not in (None, MoveRefusal.DUPLICATE):
            continue
        panel.table.clearSelection()
        panel.select_item(ids[case.name])
        defaults: list[str] = []

        def accept(dialog, defaults=defaults):
            defaults.append(dialog.defaultButton().text())  # Enter must not move it
            return ACCEPT(dialog)

        with answer_modal(qtbot, accept) as asked:
            panel.move_action.trigger()
        assert asked["title"] == "Move to the current service?"
        assert defaults == ["Cancel"]
        assert "api.example.com" in asked["text"] and "sandbox" in asked["text"]
        assert "billed there" not in asked["text"]  # the sandbox bills nothing
        if case.refusal is None:
            moved_as_it_should(h.outbox, ids[case.name], current)
            assert "Moved 1 job(s) to Sandbox" in h.window.statusBar().currentMessage()
            qtbot.waitUntil(
                lambda case=case: model.data(model.index(row(case), model.COL_SERVICE)) == "Sandbox"
            )
        else:
            assert warnings and "already queued or sent for Sandbox" in warnings[-1]
            assert h.outbox.get(ids[case.name]).service_url == OTHER


def test_moving_asks_naming_both_services_and_billing(qtbot, make_window, servers):
    service = servers()
    h = make_window(service=ServiceChoice.CUSTOM, server=service)
    h.qtbot = qtbot
    h.window.outbox_runner.pause()
    item_id = h.outbox.add(SANDBOX_URL, request(1))
    panel = h.window.outbox_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.select_item(item_id)
    host = service.base_url.removeprefix("http://")
    with answer_modal(qtbot, shared.standard(QMessageBox.StandardButton.Cancel)) as asked:
        panel.move_action.trigger()
    assert "from Sandbox to " + host in asked["text"] and "billed there" in asked["text"]
    assert h.outbox.get(item_id).service_url == SANDBOX_URL  # Cancel: nothing moved
    with answer_modal(qtbot, ACCEPT):
        h.window.outbox_panel.move_action.trigger()
    assert h.outbox.get(item_id).service_url == service.base_url


def test_the_counts_agree_everywhere(qtbot, window, sandbox):
    h = window
    current = sandbox.base_url
    cases = [
        Case("a", ItemState.QUEUED, here=True),
        Case("b", ItemState.RETRY_WAIT, here=True),
        Case("c", ItemState.REFUSED, here=True),
        Case("d", ItemState.QUEUED),
        Case("e", ItemState.RETRY_WAIT),
        Case("f", ItemState.QUEUED),
        Case("g", ItemState.SUBMITTED),
    ]
    window_items(h, enumerate(cases), current)
    summary = h.outbox.summary(current)
    assert (summary.waiting, summary.needs_user, summary.other_waiting) == (2, 1, 3)
    status = h.window.status_bar.outbox_label
    qtbot.waitUntil(lambda: "3 wait for other services" in status.text())
    tab = h.window.right_tabs.tabText(h.window.right_tabs.indexOf(h.window.outbox_panel))
    line = h.window.outbox_panel.summary.text()
    assert tab == "Outbox (2)"
    assert status.text().startswith("Outbox: 2 waiting · sending paused")
    assert "1 need you" in status.text()
    assert line.startswith("2 waiting · 1 need your decision · 3 wait for other services")
    assert "api.example.com: 3" in status.toolTip()


def test_send_now_says_why_nothing_went(qtbot, window, sandbox):
    h = window
    bar = h.window.statusBar()
    h.window.main_actions.send_now.trigger()
    assert bar.currentMessage() == "Nothing to send to Sandbox: everything is sent."

    h.outbox.add(OTHER, request(1))
    h.outbox.add(OTHER, request(2))
    h.window.main_actions.send_now.trigger()
    assert bar.currentMessage().startswith(
        "Nothing to send to Sandbox: 2 job(s) wait for other services"
    )

    sandbox.inject("submit", Fault.rate_limited("120"), times=1)
    item_id = h.outbox.add(sandbox.base_url, request(3))
    h.window.main_actions.send_now.trigger()
    qtbot.waitUntil(lambda: h.outbox.get(item_id).state is ItemState.RETRY_WAIT, timeout=10000)
    qtbot.waitUntil(lambda: not h.window.outbox_runner.busy)
    h.window.main_actions.send_now.trigger()
    message = bar.currentMessage()
    assert message.startswith("Nothing to send to Sandbox now: waiting until ")
    assert message.endswith(" as the service asked.")
    shown = datetime.strptime(message.split("until ")[1][:8], "%H:%M:%S").time()
    due = h.outbox.get(item_id).next_attempt_at.astimezone()
    assert abs(datetime.combine(due.date(), shown).astimezone().timestamp() - due.timestamp()) <= 2
    assert len([r for r in sandbox.requests if r.path == "/avatar/generation"]) == 1
    model = h.window.outbox_panel.model
    qtbot.waitUntil(lambda: model.row_of(item_id) is not None)
    assert model.data(model.index(model.row_of(item_id), model.COL_NEXT)) == due.strftime(
        "%H:%M:%S"
    )
    assert due > datetime.now(UTC)


# --- avatar-cli -----------------------------------------------------------------------------


@pytest.fixture
def cli_outbox():
    db = Database(data_dir() / "tasks.sqlite3")
    yield Outbox(db)
    db.close()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_moving_an_item_with_avatar_cli(cli_outbox, case):
    owner = ProcessOwner(data_dir())
    try:
        item_id = make_item(cli_outbox, case, 1, HERE, owner.owner_id)
        before = cli_outbox.get(item_id)
        result = cli("--service", HERE, "queue", "move", str(item_id))
    finally:
        owner.release()
    if case.refusal is None:
        assert result.code == 0, result.err
        assert result.out == f"item {item_id}: moved to {HERE}\n"
        moved_as_it_should(cli_outbox, item_id, HERE)
        return
    assert result.code == 2, result.err
    expected = {
        MoveRefusal.STATE: f"is {case.state.value}; only queued, retry_wait or refused",
        MoveRefusal.SAME_SERVICE: f"already queued for {HERE}",
        MoveRefusal.DUPLICATE: "would be billed twice",
    }[case.refusal]
    assert expected in result.err
    assert cli_outbox.get(item_id) == before


def test_avatar_cli_moves_nothing_unknown(cli_outbox):
    result = cli("--service", HERE, "queue", "move", "7")
    assert result.code == 2 and "no outbox item 7" in result.err


def test_avatar_cli_sends_only_to_the_item_s_service_until_moved(cli_outbox, sandbox):
    url = sandbox.base_url
    elsewhere = cli_outbox.add(OTHER, request(1))
    mine = cli_outbox.add(url, request(2))
    listed = cli("queue", "list")
    assert listed.out.splitlines()[0].split()[:4] == ["ID", "STATE", "CREATED", "SERVICE"]
    assert OTHER in listed.out and url in listed.out

    sent = cli("--service", url, "queue", "send")
    assert sent.code == 0, sent.err
    assert (
        f"1 item(s) wait for other services ({OTHER}: {elsewhere}): "
        f"'avatar-cli --service {url} queue move ID' moves one to {url}"
    ) in sent.err
    assert cli_outbox.get(mine).state is ItemState.SUBMITTED
    assert cli_outbox.get(elsewhere).state is ItemState.QUEUED

    nothing = cli("--service", url, "queue", "send")
    assert "nothing to send" in nothing.err and "wait for other services" in nothing.err

    moved = cli("--service", url, "queue", "move", str(elsewhere))
    assert moved.code == 0 and moved.out == f"item {elsewhere}: moved to {url}\n"
    again = cli("--service", url, "queue", "send")
    assert again.code == 0, again.err
    assert cli_outbox.get(elsewhere).state is ItemState.SUBMITTED
    assert "wait for other services" not in again.err
    assert len([r for r in sandbox.requests if r.path == "/avatar/generation"]) == 2


def test_avatar_cli_documents_queue_move():
    assert "queue move ID" in cli("--help").out
    text = " ".join(cli("queue", "move", "--help").out.split())
    assert "service of this run" in text and "exits 2" in text


def test_avatar_cli_says_until_when_the_service_asked_to_wait(cli_outbox, sandbox):
    sandbox.inject("submit", Fault.rate_limited("120"), times=1)
    item_id = cli_outbox.add(sandbox.base_url, request(1))
    assert cli("--service", sandbox.base_url, "queue", "send").code == 0
    due = cli_outbox.get(item_id).next_attempt_at.astimezone().strftime("%H:%M:%S")
    again = cli("--service", sandbox.base_url, "queue", "send")
    assert again.code == 0
    assert f"nothing to send to {sandbox.base_url} now: the service asked to wait until {due}" in (
        again.err
    )


def test_switching_back_to_the_sandbox_says_what_waits_for_the_other_service(
    qtbot, make_window, servers
):
    service = servers()
    h = make_window(service=ServiceChoice.CUSTOM, server=service)
    h.window.outbox_runner.pause()
    item_id = h.outbox.add(service.base_url, request(1))
    model = h.window.outbox_panel.model
    qtbot.waitUntil(lambda: model.row_of(item_id) is not None)
    assert model.data(model.index(0, model.COL_NEXT)) == "Held: sending paused"

    h.settings.service = ServiceChoice.SANDBOX
    h.window._apply_service()  # what accepting the settings dialog does
    host = service.base_url.removeprefix("http://")
    qtbot.waitUntil(lambda: model.data(model.index(0, model.COL_NEXT)) == f"Waits for {host}")
    assert "1 wait for other services" in h.window.status_bar.outbox_label.text()
    assert h.window.status_bar.outbox_label.text().startswith("Outbox: 0 waiting")
    assert h.window.right_tabs.tabText(1) == "Outbox"
    assert "1 wait for other services" in h.window.outbox_panel.summary.text()
    panel = h.window.outbox_panel
    panel.select_item(item_id)
    assert panel.move_action.isEnabled()


def test_a_sent_item_is_said_to_be_sent_whichever_service_asks(cli_outbox, sandbox):
    """Moving a submitted item to the service it was sent to: its state is the reason, not
    "already queued there"."""
    url = sandbox.base_url
    item = cli_outbox.add(url, request(7))
    assert cli("--service", url, "queue", "send").code == 0
    assert cli_outbox.get(item).state is ItemState.SUBMITTED
    for service in (url, OTHER):
        moved = cli("--service", service, "queue", "move", str(item))
        assert moved.code == 2
        assert f"Item {item} is submitted; only queued" in moved.err, moved.err
