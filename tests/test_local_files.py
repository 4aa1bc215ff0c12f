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
