"""What the store derives from its data, without a connection: the canonical text of a request
and the hash that finds identical ones, statuses and their order, the voice mode of a request,
the avatar's short name and the text search looks through (Qt-free).

These are today's rules. A migration never calls them: a migration keeps its own frozen copy
(see :mod:`avatar_desktop.core.store.migrations`).
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from avatar_desktop.core.request import VoiceMode
from avatar_desktop.core.service import TaskStatus

_LABEL_CHARS = 60


class LocalStatus(enum.StrEnum):
    """States the app gives a row when the service has not (or no longer) said one."""

    SENDING = "SENDING"
    """Written before the request goes out; the answer has not arrived yet."""
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
    """The request went out but no answer came back: the job may exist and be billed."""
    NOT_FOUND = "NOT_FOUND"
    """The service does not know the task id (``task_not_exist``); it is not asked again."""


Status = TaskStatus | LocalStatus


def parse_status(value: object) -> Status:
    """The status stored as ``value``; anything unknown becomes ``TaskStatus.UNKNOWN``."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return LocalStatus(value)
    return TaskStatus.parse(value)


def payload_mode(payload: Mapping[str, Any]) -> VoiceMode | None:
    """The voice mode of a request body, or None when it has not exactly one voice."""
    modes = [mode for mode in VoiceMode if mode.value in payload]
    return modes[0] if len(modes) == 1 else None


STATUS_RANK: dict[str, int] = {
    "SENDING": 0,
    "NOT_START": 1,
    "SUBMITTED": 1,
    "QUEUED": 2,
    "IN_PROGRESS": 3,
    "UNKNOWN": 4,
    "SUCCESS": 5,
    "FAILURE": 6,
    "NOT_FOUND": 7,
    "OUTCOME_UNKNOWN": 8,
}
"""How far along a status is, for sorting the list by status: waiting first, then running,
then the final ones."""
STATUS_RANK_SQL = (
    "(CASE status "
    + " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in STATUS_RANK.items())
    + " ELSE 4 END)"
)
"""The rank as SQL; the index ``tasks_status_rank`` is on exactly this expression."""

UNFINISHED: frozenset[str] = frozenset(s.value for s in TaskStatus if not s.is_final)
"""Statuses the follower keeps asking about."""


def avatar_label(url: object) -> str:
    """A short name for an avatar URL: its file name (``person.png``), else its host."""
    if not isinstance(url, str) or not url.strip():
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()[:_LABEL_CHARS]
    name = unquote(parts.path.rstrip("/").rpartition("/")[2]) or parts.hostname or url.strip()
    return name[:_LABEL_CHARS]


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)


def derived_columns(task_id: str | None, payload: Mapping[str, Any] | str) -> tuple[str, str]:
    """The ``label`` and ``search_text`` columns of a row: the avatar's short name, and the
    task id with every text of the request (URLs and words), for search."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = {}
    if not isinstance(payload, Mapping):
        payload = {}
    words = [task_id or "", *_texts(payload)]
    return avatar_label(payload.get("avatar_url")), "\n".join(w for w in words if w)


_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


def canonical_json(value: object) -> str:
    """``value`` as canonical JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return _CANONICAL.encode(value)


def payload_hash(service_url: str, payload: Mapping[str, Any]) -> str:
    """The key that finds identical requests: sha256 of the service URL and canonical payload."""
    return canonical_hash(service_url, canonical_json(payload))


def canonical_hash(service_url: str, canonical: str) -> str:
    """:func:`payload_hash` of a payload already written as :func:`canonical_json`."""
    digest = hashlib.sha256()
    digest.update(service_url.encode("utf-8"))
    digest.update(b"\0")
    digest.update(canonical.encode("utf-8"))
    return digest.hexdigest()


__all__ = [
    "STATUS_RANK",
    "STATUS_RANK_SQL",
    "UNFINISHED",
    "LocalStatus",
    "Status",
    "avatar_label",
    "canonical_hash",
    "canonical_json",
    "derived_columns",
    "parse_status",
    "payload_hash",
    "payload_mode",
]
