"""Where the API token lives: the OS keyring, an environment variable or memory (Qt-free).

The bearer token spends money, so it is never written to a file, the settings, a log line or an
error message. :class:`TokenVault` reads it from :data:`ENV_VAR` (which wins), a token kept for
this session only, or the system keyring under :data:`SERVICE_NAME` / :data:`ACCOUNT_NAME`. When
no keyring works, :meth:`TokenVault.probe` says why, and the UI offers to keep the token in
memory for the session; there is deliberately no plaintext fallback. Why a keyring is unusable
(:class:`KeyringProblem`, :class:`KeyringHint`) and why a keyring call failed
(:class:`StoreFailure`) are given as kinds the UI puts in the user's language, beside plain
English for logs and the command line.

Every keyring call can block (D-Bus, an unlock prompt), so the UI calls the vault from a worker
thread, never from the GUI thread.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from avatar_desktop.core.redact import LOG_REDACTOR
from avatar_desktop.core.service import token_problem

if TYPE_CHECKING:  # keyring itself is imported where it is used: not before the window shows
    from keyring.backend import KeyringBackend

log = logging.getLogger("avatar_desktop.core.vault")

SERVICE_NAME = "avatar-desktop"
"""Keyring service name of the token entry (documented in the README)."""
ACCOUNT_NAME = "api-token"
"""Keyring user name of the token entry (documented in the README)."""
ENV_VAR = "AVATAR_API_TOKEN"
"""Environment variable that, when set and non-empty, overrides the stored token."""

PROBE_ACCOUNT = "probe"
"""User name read (never written) by :meth:`TokenVault.probe` to test access."""


class TokenSource(enum.StrEnum):
    """Where the token returned by :meth:`TokenVault.load` came from."""

    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    SESSION = "session"
    """Kept in memory for this run only."""
    NONE = "none"


class KeyringProblem(enum.StrEnum):
    """Why the keyring cannot hold the token (:attr:`BackendState.problem_kind`)."""

    NOT_INSTALLED = "not_installed"
    SWITCHED_OFF = "switched_off"
    """The null backend: it accepts and forgets everything."""
    NOT_RECOMMENDED = "not_recommended"
    """A backend below priority one, which may keep secrets in a plain file."""
    CANNOT_OPEN = "cannot_open"
    """Asking the backend failed (:attr:`BackendState.error_name` says with what)."""


class KeyringHint(enum.StrEnum):
    """What the user can do about a :class:`KeyringProblem` (:attr:`BackendState.hint_kind`)."""

    INSTALL_SECRET_SERVICE = "install_secret_service"
    """Linux or BSD without a keyring: install GNOME Keyring or KWallet, then restart."""
    MAC_KEYCHAIN = "mac_keychain"
    WINDOWS_CREDENTIAL_MANAGER = "windows_credential_manager"
    SESSION_ONLY = "session_only"
    """Another platform: nothing to suggest but the session-only token."""
    UNLOCK = "unlock"
    """The keyring is locked."""
    START_SECRET_SERVICE = "start_secret_service"
    """Linux or BSD: the keyring could not be opened (not running, locked, no D-Bus)."""
    UNLOCK_OR_SESSION = "unlock_or_session"


class StoreFailure(enum.StrEnum):
    """Why a :class:`SecretStoreError` was raised (:attr:`SecretStoreError.kind`)."""

    NO_KEYRING = "no_keyring"
    SWITCHED_OFF = "switched_off"
    NOT_RECOMMENDED = "not_recommended"
    LOCKED = "locked"
    KEYRING_ERROR = "keyring_error"
    """The backend raised (:attr:`SecretStoreError.detail`: the exception's class name)."""
    NOT_KEPT = "not_kept"
    """The token read back is not the one written."""
    BAD_TOKEN = "bad_token"
    """The token given cannot be carried in a request."""
    BAD_ENVIRONMENT_TOKEN = "bad_environment_token"
    BAD_STORED_TOKEN = "bad_stored_token"
    TOO_LONG = "too_long"
    """Longer than the keyring keeps (Windows Credential Manager: 2,560 bytes)."""


WINDOWS_CREDENTIAL_BYTES = 2560
"""The most Windows Credential Manager keeps of a secret (CRED_MAX_CREDENTIAL_BLOB_SIZE):
1,280 characters of a token, stored as UTF-16; tokens up to 4,096 are accepted."""


_SYSTEM_BACKENDS = {
    "win32": ("keyring.backends.Windows", "WinVaultKeyring"),
    "darwin": ("keyring.backends.macOS", "Keyring"),
}
_SECRET_SERVICE = ("keyring.backends.SecretService", "Keyring")


def system_backend() -> KeyringBackend:
    """This system's keyring, found without discovering every backend keyring knows (which on
    Linux imports the macOS one, whose library lookup runs ``ldconfig``, ``gcc`` and ``ld``:
    about 75 ms at every start, and the entry points a frozen app may not carry).

    As keyring does, a backend named in ``PYTHON_KEYRING_BACKEND`` or in keyring's
    configuration file comes first; else Credential Manager on Windows, the Keychain on macOS,
    the Secret Service elsewhere when it answers; else (KWallet without the Secret Service, no
    keyring at all) keyring's own discovery decides."""
    import importlib

    import keyring.core

    chosen = keyring.core.load_env() or keyring.core.load_config()
    if chosen is not None:
        return chosen
    module, name = _SYSTEM_BACKENDS.get(sys.platform, _SECRET_SERVICE)
    try:
        found = getattr(importlib.import_module(module), name)
        if found.priority > 0:  # raises when it cannot work here (no D-Bus, no library)
            backend: KeyringBackend = found()
            return backend
    except Exception as exc:
        log.debug("keyring: %s.%s cannot be used here (%r): discovering", module, name, exc)
    return keyring.get_keyring()


@dataclass(frozen=True)
class BackendState:
    """Whether the keyring backend can hold the token, and if not why and what to do.

    :attr:`problem` and :attr:`hint` are plain English (logs, the command line); the UI shows
    :attr:`problem_kind` and :attr:`hint_kind` in the user's language.
    """

    usable: bool
    name: str
    """Display name of the backend class, e.g. ``"SecretService Keyring"``."""
    problem: str | None = None
    """Plain-English explanation when not usable."""
    hint: str | None = None
    """What the user can do about :attr:`problem`."""
    problem_kind: KeyringProblem | None = None
    hint_kind: KeyringHint | None = None
    error_name: str | None = None
    """The class name of the exception that made the keyring unusable, if one did."""


class SecretStoreError(Exception):
    """The token could not be read, stored or removed; :attr:`user_message` says why in plain
    English, :attr:`kind` for the UI to say it in the user's language (with :attr:`detail`: the
    keyring exception's class name, or the backend's name).

    The message never contains the token, and the keyring's own exception is not chained (its
    text is not under our control).
    """

    def __init__(
        self,
        user_message: str,
        kind: StoreFailure = StoreFailure.KEYRING_ERROR,
        detail: str | None = None,
    ) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.kind = kind
        self.detail = detail


def masked(token: str) -> str:
    """The token for display: ``sk-a…9f2c`` (first and last four) or ``•••`` when short."""
    if len(token) >= 12:
        return f"{token[:4]}…{token[-4:]}"
    return "•••"


def _backend_name(backend: KeyringBackend) -> str:
    try:
        return str(type(backend).name)
    except Exception:  # a third-party backend with a broken classproperty
        return type(backend).__name__


_HINTS = {
    KeyringHint.INSTALL_SECRET_SERVICE: (
        "Install a Secret Service keyring such as GNOME Keyring (gnome-keyring) or KWallet, "
        "make sure it runs and is unlocked in your desktop session, then restart the app. "
        "Until then the token can be kept for this session only."
    ),
    KeyringHint.MAC_KEYCHAIN: (
        "Make sure your login keychain is available in Keychain Access, then restart the "
        "app. Until then the token can be kept for this session only."
    ),
    KeyringHint.WINDOWS_CREDENTIAL_MANAGER: (
        "Make sure Windows Credential Manager is available, then restart the app. Until "
        "then the token can be kept for this session only."
    ),
    KeyringHint.SESSION_ONLY: (
        "Until a system keyring is available the token can be kept for this session only."
    ),
    KeyringHint.UNLOCK: (
        "Unlock your keyring (for example by logging in to the desktop session or opening "
        "your password manager) and try again, or keep the token for this session only."
    ),
    KeyringHint.START_SECRET_SERVICE: (
        "Make sure GNOME Keyring (gnome-keyring) or KWallet is installed, running and "
        "unlocked, and that the app runs inside a desktop session (a D-Bus session bus is "
        "needed). Or keep the token for this session only."
    ),
    KeyringHint.UNLOCK_OR_SESSION: (
        "Unlock your system keyring and try again, or keep the token for this session only."
    ),
}


def _problem_text(
    kind: KeyringProblem, name: str, error_name: str | None = None, thing: str = "the token"
) -> str:
    """The plain-English sentence for a :class:`KeyringProblem` (``thing``: what cannot be
    saved)."""
    if kind is KeyringProblem.SWITCHED_OFF:
        return f"The system keyring is switched off (null backend), so {thing} cannot be saved."
    if kind is KeyringProblem.NOT_RECOMMENDED:
        return (
            f"The selected keyring ({name}) is not a recommended system keyring and may keep "
            f"secrets in a plain file, so {thing} is not saved there."
        )
    if kind is KeyringProblem.CANNOT_OPEN:
        return f"The system keyring could not be opened: {error_name}."
    return f"No system keyring is installed, so {thing} cannot be saved."


def _no_backend_hint(platform: str) -> KeyringHint:
    if platform.startswith("linux") or "bsd" in platform:
        return KeyringHint.INSTALL_SECRET_SERVICE
    if platform == "darwin":
        return KeyringHint.MAC_KEYCHAIN
    if platform in ("win32", "cygwin"):
        return KeyringHint.WINDOWS_CREDENTIAL_MANAGER
    return KeyringHint.SESSION_ONLY


def _access_hint(platform: str, exc: BaseException) -> KeyringHint:
    import keyring.errors

    if isinstance(exc, keyring.errors.KeyringLocked):
        return KeyringHint.UNLOCK
    if platform.startswith("linux") or "bsd" in platform:
        return KeyringHint.START_SECRET_SERVICE
    return KeyringHint.UNLOCK_OR_SESSION


def _static_problem(backend: KeyringBackend) -> KeyringProblem | None:
    """Why ``backend`` cannot hold a secret, judged from its type and priority only (no I/O)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return KeyringProblem.NOT_INSTALLED
    if isinstance(backend, null.Keyring):
        return KeyringProblem.SWITCHED_OFF
    if isinstance(backend, chainer.ChainerBackend):
        # Its priority is -1 with a single backend although that one works: count instead.
        if not backend.backends:
            return KeyringProblem.NOT_INSTALLED
        return None
    priority = backend.priority  # may raise RuntimeError: the caller reports it
    if priority <= 0:
        return KeyringProblem.NOT_INSTALLED
    if priority < 1:
        return KeyringProblem.NOT_RECOMMENDED
    return None


def _unusable(
    name: str, problem: KeyringProblem, hint: KeyringHint, error_name: str | None = None
) -> BackendState:
    return BackendState(
        usable=False,
        name=name,
        problem=_problem_text(problem, name, error_name),
        hint=_HINTS[hint],
        problem_kind=problem,
        hint_kind=hint,
        error_name=error_name,
    )


_FAILURE_OF = {
    KeyringProblem.NOT_INSTALLED: StoreFailure.NO_KEYRING,
    KeyringProblem.SWITCHED_OFF: StoreFailure.SWITCHED_OFF,
    KeyringProblem.NOT_RECOMMENDED: StoreFailure.NOT_RECOMMENDED,
    KeyringProblem.CANNOT_OPEN: StoreFailure.KEYRING_ERROR,
}
"""The :class:`StoreFailure` of saving to a backend with a :class:`KeyringProblem`."""


class KeyringEntry:
    """One secret in the keyring (``service_name`` / ``account``): read, written with a read-back
    check, removed; every failure a :class:`SecretStoreError` worded for ``thing`` (``"the
    token"``) with ``fallback`` (what else the user can do) where it helps. Shared by
    :class:`TokenVault` and :class:`StorageKeyVault`, so both secrets get the same backend
    handling. Not locked: its owner locks around calls."""

    def __init__(
        self,
        backend: KeyringBackend | None,
        service_name: str,
        account: str,
        *,
        thing: str,
        fallback: str,
    ) -> None:
        self._backend = backend
        self.service_name = service_name
        self.account = account
        self._thing = thing
        self._fallback = fallback

    def backend(self) -> KeyringBackend:
        """The backend (:func:`system_backend`, looked up once)."""
        if self._backend is None:
            self._backend = system_backend()
        return self._backend

    def read(self, what: str = "could not be read") -> str | None:
        try:
            return self.backend().get_password(self.service_name, self.account)
        except Exception as exc:
            raise self.error(what, exc) from None

    def write(self, value: str) -> None:
        """Store ``value`` and read it back; a backend that may keep it in a plain file is
        refused before anything is written."""
        from keyring.backends import fail, null

        try:
            backend = self.backend()
        except Exception as exc:
            raise self.error("could not be opened", exc) from None
        if (
            type(backend).__module__ == "keyring.backends.Windows"
            and len(value.encode("utf-16-le")) > WINDOWS_CREDENTIAL_BYTES
        ):
            raise SecretStoreError(
                f"Windows Credential Manager keeps at most {WINDOWS_CREDENTIAL_BYTES // 2} "
                f"characters, and this is {len(value)} long. {self._fallback}",
                StoreFailure.TOO_LONG,
                str(len(value)),
            )
        try:
            problem = _static_problem(backend)
        except Exception as exc:
            raise self.error("could not be opened", exc) from None
        if problem is not None and not isinstance(backend, null.Keyring | fail.Keyring):
            # fail raises below and null is caught by the read-back; a plain-file store is
            # refused here, before the secret is written to it.
            name = _backend_name(backend)
            text = _problem_text(problem, name, thing=self._thing)
            raise SecretStoreError(text, _FAILURE_OF[problem], name)
        try:
            backend.set_password(self.service_name, self.account, value)
        except Exception as exc:
            raise self.error(f"could not store {self._thing}", exc) from None
        if self.read("could not be read back") != value:
            raise SecretStoreError(
                f"The keyring did not keep {self._thing}: it may be switched off or read-only. "
                f"{self._fallback}",
                StoreFailure.NOT_KEPT,
            )

    def delete(self) -> None:
        """Delete the entry; a missing one is fine."""
        import keyring.errors

        try:
            self.backend().delete_password(self.service_name, self.account)
        except keyring.errors.PasswordDeleteError:
            pass
        except Exception as exc:
            raise self.error(f"could not remove {self._thing}", exc) from None

    def error(self, what: str, exc: Exception) -> SecretStoreError:
        """The :class:`SecretStoreError` of a keyring call that raised ``exc``."""
        import keyring.errors

        log.info("keyring error (%s): %s", what, type(exc).__name__)
        if isinstance(exc, keyring.errors.NoKeyringError):
            return SecretStoreError(
                f"No system keyring is installed. {self._fallback}", StoreFailure.NO_KEYRING
            )
        if isinstance(exc, keyring.errors.KeyringLocked):
            return SecretStoreError(
                f"The system keyring is locked, so it {what}. Unlock it and try again.",
                StoreFailure.LOCKED,
            )
        return SecretStoreError(
            f"The system keyring {what}: {type(exc).__name__}.",
            StoreFailure.KEYRING_ERROR,
            type(exc).__name__,
        )


class TokenVault:
    """Loads, saves and removes the API token; thread-safe.

    Every method is blocking (a keyring call may wait on D-Bus or an unlock prompt): call them
    from a worker thread, never from the GUI thread. ``backend=None`` means the default backend
    from ``keyring.get_keyring()`` (looked up on first use), ``environ=None`` means
    ``os.environ``. ``service_name`` exists so tests can use their own keyring entry.
    """

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        service_name: str = SERVICE_NAME,
        platform: str = sys.platform,
    ) -> None:
        self._lock = threading.RLock()
        self._entry = KeyringEntry(
            backend,
            service_name,
            ACCOUNT_NAME,
            thing="the token",
            fallback="You can keep the token for this session only.",
        )
        self._environ: Mapping[str, str] = os.environ if environ is None else environ
        self._platform = platform
        self._session_token: str | None = None
        self._source = TokenSource.NONE

    def __repr__(self) -> str:
        known = self._entry._backend
        backend = "default" if known is None else _backend_name(known)
        session = "kept" if self._session_token is not None else "none"
        return (
            f"<TokenVault service={self.service_name!r} backend={backend!r} "
            f"source={self._source.value} session_token={session}>"
        )

    @property
    def source(self) -> TokenSource:
        """Where the token of the last successful :meth:`load` came from."""
        with self._lock:
            return self._source

    @property
    def service_name(self) -> str:
        return self._entry.service_name

    def probe(self) -> BackendState:
        """Whether the keyring can hold the token: checks its type and priority, then reads a
        harmless entry. Never raises."""
        with self._lock:
            try:
                backend = self._entry.backend()
            except Exception as exc:
                return self._access_failed("keyring", exc)
            name = _backend_name(backend)
            try:
                problem = _static_problem(backend)
                if problem is not None:
                    return _unusable(name, problem, _no_backend_hint(self._platform))
                backend.get_password(self.service_name, PROBE_ACCOUNT)
            except Exception as exc:
                return self._access_failed(name, exc)
            return BackendState(usable=True, name=name)

    def _access_failed(self, name: str, exc: Exception) -> BackendState:
        import keyring.errors

        log.info("keyring %s is not usable: %s", name, type(exc).__name__)
        if isinstance(exc, keyring.errors.NoKeyringError):
            return _unusable(name, KeyringProblem.NOT_INSTALLED, _no_backend_hint(self._platform))
        return _unusable(
            name,
            KeyringProblem.CANNOT_OPEN,
            _access_hint(self._platform, exc),
            type(exc).__name__,
        )

    def load(self) -> tuple[str | None, TokenSource]:
        """The token and where it came from: :data:`ENV_VAR` if set and non-empty, else the
        session token, else the keyring, else ``(None, TokenSource.NONE)``. A token read is
        removed from every log line from then on (:data:`~avatar_desktop.core.redact.LOG_REDACTOR`:
        the window's log file, ``--verbose``).

        Raises :class:`SecretStoreError` when the variable holds an unusable token or the keyring
        cannot be read.
        """
        token, source = self._load()
        if token:
            LOG_REDACTOR.add(token)
        return token, source

    def _load(self) -> tuple[str | None, TokenSource]:
        with self._lock:
            env_token = self._environ.get(ENV_VAR)
            if env_token:
                problem = token_problem(env_token)
                if problem:
                    raise SecretStoreError(
                        f"The environment variable {ENV_VAR} is set but cannot be used as a "
                        f"token: {problem} Fix or unset it.",
                        StoreFailure.BAD_ENVIRONMENT_TOKEN,
                    )
                self._source = TokenSource.ENVIRONMENT
                return env_token, self._source
            if self._session_token is not None:
                self._source = TokenSource.SESSION
                return self._session_token, self._source
            stored = self._entry.read()
            if stored is None:
                self._source = TokenSource.NONE
                return None, self._source
            problem = token_problem(stored)
            if problem:
                raise SecretStoreError(
                    f"The token saved in the system keyring cannot be used: {problem} "
                    "Enter the token again.",
                    StoreFailure.BAD_STORED_TOKEN,
                )
            self._source = TokenSource.KEYRING
            return stored, self._source

    def save(self, token: str) -> None:
        """Store ``token`` in the keyring and read it back; forgets any session token.

        Refuses a token with a :func:`~avatar_desktop.core.service.token_problem` (including any
        whitespace: the UI strips the ends before calling). Raises :class:`SecretStoreError`
        when the keyring fails or silently does not keep the token.
        """
        self._check(token, "cannot be saved")
        LOG_REDACTOR.add(token)
        with self._lock:
            self._entry.write(token)
            self._session_token = None

    def remove(self) -> None:
        """Delete the keyring entry (a missing entry is fine) and forget the session token."""
        with self._lock:
            self._session_token = None
            self._entry.delete()

    def keep_for_session(self, token: str) -> None:
        """Keep ``token`` in memory for this run only (validated like :meth:`save`)."""
        self._check(token, "cannot be used")
        LOG_REDACTOR.add(token)
        with self._lock:
            self._session_token = token

    def forget_session(self) -> None:
        """Drop the token kept by :meth:`keep_for_session`."""
        with self._lock:
            self._session_token = None

    @staticmethod
    def _check(token: str, what: str) -> None:
        if not isinstance(token, str):
            raise TypeError(f"token must be a str, not {type(token).__name__}")
        problem = token_problem(token)
        if problem:
            raise SecretStoreError(f"This token {what}: {problem}", StoreFailure.BAD_TOKEN)


STORAGE_ACCOUNT = "storage-keys"
"""Keyring user name of the storage's access key pair (service :data:`SERVICE_NAME`)."""
STORAGE_ENV_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
"""The variables every S3 tool reads; when the first two are set they override the keyring."""


@dataclass(frozen=True)
class StorageKeys:
    """The access key id and secret of the user's own storage (and a session token, from the
    environment only). ``repr`` never shows them."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def __repr__(self) -> str:
        return "StorageKeys(***)"

    def secrets(self) -> tuple[str, ...]:
        """Every secret in it, for a redactor (the key id too: it names the account)."""
        return tuple(
            s for s in (self.access_key_id, self.secret_access_key, self.session_token) if s
        )


def storage_key_problem(access_key_id: str, secret_access_key: str) -> str | None:
    """Why the pair cannot sign a request, or None; never contains either."""
    for name, value in (("access key id", access_key_id), ("secret access key", secret_access_key)):
        if not value:
            return f"The {name} is empty."
        if any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in value):
            return f"The {name} contains spaces, line breaks or characters it cannot hold."
        if len(value) > 1024:
            return f"The {name} is implausibly long."
    return None


class StorageKeyVault:
    """Loads, saves and removes the storage's access key pair: from :data:`STORAGE_ENV_VARS`
    (which win), else the keyring entry :data:`SERVICE_NAME` / :data:`STORAGE_ACCOUNT`, through
    the same :class:`KeyringEntry` handling as the token. Blocking: call from a worker thread."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        service_name: str = SERVICE_NAME,
    ) -> None:
        self._lock = threading.Lock()
        self._entry = KeyringEntry(
            backend,
            service_name,
            STORAGE_ACCOUNT,
            thing="the storage key pair",
            fallback=f"Set {STORAGE_ENV_VARS[0]} and {STORAGE_ENV_VARS[1]} instead.",
        )
        self._environ: Mapping[str, str] = os.environ if environ is None else environ

    def __repr__(self) -> str:
        return f"<StorageKeyVault service={self._entry.service_name!r}>"

    @property
    def uses_environment(self) -> bool:
        """Whether the key pair comes from the environment (both variables set)."""
        return all(self._environ.get(name, "").strip() for name in STORAGE_ENV_VARS[:2])

    def load(self) -> StorageKeys | None:
        """The key pair from the environment, else the keyring, else None; raises
        :class:`SecretStoreError` when the keyring cannot be read or holds something unusable."""
        key_id, secret, session = (self._environ.get(name, "").strip() for name in STORAGE_ENV_VARS)
        if self.uses_environment:
            problem = storage_key_problem(key_id, secret)
            if problem:
                raise SecretStoreError(
                    f"{STORAGE_ENV_VARS[0]} / {STORAGE_ENV_VARS[1]} are set but cannot be used: "
                    f"{problem} Fix or unset them.",
                    StoreFailure.BAD_ENVIRONMENT_TOKEN,
                )
            return StorageKeys(key_id, secret, session or None)
        with self._lock:
            stored = self._entry.read()
        if stored is None:
            return None
        try:
            value = json.loads(stored)
            keys = StorageKeys(str(value["access_key_id"]), str(value["secret_access_key"]))
        except (ValueError, TypeError, KeyError):
            keys = StorageKeys("", "")
        if storage_key_problem(keys.access_key_id, keys.secret_access_key):
            raise SecretStoreError(
                "The storage key pair saved in the system keyring cannot be used. Enter it again "
                "('avatar-cli storage login').",
                StoreFailure.BAD_STORED_TOKEN,
            )
        return keys

    def save(self, access_key_id: str, secret_access_key: str) -> None:
        """Store the pair (checked by :func:`storage_key_problem`) and read it back."""
        problem = storage_key_problem(access_key_id, secret_access_key)
        if problem:
            raise SecretStoreError(
                f"This key pair cannot be saved: {problem}", StoreFailure.BAD_TOKEN
            )
        value = json.dumps({"access_key_id": access_key_id, "secret_access_key": secret_access_key})
        with self._lock:
            self._entry.write(value)

    def remove(self) -> None:
        """Delete the keyring entry (a missing one is fine); the environment is not touched."""
        with self._lock:
            self._entry.delete()
