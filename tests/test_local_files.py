"""Local files in URL fields (issue 13): recorded with the job when it is queued, uploaded as a
step of sending — through real ``avatar-cli`` processes, the real sandbox and a real S3 server
on loopback (moto's)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path

import pytest
from test_cli import cli, cli_env

from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.outbox import Outbox

SECRET = "sk-local-files-token"
AVATAR_BYTES = b"\x89PNG\r\n\x1a\n" + b"avatar" * 200
VOICE_BYTES = b"RIFF" + b"voice" * 300


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def data_dir() -> Path:
    return Path(os.environ["AVATAR_DESKTOP_DATA_DIR"])


def outbox() -> Outbox:
    return Outbox(Database(data_dir() / "tasks.sqlite3"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def media(tmp_path):
    """A folder with a picture and a voice file, and a CSV beside them naming them by a
    relative path, an absolute path and a file:// URI."""
    folder = tmp_path / "jobs"
    (folder / "media").mkdir(parents=True)
    avatar = folder / "media" / "face.png"
    avatar.write_bytes(AVATAR_BYTES)
    voice = folder / "voice one.wav"
    voice.write_bytes(VOICE_BYTES)
    jobs = folder / "jobs.csv"
    jobs.write_text(
        f"avatar_url,audio_url\nmedia/face.png,voice one.wav\n{avatar},{voice.as_uri()}\n",
        encoding="utf-8",
    )
    return folder


def storage_env(s3, **extra: str) -> dict[str, str]:
    env = cli_env(
        AVATAR_API_TOKEN=SECRET,
        AWS_ACCESS_KEY_ID=s3.access_key_id,
        AWS_SECRET_ACCESS_KEY=s3.secret_access_key,
    )
    env.update(extra)
    return env


def set_storage(s3, env) -> None:
    for name, value in (
        ("storage.endpoint", s3.url),
        ("storage.bucket", s3.bucket),
        ("storage.prefix", "avatars/"),
    ):
        assert cli("config", "set", name, value, env=env).code == 0


def test_a_csv_of_local_files_imported_offline_is_uploaded_once_and_sent_later(media, s3, sandbox):
    env = storage_env(s3)
    set_storage(s3, env)
    offline = f"http://127.0.0.1:{free_port()}"
    # Queued while the service cannot be reached: reading the files needs no network.
    queued = cli("--service", offline, "queue", "import", str(media / "jobs.csv"), env=env)
    assert queued.code == 0, queued.err
    listed = cli("queue", "list", "--json", env=env).json()
    assert [item["state"] for item in listed] == ["queued", "queued"]
    first = listed[0]
    assert first["files"] == {
        "avatar_url": {
            "path": str(media / "media" / "face.png"),
            "size": len(AVATAR_BYTES),
            "sha256": digest(AVATAR_BYTES),
        },
        "audio_url": {
            "path": str(media / "voice one.wav"),
            "size": len(VOICE_BYTES),
            "sha256": digest(VOICE_BYTES),
        },
    }
    assert first["payload"]["avatar_url"] == str(media / "media" / "face.png")
    assert listed[1]["payload"]["audio_url"] == (media / "voice one.wav").as_uri()
    assert first["sent_payload"] is None

    # Later, the service is back (here: moved to the running sandbox).
    for item in listed:
        moved = cli("--service", sandbox.base_url, "queue", "move", str(item["id"]), env=env)
        assert moved.code == 0, moved.err
    # The same two files in two jobs: the second job's are found stored (HEAD) and not sent.
    sent = cli("--service", sandbox.base_url, "queue", "send", env=env)
    assert sent.code == 0, sent.err
    assert "uploading avatar_url" in sent.err and "100%" in sent.err
    assert s3.count("PUT", "/media/avatars/") == 2
    assert sorted(s3.keys()) == sorted(
        [f"avatars/{digest(AVATAR_BYTES)}.png", f"avatars/{digest(VOICE_BYTES)}.wav"]
    )
    submitted = [r for r in sandbox.requests if r.path == "/avatar/generation"]
    assert len(submitted) == 2
    for record in submitted:
        body = json.loads(record.body)
        assert body["avatar_url"].startswith(f"{s3.url}/media/avatars/{digest(AVATAR_BYTES)}.png?")
        assert "X-Amz-Signature=" in body["audio_url"]

    listed = cli("queue", "list", "--json", env=env).json()
    assert [item["state"] for item in listed] == ["submitted", "submitted"]
    sent_payload = listed[0]["sent_payload"]
    assert sent_payload == json.loads(submitted[0].body)
    assert listed[0]["payload"]["avatar_url"] == str(media / "media" / "face.png")
    shown = cli("tasks", "show", listed[0]["task_id"], "--json", env=env)
    assert shown.code == 0, shown.err
    assert shown.json()["sent_payload"] == sent_payload
    assert shown.json()["payload"] == listed[0]["payload"]


def import_jobs(media, service: str, env) -> list[dict]:
    queued = cli("--service", service, "queue", "import", str(media / "jobs.csv"), env=env)
    assert queued.code == 0, queued.err
    return cli("queue", "list", "--json", env=env).json()


def generations(sandbox) -> list[dict]:
    return [json.loads(r.body) for r in sandbox.requests if r.path == "/avatar/generation"]


def test_a_file_changed_after_queueing_stops_its_item_and_nothing_is_sent(media, s3, sandbox):
    env = storage_env(s3)
    set_storage(s3, env)
    import_jobs(media, sandbox.base_url, env)
    (media / "voice one.wav").write_bytes(VOICE_BYTES + b"edited")
    sent = cli("--service", sandbox.base_url, "queue", "send", "--concurrency", "1", env=env)
    assert sent.code == 3, sent.err
    items = cli("queue", "list", "--json", env=env).json()
    assert [item["state"] for item in items] == ["refused", "refused"]
    assert str(media / "voice one.wav") in items[0]["reason"]
    assert "changed since the job was queued" in items[0]["reason"]
    assert generations(sandbox) == [] and s3.count("PUT") == 0
    assert all(item["sent_payload"] is None for item in items)

    # The user checks the file and queues the job again: it is read as it is now.
    assert cli("queue", "retry", str(items[0]["id"]), env=env).code == 0
    again = cli("queue", "list", "--json", env=env).json()[0]
    assert again["files"]["audio_url"]["sha256"] == digest(VOICE_BYTES + b"edited")
    resent = cli("--service", sandbox.base_url, "queue", "send", env=env)
    assert resent.code == 3, resent.err  # the other item still needs the user
    assert len(generations(sandbox)) == 1

    # A file gone since: the retry names it and changes nothing.
    (media / "media" / "face.png").unlink()
    retried = cli("queue", "retry", str(items[1]["id"]), env=env)
    assert retried.code == 2 and "avatar_url" in retried.err
    assert str(media / "media" / "face.png") in retried.err


def test_a_storage_down_then_up_waits_then_sends(media, s3, sandbox):
    env = storage_env(s3)
    set_storage(s3, env)
    import_jobs(media, sandbox.base_url, env)
    down = f"http://127.0.0.1:{free_port()}"
    assert cli("config", "set", "storage.endpoint", down, env=env).code == 0
    sent = cli("--service", sandbox.base_url, "queue", "send", env=env)
    assert sent.code == 4, sent.err
    assert "Could not reach the storage" in sent.err
    items = cli("queue", "list", "--json", env=env).json()
    assert items[0]["state"] == "retry_wait"
    assert items[0]["wait_kind"] == "unreachable"
    assert "storage could not be reached" in items[0]["reason"]
    assert generations(sandbox) == []

    assert cli("config", "set", "storage.endpoint", s3.url, env=env).code == 0
    sent = cli("--service", sandbox.base_url, "queue", "send", env=env)
    assert sent.code == 0, sent.err
    items = cli("queue", "list", "--json", env=env).json()
    assert {item["state"] for item in items} == {"submitted"}
    assert len(generations(sandbox)) == 2


def test_refused_storage_keys_are_named_and_only_items_with_files_wait(media, s3, sandbox):
    env = storage_env(s3, AWS_SECRET_ACCESS_KEY="not-the-secret-at-all-0123456789abcdef")
    set_storage(s3, env)
    import_jobs(media, sandbox.base_url, env)
    plain = media / "plain.csv"
    plain.write_text(
        "avatar_url,audio_url\nhttps://example.com/a.png,https://example.com/a.mp3\n",
        encoding="utf-8",
    )
    assert cli("--service", sandbox.base_url, "queue", "import", str(plain), env=env).code == 0
    sent = cli("--service", sandbox.base_url, "queue", "send", "--concurrency", "1", env=env)
    assert sent.code == 5, sent.err
    assert "storage refused" in sent.err and "token is not concerned" in sent.err
    assert "not-the-secret" not in sent.text
    items = cli("queue", "list", "--json", env=env).json()
    assert [item["state"] for item in items] == ["queued", "queued", "submitted"]
    assert "storage (not the service's token) was refused" in items[0]["reason"]
    assert [body["avatar_url"] for body in generations(sandbox)] == ["https://example.com/a.png"]


def test_on_the_built_in_sandbox_without_storage_files_go_to_the_sandbox(media, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    monkeypatch.setenv("AVATAR_SANDBOX_PORT", str(port))
    env = cli_env()
    queued = cli("--sandbox", "queue", "import", str(media / "jobs.csv"), env=env)
    assert queued.code == 0, queued.err
    sent = cli("--sandbox", "queue", "send", env=env)
    assert sent.code == 0, sent.err
    items = cli("queue", "list", "--json", env=env).json()
    assert {item["state"] for item in items} == {"submitted"}
    body = items[0]["sent_payload"]
    name = f"{digest(AVATAR_BYTES)}.png"
    assert body["avatar_url"] == f"http://127.0.0.1:{port}/media/uploads/{name}"
    assert items[1]["sent_payload"]["avatar_url"] == body["avatar_url"]
    kept = data_dir() / "sandbox" / "builtin.json.uploads"
    assert sorted(p.name for p in kept.iterdir()) == sorted([name, f"{digest(VOICE_BYTES)}.wav"])
    assert (kept / name).read_bytes() == AVATAR_BYTES


def test_without_storage_a_local_file_is_invalid_and_says_how_to_set_one_up(media, sandbox):
    env = cli_env(AVATAR_API_TOKEN=SECRET)
    result = cli("--service", sandbox.base_url, "queue", "import", str(media / "jobs.csv"), env=env)
    assert result.code == 2
    assert "line 2: avatar_url: is a file on this computer, and no storage" in result.err
    assert "avatar-cli config set storage.endpoint" in result.err
    assert "storage login" in result.err
    assert cli("queue", "list", "--json", env=env).json() == []


def test_a_missing_or_unreadable_file_is_a_problem_of_its_field(media, s3, sandbox):
    env = storage_env(s3)
    set_storage(s3, env)
    (media / "jobs.csv").write_text(
        "avatar_url,audio_url\n"
        "media/nobody.png,voice one.wav\n"
        f"{media / 'media'},{media / 'voice one.wav'}\n",
        encoding="utf-8",
    )
    result = cli("--service", sandbox.base_url, "queue", "import", str(media / "jobs.csv"), env=env)
    assert result.code == 2
    assert (
        "line 2: avatar_url: is not a full URL; it must start with http:// or https:// (nor is "
        f"there a file {media / 'media' / 'nobody.png'})"
    ) in result.err
    assert f"line 3: avatar_url: there is no file {media / 'media'}" in result.err
    assert cli("queue", "list", "--json", env=env).json() == []


def test_the_storage_keys_are_nowhere_in_the_data_folder_output_or_exports(
    media, s3, sandbox, tmp_path
):
    env = storage_env(s3, AWS_SESSION_TOKEN="")
    set_storage(s3, env)
    outputs = [
        cli(
            "--verbose",
            "--service",
            sandbox.base_url,
            "queue",
            "import",
            str(media / "jobs.csv"),
            env=env,
        ),
        cli("--verbose", "--service", sandbox.base_url, "queue", "send", env=env),
        cli("queue", "list", "--json", env=env),
        cli("tasks", "export", str(tmp_path / "tasks.json"), env=env),
        cli("tasks", "export", str(tmp_path / "tasks.csv"), env=env),
        cli("config", "list", env=env),
    ]
    assert all(result.code == 0 for result in outputs), [r.err for r in outputs]
    secret = s3.secret_access_key.encode()
    for result in outputs:
        assert s3.secret_access_key not in result.text
    files = [p for p in data_dir().rglob("*") if p.is_file()]
    files += [tmp_path / "tasks.json", tmp_path / "tasks.csv"]
    assert files
    for path in files:
        assert secret not in path.read_bytes(), path


# --- the window's outbox runner (the same core path) --------------------------------------------


def test_the_window_shows_an_uploading_item_and_its_runner_uploads_then_sends(
    qtbot, tmp_path, sandbox
):
    from avatar_desktop.core.config import SANDBOX_TOKEN, ServiceConfig
    from avatar_desktop.core.local_files import FileHome, read_files
    from avatar_desktop.core.request import GenerationRequest
    from avatar_desktop.core.settings import AppSettings
    from avatar_desktop.core.store.outbox import ItemState, NewItem
    from avatar_desktop.qt.outbox_runner import OutboxRunner
    from avatar_desktop.ui.outbox.outbox_panel import OutboxTableModel

    face = tmp_path / "face.png"
    face.write_bytes(AVATAR_BYTES)
    payload = {"avatar_url": str(face), "audio_url": face.as_uri()}
    request = GenerationRequest.from_payload(payload, local_files=True)
    files = read_files(request.to_payload(), FileHome.SANDBOX)
    with Database(tmp_path / "tasks.sqlite3") as db:
        box = Outbox(db)
        (item_id,) = box.add_many(sandbox.base_url, [NewItem(request, files=files)])
        # A program that ended while uploading left it so: the row names the state.
        claimed = box.claim(item_id, "f" * 32, sandbox.base_url)
        assert claimed is not None and claimed.state is ItemState.UPLOADING
        model = OutboxTableModel(box)
        assert model.data(model.index(0, model.COL_STATE)) == "Uploading…"

        settings = AppSettings(tmp_path / "settings.ini")
        runner = OutboxRunner(box, tmp_path, tick_ms=50, settings=settings)
        try:
            # At start the interrupted upload is queued again (nothing reached the service),
            # then sent on its own: the file goes to the sandbox (no storage is set up).
            assert box.get(item_id).state is ItemState.QUEUED
            runner.set_system_offline(False)
            config = ServiceConfig(base_url=sandbox.base_url, sandbox=True, read_timeout=5)
            runner.configure(config, SANDBOX_TOKEN)
            qtbot.waitUntil(lambda: box.get(item_id).state is ItemState.SUBMITTED, timeout=10000)
        finally:
            runner.shutdown()
        item = box.get(item_id)
        link = f"{sandbox.base_url}/media/uploads/{digest(AVATAR_BYTES)}.png"
        assert item.sent_payload == {"avatar_url": link, "audio_url": link, "no_watermark": False}
        uploads = [r for r in sandbox.requests if r.path.startswith("/sandbox/upload/")]
        assert len(uploads) == 1  # one file in two fields: uploaded once
        (sent,) = [json.loads(r.body) for r in sandbox.requests if r.method == "POST"]
        assert sent == item.sent_payload


def test_a_refused_storage_pauses_only_the_items_with_files_until_resumed(tmp_path):
    """The window's rule (core/sending.py): a refused storage holds the items with local files
    back (the others go) until the user resumes sending."""
    from avatar_desktop.core.delivery import Decision, SendOutcome
    from avatar_desktop.core.local_files import FileHome, read_files
    from avatar_desktop.core.request import GenerationRequest
    from avatar_desktop.core.sending import SendingPolicy
    from avatar_desktop.core.store.outbox import NewItem

    policy = SendingPolicy()
    assert not policy.record(SendOutcome(1, Decision.STORAGE_REFUSED, reason="refused"))
    assert policy.storage_paused and policy.may_auto_send()  # the others still go
    face = tmp_path / "face.png"
    face.write_bytes(AVATAR_BYTES)
    local = GenerationRequest.from_payload(
        {"avatar_url": str(face), "audio_url": "https://example.com/a.mp3"}, local_files=True
    )
    plain = GenerationRequest.from_payload(
        {"avatar_url": "https://example.com/a.png", "audio_url": "https://example.com/a.mp3"}
    )
    with Database(tmp_path / "tasks.sqlite3") as db:
        box = Outbox(db)
        url = "http://127.0.0.1:9"
        files = read_files(local.to_payload(), FileHome.STORAGE)
        box.add_many(url, [NewItem(local, files=files), NewItem(plain)])
        taken = box.claim_next(url, "o" * 32, explicit=True, without_files=policy.storage_paused)
        assert taken is not None and taken.payload == plain.to_payload()
        assert box.claim_next(url, "o" * 32, explicit=True, without_files=True) is None
    policy.resume()
    assert not policy.storage_paused
    # Send now tries the storage again; so does any change of the settings (uploading is free).
    policy.record(SendOutcome(1, Decision.STORAGE_REFUSED, reason="refused"))
    policy.send_now()
    assert not policy.storage_paused


# --- the form's rule and the check of a file on this computer ------------------------------------


def test_the_form_rule_takes_a_file_only_when_it_is_there_and_can_go_somewhere(tmp_path):
    from avatar_desktop.core.local_files import FileHome, checked_request
    from avatar_desktop.core.request import ProblemKind, ValidationError

    face = tmp_path / "face.png"
    face.write_bytes(AVATAR_BYTES)
    payload = {"avatar_url": str(face), "audio_url": "https://example.com/a.mp3"}
    for home in (FileHome.STORAGE, FileHome.SANDBOX):
        assert checked_request(payload, home).avatar_url == str(face)
    with pytest.raises(ValidationError) as nowhere:
        checked_request(payload, FileHome.NONE)
    assert [(p.path, p.kind) for p in nowhere.value.problems] == [
        ("avatar_url", ProblemKind.NO_STORAGE)
    ]
    gone = {**payload, "audio_url": (tmp_path / "gone.wav").as_uri()}
    with pytest.raises(ValidationError) as missing:
        checked_request(gone, FileHome.STORAGE)
    (problem,) = missing.value.problems
    assert (problem.path, problem.kind) == ("audio_url", ProblemKind.FILE_MISSING)
    assert problem.file == str(tmp_path / "gone.wav")
    # A folder is no file; an invalid request keeps its own problems, one per field.
    with pytest.raises(ValidationError) as both:
        checked_request({"avatar_url": str(tmp_path), "audio_url": ""}, FileHome.STORAGE)
    assert [(p.path, p.kind) for p in both.value.problems] == [
        ("audio_url", ProblemKind.EMPTY),
        ("avatar_url", ProblemKind.FILE_MISSING),
    ]


def test_check_media_looks_at_a_local_file_with_no_network(tmp_path):
    from test_media import make_png, make_wav

    from avatar_desktop.core.media import FindingKind, MediaRole, check_media

    small = tmp_path / "small.png"
    small.write_bytes(make_png(200, 120))
    report = check_media(str(small), MediaRole.AVATAR)
    assert report.reachable and (report.kind, report.format) == ("image", "png")
    assert (report.width, report.height, report.size) == (200, 120, small.stat().st_size)
    assert report.preview == small.read_bytes()
    assert [f.kind for f in report.findings] == [FindingKind.IMAGE_TOO_SMALL]

    long_sample = tmp_path / "voice 25s.wav"
    long_sample.write_bytes(make_wav(25))
    report = check_media(long_sample.as_uri(), MediaRole.VOICE_SAMPLE)
    assert report.duration == pytest.approx(25) and not report.findings
    assert report.url == long_sample.as_uri()  # the field's value, as the form matches it

    short = tmp_path / "short.wav"
    short.write_bytes(make_wav(12.5))
    report = check_media(str(short), MediaRole.VOICE_SAMPLE)
    assert report.blocking
    assert [(f.kind, f.values["seconds"]) for f in report.findings] == [
        (FindingKind.SAMPLE_TOO_SHORT, 12.5)
    ]

    report = check_media(str(tmp_path / "nothing.wav"), MediaRole.AUDIO)
    assert not report.reachable
    (finding,) = report.findings
    assert finding.kind is FindingKind.NO_FILE and finding.values["missing"] is True


def test_the_reading_of_the_fields_names_every_local_field():
    from avatar_desktop.core import local_files

    payload = {"avatar_url": "a", "audio_url": "b", "create_voice": {"audio_url": "c"}}
    found = dict(local_files._local_values(payload))
    assert tuple(found) == local_files.LOCAL_FIELDS
    assert found == {"avatar_url": "a", "audio_url": "b", "create_voice.audio_url": "c"}
    assert dict(local_files._local_values({"create_voice": "not an object"})) == dict.fromkeys(
        local_files.LOCAL_FIELDS
    )
