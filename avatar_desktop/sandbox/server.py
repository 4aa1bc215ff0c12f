"""A local stand-in of the digital-human video API (see API.md), for tests and offline demos.

Serves ``POST /avatar/generation``, ``GET /avatar/task/{task_id}`` and ``GET /avatar/voice`` with
the shapes API.md documents, plus ``/media/...`` for result videos and sample inputs. Stdlib only.

Task lifecycle, counted in steps of ``step_seconds`` since submission: ``NOT_START`` ("0%") for
one step, ``QUEUED`` for one step, ``IN_PROGRESS`` for three steps (progress "10%" up to "90%"),
then ``SUCCESS`` ("100%"). ``step_seconds=0`` finishes at once.

Failure triggers (any string anywhere in the submitted body, e.g. in ``text`` or a URL):

* ``sandbox-fail``  -- the task runs its lifecycle, then ends in ``FAILURE`` with ``fail_reason``
  "sandbox: failure requested by the request (sandbox-fail)".
* ``sandbox-stall`` -- the task stays ``UNKNOWN`` (progress "") forever, to test stalled tasks.

Like the real service, a ``create_voice`` job whose sample is shorter than 20 s fails: the sandbox
knows the length of its own samples (``/media/samples/voice-<N>s.wav``).

Transport-level failures (rate limits, HTML proxy pages, dropped connections...) are injected
from tests with :meth:`SandboxServer.inject` and :class:`Fault`.

Tasks live in memory, or with ``state_path`` also in a state file (see :mod:`.state`) that keeps
them across restarts: task ids, their lifecycle (timed from the original wall-clock submission)
and their result links stay valid. At most ``max_tasks`` (10,000) are kept, oldest dropped first.

Media (no auth, like a CDN; GET and HEAD, single byte ranges):

* ``/media/{task_id}/out.mp4``, ``out_nowm.mp4``, ``out_wm.mp4``, ``cover.webp`` -- results of a
  task that has succeeded;
* ``/media/samples/avatar.png`` -- a 512x640 portrait;
* ``/media/samples/voice-<N>s.wav`` -- an N-second (1..600) 16 kHz mono tone, made on the fly;
* ``/media/uploads/<sha256><.ext>`` -- a local file the app handed over (below).

Local files (no storage set up, the app on this sandbox): ``PUT /sandbox/upload/<sha256><.ext>``
with the file as the body (from this computer only; the name must be the body's SHA-256) keeps
it — beside the state file, else in a temporary folder — and answers ``{"url": "…"}``, its
``/media/uploads/…`` address. The real service has no such endpoint.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import io
import ipaddress
import json
import math
import mimetypes
import os
import re
import socket
import struct
import sys
import tempfile
import threading
import time
import uuid
import wave
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from avatar_desktop.core.paths import resource_path
from avatar_desktop.core.samples import AVATAR_SAMPLE, SAMPLES_PATH

from .checks import check_language_param, check_submission
from .state import StateFile, warn

__all__ = [
    "ENDPOINTS",
    "FAIL_TRIGGER",
    "MAX_BODY_BYTES",
    "MAX_TASKS",
    "STALL_TRIGGER",
    "VOICES",
    "Fault",
    "RecordedRequest",
    "SandboxServer",
]

FAIL_TRIGGER = "sandbox-fail"
STALL_TRIGGER = "sandbox-stall"
FAIL_REASON = "sandbox: failure requested by the request (sandbox-fail)"
MAX_BODY_BYTES = 1024 * 1024
_MAX_DRAIN_BYTES = 64 * 1024 * 1024  # larger bodies are not read at all: answer 413 and close
ENDPOINTS = ("submit", "task", "voices", "media")
MAX_TASKS = 10_000
"""Tasks kept by default (in memory and in the state file); the oldest are forgotten first."""

_TASK_ID_RE = re.compile(r"[0-9a-f]{32}")
UPLOAD_PATH = "/sandbox/upload/"
UPLOADS_OWNER = "uploads"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
_UPLOAD_NAME_RE = re.compile(r"([0-9a-f]{64})(\.[a-z0-9]{1,16})?")
_WAV_RE = re.compile(r"voice-([1-9][0-9]{0,2})s\.wav")
_MAX_WAV_SECONDS = 600
_RESULT_FILES = {
    # name -> (file under sample-media, content type); "out.mp4" depends on no_watermark
    "out_nowm.mp4": ("result.mp4", "video/mp4"),
    "out_wm.mp4": ("result_wm.mp4", "video/mp4"),
    "cover.webp": ("cover.webp", "image/webp"),
}

VOICES: tuple[dict[str, Any], ...] = (
    {
        "audio_id": "cffcff22110049a487aa4fa7a382e3dc",
        "audio_url": "server/ranker/main/d5f86550f71f4b968e1bd431364fffb9.wav",
        "labels": ["Female", "Young"],
        "language": "zh",
        "name": "温柔女声·晓雅",
        "vip_enable": False,
        "voice_engine_id": "7c1e5b0d2f8a4e6b9d3c1a0f5e7b2d48",
        "type": "default",
    },
    {
        "audio_id": "0a9d3e7f61b24c58a1e2f3d4c5b6a798",
        "audio_url": "server/ranker/main/4b2e9c7a1d3f4e5a8b6c0d9e2f1a3b5c.wav",
        "labels": ["Male", "Middle-aged", "Calm"],
        "language": "zh",
        "name": "沉稳男声·子轩",
        "vip_enable": False,
        "voice_engine_id": "2d8f6a4c0e1b4f7d9a3c5e8b1f0d6a2c",
        "type": "default",
    },
    {
        "audio_id": "5e1c8b3a9f2d4a6e8c0b7d1f3a5e9c2b",
        "audio_url": "server/ranker/main/9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b.wav",
        "labels": ["Female", "Child", "Lively"],
        "language": "zh",
        "name": "活泼童声·小米",
        "vip_enable": True,
        "voice_engine_id": "b3f1d9e7c5a34b2d8e6f0a1c9b7d5e3f",
        "type": "default",
    },
    {
        "audio_id": "8f3b2a1c0d9e4f7a6b5c4d3e2f1a0b9c",
        "audio_url": "server/ranker/main/1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d.wav",
        "labels": ["Female", "Warm"],
        "language": "en",
        "name": "Emma",
        "vip_enable": False,
        "voice_engine_id": "e4c2a0f8d6b94e1c3a5f7d9b0c2e4a6f",
        "type": "default",
    },
    {
        "audio_id": "3c5e7a9b1d2f4c6e8a0b2d4f6a8c0e1b",
        "audio_url": "server/ranker/main/6f5e4d3c2b1a4f0e9d8c7b6a5f4e3d2c.wav",
        "labels": ["Male", "Deep", "Narration"],
        "language": "en",
        "name": "James",
        "vip_enable": False,
        "voice_engine_id": "9a7c5e3b1d0f4a8c6e2b4d6f8a0c1e3d",
        "type": "default",
    },
    {
        "audio_id": "d1e3f5a7b9c04e2a8c6e0b2d4f6a8c9e",
        "audio_url": "server/ranker/main/c0d1e2f3a4b54c6d8e9f0a1b2c3d4e5f.wav",
        "labels": ["Male", "Young", "Energetic"],
        "language": "en",
        "name": "Leo",
        "vip_enable": True,
        "voice_engine_id": "f0e2d4c6b8a04f1e3d5c7b9a1f3e5d7c",
        "type": "default",
    },
)

_NGINX_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the sandbox received it (recorded before any fault or check applies)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str, default: str | None = None) -> str | None:
        """Case-insensitive header lookup."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return default

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


@dataclass(frozen=True)
class Fault:
    """How to misbehave on one endpoint (see :meth:`SandboxServer.inject`).

    The status answered is ``status`` when given, else 429 with ``retry_after``, else 502 with
    ``html``, else 200 with ``code`` or ``json_body``. The body is ``json_body`` when given, else
    an nginx-style HTML page with ``html``, else ``{"code": code, "message": message, "data":
    null}`` with ``code``, else the gateway's ``{"error": {...}}`` shape. A fault with only
    ``latency`` delays the normal answer; ``drop`` reads the request and closes the connection
    without any answer.
    """

    latency: float = 0.0
    status: int | None = None
    json_body: dict[str, Any] | None = None
    html: bool = False
    code: str | None = None
    message: str = ""
    retry_after: str | None = None
    drop: bool = False

    def __post_init__(self) -> None:
        if self.latency < 0 or math.isnan(self.latency):
            raise ValueError("Fault.latency must be >= 0")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError("Fault.status must be an HTTP status (100..599)")

    @property
    def answer_status(self) -> int | None:
        """The HTTP status this fault answers with, or None when it answers normally."""
        if self.drop:
            return None
        if self.status is not None:
            return self.status
        if self.retry_after is not None:
            return 429
        if self.html:
            return 502
        if self.code is not None or self.json_body is not None:
            return 200
        return None

    @classmethod
    def rate_limited(cls, retry_after: str | None = "3") -> Fault:
        """HTTP 429 with a Retry-After header (None = no header) and the gateway error shape."""
        return cls(
            status=429,
            retry_after=retry_after,
            json_body=_gateway_error(
                "当前分组上游负载已饱和，请稍后再试 (rate limited, try again later)",
                "rate_limit_exceeded",
            ),
        )

    @classmethod
    def quota_exhausted(cls) -> Fault:
        """HTTP 403 ``insufficient_user_quota``, as the gateway answers an empty balance."""
        return cls(
            status=403,
            json_body=_gateway_error(
                "用户额度不足, 剩余额度: ＄0.000000 (insufficient user quota)",
                "insufficient_user_quota",
            ),
        )

    @classmethod
    def html_page(cls, status: int = 502) -> Fault:
        """An HTML error page from a proxy in front of the service (502 Bad Gateway...)."""
        return cls(status=status, html=True)

    @classmethod
    def dropped(cls) -> Fault:
        """Read the request, then close the connection without answering."""
        return cls(drop=True)

    @classmethod
    def refused(cls, code: str, message: str = "") -> Fault:
        """HTTP 200 whose ``code`` is not ``"success"``: ``{"code", "message", "data": null}``."""
        return cls(code=code, message=message)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A bare server error in the gateway's error shape."""
        return cls(status=status)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer normally, after ``seconds``."""
        return cls(latency=seconds)


def _gateway_error(message: str, code: str, type_: str = "new_api_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code}}


MIN_SAMPLE_SECONDS = 20
_OWN_SAMPLE = re.compile(re.escape(SAMPLES_PATH) + r"/voice-(\d+)s\.wav$")


def _short_sample_seconds(payload: dict[str, Any]) -> int | None:
    """Seconds of a clone sample that is one of the sandbox's own WAVs and shorter than the
    documented 20 s minimum (the real service fails such jobs), else None."""
    voice = payload.get("create_voice")
    url = voice.get("audio_url") if isinstance(voice, dict) else None
    match = _OWN_SAMPLE.search(url) if isinstance(url, str) else None
    if match and int(match.group(1)) < MIN_SAMPLE_SECONDS:
        return int(match.group(1))
    return None


def _task_error(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "data": None}


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------


@dataclass
class _Task:
    task_id: str
    payload: dict[str, Any] | None  # None: restored from the state file, which keeps no bodies
    submitted_wall: float  # time.time() at submission: what is saved and shown
    submitted_mono: float  # time.monotonic() at submission: what the lifecycle is timed by
    step_seconds: float  # the lifecycle step the task was submitted with (kept across restarts)
    no_watermark: bool
    fail: bool
    stall: bool
    fail_reason: str = FAIL_REASON

    def view(self, now_mono: float, base_url: str) -> dict[str, Any]:
        """The task's ``data`` object as ``GET /avatar/task/{id}`` returns it right now."""
        step = self.step_seconds
        submit = int(self.submitted_wall)
        create_ms = int(self.submitted_wall * 1000)
        elapsed = max(0.0, now_mono - self.submitted_mono)
        steps = math.inf if step <= 0 else elapsed / step
        start_time = finish_time = 0
        fail_reason = ""
        inner: dict[str, Any] = {"create_time": create_ms}
        if self.stall:
            status, progress = "UNKNOWN", ""
        elif steps < 1:
            status, progress = "NOT_START", "0%"
        elif steps < 2:
            status, progress = "QUEUED", "0%"
        elif steps < 5:
            status = "IN_PROGRESS"
            progress = f"{min(90, max(10, 10 + int((steps - 2) / 3 * 80)))}%"
            start_time = int(self.submitted_wall + 2 * step)
        else:
            start_time = int(self.submitted_wall + 2 * max(step, 0))
            finish_time = int(self.submitted_wall + 5 * max(step, 0))
            progress = "100%"
            if self.fail:
                status, fail_reason = "FAILURE", self.fail_reason
            else:
                status = "SUCCESS"
                media = f"{base_url}/media/{self.task_id}"
                inner = {
                    "work_video_path": f"{media}/out.mp4",
                    "no_wm_work_video_path": f"{media}/out_nowm.mp4",
                    "wm_work_video_path": f"{media}/out_wm.mp4",
                    "work_webp_path": f"{media}/cover.webp",
                    "web_work_status": 50,
                    "create_time": create_ms,
                }
        return {
            "task_id": self.task_id,
            "action": "avatar-generate",
            "status": status,
            "fail_reason": fail_reason,
            "submit_time": submit,
            "start_time": start_time,
            "finish_time": finish_time,
            "progress": progress,
            "data": inner,
        }

    def to_record(self) -> dict[str, Any]:
        """What the state file keeps of the task: enough to answer for it and serve its media
        (not the submitted body, which may hold the user's text and private URLs)."""
        return {
            "task_id": self.task_id,
            "submitted_at": self.submitted_wall,
            "step_seconds": self.step_seconds,
            "no_watermark": self.no_watermark,
            "fail": self.fail,
            "stall": self.stall,
            "fail_reason": self.fail_reason,
        }

    @classmethod
    def from_record(cls, record: Any, now_wall: float, now_mono: float) -> _Task:
        """The task a state-file record describes; ValueError/TypeError when it is not valid.

        Its lifecycle goes on from the saved wall-clock submission time: the monotonic start is
        placed as far in the past as the wall clock says (never in the future).
        """
        if not isinstance(record, dict):
            raise TypeError("a task record must be an object")
        task_id = record["task_id"]
        if not isinstance(task_id, str) or not _TASK_ID_RE.fullmatch(task_id):
            raise ValueError(f"bad task_id {task_id!r}")
        submitted = _finite(record["submitted_at"], "submitted_at")
        step = _finite(record["step_seconds"], "step_seconds")
        if step < 0:
            raise ValueError("step_seconds must be >= 0")
        flags = {name: record[name] for name in ("no_watermark", "fail", "stall")}
        for name, value in flags.items():
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a boolean")
        fail_reason = record["fail_reason"]
        if not isinstance(fail_reason, str):
            raise TypeError("fail_reason must be a string")
        return cls(
            task_id=task_id,
            payload=None,
            submitted_wall=submitted,
            submitted_mono=now_mono - max(0.0, now_wall - submitted),
            step_seconds=step,
            no_watermark=flags["no_watermark"],
            fail=flags["fail"],
            stall=flags["stall"],
            fail_reason=fail_reason,
        )


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return float(value)


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings_in(key), *_strings_in(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    return []


# --------------------------------------------------------------------------------------------
# Media helpers
# --------------------------------------------------------------------------------------------


def _media_dir() -> Path:
    try:
        return resource_path("sample-media")
    except ModuleNotFoundError:  # a source checkout that is not installed: resources/ beside us
        return Path(__file__).resolve().parents[2] / "resources" / "sample-media"


@functools.lru_cache(maxsize=16)
def _read_media(name: str) -> bytes:
    return (_media_dir() / name).read_bytes()


@functools.lru_cache(maxsize=2)
def _voice_wav(seconds: int) -> bytes:
    """A quiet 400 Hz tone, 16 kHz mono 16-bit (400 Hz = exactly 40 samples a period)."""
    rate = 16000
    one_second = struct.pack(
        f"<{rate}h", *(round(3000 * math.sin(2 * math.pi * 400 * i / rate)) for i in range(rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(one_second * seconds)
    return buffer.getvalue()


def _parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """A single ``bytes=`` range -> (first, last); None = ignore it; "unsatisfiable" = 416."""
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or (not match[1] and not match[2]):
        return None  # malformed or several ranges: serve the whole file, as RFC 9110 allows
    if not match[1]:  # suffix: the last N bytes
        length = int(match[2])
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    first = int(match[1])
    last = int(match[2]) if match[2] else None
    if last is not None and last < first:
        return None  # invalid: ignore the header
    if first >= size:
        return "unsatisfiable"
    if last is None:
        last = size - 1
    return first, min(last, size - 1)


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Dropped(Exception):
    """Close the connection without answering."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # POSIX: SO_REUSEADDR only lets a restarted sandbox take its port back at once (past
    # TIME_WAIT). On Windows it would let a second server take a port another one listens on,
    # so both answer and "port taken, use another" never triggers: there the port is taken
    # exclusively instead (server_bind).
    allow_reuse_address = sys.platform != "win32"
    sandbox: SandboxServer

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer, ipv6: bool) -> None:
        self.address_family = socket.AF_INET6 if ipv6 else socket.AF_INET
        self.sandbox = sandbox
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        if sys.platform == "win32":
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        super().server_bind()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def poke(self) -> None:
        """Connect and hang up, to wake serve_forever's select()."""
        host, port = str(self.server_address[0]), int(self.server_address[1])
        if host in ("0.0.0.0", "::"):
            host = "::1" if self.address_family == socket.AF_INET6 else "127.0.0.1"
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            pass

    def connection_count(self) -> int:
        with self._connections_lock:
            return len(self._connections)

    def abort_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | _Dropped) or self.sandbox.stopping:
            return  # client went away, or we are shutting down: nothing worth reporting
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AvatarSandbox/1.0"
    timeout = 60  # idle keep-alive connections do not hold a thread forever
    server: _HTTPServer

    # --- entry points -----------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):  # headers and body are separate writes: no Nagle delay
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, _Dropped):
            self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.sandbox.verbose:
            super().log_message(format, *args)

    # --- dispatch ---------------------------------------------------------------------------

    def _dispatch(self) -> None:
        sandbox = self.server.sandbox
        if sandbox.stopping:
            raise _Dropped
        split = urlsplit(self.path)
        path = unquote(split.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if path.startswith(UPLOAD_PATH):  # a file: streamed to disk, not kept in the record
            sandbox._record(RecordedRequest(self.command, path, query, headers, b""))
            self._take_upload(path[len(UPLOAD_PATH) :])
            return
        body, too_large = self._read_body()
        sandbox._record(RecordedRequest(self.command, path, query, headers, body))

        endpoint = _endpoint_of(path)
        fault = sandbox._take_fault(endpoint) if endpoint else None
        if fault is not None:
            if fault.latency and sandbox._stopping.wait(fault.latency):
                raise _Dropped
            if fault.drop:
                raise _Dropped
            if fault.answer_status is not None:
                self._answer_fault(fault)
                return
        self._route(path, query, body, too_large)

    def _route(self, path: str, query: dict[str, str], body: bytes, too_large: bool) -> None:
        method = self.command
        if path.startswith("/media/"):
            if method not in ("GET", "HEAD"):
                self._method_not_allowed("GET, HEAD")
            else:
                self._media(path)
            return
        if path == "/avatar/generation":
            if method != "POST":
                self._method_not_allowed("POST")
            elif self._authorised():
                self._submit(body, too_large)
            return
        if path == "/avatar/voice":
            if method not in ("GET", "HEAD"):
                self._method_not_allowed("GET, HEAD")
            elif self._authorised():
                self._voices(query)
            return
        task_match = re.fullmatch(r"/avatar/task/([^/]*)", path)
        if task_match:
            if method not in ("GET", "HEAD"):
                self._method_not_allowed("GET, HEAD")
            elif self._authorised():
                self._task(task_match[1])
            return
        self._json(404, _task_error("not_found", f"no such endpoint: {method} {path}"))

    # --- endpoints --------------------------------------------------------------------------

    def _submit(self, body: bytes, too_large: bool) -> None:
        content_type = self.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            shown = content_type or "none"
            self._json(
                400,
                _task_error(
                    "invalid_request", f"Content-Type must be application/json, got {shown}"
                ),
            )
            return
        if too_large:
            self._json(
                413,
                _task_error(
                    "invalid_request",
                    f"request body too large: the limit is {MAX_BODY_BYTES} bytes",
                ),
            )
            return
        try:
            payload = json.loads(
                body.decode("utf-8"),
                object_pairs_hook=_no_duplicate_keys,
                parse_constant=_reject_constant,
            )
        except (UnicodeDecodeError, ValueError) as exc:
            self._json(400, _task_error("invalid_request", f"the body is not valid JSON: {exc}"))
            return
        problems = check_submission(payload)
        if problems:
            self._json(400, _task_error("invalid_request", "; ".join(problems)))
            return
        task_id = self.server.sandbox._create_task(payload)
        self._json(200, {"code": "success", "message": "", "data": task_id})

    def _take_upload(self, name: str) -> None:
        """Keep a local file the app hands over (see the module docstring)."""
        self.close_connection = True  # a refused body is not read
        if self.command != "PUT":
            self._method_not_allowed("PUT")
            return
        if not ipaddress.ip_address(self.client_address[0].split("%")[0]).is_loopback:
            self._json(403, _task_error("forbidden", "files are taken from this computer only"))
            return
        match = _UPLOAD_NAME_RE.fullmatch(name)
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if match is None or not 0 <= length <= MAX_UPLOAD_BYTES:
            self._json(
                400,
                _task_error(
                    "invalid_request",
                    "PUT a file of at most 200 MB (with its Content-Length) to "
                    f"{UPLOAD_PATH}<its sha256><.extension>",
                ),
            )
            return
        folder = self.server.sandbox._upload_folder()
        part = folder / f"{name}.{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        try:
            with open(part, "wb") as handle:
                left = length
                while left:
                    chunk = self.rfile.read(min(left, 1 << 20))
                    if not chunk:
                        raise _Dropped
                    digest.update(chunk)
                    handle.write(chunk)
                    left -= len(chunk)
            if digest.hexdigest() != match[1]:
                self._json(
                    400, _task_error("invalid_request", "the file's SHA-256 is not its name")
                )
                return
            os.replace(part, folder / name)
        finally:
            part.unlink(missing_ok=True)
        url = f"{self._base_url()}/media/{UPLOADS_OWNER}/{name}"
        self._json(200, {"code": "success", "message": "", "url": url})

    def _task(self, task_id: str) -> None:
        view = self.server.sandbox._task_view(task_id, self._base_url())
        if view is None:
            self._json(404, _task_error("task_not_exist", "task_not_exist"))
        else:
            self._json(200, {"code": "success", "message": "", "data": view})

    def _voices(self, query: dict[str, str]) -> None:
        language = query.get("language")
        problem = check_language_param(language)
        if problem:
            self._json(400, _task_error("invalid_request", problem))
            return
        voices = [copy.deepcopy(v) for v in VOICES if language is None or v["language"] == language]
        self._json(200, {"code": "success", "message": "", "data": {"audio_list": voices}})

    def _media(self, path: str) -> None:
        found = self._find_media(path)
        if found is None:
            self._text(404, "404 page not found\n")
            return
        data, content_type = found
        size = len(data)
        headers = {"Accept-Ranges": "bytes"}
        status, first, last = 200, 0, size - 1
        range_header = self.headers.get("Range")
        if range_header is not None:
            wanted = _parse_range(range_header, size)
            if wanted == "unsatisfiable":
                headers["Content-Range"] = f"bytes */{size}"
                self._send(416, b"", "text/plain; charset=utf-8", headers)
                return
            if isinstance(wanted, tuple):
                first, last = wanted
                status = 206
                headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        self._send(status, data[first : last + 1], content_type, headers)

    def _find_media(self, path: str) -> tuple[bytes, str] | None:
        parts = path.split("/")  # "", "media", owner, name
        if len(parts) != 4:
            return None
        owner, name = parts[2], parts[3]
        if f"/media/{owner}" == SAMPLES_PATH:
            if name == AVATAR_SAMPLE:
                return _read_media(AVATAR_SAMPLE), "image/png"
            wav = _WAV_RE.fullmatch(name)
            if wav and 1 <= int(wav[1]) <= _MAX_WAV_SECONDS:
                return _voice_wav(int(wav[1])), "audio/wav"
            return None
        if owner == UPLOADS_OWNER:
            if not _UPLOAD_NAME_RE.fullmatch(name):
                return None
            try:
                data = (self.server.sandbox._upload_folder() / name).read_bytes()
            except OSError:
                return None
            return data, mimetypes.guess_type(name)[0] or "application/octet-stream"
        if not _TASK_ID_RE.fullmatch(owner):
            return None
        task = self.server.sandbox._finished_task(owner)
        if task is None:
            return None
        if name == "out.mp4":
            file = "result.mp4" if task.no_watermark else "result_wm.mp4"
            return _read_media(file), "video/mp4"
        if name in _RESULT_FILES:
            file, content_type = _RESULT_FILES[name]
            return _read_media(file), content_type
        return None

    # --- helpers ----------------------------------------------------------------------------

    def _authorised(self) -> bool:
        expected = self.server.sandbox.token
        header = self.headers.get("Authorization")
        if not header:
            self._json(
                401,
                _gateway_error(
                    "未提供令牌 (no token: send Authorization: Bearer <token>)", "invalid_api_key"
                ),
            )
            return False
        match = re.fullmatch(r"Bearer (\S+)", header)
        if not match or (expected is not None and match[1] != expected):
            self._json(401, _gateway_error("无效的令牌 (invalid token)", "invalid_api_key"))
            return False
        return True

    def _read_body(self) -> tuple[bytes, bool]:
        """The request body (at most MAX_BODY_BYTES + 1 bytes kept) and whether it was too big."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b"", False
        try:
            length = int(raw_length)
        except ValueError:
            self.close_connection = True
            return b"", False
        if length <= MAX_BODY_BYTES:
            body = self.rfile.read(max(0, length))
            if len(body) < length:  # the client went away mid-request: nothing arrived
                raise _Dropped
            return body, False
        if length > _MAX_DRAIN_BYTES:
            self.close_connection = True
            return b"", True
        kept = self.rfile.read(MAX_BODY_BYTES + 1)
        remaining = length - len(kept)
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)
        return kept, True

    def _read_chunked(self) -> tuple[bytes, bool]:
        kept = bytearray()
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line:
                raise _Dropped
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _Dropped from None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                break
            total += size
            if total > _MAX_DRAIN_BYTES:
                self.close_connection = True
                return bytes(kept), True
            chunk = self.rfile.read(size)
            self.rfile.readline(8)  # CRLF after the chunk
            if len(kept) <= MAX_BODY_BYTES:
                kept += chunk[: MAX_BODY_BYTES + 1 - len(kept)]
        return bytes(kept), total > MAX_BODY_BYTES

    def _base_url(self) -> str:
        sandbox = self.server.sandbox
        host = self.headers.get("Host")
        if sandbox.wildcard_bind and host:
            return f"http://{host}"
        return sandbox.base_url

    def _answer_fault(self, fault: Fault) -> None:
        status = fault.answer_status
        assert status is not None
        headers = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
        if fault.json_body is not None:
            self._json(status, fault.json_body, headers)
        elif fault.html:
            phrase = _phrase(status)
            page = _NGINX_PAGE.format(code=status, phrase=phrase).encode()
            self._send(status, page, "text/html", headers)
        elif fault.code is not None:
            self._json(status, _task_error(fault.code, fault.message), headers)
        else:
            phrase = _phrase(status)
            code = re.sub(r"\W+", "_", phrase.lower()).strip("_") or f"http_{status}"
            message = fault.message or f"sandbox: injected HTTP {status} {phrase}".strip()
            self._json(status, _gateway_error(message, code, "sandbox_fault"), headers)

    def _method_not_allowed(self, allowed: str) -> None:
        self._json(
            405,
            _task_error("method_not_allowed", f"{self.command} is not allowed here: use {allowed}"),
            {"Allow": allowed},
        )

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self._send(status, data, "application/json; charset=utf-8", headers)

    def _text(self, status: int, text: str) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _send(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status, _phrase(status) or None)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _endpoint_of(path: str) -> str | None:
    if path == "/avatar/generation":
        return "submit"
    if path.startswith("/avatar/task/"):
        return "task"
    if path == "/avatar/voice":
        return "voices"
    if path.startswith("/media/"):
        return "media"
    return None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


@dataclass
class _FaultSlot:
    fault: Fault
    remaining: int | None


class SandboxServer:
    """The sandbox: start it, point the client at :attr:`base_url`, inspect what it received.

    ``port=0`` picks a free port. ``token=None`` accepts any non-empty bearer token; a string
    accepts exactly that one. ``step_seconds`` is the length of one lifecycle step (0 = tasks
    succeed at once). ``verbose=True`` logs each request to stderr. Usable as a context manager
    (start on enter, stop on exit).

    ``state_path`` keeps the tasks in that file across restarts (see :mod:`.state`): they are
    loaded by :meth:`start` and saved after every new task, so task ids and result links stay
    valid, and each task's lifecycle goes on from its original (wall-clock) submission time with
    the step it was submitted with. The running server holds a lock on the file; a second one on
    the same file reads the tasks it finds but keeps its new ones in memory only
    (:attr:`persisting` is False), as does a server whose file cannot be used at all; both say
    why on stderr. A damaged file is moved aside and the server starts empty. ``None`` (the
    default) keeps tasks in memory only. At most ``max_tasks`` tasks are kept; the oldest go
    first.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        step_seconds: float = 1.0,
        *,
        verbose: bool = False,
        state_path: str | os.PathLike[str] | None = None,
        max_tasks: int = MAX_TASKS,
    ) -> None:
        if step_seconds < 0 or math.isnan(step_seconds):
            raise ValueError("step_seconds must be >= 0")
        if token is not None and not token:
            raise ValueError("token must be a non-empty string or None")
        if max_tasks < 1:
            raise ValueError("max_tasks must be >= 1")
        self.host = host
        self.port = port
        self.token = token
        self.step_seconds = float(step_seconds)
        self.verbose = verbose
        self.state_path = None if state_path is None else Path(state_path)
        self.max_tasks = max_tasks
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()  # taken before _lock, never inside it
        self._state: StateFile | None = None  # set while this server owns the state file
        self._save_failing = False
        self._requests: list[RecordedRequest] = []
        self._faults: dict[str, list[_FaultSlot]] = {}
        self._tasks: dict[str, _Task] = {}
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._base_url: str | None = None
        self._uploads: Path | None = None

    def __repr__(self) -> str:
        where = self._base_url if self.running else "stopped"
        return f"<SandboxServer {where} step_seconds={self.step_seconds}>"

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Bind and serve on a daemon thread; returns self. Does nothing when already running."""
        if self._thread is not None:
            return self
        ipv6 = ":" in self.host
        self._stopping.clear()
        httpd = _HTTPServer((self.host, self.port), self, ipv6)
        try:
            self._open_state()
        except BaseException:
            httpd.server_close()
            raise
        bound_port = httpd.server_address[1]
        shown_host = f"[{self.host}]" if ipv6 else self.host
        self._base_url = f"http://{shown_host}:{bound_port}"
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name=f"avatar-sandbox:{bound_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections and join the thread. Idempotent."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._stopping.set()
        # shutdown() waits for serve_forever's next poll; poking the socket makes that immediate
        shutter = threading.Thread(target=httpd.shutdown, daemon=True)
        shutter.start()
        while shutter.is_alive():
            httpd.poke()
            shutter.join(0.01)
        httpd.server_close()
        httpd.abort_connections()
        thread.join()
        self._httpd = None
        self._thread = None
        with self._save_lock:  # a save still running in a handler thread finishes first
            if self._state is not None:
                self._state.close()
                self._state = None

    def _upload_folder(self) -> Path:
        """Where handed-over local files are kept: beside the state file, else a temporary
        folder of this server's."""
        with self._lock:
            if self._uploads is None:
                if self.state_path is not None:
                    self._uploads = self.state_path.with_name(self.state_path.name + ".uploads")
                else:
                    self._uploads = Path(tempfile.mkdtemp(prefix="avatar-sandbox-uploads-"))
                self._uploads.mkdir(parents=True, exist_ok=True)
            return self._uploads

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server (port resolved when 0 was asked for)."""
        if self._base_url is None:
            raise RuntimeError("the sandbox has not been started")
        return self._base_url

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @property
    def persisting(self) -> bool:
        """True while this server owns :attr:`state_path` and saves its tasks there."""
        return self._state is not None

    @property
    def open_connections(self) -> int:
        """Connections being served right now (0 once every handler has finished)."""
        httpd = self._httpd
        return 0 if httpd is None else httpd.connection_count()

    @property
    def wildcard_bind(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_unspecified
        except ValueError:
            return False

    # --- inspection and fault injection -------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def inject(self, endpoint: str, fault: Fault, times: int | None = None) -> None:
        """Misbehave on ``endpoint`` ("submit", "task", "voices", "media").

        ``times=None`` applies until :meth:`clear_faults`; ``times=N`` to the next N requests.
        Faults on one endpoint apply first-injected first; a request is recorded before its
        fault applies, and a faulted submit creates no task.
        """
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)}, got {endpoint!r}")
        if not isinstance(fault, Fault):
            raise TypeError("fault must be a Fault")
        if times is not None and times < 1:
            raise ValueError("times must be None or >= 1")
        with self._lock:
            self._faults.setdefault(endpoint, []).append(_FaultSlot(fault, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        """task_id -> snapshot: the task as served now, plus ``payload`` (the submitted body;
        None for a task restored from the state file, which does not keep bodies)."""
        now = time.monotonic()
        base = self._base_url or f"http://{self.host}:{self.port}"
        with self._lock:
            items = list(self._tasks.values())
        return {
            task.task_id: {**task.view(now, base), "payload": copy.deepcopy(task.payload)}
            for task in items
        }

    # --- used by the handler -------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            slots = self._faults.get(endpoint)
            if not slots:
                return None
            slot = slots[0]
            if slot.remaining is not None:
                slot.remaining -= 1
                if slot.remaining <= 0:
                    slots.pop(0)
            return slot.fault

    def _create_task(self, payload: dict[str, Any]) -> str:
        strings = _strings_in(payload)
        short_sample = _short_sample_seconds(payload)
        task = _Task(
            task_id=uuid.uuid4().hex,
            payload=copy.deepcopy(payload),
            submitted_wall=time.time(),
            submitted_mono=time.monotonic(),
            step_seconds=self.step_seconds,
            no_watermark=payload.get("no_watermark") is True,
            fail=any(FAIL_TRIGGER in s for s in strings) or short_sample is not None,
            stall=any(STALL_TRIGGER in s for s in strings),
        )
        if short_sample is not None:
            task.fail_reason = (
                f"voice sample is {short_sample} s long; at least {MIN_SAMPLE_SECONDS} s is "
                "needed to clone a voice"
            )
        with self._lock:
            self._tasks[task.task_id] = task
            self._forget_oldest()
        self._save()  # before the id is answered: a task the client knows of is on disk
        return task.task_id

    def _task_view(self, task_id: str, base_url: str) -> dict[str, Any] | None:
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None:
            return None
        return task.view(time.monotonic(), base_url)

    def _finished_task(self, task_id: str) -> _Task | None:
        """The task when it exists and has succeeded (its media are only served then)."""
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None:
            return None
        view = task.view(time.monotonic(), self.base_url)
        return task if view["status"] == "SUCCESS" else None

    # --- the state file -----------------------------------------------------------------------

    def _open_state(self) -> None:
        """Take the state file's lock and load its tasks (also when another server owns it)."""
        if self.state_path is None or self._state is not None:
            return
        state = StateFile(self.state_path)
        outcome = state.open()
        if outcome == "unusable":
            return
        now_wall, now_mono = time.time(), time.monotonic()
        try:
            loaded = state.load(lambda record: _Task.from_record(record, now_wall, now_mono))
        except BaseException:
            state.close()
            raise
        with self._lock:
            tasks = {task.task_id: task for task in loaded}
            tasks.update(self._tasks)  # tasks this object already had (started before) win
            self._tasks = tasks
            self._forget_oldest()
        if state.owned:  # False when busy, or when a damaged file could not be moved aside
            self._state = state
            self._save_failing = False

    def _forget_oldest(self) -> None:
        """Drop the oldest tasks beyond max_tasks (call with _lock held)."""
        while len(self._tasks) > self.max_tasks:
            del self._tasks[next(iter(self._tasks))]

    def _save(self) -> None:
        """Write every task to the state file, when this server owns one. Never raises OSError:
        a failed save is told once on stderr, and the next change tries again."""
        with self._save_lock:
            state = self._state
            if state is None:
                return
            with self._lock:  # the snapshot is taken under _save_lock: saves never go backwards
                records = [task.to_record() for task in self._tasks.values()]
            try:
                state.save(records)
            except OSError as exc:
                if not self._save_failing:
                    warn(f"avatar-sandbox: cannot save the state file {state.path}: {exc}")
                self._save_failing = True
            else:
                self._save_failing = False
