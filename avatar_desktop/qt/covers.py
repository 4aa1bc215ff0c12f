"""Cover pictures of finished tasks: fetched in the background, kept in memory and on disk.

:class:`CoverLoader` downloads a cover link (``http``/``https`` only, TLS verified, never with
the API token or any other credentials: cover links are public CDN links) through the core's
one stack for links (:func:`~avatar_desktop.core.downloads.fetch_bytes`: the proxy and timeouts
of the settings, redirects), caps its size, decodes it to a ``QImage`` on a worker thread and
hands it to the UI thread through a signal. Pictures are cached in memory (the most recently
used few dozen) and on disk (one file per link, named by the SHA-256 of the link, the folder
kept under a size cap), so showing a task again costs no request.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QImage, QImageReader

from avatar_desktop.core.cancel import CancelToken
from avatar_desktop.core.config import LinkNetwork
from avatar_desktop.core.downloads import (
    BadRedirect,
    DownloadCancelled,
    DownloadError,
    LocalLinkMissing,
    TooLarge,
    TooManyRedirects,
    fetch_bytes,
)
from avatar_desktop.qt.runner import Runner

log = logging.getLogger("avatar_desktop.qt.covers")

MAX_COVER_BYTES = 10 * 1024 * 1024
"""A cover larger than this is not downloaded."""
MEMORY_IMAGES = 50
"""Decoded pictures kept in memory (least recently used go first)..."""
MEMORY_BYTES = 96 * 1024 * 1024
"""... and at most this many bytes of them."""
DISK_CACHE_BYTES = 100 * 1024 * 1024
"""The cache folder is trimmed (oldest used first) to stay under this size."""
MAX_SIDE = 2048
"""A larger picture is decoded scaled down to fit in MAX_SIDE × MAX_SIDE (less memory)."""
_CACHE_NAME = re.compile(r"[0-9a-f]{64}")


def default_cover_dir() -> Path:
    """Where the window keeps cover pictures: ``covers`` in the platform's cache folder, or in
    ``AVATAR_DESKTOP_DATA_DIR`` when that override is set (tests, portable use). Call it once a
    ``QApplication`` (with its organisation and application names) exists."""
    override = os.environ.get("AVATAR_DESKTOP_DATA_DIR")
    if override:
        return Path(override).expanduser() / "covers"
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base) / "covers"


def cache_file_name(url: str) -> str:
    """The cache file of ``url``: the hex SHA-256 of the link (no extension)."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def is_web_link(url: object) -> bool:
    """Whether ``url`` is an ``http``/``https`` link with a host (nothing else is fetched)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


# --- the work done off the UI thread ----------------------------------------------------------


@dataclass(frozen=True)
class _Failure:
    """Why a cover could not be had; turned into words on the UI thread."""

    kind: str  # "scheme", "http", "missing", "too_large", "network", "redirects", "unsupported",
    # "unreadable"
    detail: str = ""


def _decode(data: bytes) -> QImage | _Failure:
    """``data`` as a picture (scaled down when larger than MAX_SIDE), or why not."""
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > MAX_SIDE or size.height() > MAX_SIDE):
        reader.setScaledSize(size.scaled(MAX_SIDE, MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    buffer.close()
    if not image.isNull():
        return image
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and not webp_supported():
        return _Failure("unsupported", "webp")
    return _Failure("unreadable", reader.errorString())


def webp_supported() -> bool:
    """Whether this Qt can decode WebP pictures (its ``imageformats`` plugin is present)."""
    return QByteArray(b"webp") in QImageReader.supportedImageFormats()


class _DiskCache:
    """Encoded cover files in one folder, trimmed to a total size. Thread-safe."""

    def __init__(self, folder: Path | None, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def read(self, url: str, max_bytes: int) -> bytes | None:
        if self.folder is None:
            return None
        path = self.folder / cache_file_name(url)
        try:
            if path.stat().st_size > max_bytes:
                return None
            data = path.read_bytes()
            os.utime(path)  # recently used: trimmed last
        except OSError:
            return None
        return data

    def forget(self, url: str) -> None:
        if self.folder is not None:
            with contextlib.suppress(OSError):
                (self.folder / cache_file_name(url)).unlink()

    def write(self, url: str, data: bytes) -> None:
        if self.folder is None:
            return
        with self._lock:
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".cover-")  # mode 0600
                try:
                    with os.fdopen(handle, "wb") as file:
                        file.write(data)
                    os.replace(temp, self.folder / cache_file_name(url))
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
                    raise
                self._trim()
            except OSError as exc:
                log.warning("could not keep a cover in %s: %s", self.folder, exc)

    def _trim(self) -> None:
        assert self.folder is not None
        files: list[tuple[float, int, Path]] = []
        for entry in os.scandir(self.folder):
            if entry.is_file() and _CACHE_NAME.fullmatch(entry.name):
                stat = entry.stat()
                files.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


def _download(
    url: str, network: LinkNetwork, max_bytes: int, should_stop: Callable[[], bool]
) -> bytes | _Failure:
    """The bytes at ``url``, or why not."""
    import requests  # here: the window starts without it

    try:
        return fetch_bytes(
            url,
            network,
            max_bytes=max_bytes,
            should_stop=should_stop,
            headers={"Accept": "image/webp,image/*;q=0.8"},
        )
    except DownloadCancelled:
        return _Failure("network", "cancelled")
    except TooLarge:
        return _Failure("too_large")
    except TooManyRedirects:
        return _Failure("redirects")
    except BadRedirect:
        return _Failure("scheme")
    except LocalLinkMissing:
        return _Failure("missing")
    except DownloadError as exc:
        return _Failure("http", str(exc.status))
    except requests.RequestException as exc:
        return _Failure("network", type(exc).__name__)


def _fetch_cover(
    url: str,
    disk: _DiskCache,
    network: LinkNetwork,
    max_bytes: int,
    should_stop: Callable[[], bool] = lambda: False,
    resolve_link: Callable[[str], str] = lambda link: link,
) -> QImage | _Failure:
    """The picture at ``url`` from the disk cache, else from the network (then cached), where
    ``resolve_link`` says the link is reached now."""
    if not is_web_link(url):
        return _Failure("scheme")
    cached = disk.read(url, max_bytes)
    if cached is not None:
        image = _decode(cached)
        if isinstance(image, QImage):
            return image
        disk.forget(url)  # damaged: fetch it again
    data = _download(resolve_link(url), network, max_bytes, should_stop)
    if isinstance(data, _Failure):
        return data
    image = _decode(data)
    if isinstance(image, QImage):
        disk.write(url, data)
    return image


# --- the loader -------------------------------------------------------------------------------


class CoverLoader(QObject):
    """Loads cover pictures in the background; never blocks the UI thread.

    ``cache_dir`` is the folder of the disk cache (created private to the user when first
    written; None: memory only). :meth:`request` answers through a signal, always later (never
    from inside the call); a link asked for again while it loads is fetched once. The newest
    request is served first, on the covers lane of ``runner`` (the window's; without one the
    loader has its own); ``resolve_link`` says where a link is reached now (the built-in
    sandbox's links where it answers in this run), the cache keeps the link as recorded. Call
    :meth:`shutdown` before the application quits.

    Signals:
        ``loaded(str url, QImage image)``: the picture of ``url``.
        ``failed(str url, str message)``: why it cannot be shown, in the user's language.
    """

    loaded = Signal(str, QImage)
    failed = Signal(str, str)

    def __init__(
        self,
        cache_dir: Path | None,
        parent: QObject | None = None,
        *,
        network: LinkNetwork = LinkNetwork(),  # noqa: B008 - frozen, so shared safely
        max_bytes: int = MAX_COVER_BYTES,
        memory_images: int = MEMORY_IMAGES,
        memory_bytes: int = MEMORY_BYTES,
        disk_bytes: int = DISK_CACHE_BYTES,
        runner: Runner | None = None,
        resolve_link: Callable[[str], str] = lambda link: link,
    ) -> None:
        super().__init__(parent)
        self._resolve_link = resolve_link
        self._own_runner = runner is None
        self._runner = runner if runner is not None else Runner(self)
        self._disk = _DiskCache(None if cache_dir is None else Path(cache_dir), disk_bytes)
        self._network = network
        self.max_bytes = max_bytes
        self.memory_images = memory_images
        self.memory_bytes = memory_bytes
        self._memory: OrderedDict[str, QImage] = OrderedDict()
        self._loading: set[str] = set()
        self._closing = False

    @property
    def cache_dir(self) -> Path | None:
        return self._disk.folder

    def set_network(self, network: LinkNetwork) -> None:
        """Fetch later covers through ``network`` (:meth:`ServiceConfig.link_network`)."""
        self._network = network

    def cached(self, url: str) -> QImage | None:
        """The picture of ``url`` when it is in memory (no request), else None."""
        image = self._memory.get(url)
        if image is not None:
            self._memory.move_to_end(url)
        return image

    def is_loading(self, url: str) -> bool:
        return url in self._loading

    def request(self, url: str) -> None:
        """Load ``url``; ``loaded`` or ``failed`` follows (from the event loop)."""
        if self._closing:
            return
        image = self.cached(url)
        if image is not None:
            QTimer.singleShot(0, self, lambda: self.loaded.emit(url, image))
            return
        if url in self._loading:
            return
        self._loading.add(url)
        disk, network, limit = self._disk, self._network, self.max_bytes
        resolve = self._resolve_link

        def work(cancel: CancelToken) -> QImage | _Failure:
            return _fetch_cover(url, disk, network, limit, cancel.should_stop, resolve)

        def failed(exc: Exception) -> None:
            log.error("loading a cover failed", exc_info=exc)
            self._on_done(url, _Failure("unreadable", type(exc).__name__))

        self._runner.submit("covers", work, lambda result: self._on_done(url, result), failed)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Start nothing more and show nothing more; a loader with its own runner shuts it
        down (waiting briefly for the loads under way); True when none is left."""
        self._closing = True
        return self._runner.shutdown(timeout_ms) if self._own_runner else True

    def _on_done(self, url: str, result: object) -> None:
        self._loading.discard(url)
        if self._closing:
            return
        if isinstance(result, QImage):
            self._memory[url] = result
            self._memory.move_to_end(url)
            self._trim_memory()
            self.loaded.emit(url, result)
            return
        failure = result if isinstance(result, _Failure) else _Failure("unreadable")
        log.info("cover %s not loaded: %s %s", url, failure.kind, failure.detail)
        self.failed.emit(url, self.failure_text(failure))

    def _trim_memory(self) -> None:
        total = sum(image.sizeInBytes() for image in self._memory.values())
        while len(self._memory) > 1 and (
            len(self._memory) > self.memory_images or total > self.memory_bytes
        ):
            _, dropped = self._memory.popitem(last=False)
            total -= dropped.sizeInBytes()

    def failure_text(self, failure: _Failure) -> str:
        kind, detail = failure.kind, failure.detail
        if kind == "scheme":
            return self.tr("The cover link is not a web (http/https) link; it is not loaded.")
        if kind == "http":
            if detail in ("403", "404", "410"):
                return self.tr("The cover link has expired or is gone (HTTP %1).").replace(
                    "%1", detail
                )
            return self.tr("The server answered HTTP %1 instead of the cover.").replace(
                "%1", detail
            )
        if kind == "too_large":
            return self.tr("The cover is larger than %1 MB; it is not loaded.").replace(
                "%1", str(self.max_bytes // (1024 * 1024))
            )
        if kind == "network":
            return self.tr("The cover could not be downloaded (%1).").replace("%1", detail)
        if kind == "redirects":
            return self.tr("The cover link redirects too many times.")
        if kind == "missing":
            return self.tr(
                "No sandbox on this computer serves this cover now: the sandbox that made the "
                "link has moved or stopped (the link has not expired)."
            )
        if kind == "unsupported":
            return self.tr("This system cannot show WebP pictures, so the cover cannot be shown.")
        return self.tr("The cover is not a picture this app can read.")


__all__ = [
    "DISK_CACHE_BYTES",
    "MAX_COVER_BYTES",
    "MEMORY_BYTES",
    "MEMORY_IMAGES",
    "CoverLoader",
    "cache_file_name",
    "default_cover_dir",
    "is_web_link",
    "webp_supported",
]
