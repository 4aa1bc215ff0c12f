"""The HTTP client against the real local sandbox: every voice mode and every error class."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import ssl
import subprocess
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.request import (
    AudioTrack,
    ClonedVoice,
    ExistingVoice,
    GenerationRequest,
    Language,
)
from avatar_desktop.core.service import (
    ApiError,
    AuthError,
    BadResponse,
    BaseUrlError,
    MissingTaskId,
    NotSent,
    OutcomeUnknown,
    QuotaExhausted,
    RateLimited,
    RequestRejected,
    ServerError,
    TaskInfo,
    TaskNotFound,
    TaskStatus,
    Timeouts,
    TokenError,
    Voice,
    normalize_base_url,
    parse_retry_after,
    token_problem,
)
from avatar_desktop.sandbox import Fault, SandboxServer

TOKEN = "sk-test-0123456789abcdef"
AVATAR = "https://example.com/avatar.png"
FAST = Timeouts(connect=2.0, read=2.0)


def audio_request(avatar=AVATAR):
    return GenerationRequest(avatar, AudioTrack("https://example.com/voice.mp3"), True)


@pytest.fixture
def client(sandbox):
    with AvatarClient(sandbox.base_url, TOKEN, timeout=FAST) as c:
        yield c


# --- the three voice modes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "voice",
    [
        AudioTrack("https://example.com/voice.mp3"),
        ClonedVoice("https://example.com/sample.wav", Language.ZH, "大家好，欢迎收看。"),
        ExistingVoice("engine-1", "audio-1", Language.EN, "Hello there"),
    ],
    ids=["audio_url", "create_voice", "use_voice"],
)
def test_submit_each_mode_sends_exactly_the_payload(sandbox, client, voice):
    request = GenerationRequest(AVATAR, voice, no_watermark=False)
    task_id = client.submit(request)
    assert task_id
    (sent,) = [r for r in sandbox.requests if r.method == "POST"]
    assert sent.path == "/avatar/generation"
    assert sent.json() == request.to_payload()
    assert sent.header("Authorization") == f"Bearer {TOKEN}"
    assert sent.header("Content-Type") == "application/json"
    assert task_id in sandbox.tasks


def test_task_follows_to_success_with_result_urls(sandbox, client):
    task_id = client.submit(audio_request())
    info = client.get_task(task_id)
    assert info.task_id == task_id
    assert info.status is TaskStatus.SUCCESS and info.is_final
    assert info.progress == 100
    assert info.video_url and info.video_url.startswith(sandbox.base_url)
    assert info.no_watermark_video_url and info.watermarked_video_url and info.cover_url
    assert info.submitted_at and info.finished_at and info.created_at
    assert info.fail_reason is None


def test_requested_failure_is_reported_with_reason(client):
    task_id = client.submit(audio_request("https://example.com/sandbox-fail.png"))
    info = client.get_task(task_id)
    assert info.status is TaskStatus.FAILURE
    assert info.fail_reason


def test_task_in_progress_has_rising_progress():
    with SandboxServer(step_seconds=30) as server, AvatarClient(server.base_url, TOKEN) as c:
        info = c.get_task(c.submit(audio_request()))
        assert info.status is TaskStatus.NOT_START
        assert info.progress == 0
        assert not info.is_final
        assert info.video_url is None


def test_unknown_task_is_task_not_found(client):
    with pytest.raises(TaskNotFound) as info:
        client.get_task("0" * 32)
    assert isinstance(info.value, RequestRejected)
    assert info.value.code == "task_not_exist"


def test_list_voices_by_language(client, sandbox):
    every = client.list_voices()
    zh = client.list_voices(Language.ZH)
    en = client.list_voices("en")
    assert zh and en and len(every) == len(zh) + len(en)
    assert all(v.language == "zh" for v in zh)
    assert {r.query.get("language") for r in sandbox.requests} == {None, "zh", "en"}
    voice = zh[0]
    assert voice.audio_id and voice.voice_engine_id and voice.name
    assert voice.preview_url(None) is None
    assert voice.preview_url("https://media.example.com/").startswith("https://media.example.com/")
    assert Voice.from_json(voice.to_json()) == voice


# --- errors -------------------------------------------------------------------------------


def test_wrong_token_is_auth_error():
    with (
        SandboxServer(step_seconds=0, token="right-token") as server,
        AvatarClient(server.base_url, "wrong-token", timeout=FAST) as c,
    ):
        with pytest.raises(AuthError) as info:
            c.submit(audio_request())
        assert info.value.status == 401
        assert info.value.server_message
        assert not server.tasks


def test_quota_exhausted(sandbox, client):
    sandbox.inject("submit", Fault.quota_exhausted())
    with pytest.raises(QuotaExhausted) as info:
        client.submit(audio_request())
    assert info.value.status == 403
    assert "额度" in info.value.server_message


def test_refused_with_http_200_is_rejected_with_server_message(sandbox, client):
    sandbox.inject("submit", Fault.refused("bad_avatar", "头像无法识别"))
    with pytest.raises(RequestRejected) as info:
        client.submit(audio_request())
    assert info.value.server_message == "头像无法识别"
    assert info.value.code == "bad_avatar"
    assert info.value.status == 200


def test_rate_limited_parses_retry_after(sandbox, client):
    sandbox.inject("submit", Fault.rate_limited(retry_after="7"))
    with pytest.raises(RateLimited) as info:
        client.submit(audio_request())
    assert info.value.retry_after == 7.0
    sandbox.inject("task", Fault.rate_limited(retry_after="99999"))
    with pytest.raises(RateLimited) as info:
        client.get_task("x")
    assert info.value.retry_after == 300.0


def test_server_error_and_html_page(sandbox, client):
    sandbox.inject("submit", Fault.server_error(500), times=1)
    with pytest.raises(ServerError) as info:
        client.submit(audio_request())
    assert info.value.status == 500
    sandbox.inject("task", Fault.html_page(502))
    with pytest.raises(ServerError) as info:
        client.get_task("abc")
    assert info.value.status == 502
    assert "web page" in info.value.user_message


def test_html_page_with_200_is_bad_response(sandbox, client):
    sandbox.inject("voices", Fault(status=200, html=True))
    with pytest.raises(BadResponse):
        client.list_voices()


def test_success_without_task_id_says_job_may_exist(sandbox, client):
    sandbox.inject("submit", Fault(status=200, json_body={"code": "success", "message": ""}))
    with pytest.raises(MissingTaskId) as info:
        client.submit(audio_request())
    assert "billed" in info.value.user_message
    assert info.value.request_was_sent is True


def test_task_answer_without_data_is_bad_response(sandbox, client):
    sandbox.inject("task", Fault(status=200, json_body={"code": "success", "data": None}))
    with pytest.raises(BadResponse):
        client.get_task("abc")
    sandbox.clear_faults()
    sandbox.inject("task", Fault(status=200, json_body={"code": "success", "data": [1, 2]}))
    with pytest.raises(BadResponse):
        client.get_task("abc")


def test_validation_error_from_the_service_is_rejected(sandbox, client):
    sandbox.inject(
        "submit",
        Fault(
            status=400,
            json_body={"code": "invalid_request", "message": "avatar_url is invalid", "data": None},
        ),
    )
    with pytest.raises(RequestRejected) as info:
        client.submit(audio_request())
    assert "avatar_url" in str(info.value)


def test_dropped_connection_after_sending_is_outcome_unknown(sandbox, client):
    sandbox.inject("submit", Fault.dropped())
    with pytest.raises(OutcomeUnknown) as info:
        client.submit(audio_request())
    assert info.value.request_was_sent is None
    assert "billed" in info.value.user_message
    # it went out exactly once: the client never retries on its own
    assert len([r for r in sandbox.requests if r.method == "POST"]) == 1


def test_read_timeout_is_outcome_unknown_and_not_retried(sandbox):
    sandbox.inject("submit", Fault.slow(1.5))
    with AvatarClient(sandbox.base_url, TOKEN, timeout=Timeouts(2.0, 0.3)) as c:
        with pytest.raises(OutcomeUnknown):
            c.submit(audio_request())
    assert len([r for r in sandbox.requests if r.method == "POST"]) == 1


def test_refused_connection_is_not_sent():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with AvatarClient(f"http://127.0.0.1:{port}", TOKEN, timeout=FAST) as c:
        with pytest.raises(NotSent) as info:
            c.submit(audio_request())
    assert info.value.request_was_sent is False


def test_unresolvable_host_is_not_sent():
    with AvatarClient("https://no-such-host.invalid", TOKEN, timeout=FAST) as c:
        with pytest.raises(NotSent):
            c.list_voices()


def test_connect_timeout_is_not_sent():
    # A listening socket whose accept queue is full drops new connection attempts.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            s = socket.socket()
            s.settimeout(0.2)
            with contextlib.suppress(OSError):
                s.connect(("127.0.0.1", port))
            fillers.append(s)
        with AvatarClient(f"http://127.0.0.1:{port}", TOKEN, timeout=Timeouts(0.3, 1)) as c:
            with pytest.raises(NotSent) as info:
                c.submit(audio_request())
        assert "connecting" in info.value.user_message
    finally:
        for s in fillers:
            s.close()
        listener.close()


def test_oversized_answer_is_refused(sandbox, client):
    sandbox.inject(
        "voices",
        Fault(
            status=200,
            json_body={"code": "success", "message": "x" * (5 * 1024 * 1024), "data": {}},
        ),
    )
    with pytest.raises(BadResponse) as info:
        client.list_voices()
    assert "larger" in info.value.user_message


def test_every_error_is_an_api_error():
    for cls in (
        AuthError,
        QuotaExhausted,
        RequestRejected,
        TaskNotFound,
        RateLimited,
        ServerError,
        BadResponse,
        NotSent,
        OutcomeUnknown,
        MissingTaskId,
    ):
        assert issubclass(cls, ApiError)
        assert cls().user_message


# --- the token ----------------------------------------------------------------------------


def test_token_never_leaks_into_errors_repr_or_logs(sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    sandbox.inject(
        "submit",
        Fault(
            status=401,
            json_body={"error": {"message": f"bad token {TOKEN}", "type": "x", "code": "y"}},
        ),
    )
    with AvatarClient(sandbox.base_url, TOKEN, timeout=FAST) as c:
        assert TOKEN not in repr(c)
        assert TOKEN not in repr(c._session.auth)
        with pytest.raises(AuthError) as info:
            c.submit(audio_request())
        assert TOKEN not in str(info.value)
        assert TOKEN not in repr(info.value)
        assert TOKEN not in (info.value.server_message or "")
        assert "***" in info.value.server_message
    assert TOKEN not in caplog.text
    assert caplog.records  # the client does log


def test_netrc_entry_does_not_replace_the_token(sandbox, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password netrc-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with AvatarClient(sandbox.base_url, TOKEN, timeout=FAST) as c:
        c.list_voices()
    assert sandbox.requests[-1].header("Authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize("token", ["", "two words", "line\nbreak", "tab\tbed", "中文令牌"])
def test_tokens_a_header_cannot_carry_are_refused(token):
    assert token_problem(token)
    with pytest.raises(TokenError) as info:
        AvatarClient("https://api.example.com", token)
    if token:
        assert token not in str(info.value)


def test_plain_http_only_for_loopback():
    with pytest.raises(BaseUrlError):
        normalize_base_url("http://api.gpt.ge")
    with pytest.raises(BaseUrlError):
        normalize_base_url("ftp://api.gpt.ge")
    with pytest.raises(BaseUrlError):
        normalize_base_url("api.gpt.ge")
    with pytest.raises(BaseUrlError):
        normalize_base_url("https://user:pw@api.gpt.ge")
    assert normalize_base_url(" https://api.gpt.ge/ ") == "https://api.gpt.ge"
    assert (
        normalize_base_url("https://mirror.example.com/proxy/")
        == "https://mirror.example.com/proxy"
    )
    for ok in ("http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:80"):
        assert normalize_base_url(ok) == ok


def test_redirect_is_not_followed(sandbox):
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(301)
            self.send_header("Location", sandbox.base_url + "/avatar/generation")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with AvatarClient(f"http://127.0.0.1:{server.server_port}", TOKEN, timeout=FAST) as c:
            with pytest.raises(BadResponse) as info:
                c.submit(audio_request())
        assert "redirect" in info.value.user_message
        assert not sandbox.requests  # the POST was not replayed anywhere
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a cert")
def test_tls_verification_is_always_on(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )

    class Ok(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Ok)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with AvatarClient(f"https://localhost:{server.server_port}", TOKEN, timeout=FAST) as c:
            with pytest.raises(NotSent) as info:
                c.list_voices()
        assert "TLS" in info.value.user_message
    finally:
        server.shutdown()
        server.server_close()


# --- tolerant parsing ---------------------------------------------------------------------


def test_task_info_is_tolerant():
    info = TaskInfo.from_json(
        "t1",
        {
            "status": "in_progress",
            "progress": "35%",
            "submit_time": "1736868741",
            "start_time": 0,
            "finish_time": None,
            "data": "garbage",
            "extra": [1],
        },
    )
    assert info.status is TaskStatus.IN_PROGRESS
    assert info.progress == 35
    assert info.submitted_at == datetime.fromtimestamp(1736868741, UTC)
    assert info.started_at is None and info.finished_at is None
    assert info.video_url is None and info.task_id == "t1"
    odd = TaskInfo.from_json(
        "t2",
        {
            "status": "EXPLODED",
            "progress": "abc",
            "data": {"create_time": 1736868741000, "work_video_path": 17},
        },
    )
    assert odd.status is TaskStatus.UNKNOWN and odd.raw_status == "EXPLODED"
    assert odd.progress is None and odd.video_url is None
    assert odd.created_at == datetime.fromtimestamp(1736868741, UTC)
    assert TaskInfo.from_json("t3", {}).status is TaskStatus.UNKNOWN
    assert TaskInfo.from_json("t4", {"progress": 250}).progress == 100
    assert TaskInfo.from_json("t5", {"status": None, "progress": True}).progress is None
    with pytest.raises(BadResponse):
        TaskInfo.from_json("t6", "not an object")


def test_retry_after_formats():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12", now=now) == 12.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a cert")
@pytest.mark.parametrize("answer_started", [False, True])
def test_tls_broken_after_the_request_went_out_is_outcome_unknown(
    tmp_path, monkeypatch, answer_started
):
    """The server reads the whole POST (the job exists), then the TLS stream breaks."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # trusted, so the handshake succeeds
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received = threading.Event()
    client_done = threading.Event()

    def serve():
        raw, _ = listener.accept()
        with context.wrap_socket(raw, server_side=True) as conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            received.set()
            if answer_started:
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n{"code":')
            os.write(conn.fileno(), b"\x15\x03\x03\x00\x02\x02\x50" + b"garbage" * 10)
            client_done.wait(10)  # the connection stays open until the client has given up

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with AvatarClient(f"https://localhost:{listener.getsockname()[1]}", TOKEN) as c:
            with pytest.raises(OutcomeUnknown):
                c.submit(audio_request())
        assert received.is_set()
    finally:
        client_done.set()
        thread.join(3)
        listener.close()


def test_result_urls_must_be_web_addresses():
    info = TaskInfo.from_json(
        "t",
        {
            "status": "SUCCESS",
            "progress": float("nan"),
            "finish_time": 10**400,
            "data": {
                "work_video_path": "file:///etc/passwd",
                "no_wm_work_video_path": "search-ms:query=x",
                "wm_work_video_path": "https://cdn.example.com/v.mp4",
                "create_time": 10**400,
            },
        },
    )
    assert info.video_url is None and info.no_watermark_video_url is None
    assert info.watermarked_video_url == "https://cdn.example.com/v.mp4"
    assert info.progress is None and info.finished_at is None and info.created_at is None
    for absurd in ("9" * 400 + "%", 10**400, float("inf")):
        assert TaskInfo.from_json("t", {"progress": absurd}).progress is None


def test_a_pasted_token_loses_its_bearer_prefix_and_spaces():
    from avatar_desktop.core.service import clean_pasted_token

    assert clean_pasted_token("  Bearer sk-abc\n") == "sk-abc"
    assert clean_pasted_token("bearer   sk-abc") == "sk-abc"
    assert clean_pasted_token("sk-Bearer-abc") == "sk-Bearer-abc"
    assert clean_pasted_token("Bearer") == "Bearer"  # a token may be any word
