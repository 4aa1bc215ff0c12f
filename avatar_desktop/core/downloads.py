"""Fetching public links — result videos, covers, the media check's inputs — and saving a
result video to disk: streamed, resumable, cancellable (Qt-free).

Every fetch of a link goes through :func:`open_link` on a session of
:class:`~avatar_desktop.core.config.LinkNetwork` (the proxy and timeouts of the settings): at
most :data:`MAX_REDIRECTS` redirects, each to an http(s) address, and never a credential (no
token, no ``~/.netrc``). :func:`download` saves a video; :func:`fetch_bytes` reads a small
file (a cover) into memory.

A download is written to ``NAME.part`` beside its destination and renamed only once every byte
has arrived (and, when the server said how many, their number matches), so a cancelled or failed
download never leaves a file that looks complete. A dropped connection resumes with a ``Range``
request, a few times within one call; a later call resumes from the ``.part`` file. The time
limit is on stalls (no byte for the network's read timeout), never on the whole transfer.

Result links are public media URLs: the API token is never sent with them. A link on this
computer (the sandbox) is fetched directly, never through a proxy, even after a redirect. A 403,
404 or 410 means the link has expired (:class:`LinkExpired`) — except for a link on this
computer that a sandbox answers so: a sandbox never expires its links, so the sandbox answering
there now is not the one that made the link (it moved, or another data folder's answers); and
nobody answering on this computer means that sandbox is not running (both
:class:`LocalLinkMissing`, never recorded as expired).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from avatar_desktop import __version__
from avatar_desktop.core.config import LinkNetwork
from avatar_desktop.core.paths import replace_file
from avatar_desktop.core.sandbox_home import is_local_link

if TYPE_CHECKING:  # requests is loaded when a download starts, not when the window does
    import requests

log = logging.getLogger("avatar_desktop.downloads")

CHUNK_BYTES = 256 * 1024
PART_SUFFIX = ".part"
MAX_REDIRECTS = 5
USER_AGENT = f"AvatarDesktop/{__version__}"
_EXPIRED = frozenset({403, 404, 410})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_UNSATISFIED = re.compile(r"bytes \*/(\d+)")


class DownloadError(Exception):
    """The link could not be fetched; the message says why in plain words, ``status`` is the
    server's HTTP status when it answered one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LinkExpired(DownloadError):
    """The server no longer serves the link (403 / 404 / 410): result links expire."""


class LocalLinkMissing(DownloadError):
    """A link on this computer (a sandbox's) that nothing serves now: the sandbox answering
    there does not know it, or nobody answers. Not an expired link."""

    @classmethod
    def for_link(cls, url: str, status: int | None) -> LocalLinkMissing:
        where = urlsplit(url).netloc
        if status is None:
            return cls(
                f"Nobody answers at {where}: the sandbox that made this link is not running "
                "there (this is not an expired link)."
            )
        return cls(
            f"The sandbox answering at {where} does not have this video (HTTP {status}): the "
            "sandbox that made the link has moved or stopped, or it belongs to another data "
            "folder (this is not an expired link).",
            status,
        )


class DownloadCancelled(DownloadError):
    """The user cancelled; the ``.part`` file stays, so a later download resumes."""


class BadRedirect(DownloadError):
    """A redirect to an address that is not a web address (or :class:`TooManyRedirects`)."""


class TooManyRedirects(BadRedirect):
    """More than :data:`MAX_REDIRECTS` redirects."""


class TooLarge(DownloadError):
    """:func:`fetch_bytes`: the file is larger than allowed."""


SANDBOX_SERVER = "AvatarSandbox/"
"""How the sandbox (``avatar_desktop.sandbox``) names itself in its ``Server`` header."""


def _sandbox_answered(url: str, response: requests.Response) -> bool:
    """Whether a sandbox on this computer gave this answer to ``url``."""
    return is_local_link(url) and response.headers.get("Server", "").startswith(SANDBOX_SERVER)


def _nobody_answered(exc: Exception | None) -> bool:
    """Whether ``exc`` (of ``requests``) says that no connection could be made (refused):
    not a timeout, not a connection that broke off."""
    import urllib3

    reason = getattr(exc.args[0], "reason", None) if exc is not None and exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def without_credentials(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """An ``auth`` that overrides any session auth (and ~/.netrc): media hosts (inputs,
    result videos, covers) never see a credential."""
    request.headers.pop("Authorization", None)
    return request


def open_link(
    session: requests.Session,
    url: str,
    *,
    method: str = "GET",
    timeout: tuple[float, float],
    headers: Mapping[str, str] | None = None,
    on_hop: Callable[[str], None] = lambda url: None,
) -> requests.Response:
    """The streamed answer for ``url`` after at most :data:`MAX_REDIRECTS` redirects (else
    :class:`TooManyRedirects`), each to an http(s) address (else :class:`BadRedirect`); the
    caller closes it. ``on_hop(url)`` runs before each request (to cancel, or to note the
    hosts). No credential is ever sent."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        on_hop(current)
        response = session.request(
            method,
            current,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            auth=without_credentials,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        )
        location = response.headers.get("Location")
        if response.status_code not in _REDIRECT_STATUSES or not location:
            return response
        response.close()
        current = urljoin(current, location)
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadRedirect("The server redirected to an address that is not a web address.")
    raise TooManyRedirects(f"The server redirected more than {MAX_REDIRECTS} times.")


@dataclass(frozen=True)
class Progress:
    """How far a download is: bytes on disk, the total when known, and the recent speed."""

    received: int
    total: int | None
    bytes_per_second: float

    @property
    def fraction(self) -> float | None:
        return None if not self.total else min(1.0, self.received / self.total)


VARIANTS = ("default", "no_watermark", "watermarked")
"""The result videos a task may have (the keys of ``TaskRecord.video_links()``)."""
_VARIANT_SUFFIX = {"default": "", "no_watermark": "-no-watermark", "watermarked": "-watermarked"}


def part_path(destination: Path) -> Path:
    return destination.with_name(destination.name + PART_SUFFIX)


def video_file_name(task_id: str, variant: str = "default") -> str:
    """The file name a task's video is saved under: ``avatar-<task id>[-variant].mp4``.

    Task ids are case-sensitive, file names on Windows and macOS are not: an id with capital
    letters gets the start of its SHA-256 too (``avatar-AbC…-1f3e9a2c.mp4``), so two ids that
    differ only in case never share a file there (the service's own ids are lower-case)."""
    safe_id = re.sub(r"[^A-Za-z0-9._-]", "_", task_id)[:120] or "task"
    if task_id != task_id.lower():
        safe_id += "-" + hashlib.sha256(task_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"avatar-{safe_id}{_VARIANT_SUFFIX[variant]}.mp4"


def file_variant(task_id: str, path: Path) -> str:
    """Which of ``task_id``'s videos the file ``path`` is, by its name (``name (2).mp4`` too,
    see :func:`free_destination`); "default" when the name says none."""
    stem = re.sub(r" \(\d+\)$", "", Path(path).stem)
    for variant in VARIANTS:
        if stem == Path(video_file_name(task_id, variant)).stem:
            return variant
    return "default"


def destination_for(folder: Path, task_id: str, variant: str = "default") -> Path:
    """Where to save a task's video in ``folder``: where an earlier, unfinished download left
    its ``.part`` file (so it resumes), else the plain name, or ``name (2)``… when taken."""
    folder = Path(folder)
    plain = folder / video_file_name(task_id, variant)
    if part_path(plain).exists():
        return plain
    pattern = f"{glob.escape(plain.stem)} (*){plain.suffix}{PART_SUFFIX}"
    for part in sorted(folder.glob(pattern)):
        return part.with_name(part.name.removesuffix(PART_SUFFIX))
    return free_destination(folder, plain.name)


def free_destination(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2)``, ``name (3)``… when a file of that name exists."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def _total_from(response: requests.Response, offset: int) -> int | None:
    if response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        if match and match.group(3) != "*":
            return int(match.group(3))
        return None
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def _chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives. ``read1`` hands over every byte received before a connection
    drops (a plain sized read would throw the last partial piece away), so nothing already
    downloaded has to be fetched again."""
    import requests
    import urllib3

    raw = response.raw
    while True:
        try:
            chunk = raw.read1(CHUNK_BYTES, decode_content=True)
        except urllib3.exceptions.HTTPError as exc:
            raise requests.ConnectionError(str(exc)) from exc
        if not chunk:
            return
        yield chunk


def download(
    url: str,
    destination: Path,
    *,
    network: LinkNetwork = LinkNetwork(),  # noqa: B008 - frozen, so shared safely
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    attempts: int = 4,
) -> Path:
    """Save ``url`` as ``destination`` through ``network``; returns it. Raises
    :class:`LinkExpired`, :class:`LocalLinkMissing`, :class:`DownloadCancelled` or
    :class:`DownloadError`; the ``.part``
    file is kept for a later resume in every case but an expired link. ``network``'s read
    timeout is the longest stall allowed, never a limit on the whole transfer."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise DownloadError("Only web (http/https) links can be downloaded.")
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(destination)
    import requests

    # No retries of its own: resuming is done here.
    session = network.session()
    last_error: Exception | None = None
    try:
        for attempt in range(1, max(1, attempts) + 1):
            if should_stop():
                raise DownloadCancelled("Download cancelled.")
            try:
                if _fetch(session, url, part, progress, should_stop, network.timeout):
                    replace_file(part, destination)
                    log.info("saved %s", destination)
                    return destination
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                last_error = exc
                log.info("download interrupted (attempt %d): %s", attempt, type(exc).__name__)
                continue
        if is_local_link(url) and _nobody_answered(last_error):
            raise LocalLinkMissing.for_link(url, None)
        raise DownloadError(
            "The connection kept breaking; the part already saved is kept, so trying again "
            f"resumes from there ({type(last_error).__name__ if last_error else 'no answer'})."
        )
    finally:
        session.close()


def _fetch(
    session: requests.Session,
    url: str,
    part: Path,
    progress: Callable[[Progress], None] | None,
    should_stop: Callable[[], bool],
    timeout: tuple[float, float],
) -> bool:
    """One request; True when the file is complete in ``part``."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with open_link(session, url, headers=headers, timeout=timeout) as response:
        status = response.status_code
        if status in _EXPIRED and _sandbox_answered(url, response):
            raise LocalLinkMissing.for_link(url, status)
        if status in _EXPIRED:
            with contextlib.suppress(OSError):
                part.unlink()
            raise LinkExpired(
                "The link has expired: the service no longer serves this video.", status
            )
        if status == 416 and offset:
            match = _UNSATISFIED.fullmatch(response.headers.get("Content-Range", "").strip())
            if match and int(match.group(1)) == offset:
                return True  # everything was already there
            part.unlink()  # the file changed on the server: start again
            return False
        if status not in (200, 206):
            raise DownloadError(f"The server answered HTTP {status} instead of the video.", status)
        if status == 200 and offset:
            offset = 0  # the server ignored the range: start from the beginning
        total = _total_from(response, offset)
        mode = "ab" if offset else "wb"
        received = offset
        started = time.monotonic()
        with open(part, mode) as handle:
            for chunk in _chunks(response):
                if should_stop():
                    raise DownloadCancelled("Download cancelled.")
                handle.write(chunk)
                received += len(chunk)
                if progress is not None:
                    elapsed = max(time.monotonic() - started, 1e-6)
                    progress(Progress(received, total, (received - offset) / elapsed))
            handle.flush()
            os.fsync(handle.fileno())
        # Cut short without an error (fewer bytes than announced): resume.
        return total is None or received == total


def fetch_bytes(
    url: str,
    network: LinkNetwork,
    *,
    max_bytes: int,
    should_stop: Callable[[], bool] = lambda: False,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """The whole file at ``url`` (a small one: a cover) through ``network``. Raises
    :class:`LinkExpired` (403 / 404 / 410; :class:`LocalLinkMissing` for a link on this
    computer, also when nobody answers there), :class:`DownloadError` with the ``status`` of any
    other answer but 200, :class:`TooLarge` beyond ``max_bytes``, :class:`BadRedirect`,
    :class:`DownloadCancelled`, and ``requests``' errors for the network's."""
    import requests

    session = network.session()
    try:
        try:
            response = open_link(session, url, headers=headers, timeout=network.timeout)
        except requests.ConnectionError as exc:
            if is_local_link(url) and _nobody_answered(exc):
                raise LocalLinkMissing.for_link(url, None) from None
            raise
        with response:
            status = response.status_code
            if status in _EXPIRED and _sandbox_answered(url, response):
                raise LocalLinkMissing.for_link(url, status)
            if status in _EXPIRED:
                raise LinkExpired(f"The link has expired or is gone (HTTP {status}).", status)
            if status != 200:
                raise DownloadError(f"The server answered HTTP {status}.", status)
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > max_bytes:
                raise TooLarge(f"The file is larger than {max_bytes} bytes.")
            data = bytearray()
            for chunk in _chunks(response):
                if should_stop():
                    raise DownloadCancelled("Cancelled.")
                data += chunk
                if len(data) > max_bytes:
                    raise TooLarge(f"The file is larger than {max_bytes} bytes.")
            return bytes(data)
    finally:
        session.close()


__all__ = [
    "MAX_REDIRECTS",
    "PART_SUFFIX",
    "VARIANTS",
    "BadRedirect",
    "DownloadCancelled",
    "DownloadError",
    "LinkExpired",
    "LocalLinkMissing",
    "Progress",
    "TooLarge",
    "TooManyRedirects",
    "destination_for",
    "download",
    "fetch_bytes",
    "file_variant",
    "free_destination",
    "open_link",
    "part_path",
    "video_file_name",
    "without_credentials",
]
