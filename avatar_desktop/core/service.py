"""The generation service's contract without the wire (Qt-free, and free of ``requests``):
its error types, addresses and tokens, time limits, and the parsed answers (:class:`TaskInfo`,
:class:`Voice`).

The HTTP client that speaks it is :class:`avatar_desktop.core.client.AvatarClient`; it lives
apart so that what only needs these types (the window's start, the store, the outbox) does not
load ``requests`` before it sends anything. Failures raise a subclass of :class:`ApiError`;
network failures are split into :class:`NotSent` (safe to retry) and :class:`OutcomeUnknown`
(the request went out, the answer did not come back; :class:`TooSlow` when the deadline passed
first).
"""

from __future__ import annotations

import enum
import ipaddress
import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from avatar_desktop.core.request import ValidationError

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


class ErrorKind(enum.StrEnum):
    """What kind of failure an error (or an outbox item's reason) is: each program says it in
    its own words — the window translates it by this kind, ``avatar-cli`` prints the English
    text. The values are stored with outbox items and tasks: never rename one."""

    TOKEN_REFUSED = "token_refused"
    QUOTA = "quota"
    TASK_NOT_FOUND = "task_not_found"
    REJECTED = "rejected"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    MISSING_TASK_ID = "missing_task_id"
    BAD_RESPONSE = "bad_response"
    NOT_SENT = "not_sent"
    TOO_SLOW = "too_slow"
    """A question (not a paid request) got no answer in time."""
    CONNECTION_BROKE = "connection_broke"
    """A question (not a paid request) lost its answer."""
    OUTCOME_UNKNOWN = "outcome_unknown"
    """A paid request was sent but its answer never arrived: the job may exist."""
    BAD_ADDRESS = "bad_address"
    BAD_TOKEN = "bad_token"
    INVALID_REQUEST = "invalid_request"
    INTERRUPTED = "interrupted"
    """The program sending an outbox item stopped before the service answered."""
    DISK_FULL = "disk_full"
    """The disk was full when the service answered an outbox item: its answer was lost."""
    NOT_WRITTEN = "not_written"
    """The data file could not be written when the service answered an outbox item."""
    LINK_EXPIRED = "link_expired"
    """A task's result link was found expired: its video could not be saved."""
    NOT_STORED = "not_stored"
    """The service's answer about a task could not be written to the data file."""
    STORAGE_UNREACHABLE = "storage_unreachable"
    """The storage an item's local files go to could not be reached (nothing was sent)."""
    STORAGE_REFUSED = "storage_refused"
    """The storage refused its key pair or the access, or cannot be used (nothing was sent)."""
    FILE_CHANGED = "file_changed"
    """A local file changed or disappeared since its job was queued (nothing was sent)."""
    OTHER = "other"


def stored_error_kind(value: str | None) -> ErrorKind | None:
    """The :class:`ErrorKind` kept in the data file as ``value`` (None: none kept; a value a
    newer version wrote: :attr:`ErrorKind.OTHER`)."""
    try:
        return None if value is None else ErrorKind(value)
    except ValueError:
        return ErrorKind.OTHER


def error_kind(error: BaseException) -> ErrorKind:
    """The kind of ``error`` (:attr:`ErrorKind.OTHER` for one that is not the service's)."""
    kinds: tuple[tuple[type[BaseException], ErrorKind], ...] = (
        (AuthError, ErrorKind.TOKEN_REFUSED),
        (QuotaExhausted, ErrorKind.QUOTA),
        (TaskNotFound, ErrorKind.TASK_NOT_FOUND),
        (RequestRejected, ErrorKind.REJECTED),
        (RateLimited, ErrorKind.RATE_LIMITED),
        (ServerError, ErrorKind.SERVER_ERROR),
        (MissingTaskId, ErrorKind.MISSING_TASK_ID),
        (BadResponse, ErrorKind.BAD_RESPONSE),
        (NotSent, ErrorKind.NOT_SENT),
        (BaseUrlError, ErrorKind.BAD_ADDRESS),
        (TokenError, ErrorKind.BAD_TOKEN),
        (ValidationError, ErrorKind.INVALID_REQUEST),
    )
    for kind_of, kind in kinds:
        if isinstance(error, kind_of):
            return kind
    if isinstance(error, OutcomeUnknown):
        if error.billable:
            return ErrorKind.OUTCOME_UNKNOWN
        return ErrorKind.TOO_SLOW if isinstance(error, TooSlow) else ErrorKind.CONNECTION_BROKE
    return ErrorKind.OTHER


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
        parts.port  # noqa: B018 - raises for a port that is not a number from 0 to 65535
    except ValueError as exc:
        raise BaseUrlError(f"Not a valid address: {base_url!r} ({exc})") from exc
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise BaseUrlError(f"Not a valid address (spaces or control characters): {base_url!r}")
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


__all__ = [
    "DEFAULT_BASE_URL",
    "ApiError",
    "AuthError",
    "BadResponse",
    "BaseUrlError",
    "ErrorKind",
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
    "curl_command",
    "error_kind",
    "is_loopback_host",
    "normalize_base_url",
    "parse_retry_after",
    "stored_error_kind",
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
