"""Request models for the generation API and their validation (Qt-free).

A :class:`GenerationRequest` holds the avatar, the watermark choice and exactly one voice,
one of :class:`AudioTrack`, :class:`ClonedVoice` or :class:`ExistingVoice`: the type itself makes
"two voices at once" impossible to represent. Instances are always valid; building one from
bad values raises :class:`ValidationError`, which lists *every* problem as a :class:`Problem`
(a field path, a machine-readable :class:`ProblemKind` and a plain English message). The user
interface translates problems by kind, so this module stays free of Qt.

Text length: spoken text is limited to :data:`MAX_TEXT_LENGTH` characters. Comparable generators
accept at most 300 seconds of audio; at a brisk English speaking rate (about 15 characters a
second) that is 4,500 characters, and Chinese speech (4–5 characters a second) reaches the limit
far sooner. 5,000 therefore never blocks a text that could become a valid video, yet stops a
pasted document or a runaway clipboard from being sent (and billed) by mistake.

Local files: a URL field may name a file on this computer (:func:`local_path`: an absolute
path or a ``file://`` URI) only where a queued job is read — ``from_payload(...,
local_files=True)``: an import, the outbox. Such a file is uploaded as a step of sending and the
service only ever gets its link (:mod:`avatar_desktop.core.local_files`); elsewhere a path is a
:attr:`ProblemKind.LOCAL_PATH`.

Task ids: :func:`valid_task_id` is the one rule for what a task id may be, used by the store,
the client, the window and ``avatar-cli``. The service's ids are 32 hexadecimal digits, but
mirrors and resellers may hand out others, so the rule only refuses what cannot be an id: an
empty one, whitespace inside, control and invisible (format, unassigned, private-use)
characters, half of a surrogate pair, the replacement character U+FFFD (what is left of a
character lost in decoding), the characters that would change the address it is asked at
(``GET /avatar/task/{task_id}``: ``/ ? # % \\``), and more than :data:`MAX_TASK_ID_LENGTH`
characters. Surrounding whitespace (from a copy and paste) is stripped.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

MAX_URL_LENGTH = 2048
MAX_TEXT_LENGTH = 5000
MAX_ID_LENGTH = 256
MAX_TASK_ID_LENGTH = 128


class Language(enum.StrEnum):
    """Languages the service speaks."""

    ZH = "zh"
    EN = "en"


class VoiceMode(enum.StrEnum):
    """The three ways to give the avatar a voice; the value is the payload key."""

    AUDIO_URL = "audio_url"
    CREATE_VOICE = "create_voice"
    USE_VOICE = "use_voice"


_LANGUAGES = frozenset(lang.value for lang in Language)
_VOICE_MODES = tuple(VoiceMode)


class ProblemKind(enum.StrEnum):
    """What is wrong with a field; the UI translates problems by this kind."""

    MISSING = "missing"
    WRONG_TYPE = "wrong_type"
    UNKNOWN_FIELD = "unknown_field"
    NO_VOICE = "no_voice"
    SEVERAL_VOICES = "several_voices"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    CONTROL_CHARACTERS = "control_characters"
    CONTAINS_SPACE = "contains_space"
    NOT_A_URL = "not_a_url"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    LOCAL_PATH = "local_path"
    BAD_LANGUAGE = "bad_language"
    LONE_SURROGATE = "lone_surrogate"
    INVISIBLE_CHARACTERS = "invisible_characters"
    REPLACEMENT_CHARACTER = "replacement_character"
    RESERVED_CHARACTER = "reserved_character"
    FILE_MISSING = "file_missing"
    """A local file that is not there (or is a folder)."""
    FILE_UNREADABLE = "file_unreadable"
    NO_STORAGE = "no_storage"
    """A local file, with no storage set up to upload it to (and not on the sandbox)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a request: where (``create_voice.language``), what kind, and why."""

    path: str
    kind: ProblemKind
    message: str
    limit: int | None = None
    file: str = ""
    """For a local file's problem: the file (absolute)."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ValidationError(ValueError):
    """Raised when values do not make a valid request; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid request")

    def for_path(self, path: str) -> list[Problem]:
        """The problems of one field."""
        return [p for p in self.problems if p.path == path]


# --- field checks -------------------------------------------------------------------------
# Each returns a list of problems (empty when the value is fine). They never raise.

WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
"""A Windows drive path (``C:\\…``), read on any system."""
_LOCAL_STARTS = frozenset("/~\\fF")
"""The first characters of a local file's value (a path, ``~``, a UNC path, ``file:``)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE = re.compile(r"\s")  # every character str.isspace() accepts
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # allows \t and \n (and \r, see below)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
"""Half of a UTF-16 surrogate pair. JSON allows one alone ("\\ud800"; a whole pair decodes to one
character), but it is not Unicode text: it cannot be encoded as UTF-8, sent, stored or shown."""
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?", re.ASCII)
"""The common case of a good URL, recognised at once (an import checks 100,000 of them): a
lower-case http(s) scheme, a host of letters, digits, dots and hyphens, an optional port and
printable ASCII after it. Every value it matches passes :func:`check_url`'s full checks; any
other value (a user name, an IPv6 host, non-ASCII text) takes them."""


def _type_problem(path: str, value: object, expected: str) -> list[Problem]:
    if value is None:
        return [Problem(path, ProblemKind.MISSING, "is required")]
    return [
        Problem(
            path,
            ProblemKind.WRONG_TYPE,
            f"must be {expected}, not {type(value).__name__}",
        )
    ]


def _surrogate_problem(path: str, value: str) -> list[Problem]:
    if _SURROGATE.search(value):
        return [
            Problem(
                path,
                ProblemKind.LONE_SURROGATE,
                "contains a broken character (half of a UTF-16 surrogate pair)",
            )
        ]
    return []


def _printable_key(key: object) -> str:
    """A field name as text that can be printed and stored: lone surrogates escaped."""
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")


def _looks_like_local_path(value: str) -> bool:
    return (
        value.startswith(("/", "~", "\\\\", "./", "../"))
        or bool(WINDOWS_DRIVE.match(value))
        or value.lower().startswith("file:")
    )


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def local_path(value: str) -> Path | None:
    """The file a URL field names when it holds a local file rather than a URL: an absolute
    path (``~`` is the home folder) or a ``file://`` URI; None for anything else (a URL, a
    relative path, text that is neither). The one rule of what a local file is; a path
    relative to an import file's folder is made absolute by the importer
    (:func:`relative_path`)."""
    if not isinstance(value, str) or not value:
        return None
    if value[0] not in _LOCAL_STARTS and not WINDOWS_DRIVE.match(value):
        return None  # a web address or plain text (most values): decided at once
    if _CONTROL.search(value):
        return None
    if value.lower().startswith("file:"):
        parts = urlsplit(value)
        if parts.netloc not in ("", "localhost") or not parts.path:
            return None
        text = url2pathname(parts.path)
        if WINDOWS_DRIVE.match(text.lstrip("/\\")):
            text = text.lstrip("/\\")
        return Path(text) if (os.path.isabs(text) or WINDOWS_DRIVE.match(text)) else None
    if value.startswith("~"):
        expanded = os.path.expanduser(value)
        return Path(expanded) if os.path.isabs(expanded) else None
    if value.startswith(("/", "\\\\")) or WINDOWS_DRIVE.match(value):
        return Path(value)
    return None


def relative_path(value: object) -> bool:
    """Whether ``value`` reads as a path relative to some folder (``photo.jpg``,
    ``media/a.wav``, ``./a.wav``): no URL scheme, not absolute (only an import, which knows its
    file's folder, reads it so)."""
    if isinstance(value, str) and _SCHEME.match(value) and not WINDOWS_DRIVE.match(value):
        return False  # a URL (most values): decided at once
    if not isinstance(value, str) or not value.strip() or _CONTROL.search(value):
        return False
    if local_path(value) is not None or value.startswith(("~", "/", "\\")):
        return False
    return not _SCHEME.match(value) or bool(WINDOWS_DRIVE.match(value))


def check_source(path: str, value: object, local_files: bool) -> list[Problem]:
    """A URL field's value: an http(s) URL (:func:`check_url`) or, with ``local_files``, a
    local file (:func:`local_path`; whether it can be read and uploaded is
    :mod:`avatar_desktop.core.local_files`' part)."""
    if local_files and isinstance(value, str) and local_path(value) is not None:
        return []
    return check_url(path, value)


def check_url(path: str, value: object) -> list[Problem]:
    """An absolute http(s) URL with a host, no whitespace or control characters."""
    if not isinstance(value, str):
        return _type_problem(path, value, "a URL string")
    if len(value) <= MAX_URL_LENGTH and _PLAIN_URL.fullmatch(value):
        return []
    return _url_problems(path, value)


def _url_problems(path: str, value: str) -> list[Problem]:
    """:func:`check_url`'s every check, one after the other."""
    if broken := _surrogate_problem(path, value):
        return broken
    if value == "":
        return [Problem(path, ProblemKind.EMPTY, "is required")]
    if len(value) > MAX_URL_LENGTH:
        return [
            Problem(
                path,
                ProblemKind.TOO_LONG,
                f"is longer than {MAX_URL_LENGTH} characters",
                MAX_URL_LENGTH,
            )
        ]
    if _looks_like_local_path(value):
        return [
            Problem(
                path,
                ProblemKind.LOCAL_PATH,
                "looks like a file on this computer; the service needs a public "
                "http(s) URL it can download",
            )
        ]
    if _CONTROL.search(value):
        return [Problem(path, ProblemKind.CONTROL_CHARACTERS, "contains control characters")]
    if _SPACE.search(value):
        return [Problem(path, ProblemKind.CONTAINS_SPACE, "must not contain spaces")]
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return [Problem(path, ProblemKind.NOT_A_URL, "is not a valid URL")]
    if parts.scheme.lower() not in ("http", "https"):
        if parts.scheme:
            return [
                Problem(
                    path,
                    ProblemKind.UNSUPPORTED_SCHEME,
                    f"must start with http:// or https://, not {parts.scheme}:",
                )
            ]
        return [
            Problem(
                path,
                ProblemKind.NOT_A_URL,
                "is not a full URL; it must start with http:// or https://",
            )
        ]
    if not host:
        return [Problem(path, ProblemKind.NOT_A_URL, "has no host name")]
    return []


def check_identifier(path: str, value: object) -> list[Problem]:
    """A non-empty id without whitespace or control characters."""
    if not isinstance(value, str):
        return _type_problem(path, value, "a string")
    if broken := _surrogate_problem(path, value):
        return broken
    if value == "":
        return [Problem(path, ProblemKind.EMPTY, "is required")]
    if len(value) > MAX_ID_LENGTH:
        return [
            Problem(
                path,
                ProblemKind.TOO_LONG,
                f"is longer than {MAX_ID_LENGTH} characters",
                MAX_ID_LENGTH,
            )
        ]
    if _CONTROL.search(value):
        return [Problem(path, ProblemKind.CONTROL_CHARACTERS, "contains control characters")]
    if _SPACE.search(value):
        return [Problem(path, ProblemKind.CONTAINS_SPACE, "must not contain spaces")]
    return []


_ADDRESS_CHARACTERS = "/?#%\\"
"""Characters that would change the address a task is asked at (see the module docstring)."""
TASK_ID_RULE = (
    f"1 to {MAX_TASK_ID_LENGTH} visible characters, without spaces or any of "
    + " ".join(_ADDRESS_CHARACTERS)
)
"""The rule of :func:`valid_task_id` in words, for help texts."""


class InvalidTaskId(ValidationError):
    """Not a task id: :attr:`problem` says why (its kind for the window; ``str()`` in English)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__([problem])
        self.problem = problem
        self.args = (f"not a task id: it {problem.message}",)


def _task_id_problem(text: str) -> Problem | None:
    path = "task_id"
    if broken := _surrogate_problem(path, text):
        return broken[0]
    if text == "":
        return Problem(path, ProblemKind.EMPTY, "is empty")
    if len(text) > MAX_TASK_ID_LENGTH:
        return Problem(
            path,
            ProblemKind.TOO_LONG,
            f"has {len(text)} characters; at most {MAX_TASK_ID_LENGTH} are allowed",
            MAX_TASK_ID_LENGTH,
        )
    for char in text:
        if char == "\ufffd":
            return Problem(
                path,
                ProblemKind.REPLACEMENT_CHARACTER,
                "contains U+FFFD, the mark of a character lost when the text was decoded",
            )
        if char.isspace():
            return Problem(path, ProblemKind.CONTAINS_SPACE, "contains a space")
        if not char.isprintable():
            return Problem(
                path,
                ProblemKind.INVISIBLE_CHARACTERS,
                f"contains a control or invisible character (U+{ord(char):04X})",
            )
        if char in _ADDRESS_CHARACTERS:
            return Problem(
                path,
                ProblemKind.RESERVED_CHARACTER,
                f'contains "{char}", which would change the address it is asked at',
            )
    return None


def valid_task_id(value: str) -> str:
    """``value`` as a task id, surrounding whitespace stripped; raises :class:`InvalidTaskId`
    (a ``ValueError``) when it is not one (see the module docstring for the rule)."""
    text = value.strip()
    problem = _task_id_problem(text)
    if problem is not None:
        raise InvalidTaskId(problem)
    return text


def check_text(path: str, value: object) -> list[Problem]:
    """Text to speak: non-empty after trimming, no control characters but tabs and newlines."""
    if not isinstance(value, str):
        return _type_problem(path, value, "text")
    if broken := _surrogate_problem(path, value):
        return broken
    problems: list[Problem] = []
    if value.strip() == "":
        problems.append(Problem(path, ProblemKind.EMPTY, "is required"))
    if len(value) > MAX_TEXT_LENGTH:
        problems.append(
            Problem(
                path,
                ProblemKind.TOO_LONG,
                f"is longer than {MAX_TEXT_LENGTH} characters ({len(value)})",
                MAX_TEXT_LENGTH,
            )
        )
    # Carriage returns come with Windows line endings; they are allowed with newlines.
    if _TEXT_CONTROL.search(value.replace("\r\n", "\n")):
        problems.append(
            Problem(
                path,
                ProblemKind.CONTROL_CHARACTERS,
                "contains control characters (only line breaks and tabs are allowed)",
            )
        )
    return problems


def check_language(path: str, value: object) -> list[Problem]:
    """``zh`` or ``en``."""
    if not isinstance(value, str):
        return _type_problem(path, value, '"zh" or "en"')
    if broken := _surrogate_problem(path, value):
        return broken
    if value not in _LANGUAGES:
        return [Problem(path, ProblemKind.BAD_LANGUAGE, f'must be "zh" or "en", not "{value}"')]
    return []


def check_bool(path: str, value: object) -> list[Problem]:
    """``true`` or ``false`` (JSON ``null`` and numbers are not booleans)."""
    if not isinstance(value, bool):
        name = "null" if value is None else type(value).__name__
        return [Problem(path, ProblemKind.WRONG_TYPE, f"must be true or false, not {name}")]
    return []


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


# --- the voices ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AudioTrack:
    """A ready audio track the avatar lip-syncs to (payload key ``audio_url``)."""

    audio_url: str

    mode = VoiceMode.AUDIO_URL

    def __post_init__(self) -> None:
        _raise_if(check_source("audio_url", self.audio_url, True))

    def to_payload_value(self) -> str:
        return self.audio_url


@dataclass(frozen=True, slots=True)
class ClonedVoice:
    """Clone a voice from a sample (at least 20 s long), then speak ``text`` with it."""

    sample_url: str
    language: Language
    text: str

    mode = VoiceMode.CREATE_VOICE

    def __post_init__(self) -> None:
        _raise_if(
            _check_fields(
                "create_voice",
                {"audio_url": self.sample_url, "language": self.language, "text": self.text},
                _CREATE_VOICE_FIELDS,
            )
        )
        object.__setattr__(self, "language", Language(self.language))

    def to_payload_value(self) -> dict[str, str]:
        return {"audio_url": self.sample_url, "language": self.language.value, "text": self.text}


@dataclass(frozen=True, slots=True)
class ExistingVoice:
    """Speak ``text`` with a voice created earlier or one of the service's ready-made voices."""

    voice_engine_id: str
    audio_id: str
    language: Language
    text: str

    mode = VoiceMode.USE_VOICE

    def __post_init__(self) -> None:
        _raise_if(
            _check_fields(
                "use_voice",
                {
                    "voice_engine_id": self.voice_engine_id,
                    "audio_id": self.audio_id,
                    "language": self.language,
                    "text": self.text,
                },
                _USE_VOICE_FIELDS,
            )
        )
        object.__setattr__(self, "language", Language(self.language))

    def to_payload_value(self) -> dict[str, str]:
        return {
            "voice_engine_id": self.voice_engine_id,
            "audio_id": self.audio_id,
            "language": self.language.value,
            "text": self.text,
        }


Voice = AudioTrack | ClonedVoice | ExistingVoice


def _check_sample(path: str, value: object) -> list[Problem]:
    return check_source(path, value, True)


_CREATE_VOICE_FIELDS = {"audio_url": _check_sample, "language": check_language, "text": check_text}
_STRICT_CREATE_VOICE_FIELDS = {**_CREATE_VOICE_FIELDS, "audio_url": check_url}
_USE_VOICE_FIELDS = {
    "voice_engine_id": check_identifier,
    "audio_id": check_identifier,
    "language": check_language,
    "text": check_text,
}
_TOP_FIELDS = {"avatar_url", "no_watermark", *VoiceMode}


def _check_fields(
    prefix: str, values: Mapping[str, object], checks: Mapping[str, Any]
) -> list[Problem]:
    problems: list[Problem] = []
    for name, check in checks.items():
        problems += check(f"{prefix}.{name}", values.get(name))
    return problems


def _check_object(prefix: str, value: object, checks: Mapping[str, Any]) -> list[Problem]:
    if not isinstance(value, Mapping):
        return _type_problem(prefix, value, "an object")
    problems = [
        Problem(
            f"{prefix}.{_printable_key(key)}",
            ProblemKind.UNKNOWN_FIELD,
            "is not a field the service knows",
        )
        for key in value
        if key not in checks
    ]
    return problems + _check_fields(prefix, value, checks)


# --- the request --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """One generation job: avatar URL, watermark choice and exactly one voice."""

    avatar_url: str
    voice: Voice
    no_watermark: bool = False

    def __post_init__(self) -> None:
        problems = check_source("avatar_url", self.avatar_url, True)
        problems += check_bool("no_watermark", self.no_watermark)
        if not isinstance(self.voice, AudioTrack | ClonedVoice | ExistingVoice):
            problems += _type_problem("voice", self.voice, "a voice")
        _raise_if(problems)

    @property
    def mode(self) -> VoiceMode:
        return self.voice.mode

    def to_payload(self) -> dict[str, Any]:
        """The exact JSON body of ``POST /avatar/generation``."""
        return {
            "avatar_url": self.avatar_url,
            "no_watermark": self.no_watermark,
            self.voice.mode.value: self.voice.to_payload_value(),
        }

    @classmethod
    def from_payload(cls, payload: object, *, local_files: bool = False) -> GenerationRequest:
        """Build a request from the API's own JSON shape, reporting every problem at once.
        With ``local_files`` a URL field may name a file on this computer
        (:func:`local_path`): a queued job keeps the user's own paths, uploaded when it is
        sent (:mod:`avatar_desktop.core.local_files`)."""
        if not isinstance(payload, Mapping):
            raise ValidationError(_type_problem("(request)", payload, "a JSON object"))
        problems = [
            Problem(
                _printable_key(key), ProblemKind.UNKNOWN_FIELD, "is not a field the service knows"
            )
            for key in payload
            if key not in _TOP_FIELDS
        ]
        problems += check_source("avatar_url", payload.get("avatar_url"), local_files)
        no_watermark = payload.get("no_watermark", False)
        problems += check_bool("no_watermark", no_watermark)

        modes = [mode for mode in _VOICE_MODES if mode in payload]  # a StrEnum is its value
        if not modes:
            problems.append(
                Problem(
                    "voice",
                    ProblemKind.NO_VOICE,
                    "needs one of audio_url, create_voice or use_voice",
                )
            )
        elif len(modes) > 1:
            problems.append(
                Problem(
                    "voice",
                    ProblemKind.SEVERAL_VOICES,
                    "must be only one of audio_url, create_voice or use_voice, not "
                    + " and ".join(m.value for m in modes),
                )
            )
        for mode in modes:
            value = payload[mode.value]
            if mode is VoiceMode.AUDIO_URL:
                problems += check_source("audio_url", value, local_files)
            elif mode is VoiceMode.CREATE_VOICE:
                checks = _CREATE_VOICE_FIELDS if local_files else _STRICT_CREATE_VOICE_FIELDS
                problems += _check_object("create_voice", value, checks)
            else:
                problems += _check_object("use_voice", value, _USE_VOICE_FIELDS)
        _raise_if(problems)

        # Every field was checked above: built as they are, not checked a second time.
        mode = modes[0]
        value = payload[mode.value]
        voice: Voice
        if mode is VoiceMode.AUDIO_URL:
            voice = _checked(AudioTrack, audio_url=value)
        elif mode is VoiceMode.CREATE_VOICE:
            voice = _checked(
                ClonedVoice,
                sample_url=value["audio_url"],
                language=Language(value["language"]),
                text=value["text"],
            )
        else:
            voice = _checked(
                ExistingVoice,
                voice_engine_id=value["voice_engine_id"],
                audio_id=value["audio_id"],
                language=Language(value["language"]),
                text=value["text"],
            )
        return _checked(
            cls, avatar_url=payload["avatar_url"], voice=voice, no_watermark=no_watermark
        )


_Built = TypeVar("_Built")


def _checked(cls: type[_Built], **values: object) -> _Built:
    """An instance of the dataclass ``cls`` from ``values`` already checked (by
    :meth:`GenerationRequest.from_payload`), without its ``__post_init__`` checking them again:
    an import builds 100,000 requests."""
    built = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(built, name, value)
    return built


__all__ = [
    "MAX_TASK_ID_LENGTH",
    "MAX_TEXT_LENGTH",
    "MAX_URL_LENGTH",
    "TASK_ID_RULE",
    "AudioTrack",
    "ClonedVoice",
    "ExistingVoice",
    "GenerationRequest",
    "InvalidTaskId",
    "Language",
    "Problem",
    "ProblemKind",
    "ValidationError",
    "Voice",
    "VoiceMode",
    "check_identifier",
    "check_language",
    "check_source",
    "check_text",
    "check_url",
    "local_path",
    "relative_path",
    "valid_task_id",
]
