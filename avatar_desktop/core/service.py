"""HTTP client of the generation service, its error types and response parsing (Qt-free).

:class:`AvatarClient` speaks the contract in API.md. Every call has connect and read timeouts and
an overall deadline (:class:`Timeouts`), verifies TLS, reads at most :data:`MAX_RESPONSE_BYTES`
of a body and never retries on its own: a paid ``POST`` must never go out twice without the user
saying so. Failures raise a subclass of :class:`ApiError`; network failures are split into
:class:`NotSent` (safe to retry) and :class:`OutcomeUnknown` (the request went out, the answer
did not come back; :class:`TooSlow` when the deadline passed first).

The token travels only in the ``Authorization`` header, and never through a proxy to a service
on this computer (:class:`EdgeAdapter`). It is kept out of ``repr``, exception text and log
lines, and a ``~/.netrc`` entry for the host cannot replace it. Everything the server says is
run through a :class:`~avatar_desktop.core.redact.Redactor` before it leaves the client, so an
echoed token is never stored, logged or shown.
"""

from __future__ import annotations

import contextlib
import enum
import ipaddress
import json
import logging
import math
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.response import HTTPResponse
from urllib3.util.retry import Retry

from avatar_desktop import __version__
from avatar_desktop.core.redact import Redactor
from avatar_desktop.core.request import GenerationRequest, Language

log = logging.getLogger("avatar_desktop.network")

DEFAULT_BASE_URL = "https://api.gpt.ge"
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
MAX_RETRY_AFTER_SECONDS = 300.0
"""A ``Retry-After`` longer than this is capped: the user can always retry by hand sooner."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for the connection, for each read of the answer, and for the whole call.

    A read timeout limits each read, not the whole answer: a server sending one byte at a time
    never trips it. ``total`` (default: ``connect + read``) is the overall deadline of one call,
    from the first connection attempt to the last byte of the answer.
    """

    connect: float = 10.0
    read: float = 60.0
    total: float | None = None

    @property
    def overall(self) -> float:
        """Seconds one call may take in all."""
        return self.total if self.total is not None else self.connect + self.read


# --- errors -------------------------------------------------------------------------------


class ApiError(Exception):
    """Base of every failure of a call to the service.

    ``user_message`` is a short plain-English explanation; ``server_message`` is what the server
    itself said (verbatim, often Chinese), when it said anything. ``status`` is the HTTP status
    and ``code`` the server's error code, when there were any.
    """

    default_message = "The request to the service failed."

    def __init__(
        self,
        user_message: str | None = None,
        *,
        server_message: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.user_message = user_message or self.default_message
        self.server_message = server_message or None
        self.status = status
        self.code = code
        super().__init__(self.user_message)

    def __str__(self) -> str:
        parts = [self.user_message]
        if self.status is not None:
            parts.append(f"(HTTP {self.status})")
        if self.server_message:
            parts.append(f"Server said: {self.server_message}")
        return " ".join(parts)

    @property
    def request_was_sent(self) -> bool | None:
        """True when the service received the request, False when it surely did not, None when
        nobody can know."""
        return True


class AuthError(ApiError):
    """The token is missing, wrong or expired (HTTP 401/403)."""

    default_message = "The service did not accept the API token. Check or replace it."


class QuotaExhausted(ApiError):
    """The account's balance or quota is used up."""

    default_message = "The account's balance is used up. Top it up, then try again."


class RequestRejected(ApiError):
    """The service refused the request (4xx, or a ``code`` other than ``success``). Not billed."""

    default_message = "The service refused the request; it was not billed."


class TaskNotFound(RequestRejected):
    """The service knows no task with this id."""

    default_message = "The service does not know this task."


class RateLimited(ApiError):
    """Too many requests (HTTP 429). ``retry_after`` is the delay in seconds, when given."""

    default_message = "The service is busy with too many requests from this account."

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """The service or a proxy in front of it failed (HTTP 5xx). ``retry_after`` is the delay a
    503 asked for, when given."""

    default_message = "The service had an internal problem. Try again later."

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class BadResponse(ApiError):
    """The answer is not the documented JSON (an HTML page, an empty body, missing fields)."""

    default_message = "The service answered with something that is not the expected data."


class MissingTaskId(BadResponse):
    """The service said "success" to a submission but gave no task id: the job may exist."""

    default_message = (
        "The service accepted the request but returned no task id. The job may exist and be "
        "billed; check your account before sending it again."
    )


class NetworkError(ApiError):
    """The exchange with the service failed at the network level."""


class NotSent(NetworkError):
    """The request never reached the service (DNS, refused connection, connect timeout, TLS)."""

    default_message = "Could not reach the service; nothing was sent. Check the connection."

    @property
    def request_was_sent(self) -> bool | None:
        return False


class OutcomeUnknown(NetworkError):
    """The request went out but its answer never arrived (read timeout, dropped connection).

    For a submission the job may exist and be billed: never send it again on your own.
    """

    default_message = (
        "The request was sent but no answer came back. The job may have been created and billed."
    )

    billable: bool = True
    """Whether the request was a paid one (a submission): only then may a job exist."""

    @property
    def request_was_sent(self) -> bool | None:
        return None


_Unknown = TypeVar("_Unknown", bound=OutcomeUnknown)


def _not_billable(error: _Unknown) -> _Unknown:
    """``error`` marked as about a request that costs nothing (a question, not a job)."""
    error.billable = False
    return error


class TooSlow(OutcomeUnknown):
    """The answer did not arrive in full within the call's overall deadline
    (:attr:`Timeouts.overall`): the server is too slow, or sends its answer a trickle at a time.

    For a submission the job may exist and be billed, as with any :class:`OutcomeUnknown`.
    """

    default_message = (
        "The service did not answer in time. The request was sent, so the job may have been "
        "created and billed."
    )


class BaseUrlError(ValueError):
    """The service address cannot be used (not http/https, no host, or clear-text http to a
    host that is not this computer)."""


class TokenError(ValueError):
    """The token cannot be carried in an HTTP header (empty, spaces, line breaks...)."""


# --- helpers ------------------------------------------------------------------------------

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(base_url: str) -> str:
    """The base URL without trailing slash; raises :class:`BaseUrlError` when unusable."""
    url = base_url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise BaseUrlError(f"Not a valid address: {base_url!r}") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise BaseUrlError(
            f"The service address must start with https:// and name a host: {base_url!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise BaseUrlError("The service address must not contain a query, fragment or password.")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise BaseUrlError(
            "Plain http:// would send the token in clear text; use https:// "
            "(http:// is allowed only for this computer)."
        )
    return url


_BEARER_PREFIX = re.compile(r"^\s*bearer\s+", re.IGNORECASE)


def clean_pasted_token(text: str) -> str:
    """A token as a user pastes it, made usable: the ends trimmed, and a copied header's
    ``Bearer `` prefix dropped (``Bearer sk-…`` → ``sk-…``)."""
    return _BEARER_PREFIX.sub("", text.strip(), count=1).strip()


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be used in an ``Authorization`` header, or None when it can.

    The message never contains the token itself.
    """
    if not token:
        return "The token is empty."
    if any(ch.isspace() for ch in token):
        return "The token contains spaces or line breaks."
    if any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in token):
        return "The token contains characters an HTTP header cannot carry."
    if len(token) > 4096:
        return "The token is implausibly long."
    return None


class BearerAuth(requests.auth.AuthBase):
    """Sets ``Authorization: Bearer <token>``; its repr never shows the token.

    :attr:`redactor` knows the token and the header's value (``Bearer <token>``)."""

    def __init__(self, token: str) -> None:
        problem = token_problem(token)
        if problem:
            raise TokenError(problem)
        self._token = token
        self.redactor = Redactor([token, f"Bearer {token}"])

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(token=***)"

    def redact(self, text: str) -> str:
        """``text`` with any copy of the token replaced (servers sometimes echo it back)."""
        return self.redactor.text(text)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    seconds: float
    if re.fullmatch(r"\d+(\.\d+)?", value):
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def _html_title(text: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    title = re.sub(r"\s+", " ", match.group(1)).strip()
    return title[:200] or None


_QUOTA_MARKERS = ("quota", "insufficient", "balance", "余额", "额度")


def _is_quota(code: str | None, message: str | None) -> bool:
    text = f"{code or ''} {message or ''}".lower()
    return any(marker in text for marker in _QUOTA_MARKERS)


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


# --- parsed answers -----------------------------------------------------------------------


class TaskStatus(enum.StrEnum):
    """A task's state; anything the service sends that is not known maps to ``UNKNOWN``."""

    NOT_START = "NOT_START"
    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    FAILURE = "FAILURE"
    SUCCESS = "SUCCESS"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: object) -> TaskStatus:
        if isinstance(value, str):
            try:
                return cls(value.strip().upper())
            except ValueError:
                pass
        return cls.UNKNOWN

    @property
    def is_final(self) -> bool:
        return self in (TaskStatus.SUCCESS, TaskStatus.FAILURE)


def _parse_progress(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*", value)
            if not match:
                return None
            number = float(match.group(1))
        else:
            return None
    except OverflowError:
        return None
    if not math.isfinite(number):
        return None
    return max(0, min(100, round(number)))


def _parse_time(value: object, *, milliseconds: bool = False) -> datetime | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
            value = float(value)
        if not isinstance(value, int | float) or not value > 0:
            return None
        seconds = value / 1000 if milliseconds else value
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text_or_none(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _url_or_none(value: object) -> str | None:
    """An http(s) URL, else None: a result link is opened on the user's machine, so a
    ``file:`` or program-launching scheme from a hostile mirror must never get through."""
    if isinstance(value, str) and re.match(r"^https?://[^\s]+$", value.strip(), re.IGNORECASE):
        return value.strip()
    return None


@dataclass(frozen=True)
class TaskInfo:
    """What the service says about one task. Missing or malformed fields become ``None``."""

    task_id: str
    status: TaskStatus
    raw_status: str | None = None
    fail_reason: str | None = None
    progress: int | None = None
    submitted_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    created_at: datetime | None = None
    video_url: str | None = None
    no_watermark_video_url: str | None = None
    watermarked_video_url: str | None = None
    cover_url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_final(self) -> bool:
        return self.status.is_final

    @classmethod
    def from_json(cls, task_id: str, data: object) -> TaskInfo:
        """Parse the ``data`` member of the task answer; raises :class:`BadResponse` only when
        it is not an object at all."""
        if not isinstance(data, Mapping):
            raise BadResponse("The service's answer about the task has no task data.")
        if not isinstance(data.get("status"), str | None):
            # A number or a list where the status belongs: nothing in this answer can be
            # trusted, and storing "unknown" would lose the task's last good state.
            raise BadResponse("The service's answer about the task has a status that is not text.")
        inner = data.get("data")
        if not isinstance(inner, Mapping):
            inner = {}
        raw_status = _str_or_none(data.get("status"))
        returned_id = _str_or_none(data.get("task_id"))
        return cls(
            task_id=returned_id or task_id,
            status=TaskStatus.parse(data.get("status")),
            raw_status=raw_status,
            fail_reason=_str_or_none(data.get("fail_reason")) or None,
            progress=_parse_progress(data.get("progress")),
            submitted_at=_parse_time(data.get("submit_time")),
            started_at=_parse_time(data.get("start_time")),
            finished_at=_parse_time(data.get("finish_time")),
            created_at=_parse_time(inner.get("create_time"), milliseconds=True),
            video_url=_url_or_none(inner.get("work_video_path")),
            no_watermark_video_url=_url_or_none(inner.get("no_wm_work_video_path")),
            watermarked_video_url=_url_or_none(inner.get("wm_work_video_path")),
            cover_url=_url_or_none(inner.get("work_webp_path")),
            extra=dict(data),
        )


@dataclass(frozen=True)
class Voice:
    """One of the service's ready-made voices (``GET /avatar/voice``)."""

    audio_id: str
    voice_engine_id: str
    name: str
    language: str | None = None
    labels: tuple[str, ...] = ()
    audio_path: str | None = None
    vip_enable: bool = False
    type: str | None = None

    def preview_url(self, media_host: str | None) -> str | None:
        """Absolute preview URL: as given when absolute, else resolved against ``media_host``."""
        if not self.audio_path:
            return None
        if re.match(r"^https?://", self.audio_path, re.IGNORECASE):
            return self.audio_path
        if not media_host:
            return None
        return f"{media_host.rstrip('/')}/{self.audio_path.lstrip('/')}"

    def to_json(self) -> dict[str, Any]:
        """The API's own shape (used for the offline cache)."""
        return {
            "audio_id": self.audio_id,
            "voice_engine_id": self.voice_engine_id,
            "name": self.name,
            "language": self.language,
            "labels": list(self.labels),
            "audio_url": self.audio_path,
            "vip_enable": self.vip_enable,
            "type": self.type,
        }

    @classmethod
    def from_json(cls, item: object) -> Voice | None:
        """A voice from one ``audio_list`` entry, or None when it lacks the ids to use it."""
        if not isinstance(item, Mapping):
            return None
        audio_id = _str_or_none(item.get("audio_id"))
        engine = _str_or_none(item.get("voice_engine_id"))
        if not audio_id or not engine:
            return None
        labels = item.get("labels")
        return cls(
            audio_id=audio_id,
            voice_engine_id=engine,
            name=_str_or_none(item.get("name")) or audio_id,
            language=_str_or_none(item.get("language")),
            labels=tuple(x for x in labels if isinstance(x, str))
            if isinstance(labels, list)
            else (),
            audio_path=_text_or_none(item.get("audio_url")),
            vip_enable=item.get("vip_enable") is True,
            type=_str_or_none(item.get("type")),
        )


def parse_voice_list(data: object) -> list[Voice]:
    """Voices from the ``data`` member of the voice-list answer."""
    items = data.get("audio_list") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise BadResponse("The service's voice list has no audio_list.")
    return [voice for voice in map(Voice.from_json, items) if voice is not None]


# --- the client's edge: overall deadlines, and loopback never through a proxy -----------------

_active = threading.local()


def _shut_down(sock: object) -> None:
    """Shut ``sock`` down for reading and writing, so that a read blocked on it ends now.

    The plain socket's ``shutdown`` is called even on a TLS socket (whose own would drop its
    TLS state under the reading thread); a TLS-in-TLS transport is unwrapped to its socket."""
    raw = sock
    for _ in range(3):
        if isinstance(raw, socket.socket):
            break
        raw = getattr(raw, "socket", None)
    if isinstance(raw, socket.socket):
        with contextlib.suppress(OSError):
            socket.socket.shutdown(raw, socket.SHUT_RDWR)


class Deadline:
    """The overall deadline of one call (see :func:`call_deadline`).

    While it is the thread's active deadline, every connection of an :class:`EdgeAdapter`
    registers its socket when it starts waiting for the answer; when the deadline passes, a
    watchdog timer shuts those sockets down, so a read blocked in the headers or in the body
    ends at once instead of at the next read timeout, which a trickling server never trips.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[object] = []
        self._fired = False
        self._cut = False
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    @property
    def passed(self) -> bool:
        """Whether the deadline has passed."""
        return self._fired or time.monotonic() >= self.at

    @property
    def cut(self) -> bool:
        """Whether the watchdog shut a socket of this call down (what was read since may be
        cut short)."""
        return self._cut

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def watch(self, sock: object) -> None:
        """Shut ``sock`` down when the deadline passes (at once when it has)."""
        with self._lock:
            if not self._fired:
                self._sockets.append(sock)
                return
            self._cut = True
        _shut_down(sock)

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            sockets, self._sockets = self._sockets, []
            self._cut = self._cut or bool(sockets)
        for sock in sockets:
            _shut_down(sock)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        """The call is over: the watchdog stands down and forgets the sockets."""
        self._timer.cancel()
        with self._lock:
            self._sockets = []


@contextlib.contextmanager
def call_deadline(seconds: float) -> Iterator[Deadline]:
    """Make a :class:`Deadline` of ``seconds`` the active one of this thread for the block."""
    deadline = Deadline(seconds)
    outer = getattr(_active, "deadline", None)
    _active.deadline = deadline
    deadline.start()
    try:
        yield deadline
    finally:
        deadline.stop()
        _active.deadline = outer


def _watch(sock: object) -> None:
    deadline = getattr(_active, "deadline", None)
    if isinstance(deadline, Deadline) and sock is not None:
        deadline.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3 does
        _watch(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3 does
        _watch(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _WatchedHTTPPool,
    "https": _WatchedHTTPSPool,
}


class EdgeAdapter(HTTPAdapter):
    """The transport of every session that talks to the service or its media.

    * A request to this computer (a loopback host) never goes through a proxy, whether it comes
      from the environment (``HTTP_PROXY``…), the system or the settings: the plain-http
      exception for this computer must not carry the token to a proxy in clear text. Redirects
      are decided hop by hop.
    * Its connections take part in the thread's :func:`call_deadline` (not through a SOCKS
      proxy: there only the checks between reads apply).
    """

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        if proxies and is_loopback_host(urlsplit(request.url or "").hostname or ""):
            proxies = {}
            request.headers.pop("Proxy-Authorization", None)
        return super().send(
            request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )


def edge_session(
    proxies: Mapping[str, str] | None = None, *, use_system_proxy: bool = True, retries: int = 0
) -> requests.Session:
    """A ``requests.Session`` on :class:`EdgeAdapter` (loopback direct, deadlines), with the
    given proxy setting and ``retries`` retries of a failed connection (never of a request)."""
    session = requests.Session()
    session.trust_env = use_system_proxy
    if proxies:
        session.proxies.update(proxies)
    adapter = EdgeAdapter(max_retries=Retry(total=retries, read=False, redirect=False))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class _DeadlinePassed(Exception):
    """Raised between reads of an answer once the call's deadline has passed."""


# --- the client ---------------------------------------------------------------------------


class AvatarClient:
    """Blocking client of the service; one ``requests.Session`` per client.

    ``proxies`` are passed to ``requests`` (``None`` uses the system settings; ``{}`` with
    ``use_system_proxy=False`` means a direct connection); a service on this computer is
    always reached directly. :attr:`redactor` removes the token, and any ``secrets`` given (or
    added to it later), from everything the server says before it leaves the client.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: Timeouts = Timeouts(),
        proxies: Mapping[str, str] | None = None,
        use_system_proxy: bool = True,
        secrets: Iterable[str] = (),
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self.timeout = timeout
        self._auth = BearerAuth(token)
        self.redactor = self._auth.redactor
        for secret in secrets:
            self.redactor.add(secret)
        direct = is_loopback_host(urlsplit(self.base_url).hostname or "")
        # Never retry on our own: a paid POST must not go out twice.
        self._session = edge_session(None if direct else proxies, use_system_proxy=use_system_proxy)
        # Explicit auth means requests never looks the host up in ~/.netrc.
        self._session.auth = self._auth
        self._session.verify = True
        self._session.headers.update(
            {
                "Accept": "application/json",
                "User-Agent": f"AvatarDesktop/{__version__}",
            }
        )

    def __repr__(self) -> str:
        return f"AvatarClient(base_url={self.base_url!r}, token=***)"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> AvatarClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the three endpoints --

    def submit(self, request: GenerationRequest) -> str:
        """Submit a generation job; returns the task id. Each accepted call is billed."""
        answer = self._call(
            "POST", "/avatar/generation", body=request.to_payload(), billable=True, need_data=False
        )
        task_id = answer.get("data")
        if not isinstance(task_id, str) or not task_id.strip():
            raise MissingTaskId(status=200, code="success")
        return task_id.strip()

    def get_task(self, task_id: str) -> TaskInfo:
        """The current state of a task."""
        task_id = task_id.strip()
        if not task_id:
            raise ValueError("empty task id")
        answer = self._call("GET", f"/avatar/task/{quote(task_id, safe='')}")
        _refuse_invalid_text(answer)
        return TaskInfo.from_json(task_id, answer.get("data"))

    def list_voices(self, language: Language | str | None = None) -> list[Voice]:
        """The service's ready-made voices, optionally of one language."""
        params = {"language": Language(language).value} if language else None
        answer = self._call("GET", "/avatar/voice", params=params)
        _refuse_invalid_text(answer)
        return parse_voice_list(answer.get("data"))

    # -- plumbing --

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        billable: bool = False,
        need_data: bool = True,
    ) -> dict[str, Any]:
        url = self.base_url + path
        log.debug("%s %s", method, url)
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        total = self.timeout.overall
        with call_deadline(total) as deadline:
            try:
                response = self._session.request(
                    method,
                    url,
                    data=data,
                    params=params,
                    headers=headers,
                    timeout=(min(self.timeout.connect, total), min(self.timeout.read, total)),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.exceptions.RequestException as exc:
                raise self._network_error(exc, billable, deadline=deadline) from None
            with response:
                try:
                    raw = _read_capped(response, deadline=deadline)
                except _DeadlinePassed:
                    raise self._too_slow(billable) from None
                except requests.exceptions.RequestException as exc:
                    raise self._network_error(
                        exc, billable, after_status=True, deadline=deadline
                    ) from None
        log.debug("%s %s -> HTTP %s, %d bytes", method, url, response.status_code, len(raw))
        return self._interpret(response, raw, need_data)

    def _too_slow(self, billable: bool) -> TooSlow:
        seconds = self.timeout.overall
        log.warning("no full answer within %g s", seconds)
        if billable:
            return TooSlow(
                f"The service did not answer within {seconds:g} s. The request was sent, so the "
                "job may have been created and billed."
            )
        return _not_billable(
            TooSlow(f"The service did not answer within {seconds:g} s; try again later.")
        )

    def _network_error(
        self,
        exc: requests.exceptions.RequestException,
        billable: bool,
        after_status: bool = False,
        deadline: Deadline | None = None,
    ) -> NetworkError:
        if deadline is not None and deadline.passed and not _never_connected(exc):
            # The watchdog ended the wait (or the last read timed out right at the deadline).
            return self._too_slow(billable)
        return self._classify_network_error(exc, billable, after_status)

    def _classify_network_error(
        self, exc: requests.exceptions.RequestException, billable: bool, after_status: bool
    ) -> NetworkError:
        detail = type(exc).__name__
        if after_status:
            # The request was answered, then the answer broke: the job may well exist.
            log.warning("outcome unknown after %s while reading the answer", detail)
            return (
                OutcomeUnknown()
                if billable
                else _not_billable(
                    OutcomeUnknown("The connection broke before the service's answer arrived.")
                )
            )
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return NotSent("Timed out connecting to the service; nothing was sent.")
        if isinstance(exc, requests.exceptions.SSLError) and (
            not billable or _is_certificate_error(exc)
        ):
            # A refused certificate ends the handshake before anything is sent. Any other TLS
            # failure may come after the request was written, so a paid call is "unknown".
            return NotSent(
                "The secure (TLS) connection to the service could not be set up; nothing was "
                "sent. The address may be wrong or a network device is intercepting traffic."
            )
        if isinstance(exc, requests.exceptions.ProxyError):
            return NotSent("Could not connect through the proxy; nothing was sent.")
        if isinstance(
            exc,
            requests.exceptions.InvalidURL
            | requests.exceptions.InvalidHeader
            | requests.exceptions.MissingSchema
            | requests.exceptions.InvalidSchema,
        ):
            return NotSent(f"The request could not be built ({detail}); nothing was sent.")
        if isinstance(exc, requests.exceptions.ConnectionError) and not after_status:
            reason = exc.args[0] if exc.args else None
            reason = getattr(reason, "reason", reason)
            if isinstance(reason, NewConnectionError):
                return NotSent(
                    "Could not connect to the service (no network, wrong address, or the "
                    "server is down); nothing was sent."
                )
        log.warning("outcome unknown after %s", detail)
        if billable:
            return OutcomeUnknown()
        return _not_billable(
            OutcomeUnknown("The connection broke before the service's answer arrived.")
        )

    def _interpret(
        self, response: requests.Response, raw: bytes, need_data: bool
    ) -> dict[str, Any]:
        """The answer's JSON object, or the error it stands for. Every text of the server's
        (the JSON, a page's title, a redirect's target) is redacted here, before it is used."""
        redact = self.redactor
        status = response.status_code
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed: object = json.loads(text) if text.strip() else None
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            parsed = None
        parsed = redact.value(parsed)
        obj: Mapping[str, Any] = parsed if isinstance(parsed, Mapping) else {}

        error = obj.get("error")
        if isinstance(error, Mapping):
            server_message = _str_or_none(error.get("message"))
            code = _str_or_none(error.get("code")) or _str_or_none(error.get("type"))
        else:
            server_message = _str_or_none(obj.get("message"))
            code = _str_or_none(obj.get("code"))
        if server_message:
            # Lone surrogates (valid in JSON, not in UTF-8) become "?": the text is stored.
            server_message = server_message.encode("utf-8", "replace").decode("utf-8")
            server_message = redact.text(server_message.strip())[:2000] or None
        if parsed is None and text.strip():
            server_message = redact.optional(_html_title(redact.text(text)))
        details: dict[str, Any] = {"server_message": server_message, "status": status, "code": code}

        if 300 <= status < 400:
            where = redact.text(response.headers.get("Location", ""))
            raise BadResponse(
                f"The service answered with a redirect{' to ' + where if where else ''}; "
                "check the service address in the settings.",
                **details,
            )
        if status == 429:
            raise RateLimited(
                retry_after=parse_retry_after(response.headers.get("Retry-After")), **details
            )
        if status in (401, 403) or (status == 402):
            if _is_quota(code, server_message) or status == 402:
                raise QuotaExhausted(**details)
            raise AuthError(**details)
        if status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if parsed is None:
                raise ServerError(
                    "The service, or a proxy in front of it, failed and answered with a web "
                    "page. Try again later.",
                    retry_after=retry_after,
                    **details,
                )
            raise ServerError(retry_after=retry_after, **details)
        if 400 <= status < 500:
            if code == "task_not_exist":
                raise TaskNotFound(**details)
            if _is_quota(code, server_message):
                raise QuotaExhausted(**details)
            raise RequestRejected(**details)
        if status != 200:
            raise BadResponse(f"Unexpected answer from the service (HTTP {status}).", **details)
        if parsed is None:
            raise BadResponse(
                "The service answered with an empty body."
                if not text.strip()
                else "The service answered with a page that is not data; is the address right?",
                **details,
            )
        if not isinstance(parsed, Mapping):
            raise BadResponse(**details)
        if code != "success":
            if code == "task_not_exist":
                raise TaskNotFound(**details)
            if _is_quota(code, server_message):
                raise QuotaExhausted(**details)
            if code is None:
                raise BadResponse("The service's answer has no result code.", **details)
            raise RequestRejected(**details)
        if need_data and obj.get("data") is None:
            raise BadResponse("The service's answer has no data.", **details)
        return dict(obj)


def _refuse_invalid_text(answer: object) -> None:
    """Raise :class:`BadResponse` when a string of ``answer`` is not valid Unicode (a lone
    surrogate such as ``"\\ud800"`` that JSON allows but nothing can store or show)."""
    pending = [answer]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise BadResponse(
                    "The service's answer contains invalid text (a broken Unicode character); "
                    "it was not stored."
                ) from None
        elif isinstance(value, Mapping):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _is_certificate_error(exc: BaseException) -> bool:
    """Whether a certificate verification failure is anywhere in the exception's chain."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        pending.extend(current.args)
        pending.extend((getattr(current, "reason", None), current.__cause__, current.__context__))
    return False


def _never_connected(exc: requests.exceptions.RequestException) -> bool:
    """Whether ``exc`` says the connection was never made (so nothing was sent)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    return isinstance(getattr(reason, "reason", reason), NewConnectionError)


def _read_capped(
    response: requests.Response,
    limit: int = MAX_RESPONSE_BYTES,
    *,
    deadline: Deadline | None = None,
) -> bytes:
    """The body, at most ``limit`` bytes, read as it arrives (``read1``: whatever has come, not
    a fixed amount), with the ``deadline`` checked between reads. Raises
    :class:`_DeadlinePassed`, :class:`BadResponse` (too large) or a ``requests`` error."""
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = raw.read1(64 * 1024, decode_content=True)
        except urllib3.exceptions.HTTPError as exc:
            raise requests.exceptions.ConnectionError(type(exc).__name__) from exc
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise BadResponse(
                f"The service's answer is larger than {limit // (1024 * 1024)} MiB; refused.",
                status=response.status_code,
            )
        chunks.append(chunk)
        if deadline is not None and deadline.passed and raw.length_remaining != 0:
            raise _DeadlinePassed
    framed = (
        "Content-Length" in response.headers
        or "chunked" in response.headers.get("Transfer-Encoding", "").lower()
    )
    if deadline is not None and deadline.cut and not framed:
        raise _DeadlinePassed  # read "to the end" only because the watchdog closed it
    return b"".join(chunks)


__all__ = [
    "DEFAULT_BASE_URL",
    "ApiError",
    "AuthError",
    "AvatarClient",
    "BadResponse",
    "BaseUrlError",
    "Deadline",
    "EdgeAdapter",
    "MissingTaskId",
    "NetworkError",
    "NotSent",
    "OutcomeUnknown",
    "QuotaExhausted",
    "RateLimited",
    "RequestRejected",
    "ServerError",
    "TaskInfo",
    "TaskNotFound",
    "TaskStatus",
    "Timeouts",
    "TokenError",
    "TooSlow",
    "Voice",
    "call_deadline",
    "curl_command",
    "edge_session",
    "is_loopback_host",
    "normalize_base_url",
    "parse_retry_after",
    "token_problem",
]


TOKEN_PLACEHOLDER = "${AVATAR_API_TOKEN}"


def curl_command(base_url: str, payload: Mapping[str, Any], token: str | None = None) -> str:
    """A POSIX-shell ``curl`` command that submits ``payload``.

    Without ``token`` the header refers to the ``AVATAR_API_TOKEN`` environment variable, so the
    command can be shared or pasted into a ticket without leaking the secret.
    """
    import shlex

    body = json.dumps(payload, ensure_ascii=False, indent=2)
    url = normalize_base_url(base_url) + "/avatar/generation"
    if token is None:
        auth = f'"Authorization: Bearer {TOKEN_PLACEHOLDER}"'
    else:
        auth = shlex.quote(f"Authorization: Bearer {token}")
    return (
        f"curl -sS -X POST {shlex.quote(url)} \\\n"
        f"  -H {auth} \\\n"
        f"  -H 'Content-Type: application/json' \\\n"
        f"  --data-raw {shlex.quote(body)}"
    )
