"""The task store: real SQLite files, the submission lifecycle, migrations and threads."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from legacy_rows import legacy_row

from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.request import VoiceMode
from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.migrations import SCHEMA_VERSION
from avatar_desktop.core.store.schema import LocalStatus, canonical_json
from avatar_desktop.core.store.tasks import INTERRUPTED_ERROR, TaskRecord, TaskStore
from avatar_desktop.core.store.voices import VoiceCache

SERVICE = "https://api.example.test"
OTHER_SERVICE = "https://mirror.example.test"


def audio_payload(n: int = 0) -> dict:
    return {
        "avatar_url": f"https://cdn.example.test/avatar{n}.png",
        "audio_url": f"https://cdn.example.test/track{n}.mp3",
        "no_watermark": True,
    }


def clone_payload(text: str = "你好，世界") -> dict:
    return {
        "avatar_url": "https://cdn.example.test/avatar.mp4",
        "no_watermark": False,
        "create_voice": {
            "audio_url": "https://cdn.example.test/sample.wav",
            "language": "zh",
            "text": text,
        },
    }


CONSENT = {
    "sample_url": "https://cdn.example.test/sample.wav",
    "confirmed_at": "2025-01-07T10:00:00+00:00",
    "statement": "I have the speaker's consent to clone this voice.",
}


@pytest.fixture
def path(tmp_path):
    return tmp_path / "tasks.sqlite3"


@pytest.fixture
def store(path):
    with TaskStore(path) as store:
        yield store


def raw(path, sql, *args):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# --- the file -----------------------------------------------------------------------------


def test_new_file_has_the_schema_version_and_uses_wal(store, path):
    assert SCHEMA_VERSION >= 1
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert store.db._conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert store.db._conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL: durable commits
    with store.db.connection() as own:  # the opening thread's own connection: the same
        assert own is not store.db._conn
        assert own.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert own.execute("PRAGMA synchronous").fetchone() == (2,)


def test_the_opening_thread_reads_while_another_thread_writes(store):
    # The window's UI thread opened the file; a send on another thread holds a write
    # transaction (its commit waits for the disk). Reading the lists must not wait for it.
    store.add_task("task-1", "https://api.example.test", {"avatar_url": "x", "audio_url": "y"})
    writing, done = threading.Event(), threading.Event()
    held_while_read: list[bool] = []

    def write() -> None:
        with store.db.transaction() as conn:
            conn.execute("UPDATE tasks SET error = 'being written'")
            writing.set()
            done.wait(10)
            held_while_read.append(done.is_set())

    worker = threading.Thread(target=write)
    worker.start()
    assert writing.wait(10)
    assert store.count() == 1  # read while the other thread's transaction is open
    assert store.get(store.row_ids()[0]).error is None  # the last committed state
    done.set()
    worker.join()
    assert held_while_read == [True]
    assert store.get(store.row_ids()[0]).error == "being written"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_file_is_private_to_the_user_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        with TaskStore(tmp_path / "private" / "tasks.sqlite3") as store:
            legacy_row(store, SERVICE, audio_payload())
            for file in (tmp_path / "private").iterdir():
                assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    finally:
        os.umask(old)


def test_persistence_across_close_and_reopen(path):
    with TaskStore(path) as store:
        row_id = store.add_task("task-1", SERVICE, clone_payload(), consent=CONSENT)
        store.update_from_info("task-1", TaskInfo("task-1", TaskStatus.IN_PROGRESS, progress=35))
        before = store.get(row_id)
    with TaskStore(path) as store:
        assert store.get(row_id) == before
        assert store.count() == 1
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_newer_schema_version_is_refused_and_left_untouched(path):
    TaskStore(path).close()
    raw(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version"):
        TaskStore(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_garbage_file_raises_store_error(path, content):
    path.write_bytes(content)
    with pytest.raises(StoreError, match="damaged"):
        TaskStore(path)


def test_a_directory_in_the_way_raises_store_error(tmp_path):
    (tmp_path / "tasks.sqlite3").mkdir()
    with pytest.raises(StoreError):
        TaskStore(tmp_path / "tasks.sqlite3")


def test_closed_store_raises_store_error(path):
    store = TaskStore(path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count()


def test_open_default_uses_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("AVATAR_DESKTOP_DATA_DIR", str(tmp_path / "elsewhere"))
    with TaskStore.open_default() as store:
        assert store.path == tmp_path / "elsewhere" / "tasks.sqlite3"
    assert store.path.is_file()


def test_data_dir_override_is_created_private(monkeypatch, tmp_path):
    monkeypatch.setenv("AVATAR_DESKTOP_DATA_DIR", str(tmp_path / "a" / "b"))
    assert data_dir() == tmp_path / "a" / "b"
    assert data_dir().is_dir()
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders")
def test_data_dir_follows_xdg_on_linux(monkeypatch, tmp_path):
    monkeypatch.delenv("AVATAR_DESKTOP_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "avatar-desktop"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "avatar-desktop"


# --- records ------------------------------------------------------------------------------


def test_round_trip_of_every_field(store, path):
    created = datetime(2025, 1, 7, 10, 30, 15, 250000, tzinfo=UTC)
    payload = clone_payload("第一句。\nSecond line — “quoted”.")
    row_id = store.add_task("task-1", SERVICE, payload, consent=CONSENT, created_at=created)
    info = TaskInfo(
        "task-1",
        TaskStatus.FAILURE,
        fail_reason="音频太短 <b>x</b>",
        progress=35,
        video_url="https://media.example.test/v.mp4",
        no_watermark_video_url="https://media.example.test/v_nowm.mp4",
        watermarked_video_url="https://media.example.test/v_wm.mp4",
        cover_url="https://media.example.test/c.webp",
    )
    assert store.update_from_info("task-1", info) == row_id
    store.set_error(row_id, "Download failed: disk full")

    record = store.get(row_id)
    assert isinstance(record, TaskRecord)
    assert record.row_id == row_id
    assert record.task_id == "task-1"
    assert record.service_url == SERVICE
    assert record.payload == payload
    assert len(record.payload_hash) == 64
    assert record.mode is VoiceMode.CREATE_VOICE
    assert record.created_at == created
    assert record.created_at.tzinfo is not None
    assert record.created_at.utcoffset() == timedelta(0)
    assert record.updated_at.tzinfo is not None
    assert record.updated_at >= record.created_at
    assert record.status is TaskStatus.FAILURE
    assert record.progress is None  # a failed task keeps no percentage ("100%" misleads)
    assert record.fail_reason == "音频太短 <b>x</b>"
    assert record.video_url == "https://media.example.test/v.mp4"
    assert record.no_watermark_video_url == "https://media.example.test/v_nowm.mp4"
    assert record.watermarked_video_url == "https://media.example.test/v_wm.mp4"
    assert record.cover_url == "https://media.example.test/c.webp"
    assert record.error == "Download failed: disk full"
    assert record.consent == CONSENT
    assert record.avatar_url == payload["avatar_url"]
    assert store.get_many([row_id, 999]) == {row_id: record}

    # Stored as canonical JSON text, readable by any SQLite tool.
    (text, consent), *_ = raw(path, "SELECT payload, consent FROM tasks")
    assert text == canonical_json(payload)
    assert "第一句" in text
    assert json.loads(consent) == CONSENT

    store.set_error(row_id, None)
    assert store.get(row_id).error is None


@pytest.mark.parametrize(
    ("payload", "mode"),
    [
        (audio_payload(), VoiceMode.AUDIO_URL),
        (clone_payload(), VoiceMode.CREATE_VOICE),
        (
            {
                "avatar_url": "https://cdn.example.test/a.png",
                "use_voice": {
                    "voice_engine_id": "e1",
                    "audio_id": "a1",
                    "language": "en",
                    "text": "Hi",
                },
            },
            VoiceMode.USE_VOICE,
        ),
        ({"avatar_url": "https://cdn.example.test/a.png"}, None),
    ],
)
def test_mode_is_derived_from_the_payload(store, payload, mode):
    assert store.get(legacy_row(store, SERVICE, payload)).mode == mode


def test_add_task_rejects_a_task_id_already_stored(store):
    store.add_task("task-1", SERVICE, audio_payload())
    with pytest.raises(StoreError, match="task-1"):
        store.add_task("task-1", SERVICE, audio_payload(2))
    assert store.count() == 1


def test_add_task_rejects_a_naive_created_at(store):
    with pytest.raises(ValueError, match="naive"):
        store.add_task("task-1", SERVICE, audio_payload(), created_at=datetime(2025, 1, 1))


def test_an_added_task_is_unknown_until_queried(store):
    record = store.get(store.add_task("task-1", SERVICE, audio_payload()))
    assert record.status is TaskStatus.UNKNOWN
    assert record.progress is None


def test_row_ids_are_newest_first(store):
    base = datetime(2025, 1, 1, tzinfo=UTC)
    old = store.add_task("old", SERVICE, audio_payload(), created_at=base)
    new = store.add_task("new", SERVICE, audio_payload(), created_at=base + timedelta(days=2))
    tie_1 = store.add_task("tie1", SERVICE, audio_payload(), created_at=base + timedelta(days=1))
    tie_2 = store.add_task("tie2", SERVICE, audio_payload(), created_at=base + timedelta(days=1))
    assert store.row_ids() == [new, tie_2, tie_1, old]
    assert store.count() == 4


def test_get_many_reads_more_ids_than_one_query_binds(store):
    ids = [store.add_task(f"t{i}", SERVICE, audio_payload(i)) for i in range(1200)]
    records = store.get_many(ids)
    assert sorted(records) == sorted(ids)
    assert store.get_many([]) == {}


# --- rows left by older versions ------------------------------------------------------------


def test_sending_row_becomes_outcome_unknown_after_reopening(path):
    with TaskStore(path) as store:
        interrupted = legacy_row(store, SERVICE, audio_payload(1))
        done = store.add_task("task-2", SERVICE, audio_payload(2))
        store.update_from_info("task-2", TaskInfo("task-2", TaskStatus.NOT_START))
    with TaskStore(path) as store:
        assert store.recover_interrupted() == 1
        record = store.get(interrupted)
        assert record.status is LocalStatus.OUTCOME_UNKNOWN
        assert record.error == INTERRUPTED_ERROR
        assert store.get(done).status is TaskStatus.NOT_START
        assert store.recover_interrupted() == 0


# --- finding the same request -------------------------------------------------------------


def test_find_same_request(store):
    first = store.add_task("task-1", SERVICE, audio_payload(1))
    second = legacy_row(store, SERVICE, audio_payload(1), LocalStatus.OUTCOME_UNKNOWN, "no answer")
    legacy_row(store, OTHER_SERVICE, audio_payload(1))
    legacy_row(store, SERVICE, audio_payload(2))

    # Key order does not matter: the payload is compared as canonical JSON.
    reordered = dict(reversed(list(audio_payload(1).items())))
    found = store.find_same_request(SERVICE, reordered)
    assert [r.row_id for r in found] == [second, first]
    assert found[1].task_id == "task-1"
    assert store.find_same_request(SERVICE, audio_payload(3)) == []
    assert len(store.find_same_request(OTHER_SERVICE, audio_payload(1))) == 1


def test_payload_hash_is_indexed(store):
    plan = store.db._conn.execute(
        "EXPLAIN QUERY PLAN SELECT row_id FROM tasks WHERE payload_hash = ?", ("x",)
    ).fetchall()
    assert "tasks_payload_hash" in str(plan)
    plan = store.db._conn.execute(
        "EXPLAIN QUERY PLAN SELECT row_id FROM tasks ORDER BY created_at DESC, row_id DESC"
    ).fetchall()
    assert "TEMP B-TREE" not in str(plan)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=200), no_watermark=st.booleans())
def test_any_text_round_trips_and_is_found_again(store, text, no_watermark):
    payload = clone_payload(text)
    payload["no_watermark"] = no_watermark
    row_id = legacy_row(store, SERVICE, payload)
    assert store.get(row_id).payload == payload
    assert row_id in [r.row_id for r in store.find_same_request(SERVICE, payload)]


# --- remove and undo ----------------------------------------------------------------------


def test_remove_and_restore_keep_row_ids(store):
    ids = [store.add_task(f"task-{i}", SERVICE, audio_payload(i)) for i in range(5)]
    store.update_from_info("task-3", TaskInfo("task-3", TaskStatus.SUCCESS, video_url="https://v"))
    before = store.get_many(ids)
    order = store.row_ids()

    removed = store.remove([ids[1], ids[3], 999])
    assert [r.row_id for r in removed] == [ids[3], ids[1]]
    assert store.count() == 3
    assert store.get(ids[3]) is None

    # A new row never reuses a removed id, so undo cannot collide with it.
    newer = legacy_row(store, SERVICE, audio_payload(9))
    assert newer not in ids

    store.restore(removed)
    assert store.get_many(ids) == before
    assert [i for i in store.row_ids() if i != newer] == order


def test_restore_is_all_or_nothing(store):
    row_id = store.add_task("task-1", SERVICE, audio_payload())
    removed = store.remove([row_id])
    store.add_task("task-1", SERVICE, audio_payload())  # re-imported meanwhile
    with pytest.raises(StoreError, match="cannot be put back"):
        store.restore(removed)
    assert store.count() == 1


# --- updates ------------------------------------------------------------------------------


def test_update_from_info_keeps_old_urls_and_progress(store):
    row_id = store.add_task("task-1", SERVICE, audio_payload())
    store.update_from_info(
        "task-1",
        TaskInfo(
            "task-1",
            TaskStatus.SUCCESS,
            progress=100,
            video_url="https://v/1.mp4",
            no_watermark_video_url="https://v/1n.mp4",
            watermarked_video_url="https://v/1w.mp4",
            cover_url="https://v/1.webp",
        ),
    )
    store.update_from_info(
        "task-1", TaskInfo("task-1", TaskStatus.SUCCESS, video_url="https://v/2")
    )
    record = store.get(row_id)
    assert record.video_url == "https://v/2"
    assert record.no_watermark_video_url == "https://v/1n.mp4"
    assert record.watermarked_video_url == "https://v/1w.mp4"
    assert record.cover_url == "https://v/1.webp"
    assert record.progress == 100
    assert store.update_from_info("nope", TaskInfo("nope", TaskStatus.SUCCESS)) is None


# --- the voice cache ----------------------------------------------------------------------


def test_voices_cache(store):
    cache = VoiceCache(store.db)
    voices = [{"audio_id": "a1", "voice_engine_id": "e1", "name": "晓晓", "labels": ["Female"]}]
    assert cache.load(SERVICE, None) is None
    cache.save(SERVICE, None, voices)
    cache.save(SERVICE, "en", [])
    loaded, fetched_at = cache.load(SERVICE, None)
    assert loaded == voices
    assert fetched_at.tzinfo is not None
    assert abs((datetime.now(UTC) - fetched_at).total_seconds()) < 60
    assert cache.load(SERVICE, "") == (loaded, fetched_at)
    assert cache.load(SERVICE, "en")[0] == []
    assert cache.load(SERVICE, "zh") is None
    assert cache.load(OTHER_SERVICE, None) is None

    cache.save(SERVICE, None, voices * 2)
    assert VoiceCache(store.db).load(SERVICE, None)[0] == voices * 2  # in the file, not memory


@pytest.mark.parametrize("damaged", ["{not json", '{"a": 1}', "[1, 2]"])
def test_a_damaged_voices_cache_is_ignored(store, caplog, damaged):
    cache = VoiceCache(store.db)
    cache.save(SERVICE, "zh", [])
    with store.db.transaction() as conn:
        conn.execute("UPDATE voices SET voices = ?", (damaged,))
    assert cache.load(SERVICE, "zh") is None
    assert "damaged; ignored" in caplog.text


# --- threads and logs ---------------------------------------------------------------------


def test_writes_from_several_threads(store):
    start = threading.Barrier(4)
    results: list[list[int]] = [[] for _ in range(4)]
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(50):
                if i % 2:
                    row_id = store.add_task(f"task-{n}-{i}", SERVICE, audio_payload(n * 100 + i))
                else:
                    row_id = legacy_row(store, SERVICE, audio_payload(n * 100 + i))
                results[n].append(row_id)
                store.count()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    all_ids = [row_id for ids in results for row_id in ids]
    assert len(set(all_ids)) == 200
    assert store.count() == 200
    assert len(store.get_many(all_ids)) == 200
    assert raw(store.path, "PRAGMA integrity_check") == [("ok",)]


def test_payload_text_is_never_logged(store, caplog):
    caplog.set_level(logging.DEBUG, logger="avatar_desktop.core.store.tasks")
    secret = "a private sentence nobody else should read"
    row_id = store.add_task("task-1", SERVICE, clone_payload(secret))
    store.update_from_info("task-1", TaskInfo("task-1", TaskStatus.QUEUED))
    store.remove([row_id])
    assert caplog.records
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_pending_task_ids_are_the_unfinished_ones_of_one_service(tmp_path):
    from avatar_desktop.core.service import TaskInfo, TaskStatus

    with TaskStore(tmp_path / "p.sqlite3") as store:
        payload_ = {"avatar_url": "https://x.org/a.png", "audio_url": "https://x.org/a.mp3"}
        for task_id in ("new", "running", "done", "failed", "odd"):
            store.add_task(task_id, "https://svc.example", payload_)
        store.add_task("elsewhere", "https://other.example", payload_)
        legacy_row(store, "https://svc.example", payload_, LocalStatus.OUTCOME_UNKNOWN, "dropped")
        store.update_from_info("running", TaskInfo("running", TaskStatus.IN_PROGRESS))
        store.update_from_info("done", TaskInfo("done", TaskStatus.SUCCESS))
        store.update_from_info("failed", TaskInfo("failed", TaskStatus.FAILURE))
        store.update_from_info("new", TaskInfo("new", TaskStatus.NOT_START))
        pending = store.pending_task_ids("https://svc.example")
        # least recently updated first; final, foreign and id-less rows are left out
        assert pending == ["odd", "running", "new"]
        assert store.pending_task_ids("https://svc.example", limit=1) == ["odd"]
        assert store.set_error_for_task("odd", "gone") is not None
        assert store.set_error_for_task("missing", "gone") is None
