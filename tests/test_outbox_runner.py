"""The window's outbox runner: sending on its own, asking before many, offline and back, and the
store watch that shows another process's writes."""

from __future__ import annotations

import socket

import pytest

from avatar_desktop.core.config import SANDBOX_TOKEN, ServiceConfig
from avatar_desktop.core.delivery import Decision
from avatar_desktop.core.owners import ProcessOwner
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.sending import RECOVER_EVERY_TICKS
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import ItemState, NewItem, Outbox
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.store_watch import StoreWatch
from avatar_desktop.sandbox import Fault, SandboxServer


def request(n: int) -> GenerationRequest:
    return GenerationRequest(
        "https://example.com/avatar.png", AudioTrack(f"https://example.com/v{n}.mp3")
    )


def config_for(url: str) -> ServiceConfig:
    return ServiceConfig(base_url=url, sandbox=True, connect_timeout=2, read_timeout=5)


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "tasks.sqlite3") as database:
        yield database


@pytest.fixture
def make_runner(qtbot, db, tmp_path):
    made = []

    def make(**kwargs):
        runner = OutboxRunner(Outbox(db), tmp_path, tick_ms=50, **kwargs)
        runner.set_system_offline(False)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.shutdown()


def counts(db, service):
    return Outbox(db).counts(service)


def test_queued_items_go_out_on_their_own(qtbot, make_runner, db, sandbox):
    outbox = Outbox(db)
    outbox.add_many(sandbox.base_url, [NewItem(request(n)) for n in range(3)])
    runner = make_runner()
    runner.configure(config_for(sandbox.base_url), SANDBOX_TOKEN)
    qtbot.waitUntil(lambda: counts(db, sandbox.base_url)[ItemState.SUBMITTED] == 3, timeout=10000)
    assert len([r for r in sandbox.requests if r.path == "/avatar/generation"]) == 3


def test_many_items_ask_first_and_go_once_confirmed(qtbot, make_runner, db, sandbox):
    Outbox(db).add_many(sandbox.base_url, [NewItem(request(n)) for n in range(8)])
    runner = make_runner()
    with qtbot.waitSignal(runner.confirmation_needed, timeout=5000) as asked:
        runner.configure(config_for(sandbox.base_url), SANDBOX_TOKEN)
    assert asked.args == [8]
    assert sandbox.requests == []  # nothing before the user says yes
    assert runner.confirm() == 8
    qtbot.waitUntil(lambda: counts(db, sandbox.base_url)[ItemState.SUBMITTED] == 8, timeout=10000)


def test_auto_send_off_waits_for_send_now(qtbot, make_runner, db, sandbox):
    Outbox(db).add(sandbox.base_url, request(1))
    runner = make_runner(auto_send=False)
    runner.configure(config_for(sandbox.base_url), SANDBOX_TOKEN)
    qtbot.waitUntil(lambda: runner._ticks >= 6, timeout=5000)  # nothing may go on its own
    assert sandbox.requests == []
    with qtbot.waitSignal(runner.outcome, timeout=5000) as sent:
        runner.send_now()
    assert sent.args[0].decision is Decision.SUBMITTED


def test_submit_sends_that_item_at_once(qtbot, make_runner, db, sandbox):
    runner = make_runner(auto_send=False)
    runner.configure(config_for(sandbox.base_url), SANDBOX_TOKEN)
    item_id = Outbox(db).add(sandbox.base_url, request(1))
    with qtbot.waitSignal(runner.outcome, timeout=5000) as sent:
        assert runner.submit_item(item_id)
    outcome = sent.args[0]
    assert outcome.item_id == item_id and outcome.decision is Decision.SUBMITTED


def test_refused_token_pauses_until_the_token_changes(qtbot, make_runner, db, sandbox):
    sandbox.inject("submit", Fault(status=401, json_body={"error": {"message": "bad"}}))
    Outbox(db).add_many(sandbox.base_url, [NewItem(request(n)) for n in range(2)])
    runner = make_runner()
    with qtbot.waitSignal(runner.token_refused, timeout=5000):
        runner.configure(config_for(sandbox.base_url), "old-token")
    assert runner.policy.token_paused
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert counts(db, sandbox.base_url)[ItemState.QUEUED] == 2  # nothing lost
    sandbox.clear_faults()
    runner.configure(config_for(sandbox.base_url), "new-token")
    qtbot.waitUntil(lambda: counts(db, sandbox.base_url)[ItemState.SUBMITTED] == 2, timeout=10000)


def test_offline_then_back_resumes_by_itself(qtbot, make_runner, db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    Outbox(db).add(url, request(1))
    runner = make_runner()
    runner.configure(config_for(url), SANDBOX_TOKEN)
    qtbot.waitUntil(lambda: not runner.policy.online, timeout=10000)
    assert counts(db, url)[ItemState.RETRY_WAIT] == 1
    with SandboxServer(port=port, step_seconds=0) as server:
        qtbot.waitUntil(lambda: counts(db, url)[ItemState.SUBMITTED] == 1, timeout=15000)
        assert runner.policy.online
        assert len(server.requests) == 1


def test_a_dead_process_s_send_becomes_outcome_unknown(qtbot, make_runner, db, tmp_path, sandbox):
    other = ProcessOwner(tmp_path)
    outbox = Outbox(db)
    item_id = outbox.add(sandbox.base_url, request(1))
    outbox.claim(item_id, other.owner_id)
    runner = make_runner()
    qtbot.waitUntil(lambda: runner._ticks > RECOVER_EVERY_TICKS, timeout=5000)
    assert outbox.get(item_id).state is ItemState.SENDING  # its owner is alive
    other.release()  # the other process died
    qtbot.waitUntil(lambda: outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN, timeout=5000)


def test_store_watch_sees_another_connection_s_commit(qtbot, tmp_path):
    path = tmp_path / "w.sqlite3"
    with Database(path) as mine, Database(path) as theirs:
        watch = StoreWatch(path)
        try:
            assert not watch.check()
            with qtbot.waitSignal(watch.changed, timeout=3000):
                Outbox(theirs).add("http://127.0.0.1:1", request(1))
            with qtbot.waitSignal(watch.changed, timeout=3000):
                Outbox(mine).add("http://127.0.0.1:1", request(2))
        finally:
            watch.stop()


def test_a_burst_of_changes_is_shown_by_one_look(qtbot, tmp_path):
    # Every answer this window stores asks the watch to look soon: the answers of many tasks
    # together make one look (one refresh of every list), not one each.
    path = tmp_path / "w.sqlite3"
    with Database(path) as db:
        watch = StoreWatch(path)
        seen: list[bool] = []
        watch.changed.connect(lambda: seen.append(True))
        try:
            for n in range(5):
                Outbox(db).add("http://127.0.0.1:1", request(n))
                watch.check_soon()
            qtbot.waitUntil(lambda: bool(seen), timeout=3000)
            assert seen == [True] and not watch._soon.isActive()  # one look, no other coming
            assert not watch.check()  # and it saw all five
        finally:
            watch.stop()


def test_a_yes_covers_exactly_the_items_asked_about(qtbot, make_runner, db, sandbox):
    outbox = Outbox(db)
    outbox.add_many(sandbox.base_url, [NewItem(request(n)) for n in range(8)])
    runner = make_runner()
    with qtbot.waitSignal(runner.confirmation_needed, timeout=5000):
        runner.configure(config_for(sandbox.base_url), SANDBOX_TOKEN)
    outbox.add_many(sandbox.base_url, [NewItem(request(n)) for n in range(100, 106)])
    with qtbot.waitSignal(runner.confirmation_needed, timeout=10000) as asked_again:
        assert runner.confirm() == 8
    assert asked_again.args == [6]  # the six queued meanwhile were not covered by the "yes"
    assert counts(db, sandbox.base_url)[ItemState.SUBMITTED] == 8
    assert counts(db, sandbox.base_url)[ItemState.QUEUED] == 6


def test_the_question_keeps_to_the_items_still_waiting(qtbot, make_runner, db, sandbox, tmp_path):
    outbox = Outbox(db)
    ids = outbox.add_many(sandbox.base_url, [NewItem(request(n)) for n in range(8)])
    runner = make_runner()
    with qtbot.waitSignal(runner.confirmation_needed, timeout=5000):
        runner.configure(config_for(sandbox.base_url), SANDBOX_TOKEN)
    runner.follow_question()  # nothing changed: nothing to say
    with Database(tmp_path / "tasks.sqlite3") as other:  # another program cancels three
        for item_id in ids[:3]:
            Outbox(other).cancel(item_id)
    with qtbot.waitSignal(runner.confirmation_changed, timeout=1000) as changed:
        runner.follow_question()
    assert changed.args == [5]
    assert runner.confirm() == 5
    qtbot.waitUntil(lambda: counts(db, sandbox.base_url)[ItemState.SUBMITTED] == 5, timeout=10000)
    assert counts(db, sandbox.base_url)[ItemState.CANCELLED] == 3


def test_a_question_nothing_is_left_of_is_dropped(qtbot, make_runner, db, sandbox):
    outbox = Outbox(db)
    ids = outbox.add_many(sandbox.base_url, [NewItem(request(n)) for n in range(6)])
    runner = make_runner()
    with qtbot.waitSignal(runner.confirmation_needed, timeout=5000):
        runner.configure(config_for(sandbox.base_url), SANDBOX_TOKEN)
    for item_id in ids:
        outbox.cancel(item_id)
    with qtbot.waitSignal(runner.confirmation_changed, timeout=1000) as changed:
        runner.follow_question()
    assert changed.args == [0]
    assert runner.confirm() == 0  # a late "yes" sends nothing
    assert sandbox.requests == []
