"""The task list as data: the JSON objects of avatar-cli, and CSV / JSON export files."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.task_export import (
    CSV_COLUMNS,
    export_tasks,
    format_for,
    request_text,
    safe_cell,
    task_detail_json,
    task_json,
)

URL = "http://127.0.0.1:9"
AVATAR = "https://example.com/faces/person.png"
STARTED = datetime(2025, 3, 1, 8, 0, 5, tzinfo=UTC)
FINISHED = datetime(2025, 3, 1, 8, 2, 35, tzinfo=UTC)


def audio(n: int = 0) -> dict:
    return {"avatar_url": AVATAR, "audio_url": f"https://example.com/voice-{n}.mp3"}


def use_voice(text: str) -> dict:
    return {
        "avatar_url": AVATAR,
        "use_voice": {"voice_engine_id": "v1", "audio_id": "a1", "text": text},
    }


def create_voice(text: str) -> dict:
    return {
        "avatar_url": AVATAR,
        "create_voice": {"audio_url": "https://example.com/s.wav", "language": "zh", "text": text},
    }


def media(task_id: str, name: str) -> str:
    return f"{URL}/media/{task_id}/{name}"


@pytest.fixture
def store(tmp_path):
    with TaskStore(tmp_path / "tasks.sqlite3") as tasks:
        yield tasks


def succeed(store: TaskStore, task_id: str) -> None:
    store.update_from_info(
        task_id,
        TaskInfo(
            task_id=task_id,
            status=TaskStatus.SUCCESS,
            progress=100,
            submitted_at=datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC),
            started_at=STARTED,
            finished_at=FINISHED,
            video_url=media(task_id, "out.mp4"),
            no_watermark_video_url=media(task_id, "out_nowm.mp4"),
            watermarked_video_url=media(task_id, "out_wm.mp4"),
            cover_url=media(task_id, "cover.webp"),
        ),
    )


def fail(store: TaskStore, task_id: str, reason: str) -> None:
    store.update_from_info(
        task_id, TaskInfo(task_id=task_id, status=TaskStatus.FAILURE, fail_reason=reason)
    )


@pytest.fixture
def filled(store):
    """A done task (every link, a saved file), a failed one, and one still waiting."""
    store.add_task("a" * 32, URL, audio(1))
    succeed(store, "a" * 32)
    store.set_saved_path(store.find("a" * 32).row_id, "/videos/avatar-a.mp4")
    store.add_task("b" * 32, URL, use_voice("大家好，欢迎！"))
    fail(store, "b" * 32, '=HYPERLINK("http://evil")')
    store.add_task("c" * 32, URL, create_voice("+1 and more"))
    store.set_error_for_task("c" * 32, "@the answer could not be read")
    return store


def no_temporaries(folder) -> bool:
    return not [p.name for p in folder.iterdir() if p.name.startswith(".tasks-export-")]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the JSON objects -------------------------------------------------------------------------


def test_task_detail_json_has_every_field_of_task_json_plus_times_and_links(filled):
    record = filled.find("a" * 32)
    listed = task_json(record)
    detail = task_detail_json(record)
    assert {k: detail[k] for k in listed} == listed
    assert set(detail) - set(listed) == {
        "submitted_at",
        "started_at",
        "finished_at",
        "checked_at",
        "saved_path",
        "label",
        "links",
        "consent",
        "sent_payload",
    }
    assert detail["consent"] is None  # no voice was cloned
    assert detail["sent_payload"] is None  # no local file was uploaded
    assert detail["started_at"] == STARTED.isoformat()
    assert detail["finished_at"] == FINISHED.isoformat()
    assert detail["checked_at"] is not None
    assert detail["saved_path"] == "/videos/avatar-a.mp4"
    assert detail["label"] == "person.png"
    assert detail["links"] == {
        "default": media("a" * 32, "out.mp4"),
        "no_watermark": media("a" * 32, "out_nowm.mp4"),
        "watermarked": media("a" * 32, "out_wm.mp4"),
    }
    waiting = task_detail_json(filled.find("c" * 32))
    assert waiting["links"] == {} and waiting["started_at"] is None
    assert waiting["checked_at"] is None and waiting["saved_path"] is None
    json.dumps(detail)  # plain JSON values only


def test_request_text_is_the_words_of_the_voice():
    assert request_text(use_voice("hello")) == "hello"
    assert request_text(create_voice("你好")) == "你好"
    assert request_text(audio()) == ""
    assert request_text({}) == ""
    assert request_text({"use_voice": {"text": 5}}) == ""


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain = text", "plain = text"),
        (None, ""),
        (100, "100"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(value, cell):
    assert safe_cell(value) == cell


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_a_bom_one_header_row_and_every_column(filled, tmp_path):
    path = tmp_path / "tasks.csv"
    assert export_tasks(filled.iter_records(), path) == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\xef\xbb\xbf") == 1
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == CSV_COLUMNS
    rows = read_csv(path)
    assert [r["task_id"] for r in rows] == ["c" * 32, "b" * 32, "a" * 32]  # newest first
    done, failed, waiting = rows[2], rows[1], rows[0]
    assert done["status"] == "SUCCESS" and done["progress"] == "100"
    assert done["started_at"] == STARTED.isoformat()
    assert done["finished_at"] == FINISHED.isoformat()
    assert datetime.fromisoformat(done["created_at"]).tzinfo is not None
    assert done["mode"] == "audio_url" and done["text"] == ""
    assert done["avatar_url"] == AVATAR
    assert done["video_url"] == media("a" * 32, "out.mp4")
    assert done["no_watermark_video_url"] == media("a" * 32, "out_nowm.mp4")
    assert done["watermarked_video_url"] == media("a" * 32, "out_wm.mp4")
    assert done["cover_url"] == media("a" * 32, "cover.webp")
    assert done["saved_path"] == "/videos/avatar-a.mp4"
    assert done["service"] == URL
    assert failed["text"] == "大家好，欢迎！" and failed["mode"] == "use_voice"
    assert failed["fail_reason"] == '\'=HYPERLINK("http://evil")'
    assert failed["progress"] == "" and failed["status"] == "FAILURE"
    assert waiting["text"] == "'+1 and more" and waiting["mode"] == "create_voice"
    assert waiting["error"] == "'@the answer could not be read"
    assert waiting["finished_at"] == "" and waiting["video_url"] == ""


def test_csv_keeps_commas_quotes_and_line_breaks_in_one_cell(store, tmp_path):
    words = 'She said, "hello"\nand left'
    store.add_task("d" * 32, URL, use_voice(words))
    path = tmp_path / "t.csv"
    export_tasks(store.iter_records(), path)
    assert read_csv(path)[0]["text"] == words


# --- JSON -------------------------------------------------------------------------------------


def test_json_is_an_array_of_the_detail_objects(filled, tmp_path):
    path = tmp_path / "tasks.json"
    assert export_tasks(filled.iter_records(), path) == 3
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "大家好，欢迎！".encode() in raw  # UTF-8, not \\u escapes
    data = json.loads(raw.decode("utf-8"))
    assert data == [task_detail_json(r) for r in filled.iter_records()]
    # Verbatim: the JSON file is not for spreadsheets, nothing is escaped.
    assert data[1]["fail_reason"] == '=HYPERLINK("http://evil")'


def test_an_empty_list_exports_an_empty_array_or_a_header(store, tmp_path):
    assert export_tasks(store.iter_records(), tmp_path / "t.json") == 0
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8")) == []
    assert export_tasks([], tmp_path / "t.csv") == 0
    assert read_csv(tmp_path / "t.csv") == []


def test_a_lone_surrogate_does_not_break_the_export(store, tmp_path):
    # The data file refuses one; a record built elsewhere (the window's model) may hold one.
    store.add_task("e" * 32, URL, use_voice("fine"))
    record = replace(store.find("e" * 32), payload=use_voice("bad \ud800 text"))
    assert export_tasks([record], tmp_path / "t.json") == 1
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert data[0]["payload"]["use_voice"]["text"] == "bad \ud800 text"
    assert export_tasks([record], tmp_path / "t.csv") == 1
    assert read_csv(tmp_path / "t.csv")[0]["text"] == "bad \\ud800 text"


# --- the file ---------------------------------------------------------------------------------


def test_the_format_follows_the_suffix_unless_given(filled, tmp_path):
    assert format_for(tmp_path / "A.CSV") == "csv"
    assert format_for(tmp_path / "a.Json") == "json"
    for name in ("a.txt", "a", "a.csv.bak"):
        with pytest.raises(ValueError):
            format_for(tmp_path / name)
    path = tmp_path / "data.txt"
    assert export_tasks(filled.iter_records(), path, "json") == 3
    assert len(json.loads(path.read_text(encoding="utf-8"))) == 3
    with pytest.raises(ValueError):
        export_tasks(filled.iter_records(), tmp_path / "data.txt")
    assert no_temporaries(tmp_path)


def test_a_failed_export_leaves_the_earlier_file_and_no_temporary(filled, tmp_path):
    path = tmp_path / "tasks.csv"
    export_tasks(filled.iter_records(), path)
    before = path.read_bytes()

    def broken():
        yield from filled.iter_records()
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        export_tasks(broken(), path)
    assert path.read_bytes() == before
    assert no_temporaries(tmp_path)
    with pytest.raises(OSError):
        export_tasks(filled.iter_records(), tmp_path / "missing" / "tasks.csv")
