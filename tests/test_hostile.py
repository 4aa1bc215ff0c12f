"""A hostile service, a recording proxy and a trickling server, all real and on 127.0.0.1.

* The hostile service echoes the token (and the ``Authorization`` header it received) back in a
  redirect's ``Location``, in ``fail_reason``, in HTML ``<title>`` s and in JSON error messages,
  plainly, URL-encoded and JSON-escaped. Nothing the client hands on — exceptions, task data,
  voices, the SQLite file that following writes, the log — may contain it.
* The recording proxy answers every request with 502 and forwards nothing: a loopback service
  must never be reached through it, whatever the environment or the settings say.
* The trickling server sends one byte every 0.2 s for ever (in the headers or in the body): every
  call to the service still ends by its overall deadline.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.config import LinkNetwork, ProxyMode, ServiceConfig, proxy_options
from avatar_desktop.core.downloads import DownloadError, download, part_path
from avatar_desktop.core.follower import follow_round
from avatar_desktop.core.media import FindingKind, MediaRole, check_media
from avatar_desktop.core.redact import Redactor
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.service import (
    ApiError,
    BadResponse,
    NetworkError,
    OutcomeUnknown,
    RequestRejected,
    ServerError,
    Timeouts,
)
from avatar_desktop.core.store.tasks import TaskStore

TOKEN = "sk-hostile/0123+abcdef=XYZ"
"""A token with characters that change when URL-encoded (/ + =) and when JSON-escaped (/)."""


def lower_escapes(text: str) -> str:
    """``%2F`` → ``%2f``: some servers write percent-escapes in lower case."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), text)


FORMS = (
    TOKEN,
    quote(TOKEN, safe=""),
    lower_escapes(quote(TOKEN, safe="")),
    TOKEN.replace("/", "\\/"),
    "0123+abcdef=XYZ",  # the part after the slash, in case only the slash was touched
)
REQUEST = GenerationRequest(
    "https://example.com/avatar.png", AudioTrack("https://example.com/voice.mp3"), True
)


def leaks(text: object) -> list[str]:
    """The forms of the token found in ``text`` (its str, or its bytes)."""
    if isinstance(text, bytes):
        return [form for form in FORMS if form.encode() in text]
    return [form for form in FORMS if form in str(text)]


# --- the servers ----------------------------------------------------------------------------


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 running ``handler`` in a daemon thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)


def html(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>oops</body></html>".encode()


class Hostile(Quiet):
    """Echoes what it was sent (the ``Authorization`` header, the token) in every answer."""

    def echo(self) -> str:
        return self.headers.get("Authorization", "")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.answer(502, html(f"502 Bad Gateway for {self.echo()}"), "text/html")

    def do_GET(self) -> None:
        echo = self.echo()
        token = echo.removeprefix("Bearer ")
        if self.path.startswith("/avatar/voice"):
            voices = {
                "audio_list": [
                    {"audio_id": "a1", "voice_engine_id": "e1", "name": f"voice {token}",
                     "labels": [echo], "audio_url": f"x/{quote(token, safe='')}.wav"},
                ]
            }  # fmt: skip
            body = json.dumps({"code": "success", "message": "", "data": voices})
            self.answer(200, body.encode(), "application/json")
            return
        task = self.path.rsplit("/", 1)[-1]
        if task == "redirect":
            self.send_response(302)
            where = f"https://login.example.com/?auth={quote(echo, safe='')}&t={token}"
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif task == "failed":
            escaped = json.dumps(token).replace("/", "\\/")[1:-1]  # as some servers write it
            body = (
                '{"code": "success", "message": "", "data": {"task_id": "failed", '
                f'"status": "FAILURE", "fail_reason": "bad key {escaped} (was: {echo})", '
                '"progress": "100%", "data": {"work_video_path": '
                f'"https://cdn.example.com/v.mp4?key={lower_escapes(quote(token, safe=""))}"}}, '
                f'"debug": {{"headers": ["{echo}"]}}}}}}'
            )
            self.answer(200, body.encode(), "application/json")
        elif task == "html502":
            self.answer(502, html(f"Upstream refused {echo}"), "text/html")
        elif task == "html200":
            self.answer(200, html(f"Welcome {token}"), "text/html")
        elif task == "message":
            body = {"code": f"bad_{token}", "message": f"token {token} is not valid", "data": None}
            self.answer(400, json.dumps(body).encode(), "application/json")
        elif task == "gateway":
            body = {"error": {"message": f"invalid {echo}", "type": "x", "code": token}}
            self.answer(401, json.dumps(body).encode(), "application/json")
        else:
            self.answer(404, b"{}", "application/json")


@pytest.fixture
def hostile():
    server = Server(Hostile)
    yield server
    server.close()


# --- 1. secrets: the token never leaves the client ------------------------------------------

ERRORS = {
    "redirect": BadResponse,
    "html502": ServerError,
    "html200": BadResponse,
    "message": RequestRejected,
    "gateway": ApiError,
}


@pytest.mark.parametrize("task", sorted(ERRORS))
def test_errors_carry_no_token(hostile, task, caplog):
    caplog.set_level(logging.DEBUG)
    with AvatarClient(hostile.url, TOKEN, timeout=Timeouts(2, 2)) as client:
        with pytest.raises(ERRORS[task]) as info:
            client.get_task(task)
    error = info.value
    texts = [str(error), repr(error), error.user_message, error.server_message, error.code]
    texts += [str(arg) for arg in error.args]
    assert not [leaks(text) for text in texts if leaks(text)]
    assert "***" in str(error)  # the rest of the server's text is kept
    assert not leaks(caplog.text)


def test_kept_text_is_verbatim_around_the_token(hostile):
    with AvatarClient(hostile.url, TOKEN, timeout=Timeouts(2, 2)) as client:
        with pytest.raises(BadResponse) as info:
            client.get_task("redirect")
        assert "https://login.example.com/?auth=***&t=***" in info.value.user_message
        with pytest.raises(ServerError) as info:
            client.get_task("html502")
        assert info.value.server_message == "Upstream refused ***"
        with pytest.raises(RequestRejected) as info:
            client.get_task("message")
        assert info.value.server_message == "token *** is not valid"
        assert info.value.code == "bad_***"


def test_submit_error_page_title_carries_no_token(hostile):
    with AvatarClient(hostile.url, TOKEN, timeout=Timeouts(2, 2)) as client:
        with pytest.raises(ServerError) as info:
            client.submit(REQUEST)
    assert info.value.server_message == "502 Bad Gateway for ***"
    assert not leaks(str(info.value)) and not leaks(repr(info.value))


def test_task_info_and_voices_carry_no_token(hostile):
    with AvatarClient(hostile.url, TOKEN, timeout=Timeouts(2, 2)) as client:
        info = client.get_task("failed")
        voices = client.list_voices()
    assert info.fail_reason == "bad key *** (was: ***)"
    assert info.video_url == "https://cdn.example.com/v.mp4?key=***"
    assert not leaks(repr(info)) and not leaks(json.dumps(dict(info.extra)))
    assert not leaks([info.raw_status, info.task_id, info.fail_reason, info.video_url])
    assert voices and not leaks(repr(voices))
    assert voices[0].name == "voice ***" and voices[0].labels == ("***",)


def test_following_stores_and_logs_no_token(hostile, tmp_path, caplog):
    """The real follower and store: the data file (and its WAL) and the log stay clean."""
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "tasks.sqlite3"
    ids = ["redirect", "failed", "html200", "message", "html502"]
    with TaskStore(path) as store:
        for task_id in ids:
            store.add_task(task_id, hostile.url, REQUEST.to_payload())
        with AvatarClient(hostile.url, TOKEN, timeout=Timeouts(2, 2)) as client:
            for task_id in ids:  # one round each: a 5xx ends a round
                follow_round(client, store, [task_id], at_once=1)
        records = {task_id: store.find(task_id) for task_id in ids}
        stored = _data_files(path)
    assert stored and not leaks(stored)
    assert not leaks(_data_files(path))  # after the WAL was folded back into the file
    assert not leaks(caplog.text)
    # what was stored is the server's text, redacted, not nothing
    assert "***" in (records["redirect"].error or "")
    assert records["failed"].fail_reason == "bad key *** (was: ***)"
    assert records["failed"].status.value == "FAILURE"
    assert records["message"].error and records["html200"].error and records["html502"].error


def _data_files(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_redactor_forms():
    redactor = Redactor([TOKEN, f"Bearer {TOKEN}"])
    assert redactor.text(f"a {TOKEN} b") == "a *** b"
    assert redactor.text(f"Authorization: Bearer {TOKEN}.") == "Authorization: ***."
    assert redactor.text(quote(TOKEN, safe="")) == "***"
    assert redactor.text(lower_escapes(quote(TOKEN, safe=""))) == "***"
    assert redactor.text(TOKEN.replace("/", "\\/")) == "***"
    assert redactor.text("sk-hostile&#x2F;0123&#43;abcdef&#61;XYZ") == "***"
    assert redactor.text("sk-hostile") == "sk-hostile"  # a part is not the secret
    assert redactor.value({"k": [TOKEN, 1, None], TOKEN: (TOKEN,)}) == {
        "k": ["***", 1, None],
        "***": ("***",),
    }
    assert TOKEN not in repr(redactor)
    assert Redactor().text("untouched") == "untouched"
    assert Redactor(["t"]).text("data") == "data"  # too short to be searched for
    deep = json.loads('{"a":' * 800 + json.dumps([TOKEN]) + "}" * 800)  # near JSON's own limit
    assert not leaks(json.dumps(redactor.value(deep)))


# --- 2. a loopback service is never reached through a proxy ---------------------------------


class Recording(Quiet):
    """A proxy that records what reaches it and forwards nothing."""

    seen: list[tuple[str, str, str]]

    def record(self) -> None:
        self.seen.append((self.command, self.path, self.headers.get("Authorization", "")))
        length = int(self.headers.get("Content-Length", "0") or 0)
        if length:
            self.rfile.read(length)
        self.answer(502, b"proxy says no", "text/plain")

    def do_GET(self) -> None:
        self.record()

    def do_POST(self) -> None:
        self.record()

    def do_HEAD(self) -> None:
        self.record()

    def do_CONNECT(self) -> None:
        self.record()


@pytest.fixture
def proxy(monkeypatch):
    handler = type("RecordingHandler", (Recording,), {"seen": []})
    server = Server(handler)
    server.seen = handler.seen  # type: ignore[attr-defined]
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, server.url)
    monkeypatch.setenv("all_proxy", server.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    yield server
    server.close()


def _use(client: AvatarClient) -> None:
    with client:
        assert client.list_voices()
        task_id = client.submit(REQUEST)
        assert client.get_task(task_id).task_id == task_id


def test_system_proxy_is_not_used_for_a_loopback_service(sandbox, proxy):
    _use(AvatarClient(sandbox.base_url, TOKEN))
    localhost = sandbox.base_url.replace("127.0.0.1", "localhost")
    _use(AvatarClient(localhost, TOKEN))
    assert proxy.seen == []
    assert [r.header("Authorization") for r in sandbox.requests] == [f"Bearer {TOKEN}"] * 6


def test_custom_proxy_is_not_used_for_a_loopback_service(sandbox, proxy):
    config = ServiceConfig(
        base_url=sandbox.base_url, proxy_mode=ProxyMode.CUSTOM, proxy_url=proxy.url
    )
    assert config.proxy_options() == {"proxies": {}, "use_system_proxy": False}
    _use(config.make_client(TOKEN))
    # even when a caller passes the proxy by hand
    _use(AvatarClient(sandbox.base_url, TOKEN, proxies={"http": proxy.url, "https": proxy.url}))
    assert proxy.seen == []


def test_downloads_of_loopback_links_skip_the_proxy(sandbox, proxy, tmp_path):
    url = f"{sandbox.base_url}/media/samples/avatar.png"
    saved = download(url, tmp_path / "a.png", attempts=1)  # the environment's proxies
    assert saved.stat().st_size > 0
    custom = {"http": proxy.url, "https": proxy.url}
    download(url, tmp_path / "b.png", attempts=1, network=LinkNetwork(custom, False))
    assert (tmp_path / "b.png").read_bytes() == saved.read_bytes()
    assert proxy.seen == []


def test_media_checks_of_loopback_links_skip_the_proxy(sandbox, proxy):
    report = check_media(f"{sandbox.base_url}/media/samples/avatar.png", MediaRole.AVATAR)
    assert report.reachable and report.status == 200 and report.kind == "image"
    assert proxy.seen == []


def test_remote_services_still_follow_the_proxy_setting():
    remote = ServiceConfig(
        base_url="https://api.example.com",
        proxy_mode=ProxyMode.CUSTOM,
        proxy_url="http://proxy.example:3128",
    )
    assert remote.proxy_options()["proxies"] == {
        "http": "http://proxy.example:3128",
        "https": "http://proxy.example:3128",
    }
    assert proxy_options(ProxyMode.SYSTEM, "")["use_system_proxy"] is True


# --- 3. every call has an overall deadline ---------------------------------------------------

DEADLINE = 1.5


def trickle_timeouts() -> Timeouts:
    """A second for connecting and for each read, and 1.5 s for the whole call."""
    return Timeouts(connect=1.0, read=1.0, total=DEADLINE)


class Trickle(Quiet):
    """One byte every 0.2 s, for ever: in the body (paths ending in /body) or in the headers."""

    stop: threading.Event

    def trickle(self) -> None:
        length = int(self.headers.get("Content-Length", "0") or 0)
        if length:
            self.rfile.read(length)
        try:
            if "headers" in self.path:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            else:
                self.wfile.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000000\r\n\r\n"
                )
            self.wfile.flush()
            while not self.stop.wait(0.2):
                self.wfile.write(b" " if "headers" not in self.path else b"a")
                self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def do_GET(self) -> None:
        self.trickle()

    def do_POST(self) -> None:
        self.trickle()

    def do_HEAD(self) -> None:
        self.trickle()


@pytest.fixture
def trickle():
    handler = type("TrickleHandler", (Trickle,), {"stop": threading.Event()})
    server = Server(handler)
    yield server
    handler.stop.set()
    server.close()


def timed(call: Callable[[], Any], limit: float = 10.0) -> tuple[float, Any]:
    """(seconds, result or exception) of ``call``; fails when it is still running after
    ``limit`` seconds (before the fix it never ended on its own)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            outcome.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    elapsed = time.monotonic() - started
    assert not thread.is_alive(), f"still waiting after {elapsed:.1f} s"
    return elapsed, outcome[0]


@pytest.mark.parametrize("where", ["body", "headers"])
def test_status_query_ends_by_its_deadline(trickle, where):
    with AvatarClient(trickle.url + "/" + where, TOKEN, timeout=trickle_timeouts()) as client:
        elapsed, result = timed(lambda: client.get_task("t1"))
    assert isinstance(result, NetworkError), result
    assert "1.5 s" in str(result)
    assert elapsed < DEADLINE * 1.5
    # A question costs nothing: the window must not speak of a job that may be billed.
    assert isinstance(result, OutcomeUnknown) and not result.billable
    from avatar_desktop.ui.i18n import error_text

    assert "too long" in error_text(result) and "billed" not in error_text(result)


@pytest.mark.parametrize("where", ["body", "headers"])
def test_voice_list_ends_by_its_deadline(trickle, where):
    with AvatarClient(trickle.url + "/" + where, TOKEN, timeout=trickle_timeouts()) as client:
        elapsed, result = timed(client.list_voices)
    assert isinstance(result, NetworkError), result
    assert elapsed < DEADLINE * 1.5


@pytest.mark.parametrize("where", ["body", "headers"])
def test_submission_past_its_deadline_is_outcome_unknown(trickle, where):
    with AvatarClient(trickle.url + "/" + where, TOKEN, timeout=trickle_timeouts()) as client:
        elapsed, result = timed(lambda: client.submit(REQUEST))
    assert isinstance(result, OutcomeUnknown), result
    assert result.request_was_sent is None and "billed" in str(result)
    assert elapsed < DEADLINE * 1.5
    assert result.billable
    from avatar_desktop.ui.i18n import error_text

    assert "billed" in error_text(result)


@pytest.mark.parametrize("where", ["body", "headers"])
def test_media_check_ends_by_its_deadline(trickle, where):
    url = f"{trickle.url}/{where}/avatar.png"
    elapsed, report = timed(
        lambda: check_media(
            url,
            MediaRole.AVATAR,
            network=LinkNetwork(connect_seconds=1, read_seconds=1),
            total_seconds=DEADLINE,
        )
    )
    assert not report.reachable, report
    (unreachable,) = [f for f in report.findings if f.kind is FindingKind.UNREACHABLE]
    assert "1.5 s" in unreachable.message
    assert elapsed < DEADLINE * 1.5


class Steady(Quiet):
    """``pieces`` pieces of 512 bytes, one every ``pause`` seconds; then, when ``stall`` is
    set, nothing more (the connection stays open)."""

    pieces = 40
    pause = 0.05
    stall = False
    stop: threading.Event

    def do_GET(self) -> None:
        size = 512 * self.pieces
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(size + (1 if self.stall else 0)))
        self.end_headers()
        try:
            for _ in range(self.pieces):
                self.wfile.write(b"v" * 512)
                self.wfile.flush()
                if self.stop.wait(self.pause):
                    return
            if self.stall:
                self.stop.wait(10)
        except OSError:
            pass


def test_a_slow_but_steady_download_is_limited_by_stalls_only(tmp_path):
    """40 pieces over 2 s under a 0.5 s stall limit: the download is never cut for its
    total time."""
    handler = type("SteadyHandler", (Steady,), {"stop": threading.Event()})
    server = Server(handler)
    try:
        elapsed, saved = timed(
            lambda: download(
                server.url + "/v.mp4",
                tmp_path / "v.mp4",
                network=LinkNetwork(read_seconds=0.5),
                attempts=1,
            )
        )
    finally:
        handler.stop.set()
        server.close()
    assert isinstance(saved, Path), saved
    assert saved.read_bytes() == b"v" * 512 * 40
    assert elapsed > 3 * 0.5  # far longer than the stall limit


def test_a_stalled_download_ends_at_its_stall_limit(tmp_path):
    handler = type(
        "StallHandler", (Steady,), {"stop": threading.Event(), "pieces": 2, "stall": True}
    )
    server = Server(handler)
    try:
        elapsed, error = timed(
            lambda: download(
                server.url + "/v.mp4",
                tmp_path / "v.mp4",
                network=LinkNetwork(read_seconds=0.5),
                attempts=1,
            )
        )
    finally:
        handler.stop.set()
        server.close()
    assert isinstance(error, DownloadError), error
    assert elapsed < 0.1 + 0.5 * 2
    assert part_path(tmp_path / "v.mp4").stat().st_size == 1024  # kept for a resume


def test_the_overall_deadline_defaults_to_connect_plus_read():
    assert Timeouts(connect=3, read=7).overall == 10
    assert Timeouts(connect=3, read=7, total=4).overall == 4
    config = ServiceConfig(base_url="https://api.example.com", total_timeout=12)
    assert config.timeouts.overall == 12


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a cert")
@pytest.mark.parametrize("where", ["body", "headers"])
def test_deadline_holds_over_tls(tmp_path, monkeypatch, where):
    """The watchdog shuts a TLS socket down under the thread reading it."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    handler = type("TrickleHandler", (Trickle,), {"stop": threading.Event()})
    server = Server(handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    url = server.url.replace("http://127.0.0.1", "https://localhost") + "/" + where
    try:
        with AvatarClient(url, TOKEN, timeout=trickle_timeouts()) as client:
            elapsed, result = timed(lambda: client.submit(REQUEST))
        assert isinstance(result, OutcomeUnknown), result
        assert elapsed < DEADLINE * 1.5
    finally:
        handler.stop.set()
        server.close()


def test_a_local_gateway_does_not_make_remote_result_links_skip_the_proxy():
    from avatar_desktop.core.config import ProxyMode, ServiceConfig

    config = ServiceConfig(
        "http://127.0.0.1:8123", proxy_mode=ProxyMode.CUSTOM, proxy_url="http://proxy.test:3128"
    )
    assert config.proxy_options() == {"proxies": {}, "use_system_proxy": False}
    links = config.link_network()  # videos and covers on the service's media host
    assert links.proxies == {"http": "http://proxy.test:3128", "https": "http://proxy.test:3128"}
    assert links.use_system_proxy is False


def test_media_checks_of_remote_links_follow_the_custom_proxy(proxy, monkeypatch, qtbot):
    """The window's media check goes the way the settings say (a custom proxy), like result
    links: the recording proxy sees the request for a remote file."""
    from avatar_desktop.qt.workers import MediaCheckWorker

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    config = ServiceConfig(
        "https://api.example.com", proxy_mode=ProxyMode.CUSTOM, proxy_url=proxy.url
    )
    worker = MediaCheckWorker()
    worker.network = config.link_network()
    reports = []
    worker.checked.connect(lambda _url, report: reports.append(report))
    with qtbot.waitSignal(worker.finished, timeout=30000):  # checked on the runner's lane
        worker.check([("http://media.example.invalid/a.png", MediaRole.AVATAR)])
    assert [(method, path) for method, path, _auth in proxy.seen][:1] == [
        ("HEAD", "http://media.example.invalid/a.png")
    ]
    assert reports and reports[0].status == 502  # the proxy's own "no"


def test_covers_of_loopback_links_skip_the_proxy_and_remote_ones_follow_it(sandbox, proxy, qtbot):
    from avatar_desktop.qt.covers import CoverLoader

    with AvatarClient(sandbox.base_url, TOKEN) as client:
        cover = client.get_task(client.submit(REQUEST)).cover_url
    assert cover and cover.startswith(sandbox.base_url)
    loader = CoverLoader(None)
    try:
        with qtbot.waitSignal(loader.loaded, timeout=10000):  # the environment's proxy is set
            loader.request(cover)
        assert proxy.seen == []
        loader.set_network(LinkNetwork({"http": proxy.url, "https": proxy.url}, False))
        with qtbot.waitSignal(loader.failed, timeout=10000):
            loader.request("http://covers.example.invalid/c.webp")
        assert [path for _method, path, _auth in proxy.seen] == [
            "http://covers.example.invalid/c.webp"
        ]
    finally:
        loader.shutdown()


# --- the run's --timeout cuts what is still on its way ------------------------------------------


def test_tasks_refresh_timeout_cuts_a_question_in_flight(trickle):
    """``tasks refresh --wait --timeout`` against a trickling server used to run for the read
    timeout's minute and more, then exit 4: the run's end now bounds every question."""
    from test_cli import cli

    service = trickle.url + "/body"
    assert cli("--service", service, "tasks", "add", "a" * 32).code == 0
    started = time.monotonic()
    result = cli("--service", service, "tasks", "refresh", "--wait", "--timeout", "3")
    elapsed = time.monotonic() - started
    assert result.code == 7, result.err
    assert "--timeout ran out" in result.err
    assert elapsed < 3 + 20  # the process's own start included; before: 60 s and more


def test_queue_send_timeout_cuts_an_answer_in_flight_and_says_so(trickle, tmp_path):
    from test_cli import cli, row, write_csv

    from avatar_desktop.core.paths import data_dir
    from avatar_desktop.core.store.database import Database
    from avatar_desktop.core.store.outbox import ItemState, Outbox

    service = trickle.url + "/body"
    jobs = write_csv(tmp_path / "jobs.csv", [row(1)])
    assert cli("--service", service, "queue", "import", str(jobs)).code == 0
    started = time.monotonic()
    result = cli("--service", service, "queue", "send", "--timeout", "3")
    elapsed = time.monotonic() - started
    assert result.code == 7, result.err
    assert "--timeout ran out" in result.err and "outcome_unknown" in result.err
    assert elapsed < 3 + 20
    with Database(data_dir() / "tasks.sqlite3") as database:
        (item,) = Outbox(database).items()
    assert item.state is ItemState.OUTCOME_UNKNOWN  # it went out: never sent again on its own
