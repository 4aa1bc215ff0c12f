"""Workers on the runner's real threads against the sandbox, a real store and a real keyring
backend."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QObject, Signal

from avatar_desktop.core.config import SANDBOX_TOKEN, ServiceConfig
from avatar_desktop.core.media import MediaRole
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.service import NotSent
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.store.voices import VoiceCache
from avatar_desktop.core.vault import TokenSource, TokenVault
from avatar_desktop.qt.runner import Runner
from avatar_desktop.qt.workers import MediaCheckWorker, TokenWorker, VoiceListWorker
from avatar_desktop.sandbox import Fault


class Driver(QObject):
    """Calls worker slots through queued signals, as the window does."""

    submit = Signal(object)
    load_voices = Signal(object, str, str, bool)
    probe = Signal()
    load = Signal()
    save = Signal(str)
    test = Signal(object, str)
    check = Signal(list)
    poll = Signal(object, str, list)


@pytest.fixture
def driver():
    return Driver()


class Relay(QObject):
    """Brings a worker's signal back to the test's thread (as a window slot would be)."""

    fired = Signal(object)

    def forward(self, *args):
        self.fired.emit(list(args))


@pytest.fixture
def relay(qtbot):
    relays = []

    def wait(signal, timeout=5000):
        r = Relay()
        relays.append(r)
        signal.connect(r.forward)
        return qtbot.waitSignal(r.fired, timeout=timeout)

    return wait


REQUEST = GenerationRequest(
    "https://example.com/a.png", AudioTrack("https://example.com/a.mp3"), no_watermark=True
)


@pytest.fixture
def store(tmp_path):
    with TaskStore(tmp_path / "tasks.sqlite3") as store:
        yield store


@pytest.fixture
def threads(qtbot):
    runner = Runner()
    yield runner
    runner.shutdown(3000)  # a cancelled media check still waiting for its answer is abandoned


def sandbox_config(sandbox):
    return ServiceConfig(base_url=sandbox.base_url, sandbox=True)


def test_voice_list_is_cached_for_offline_use(qtbot, driver, relay, sandbox, store, threads):
    worker = VoiceListWorker(VoiceCache(store.db), threads)
    driver.load_voices.connect(worker.load)
    config = sandbox_config(sandbox)
    with relay(worker.voices_loaded, 5000) as blocker:
        driver.load_voices.emit(config, SANDBOX_TOKEN, "zh", False)
    language, voices, from_cache, _when = blocker.args[0]
    assert language == "zh" and voices and not from_cache
    sandbox.stop()
    with relay(worker.voices_loaded, 5000) as blocker:
        driver.load_voices.emit(config, SANDBOX_TOKEN, "zh", False)
    assert blocker.args[0][2] is True and blocker.args[0][1] == voices
    with relay(worker.voices_failed, 5000) as failed:
        driver.load_voices.emit(config, SANDBOX_TOKEN, "zh", True)
    assert isinstance(failed.args[0][1], NotSent)


def test_token_worker_saves_loads_and_tests(qtbot, driver, relay, memory_keyring, sandbox, threads):
    worker = TokenWorker(TokenVault(memory_keyring, environ={}), threads)
    driver.probe.connect(worker.probe)
    driver.load.connect(worker.load)
    driver.save.connect(worker.save)
    driver.test.connect(worker.test)
    with relay(worker.probed, 5000) as probed:
        driver.probe.emit()
    assert probed.args[0][0].usable
    with relay(worker.saved, 5000):
        driver.save.emit("sk-abc123")
    with relay(worker.loaded, 5000) as loaded:
        driver.load.emit()
    assert loaded.args[0] == ["sk-abc123", TokenSource.KEYRING]
    with relay(worker.tested, 5000) as tested:
        driver.test.emit(sandbox_config(sandbox), "sk-abc123")
    assert tested.args[0] == [True, None]
    with relay(worker.failed, 5000) as failed:
        driver.save.emit("two words")
    assert failed.args[0][0] == "save" and "two words" not in failed.args[0][1]


def test_media_check_reports_and_can_be_cancelled(qtbot, driver, relay, sandbox, threads):
    worker = MediaCheckWorker(threads)
    driver.check.connect(worker.check)
    items = [
        (sandbox.base_url + "/media/samples/avatar.png", MediaRole.AVATAR),
        (sandbox.base_url + "/media/samples/voice-12s.wav", MediaRole.VOICE_SAMPLE),
    ]
    reports = []
    worker.checked.connect(lambda _url, report: reports.append(report))
    with relay(worker.finished, 10000) as done:
        driver.check.emit(items)
    assert done.args[0] == [False]
    assert [r.role for r in reports] == [MediaRole.AVATAR, MediaRole.VOICE_SAMPLE]
    assert reports[1].blocking

    # Cancel once the first check is waiting for a slow answer: the worker stops waiting.
    sandbox.inject("media", Fault.slow(20))
    reports.clear()
    seen = len(sandbox.requests)

    def asked_for_media() -> bool:
        return any(r.path.startswith("/media/") for r in sandbox.requests[seen:])

    with relay(worker.finished, 10000) as done:
        driver.check.emit(items)
        qtbot.waitUntil(asked_for_media, timeout=5000)
        cancelled_at = time.monotonic()
        worker.cancel()
    assert done.args[0] == [True]
    assert time.monotonic() - cancelled_at < 5  # not the 20 s the answer takes
    assert reports == []  # nothing reported about the unfinished checks
    assert len([r for r in sandbox.requests[seen:] if r.path.startswith("/media/")]) == 1


def test_poll_worker_follows_tasks_to_their_result(qtbot, driver, relay, sandbox, store, threads):
    from avatar_desktop.core.client import AvatarClient
    from avatar_desktop.core.follower import SANDBOX_PACE, Follower
    from avatar_desktop.core.pacing import RateGate
    from avatar_desktop.core.service import RateLimited, TaskStatus
    from avatar_desktop.qt.workers import TaskPollWorker

    with AvatarClient(sandbox.base_url, SANDBOX_TOKEN) as client:
        ready = client.submit(REQUEST)
        failing = client.submit(
            GenerationRequest("https://example.com/sandbox-fail.png", REQUEST.voice)
        )
    for task_id in (ready, failing, "0" * 32):
        store.add_task(task_id, sandbox.base_url, REQUEST.to_payload())
    worker = TaskPollWorker(threads)
    driver.poll.connect(worker.poll)
    updates = []
    worker.task_updated.connect(lambda row, status: updates.append((row, status)))
    follower = Follower(store, sandbox_config(sandbox), RateGate())
    assert follower.pace == SANDBOX_PACE
    with relay(worker.poll_finished, 5000):
        driver.poll.emit(follower, SANDBOX_TOKEN, [ready, failing, "0" * 32])
    records = {r.task_id: r for r in store.get_many(store.row_ids()).values()}
    assert records[ready].status is TaskStatus.SUCCESS
    assert records[ready].video_url.startswith(sandbox.base_url)
    assert records[failing].status is TaskStatus.FAILURE and records[failing].fail_reason
    assert records["0" * 32].error  # the service does not know it...
    assert records["0" * 32].status is LocalStatus.NOT_FOUND
    assert store.pending_task_ids(sandbox.base_url) == []  # ...so it is not asked again
    assert len(updates) == 3

    sandbox.inject("task", Fault.rate_limited("7"))
    with relay(worker.poll_failed, 5000) as failed:
        driver.poll.emit(follower, SANDBOX_TOKEN, [ready])
    assert isinstance(failed.args[0][0], RateLimited)
    assert failed.args[0][0].retry_after == 7
