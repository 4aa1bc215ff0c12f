"""The outbox and its sender: every state transition, against the sandbox's real faults."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time

import pytest

from avatar_desktop.core.config import SANDBOX_TOKEN, ServiceConfig
from avatar_desktop.core.delivery import Decision, RunStop, Sender, classify, send_due
from avatar_desktop.core.owners import ProcessOwner, owner_is_alive
from avatar_desktop.core.pacing import RateGate, backoff_delay
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.service import ErrorKind, ServerError
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import (
    INTERRUPTED_REASON,
    ItemState,
    NewItem,
    Outbox,
    Reason,
    WaitKind,
)
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.sandbox import Fault

AVATAR = "https://example.com/avatar.png"


def request(n: int = 0, text: str = "") -> GenerationRequest:
    return GenerationRequest(AVATAR, AudioTrack(f"https://example.com/voice-{n}{text}.mp3"))


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "data.sqlite3") as database:
        yield database


@pytest.fixture
def outbox(db):
    return Outbox(db)


@pytest.fixture
def owner(tmp_path):
    me = ProcessOwner(tmp_path)
    yield me
    me.release()


def make_sender(outbox, owner, base_url, token=SANDBOX_TOKEN, **kwargs):
    config = ServiceConfig(base_url=base_url, sandbox=True, connect_timeout=2, read_timeout=3)
    return Sender(
        outbox, owner.owner_id, config.base_url, lambda: config.make_client(token), **kwargs
    )


def free_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens: connection refused


# --- the outbox alone -----------------------------------------------------------------------


def test_added_items_are_queued_with_their_exact_body(outbox):
    ids = outbox.add_many("http://127.0.0.1:1", [NewItem(request(1)), NewItem(request(2))])
    items = outbox.items()
    assert [i.item_id for i in items] == ids
    assert all(i.state is ItemState.QUEUED for i in items)
    assert items[0].payload == request(1).to_payload()
    assert items[0].to_json()["state"] == "queued"
    assert items[0].to_json()["task_id"] is None
    assert outbox.counts()[ItemState.QUEUED] == 2


def test_claims_are_exclusive_and_durable(outbox, db, tmp_path):
    outbox.add("http://127.0.0.1:1", request())
    claimed = outbox.claim_next("http://127.0.0.1:1", "a" * 32, explicit=True)
    assert claimed is not None and claimed.state is ItemState.SENDING
    assert outbox.claim_next("http://127.0.0.1:1", "b" * 32, explicit=True) is None
    # Committed before the request leaves: another connection already sees it.
    raw = sqlite3.connect(db.path)
    assert raw.execute("SELECT state, owner FROM outbox").fetchall() == [("sending", "a" * 32)]
    raw.close()


def test_only_the_owner_finishes_its_claim(outbox):
    item_id = outbox.add("http://127.0.0.1:1", request())
    outbox.claim_next("http://127.0.0.1:1", "a" * 32, explicit=True)
    assert not outbox.mark_refused(
        item_id, "b" * 32, Reason("no", ErrorKind.REJECTED, verbatim=True)
    )
    assert outbox.get(item_id).state is ItemState.SENDING
    assert outbox.mark_refused(item_id, "a" * 32, Reason("no", ErrorKind.REJECTED, verbatim=True))
    assert outbox.get(item_id).state is ItemState.REFUSED


def test_items_are_sent_only_to_their_own_service(outbox, owner, sandbox):
    outbox.add("https://api.gpt.ge", request())
    sender = make_sender(outbox, owner, sandbox.base_url)
    assert sender.send_next(explicit=True) is None
    assert sandbox.requests == []


def test_interrupted_sends_of_dead_owners_become_outcome_unknown(outbox, tmp_path):
    alive = ProcessOwner(tmp_path)
    dead = ProcessOwner(tmp_path)
    first = outbox.add("http://127.0.0.1:1", request(1))
    second = outbox.add("http://127.0.0.1:1", request(2))
    outbox.claim(first, alive.owner_id)
    outbox.claim(second, dead.owner_id)
    dead.release()  # as the OS does when the process dies
    recovered = outbox.recover_orphans(lambda who: owner_is_alive(tmp_path, who))
    assert recovered == [second]
    assert outbox.get(first).state is ItemState.SENDING  # another live process is sending it
    gone = outbox.get(second)
    assert gone.state is ItemState.OUTCOME_UNKNOWN and gone.reason == INTERRUPTED_REASON
    alive.release()


def test_user_decisions_on_items(outbox, db):
    service = "http://127.0.0.1:1"
    item_id = outbox.add(service, request())
    outbox.claim(item_id, "a" * 32)
    outbox.mark_outcome_unknown(item_id, "a" * 32, Reason("dropped", ErrorKind.OUTCOME_UNKNOWN))
    assert outbox.resolve_submitted(item_id, "0123456789abcdef0123456789abcdef") is not None
    item = outbox.get(item_id)
    assert item.state is ItemState.SUBMITTED and item.task_id == "0123456789abcdef0123456789abcdef"
    assert TaskStore(db).count() == 1
    other = outbox.add(service, request(2))
    assert outbox.cancel(other)
    assert outbox.get(other).state is ItemState.CANCELLED
    assert outbox.requeue(other)
    assert outbox.get(other).state is ItemState.QUEUED
    edited = request(3).to_payload()
    outbox.cancel(other)
    assert outbox.requeue(other, edited)
    assert outbox.get(other).payload == edited
    assert not outbox.cancel(item_id)  # a submitted item stays submitted


def test_duplicates_are_found_in_the_outbox(outbox):
    outbox.add("http://127.0.0.1:1", request())
    assert len(outbox.find_same("http://127.0.0.1:1", request().to_payload())) == 1
    assert outbox.find_same("http://127.0.0.1:2", request().to_payload()) == []


def test_backoff_grows_and_is_capped():
    import random

    rng = random.Random(1)
    delays = [backoff_delay(n, rng=rng) for n in range(1, 12)]
    assert 4 <= delays[0] <= 6
    assert delays[3] > delays[0]
    assert max(delays) <= 300


# --- sending, against the sandbox --------------------------------------------------------------


def test_an_accepted_item_becomes_a_task(outbox, owner, sandbox, db):
    item_id = outbox.add(sandbox.base_url, request())
    outcome = make_sender(outbox, owner, sandbox.base_url).send_next(explicit=False)
    assert outcome.decision is Decision.SUBMITTED
    item = outbox.get(item_id)
    assert item.state is ItemState.SUBMITTED and item.task_id == outcome.task_id
    record = TaskStore(db).get(outcome.task_row_id)
    assert record.task_id == outcome.task_id and record.payload == request().to_payload()
    assert len(sandbox.requests) == 1


def test_refused_connection_waits_and_an_explicit_send_retries_it(outbox, owner):
    url = free_port_url()
    item_id = outbox.add(url, request())
    sender = make_sender(outbox, owner, url)
    outcome = sender.send_next(explicit=False)
    assert outcome.decision is Decision.RETRY
    item = outbox.get(item_id)
    assert item.state is ItemState.RETRY_WAIT and item.wait_kind is WaitKind.UNREACHABLE
    assert item.next_attempt_at is not None
    assert sender.send_next(explicit=False) is None  # not due yet
    assert sender.send_next(explicit=True).decision is Decision.RETRY  # tried at once
    assert outbox.get(item_id).attempts == 2


def test_a_run_does_not_retry_what_it_found_unreachable_itself(outbox, owner):
    """Two lanes of one explicit run: the item one lane just found unreachable is not tried
    again by the other (that second attempt also doubled its wait)."""
    url = free_port_url()
    item_id = outbox.add(url, request())
    began = time.time()
    sender = make_sender(outbox, owner, url)
    assert sender.send_next(explicit=True, since=began).decision is Decision.RETRY
    assert sender.send_next(explicit=True, since=began) is None  # this run found it so
    assert outbox.get(item_id).attempts == 1
    later = time.time() + 1  # the next run retries it at once
    assert sender.send_next(explicit=True, since=later).decision is Decision.RETRY
    assert outbox.get(item_id).attempts == 2


def test_token_refused_gives_the_item_back(outbox, owner, sandbox):
    sandbox.inject("submit", Fault(status=401, json_body={"error": {"message": "bad token"}}))
    item_id = outbox.add(sandbox.base_url, request())
    outcome = make_sender(outbox, owner, sandbox.base_url).send_next(explicit=True)
    assert outcome.decision is Decision.TOKEN_REFUSED
    item = outbox.get(item_id)
    assert item.state is ItemState.QUEUED and item.attempts == 0


def test_rate_limit_honours_retry_after_and_holds_the_service(outbox, owner, sandbox):
    sandbox.inject("submit", Fault.rate_limited("120"), times=1)
    first = outbox.add(sandbox.base_url, request(1))
    outbox.add(sandbox.base_url, request(2))
    sender = make_sender(outbox, owner, sandbox.base_url)
    outcome = sender.send_next(explicit=True)
    assert outcome.decision is Decision.RETRY
    item = outbox.get(first)
    assert item.wait_kind is WaitKind.SERVICE
    assert (item.next_attempt_at - item.updated_at).total_seconds() == pytest.approx(120, abs=2)
    # The service asked to wait: nothing more goes there, not even explicitly.
    assert sender.send_next(explicit=True) is None
    assert len(sandbox.requests) == 1


def test_503_retries_and_502_504_are_outcome_unknown(outbox, owner, sandbox):
    sender = make_sender(outbox, owner, sandbox.base_url, gate=RateGate())
    sandbox.inject("submit", Fault.server_error(503), times=1)
    a = outbox.add(sandbox.base_url, request(1))
    assert sender.send_next(explicit=True).decision is Decision.RETRY
    assert outbox.get(a).wait_kind is WaitKind.SERVICE
    outbox.cancel(a)
    sender.gate.clear()
    for status in (502, 504):
        sandbox.inject("submit", Fault.html_page(status), times=1)
        item_id = outbox.add(sandbox.base_url, request(status))
        assert sender.send_next(explicit=True).decision is Decision.OUTCOME_UNKNOWN
        assert outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN


def test_500_with_json_is_refused_with_the_service_message(outbox, owner, sandbox):
    sandbox.inject(
        "submit",
        Fault(status=500, json_body={"error": {"message": "上游错误 upstream", "code": "x"}}),
        times=1,
    )
    item_id = outbox.add(sandbox.base_url, request())
    assert make_sender(outbox, owner, sandbox.base_url).send_next(explicit=True).decision is (
        Decision.REFUSED
    )
    item = outbox.get(item_id)
    assert item.state is ItemState.REFUSED and item.reason == "上游错误 upstream"


def test_dropped_answer_is_outcome_unknown_and_never_resent(outbox, owner, sandbox):
    sandbox.inject("submit", Fault.dropped(), times=1)
    item_id = outbox.add(sandbox.base_url, request())
    sender = make_sender(outbox, owner, sandbox.base_url)
    assert sender.send_next(explicit=True).decision is Decision.OUTCOME_UNKNOWN
    assert outbox.get(item_id).state is ItemState.OUTCOME_UNKNOWN
    assert sender.send_next(explicit=True) is None
    assert len(sandbox.requests) == 1


def test_validation_refusal_from_the_service(outbox, owner, sandbox):
    sandbox.inject("submit", Fault.refused("invalid_request", "avatar_url 无效"), times=1)
    item_id = outbox.add(sandbox.base_url, request())
    make_sender(outbox, owner, sandbox.base_url).send_next(explicit=True)
    assert outbox.get(item_id).reason == "avatar_url 无效"


def test_classify_covers_the_rules():
    assert classify(ServerError(status=500)).decision is Decision.REFUSED
    assert classify(RuntimeError("bug")).decision is Decision.OUTCOME_UNKNOWN


# --- runs ------------------------------------------------------------------------------------


def test_a_run_sends_everything_due_once(outbox, owner, sandbox):
    for n in range(7):
        outbox.add(sandbox.base_url, request(n))
    report = send_due(make_sender(outbox, owner, sandbox.base_url), concurrency=3)
    assert len(report.by(Decision.SUBMITTED)) == 7 and report.stopped is None
    bodies = [r.body for r in sandbox.requests if r.path == "/avatar/generation"]
    assert len(bodies) == len(set(bodies)) == 7


def test_a_run_stops_when_the_service_is_unreachable(outbox, owner):
    url = free_port_url()
    for n in range(3):
        outbox.add(url, request(n))
    report = send_due(make_sender(outbox, owner, url), concurrency=1, wait=True)
    assert report.stopped is RunStop.UNREACHABLE
    assert outbox.counts()[ItemState.QUEUED] == 2  # nothing lost


def test_a_waiting_run_goes_through_retry_after(outbox, owner, sandbox):
    sandbox.inject("submit", Fault.rate_limited("1"), times=1)
    for n in range(2):
        outbox.add(sandbox.base_url, request(n))
    sleeps = []
    report = send_due(
        make_sender(outbox, owner, sandbox.base_url),
        concurrency=1,
        wait=True,
        sleep=lambda s: (sleeps.append(s), threading.Event().wait(s)),
        poll_seconds=0.2,
    )
    assert len(report.by(Decision.SUBMITTED)) == 2
    assert sleeps  # it waited for the delay the service asked for
    assert outbox.counts()[ItemState.SUBMITTED] == 2


def test_two_senders_on_one_file_send_each_item_once(tmp_path, sandbox):
    path = tmp_path / "shared.sqlite3"
    with Database(path) as first_db, Database(path) as second_db:
        Outbox(first_db).add_many(sandbox.base_url, [NewItem(request(n)) for n in range(20)])
        owners = [ProcessOwner(tmp_path), ProcessOwner(tmp_path)]
        senders = [
            make_sender(Outbox(first_db), owners[0], sandbox.base_url),
            make_sender(Outbox(second_db), owners[1], sandbox.base_url),
        ]
        runs = [
            threading.Thread(target=send_due, args=(s,), kwargs={"concurrency": 2}) for s in senders
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
        assert Outbox(first_db).counts()[ItemState.SUBMITTED] == 20
        for me in owners:
            me.release()
    bodies = [r.body for r in sandbox.requests if r.path == "/avatar/generation"]
    assert len(bodies) == len(set(bodies)) == 20


def test_a_full_disk_keeps_the_task_id_in_memory(outbox, owner, sandbox, db):
    item_id = outbox.add(sandbox.base_url, request())
    sender = make_sender(outbox, owner, sandbox.base_url)
    item = outbox.claim(item_id, owner.owner_id)
    db.close()  # every write now fails, as on a full disk
    outcome = sender.send_claimed(item)
    assert outcome.decision is Decision.SUBMITTED and not outcome.saved
    assert sender.unsaved.snapshot() == {item_id: outcome.task_id}


def test_a_run_sends_only_the_items_it_was_given(outbox, owner, sandbox):
    first = outbox.add(sandbox.base_url, request(1))
    later = outbox.add(sandbox.base_url, request(2))  # queued after the user said yes
    report = send_due(make_sender(outbox, owner, sandbox.base_url), only=[first])
    assert [o.item_id for o in report.by(Decision.SUBMITTED)] == [first]
    assert outbox.get(later).state is ItemState.QUEUED


def test_the_outbox_signature_changes_with_every_item_change_and_only_then(tmp_path):
    """The Outbox tab reads the items again only when the signature changed (issue 15: the
    data file changes at every task status check, and 500 items were read again each time)."""
    from avatar_desktop.core.request import AudioTrack, GenerationRequest
    from avatar_desktop.core.store.database import Database
    from avatar_desktop.core.store.outbox import NewItem, Outbox
    from avatar_desktop.core.store.tasks import TaskStore

    with Database(tmp_path / "t.sqlite3") as db:
        box, store = Outbox(db), TaskStore(db)
        empty = box.signature()
        request = GenerationRequest(
            "https://x.example/a.png", AudioTrack("https://x.example/a.mp3")
        )
        (item_id,) = box.add_many("https://api.example.com", [NewItem(request)])
        added = box.signature()
        assert added != empty
        store.add_task("t" * 32, "https://api.example.com", {"avatar_url": "https://x/p.png"})
        assert box.signature() == added  # a task's change is not the outbox's
        assert box.cancel(item_id)
        cancelled = box.signature()
        assert cancelled != added
        assert box.requeue(item_id)
        assert box.signature() != cancelled


def test_a_listing_reads_again_only_the_items_that_changed(outbox):
    from avatar_desktop.core.store.outbox import OutboxListing

    url = "https://api.example.test"
    ids = outbox.add_many(url, [NewItem(request(n)) for n in range(4)])
    listing = OutboxListing(outbox)
    first, changed = listing.read()
    assert [item.item_id for item in first] == ids and changed == set(ids)
    assert outbox.cancel(ids[1])
    again, changed = listing.read()
    assert changed == {ids[1]} and again[1].state is ItemState.CANCELLED
    assert all(again[n] is first[n] for n in (0, 2, 3))  # the same items: not read again
    assert again == outbox.items()
    assert outbox.remove_finished(url) == 1  # the cancelled one leaves the list
    third, changed = listing.read()
    assert [item.item_id for item in third] == [ids[0], ids[2], ids[3]] and not changed
