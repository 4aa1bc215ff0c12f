"""Checking avatar and audio inputs before paying for a job (Qt-free).

The service only accepts URLs and downloads the inputs itself; a wrong input is found out only
after the job has been billed. :func:`check_media` looks at a URL the way the service will: it
asks the host (``HEAD``, then a streamed ``GET``), sniffs the first bytes, reads image dimensions
with a small hand-written header parser, measures audio with ``mutagen`` and returns a
:class:`MediaReport` whose :class:`Finding` s say what looks wrong, in plain English.

Only :attr:`FindingKind.SAMPLE_TOO_SHORT` is blocking (API.md documents the 20-second minimum of a
``create_voice`` sample); every other finding is a warning the user can override, because the
other limits come from comparable generators, not from the service itself.

Media hosts are not the paid API: they are fetched like every public link
(:func:`~avatar_desktop.core.downloads.open_link` on a
:class:`~avatar_desktop.core.config.LinkNetwork` session): redirects are followed (at most
:data:`~avatar_desktop.core.downloads.MAX_REDIRECTS`) and no ``Authorization`` header is ever
sent to them, even through a session that carries one.

A whole check has an overall deadline (``total_seconds``, :data:`DEFAULT_CHECK_SECONDS`): the
body is read as it arrives and the deadline checked between reads, and the client's watchdog
(:func:`~avatar_desktop.core.client.call_deadline`) ends a read blocked past it, headers
included, on the sessions the check makes itself and on the client's. Those sessions also reach
a server on this computer directly, never through a proxy.
"""

from __future__ import annotations

import enum
import io
import ipaddress
import logging
import math
import mimetypes
import os
import struct
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal
from urllib.parse import urlsplit

from avatar_desktop import __version__
from avatar_desktop.core.config import LinkNetwork
from avatar_desktop.core.downloads import BadRedirect, open_link
from avatar_desktop.core.request import check_url, local_path
from avatar_desktop.core.service import is_loopback_host

if TYPE_CHECKING:  # requests is loaded when a check runs, not when the window starts
    import requests

    from avatar_desktop.core.client import Deadline

log = logging.getLogger("avatar_desktop.network")

__all__ = [
    "CheckCancelled",
    "Finding",
    "FindingKind",
    "MediaReport",
    "MediaRole",
    "audio_duration",
    "can_check",
    "check_media",
    "image_size",
    "is_local_address",
    "sniff",
]

# --- limits ---------------------------------------------------------------------------------
# From /work/shared/API.md, "Limits of the upstream generator": the service does not document
# its own limits; comparable generators publish these, so they are warnings only...
IMAGE_FORMATS = frozenset({"jpeg", "png"})  # "image avatars jpg/jpeg/png"
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # "at most 10 MB"
MIN_IMAGE_SIDE = 300  # "at least 300 px on each side"
MAX_ASPECT_RATIO = 2.5  # "aspect ratio between 1:2.5 and 2.5:1"
AUDIO_FORMATS = frozenset({"mp3", "wav", "m4a", "aac"})  # "audio mp3/wav/m4a/aac"
MAX_AUDIO_BYTES = 5 * 1024 * 1024  # "at most 5 MB"
MIN_AUDIO_SECONDS = 2.0  # "2 to 300 seconds"
MAX_AUDIO_SECONDS = 300.0
MAX_INPUT_BYTES = 100 * 1024 * 1024  # "another reseller ... states a 100 MB cap on inputs"
# ...except this one, documented by the service itself (API.md, `create_voice`: "it must be at
# least 20 seconds long"), which blocks a submission.
MIN_SAMPLE_SECONDS = 20.0

# --- how the check behaves ------------------------------------------------------------------
DEFAULT_CHECK_SECONDS = 60.0
"""The overall deadline of one check, by default (every request and read of it together)."""
MAX_PREVIEW_BYTES = 12 * 1024 * 1024
"""An avatar image at most this big is kept whole in :attr:`MediaReport.preview`."""
DEFAULT_MAX_DOWNLOAD = 25 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
SNIFF_BYTES = 4096
HEADER_PROBE_BYTES = 1024 * 1024
"""How far into an image (not kept for a preview) or a video the check reads, at most."""
USER_AGENT = f"avatar-desktop/{__version__} (input check)"

# Formats whose duration mutagen reads from a header, so a capped (partial) download still
# gives the right length; for the others (MP3 without a Xing header, OGG, ADTS) it would not.
_HEADER_DURATION_FORMATS = frozenset({"wav", "m4a", "mp4", "mov", "flac"})
_LOCAL_SUFFIXES = (".local", ".lan", ".internal", ".intranet", ".home.arpa", ".localdomain")

Kind = Literal["image", "video", "audio", "other"]


class MediaRole(enum.StrEnum):
    """What an input URL is for."""

    AVATAR = "avatar"
    AUDIO = "audio"
    """A ready audio track the avatar lip-syncs to."""
    VOICE_SAMPLE = "voice_sample"
    """A sample to clone a voice from (``create_voice``)."""


class FindingKind(enum.StrEnum):
    UNREACHABLE = "unreachable"
    HTTP_ERROR = "http_error"
    NOT_MEDIA = "not_media"
    WRONG_KIND = "wrong_kind"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_LARGE = "too_large"
    IMAGE_TOO_SMALL = "image_too_small"
    ASPECT_RATIO = "aspect_ratio"
    AUDIO_TOO_SHORT = "audio_too_short"
    AUDIO_TOO_LONG = "audio_too_long"
    SAMPLE_TOO_SHORT = "sample_too_short"
    DURATION_UNKNOWN = "duration_unknown"
    LOCAL_ONLY = "local_only"
    NO_FILE = "no_file"
    """A file on this computer that is not there or cannot be read."""


@dataclass(frozen=True)
class Finding:
    """One thing that looks wrong. ``values`` holds the numbers of ``message`` for translation."""

    kind: FindingKind
    message: str
    blocking: bool = False
    values: dict[str, Any] = field(default_factory=dict)


def _finding(kind: FindingKind, message: str, **values: Any) -> Finding:
    return Finding(kind, message, kind is FindingKind.SAMPLE_TOO_SHORT, values)


@dataclass(frozen=True)
class MediaReport:
    """What :func:`check_media` found out about one URL."""

    url: str
    role: MediaRole
    reachable: bool
    status: int | None = None
    content_type: str | None = None
    size: int | None = None
    kind: Kind | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    preview: bytes | None = field(default=None, repr=False)
    findings: tuple[Finding, ...] = ()
    format: str | None = None
    """The recognised format ("png", "jpeg", "mp3", "wav", "mp4"...), when there is one."""

    @property
    def blocking(self) -> bool:
        return any(f.blocking for f in self.findings)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocking)


class CheckCancelled(Exception):
    """Raised by :func:`check_media` when ``cancelled()`` said so."""


# --- sniffing and header parsing --------------------------------------------------------------

_M4A_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
_IMAGE_BRANDS = {b"heic": "heic", b"heix": "heic", b"mif1": "heif", b"avif": "avif"}


def sniff(data: bytes) -> tuple[Kind, str] | None:
    """(kind, format) recognised from the first bytes of a file; "html" has kind "other"."""
    head = bytes(data[:64])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "gif"
    if head[:4] in (b"RIFF", b"RF64") and len(head) >= 12:
        form = head[8:12]
        if form == b"WEBP":
            return "image", "webp"
        if form == b"WAVE":
            return "audio", "wav"
        if form == b"AVI ":
            return "video", "avi"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _M4A_BRANDS:
            return "audio", "m4a"
        if brand in _IMAGE_BRANDS:
            return "image", _IMAGE_BRANDS[brand]
        return "video", "mov" if brand == b"qt  " else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "webm"
    if head.startswith(b"ID3"):
        return "audio", "mp3"
    if head.startswith(b"OggS"):
        return "audio", "ogg"
    if head.startswith(b"fLaC"):
        return "audio", "flac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0x03
        version = (head[1] >> 3) & 0x03
        if layer == 0 and head[1] & 0xF6 == 0xF0:
            return "audio", "aac"  # ADTS
        if layer != 0 and version != 1:
            return "audio", "mp3"  # MPEG audio frame sync
    text = bytes(data[:1024]).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "other", "html"
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in text:
        return "image", "svg"
    return None


def _be16(d: bytes, i: int) -> int:
    return int(struct.unpack_from(">H", d, i)[0])


def _le16(d: bytes, i: int) -> int:
    return int(struct.unpack_from("<H", d, i)[0])


def _le24(d: bytes, i: int) -> int:
    return d[i] | d[i + 1] << 8 | d[i + 2] << 16


_JPEG_SOF = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), 0xCD, 0xCE, 0xCF}
)


def _jpeg_size(d: bytes) -> tuple[int, int] | None:
    i, n = 2, len(d)
    while i < n:
        if d[i] != 0xFF:
            return None  # not at a marker: corrupt, or entropy-coded data
        while i < n and d[i] == 0xFF:  # fill bytes
            i += 1
        if i >= n:
            return None
        marker = d[i]
        i += 1
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            continue  # stand-alone markers
        if marker in (0xD9, 0xDA):
            return None  # end of image / start of scan before any frame header
        if i + 2 > n:
            return None
        length = _be16(d, i)
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            if i + 7 > n:
                return None
            return _be16(d, i + 5), _be16(d, i + 3)  # length(2) precision(1) height width
        i += length
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the header bytes of a PNG, JPEG, GIF or WebP; None when unknown."""
    d = bytes(data)
    size: tuple[int, int] | None = None
    try:
        if d.startswith(b"\x89PNG\r\n\x1a\n") and d[12:16] == b"IHDR" and len(d) >= 24:
            size = struct.unpack_from(">II", d, 16)
        elif d[:6] in (b"GIF87a", b"GIF89a") and len(d) >= 10:
            size = _le16(d, 6), _le16(d, 8)
        elif d.startswith(b"\xff\xd8"):
            size = _jpeg_size(d)
        elif d[:4] == b"RIFF" and d[8:12] == b"WEBP":
            chunk = d[12:16]
            if chunk == b"VP8 " and len(d) >= 30 and d[23:26] == b"\x9d\x01\x2a":
                size = _le16(d, 26) & 0x3FFF, _le16(d, 28) & 0x3FFF
            elif chunk == b"VP8L" and len(d) >= 25 and d[20] == 0x2F:
                bits = int(struct.unpack_from("<I", d, 21)[0])
                size = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            elif chunk == b"VP8X" and len(d) >= 30:
                size = _le24(d, 24) + 1, _le24(d, 27) + 1
    except (struct.error, IndexError):
        return None
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return int(size[0]), int(size[1])


_MUTAGEN_FORMATS = {
    "MP3": "mp3",
    "EasyMP3": "mp3",
    "WAVE": "wav",
    "MP4": "m4a",
    "EasyMP4": "m4a",
    "AAC": "aac",
    "FLAC": "flac",
    "OggVorbis": "ogg",
    "OggOpus": "ogg",
    "OggFLAC": "ogg",
    "OggSpeex": "ogg",
    "OggTheora": "ogg",
}


def audio_duration(data: bytes) -> tuple[float, str] | None:
    """(seconds, format) of an audio file held in memory, measured with mutagen."""
    try:
        import mutagen

        audio = mutagen.File(io.BytesIO(data))
        length = getattr(getattr(audio, "info", None), "length", None)
        if audio is not None and isinstance(length, int | float) and 0 < length < math.inf:
            name = type(audio).__name__
            return float(length), _MUTAGEN_FORMATS.get(name, name.lower())
    except Exception as exc:  # mutagen raises many types on odd input
        log.debug("mutagen could not read the audio: %r", exc)
    try:
        with wave.open(io.BytesIO(data)) as wav:
            rate = wav.getframerate()
            if rate > 0 and wav.getnframes() > 0:
                return wav.getnframes() / rate, "wav"
    except Exception as exc:
        log.debug("wave could not read the audio: %r", exc)
    return None


def _video_duration(data: bytes) -> float | None:
    """Seconds of an MP4/MOV whose ``moov`` box is within ``data`` (usual for web video)."""
    try:
        from mutagen.mp4 import MP4

        video = MP4(io.BytesIO(data))  # type: ignore[no-untyped-call]
        length = getattr(video.info, "length", None)
        return float(length) if isinstance(length, int | float) and 0 < length < math.inf else None
    except Exception as exc:
        log.debug("mutagen could not read the video header: %r", exc)
        return None


_CONTENT_TYPES: dict[str, tuple[Kind, str]] = {
    "image/jpeg": ("image", "jpeg"),
    "image/jpg": ("image", "jpeg"),
    "image/pjpeg": ("image", "jpeg"),
    "image/png": ("image", "png"),
    "image/svg+xml": ("image", "svg"),
    "audio/mpeg": ("audio", "mp3"),
    "audio/mp3": ("audio", "mp3"),
    "audio/mpeg3": ("audio", "mp3"),
    "audio/x-mpeg-3": ("audio", "mp3"),
    "audio/wav": ("audio", "wav"),
    "audio/x-wav": ("audio", "wav"),
    "audio/wave": ("audio", "wav"),
    "audio/vnd.wave": ("audio", "wav"),
    "audio/mp4": ("audio", "m4a"),
    "audio/m4a": ("audio", "m4a"),
    "audio/x-m4a": ("audio", "m4a"),
    "audio/aac": ("audio", "aac"),
    "audio/x-aac": ("audio", "aac"),
    "audio/aacp": ("audio", "aac"),
    "audio/opus": ("audio", "ogg"),
    "audio/x-flac": ("audio", "flac"),
    "video/quicktime": ("video", "mov"),
    "text/html": ("other", "html"),
    "application/xhtml+xml": ("other", "html"),
}
_TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript"})


def _from_content_type(content_type: str | None) -> tuple[Kind, str] | None:
    if not content_type:
        return None
    if content_type in _CONTENT_TYPES:
        return _CONTENT_TYPES[content_type]
    major, _, minor = content_type.partition("/")
    minor = minor.removeprefix("x-")
    if major in ("image", "audio", "video") and minor:
        return major, minor  # type: ignore[return-value]
    if major == "text" or content_type in _TEXT_TYPES:
        return "other", "text"
    return None


def _classify(head: bytes, content_type: str | None) -> tuple[Kind, str | None]:
    """Kind and format from the bytes first, the Content-Type header second."""
    sniffed = sniff(head)
    declared = _from_content_type(content_type)
    if sniffed is not None:
        kind, fmt = sniffed
        if fmt == "mp4" and declared is not None and declared[0] == "audio":
            return "audio", "m4a"  # an ftyp box of a generic brand, declared as audio
        return kind, fmt
    if declared is not None:
        return declared  # the bytes match no known signature: trust the header
    return "other", None


# --- addresses --------------------------------------------------------------------------------


def is_local_address(host: str) -> bool:
    """True when ``host`` is loopback, private, link-local or an intranet-only name."""
    host = host.strip("[]").lower().rstrip(".")
    if not host or is_loopback_host(host):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return "." not in host or host.endswith(_LOCAL_SUFFIXES)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _redact(url: str) -> str:
    """The URL without its query (signed CDN links carry secrets there) for log lines."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}{parts.path}" + ("?..." if parts.query else "")
    except ValueError:
        return "<invalid url>"


# --- network ----------------------------------------------------------------------------------


class _TooSlow(Exception):
    """The check's overall deadline passed."""


def _body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives (``read1``: whatever has come, not a fixed amount, so a trickle
    of bytes cannot hold one read for ever), urllib3's errors as ``requests`` ones."""
    import requests
    import urllib3

    while True:
        try:
            chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
        except urllib3.exceptions.HTTPError as exc:
            raise requests.exceptions.ConnectionError(type(exc).__name__) from exc
        if not chunk:
            return
        yield chunk


class _Body:
    """What the check reads of a file, on demand (:meth:`read_until`), with cancellation
    checked between chunks; :meth:`_next` gives the next chunk (empty: the end)."""

    def __init__(self, cancelled: Callable[[], bool]) -> None:
        self._cancelled = cancelled
        self.data = bytearray()
        self.complete = False

    def _next(self, want: int) -> bytes:
        raise NotImplementedError

    def read_until(self, limit: int) -> None:
        while not self.complete and len(self.data) < limit:
            if self._cancelled():
                raise CheckCancelled
            chunk = self._next(limit - len(self.data))
            if not chunk:
                self.complete = True
                return
            self.data += chunk


class _Stream(_Body):
    """The body of a streamed response, the deadline checked between chunks."""

    def __init__(
        self, response: requests.Response, cancelled: Callable[[], bool], deadline: Deadline
    ) -> None:
        super().__init__(cancelled)
        self._chunks: Iterator[bytes] = _body_chunks(response)
        self._deadline = deadline
        self._framed = "Content-Length" in response.headers or "chunked" in (
            response.headers.get("Transfer-Encoding", "").lower()
        )

    def _next(self, want: int) -> bytes:
        if self._deadline.passed:
            raise _TooSlow
        try:
            return next(self._chunks)
        except StopIteration:
            if self._deadline.cut and not self._framed:
                raise _TooSlow from None  # "the end" only because the watchdog closed it
            return b""


class _FileStream(_Body):
    """A file on this computer, read as a body is."""

    def __init__(self, handle: BinaryIO, cancelled: Callable[[], bool]) -> None:
        super().__init__(cancelled)
        self._handle = handle

    def _next(self, want: int) -> bytes:
        return self._handle.read(min(CHUNK_BYTES * 16, want))


def _describe_error(
    exc: BaseException,
    host: str,
    timeout: tuple[float, float],
    *,
    started: bool,
    deadline: Deadline,
) -> str:
    import requests

    connect, read = timeout
    if isinstance(exc, BadRedirect):
        return str(exc)
    if isinstance(exc, _TooSlow) or (
        deadline.passed and not isinstance(exc, requests.exceptions.ConnectTimeout)
    ):
        return (
            f"The server {host} did not send the file within {deadline.seconds:g} s; it is too "
            "slow for the service to fetch it reliably."
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"The server {host} did not answer within {connect:g} s."
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"The server {host} accepted the connection but sent nothing for {read:g} s."
    if started and isinstance(exc, requests.RequestException):
        return f"The download from {host} broke off before the end."
    if isinstance(exc, requests.exceptions.SSLError):
        return f"A secure connection to {host} could not be made (certificate or TLS problem)."
    if isinstance(exc, requests.exceptions.ProxyError):
        return "The proxy could not connect to the file's server."
    if isinstance(exc, requests.exceptions.ConnectionError):
        return (
            f"Could not connect to {host}: the address may be wrong, the server down, "
            "or this computer offline."
        )
    if isinstance(exc, requests.exceptions.InvalidURL | ValueError):
        return "This is not a valid web address."
    return f"The file could not be checked ({type(exc).__name__})."


def _http_error_message(status: int) -> str:
    if status in (404, 410):
        return f"The file was not found on the server (HTTP {status}); check the address."
    if status in (401, 403):
        return (
            f"The server refused to give the file (HTTP {status}); it may be private or the "
            "link may have expired."
        )
    if status == 429:
        return "The file's server is limiting requests (HTTP 429); try again later."
    if status >= 500:
        return f"The file's server had a problem (HTTP {status}); try again later."
    return f"The file's server answered HTTP {status} instead of the file."


class _Checker:
    def __init__(
        self,
        url: str,
        role: MediaRole,
        session: requests.Session | None,
        timeout: tuple[float, float],
        cancelled: Callable[[], bool],
        max_download: int,
        deadline: Deadline,
    ) -> None:
        self.url = url
        self.role = role
        self.session = session
        self.timeout = timeout
        self.deadline = deadline
        self.cancelled = cancelled
        self.max_download = max(SNIFF_BYTES, max_download)
        self.hosts: list[str] = []
        self.findings: list[Finding] = []
        self.reachable = False
        self.status: int | None = None
        self.content_type: str | None = None
        self.size: int | None = None
        self.size_at_least: int | None = None
        self.kind: Kind | None = None
        self.format: str | None = None
        self.width: int | None = None
        self.height: int | None = None
        self.duration: float | None = None
        self.preview: bytes | None = None

    # --- requests --------------------------------------------------------------------------

    def _check_cancelled(self) -> None:
        if self.cancelled():
            raise CheckCancelled

    def _open(self, method: str) -> requests.Response:
        """The final response (the caller closes it), redirects followed as for every link."""

        assert self.session is not None  # a download's check

        def hop(url: str) -> None:
            self._check_cancelled()
            log.debug("media check: %s %s", method, _redact(url))
            host = urlsplit(url).hostname
            if url != self.url and host:
                self.hosts.append(host)  # a redirect's target

        response = open_link(
            self.session,
            self.url,
            method=method,
            headers={"Accept": "*/*", "Accept-Encoding": "identity", "User-Agent": USER_AGENT},
            timeout=self.timeout,
            on_hop=hop,
        )
        log.debug("media check: %s %s -> %s", method, _redact(self.url), response.status_code)
        return response

    def _take_headers(self, response: requests.Response) -> None:
        self.status = response.status_code
        content_type = response.headers.get("Content-Type")
        if content_type:
            self.content_type = content_type.split(";", 1)[0].strip().lower() or None
        length = response.headers.get("Content-Length", "").strip()
        if (
            response.status_code == 200
            and length.isdigit()
            and "Content-Encoding" not in response.headers
            and (int(length) > 0 or response.request.method == "GET")
        ):
            self.size = int(length)

    # --- the check -------------------------------------------------------------------------

    def run(self) -> None:
        host, scheme = None, ""
        try:
            parts = urlsplit(self.url.strip())
            host, scheme = parts.hostname, parts.scheme.lower()
        except ValueError:  # e.g. "http://[::1"
            pass
        if not host or scheme not in ("http", "https"):
            self.findings.append(
                _finding(
                    FindingKind.UNREACHABLE,
                    "This is not a web address: it must start with http:// or https:// and name "
                    "a server.",
                )
            )
            return
        self.url = self.url.strip()
        self.hosts.append(host)
        try:
            self._fetch()
        finally:
            self._local_only()

    def run_file(self, path: Path) -> None:
        """The check of a file on this computer: the same look at its content and the same
        judgement as for a download, with no network (it is uploaded when the job is sent,
        so where it lives is no finding)."""
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            self.findings.append(
                _finding(
                    FindingKind.NO_FILE,
                    f"There is no file {path}."
                    if isinstance(exc, FileNotFoundError | IsADirectoryError)
                    else f"The file {path} cannot be read ({exc.strerror or exc}).",
                    file=str(path),
                    missing=isinstance(exc, FileNotFoundError | IsADirectoryError),
                )
            )
            return
        with handle:
            self.reachable = True
            try:
                self.size = os.fstat(handle.fileno()).st_size
            except OSError:
                self.size = None
            self.content_type = mimetypes.guess_type(path.name)[0]
            self._examine(_FileStream(handle, self.cancelled))

    def _fetch(self) -> None:
        host = self.hosts[0]
        started = False
        try:
            with self._open("HEAD") as head:
                self._take_headers(head)
            if self.status in (404, 410):
                self.reachable = True
                self.findings.append(
                    _finding(
                        FindingKind.HTTP_ERROR, _http_error_message(self.status), status=self.status
                    )
                )
                return
            if self.status is not None and self.status >= 300:
                # Many CDNs refuse HEAD (403/405/501): what the GET says is what counts.
                log.debug("media check: HEAD answered %s, trying GET", self.status)
                self.content_type = self.size = None
            with self._open("GET") as response:
                self._take_headers(response)
                self.reachable = True
                if response.status_code >= 300:
                    self.findings.append(
                        _finding(
                            FindingKind.HTTP_ERROR,
                            _http_error_message(response.status_code),
                            status=response.status_code,
                        )
                    )
                    return
                started = True
                self._examine(_Stream(response, self.cancelled, self.deadline))
        except CheckCancelled:
            raise
        except Exception as exc:
            log.debug("media check of %s failed: %r", _redact(self.url), exc, exc_info=True)
            self.reachable = False
            self.findings.append(
                _finding(
                    FindingKind.UNREACHABLE,
                    _describe_error(
                        exc, host, self.timeout, started=started, deadline=self.deadline
                    ),
                    host=host,
                )
            )

    def _examine(self, body: _Body) -> None:
        body.read_until(SNIFF_BYTES)
        if body.complete and not body.data:
            self.kind, self.size = "other", 0
            self.findings.append(
                _finding(FindingKind.NOT_MEDIA, "The server sent an empty file.", size=0)
            )
            return
        self.kind, self.format = _classify(bytes(body.data[:SNIFF_BYTES]), self.content_type)
        if self.format == "html" or (self.kind == "other" and self.format == "text"):
            self.findings.append(
                _finding(
                    FindingKind.NOT_MEDIA,
                    "This address leads to a web page, not to a media file; use the direct "
                    "link to the file."
                    if self.format == "html"
                    else "This address leads to text, not to a media file.",
                )
            )
            return
        if self.kind == "image":
            self._read_image(body)
        elif self.kind == "video":
            body.read_until(min(HEADER_PROBE_BYTES, self.max_download))
            if self.format in ("mp4", "mov"):
                self.duration = _video_duration(bytes(body.data))
        elif self.role is not MediaRole.AVATAR and self.kind in ("audio", "other"):
            self._read_audio(body)
        self._settle_size(body)
        self._judge()

    def _read_image(self, body: _Body) -> None:
        want_preview = self.role is MediaRole.AVATAR and (
            self.size is None or self.size <= MAX_PREVIEW_BYTES
        )
        if want_preview:
            body.read_until(min(MAX_PREVIEW_BYTES, self.max_download) + 1)
            if body.complete and len(body.data) <= MAX_PREVIEW_BYTES:
                self.preview = bytes(body.data)
        size = image_size(bytes(body.data))
        while size is None and not body.complete and len(body.data) < HEADER_PROBE_BYTES:
            body.read_until(len(body.data) + CHUNK_BYTES)
            size = image_size(bytes(body.data))
        if size is not None:
            self.width, self.height = size

    def _read_audio(self, body: _Body) -> None:
        known_too_big = self.size is not None and self.size > self.max_download
        if known_too_big and self.format not in _HEADER_DURATION_FORMATS:
            return  # a partial download would give a wrong length
        body.read_until(self.max_download + 1)
        data = bytes(body.data[: self.max_download])
        measured = audio_duration(data)
        if measured is None:
            return
        seconds, fmt = measured
        if not body.complete and fmt not in _HEADER_DURATION_FORMATS:
            return
        self.duration = seconds
        if self.kind == "other":  # mutagen knows formats the sniffer does not
            self.kind, self.format = "audio", fmt

    def _settle_size(self, body: _Body) -> None:
        if self.size is None and body.complete:
            self.size = len(body.data)
        elif self.size is None:
            self.size_at_least = len(body.data)

    # --- judging ---------------------------------------------------------------------------

    def _judge(self) -> None:
        if self.role is MediaRole.AVATAR:
            self._judge_avatar()
        else:
            self._judge_audio()

    def _too_large(self, limit: int, what: str) -> None:
        size = self.size if self.size is not None else self.size_at_least
        if size is None or size <= limit:
            return
        if size > MAX_INPUT_BYTES and limit < MAX_INPUT_BYTES:
            limit = MAX_INPUT_BYTES  # the stronger reason to warn
        megabytes = round(size / 1024 / 1024, 1)
        maximum = limit // (1024 * 1024)
        amount = f"{megabytes:g} MB" if self.size is not None else f"more than {megabytes:g} MB"
        self.findings.append(
            _finding(
                FindingKind.TOO_LARGE,
                f"The {what} is {amount}; the service may refuse inputs over {maximum} MB.",
                megabytes=megabytes,
                maximum=maximum,
            )
        )

    def _judge_avatar(self) -> None:
        if self.kind == "audio":
            self.findings.append(
                _finding(
                    FindingKind.WRONG_KIND,
                    "This is an audio file; the avatar must be an image or a video of a person.",
                    found="audio",
                )
            )
            self._too_large(MAX_INPUT_BYTES, "file")
            return
        if self.kind == "video":
            self._too_large(MAX_INPUT_BYTES, "video")
            return
        if self.kind != "image":
            self.findings.append(
                _finding(
                    FindingKind.UNSUPPORTED_FORMAT,
                    "This file is not a recognised image or video; the avatar should be a "
                    "JPEG or PNG image, or a video.",
                    format=self.format or "",
                )
            )
            self._too_large(MAX_INPUT_BYTES, "file")
            return
        if self.format not in IMAGE_FORMATS:
            self.findings.append(
                _finding(
                    FindingKind.UNSUPPORTED_FORMAT,
                    f"The image is in {(self.format or '?').upper()} format; the "
                    "generator is known to accept JPEG and PNG images only.",
                    format=self.format or "",
                )
            )
        self._too_large(MAX_IMAGE_BYTES, "image")
        w, h = self.width, self.height
        if w is None or h is None:
            return
        if min(w, h) < MIN_IMAGE_SIDE:
            self.findings.append(
                _finding(
                    FindingKind.IMAGE_TOO_SMALL,
                    f"The image is {w}×{h} px; the generator needs at least {MIN_IMAGE_SIDE} px "
                    "on each side.",
                    width=w,
                    height=h,
                    minimum=MIN_IMAGE_SIDE,
                )
            )
        ratio = max(w, h) / min(w, h)
        if ratio > MAX_ASPECT_RATIO:
            self.findings.append(
                _finding(
                    FindingKind.ASPECT_RATIO,
                    f"The image is {w}×{h} px, {ratio:.1f} times as "
                    f"{'wide as high' if w > h else 'high as wide'}; the generator accepts up "
                    f"to {MAX_ASPECT_RATIO:g}:1.",
                    width=w,
                    height=h,
                    ratio=round(ratio, 2),
                    maximum=MAX_ASPECT_RATIO,
                )
            )

    def _judge_audio(self) -> None:
        sample = self.role is MediaRole.VOICE_SAMPLE
        what = "voice sample" if sample else "audio"
        if self.kind in ("image", "video"):
            self.findings.append(
                _finding(
                    FindingKind.WRONG_KIND,
                    f"This is {'an image' if self.kind == 'image' else 'a video'}, not an audio "
                    f"file; the {what} must be a sound recording.",
                    found=self.kind,
                )
            )
            self._too_large(MAX_INPUT_BYTES, "file")
            return
        if self.format not in AUDIO_FORMATS:
            described = (
                f"in {self.format.upper()} format" if self.format else "not in a known format"
            )
            self.findings.append(
                _finding(
                    FindingKind.UNSUPPORTED_FORMAT,
                    f"The {what} is {described}; the generator is known to accept MP3, WAV, M4A "
                    "and AAC.",
                    format=self.format or "",
                )
            )
        self._too_large(MAX_AUDIO_BYTES, what)
        seconds = self.duration
        if seconds is None:
            if sample:
                message = (
                    "The length of the voice sample could not be measured; the service needs "
                    f"at least {MIN_SAMPLE_SECONDS:g} s, so make sure it is long enough."
                )
            else:
                message = (
                    "The length of the audio could not be measured; the generator accepts "
                    f"{MIN_AUDIO_SECONDS:g} to {MAX_AUDIO_SECONDS:g} s."
                )
            self.findings.append(
                _finding(
                    FindingKind.DURATION_UNKNOWN,
                    message,
                    minimum=MIN_SAMPLE_SECONDS if sample else MIN_AUDIO_SECONDS,
                )
            )
            return
        if sample and seconds < MIN_SAMPLE_SECONDS:
            shown = math.floor(seconds * 10) / 10  # never shows 20.0 for 19.96
            self.findings.append(
                _finding(
                    FindingKind.SAMPLE_TOO_SHORT,
                    f"The voice sample is {shown:.1f} s long; the service needs at least "
                    f"{MIN_SAMPLE_SECONDS:g} s.",
                    seconds=shown,
                    minimum=MIN_SAMPLE_SECONDS,
                )
            )
        elif not sample and seconds < MIN_AUDIO_SECONDS:
            shown = math.floor(seconds * 10) / 10
            self.findings.append(
                _finding(
                    FindingKind.AUDIO_TOO_SHORT,
                    f"The audio is {shown:.1f} s long; the generator accepts at least "
                    f"{MIN_AUDIO_SECONDS:g} s.",
                    seconds=shown,
                    minimum=MIN_AUDIO_SECONDS,
                )
            )
        if seconds > MAX_AUDIO_SECONDS:
            shown = math.ceil(seconds * 10) / 10
            self.findings.append(
                _finding(
                    FindingKind.AUDIO_TOO_LONG,
                    f"The {what} is {shown:.1f} s long; the generator accepts at most "
                    f"{MAX_AUDIO_SECONDS:g} s.",
                    seconds=shown,
                    maximum=MAX_AUDIO_SECONDS,
                )
            )

    def _local_only(self) -> None:
        for host in dict.fromkeys(self.hosts):
            if is_local_address(host):
                self.findings.insert(
                    0,
                    _finding(
                        FindingKind.LOCAL_ONLY,
                        f"The service downloads inputs from the internet and cannot reach {host}: "
                        "this address works only on this computer or its local network.",
                        host=host,
                    ),
                )
                return

    def report(self) -> MediaReport:
        return MediaReport(
            url=self.url,
            role=self.role,
            reachable=self.reachable,
            status=self.status,
            content_type=self.content_type,
            size=self.size,
            kind=self.kind,
            width=self.width,
            height=self.height,
            duration=self.duration,
            preview=self.preview,
            findings=tuple(self.findings),
            format=self.format,
        )


def can_check(value: str) -> bool:
    """Whether :func:`check_media` can look at ``value``: a valid http(s) URL, or a file on
    this computer (:func:`~avatar_desktop.core.request.local_path`)."""
    return bool(value) and (local_path(value) is not None or not check_url("url", value))


def check_media(
    url: str,
    role: MediaRole,
    *,
    session: requests.Session | None = None,
    network: LinkNetwork = LinkNetwork(),  # noqa: B008 - frozen, so shared safely
    cancelled: Callable[[], bool] = lambda: False,
    max_download: int = DEFAULT_MAX_DOWNLOAD,
    total_seconds: float = DEFAULT_CHECK_SECONDS,
) -> MediaReport:
    """Look at ``url`` as the service will, before a job is paid for.

    Blocking network I/O: run it off the GUI thread. Raises only :class:`CheckCancelled` (when
    ``cancelled()`` turns true, checked before each request and between downloaded chunks);
    every other failure becomes a finding of the report. ``network``'s timeouts limit the
    connection and each read; ``total_seconds`` the whole check. Without ``session`` the check
    makes its own (:meth:`LinkNetwork.session`: through the proxy the settings say, but never
    for a server on this computer); a session given should be one too, e.g. the client's.
    """
    from avatar_desktop.core.client import Deadline, call_deadline
    from avatar_desktop.core.local_files import absolute_path

    role = MediaRole(role)
    path = local_path(str(url))
    if path is not None:
        checker = _Checker(
            str(url), role, None, network.timeout, cancelled, max_download, Deadline(total_seconds)
        )
        try:
            checker.run_file(absolute_path(path))
        except CheckCancelled:
            raise
        except Exception as exc:  # a bug must not take the dialog down
            log.debug("media check of a local file failed unexpectedly", exc_info=True)
            checker.findings.append(
                _finding(
                    FindingKind.NO_FILE,
                    f"The file {path} could not be checked ({type(exc).__name__}).",
                    file=str(path),
                    missing=False,
                )
            )
        return checker.report()
    own = session or network.session()
    with call_deadline(total_seconds) as deadline:
        checker = _Checker(
            str(url),
            role,
            own,
            network.timeout,
            cancelled,
            max_download,
            deadline,
        )
        try:
            checker.run()
        except CheckCancelled:
            log.debug("media check of %s cancelled", _redact(str(url)))
            raise
        except Exception as exc:  # a bug must not take the dialog down: report it as a finding
            log.debug("media check of %s failed unexpectedly", _redact(str(url)), exc_info=True)
            checker.reachable = False
            checker.findings.append(
                _finding(
                    FindingKind.UNREACHABLE,
                    f"The file could not be checked ({type(exc).__name__}).",
                )
            )
        finally:
            if session is None:
                own.close()
    return checker.report()
