"""The sandbox's own checks of a submit body, written from API.md (strict: unknown keys fail).

Independent of the application's client code on purpose, so the sandbox catches client mistakes
instead of sharing them. :func:`check_submission` returns every problem found, each naming the
field by its dotted path (``create_voice.language must be zh or en``); an empty list means the
body is acceptable.
"""

from __future__ import annotations

import difflib
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "LANGUAGES",
    "VOICE_MODES",
    "check_language_param",
    "check_submission",
    "is_http_url",
    "json_type_name",
]

LANGUAGES = ("zh", "en")
VOICE_MODES = ("audio_url", "create_voice", "use_voice")

_TOP_FIELDS = ("avatar_url", "no_watermark", *VOICE_MODES)
_CREATE_VOICE_FIELDS = ("audio_url", "language", "text")
_USE_VOICE_FIELDS = ("voice_engine_id", "audio_id", "language", "text")


def json_type_name(value: object) -> str:
    """The JSON name of a decoded value's type (``bool`` is checked before ``int``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def is_http_url(value: str) -> bool:
    """True for an absolute ``http``/``https`` URL with a host and no whitespace."""
    if not value or value != value.strip() or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def check_language_param(value: str | None) -> str | None:
    """Problem with the voice list's ``language`` query parameter, or None when it is fine."""
    if value is None or value in LANGUAGES:
        return None
    return f"language must be zh or en, got {value!r}"


def check_submission(body: Any) -> list[str]:
    """Every problem with a decoded ``POST /avatar/generation`` body (empty list = valid)."""
    if not isinstance(body, dict):
        return [f"the body must be a JSON object, got {json_type_name(body)}"]
    problems: list[str] = []
    problems += _unknown_keys(body, _TOP_FIELDS, "")

    if "avatar_url" not in body:
        problems.append("avatar_url is required")
    else:
        problems += _check_url(body["avatar_url"], "avatar_url")

    if "no_watermark" in body and not isinstance(body["no_watermark"], bool):
        problems.append(
            f"no_watermark must be a boolean (true or false), "
            f"got {json_type_name(body['no_watermark'])}"
        )

    modes = [mode for mode in VOICE_MODES if mode in body]
    if not modes:
        problems.append("exactly one of audio_url, create_voice, use_voice is required; got none")
    elif len(modes) > 1:
        problems.append(
            "exactly one of audio_url, create_voice, use_voice is allowed; got "
            + " and ".join(modes)
        )

    if "audio_url" in body:
        problems += _check_url(body["audio_url"], "audio_url")
    if "create_voice" in body:
        problems += _check_object(body["create_voice"], "create_voice", _CREATE_VOICE_FIELDS)
    if "use_voice" in body:
        problems += _check_object(body["use_voice"], "use_voice", _USE_VOICE_FIELDS)
    return problems


def _unknown_keys(obj: dict[str, Any], known: tuple[str, ...], prefix: str) -> list[str]:
    problems = []
    for key in obj:
        if key in known:
            continue
        message = f"{prefix}{key} is not a known field"
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if close:
            message += f" (did you mean {prefix}{close[0]}?)"
        else:
            message += f" (allowed: {', '.join(known)})"
        problems.append(message)
    return problems


def _check_object(value: Any, name: str, fields: tuple[str, ...]) -> list[str]:
    if not isinstance(value, dict):
        return [f"{name} must be an object, got {json_type_name(value)}"]
    problems = _unknown_keys(value, fields, f"{name}.")
    for field in fields:
        path = f"{name}.{field}"
        if field not in value:
            problems.append(f"{path} is required")
        elif field == "audio_url":
            problems += _check_url(value[field], path)
        elif field == "language":
            problems += _check_language(value[field], path)
        else:
            problems += _check_text(value[field], path)
    return problems


def _check_url(value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path} must be a string (an http or https URL), got {json_type_name(value)}"]
    if not is_http_url(value):
        return [f"{path} must be an http or https URL, got {_shorten(value)!r}"]
    return []


def _check_language(value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path} must be zh or en (a string), got {json_type_name(value)}"]
    if value not in LANGUAGES:
        return [f"{path} must be zh or en, got {_shorten(value)!r}"]
    return []


def _check_text(value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path} must be a string, got {json_type_name(value)}"]
    if not value.strip():
        return [f"{path} must not be empty"]
    return []


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
