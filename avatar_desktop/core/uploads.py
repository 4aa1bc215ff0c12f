"""The user's own S3-compatible storage, where local files are put before a job that uses them
is sent (Qt-free).

The service takes only URLs, so a local picture, clip or voice sample is uploaded to a bucket
the user owns (AWS S3, Cloudflare R2, Backblaze B2, MinIO, Aliyun OSS, Tencent COS …) and the
service is given a presigned GET URL, or the public base URL followed by the object's key.
The rules live here once, for the window and ``avatar-cli``:

- :class:`StorageSettings`: what a storage is, each value checked (a remote endpoint is
  https, http only to this computer; S3's bucket-name rules; a prefix without a leading slash;
  1 to 7 days for a presigned URL, SigV4's most).
- :func:`object_key`: ``PREFIX`` + the file's SHA-256 + its extension in lower case, so a file
  is stored once however many jobs use it; :meth:`Storage.put_file` asks (HEAD) whether an
  object of that size is there before uploading, and uploads large files in parts.
- :meth:`Storage.test`: write, read back and delete a small object, naming the step that failed
  and its kind (:class:`StorageTestResult`).
- Errors as :class:`StorageUnreachable` (retry later), :class:`StorageRefused` (the storage —
  not the service's token — refused the key pair, access, or the bucket) and
  :class:`StorageError`; none ever holds a key or a signature.

The key pair comes from :class:`~avatar_desktop.core.vault.StorageKeyVault` (the keyring, or
the ``AWS_*`` variables). The S3 client, ``minio``, is imported only by the calls that talk to
the storage, so start-up and the commands that upload nothing do not load it.
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import mimetypes
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import quote, urlsplit

from avatar_desktop.core.cancel import Cancelled
from avatar_desktop.core.config import LinkNetwork
from avatar_desktop.core.redact import LOG_REDACTOR, Redactor
from avatar_desktop.core.service import BaseUrlError, is_loopback_host, normalize_base_url

if TYPE_CHECKING:
    import urllib3
    from minio import Minio

    from avatar_desktop.core.vault import StorageKeys

MiB = 1024 * 1024
MULTIPART_THRESHOLD = 16 * MiB
"""Files larger than this go in a multipart upload."""
PART_SIZE = 8 * MiB
"""The size of each part of a multipart upload."""
MIN_PART_SIZE = 5 * MiB
"""S3's smallest part (but the last)."""
URL_DAYS_RANGE = (1, 7)
"""How long a presigned URL is valid, in days: SigV4 allows seven at most."""
DEFAULT_URL_DAYS = 7
DEFAULT_REGION = "us-east-1"
"""The region signed for when none is set (what most S3-compatible services accept)."""
HASH_CHUNK = 1 * MiB

Progress = Callable[[int, int], None]
"""``progress(bytes_done, total)``."""
ShouldStop = Callable[[], bool]


# --- the settings ------------------------------------------------------------------------------


class Addressing(enum.StrEnum):
    """How the bucket is named in a request: ``https://host/bucket/key`` or
    ``https://bucket.host/key``."""

    PATH = "path"
    VIRTUAL = "virtual"


class StorageProblem(enum.StrEnum):
    """Why a storage setting cannot be used (the values match
    :class:`~avatar_desktop.core.settings.SettingProblem`'s)."""

    NOT_HTTPS = "not_https"
    BAD_ADDRESS = "bad_address"
    BAD_BUCKET = "bad_bucket"
    BAD_PREFIX = "bad_prefix"
    BAD_REGION = "bad_region"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_CHOICE = "unknown_choice"


class StorageSettingError(ValueError):
    """A storage setting that cannot be used; ``str()`` says why in English."""

    def __init__(self, problem: StorageProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def _address(text: str, what: str, example: str) -> str:
    """``text`` as an address by the service's rules (https, http only to this computer)."""
    try:
        url = normalize_base_url(text)
    except BaseUrlError:
        if text.strip().lower().startswith("http://"):
            raise StorageSettingError(
                StorageProblem.NOT_HTTPS,
                f"the {what} must use https:// (plain http:// is allowed only for this computer)",
            ) from None
        raise StorageSettingError(
            StorageProblem.BAD_ADDRESS, f"enter the {what} as a full address, such as {example}"
        ) from None
    return url


def check_endpoint(text: str) -> str:
    """The storage's address (``https://host[:port]``, no path), normalised."""
    example = "https://s3.eu-west-1.amazonaws.com"
    url = _address(text, "storage address", example)
    if urlsplit(url).path:
        raise StorageSettingError(
            StorageProblem.BAD_ADDRESS,
            f"the storage address is a host only, without a path (such as {example}); the "
            "bucket is set on its own",
        )
    return url


def check_public_base_url(text: str) -> str:
    """The address the bucket's objects are public under (empty: presigned URLs instead)."""
    if not text.strip():
        return ""
    return _address(text, "public base URL", "https://media.example.com/uploads")


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def check_bucket(text: str) -> str:
    """A bucket name by S3's rules: 3 to 63 lower-case letters, digits, dots and hyphens,
    starting and ending with a letter or digit, no ``..``, not an IP address."""
    name = text.strip()
    bad = not _BUCKET.fullmatch(name) or ".." in name or ".-" in name or "-." in name
    if not bad:
        try:
            ipaddress.ip_address(name)
            bad = True
        except ValueError:
            pass
    if bad:
        raise StorageSettingError(
            StorageProblem.BAD_BUCKET,
            "a bucket name is 3 to 63 lower-case letters, digits, dots and hyphens, starting "
            "and ending with a letter or digit",
        )
    return name


def check_prefix(text: str) -> str:
    """The start of every object's key (may be empty; end it with ``/`` for a folder)."""
    prefix = text.strip()
    if prefix.startswith("/") or "\\" in prefix or ".." in prefix.split("/"):
        raise StorageSettingError(
            StorageProblem.BAD_PREFIX,
            "the prefix is a path inside the bucket such as uploads/, without a leading /, "
            "backslashes or ..",
        )
    if len(prefix.encode("utf-8")) > 512 or any(not ch.isprintable() for ch in prefix):
        raise StorageSettingError(
            StorageProblem.BAD_PREFIX,
            "the prefix must be at most 512 bytes of printable characters",
        )
    return prefix


_REGION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def check_region(text: str) -> str:
    """A region name such as ``eu-west-1``, ``auto`` or ``oss-cn-hangzhou`` (may be empty:
    :data:`DEFAULT_REGION`)."""
    region = text.strip()
    if region and not _REGION.fullmatch(region):
        raise StorageSettingError(
            StorageProblem.BAD_REGION,
            "a region is a name such as eu-west-1 or auto (letters, digits, - and _)",
        )
    return region


def check_url_days(days: int) -> int:
    low, high = URL_DAYS_RANGE
    if not low <= days <= high:
        raise StorageSettingError(
            StorageProblem.OUT_OF_RANGE, f"use a whole number of days from {low} to {high}"
        )
    return days


def check_addressing(text: str) -> Addressing:
    try:
        return Addressing(text.strip().lower())
    except ValueError:
        raise StorageSettingError(StorageProblem.UNKNOWN_CHOICE, "use path or virtual") from None


@dataclass(frozen=True)
class StorageSettings:
    """One storage, every value checked (and normalised) on creation; raises
    :class:`StorageSettingError`."""

    endpoint: str
    bucket: str
    region: str = ""
    prefix: str = ""
    addressing: Addressing = Addressing.PATH
    url_days: int = DEFAULT_URL_DAYS
    public_base_url: str = ""

    def __post_init__(self) -> None:
        values = {
            "endpoint": check_endpoint(self.endpoint),
            "bucket": check_bucket(self.bucket),
            "region": check_region(self.region),
            "prefix": check_prefix(self.prefix),
            "addressing": check_addressing(str(self.addressing)),
            "url_days": check_url_days(self.url_days),
            "public_base_url": check_public_base_url(self.public_base_url),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        if (
            self.addressing is Addressing.VIRTUAL
            and "." in self.bucket
            and self.endpoint.startswith("https:")
        ):
            raise StorageSettingError(
                StorageProblem.BAD_BUCKET,
                "a bucket name with dots cannot be reached by virtual-host addressing over "
                "https (its certificate does not cover it): use path addressing",
            )

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).hostname or ""

    @property
    def is_local(self) -> bool:
        """Whether the storage is on this computer (reached directly, never through a proxy)."""
        return is_loopback_host(self.host)

    @property
    def region_name(self) -> str:
        return self.region or DEFAULT_REGION


# --- files and keys ---------------------------------------------------------------------------


def file_digest(path: Path, should_stop: ShouldStop | None = None) -> tuple[int, str]:
    """``(size, sha256 hex)`` of the file, read in chunks; raises ``OSError`` when it cannot be
    read, :class:`~avatar_desktop.core.cancel.Cancelled` when ``should_stop()`` says so."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            if should_stop is not None and should_stop():
                raise Cancelled
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


@dataclass(frozen=True)
class LocalFile:
    """A file on this computer, as a job records it: its absolute path, size and SHA-256."""

    path: Path
    size: int
    sha256: str

    @classmethod
    def read(cls, path: Path, should_stop: ShouldStop | None = None) -> LocalFile:
        """The file at ``path`` (made absolute) with its size and SHA-256 (:func:`file_digest`)."""
        absolute = Path(path).expanduser().absolute()
        size, sha256 = file_digest(absolute, should_stop)
        return cls(absolute, size, sha256)


_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,16}")


def object_key(prefix: str, sha256: str, name: str | Path) -> str:
    """``prefix`` + ``sha256`` + the extension of ``name`` in lower case (``.jpg``); an
    extension of other characters than letters and digits is left out."""
    digest = sha256.lower()
    if not _SHA256.fullmatch(digest):
        raise ValueError("not a SHA-256 in hex")
    extension = Path(name).suffix.lower()
    return prefix + digest + (extension if _EXTENSION.fullmatch(extension) else "")


# --- errors and the test -----------------------------------------------------------------------


class StorageError(Exception):
    """The storage failed in another way (:attr:`detail`: plain English, no key, no
    signature)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class StorageUnreachable(StorageError):
    """The storage could not be reached, or answered that it is busy or broken: try later."""


class StorageRefused(StorageError):
    """The storage refused the key pair or the access, or has no such bucket: nothing will
    work until the user fixes its settings or keys (the service's token is not concerned)."""


class FailureKind(enum.StrEnum):
    """What kind of failure a :class:`StorageTestResult` reports."""

    UNREACHABLE = "unreachable"
    REFUSED = "refused"
    OTHER = "other"


class TestStep(enum.StrEnum):
    """The steps of :meth:`Storage.test`, in order."""

    __test__ = False  # not a pytest test class

    CONNECT = "connect"
    """Reach the storage and ask for the (missing) test object."""
    WRITE = "write"
    READ = "read"
    DELETE = "delete"


STEP_WORDS = {
    TestStep.CONNECT: "connecting to the storage",
    TestStep.WRITE: "writing a test object",
    TestStep.READ: "reading the test object back",
    TestStep.DELETE: "deleting the test object",
}
KIND_WORDS = {
    FailureKind.UNREACHABLE: "the storage could not be reached",
    FailureKind.REFUSED: "the storage refused the key pair or the access, or the bucket is missing",
    FailureKind.OTHER: "the storage failed",
}


def failure_kind(error: StorageError) -> FailureKind:
    if isinstance(error, StorageUnreachable):
        return FailureKind.UNREACHABLE
    if isinstance(error, StorageRefused):
        return FailureKind.REFUSED
    return FailureKind.OTHER


@dataclass(frozen=True)
class StorageTestResult:
    """What :meth:`Storage.test` found: ok, or the step that failed, the kind of failure and
    the storage's own words (:attr:`detail`, redacted). The window words :attr:`step` and
    :attr:`kind` in the user's language; :attr:`message` is plain English."""

    step: TestStep | None = None
    kind: FailureKind | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.step is None

    @property
    def message(self) -> str:
        if self.step is None or self.kind is None:
            return "The storage works: a test object was written, read back and deleted."
        text = f"Failed while {STEP_WORDS[self.step]}: {KIND_WORDS[self.kind]}."
        return f"{text} ({self.detail})" if self.detail else text


# --- the storage ------------------------------------------------------------------------------

_REFUSED_CODES = frozenset(
    {
        "AccessDenied",
        "AccountProblem",
        "AllAccessDisabled",
        "AuthorizationHeaderMalformed",
        "ExpiredToken",
        "InvalidAccessKeyId",
        "InvalidBucketName",
        "InvalidToken",
        "NoSuchBucket",
        "NotSignedUp",
        "SignatureDoesNotMatch",
        "TokenRefreshRequired",
        "InvalidRegion",
        "PermanentRedirect",
    }
)
_MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "ResourceNotFound"})
_BUSY_CODES = frozenset({"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout"})


class _FileUnreadable(Exception):
    """The file broke off while it was read for the upload (carries the ``OSError``)."""


class _Reader:
    """A file handed to the S3 client: reports progress as the client reads it and stops when
    asked to (the client then aborts a multipart upload)."""

    def __init__(
        self,
        handle: BinaryIO,
        total: int,
        progress: Progress | None,
        should_stop: ShouldStop | None,
    ) -> None:
        self._handle = handle
        self._total = total
        self._done = 0
        self._progress = progress
        self._should_stop = should_stop

    def read(self, size: int = -1) -> bytes:
        if self._should_stop is not None and self._should_stop():
            raise Cancelled
        try:
            data = self._handle.read(size)
        except OSError as exc:  # the file's fault, not the storage's
            raise _FileUnreadable(exc) from exc
        self._done += len(data)
        if self._progress is not None and data:
            self._progress(self._done, self._total)
        return data


@dataclass
class Storage:
    """The user's storage with its key pair; blocking: call from a worker thread.

    ``network`` is the app's way to public links (its proxy setting and timeouts,
    :func:`~avatar_desktop.core.config.link_network`); a storage on this computer is always
    reached directly. TLS certificates are always checked.
    """

    settings: StorageSettings
    keys: StorageKeys = field(repr=False)
    network: LinkNetwork = field(default_factory=LinkNetwork)
    multipart_threshold: int = MULTIPART_THRESHOLD
    part_size: int = PART_SIZE
    redactor: Redactor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.redactor = Redactor(self.keys.secrets(), signatures=True)
        for secret in self.keys.secrets():
            LOG_REDACTOR.add(secret)
        self._client: Minio | None = None

    # -- the client --

    def _pool(self) -> urllib3.PoolManager:
        import certifi
        import urllib3

        options: dict[str, object] = {
            "timeout": urllib3.Timeout(
                connect=self.network.connect_seconds, read=self.network.read_seconds
            ),
            "maxsize": 4,
            "cert_reqs": "CERT_REQUIRED",
            "ca_certs": os.environ.get("SSL_CERT_FILE") or certifi.where(),
            "retries": urllib3.Retry(
                total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]
            ),
        }
        proxy = self._proxy()
        if not proxy:
            return urllib3.PoolManager(**options)  # type: ignore[arg-type]
        if proxy.lower().startswith("socks"):
            try:
                from urllib3.contrib.socks import SOCKSProxyManager
            except ImportError:  # PySocks is not installed
                raise StorageError(
                    "a SOCKS proxy needs the PySocks package, which is not installed"
                ) from None
            return SOCKSProxyManager(proxy, **options)  # type: ignore[arg-type]
        return urllib3.ProxyManager(proxy, **options)  # type: ignore[arg-type]

    def _proxy(self) -> str | None:
        """The proxy the storage is reached through, under the app's proxy setting."""
        import urllib.request

        if self.settings.is_local:
            return None
        scheme = urlsplit(self.settings.endpoint).scheme
        if self.network.proxies is not None and not self.network.use_system_proxy:
            return self.network.proxies.get(scheme) or None
        if self.network.use_system_proxy:
            if urllib.request.proxy_bypass(self.settings.host):
                return None
            return urllib.request.getproxies().get(scheme) or None
        return None

    def _minio(self) -> Minio:
        if self._client is None:
            from minio import Minio

            parts = urlsplit(self.settings.endpoint)
            client = Minio(
                parts.netloc,
                access_key=self.keys.access_key_id,
                secret_key=self.keys.secret_access_key,
                session_token=self.keys.session_token,
                secure=parts.scheme == "https",
                region=self.settings.region_name,
                http_client=self._pool(),
            )
            if self.settings.addressing is Addressing.VIRTUAL:
                client.enable_virtual_style_endpoint()  # type: ignore[no-untyped-call]
            else:
                client.disable_virtual_style_endpoint()  # type: ignore[no-untyped-call]
            self._client = client
        return self._client

    def _error(self, exc: BaseException) -> StorageError:
        """The typed error of something the S3 client raised (its words redacted)."""
        import urllib3.exceptions
        from minio.error import InvalidResponseError, S3Error, ServerError

        if isinstance(exc, StorageError):
            return exc
        if isinstance(exc, S3Error):
            detail = self.redactor.text(f"{exc.code}: {exc.message}")
            if exc.code in _REFUSED_CODES:
                return StorageRefused(detail)
            if exc.code in _BUSY_CODES:
                return StorageUnreachable(detail)
            return StorageError(detail)
        if isinstance(exc, ServerError):
            return StorageUnreachable(f"the storage answered HTTP {exc.status_code}")
        if isinstance(exc, InvalidResponseError):
            status = getattr(exc, "_code", 0)
            detail = f"the storage answered HTTP {status} with something that is not S3's XML"
            if status in (401, 403):
                return StorageRefused(detail)
            if status >= 500 or status in (408, 429):
                return StorageUnreachable(detail)
            return StorageError(detail)
        if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
            reason = getattr(exc, "reason", None) or exc
            return StorageUnreachable(self.redactor.text(f"{type(reason).__name__}: {reason}"))
        return StorageError(self.redactor.text(f"{type(exc).__name__}: {exc}"))

    def _stored_size(self, key: str) -> int | None:
        """The size of the object ``key``, or None when there is none or the storage does not
        say (HEAD). A HEAD answer has no body: a 403 may mean a wrong key pair or only a key
        without the right to list the bucket (S3 then answers 403 for a missing object), so
        the upload goes ahead and its own answer says which."""
        from minio.error import S3Error

        try:
            return self._minio().stat_object(self.settings.bucket, key).size
        except S3Error as exc:
            if exc.code in _MISSING_CODES or exc.code == "AccessDenied":
                return None
            raise self._error(exc) from None
        except Exception as exc:
            raise self._error(exc) from None

    # -- what the sending step calls --

    def key_for(self, sha256: str, path: Path | str) -> str:
        """The object key of a file (:func:`object_key` with this storage's prefix)."""
        return object_key(self.settings.prefix, sha256, path)

    def put_file(
        self,
        path: Path,
        sha256: str,
        size: int,
        progress: Progress | None = None,
        should_stop: ShouldStop | None = None,
    ) -> str:
        """Store the file (stored once: nothing is sent when an object of the same key and
        size is there) and return its key. Files above :attr:`multipart_threshold` go in parts
        of :attr:`part_size` (at least 5 MiB). ``progress(done, total)`` follows the file as
        it is read for the upload, part by part; ``should_stop`` is asked before each read.
        Raises :class:`StorageUnreachable`,
        :class:`StorageRefused`, :class:`StorageError`, ``OSError`` (the file), or
        :class:`~avatar_desktop.core.cancel.Cancelled` (a multipart upload is then aborted)."""
        key = self.key_for(sha256, path)
        if should_stop is not None and should_stop():
            raise Cancelled
        if self._stored_size(key) == size:
            if progress is not None:
                progress(size, size)
            return key
        if size > self.multipart_threshold:
            part_size = max(self.part_size, MIN_PART_SIZE)
        else:
            part_size = max(size, MIN_PART_SIZE)
        content_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            reader = _Reader(handle, size, progress, should_stop)
            try:
                self._minio().put_object(
                    self.settings.bucket,
                    key,
                    reader,  # type: ignore[arg-type]
                    size,
                    content_type=content_type,
                    part_size=part_size,
                    num_parallel_uploads=1,
                )
            except Cancelled:
                raise
            except _FileUnreadable as exc:
                raise exc.args[0] from None
            except Exception as exc:
                raise self._error(exc) from None
        return key

    def url_for(self, key: str) -> str:
        """The URL the service is given for ``key``: the public base URL + the key, else a
        presigned GET URL valid :attr:`StorageSettings.url_days` days (computed here, no
        request)."""
        if self.settings.public_base_url:
            return f"{self.settings.public_base_url}/{quote(key)}"
        try:
            return self._minio().presigned_get_object(
                self.settings.bucket, key, expires=timedelta(days=self.settings.url_days)
            )
        except Exception as exc:
            raise self._error(exc) from None

    # -- the test --

    def test(self) -> StorageTestResult:
        """Write, read back and delete a small object under the prefix; the first step that
        fails is named with its kind."""
        from minio.error import S3Error

        key = f"{self.settings.prefix}avatar-desktop-test-{secrets.token_hex(8)}.txt"
        body = f"Avatar Desktop storage test {key}\n".encode()
        bucket = self.settings.bucket
        step = TestStep.CONNECT
        try:
            try:
                # A GET of the (missing) object: unlike HEAD its error has a code, so a refused
                # key pair or a missing bucket shows here. AccessDenied alone may only mean
                # that the key may not list the bucket: the write says more.
                self._minio().get_object(bucket, key).close()
            except S3Error as exc:
                if exc.code not in _MISSING_CODES and exc.code != "AccessDenied":
                    raise
            step = TestStep.WRITE
            import io

            self._minio().put_object(bucket, key, io.BytesIO(body), len(body), "text/plain")
            step = TestStep.READ
            answer = self._minio().get_object(bucket, key)
            try:
                read_back = answer.read()
            finally:
                answer.close()
                answer.release_conn()
            if read_back != body:
                return StorageTestResult(
                    step, FailureKind.OTHER, "the object read back differs from the one written"
                )
            step = TestStep.DELETE
            self._minio().remove_object(bucket, key)
        except Exception as exc:
            error = self._error(exc)
            return StorageTestResult(step, failure_kind(error), error.detail)
        return StorageTestResult()


__all__ = [
    "DEFAULT_URL_DAYS",
    "MULTIPART_THRESHOLD",
    "PART_SIZE",
    "URL_DAYS_RANGE",
    "Addressing",
    "FailureKind",
    "LocalFile",
    "Storage",
    "StorageError",
    "StorageProblem",
    "StorageRefused",
    "StorageSettingError",
    "StorageSettings",
    "StorageTestResult",
    "StorageUnreachable",
    "TestStep",
    "check_bucket",
    "check_endpoint",
    "check_prefix",
    "check_public_base_url",
    "check_region",
    "check_url_days",
    "file_digest",
    "object_key",
]
