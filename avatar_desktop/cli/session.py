"""One ``avatar-cli`` run's session: the data folder, the store, this process's owner
identity, the settings, the token, the service (and the built-in sandbox), Ctrl+C."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from avatar_desktop.cli.exits import CliExit, Exit
from avatar_desktop.cli.output import redactor, say
from avatar_desktop.core.config import SANDBOX_TOKEN, ProxyMode, ServiceConfig
from avatar_desktop.core.owners import ProcessOwner, owner_is_alive
from avatar_desktop.core.paths import data_dir
from avatar_desktop.core.sandbox_home import SandboxPlace, reach, remembered_home
from avatar_desktop.core.service import ApiError
from avatar_desktop.core.settings import FILE_NAME as SETTINGS_FILE
from avatar_desktop.core.settings import AppSettings, ServiceChoice
from avatar_desktop.core.store.database import (
    DEFAULT_FILE_NAME,
    Database,
    DiskFull,
    StoreError,
    is_disk_full,
)
from avatar_desktop.core.store.outbox import Outbox
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.vault import ENV_VAR, SecretStoreError, TokenVault

if TYPE_CHECKING:
    from avatar_desktop.app import LazySandbox


log = logging.getLogger("avatar_desktop.cli")


@dataclasses.dataclass(frozen=True)
class Target:
    """The service one run talks to, and whether it is the built-in sandbox."""

    config: ServiceConfig

    @property
    def url(self) -> str:
        return self.config.base_url


def _answers_like_sandbox(url: str) -> bool:
    """Whether ``url`` answers the voice list to the sandbox's token (a running sandbox)."""
    config = ServiceConfig(base_url=url, sandbox=True, connect_timeout=1.0, read_timeout=3.0)
    try:
        with config.make_client(SANDBOX_TOKEN) as client:
            client.list_voices()
    except (ApiError, ValueError):
        return False
    return True


class Session:
    """What one run opens: the data file, this process's owner identity, the settings, the
    built-in sandbox when it is needed. Close it at the end."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stop = threading.Event()
        try:
            self.folder = data_dir()
        except OSError as exc:
            if is_disk_full(exc, Path(exc.filename or ".")):
                raise DiskFull(Path(exc.filename or "."), exc.strerror or str(exc)) from exc
            raise StoreError(f"The data folder cannot be made: {exc.strerror or exc}") from exc
        self.db = Database(self.folder / DEFAULT_FILE_NAME)
        self.outbox = Outbox(self.db)
        self.tasks = TaskStore(self.db)
        self._settings: AppSettings | None = None
        self._sandbox: LazySandbox | None = None
        self._place: SandboxPlace | None = None
        self._token: tuple[str | None, str | None] | None = None
        try:
            self.owner = ProcessOwner(self.folder)
        except BaseException:
            self.db.close()
            raise
        self.recover_orphans()

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        self._place = None
        self.owner.release()
        self.db.close()

    # -- settings --

    @property
    def settings(self) -> AppSettings:
        if self._settings is None:
            self._settings = AppSettings(self.folder / SETTINGS_FILE)
        return self._settings

    def network_options(self) -> dict[str, Any]:
        """The settings' timeouts and proxy, as :class:`ServiceConfig` and
        :func:`~avatar_desktop.core.config.link_network` take them."""
        settings = self.settings
        return {
            "connect_timeout": settings.connect_timeout,
            "read_timeout": settings.read_timeout,
            "proxy_mode": settings.proxy_mode,
            "proxy_url": settings.proxy_url,
        }

    # -- the token --

    def _stored_token(self) -> tuple[str | None, str | None]:
        """The token (environment or keyring) and, when there is none, why."""
        if self._token is None:
            try:
                token, _source = TokenVault().load()
            except SecretStoreError as exc:
                if os.environ.get(ENV_VAR):
                    raise CliExit(Exit.TOKEN, exc.user_message) from None
                self._token = (None, exc.user_message)
            else:
                self._token = (token, None)
        return self._token

    def token(self, target: Target) -> str:
        """The token to send to ``target``; exit 5 when a real service has none."""
        if target.config.sandbox:
            return SANDBOX_TOKEN
        token, problem = self._stored_token()
        if token:
            redactor.add(token)
            return token
        if target.config.is_local:
            log.info("no API token; %s is on this computer: the sandbox's token", target.url)
            return SANDBOX_TOKEN
        detail = f" ({problem})" if problem else ""
        raise CliExit(
            Exit.TOKEN,
            f"There is no API token{detail}. Set the environment variable {ENV_VAR}, or save "
            "the token from the window (File → API token…), then try again.",
        )

    # -- the service --

    def target(self, *, live: bool) -> Target:
        """The service of this run: ``--service``, ``--sandbox``, else the settings'.

        ``live`` starts (or finds) the data folder's built-in sandbox when it is the one;
        otherwise its own address is enough (to queue items for it), once the folder has one.
        """
        args = self.args
        if args.service:
            config = ServiceConfig(base_url=args.service, **self.network_options())
            target = Target(config)
            if target.config.is_local:  # a proxy cannot reach this computer's loopback address
                target = Target(dataclasses.replace(config, proxy_mode=ProxyMode.NONE))
            return target
        settings = self.settings
        if args.sandbox:
            settings.session_override = ServiceChoice.SANDBOX
        choice = settings.service
        if choice is ServiceChoice.SANDBOX:
            return Target(settings.service_config(self._sandbox_place(live)))
        if choice is ServiceChoice.UNSET:
            token, _problem = self._stored_token()
            if not token:
                raise CliExit(
                    Exit.USAGE,
                    "No service is chosen yet and there is no API token. Pass --sandbox to use "
                    f"the built-in sandbox, or set a token ({ENV_VAR}, or File → API token… in "
                    "the window) to use the official service.",
                )
        return Target(settings.service_config(None))

    def _sandbox_place(self, live: bool) -> SandboxPlace:
        """This folder's built-in sandbox: its remembered address when ``live`` is not needed
        (to queue items for it), else the one the window (or another run) of this folder runs,
        else one started for this run at the folder's own address."""
        from avatar_desktop.app import LazySandbox

        if self._place is not None:
            return self._place
        home = remembered_home(self.folder)
        if not live and home.address is not None:
            return SandboxPlace.at(home.address)
        place = LazySandbox.running_for(self.folder)
        if place is not None and _answers_like_sandbox(place.now):
            log.info("using this folder's running built-in sandbox at %s", place.now)
        else:
            self._sandbox = LazySandbox()
            place = self._sandbox.place()
            if place.moved:
                say(
                    f"{place.home} (this data folder's built-in sandbox) is used by another "
                    f"program: the sandbox answers at {place.now} for this run; its tasks, "
                    "queued items and links stay its own."
                )
        self._place = place
        return place

    def resolve_link(self, link: str) -> str:
        """``link`` as it is reached now (:func:`~avatar_desktop.core.sandbox_home.reach`: a
        link of this folder's built-in sandbox where it answers in this run)."""
        return reach(link, remembered_home(self.folder), lambda: self._sandbox_place(True))

    def service_options(self, url: str) -> str:
        """This run's choice of service as options to repeat in a suggested command:
        ``--sandbox ``, ``--service URL `` or nothing (the settings')."""
        if self.args.sandbox:
            return "--sandbox "
        return f"--service {url} " if self.args.service else ""

    def is_alive(self, owner_id: str | None) -> bool:
        """Whether the process ``owner_id`` (of a claim) still runs."""
        return owner_is_alive(self.folder, owner_id)

    def recover_orphans(self) -> list[int]:
        """Items left ``sending`` by a process that has ended become ``outcome_unknown``."""
        recovery = self.outbox.recover(self.is_alive)
        if recovery.interrupted:
            shown = ", ".join(str(i) for i in recovery.interrupted)
            say(
                f"{len(recovery.interrupted)} send(s) were interrupted when the program sending "
                f"them stopped; item(s) {shown} are now outcome_unknown (the job may exist)."
            )
        if recovery.disk_full:
            shown = ", ".join(str(i) for i in recovery.disk_full)
            say(
                f"the service's answer to {len(recovery.disk_full)} send(s) could not be "
                f"written because the disk was full (or the data file could not be written); "
                f"item(s) {shown} are now outcome_unknown (the job may exist)."
            )
        for item_id, task_id in recovery.written.items():
            say(
                f"item {item_id}: submitted, task {task_id} (accepted while the disk was full; "
                "written now)."
            )
        return recovery.unknown

    # -- Ctrl+C --

    @contextlib.contextmanager
    def interruptible(
        self,
        what: str,
        at_once: str = "stopped at once; items being sent become outcome_unknown at the next run.",
    ) -> Iterator[None]:
        """Ctrl+C sets :attr:`stop` (finish what is in flight); a second one quits at once,
        saying ``at_once``."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            if self.stop.is_set():
                say(at_once)
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(Exit.INTERRUPTED)
            self.stop.set()
            say(f"stopping: {what} (Ctrl+C again to quit at once)")

        # Ctrl+C, and on Windows Ctrl+Break too (the one a console sends a process group,
        # which Ctrl+C cannot reach there).
        stops = [signal.SIGINT, *([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else [])]
        previous = {stop: signal.signal(stop, handler) for stop in stops}
        try:
            yield
        finally:
            for stop, before in previous.items():
                signal.signal(stop, before)
