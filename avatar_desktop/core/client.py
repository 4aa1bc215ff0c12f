"""The HTTP client of the generation service (Qt-free): :class:`AvatarClient`.

It speaks the contract in API.md. Every call has connect and read timeouts and an overall
deadline (:class:`~avatar_desktop.core.service.Timeouts`), verifies TLS, reads at most
:data:`~avatar_desktop.core.service.MAX_RESPONSE_BYTES` of a body and never retries on its own:
a paid ``POST`` must never go out twice without the user saying so. Failures raise the
:class:`~avatar_desktop.core.service.ApiError` family.

The token travels only in the ``Authorization`` header, and never through a proxy to a service
on this computer (:class:`EdgeAdapter`). It is kept out of ``repr``, exception text and log
lines, and a ``~/.netrc`` entry for the host cannot replace it. Everything the server says is
run through a :class:`~avatar_desktop.core.redact.Redactor` before it leaves the client, so an
echoed token is never stored, logged or shown.

This is the one module of the core that loads ``requests`` at import; import it where a request
is about to be made.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
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
from avatar_desktop.core.request import GenerationRequest, InvalidTaskId, Language, valid_task_id
from avatar_desktop.core.service import (
    MAX_RESPONSE_BYTES,
    AuthError,
    BadResponse,
    MissingTaskId,
    NetworkError,
    NotSent,
    OutcomeUnknown,
    QuotaExhausted,
    RateLimited,
    RequestRejected,
    ServerError,
    TaskInfo,
    TaskNotFound,
    Timeouts,
    TokenError,
    TooSlow,
    Voice,
    _html_title,
    _is_quota,
    _not_billable,
    _str_or_none,
    is_loopback_host,
    normalize_base_url,
    parse_retry_after,
    parse_voice_list,
    token_problem,
)

log = logging.getLogger("avatar_desktop.network")

DEFAULT_TIMEOUTS = Timeouts()


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
        timeout: Timeouts = DEFAULT_TIMEOUTS,
        proxies: Mapping[str, str] | None = None,
        use_system_proxy: bool = True,
        secrets: Iterable[str] = (),
        ends_at: float | None = None,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self.timeout = timeout
        self.ends_at = ends_at
        """A ``time.monotonic()`` moment no call outlives (a run's end), or None."""
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
        try:
            return valid_task_id(task_id)
        except InvalidTaskId as exc:
            raise MissingTaskId(
                f"The service accepted the request but returned the task id {task_id[:200]!r}, "
                f"which cannot be used: it {exc.problem.message}. The job may exist and be "
                "billed; check your account before sending it again.",
                status=200,
                code="success",
            ) from None

    def get_task(self, task_id: str) -> TaskInfo:
        """The current state of a task; a ``task_id`` that is not one raises
        :class:`~avatar_desktop.core.request.InvalidTaskId` (a ``ValueError``)."""
        task_id = valid_task_id(task_id)
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
        total = self._seconds_left()
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
                    raise self._too_slow(billable, total) from None
                except requests.exceptions.RequestException as exc:
                    raise self._network_error(
                        exc, billable, after_status=True, deadline=deadline
                    ) from None
        log.debug("%s %s -> HTTP %s, %d bytes", method, url, response.status_code, len(raw))
        return self._interpret(response, raw, need_data)

    def _seconds_left(self) -> float:
        """The overall deadline of the next call: its own, or less when the run ends first."""
        total = self.timeout.overall
        if self.ends_at is not None:
            total = min(total, max(0.05, self.ends_at - time.monotonic()))
        return total

    def _too_slow(self, billable: bool, seconds: float) -> TooSlow:
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
            return self._too_slow(billable, deadline.seconds)
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
    "AvatarClient",
    "BearerAuth",
    "Deadline",
    "EdgeAdapter",
    "call_deadline",
    "edge_session",
]
