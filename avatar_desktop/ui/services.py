"""The services the window drives, built once at start (by ``app.py``, and by the tests the same
way): the one background runner and the workers on its lanes, the watches of the data file and
the settings file, sending, following and the downloads. The window composes widgets around
them and never builds one itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import QObject

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.sandbox_home import SandboxPlace
from avatar_desktop.core.settings import AppSettings, ServiceChoice
from avatar_desktop.core.store.outbox import Outbox
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.store.voices import VoiceCache
from avatar_desktop.core.vault import TokenVault
from avatar_desktop.qt.downloads import DownloadManager
from avatar_desktop.qt.follow_runner import TaskFollowing
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.qt.store_watch import SettingsWatch, StoreWatch
from avatar_desktop.qt.workers import MediaCheckWorker, TokenWorker, VoiceListWorker
from avatar_desktop.ui.session import Session


def service_config(
    settings: AppSettings, sandbox_place: Callable[[], SandboxPlace]
) -> ServiceConfig:
    """The service the settings name now (the built-in sandbox started when it is the one)."""
    sandbox = sandbox_place() if settings.service is ServiceChoice.SANDBOX else None
    return settings.service_config(sandbox)


@dataclass
class WindowServices:
    """Everything the window drives but does not draw."""

    session: Session
    runner: Runner
    store_watch: StoreWatch
    settings_watch: SettingsWatch
    voice_worker: VoiceListWorker
    token_worker: TokenWorker
    media_worker: MediaCheckWorker
    outbox_runner: OutboxRunner
    following: TaskFollowing
    downloads: DownloadManager
    resolve_link: Callable[[str], str]
    """A result link as it is reached now (a link of the folder's built-in sandbox, where it
    answers in this run: :func:`~avatar_desktop.core.sandbox_home.reach`)."""

    def adopt(self, owner: QObject) -> None:
        """Give every service to ``owner`` (the window): they live and end with it."""
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, QObject):
                value.setParent(owner)


def build_services(
    *,
    store: TaskStore,
    outbox: Outbox,
    vault: TokenVault,
    settings: AppSettings,
    sandbox_place: Callable[[], SandboxPlace],
    data_dir: Path,
    resolve_link: Callable[[str], str] = lambda link: link,
) -> WindowServices:
    """Build the window's services on one data file, token vault and settings file;
    ``resolve_link`` (the built-in sandbox's :meth:`~avatar_desktop.app.LazySandbox.resolve`)
    is how downloads and covers reach a result link."""
    session = Session(service_config(settings, sandbox_place))
    runner = Runner()
    outbox_runner = OutboxRunner(
        outbox,
        data_dir,
        auto_send=settings.auto_send,
        concurrency=settings.send_concurrency,
        runner=runner,
        settings=settings,
    )
    return WindowServices(
        session=session,
        runner=runner,
        store_watch=StoreWatch(store.path),
        settings_watch=SettingsWatch(settings),
        voice_worker=VoiceListWorker(VoiceCache(store.db), runner),
        token_worker=TokenWorker(vault, runner),
        media_worker=MediaCheckWorker(runner),
        outbox_runner=outbox_runner,
        following=TaskFollowing(store, outbox_runner.gate, runner),
        downloads=DownloadManager(
            store,
            folder=lambda: settings.download_folder,
            keep_enabled=lambda: settings.keep_finished_videos,
            network=lambda: session.config,
            owner=outbox_runner.owner,
            runner=runner,
            resolve_link=resolve_link,
        ),
        resolve_link=resolve_link,
    )


__all__ = ["WindowServices", "build_services", "service_config"]
