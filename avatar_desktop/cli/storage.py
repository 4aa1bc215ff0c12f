"""``avatar-cli storage …``: the key pair of the user's own storage, and its test."""

from __future__ import annotations

import argparse
import getpass
import sys

from avatar_desktop.cli.exits import CliExit, Exit
from avatar_desktop.cli.output import out, redactor, say
from avatar_desktop.cli.session import Session
from avatar_desktop.core.config import link_network
from avatar_desktop.core.uploads import (
    FailureKind,
    Storage,
    StorageSettingError,
    StorageSettings,
)
from avatar_desktop.core.vault import (
    STORAGE_ENV_VARS,
    SecretStoreError,
    StorageKeys,
    StorageKeyVault,
    StoreFailure,
)

_EXIT_OF = {
    FailureKind.UNREACHABLE: Exit.UNREACHABLE,
    FailureKind.REFUSED: Exit.TOKEN,
    FailureKind.OTHER: Exit.FAILURE,
}


def _keyring_exit(exc: SecretStoreError) -> CliExit:
    bad_input = exc.kind is StoreFailure.BAD_TOKEN
    return CliExit(Exit.USAGE if bad_input else Exit.FAILURE, exc.user_message)


def _read_pair() -> tuple[str, str]:
    """The access key id and secret: asked without echo at a terminal, else two lines of
    stdin."""
    if sys.stdin.isatty():
        try:
            return (
                getpass.getpass("access key id: ").strip(),
                getpass.getpass("secret access key: ").strip(),
            )
        except EOFError:
            raise CliExit(Exit.USAGE, "no key pair given; nothing was saved.") from None
    lines = sys.stdin.read().splitlines()
    values = [line.strip() for line in lines if line.strip()]
    if len(values) != 2:
        raise CliExit(
            Exit.USAGE,
            "give two lines on stdin: the access key id, then the secret access key; nothing "
            "was saved.",
        )
    return values[0], values[1]


def cmd_storage_login(session: Session, args: argparse.Namespace) -> int:
    key_id, secret = _read_pair()
    redactor.add(key_id)
    redactor.add(secret)
    vault = StorageKeyVault()
    try:
        vault.save(key_id, secret)
    except SecretStoreError as exc:
        raise _keyring_exit(exc) from None
    out("storage keys saved in the system keyring.")
    if vault.uses_environment:
        say(
            f"{STORAGE_ENV_VARS[0]} and {STORAGE_ENV_VARS[1]} are set: they are used instead "
            "while they are."
        )
    return Exit.OK


def cmd_storage_logout(session: Session, args: argparse.Namespace) -> int:
    try:
        StorageKeyVault().remove()
    except SecretStoreError as exc:
        raise _keyring_exit(exc) from None
    out("storage keys removed from the system keyring.")
    return Exit.OK


def _configured(session: Session) -> StorageSettings:
    try:
        settings = session.settings.storage_settings()
    except StorageSettingError as exc:
        raise CliExit(Exit.USAGE, f"the storage settings cannot be used: {exc}.") from None
    if settings is None:
        raise CliExit(
            Exit.USAGE,
            "no storage is set up: 'avatar-cli config set storage.endpoint URL' and "
            "'avatar-cli config set storage.bucket NAME' first.",
        )
    return settings


def _keys() -> StorageKeys:
    try:
        keys = StorageKeyVault().load()
    except SecretStoreError as exc:
        raise CliExit(Exit.TOKEN, exc.user_message) from None
    if keys is None:
        raise CliExit(
            Exit.TOKEN,
            "there are no storage keys: run 'avatar-cli storage login', or set "
            f"{STORAGE_ENV_VARS[0]} and {STORAGE_ENV_VARS[1]}.",
        )
    for secret in keys.secrets():
        redactor.add(secret)
    return keys


def cmd_storage_test(session: Session, args: argparse.Namespace) -> int:
    settings = _configured(session)
    keys = _keys()
    options = session.network_options()
    network = link_network(
        options["proxy_mode"],
        options["proxy_url"],
        options["connect_timeout"],
        options["read_timeout"],
    )
    result = Storage(settings, keys, network).test()
    if result.ok or result.kind is None:
        out(result.message)
        return Exit.OK
    say(redactor.text(result.message))
    return _EXIT_OF[result.kind]
