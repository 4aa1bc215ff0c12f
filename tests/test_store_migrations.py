"""The migrations are frozen: a file migrated from any earlier version ends up with today's schema,
and migration 3's own copy of the derivations agrees with today's rules (for now)."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import pytest

from avatar_desktop.core.store import migrations
from avatar_desktop.core.store.database import APPLICATION_ID, Database
from avatar_desktop.core.store.migrations import MIGRATIONS, SCHEMA_VERSION
from avatar_desktop.core.store.schema import STATUS_RANK_SQL, derived_columns
from avatar_desktop.core.store.tasks import TaskOrder

# The schema (sqlite_master) of a file of version 9, as the app made it when the migrations were
# frozen (version 5 only set the application id). A new migration adds its tables and indexes here.
EXPECTED_SCHEMA = [
    (
        "index",
        "outbox_due",
        "outbox",
        "CREATE INDEX outbox_due ON outbox (service_url, state, next_attempt_at)",
    ),
    (
        "index",
        "outbox_payload_hash",
        "outbox",
        "CREATE INDEX outbox_payload_hash ON outbox (payload_hash)",
    ),
    ("index", "sqlite_autoindex_autosave_1", "autosave", None),
    ("index", "sqlite_autoindex_drafts_1", "drafts", None),
    ("index", "sqlite_autoindex_tasks_1", "tasks", None),
    ("index", "sqlite_autoindex_voices_1", "voices", None),
    ("index", "tasks_created_at", "tasks", "CREATE INDEX tasks_created_at ON tasks (created_at)"),
    (
        "index",
        "tasks_created_status",
        "tasks",
        "CREATE INDEX tasks_created_status ON tasks (created_at, status)",
    ),
    (
        "index",
        "tasks_follow",
        "tasks",
        "CREATE INDEX tasks_follow ON tasks (service_url, next_check_at)",
    ),
    ("index", "tasks_label", "tasks", "CREATE INDEX tasks_label ON tasks (label, status)"),
    ("index", "tasks_mode", "tasks", "CREATE INDEX tasks_mode ON tasks (mode, status)"),
    (
        "index",
        "tasks_payload_hash",
        "tasks",
        "CREATE INDEX tasks_payload_hash ON tasks (payload_hash)",
    ),
    (
        "index",
        "tasks_saved",
        "tasks",
        "CREATE INDEX tasks_saved ON tasks (saved_at) WHERE saved_path IS NOT NULL",
    ),
    ("index", "tasks_search", "tasks", "CREATE INDEX tasks_search ON tasks (search_text)"),
    ("index", "tasks_status", "tasks", "CREATE INDEX tasks_status ON tasks (status)"),
    (
        "index",
        "tasks_status_rank",
        "tasks",
        "CREATE INDEX tasks_status_rank ON tasks ((CASE status WHEN 'SENDING' THEN 0"
        " WHEN 'NOT_START' THEN 1 WHEN 'SUBMITTED' THEN 1 WHEN 'QUEUED' THEN 2 WHEN"
        " 'IN_PROGRESS' THEN 3 WHEN 'UNKNOWN' THEN 4 WHEN 'SUCCESS' THEN 5 WHEN"
        " 'FAILURE' THEN 6 WHEN 'NOT_FOUND' THEN 7 WHEN 'OUTCOME_UNKNOWN' THEN 8"
        " ELSE 4 END), status)",
    ),
    ("index", "tasks_touched", "tasks", "CREATE INDEX tasks_touched ON tasks (touched_at)"),
    (
        "index",
        "tasks_unkept",
        "tasks",
        "CREATE INDEX tasks_unkept ON tasks (service_url) WHERE status = 'SUCCESS'"
        " AND saved_path IS NULL",
    ),
    ("index", "tasks_updated_at", "tasks", "CREATE INDEX tasks_updated_at ON tasks (updated_at)"),
    (
        "index",
        "tasks_updated_status",
        "tasks",
        "CREATE INDEX tasks_updated_status ON tasks (updated_at, status)",
    ),
    (
        "table",
        "autosave",
        "autosave",
        "CREATE TABLE autosave (\n"
        "            slot TEXT PRIMARY KEY,\n"
        "            content TEXT NOT NULL,\n"
        "            saved_at REAL NOT NULL\n"
        "        )",
    ),
    (
        "table",
        "drafts",
        "drafts",
        "CREATE TABLE drafts (\n"
        "            draft_id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "            name TEXT NOT NULL UNIQUE,\n"
        "            content TEXT NOT NULL,\n"
        "            created_at REAL NOT NULL,\n"
        "            updated_at REAL NOT NULL\n"
        "        )",
    ),
    (
        "table",
        "outbox",
        "outbox",
        "CREATE TABLE outbox (\n"
        "            item_id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "            service_url TEXT NOT NULL,\n"
        "            payload TEXT NOT NULL,\n"
        "            payload_hash TEXT NOT NULL,\n"
        "            consent TEXT,\n"
        "            source TEXT,\n"
        "            state TEXT NOT NULL,\n"
        "            reason TEXT,\n"
        "            task_id TEXT,\n"
        "            attempts INTEGER NOT NULL DEFAULT 0,\n"
        "            next_attempt_at REAL,\n"
        "            wait_kind TEXT,\n"
        "            owner TEXT,\n"
        "            created_at REAL NOT NULL,\n"
        "            updated_at REAL NOT NULL\n"
        "        , reason_kind TEXT, reason_verbatim INTEGER NOT NULL DEFAULT 0, files TEXT,"
        " sent_payload TEXT)",
    ),
    ("table", "sqlite_sequence", "sqlite_sequence", "CREATE TABLE sqlite_sequence(name,seq)"),
    (
        "table",
        "tasks",
        "tasks",
        "CREATE TABLE tasks (\n"
        "            row_id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "            task_id TEXT UNIQUE,\n"
        "            service_url TEXT NOT NULL,\n"
        "            payload TEXT NOT NULL,\n"
        "            payload_hash TEXT NOT NULL,\n"
        "            mode TEXT,\n"
        "            created_at REAL NOT NULL,\n"
        "            updated_at REAL NOT NULL,\n"
        "            status TEXT NOT NULL,\n"
        "            progress INTEGER,\n"
        "            fail_reason TEXT,\n"
        "            video_url TEXT,\n"
        "            no_watermark_video_url TEXT,\n"
        "            watermarked_video_url TEXT,\n"
        "            cover_url TEXT,\n"
        "            error TEXT,\n"
        "            consent TEXT\n"
        "        , submitted_at REAL, started_at REAL, finished_at REAL, checked_at"
        " REAL, next_check_at REAL, checks INTEGER NOT NULL DEFAULT 0, failures"
        " INTEGER NOT NULL DEFAULT 0, saved_path TEXT, label TEXT NOT NULL DEFAULT"
        " '', search_text TEXT NOT NULL DEFAULT '', keep_owner TEXT, expired_link"
        " TEXT, touched_at REAL NOT NULL DEFAULT 0, saved_at REAL, error_kind TEXT,"
        " sent_payload TEXT)",
    ),
    (
        "table",
        "voices",
        "voices",
        "CREATE TABLE voices (\n"
        "            service_url TEXT NOT NULL,\n"
        "            language TEXT NOT NULL,\n"
        "            voices TEXT NOT NULL,\n"
        "            fetched_at REAL NOT NULL,\n"
        "            PRIMARY KEY (service_url, language)\n"
        "        )",
    ),
]

SAMPLES = [
    (
        "task-1",
        {
            "avatar_url": "https://cdn.example.test/people/anna.png",
            "audio_url": "https://cdn.example.test/a.mp3",
            "no_watermark": True,
        },
    ),
    (
        None,
        {
            "avatar_url": "https://example.test/",
            "use_voice": {"voice_engine_id": "v1", "text": "你好，世界"},
        },
    ),
    (
        "t-3",
        {
            "avatar_url": "https://example.test/x/%E5%A4%B4%E5%83%8F.mp4",
            "create_voice": {
                "audio_url": "https://s.test/sample.wav",
                "language": "en",
                "text": "Hello",
            },
        },
    ),
    ("t-4", {"avatar_url": "https://x.test/" + "a" * 80 + ".png"}),
    ("t-5", "not json"),
    ("t-6", "[1, 2]"),
    ("t-7", {"avatar_url": "   "}),
    ("t-8", {"avatar_url": "http://[bad/face.png"}),
]
"""Rows of a version-2 file (task id, request), some of them odd."""

MIGRATION_3_GIVES = [
    (
        "anna.png",
        "task-1\nhttps://cdn.example.test/people/anna.png\nhttps://cdn.example.test/a.mp3",
    ),
    ("example.test", "https://example.test/\nv1\n你好，世界"),
    (
        "头像.mp4",
        "t-3\nhttps://example.test/x/%E5%A4%B4%E5%83%8F.mp4\nhttps://s.test/sample.wav\nen\nHello",
    ),
    ("a" * 60, "t-4\nhttps://x.test/" + "a" * 80 + ".png"),
    ("", "t-5"),
    ("", "t-6"),
    ("", "t-7\n   "),
    ("http://[bad/face.png", "t-8\nhttp://[bad/face.png"),
]
"""The ``label`` and ``search_text`` migration 3 gives :data:`SAMPLES`: frozen like it."""


def schema_of(path: Path) -> list[tuple[str, str, str, str | None]]:
    """The app's schema: SQLite's own statistics (``PRAGMA optimize`` at close may make them,
    after a migration's queries) are not part of it."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()


def file_of_version(path: Path, version: int) -> None:
    """A data file as the app of ``version`` left it: the first ``version`` migrations, each in
    turn (0: an empty file)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for number, migration in enumerate(MIGRATIONS[:version], start=1):
            conn.execute("BEGIN IMMEDIATE")
            migration(conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
    finally:
        conn.close()


def test_the_schema_version_counts_the_migrations():
    assert SCHEMA_VERSION == len(MIGRATIONS) == 9


def test_each_migration_in_turn_builds_todays_schema(tmp_path):
    path = tmp_path / "tasks.sqlite3"
    file_of_version(path, SCHEMA_VERSION)
    assert schema_of(path) == EXPECTED_SCHEMA


@pytest.mark.parametrize("version", range(SCHEMA_VERSION + 1))
def test_a_file_of_any_version_is_migrated_to_todays_schema(tmp_path, version):
    path = tmp_path / "tasks.sqlite3"
    file_of_version(path, version)
    Database(path).close()
    assert schema_of(path) == EXPECTED_SCHEMA
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    finally:
        conn.close()


def test_migration_3_derives_the_columns_as_today(tmp_path):
    path = tmp_path / "tasks.sqlite3"
    file_of_version(path, 2)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for number, (task_id, payload) in enumerate(SAMPLES):
            conn.execute(
                "INSERT INTO tasks (task_id, service_url, payload, payload_hash, created_at, "
                "updated_at, status) VALUES (?, 'https://a.test', ?, 'h', ?, ?, 'SUCCESS')",
                (
                    task_id,
                    payload
                    if isinstance(payload, str)
                    else json.dumps(payload, ensure_ascii=False),
                    number,
                    number,
                ),
            )
    finally:
        conn.close()
    with Database(path) as database, database.connection() as conn:
        rows = conn.execute(
            "SELECT task_id, payload, label, search_text FROM tasks ORDER BY row_id"
        ).fetchall()
    assert [(label, search) for _, _, label, search in rows] == MIGRATION_3_GIVES
    # Today's rules agree with the frozen copy. When they change on purpose, a new migration
    # recomputes the columns; this line then goes, and the one above keeps migration 3 frozen.
    assert [derived_columns(task_id, payload) for task_id, payload, _, _ in rows] == (
        MIGRATION_3_GIVES
    )


def test_todays_status_order_reads_the_rank_index_migration_3_made(tmp_path):
    path = tmp_path / "tasks.sqlite3"
    file_of_version(path, 2)
    with Database(path) as database, database.connection() as conn:
        plan = conn.execute(
            f"EXPLAIN QUERY PLAN SELECT row_id FROM tasks ORDER BY {TaskOrder.STATUS.value} DESC"
        ).fetchall()
    assert "tasks_status_rank" in str(plan) and "TEMP B-TREE" not in str(plan)
    rank_index = next(sql for _, name, _, sql in EXPECTED_SCHEMA if name == "tasks_status_rank")
    assert f"({STATUS_RANK_SQL}, status)" in rank_index


def test_the_migrations_run_no_code_of_the_app():
    tree = ast.parse(Path(migrations.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name and name.startswith("avatar_desktop")}
