"""Tests of the local sandbox server (avatar_desktop.sandbox) against API.md, over real HTTP."""

from __future__ import annotations

import io
import json
import os
import queue
import re
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from avatar_desktop.sandbox import Fault, RecordedRequest, SandboxServer
from avatar_desktop.sandbox.checks import check_submission

REPO_ROOT = Path(__file__).resolve().parents[1]
MEDIA_DIR = REPO_ROOT / "resources" / "sample-media"
AUTH = {"Authorization": "Bearer test-token"}
TIMEOUT = 10

DOC_EXAMPLE = {
    "audio_url": "https://cdn.gptbest.vip/file/cdn/20250107/RFDQkBGVrHFydzGzzvgXGQmbuPhicK.mp3",
    "avatar_url": "https://p2.a.kwimgs.com/bs2/upload-ylab-stunt/special-effect/output/"
    "HB1_PROD_ai_web_119206500/9065890952728122033/out.mp4",
    "no_watermark": True,
}
AVATAR = "https://example.com/me.png"
CREATE_VOICE = {
    "avatar_url": AVATAR,
    "create_voice": {
        "audio_url": "https://example.com/sample.wav",
        "language": "zh",
        "text": "你好，世界",
    },
}
USE_VOICE = {
    "avatar_url": AVATAR,
    "no_watermark": False,
    "use_voice": {
        "voice_engine_id": "7c1e5b0d2f8a4e6b9d3c1a0f5e7b2d48",
        "audio_id": "cffcff22110049a487aa4fa7a382e3dc",
        "language": "en",
        "text": "Hello there",
    },
}
AUDIO_URL = {"avatar_url": AVATAR, "audio_url": "http://example.com/speech.mp3"}


# --------------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(step_seconds=0) as sandbox:
        yield sandbox


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def submit(
    http: requests.Session,
    server: SandboxServer,
    body: Any,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    return http.post(
        f"{server.base_url}/avatar/generation",
        json=body,
        headers=AUTH if headers is None else headers,
        timeout=TIMEOUT,
    )


def get_json(
    http: requests.Session, url: str, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    with http.get(url, headers=AUTH if headers is None else headers, timeout=TIMEOUT) as resp:
        return resp.status_code, resp.json()


def submit_ok(http: requests.Session, server: SandboxServer, body: Any) -> str:
    with submit(http, server, body) as resp:
        assert resp.status_code == 200, resp.text
        answer = resp.json()
    assert answer["code"] == "success"
    assert answer["message"] == ""
    assert re.fullmatch(r"[0-9a-f]{32}", answer["data"])
    return answer["data"]


def task(http: requests.Session, server: SandboxServer, task_id: str) -> dict[str, Any]:
    status, answer = get_json(http, f"{server.base_url}/avatar/task/{task_id}")
    assert status == 200
    assert answer["code"] == "success"
    return answer["data"]


def poll_until_final(
    http: requests.Session, server: SandboxServer, task_id: str, deadline: float = 10.0
) -> list[dict[str, Any]]:
    seen = []
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        data = task(http, server, task_id)
        seen.append(data)
        if data["status"] in ("SUCCESS", "FAILURE"):
            return seen
        time.sleep(0.005)
    raise AssertionError(f"task never finished; last states {[s['status'] for s in seen[-3:]]}")


def submits(server: SandboxServer) -> list[RecordedRequest]:
    return [r for r in server.requests if r.path == "/avatar/generation"]


def wait_until(condition: Any, what: str, deadline: float = 10.0) -> None:
    """Poll ``condition()`` until it is true; fail after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


# --------------------------------------------------------------------------------------------
# submit: accepted bodies
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [AUDIO_URL, CREATE_VOICE, USE_VOICE], ids=["audio_url", "create_voice", "use_voice"]
)
def test_each_voice_mode_is_accepted_and_recorded(
    server: SandboxServer, http: requests.Session, body: dict[str, Any]
) -> None:
    task_id = submit_ok(http, server, body)

    (recorded,) = submits(server)
    assert recorded.method == "POST"
    assert recorded.json() == body
    assert recorded.header("authorization") == "Bearer test-token"
    assert recorded.header("CONTENT-TYPE") == "application/json"
    assert server.tasks[task_id]["payload"] == body
    assert server.tasks[task_id]["status"] == "SUCCESS"


def test_documented_example_is_accepted(server: SandboxServer, http: requests.Session) -> None:
    task_id = submit_ok(http, server, DOC_EXAMPLE)
    assert list(server.tasks) == [task_id]


def test_content_type_with_charset_and_chunked_body_are_accepted(
    server: SandboxServer, http: requests.Session
) -> None:
    payload = json.dumps(AUDIO_URL).encode()
    with http.post(
        f"{server.base_url}/avatar/generation",
        data=iter([payload[:10], payload[10:]]),  # a generator body is sent chunked
        headers={**AUTH, "Content-Type": "application/json; charset=utf-8"},
        timeout=TIMEOUT,
    ) as resp:
        assert resp.status_code == 200, resp.text
    assert submits(server)[0].body == payload


# --------------------------------------------------------------------------------------------
# submit: rejected bodies
# --------------------------------------------------------------------------------------------

INVALID_BODIES = {
    "two_voices": (
        {**AUDIO_URL, "create_voice": CREATE_VOICE["create_voice"]},
        "exactly one of audio_url, create_voice, use_voice is allowed; got audio_url and "
        "create_voice",
    ),
    "no_voice": ({"avatar_url": AVATAR}, "exactly one of audio_url, create_voice, use_voice"),
    "unknown_top_key": (
        {**AUDIO_URL, "no_watermak": True},
        "no_watermak is not a known field (did you mean no_watermark?)",
    ),
    "unknown_nested_key": (
        {"avatar_url": AVATAR, "use_voice": {**USE_VOICE["use_voice"], "speed": "1.0"}},
        "use_voice.speed is not a known field",
    ),
    "bad_language": (
        {"avatar_url": AVATAR, "create_voice": {**CREATE_VOICE["create_voice"], "language": "fr"}},
        "create_voice.language must be zh or en",
    ),
    "watermark_as_string": (
        {**AUDIO_URL, "no_watermark": "true"},
        "no_watermark must be a boolean",
    ),
    "watermark_as_int": ({**AUDIO_URL, "no_watermark": 1}, "no_watermark must be a boolean"),
    "text_not_string": (
        {"avatar_url": AVATAR, "use_voice": {**USE_VOICE["use_voice"], "text": True}},
        "use_voice.text must be a string, got boolean",
    ),
    "empty_text": (
        {"avatar_url": AVATAR, "create_voice": {**CREATE_VOICE["create_voice"], "text": "  "}},
        "create_voice.text must not be empty",
    ),
    "missing_audio_id": (
        {
            "avatar_url": AVATAR,
            "use_voice": {k: v for k, v in USE_VOICE["use_voice"].items() if k != "audio_id"},
        },
        "use_voice.audio_id is required",
    ),
    "voice_not_object": (
        {"avatar_url": AVATAR, "create_voice": "https://example.com/a.wav"},
        "create_voice must be an object, got string",
    ),
    "avatar_not_url": (
        {**AUDIO_URL, "avatar_url": "me.png"},
        "avatar_url must be an http or https URL",
    ),
    "avatar_ftp": (
        {**AUDIO_URL, "avatar_url": "ftp://example.com/me.png"},
        "avatar_url must be an http or https URL",
    ),
    "avatar_missing": ({"audio_url": AUDIO_URL["audio_url"]}, "avatar_url is required"),
    "avatar_number": ({**AUDIO_URL, "avatar_url": 7}, "avatar_url must be a string"),
    "audio_not_url": (
        {**AUDIO_URL, "audio_url": "file:///tmp/a.mp3"},
        "audio_url must be an http or https URL",
    ),
    "sample_not_url": (
        {"avatar_url": AVATAR, "create_voice": {**CREATE_VOICE["create_voice"], "audio_url": ""}},
        "create_voice.audio_url must be an http or https URL",
    ),
    "array_body": ([AUDIO_URL], "the body must be a JSON object, got array"),
}


@pytest.mark.parametrize(
    ("body", "expected"), list(INVALID_BODIES.values()), ids=list(INVALID_BODIES)
)
def test_invalid_bodies_are_rejected_with_a_specific_message(
    server: SandboxServer, http: requests.Session, body: Any, expected: str
) -> None:
    with submit(http, server, body) as resp:
        assert resp.status_code == 400
        answer = resp.json()
    assert answer["code"] == "invalid_request"
    assert answer["data"] is None
    assert expected in answer["message"]
    assert server.tasks == {}
    assert len(submits(server)) == 1


def test_every_problem_is_reported_at_once() -> None:
    problems = check_submission(
        {"avatar_url": 3, "no_watermark": "yes", "use_voice": {"language": "de"}}
    )
    joined = "; ".join(problems)
    for fragment in (
        "avatar_url must be a string",
        "no_watermark must be a boolean",
        "use_voice.language must be zh or en",
        "use_voice.voice_engine_id is required",
        "use_voice.audio_id is required",
        "use_voice.text is required",
    ):
        assert fragment in joined
    assert check_submission(DOC_EXAMPLE) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"avatar_url": "https://a/b.png", "avatar_url": "https://a/c.png"}', "duplicate"),
        (b"\xff\xfe", "not valid JSON"),
    ],
    ids=["garbage", "empty", "duplicate_key", "not_utf8"],
)
def test_unparseable_bodies_are_rejected(
    server: SandboxServer, http: requests.Session, data: bytes, expected: str
) -> None:
    with http.post(
        f"{server.base_url}/avatar/generation",
        data=data,
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=TIMEOUT,
    ) as resp:
        assert resp.status_code == 400
        assert resp.json()["code"] == "invalid_request"
        assert expected in resp.json()["message"]
    assert server.tasks == {}


def test_submit_needs_json_content_type(server: SandboxServer, http: requests.Session) -> None:
    with http.post(
        f"{server.base_url}/avatar/generation",
        data=json.dumps(AUDIO_URL),
        headers={**AUTH, "Content-Type": "text/plain"},
        timeout=TIMEOUT,
    ) as resp:
        assert resp.status_code == 400
        assert "Content-Type must be application/json" in resp.json()["message"]
    assert server.tasks == {}


def test_oversized_body_is_413(server: SandboxServer, http: requests.Session) -> None:
    body = {**AUDIO_URL, "padding": "x" * (1024 * 1024)}
    with submit(http, server, body) as resp:
        assert resp.status_code == 413
        assert resp.json()["code"] == "invalid_request"
    assert server.tasks == {}
    # the connection is still usable afterwards
    submit_ok(http, server, AUDIO_URL)


# --------------------------------------------------------------------------------------------
# auth
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "test-token"}],
    ids=["missing", "empty", "no_bearer"],
)
def test_requests_without_a_token_are_401(
    server: SandboxServer, http: requests.Session, headers: dict[str, str]
) -> None:
    for method, path in [
        ("POST", "/avatar/generation"),
        ("GET", "/avatar/voice"),
        ("GET", "/avatar/task/" + "0" * 32),
    ]:
        with http.request(
            method, server.base_url + path, json=AUDIO_URL, headers=headers, timeout=TIMEOUT
        ) as resp:
            assert resp.status_code == 401, path
            error = resp.json()["error"]
        assert error["code"] == "invalid_api_key"
        assert error["message"]
        assert error["type"]
    assert server.tasks == {}


def test_a_configured_token_must_match_exactly(http: requests.Session) -> None:
    with SandboxServer(token="T", step_seconds=0) as server:
        with submit(http, server, AUDIO_URL, headers={"Authorization": "Bearer wrong"}) as resp:
            assert resp.status_code == 401
            assert resp.json()["error"]["code"] == "invalid_api_key"
            assert "invalid token" in resp.json()["error"]["message"]
        with submit(http, server, AUDIO_URL, headers={"Authorization": "Bearer T"}) as resp:
            assert resp.status_code == 200
        assert len(server.tasks) == 1


def test_media_needs_no_auth(server: SandboxServer, http: requests.Session) -> None:
    with http.get(f"{server.base_url}/media/samples/avatar.png", timeout=TIMEOUT) as resp:
        assert resp.status_code == 200


# --------------------------------------------------------------------------------------------
# task lifecycle
# --------------------------------------------------------------------------------------------


def test_success_answer_has_the_documented_shape(
    server: SandboxServer, http: requests.Session
) -> None:
    before = time.time()
    task_id = submit_ok(http, server, DOC_EXAMPLE)
    data = task(http, server, task_id)
    media = f"{server.base_url}/media/{task_id}"
    assert data["task_id"] == task_id
    assert data["action"] == "avatar-generate"
    assert data["status"] == "SUCCESS"
    assert data["progress"] == "100%"
    assert data["fail_reason"] == ""
    assert int(before) <= data["submit_time"] <= time.time()
    assert data["start_time"] >= data["submit_time"]
    assert data["finish_time"] >= data["start_time"]
    assert data["data"] == {
        "work_video_path": f"{media}/out.mp4",
        "no_wm_work_video_path": f"{media}/out_nowm.mp4",
        "wm_work_video_path": f"{media}/out_wm.mp4",
        "work_webp_path": f"{media}/cover.webp",
        "web_work_status": 50,
        "create_time": data["data"]["create_time"],
    }
    assert data["data"]["create_time"] // 1000 == data["submit_time"]


def test_lifecycle_goes_through_every_state(http: requests.Session) -> None:
    with SandboxServer(step_seconds=0.1) as server:
        task_id = submit_ok(http, server, USE_VOICE)
        seen = poll_until_final(http, server, task_id)
    statuses = [s["status"] for s in seen]
    order = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert order == ["NOT_START", "QUEUED", "IN_PROGRESS", "SUCCESS"]
    first = seen[0]
    assert first["progress"] == "0%"
    assert first["start_time"] == 0
    assert first["finish_time"] == 0
    assert first["fail_reason"] == ""
    assert set(first["data"]) <= {"create_time"}
    progress = [int(s["progress"].rstrip("%")) for s in seen if s["status"] == "IN_PROGRESS"]
    assert progress == sorted(progress)
    assert all(10 <= p <= 90 for p in progress)
    assert progress[0] < progress[-1]
    assert all(s["start_time"] > 0 for s in seen if s["status"] == "IN_PROGRESS")
    assert all(s["finish_time"] == 0 for s in seen if s["status"] != "SUCCESS")
    assert seen[-1]["finish_time"] > 0


def test_media_of_an_unfinished_task_is_not_there_yet(http: requests.Session) -> None:
    with SandboxServer(step_seconds=60) as server:
        task_id = submit_ok(http, server, AUDIO_URL)
        assert task(http, server, task_id)["status"] == "NOT_START"
        with http.get(f"{server.base_url}/media/{task_id}/out.mp4", timeout=TIMEOUT) as resp:
            assert resp.status_code == 404


def test_sandbox_fail_ends_in_failure(server: SandboxServer, http: requests.Session) -> None:
    body = {"avatar_url": AVATAR, "use_voice": {**USE_VOICE["use_voice"], "text": "sandbox-fail"}}
    task_id = submit_ok(http, server, body)
    data = task(http, server, task_id)
    assert data["status"] == "FAILURE"
    assert "sandbox-fail" in data["fail_reason"]
    assert "work_video_path" not in data["data"]
    with http.get(f"{server.base_url}/media/{task_id}/out.mp4", timeout=TIMEOUT) as resp:
        assert resp.status_code == 404


def test_sandbox_fail_in_a_url_also_counts(http: requests.Session) -> None:
    with SandboxServer(step_seconds=0.02) as server:
        task_id = submit_ok(
            http, server, {**AUDIO_URL, "avatar_url": "https://x.test/sandbox-fail.png"}
        )
        seen = poll_until_final(http, server, task_id)
    assert seen[-1]["status"] == "FAILURE"
    assert seen[-1]["fail_reason"]


def test_sandbox_stall_stays_unknown(server: SandboxServer, http: requests.Session) -> None:
    task_id = submit_ok(http, server, {**AUDIO_URL, "audio_url": "https://x.test/sandbox-stall"})
    for _ in range(3):
        data = task(http, server, task_id)
        assert data["status"] == "UNKNOWN"
        assert data["progress"] == ""
        assert data["finish_time"] == 0
    assert server.tasks[task_id]["status"] == "UNKNOWN"


@pytest.mark.parametrize("task_id", ["0" * 32, "nope", ""])
def test_unknown_task_is_404_task_not_exist(
    server: SandboxServer, http: requests.Session, task_id: str
) -> None:
    status, answer = get_json(http, f"{server.base_url}/avatar/task/{task_id}")
    assert status == 404
    assert answer == {"code": "task_not_exist", "message": "task_not_exist", "data": None}


# --------------------------------------------------------------------------------------------
# voices
# --------------------------------------------------------------------------------------------

VOICE_FIELDS = {
    "audio_id",
    "audio_url",
    "labels",
    "language",
    "name",
    "vip_enable",
    "voice_engine_id",
    "type",
}


def test_voice_list_and_language_filter(server: SandboxServer, http: requests.Session) -> None:
    status, answer = get_json(http, f"{server.base_url}/avatar/voice")
    assert status == 200
    assert answer["code"] == "success"
    voices = answer["data"]["audio_list"]
    assert len(voices) == 6
    for voice in voices:
        assert set(voice) == VOICE_FIELDS
        assert re.fullmatch(r"server/ranker/main/[0-9a-f]{32}\.wav", voice["audio_url"])
        assert voice["labels"]
        assert all(isinstance(label, str) for label in voice["labels"])
        assert isinstance(voice["vip_enable"], bool)
    assert len({v["audio_id"] for v in voices}) == 6
    for language in ("zh", "en"):
        status, answer = get_json(http, f"{server.base_url}/avatar/voice?language={language}")
        assert status == 200
        filtered = answer["data"]["audio_list"]
        assert len(filtered) == 3
        assert {v["language"] for v in filtered} == {language}
    zh = [v for v in voices if v["language"] == "zh"]
    assert all(re.search(r"[\u4e00-\u9fff]", v["name"]) for v in zh)
    recorded = [r for r in server.requests if r.path == "/avatar/voice"]
    assert [r.query for r in recorded] == [{}, {"language": "zh"}, {"language": "en"}]


@pytest.mark.parametrize("language", ["fr", "ZH", ""])
def test_voice_list_rejects_other_languages(
    server: SandboxServer, http: requests.Session, language: str
) -> None:
    status, answer = get_json(http, f"{server.base_url}/avatar/voice?language={language}")
    assert status == 400
    assert answer["code"] == "invalid_request"
    assert "language must be zh or en" in answer["message"]


# --------------------------------------------------------------------------------------------
# media
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("no_watermark", "name", "file", "content_type"),
    [
        (True, "out.mp4", "result.mp4", "video/mp4"),
        (False, "out.mp4", "result_wm.mp4", "video/mp4"),
        (None, "out.mp4", "result_wm.mp4", "video/mp4"),
        (False, "out_nowm.mp4", "result.mp4", "video/mp4"),
        (True, "out_wm.mp4", "result_wm.mp4", "video/mp4"),
        (True, "cover.webp", "cover.webp", "image/webp"),
    ],
)
def test_result_media_are_served(
    server: SandboxServer,
    http: requests.Session,
    no_watermark: bool | None,
    name: str,
    file: str,
    content_type: str,
) -> None:
    body = dict(AUDIO_URL) if no_watermark is None else {**AUDIO_URL, "no_watermark": no_watermark}
    task_id = submit_ok(http, server, body)
    with http.get(f"{server.base_url}/media/{task_id}/{name}", timeout=TIMEOUT) as resp:
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == content_type
        expected = (MEDIA_DIR / file).read_bytes()
        assert resp.headers["Content-Length"] == str(len(expected))
        assert resp.headers["Accept-Ranges"] == "bytes"
        assert resp.content == expected


def test_media_files_are_what_they_claim() -> None:
    for name in ("result.mp4", "result_wm.mp4"):
        data = (MEDIA_DIR / name).read_bytes()
        assert data[4:8] == b"ftyp"
        assert data.find(b"moov") < data.find(b"mdat")  # +faststart
        assert len(data) < 150_000
    webp = (MEDIA_DIR / "cover.webp").read_bytes()
    assert webp[:4] == b"RIFF"
    assert webp[8:12] == b"WEBP"
    assert (MEDIA_DIR / "README.md").is_file()


def test_media_ranges_and_head(server: SandboxServer, http: requests.Session) -> None:
    task_id = submit_ok(http, server, {**AUDIO_URL, "no_watermark": True})
    url = f"{server.base_url}/media/{task_id}/out.mp4"
    data = (MEDIA_DIR / "result.mp4").read_bytes()
    size = len(data)

    def fetch(range_header: str) -> requests.Response:
        return http.get(url, headers={"Range": range_header}, timeout=TIMEOUT)

    with fetch("bytes=10-19") as resp:
        assert resp.status_code == 206
        assert resp.headers["Content-Range"] == f"bytes 10-19/{size}"
        assert resp.headers["Content-Length"] == "10"
        assert resp.content == data[10:20]
    with fetch(f"bytes={size - 5}-") as resp:
        assert resp.status_code == 206
        assert resp.content == data[-5:]
        assert resp.headers["Content-Range"] == f"bytes {size - 5}-{size - 1}/{size}"
    with fetch("bytes=-7") as resp:
        assert resp.status_code == 206
        assert resp.content == data[-7:]
    with fetch(f"bytes=0-{size + 100}") as resp:
        assert resp.status_code == 206
        assert resp.content == data
    with fetch(f"bytes={size}-") as resp:
        assert resp.status_code == 416
        assert resp.headers["Content-Range"] == f"bytes */{size}"
    with http.head(url, timeout=TIMEOUT) as resp:
        assert resp.status_code == 200
        assert resp.headers["Content-Length"] == str(size)
        assert resp.headers["Content-Type"] == "video/mp4"
        assert resp.content == b""
    with http.head(url, headers={"Range": "bytes=0-99"}, timeout=TIMEOUT) as resp:
        assert resp.status_code == 206
        assert resp.headers["Content-Length"] == "100"
        assert resp.content == b""
    # the connection survived all of that
    with http.get(url, timeout=TIMEOUT) as resp:
        assert resp.content == data


def test_sample_avatar_is_a_big_enough_png(server: SandboxServer, http: requests.Session) -> None:
    with http.get(f"{server.base_url}/media/samples/avatar.png", timeout=TIMEOUT) as resp:
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "image/png"
        data = resp.content
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 512
    assert height >= 512


@pytest.mark.parametrize("seconds", [1, 3, 600])
def test_sample_voice_wav(server: SandboxServer, http: requests.Session, seconds: int) -> None:
    url = f"{server.base_url}/media/samples/voice-{seconds}s.wav"
    with http.get(url, timeout=TIMEOUT) as resp:
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "audio/wav"
        data = resp.content
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getframerate() == 16000
        assert wav.getnframes() == 16000 * seconds
        samples = struct.unpack("<1600h", wav.readframes(1600))
    assert 0 < max(abs(s) for s in samples) < 8000  # a quiet tone, not silence


@pytest.mark.parametrize(
    "path",
    [
        "/media/samples/voice-0s.wav",
        "/media/samples/voice-601s.wav",
        "/media/samples/voice-xs.wav",
        "/media/samples/other.png",
        "/media/" + "0" * 32 + "/out.mp4",
        "/media/%2E%2E/avatar.png",
        "/media/samples/..%2F..%2Fpyproject.toml",
        "/media/nothing",
    ],
)
def test_unknown_media_is_plain_404(
    server: SandboxServer, http: requests.Session, path: str
) -> None:
    with http.get(server.base_url + path, timeout=TIMEOUT) as resp:
        assert resp.status_code == 404
        assert resp.headers["Content-Type"].startswith("text/plain")


def test_unknown_result_name_is_404(server: SandboxServer, http: requests.Session) -> None:
    task_id = submit_ok(http, server, AUDIO_URL)
    with http.get(f"{server.base_url}/media/{task_id}/other.mp4", timeout=TIMEOUT) as resp:
        assert resp.status_code == 404


# --------------------------------------------------------------------------------------------
# routing
# --------------------------------------------------------------------------------------------


def test_unknown_path_and_wrong_method(server: SandboxServer, http: requests.Session) -> None:
    status, answer = get_json(http, f"{server.base_url}/avatar/unknown")
    assert status == 404
    assert answer["code"] == "not_found"
    status, answer = get_json(http, f"{server.base_url}/avatar/generation/")
    assert status == 404
    with http.get(f"{server.base_url}/avatar/generation", headers=AUTH, timeout=TIMEOUT) as resp:
        assert resp.status_code == 405
        assert resp.headers["Allow"] == "POST"
    with http.delete(f"{server.base_url}/avatar/voice", headers=AUTH, timeout=TIMEOUT) as resp:
        assert resp.status_code == 405
    with http.post(f"{server.base_url}/media/samples/avatar.png", timeout=TIMEOUT) as resp:
        assert resp.status_code == 405
    # every one of them was recorded
    assert len(server.requests) == 5
    server.clear_requests()
    assert server.requests == []


def test_recorded_request_helpers() -> None:
    recorded = RecordedRequest(
        "POST", "/x", {"a": "1"}, {"Content-Type": "application/json"}, b'{"k": [1]}'
    )
    assert recorded.header("content-type") == "application/json"
    assert recorded.header("X-Missing") is None
    assert recorded.json() == {"k": [1]}
    assert RecordedRequest("GET", "/", {}, {}, b"").json() is None
    assert RecordedRequest("GET", "/", {}, {}, b"{oops").json() is None


# --------------------------------------------------------------------------------------------
# faults
# --------------------------------------------------------------------------------------------


def test_rate_limited(server: SandboxServer, http: requests.Session) -> None:
    server.inject("submit", Fault.rate_limited(retry_after="3"))
    with submit(http, server, AUDIO_URL) as resp:
        assert resp.status_code == 429
        assert resp.headers["Retry-After"] == "3"
        assert resp.json()["error"]["code"]
    assert server.tasks == {}
    assert submits(server)[0].json() == AUDIO_URL


def test_retry_after_alone_means_429(server: SandboxServer, http: requests.Session) -> None:
    server.inject("voices", Fault(retry_after="7"))
    with http.get(f"{server.base_url}/avatar/voice", headers=AUTH, timeout=TIMEOUT) as resp:
        assert resp.status_code == 429
        assert resp.headers["Retry-After"] == "7"


def test_quota_exhausted(server: SandboxServer, http: requests.Session) -> None:
    server.inject("submit", Fault.quota_exhausted())
    with submit(http, server, AUDIO_URL) as resp:
        assert resp.status_code == 403
        error = resp.json()["error"]
    assert error["code"] == "insufficient_user_quota"
    assert "额度不足" in error["message"]
    assert server.tasks == {}


def test_html_page(server: SandboxServer, http: requests.Session) -> None:
    server.inject("task", Fault.html_page(status=504))
    with http.get(f"{server.base_url}/avatar/task/abc", headers=AUTH, timeout=TIMEOUT) as resp:
        assert resp.status_code == 504
        assert resp.headers["Content-Type"].startswith("text/html")
        assert "<html>" in resp.text
        assert "504 Gateway Time-out" in resp.text or "504 Gateway Timeout" in resp.text
        with pytest.raises(ValueError):
            resp.json()
    server.clear_faults()
    server.inject("submit", Fault.html_page())
    with submit(http, server, AUDIO_URL) as resp:
        assert resp.status_code == 502
    assert server.tasks == {}


def test_dropped_connection(server: SandboxServer, http: requests.Session) -> None:
    server.inject("submit", Fault.dropped(), times=1)
    with pytest.raises(requests.ConnectionError):
        submit(http, server, AUDIO_URL)
    assert server.tasks == {}
    assert len(submits(server)) == 1
    assert submits(server)[0].json() == AUDIO_URL
    submit_ok(http, server, AUDIO_URL)  # times=1: the next one goes through
    assert len(server.tasks) == 1


def test_refused_with_http_200(server: SandboxServer, http: requests.Session) -> None:
    server.inject("submit", Fault.refused("content_rejected", "内容违规 (content rejected)"))
    with submit(http, server, AUDIO_URL) as resp:
        assert resp.status_code == 200
        assert resp.json() == {
            "code": "content_rejected",
            "message": "内容违规 (content rejected)",
            "data": None,
        }
    assert server.tasks == {}


@pytest.mark.parametrize("status", [500, 503])
def test_server_error(server: SandboxServer, http: requests.Session, status: int) -> None:
    server.inject("voices", Fault.server_error(status))
    status_code, answer = get_json(http, f"{server.base_url}/avatar/voice")
    assert status_code == status
    assert answer["error"]["message"]


def test_slow_answers_normally_after_the_delay(
    server: SandboxServer, http: requests.Session
) -> None:
    server.inject("submit", Fault.slow(0.3))
    start = time.monotonic()
    task_id = submit_ok(http, server, AUDIO_URL)
    assert time.monotonic() - start >= 0.3
    assert list(server.tasks) == [task_id]


def test_slow_hits_a_client_timeout(server: SandboxServer, http: requests.Session) -> None:
    server.inject("task", Fault.slow(2), times=1)
    with pytest.raises(requests.Timeout):
        http.get(f"{server.base_url}/avatar/task/x", headers=AUTH, timeout=0.2)


def test_custom_json_body(server: SandboxServer, http: requests.Session) -> None:
    server.inject("task", Fault(json_body={"weird": True}))
    status, answer = get_json(http, f"{server.base_url}/avatar/task/x")
    assert (status, answer) == (200, {"weird": True})
    server.clear_faults()
    server.inject("task", Fault(status=400, json_body={"code": "task_not_exist", "data": None}))
    status, answer = get_json(http, f"{server.base_url}/avatar/task/x")
    assert (status, answer["code"]) == (400, "task_not_exist")


def test_times_limits_a_fault_and_faults_queue_in_order(
    server: SandboxServer, http: requests.Session
) -> None:
    url = f"{server.base_url}/avatar/voice"
    server.inject("voices", Fault.server_error(500), times=1)
    server.inject("voices", Fault.rate_limited(), times=2)
    assert [get_json(http, url)[0] for _ in range(5)] == [500, 429, 429, 200, 200]


def test_permanent_fault_until_cleared(server: SandboxServer, http: requests.Session) -> None:
    url = f"{server.base_url}/avatar/voice"
    server.inject("voices", Fault.server_error(502))
    assert [get_json(http, url)[0] for _ in range(3)] == [502, 502, 502]
    server.clear_faults()
    assert get_json(http, url)[0] == 200


def test_faults_only_hit_their_endpoint(server: SandboxServer, http: requests.Session) -> None:
    server.inject("media", Fault.server_error(500))
    task_id = submit_ok(http, server, AUDIO_URL)
    assert task(http, server, task_id)["status"] == "SUCCESS"
    with http.get(f"{server.base_url}/media/{task_id}/out.mp4", timeout=TIMEOUT) as resp:
        assert resp.status_code == 500
    assert server.requests[-1].path == f"/media/{task_id}/out.mp4"


def test_fault_applies_before_auth(server: SandboxServer, http: requests.Session) -> None:
    server.inject("submit", Fault.quota_exhausted(), times=1)
    with submit(http, server, AUDIO_URL, headers={}) as resp:
        assert resp.status_code == 403


def test_inject_validates_its_arguments(server: SandboxServer) -> None:
    with pytest.raises(ValueError):
        server.inject("generation", Fault.dropped())
    with pytest.raises(ValueError):
        server.inject("submit", Fault.dropped(), times=0)
    with pytest.raises(ValueError):
        Fault(latency=-1)
    assert Fault.slow(1).answer_status is None
    assert Fault(retry_after="1").answer_status == 429


# --------------------------------------------------------------------------------------------
# server lifecycle
# --------------------------------------------------------------------------------------------


def test_stop_is_idempotent_and_base_url_needs_start() -> None:
    server = SandboxServer()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    server.start()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
    assert server.start() is server
    server.stop()
    server.stop()
    assert not server.running


def test_stop_while_a_request_is_in_flight(http: requests.Session) -> None:
    server = SandboxServer(step_seconds=0).start()
    server.inject("voices", Fault.slow(30))
    outcome: queue.Queue[object] = queue.Queue()

    def call() -> None:
        try:
            with requests.get(f"{server.base_url}/avatar/voice", headers=AUTH, timeout=20) as r:
                outcome.put(r.status_code)
        except requests.RequestException as exc:
            outcome.put(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    wait_until(lambda: bool(server.requests), "the request to arrive", 5)
    start = time.monotonic()
    server.stop()
    assert time.monotonic() - start < 3
    thread.join(5)
    assert isinstance(outcome.get(timeout=1), requests.ConnectionError)


def test_pooled_connections_die_with_the_server(http: requests.Session) -> None:
    server = SandboxServer(step_seconds=0).start()
    status, _ = get_json(http, f"{server.base_url}/avatar/voice")
    assert status == 200
    server.stop()
    with pytest.raises(requests.ConnectionError):
        get_json(http, f"{server.base_url}/avatar/voice")


def test_client_disconnecting_mid_response_is_quiet(
    server: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    import socket

    host, port = server.base_url.removeprefix("http://").split(":")
    for _ in range(3):
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"GET /media/samples/voice-600s.wav HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 200")
    # the server is still fine ("close": this connection's handler ends after the answer too)
    with requests.get(
        f"{server.base_url}/media/samples/avatar.png",
        headers={"Connection": "close"},
        timeout=TIMEOUT,
    ) as resp:
        assert resp.status_code == 200
    # every handler has hit its broken pipe and finished, error handling included: whatever it
    # was going to print is on stderr by now
    wait_until(lambda: server.open_connections == 0, "the handlers to finish")
    assert "Traceback" not in capfd.readouterr().err


def test_a_request_cut_off_mid_body_never_arrived(server: SandboxServer) -> None:
    """A sender killed while its body was on the way: the service never got a request, so the
    sandbox neither answers it nor records it (a crash soak read its empty body as a submit)."""
    import socket

    host, port = server.base_url.removeprefix("http://").split(":")
    head = (
        b"POST /avatar/generation HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer t\r\nContent-Length: 200\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head + b'{"avatar_url": "https://x/a.png"')
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) == b""  # closed without an answer
    wait_until(lambda: server.open_connections == 0, "the handler to finish")
    assert [r for r in server.requests if r.path == "/avatar/generation"] == []
    assert server.tasks == {}


# --------------------------------------------------------------------------------------------
# state file: tasks across restarts
# --------------------------------------------------------------------------------------------

STATUS_ORDER = ["NOT_START", "QUEUED", "IN_PROGRESS", "SUCCESS"]


def distinct(statuses: list[str]) -> list[str]:
    return [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]


def saved_ids(path: Path) -> list[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "avatar-sandbox-state"
    assert document["version"] == 1
    return [record["task_id"] for record in document["tasks"]]


def media_bytes(http: requests.Session, server: SandboxServer, task_id: str, name: str) -> bytes:
    with http.get(f"{server.base_url}/media/{task_id}/{name}", timeout=TIMEOUT) as resp:
        assert resp.status_code == 200, resp.text
        return resp.content


def test_a_task_goes_on_after_a_restart_and_its_video_plays(
    tmp_path: Path, http: requests.Session
) -> None:
    state = tmp_path / "state" / "sandbox.json"
    before = time.time()
    seen_before: list[dict[str, Any]] = []
    with SandboxServer(step_seconds=0.3, state_path=state) as first:
        assert first.persisting
        task_id = submit_ok(http, first, {**AUDIO_URL, "no_watermark": True})

        def in_progress() -> bool:
            seen_before.append(task(http, first, task_id))
            return seen_before[-1]["status"] in ("IN_PROGRESS", "SUCCESS")

        wait_until(in_progress, "the task to be in progress")
    assert seen_before[-1]["status"] == "IN_PROGRESS"

    # a new server on the same file, with another step length: the task keeps its own
    with SandboxServer(step_seconds=60, state_path=state) as second:
        seen_after = poll_until_final(http, second, task_id)
        video = media_bytes(http, second, task_id, "out.mp4")
        assert second.tasks[task_id]["payload"] is None  # the file keeps no request bodies
        media = f"{second.base_url}/media/{task_id}"

    # it went on from its original submission time instead of starting over
    assert seen_after[0]["status"] in ("IN_PROGRESS", "SUCCESS")
    statuses = [s["status"] for s in seen_before + seen_after]
    assert distinct(statuses) == STATUS_ORDER
    progress = [int(s["progress"][:-1]) for s in seen_before + seen_after if s["progress"]]
    assert progress == sorted(progress)
    last = seen_after[-1]
    for key in ("submit_time", "start_time"):
        assert last[key] == seen_before[-1][key]
    assert last["data"]["create_time"] == seen_before[0]["data"]["create_time"]
    assert int(before) <= last["submit_time"] <= time.time()
    assert last["data"]["work_video_path"] == f"{media}/out.mp4"
    assert video == (MEDIA_DIR / "result.mp4").read_bytes()
    # wall-clock time is what is saved; nothing of the request body is
    saved = json.loads(state.read_text(encoding="utf-8"))["tasks"]
    assert [record["task_id"] for record in saved] == [task_id]
    assert before <= saved[0]["submitted_at"] <= time.time()
    assert "example.com" not in state.read_text(encoding="utf-8")


def test_every_outcome_answers_the_same_after_a_restart(
    tmp_path: Path, http: requests.Session
) -> None:
    state = tmp_path / "sandbox.json"
    short_clone = {
        "avatar_url": AVATAR,
        "create_voice": {
            **CREATE_VOICE["create_voice"],
            "audio_url": "http://127.0.0.1:9/media/samples/voice-12s.wav",
        },
    }
    bodies = {
        "failed": {**AUDIO_URL, "avatar_url": "https://x.test/sandbox-fail.png"},
        "stalled": {**AUDIO_URL, "audio_url": "https://x.test/sandbox-stall"},
        "short_clone": short_clone,
        "watermarked": USE_VOICE,
        "documented": DOC_EXAMPLE,
    }
    with SandboxServer(step_seconds=0, state_path=state) as first:
        ids = {name: submit_ok(http, first, body) for name, body in bodies.items()}
        before = {name: task(http, first, task_id) for name, task_id in ids.items()}
        first_base = first.base_url
    assert before["failed"]["status"] == "FAILURE"
    assert before["stalled"]["status"] == "UNKNOWN"
    assert "12 s" in before["short_clone"]["fail_reason"]
    with SandboxServer(step_seconds=0, state_path=state) as second:
        after = {name: task(http, second, task_id) for name, task_id in ids.items()}
        expected = json.loads(json.dumps(before).replace(first_base, second.base_url))
        assert after == expected
        watermarked = media_bytes(http, second, ids["watermarked"], "out.mp4")
        clean = media_bytes(http, second, ids["documented"], "out.mp4")
        cover = media_bytes(http, second, ids["documented"], "cover.webp")
        for name in ("failed", "stalled"):
            url = f"{second.base_url}/media/{ids[name]}/out.mp4"
            with http.get(url, timeout=TIMEOUT) as resp:
                assert resp.status_code == 404
    assert watermarked == (MEDIA_DIR / "result_wm.mp4").read_bytes()
    assert clean == (MEDIA_DIR / "result.mp4").read_bytes()
    assert cover == (MEDIA_DIR / "cover.webp").read_bytes()


DAMAGED = {
    "not_json": b"{not json",
    "not_utf8": b"\xff\xfe\x00{",
    "empty": b"",
    "not_an_object": b"[]",
    "other_format": b'{"format": "something-else", "version": 1, "tasks": []}',
    "newer_version": b'{"format": "avatar-sandbox-state", "version": 2, "tasks": []}',
    "bad_record": b'{"format": "avatar-sandbox-state", "version": 1, "tasks": [{"task_id": "x"}]}',
    "bad_time": (
        b'{"format": "avatar-sandbox-state", "version": 1, "tasks": [{"task_id": "'
        + b"a" * 32
        + b'", "submitted_at": "yesterday", "step_seconds": 0, "no_watermark": true,'
        b' "fail": false, "stall": false, "fail_reason": ""}]}'
    ),
}


@pytest.mark.parametrize("content", list(DAMAGED.values()), ids=list(DAMAGED))
def test_a_damaged_state_file_is_moved_aside_and_the_server_starts(
    tmp_path: Path, http: requests.Session, capfd: pytest.CaptureFixture[str], content: bytes
) -> None:
    state = tmp_path / "sandbox.json"
    state.write_bytes(content)
    with SandboxServer(step_seconds=0, state_path=state) as server:
        assert server.persisting
        assert server.tasks == {}
        task_id = submit_ok(http, server, AUDIO_URL)
    (aside,) = tmp_path.glob("sandbox.json.damaged-*")
    assert aside.read_bytes() == content
    lines = capfd.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert str(state) in lines[0]
    assert aside.name in lines[0]
    assert saved_ids(state) == [task_id]


def test_damaged_files_moved_aside_never_replace_each_other(
    tmp_path: Path, http: requests.Session
) -> None:
    state = tmp_path / "sandbox.json"
    for content in (b"first damage", b"second damage"):
        state.write_bytes(content)
        with SandboxServer(step_seconds=0, state_path=state):
            pass
    kept = {path.read_bytes() for path in tmp_path.glob("sandbox.json.damaged-*")}
    assert kept == {b"first damage", b"second damage"}


@pytest.mark.parametrize("layout", ["folder_at_the_path", "parent_is_a_file"])
def test_an_unusable_state_path_leaves_the_server_memory_only(
    tmp_path: Path, http: requests.Session, capfd: pytest.CaptureFixture[str], layout: str
) -> None:
    if layout == "folder_at_the_path":
        state = tmp_path / "sandbox.json"
        state.mkdir()
        (state / "mine.txt").write_text("keep me", encoding="utf-8")
    else:
        (tmp_path / "blocker").write_text("a file", encoding="utf-8")
        state = tmp_path / "blocker" / "sandbox.json"
    before = sorted(tmp_path.rglob("*"))
    with SandboxServer(step_seconds=0, state_path=state) as server:
        assert not server.persisting
        task_id = submit_ok(http, server, AUDIO_URL)
        assert task(http, server, task_id)["status"] == "SUCCESS"
    lines = capfd.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert "memory only" in lines[0]
    assert str(state) in lines[0]
    after = [p for p in sorted(tmp_path.rglob("*")) if not p.name.endswith(".lock")]
    assert after == before  # nothing moved, nothing written
    if layout == "folder_at_the_path":
        assert (state / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_a_second_server_on_the_same_file_neither_saves_nor_corrupts_it(
    tmp_path: Path, http: requests.Session, capfd: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "sandbox.json"
    with SandboxServer(step_seconds=0, state_path=state) as first:
        one = submit_ok(http, first, AUDIO_URL)
        capfd.readouterr()
        with SandboxServer(step_seconds=0, state_path=state) as second:
            assert first.persisting
            assert not second.persisting
            lines = capfd.readouterr().err.splitlines()
            assert len(lines) == 1, lines
            assert "in use by another sandbox" in lines[0]
            # it serves what it found at start...
            assert task(http, second, one)["status"] == "SUCCESS"
            # ...but never writes the file
            saved = state.read_bytes()
            two = submit_ok(http, second, AUDIO_URL)
            assert state.read_bytes() == saved
            three = submit_ok(http, first, AUDIO_URL)
        four = submit_ok(http, first, AUDIO_URL)  # the second one's exit left the lock alone
        assert saved_ids(state) == [one, three, four]
    with SandboxServer(step_seconds=0, state_path=state) as third:
        assert third.persisting  # the first one's exit released it
        for task_id in (one, three, four):
            assert task(http, third, task_id)["status"] == "SUCCESS"
        status, answer = get_json(http, f"{third.base_url}/avatar/task/{two}")
        assert (status, answer["code"]) == (404, "task_not_exist")
    assert not capfd.readouterr().err


def test_a_restarted_server_object_keeps_saving(tmp_path: Path, http: requests.Session) -> None:
    state = tmp_path / "sandbox.json"
    server = SandboxServer(step_seconds=0, state_path=state)
    with server:
        one = submit_ok(http, server, AUDIO_URL)
    with server:
        assert server.persisting
        two = submit_ok(http, server, AUDIO_URL)
        assert list(server.tasks) == [one, two]
    assert not server.persisting
    assert saved_ids(state) == [one, two]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_state_files_are_private_to_the_user(tmp_path: Path, http: requests.Session) -> None:
    state = tmp_path / "new" / "folder" / "sandbox.json"
    old_umask = os.umask(0)  # the modes must not depend on a strict umask
    try:
        with SandboxServer(step_seconds=0, state_path=state) as server:
            submit_ok(http, server, AUDIO_URL)
            submit_ok(http, server, AUDIO_URL)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.with_name("sandbox.json.lock").stat().st_mode) == 0o600
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(state.parent.parent.stat().st_mode) == 0o700
    # no temporary file is left behind
    assert sorted(p.name for p in state.parent.iterdir()) == ["sandbox.json", "sandbox.json.lock"]


def test_the_state_file_keeps_only_the_newest_tasks(tmp_path: Path, http: requests.Session) -> None:
    assert SandboxServer().max_tasks == 10_000
    state = tmp_path / "sandbox.json"
    with SandboxServer(step_seconds=0, state_path=state, max_tasks=3) as server:
        ids = [submit_ok(http, server, AUDIO_URL) for _ in range(5)]
        assert list(server.tasks) == ids[2:]
    assert saved_ids(state) == ids[2:]
    with SandboxServer(step_seconds=0, state_path=state, max_tasks=2) as server:
        assert list(server.tasks) == ids[3:]
        status, answer = get_json(http, f"{server.base_url}/avatar/task/{ids[0]}")
        assert (status, answer["code"]) == (404, "task_not_exist")


def test_concurrent_submits_are_all_saved(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    with SandboxServer(step_seconds=0, state_path=state) as server:

        def one(_: int) -> str:
            with requests.Session() as session:
                return submit_ok(session, server, AUDIO_URL)

        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(one, range(24)))
    assert sorted(saved_ids(state)) == sorted(ids)


def test_without_a_state_path_the_sandbox_writes_nothing(
    tmp_path: Path, sandbox: SandboxServer, http: requests.Session
) -> None:
    submit_ok(http, sandbox, AUDIO_URL)  # the conftest fixture: SandboxServer(step_seconds=0)
    assert sandbox.state_path is None
    assert not sandbox.persisting
    assert list(tmp_path.rglob("*.json")) == []


def test_the_builtin_sandbox_keeps_its_tasks_in_the_data_folder(http: requests.Session) -> None:
    from avatar_desktop.app import LazySandbox
    from avatar_desktop.core.paths import data_dir

    first = LazySandbox(step_seconds=0, port=0)
    try:
        with http.post(
            f"{first.place().now}/avatar/generation", json=AUDIO_URL, headers=AUTH, timeout=TIMEOUT
        ) as resp:
            task_id = resp.json()["data"]
    finally:
        first.stop()
    assert saved_ids(data_dir() / "sandbox" / "builtin.json") == [task_id]
    second = LazySandbox(step_seconds=0, port=0)
    try:
        status, answer = get_json(http, f"{second.place().now}/avatar/task/{task_id}")
    finally:
        second.stop()
    assert (status, answer["data"]["status"]) == (200, "SUCCESS")


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def _sandbox_cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [sys.executable, "-m", "avatar_desktop.sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO_ROOT,
    )


def _readline(stream: io.TextIOBase, timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=timeout)


WINDOWS_SIGNALS = pytest.mark.skipif(
    sys.platform == "win32",
    reason=(
        "Windows has no SIGTERM a program can catch (Popen.terminate is TerminateProcess) and "
        "Ctrl+C reaches only the processes of one console: there the sandbox stops with Ctrl+C "
        "in its own console, which a test cannot press"
    ),
)


@WINDOWS_SIGNALS
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["term", "ctrl_c"])
def test_cli_serves_until_stopped(http: requests.Session, stop_signal: signal.Signals) -> None:
    with _sandbox_cli("--port", "0", "--token", "T", "--step-seconds", "0") as proc:
        try:
            assert proc.stdout is not None
            first = _readline(proc.stdout, timeout=20)
            match = re.search(r"base URL: (http://127\.0\.0\.1:(\d+))$", first.strip())
            assert match, first
            assert match[2] != "0"
            base = match[1]
            with http.post(
                f"{base}/avatar/generation",
                json=AUDIO_URL,
                headers={"Authorization": "Bearer T"},
                timeout=TIMEOUT,
            ) as resp:
                assert resp.status_code == 200
                task_id = resp.json()["data"]
            status, answer = get_json(
                http, f"{base}/avatar/task/{task_id}", {"Authorization": "Bearer T"}
            )
            assert (status, answer["data"]["status"]) == (200, "SUCCESS")
        finally:
            proc.send_signal(stop_signal)
        assert proc.wait(timeout=20) == 0
        assert proc.stdout is not None
        assert proc.stderr is not None
        out, err = proc.stdout.read(), proc.stderr.read()
    assert "curl" in out
    assert "State: tasks in memory only (--port 0" in out
    assert "Traceback" not in err


def test_cli_refuses_a_remote_host_without_allow_remote() -> None:
    with _sandbox_cli("--host", "0.0.0.0", "--port", "0") as proc:
        _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert "--allow-remote" in err


def test_cli_help_documents_the_triggers() -> None:
    with _sandbox_cli("--help") as proc:
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "sandbox-fail" in out
    assert "sandbox-stall" in out


def test_cli_help_documents_the_state_file() -> None:
    with _sandbox_cli("--help") as proc:
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "--state FILE" in out
    assert "--no-state" in out
    assert "port-<PORT>.json" in out


def test_cli_default_state_file_is_per_port_in_the_data_folder() -> None:
    from avatar_desktop.core.paths import data_dir
    from avatar_desktop.sandbox.__main__ import default_state_path

    assert default_state_path(8765) == data_dir() / "sandbox" / "port-8765.json"
    assert default_state_path(0) is None


@WINDOWS_SIGNALS
def test_cli_keeps_tasks_in_its_state_file(tmp_path: Path, http: requests.Session) -> None:
    state = tmp_path / "cli-state.json"
    bearer = {"Authorization": "Bearer T"}

    def run(action: Any) -> Any:
        with _sandbox_cli(
            "--port", "0", "--token", "T", "--step-seconds", "0", "--state", str(state)
        ) as proc:
            try:
                assert proc.stdout is not None
                first = _readline(proc.stdout, timeout=20)
                match = re.search(r"base URL: (http://127\.0\.0\.1:\d+)$", first.strip())
                assert match, first
                assert (
                    _readline(proc.stdout, timeout=20).strip().startswith(f"State file: {state} ")
                )
                result = action(match[1])
            finally:
                proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
        return result

    def create(base: str) -> str:
        with http.post(
            f"{base}/avatar/generation", json=AUDIO_URL, headers=bearer, timeout=TIMEOUT
        ) as resp:
            assert resp.status_code == 200
            return str(resp.json()["data"])

    task_id = run(create)
    answer = run(lambda base: get_json(http, f"{base}/avatar/task/{task_id}", bearer))
    assert answer[0] == 200
    assert answer[1]["data"]["status"] == "SUCCESS"
    assert saved_ids(state) == [task_id]


def test_clone_job_with_a_short_own_sample_fails_like_the_real_service():
    from avatar_desktop.sandbox import SandboxServer

    with SandboxServer(step_seconds=0) as server, requests.Session() as http:

        def submit(seconds):
            body = {
                "avatar_url": "https://example.com/a.png",
                "create_voice": {
                    "audio_url": f"{server.base_url}/media/samples/voice-{seconds}s.wav",
                    "language": "en",
                    "text": "hello",
                },
            }
            answer = http.post(
                server.base_url + "/avatar/generation",
                json=body,
                headers={"Authorization": "Bearer t"},
                timeout=5,
            )
            task_id = answer.json()["data"]
            task = http.get(
                f"{server.base_url}/avatar/task/{task_id}",
                headers={"Authorization": "Bearer t"},
                timeout=5,
            ).json()["data"]
            return task["status"], task["fail_reason"]

        status, reason = submit(12)
        assert status == "FAILURE" and "12 s" in reason and "20 s" in reason
        assert submit(25) == ("SUCCESS", "")


def test_a_second_sandbox_cannot_take_a_port_one_listens_on():
    """Issue 17 item 2: with SO_REUSEADDR a second server could bind the port of a running one
    on Windows, so both answered and "port taken, use another" never happened. On every system
    the second bind must fail (and a stopped sandbox's port can be taken again at once)."""
    first = SandboxServer(port=0, step_seconds=0).start()
    port = int(first.base_url.rsplit(":", 1)[1])
    try:
        with pytest.raises(OSError):
            SandboxServer(port=port, step_seconds=0).start()
    finally:
        first.stop()
    again = SandboxServer(port=port, step_seconds=0).start()
    again.stop()
