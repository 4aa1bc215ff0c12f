"""Files on this computer where the service wants a URL (Qt-free): the one rule for both
programs.

* What a local file is: a value of ``avatar_url``, ``audio_url`` or ``create_voice.audio_url``
  that is an absolute path or a ``file://`` URI
  (:func:`~avatar_desktop.core.request.local_path`); in an import, also a path relative to the
  import file's folder (:func:`resolve_relative`).
* Where it can go (:func:`file_home`): the user's storage when one is set up; else, on the
  built-in sandbox, the sandbox itself (:class:`SandboxUploader`); else nowhere, and a local
  file is invalid with a reason saying how to set up a storage.
* Queueing reads each file (:func:`read_files`): its absolute path, size and SHA-256 are
  recorded with the outbox item; a missing or unreadable file is a problem of its field.
* Sending (:mod:`avatar_desktop.core.delivery`) checks each file again (:func:`recheck`: a file
  changed or gone since it was queued stops the item for the user), uploads it
  (:func:`upload`) and sends the body with each path replaced by the file's URL.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from avatar_desktop.core.cancel import Cancelled
from avatar_desktop.core.request import (
    WINDOWS_DRIVE,
    GenerationRequest,
    Problem,
    ProblemKind,
    ValidationError,
    local_path,
    relative_path,
)
from avatar_desktop.core.uploads import (
    LocalFile,
    Progress,
    ShouldStop,
    Storage,
    StorageError,
    StorageRefused,
    StorageSettingError,
    StorageUnreachable,
    file_digest,
    object_key,
)

if TYPE_CHECKING:
    from avatar_desktop.core.config import ServiceConfig
    from avatar_desktop.core.settings import AppSettings

LOCAL_FIELDS = ("avatar_url", "audio_url", "create_voice.audio_url")
"""The fields that may name a local file."""

NO_STORAGE_REASON = (
    "is a file on this computer, and no storage is set up to upload it to: set one with "
    "'avatar-cli config set storage.endpoint URL' and 'avatar-cli config set storage.bucket "
    "NAME', then 'avatar-cli storage login' (or Settings → Storage in the window)"
)
SANDBOX_UPLOAD_PATH = "/sandbox/upload/"
"""Where the built-in sandbox takes a file (``PUT``, loopback only); it answers its URL."""


_PATHS = tuple((name, tuple(name.split("."))) for name in LOCAL_FIELDS)


def _local_values(payload: Mapping[str, Any]) -> Iterator[tuple[str, object]]:
    """Each of :data:`LOCAL_FIELDS` with its value in ``payload`` (None when absent)."""
    for name, parts in _PATHS:
        value: object = payload
        for part in parts:
            value = value.get(part) if isinstance(value, Mapping) else None
        yield name, value


def _with_value(payload: Mapping[str, Any], name: str, new: str) -> dict[str, Any]:
    copy: dict[str, Any] = dict(payload)
    head, _, rest = name.partition(".")
    if rest:
        inner = copy.get(head)
        copy[head] = _with_value(inner if isinstance(inner, Mapping) else {}, rest, new)
    else:
        copy[head] = new
    return copy


def local_fields(payload: Mapping[str, Any]) -> dict[str, Path]:
    """The fields of a request body that name a local file, with the file (absolute)."""
    found = {}
    for name, value in _local_values(payload):
        path = local_path(value) if isinstance(value, str) else None
        if path is not None:
            found[name] = path
    return found


def resolve_relative(
    payload: Mapping[str, Any], folder: Path
) -> tuple[dict[str, Any], dict[str, Path]]:
    """``payload`` with each URL field that is a path relative to ``folder`` (an import
    file's) made absolute, and the fields whose relative value names no file there (left as
    they are: such a value is no URL either, and says both)."""
    resolved = dict(payload)
    missing: dict[str, Path] = {}
    for name, value in _local_values(payload):
        if isinstance(value, str) and relative_path(value):
            path = (folder / value).absolute()
            if path.exists():
                resolved = _with_value(resolved, name, str(path))
            else:
                missing[name] = path
    return resolved, missing


class FileHome(enum.StrEnum):
    """Where local files go when a job is sent."""

    STORAGE = "storage"
    SANDBOX = "sandbox"
    NONE = "none"


def file_home(settings: AppSettings, config: ServiceConfig) -> FileHome:
    """The user's storage when one is set up (even with a bad value: sending then says so);
    else the built-in sandbox when it is the service; else none."""
    try:
        configured = settings.storage_settings() is not None
    except StorageSettingError:
        configured = True
    if configured:
        return FileHome.STORAGE
    return FileHome.SANDBOX if config.sandbox else FileHome.NONE


def on_network(path: Path) -> bool:
    """Whether ``path`` is on another computer (``\\\\server\\share\\…``): the form does not
    look at it as the user types (a share that does not answer would hold the window for its
    whole timeout); it is read when the job is queued, off the window's thread."""
    return str(path).startswith(("\\\\", "//"))


def peek(value: str) -> tuple[Path, int | None] | None:
    """The file a field's ``value`` names (absolute) and its size (None: there is no such
    file, or it is on the network: :func:`on_network`), for the form to show; None when the
    value names no file on this computer. A look at the disk, no reading."""
    path = local_path(value.strip())
    if path is None:
        return None
    absolute = absolute_path(path)
    if on_network(absolute):
        return absolute, None
    try:
        size = absolute.stat().st_size if absolute.is_file() else None
    except OSError:
        size = None
    return absolute, size


def _file_problem(name: str, path: Path, home: FileHome) -> Problem | None:
    """What stops the local file of field ``name`` before it is even read: no home to go to,
    or no file there (None: nothing)."""
    if home is FileHome.NONE:
        return Problem(name, ProblemKind.NO_STORAGE, NO_STORAGE_REASON)
    if not path.is_file():
        return Problem(name, ProblemKind.FILE_MISSING, f"there is no file {path}", file=str(path))
    return None


def absolute_path(path: Path) -> Path:
    """``path`` (a :func:`local_path`) with ``~`` expanded, absolute; a Windows drive or
    network path read elsewhere stays as it is (it names no file here, and says so as
    written)."""
    expanded = path.expanduser()
    as_written = WINDOWS_DRIVE.match(str(expanded)) or on_network(expanded)
    return expanded if as_written else expanded.absolute()


def file_problems(payload: Mapping[str, Any], home: FileHome) -> list[Problem]:
    """What is wrong with the local files of ``payload`` without reading them (a look at the
    disk, quick enough for a form as the user types): with no storage and not on the sandbox
    (``home``), every local file; else each one that is missing or not a file (a file on the
    network is not looked at: :func:`on_network`)."""
    problems = []
    for name, path in local_fields(payload).items():
        absolute = absolute_path(path)
        if home is not FileHome.NONE and on_network(absolute):
            continue
        problem = _file_problem(name, absolute, home)
        if problem is not None:
            problems.append(problem)
    return problems


def checked_request(payload: Mapping[str, Any], home: FileHome) -> GenerationRequest:
    """The request ``payload`` describes where a URL field may name a file on this computer
    (the form's rule): valid as a request, and each local file there and able to go somewhere
    (:func:`file_problems`). Raises :class:`ValidationError` with every problem."""
    problems: list[Problem] = []
    request = None
    try:
        request = GenerationRequest.from_payload(payload, local_files=True)
    except ValidationError as exc:
        problems += exc.problems
    already = {problem.path for problem in problems}
    problems += [p for p in file_problems(payload, home) if p.path not in already]
    if problems or request is None:
        raise ValidationError(problems)
    return request


def read_files(
    payload: Mapping[str, Any],
    home: FileHome,
    should_stop: ShouldStop | None = None,
    cache: dict[Path, LocalFile] | None = None,
) -> dict[str, LocalFile]:
    """Each local file of ``payload`` read (size and SHA-256), by field; ``cache`` keeps the
    files read already (a file named by several rows is read once). Raises
    :class:`ValidationError` with a problem for each field whose file is missing or
    unreadable, or — with no storage and not on the sandbox (``home``) — for each local
    file (:func:`file_problems`)."""
    files: dict[str, LocalFile] = {}
    problems: list[Problem] = []
    for name, path in local_fields(payload).items():
        absolute = absolute_path(path)
        if cache is not None and absolute in cache and home is not FileHome.NONE:
            files[name] = cache[absolute]
            continue
        problem = _file_problem(name, absolute, home)
        if problem is not None:
            problems.append(problem)
            continue
        try:
            file = LocalFile.read(absolute, should_stop)
        except OSError as exc:
            problems.append(
                Problem(
                    name,
                    ProblemKind.FILE_UNREADABLE,
                    f"the file {absolute} cannot be read ({exc.strerror or exc})",
                    file=str(absolute),
                )
            )
            continue
        if cache is not None:
            cache[absolute] = file
        files[name] = file
    if problems:
        raise ValidationError(problems)
    return files


def files_to_json(files: Mapping[str, LocalFile]) -> str | None:
    """The files as stored with an outbox item (None: none)."""
    if not files:
        return None
    return json.dumps(
        {
            name: {"path": str(file.path), "size": file.size, "sha256": file.sha256}
            for name, file in files.items()
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def files_from_json(text: str | None) -> dict[str, LocalFile]:
    if not text:
        return {}
    stored = json.loads(text)
    return {
        name: LocalFile(Path(value["path"]), int(value["size"]), str(value["sha256"]))
        for name, value in stored.items()
    }


# --- sending -----------------------------------------------------------------------------------


class FileChanged(Exception):
    """A local file changed or disappeared since its job was queued: nothing is uploaded or
    sent; the user checks it and queues the job again. ``str()`` names the file."""


def recheck(files: Mapping[str, LocalFile], should_stop: ShouldStop | None = None) -> None:
    """Raise :class:`FileChanged` when a file is gone or differs (SHA-256) from when it was
    queued."""
    for name, file in files.items():
        try:
            size, sha256 = file_digest(file.path, should_stop)
        except FileNotFoundError:
            raise FileChanged(
                f"{name}: the file {file.path} is gone since the job was queued; nothing was "
                "uploaded or sent"
            ) from None
        except OSError as exc:
            raise FileChanged(
                f"{name}: the file {file.path} cannot be read any more "
                f"({exc.strerror or exc}); nothing was uploaded or sent"
            ) from None
        if (size, sha256) != (file.size, file.sha256):
            raise FileChanged(
                f"{name}: the file {file.path} changed since the job was queued; check it and "
                "queue the job again (nothing was uploaded or sent)"
            )


class Uploader(Protocol):
    """Puts a local file where the service can fetch it and returns that URL."""

    def put(self, file: LocalFile, progress: Progress | None, should_stop: ShouldStop) -> str: ...


@dataclass
class StorageUploader:
    """The user's storage (:class:`~avatar_desktop.core.uploads.Storage`)."""

    storage: Storage

    def put(self, file: LocalFile, progress: Progress | None, should_stop: ShouldStop) -> str:
        key = self.storage.put_file(file.path, file.sha256, file.size, progress, should_stop)
        return self.storage.url_for(key)


class _ProgressReader:
    """A file handed to ``requests`` as a body of known length, reporting progress."""

    def __init__(self, path: Path, size: int, progress: Progress | None, stop: ShouldStop):
        self._handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._size = size
        self._done = 0
        self._progress = progress
        self._stop = stop

    def __len__(self) -> int:
        return self._size

    def read(self, size: int = -1) -> bytes:
        if self._stop():
            raise Cancelled
        data = self._handle.read(size)
        self._done += len(data)
        if self._progress is not None and data:
            self._progress(self._done, self._size)
        return data

    def close(self) -> None:
        self._handle.close()


@dataclass
class SandboxUploader:
    """The built-in sandbox as the files' home (no storage set up): the file is ``PUT`` to
    the sandbox on this computer, which serves it back at the URL it answers. Only ever made
    for the sandbox (:func:`uploader_factory`): the real service never gets files this way."""

    base_url: str

    def put(self, file: LocalFile, progress: Progress | None, should_stop: ShouldStop) -> str:
        import requests

        name = object_key("", file.sha256, file.path)
        body = _ProgressReader(file.path, file.size, progress, should_stop)
        session = requests.Session()
        session.trust_env = False  # the sandbox is on this computer: never through a proxy
        try:
            answer = session.put(
                f"{self.base_url.rstrip('/')}{SANDBOX_UPLOAD_PATH}{quote(name)}",
                data=body,
                timeout=(10, 120),
            )
        except requests.RequestException as exc:
            raise StorageUnreachable(f"the sandbox could not be reached: {exc}") from None
        finally:
            body.close()
            session.close()
        if answer.status_code >= 500:
            raise StorageUnreachable(f"the sandbox answered HTTP {answer.status_code}")
        try:
            url = answer.json()["url"]
        except (ValueError, KeyError, TypeError):
            url = None
        if answer.status_code != 200 or not isinstance(url, str):
            raise StorageError(f"the sandbox did not take the file (HTTP {answer.status_code})")
        return url


def uploader_factory(settings: AppSettings, config: ServiceConfig) -> Callable[[], Uploader]:
    """What uploads the files of items sent to ``config``'s service, made when an item with
    files is sent (on the sender's thread: it reads the keyring). Raises
    :class:`~avatar_desktop.core.uploads.StorageRefused` when the storage cannot be used
    (a bad setting, no key pair), naming it."""

    def make() -> Uploader:
        home = file_home(settings, config)
        if home is FileHome.SANDBOX:
            return SandboxUploader(config.request_url)
        if home is FileHome.NONE:
            raise StorageRefused("no storage is set up to upload local files to")
        from avatar_desktop.core.vault import SecretStoreError, StorageKeyVault

        try:
            storage_settings = settings.storage_settings()
        except StorageSettingError as exc:
            raise StorageRefused(f"the storage settings cannot be used: {exc}") from None
        assert storage_settings is not None
        try:
            keys = StorageKeyVault().load()
        except SecretStoreError as exc:
            raise StorageRefused(exc.user_message) from None
        if keys is None:
            raise StorageRefused(
                "there are no storage keys: run 'avatar-cli storage login' or set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            )
        return StorageUploader(Storage(storage_settings, keys, config.link_network()))

    return make


FileProgress = Callable[[str, int, int], None]
"""``progress(field, bytes_done, total)`` of one item's upload."""


def upload(
    payload: Mapping[str, Any],
    files: Mapping[str, LocalFile],
    uploader: Uploader,
    progress: FileProgress | None = None,
    should_stop: ShouldStop = lambda: False,
) -> dict[str, Any]:
    """Upload each file (one that several fields name, once) and return the body to send:
    ``payload`` with each path replaced by the file's URL. Raises what the uploader raises
    (:class:`~avatar_desktop.core.uploads.StorageError` and its kinds, ``OSError``,
    :class:`~avatar_desktop.core.cancel.Cancelled`)."""
    urls: dict[str, str] = {}
    body = dict(payload)
    for name, file in files.items():
        if file.sha256 not in urls:

            def report(done: int, total: int, name: str = name) -> None:
                if progress is not None:
                    progress(name, done, total)

            urls[file.sha256] = uploader.put(file, report, should_stop)
        body = _with_value(body, name, urls[file.sha256])
    return body


__all__ = [
    "LOCAL_FIELDS",
    "NO_STORAGE_REASON",
    "SANDBOX_UPLOAD_PATH",
    "FileChanged",
    "FileHome",
    "FileProgress",
    "SandboxUploader",
    "StorageUploader",
    "Uploader",
    "absolute_path",
    "checked_request",
    "file_home",
    "file_problems",
    "files_from_json",
    "files_to_json",
    "local_fields",
    "peek",
    "read_files",
    "recheck",
    "resolve_relative",
    "upload",
    "uploader_factory",
]
