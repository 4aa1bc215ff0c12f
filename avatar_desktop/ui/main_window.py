"""The main window: it builds the panels, menus, toolbar and status bar and wires them.

The window composes the layers: it takes the store, the token vault and the settings in its
constructor and hands each panel what it needs — the compose side (form, media check, voice
list, draft), the task panel (the table and what is done to the selected tasks), the token
controller (the token and its dialog), the actions (:mod:`avatar_desktop.ui.actions`). Every
blocking call runs on the lanes of the one background runner (:mod:`avatar_desktop.qt.runner`),
shut down once when the window closes; the window never does network or keyring I/O itself.

Sending is the outbox's (:class:`~avatar_desktop.qt.outbox_runner.OutboxRunner`, with
:class:`~avatar_desktop.ui.compose.submit_flow.SubmitFlow` for Submit and "Add to outbox" and
:class:`~avatar_desktop.ui.outbox.outbox_controller.OutboxController` for the outbox panel);
following the tasks is :class:`~avatar_desktop.qt.follow_runner.TaskFollowing`'s. Views learn
about changes from :class:`~avatar_desktop.qt.store_watch.StoreWatch`, whoever made them: this
window, another one, or ``avatar-cli``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop import __version__
from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.sending import Hold
from avatar_desktop.core.settings import AppSettings, ServiceChoice
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import Outbox, OutboxSummary
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.core.store.voices import VoiceCache
from avatar_desktop.core.vault import TokenVault
from avatar_desktop.qt.covers import CoverLoader
from avatar_desktop.qt.downloads import DownloadItem, DownloadManager, DownloadState
from avatar_desktop.qt.follow_runner import TaskFollowing
from avatar_desktop.qt.outbox_runner import OutboxRunner
from avatar_desktop.qt.runner import Runner
from avatar_desktop.qt.store_watch import SettingsWatch, StoreWatch
from avatar_desktop.qt.workers import MediaCheckWorker, TokenWorker, VoiceListWorker
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.compose.compose_side import ComposeSide
from avatar_desktop.ui.compose.submit_flow import SubmitFlow
from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog
from avatar_desktop.ui.dialogs.storage_dialog import UnsavedTaskIdsBanner
from avatar_desktop.ui.dialogs.token_controller import TokenController
from avatar_desktop.ui.i18n import Translators, resolve_language
from avatar_desktop.ui.outbox.outbox_controller import OutboxController
from avatar_desktop.ui.outbox.outbox_panel import OutboxPanel, OutboxTableModel
from avatar_desktop.ui.service_banner import ServiceBanner
from avatar_desktop.ui.session import Session
from avatar_desktop.ui.status_bar import WindowStatusBar
from avatar_desktop.ui.tasks.downloads_panel import DownloadsPanel
from avatar_desktop.ui.tasks.notifier import TaskNotifier
from avatar_desktop.ui.tasks.task_details import TaskDetailsPane
from avatar_desktop.ui.tasks.task_model import TaskTableModel
from avatar_desktop.ui.tasks.tasks_controller import TasksController
from avatar_desktop.ui.tasks.tasks_panel import TasksPanel
from avatar_desktop.ui.views import restore_layout

log = logging.getLogger("avatar_desktop.ui")


class MainWindow(QMainWindow):
    """The application window.

    Collaborators are injected: ``store`` (:class:`TaskStore`), ``outbox`` (:class:`Outbox`) and
    ``drafts`` (:class:`Drafts`) on one data file, ``vault`` (:class:`TokenVault`), ``settings``
    (:class:`AppSettings`), ``translators``, ``sandbox_url`` (a callable that starts the built-in
    sandbox if needed and returns its base URL) and ``data_dir``.

    Its parts: :attr:`main_actions`, :attr:`compose_side`, :attr:`tasks` (over :attr:`model`),
    :attr:`outbox_panel`, :attr:`token_controller`, :attr:`banner`, :attr:`submission`,
    :attr:`outbox_runner`, :attr:`following`; the status bar, :attr:`status_bar`.
    """

    def __init__(
        self,
        *,
        store: TaskStore,
        outbox: Outbox,
        drafts: Drafts,
        vault: TokenVault,
        settings: AppSettings,
        translators: Translators,
        sandbox_url: Callable[[], str],
        data_dir: Path,
    ) -> None:
        super().__init__()
        self._store = store
        self._outbox = outbox
        self._drafts = drafts
        self._settings = settings
        self._translators = translators
        self._sandbox_url = sandbox_url
        self._data_dir = data_dir
        self._session = Session(self._make_config())
        self.setObjectName("MainWindow")
        self.store_watch = StoreWatch(store.path, self)
        self.model = TaskTableModel(store, self, changes=self.store_watch.changed)

        # -- the one background runner, and the workers on its lanes
        self._background = Runner(self)
        self._voice_worker = VoiceListWorker(VoiceCache(store.db), self._background)
        self._token_worker = TokenWorker(vault, self._background)
        self._media_worker = MediaCheckWorker(self._background)
        self.outbox_runner = OutboxRunner(
            outbox,
            data_dir,
            auto_send=settings.auto_send,
            concurrency=settings.send_concurrency,
            runner=self._background,
            parent=self,
        )
        self.following = TaskFollowing(store, self.outbox_runner.gate, self._background, self)
        self.downloads = DownloadManager(
            store,
            folder=lambda: settings.download_folder,
            keep_enabled=lambda: settings.keep_finished_videos,
            network=lambda: self.config,
            owner=self.outbox_runner.owner,
            runner=self._background,
            parent=self,
        )
        self.settings_watch = SettingsWatch(settings, self)

        self._build_ui()
        restore_layout(self, *settings.window_layout())
        # Two fifths for the form, three for the lists (the task table's columns need them).
        self.splitter.setSizes([max(380, self.width() * 2 // 5), self.width() * 3 // 5])

        self.token_controller.start()
        self._configure_sending()
        self.downloads.catch_up(with_saved=True)  # videos to keep that no program has saved

    # -- building ------------------------------------------------------------------------

    def _build_ui(self) -> None:
        """Creates the parts, menus, toolbar and status bar, once, and wires them;
        :meth:`retranslate_ui` sets the window's own texts."""
        a = self.main_actions = MainActions(self)
        self.token_controller = TokenController(
            session=self._session, settings=self._settings, worker=self._token_worker, parent=self
        )
        self.banner = ServiceBanner()
        self.unsaved_banner = UnsavedTaskIdsBanner()  # accepted jobs not written yet
        self.compose_side = ComposeSide(
            session=self._session,
            settings=self._settings,
            drafts=self._drafts,
            background=self._background,
            actions=a,
            media_worker=self._media_worker,
            voice_worker=self._voice_worker,
        )
        self.tasks = TasksPanel(self._store, self.model, a)
        self.task_control = TasksController(
            store=self._store,
            outbox=self._outbox,
            following=self.following,
            runner=self.outbox_runner,
            background=self._background,
            panel=self.tasks,
            service_url=lambda: self.config.base_url,
            window=self,
        )
        self.notifier = TaskNotifier(self, self.windowIcon())
        self.outbox_panel = OutboxPanel(
            OutboxTableModel(self._outbox, changes=self.store_watch.changed)
        )
        self.outbox_control = OutboxController(
            outbox=self._outbox,
            tasks=self._store,
            drafts=self._drafts,
            runner=self.outbox_runner,
            background=self._background,
            panel=self.outbox_panel,
            window=self,
        )
        self.submission = SubmitFlow(
            window=self,
            session=self._session,
            compose_side=self.compose_side,
            actions=a,
            outbox=self._outbox,
            store=self._store,
            runner=self.outbox_runner,
            tokens=self.token_controller,
        )
        self.right_tabs = QTabWidget()
        self.right_tabs.setObjectName("rightTabs")
        self.right_tabs.setDocumentMode(True)
        self.right_tabs.setMinimumWidth(530)  # the task table's columns, uncut
        self.right_tabs.addTab(self.tasks, "")
        self.right_tabs.addTab(self.outbox_panel, "")
        self.downloads_panel = DownloadsPanel(self.downloads)
        self.right_tabs.addTab(self.downloads_panel, "")
        self.covers = CoverLoader(self._data_dir / "covers", self, runner=self._background)
        self.details = TaskDetailsPane(self.covers)
        self.tasks.set_details(self.details)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.compose_side)
        self.splitter.addWidget(self.right_tabs)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 6, 6, 0)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.unsaved_banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._menus = a.build_menus(
            self.menuBar(), {"move_to_service": self.outbox_panel.move_action}
        )
        self._toolbar = a.build_toolbar()
        self.addToolBar(self._toolbar)
        self.status_bar = WindowStatusBar()
        self.setStatusBar(self.status_bar)

        # What each action does.
        a.preview.triggered.connect(self.compose_side.show_request)
        a.check_media.triggered.connect(self.compose_side.check_media)
        a.clear_form.triggered.connect(self.compose_side.clear_form)
        a.undo_clear.triggered.connect(self.compose_side.undo_clear)
        a.save_draft.triggered.connect(self.compose_side.save_named_draft)
        a.open_drafts.triggered.connect(self.compose_side.open_drafts)
        a.send_now.triggered.connect(self.outbox_control.send_now)
        a.pause_sending.triggered.connect(self.outbox_control.toggle_pause)
        a.import_jobs.triggered.connect(lambda: self.outbox_control.import_jobs())
        a.save_template.triggered.connect(self.outbox_control.save_template)
        a.export_data.triggered.connect(self.outbox_control.export)
        a.token.triggered.connect(self.token_controller.open_dialog)
        a.settings.triggered.connect(self.on_settings)
        a.quit.triggered.connect(self.close)
        a.refresh.triggered.connect(self.task_control.refresh)
        a.refresh_all.triggered.connect(self.task_control.refresh_all)
        a.add_task_id.triggered.connect(self.task_control.add_task_id)
        a.export_tasks.triggered.connect(self.task_control.export)
        a.resolve_task.triggered.connect(self.task_control.resolve)
        a.send_again.triggered.connect(self.task_control.send_again)
        a.discard_task.triggered.connect(self.task_control.discard)
        a.download_video.triggered.connect(self.tasks.download_selected)
        a.open_file.triggered.connect(self.tasks.open_file)
        a.show_in_folder.triggered.connect(self.tasks.show_in_folder)
        a.open_video.triggered.connect(self.tasks.open_video)
        a.copy_video_link.triggered.connect(self.tasks.copy_video_link)
        a.copy_task_id.triggered.connect(self.tasks.copy_task_ids)
        a.use_as_template.triggered.connect(self.tasks.use_as_template)
        a.remove.triggered.connect(self.tasks.remove_selected)
        a.undo_remove.triggered.connect(self.tasks.undo_remove)
        a.about.triggered.connect(self.on_about)
        self.banner.token_button.clicked.connect(a.token.trigger)
        self.banner.settings_button.clicked.connect(a.settings.trigger)

        # How the parts talk.
        for part in (
            self.compose_side,
            self.tasks,
            self.task_control,
            self.token_controller,
            self.submission,
        ):
            part.message.connect(self.statusBar().showMessage)
        self.outbox_control.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.outbox_control.open_request.connect(self.compose_side.use_template)
        self.tasks.template_requested.connect(self.compose_side.use_template)
        self.token_controller.token_changed.connect(self._on_token_changed)
        self.token_controller.backend_changed.connect(self._update_service_status)
        self.token_controller.service_chosen.connect(self._apply_service)
        self.submission.submitted.connect(self._on_submitted)
        self.outbox_control.summary_changed.connect(self._show_outbox_status)
        self.outbox_runner.token_refused.connect(self._on_sending_token_refused)
        self.outbox_runner.outcome.connect(self.unsaved_banner.on_outcome)
        self.outbox_runner.unsaved_stored.connect(self.unsaved_banner.on_stored)
        self.unsaved_banner.message.connect(self.statusBar().showMessage)
        self.downloads_panel.message.connect(self.statusBar().showMessage)
        self.details.message.connect(self.statusBar().showMessage)
        self.downloads.finished.connect(self._on_download_finished)
        self.tasks.current_changed.connect(self.details.show_record)
        self.tasks.download_requested.connect(self._download)
        self.details.download_requested.connect(self._download)
        self.following.task_finished.connect(self._on_task_finished)
        self.following.state_changed.connect(self.status_bar.show_follow)
        self.outbox_runner.state_changed.connect(
            lambda: self.following.set_online(self.outbox_runner.policy.reachable)
        )
        self.notifier.task_clicked.connect(self._show_task)
        self.store_watch.changed.connect(self._on_store_changed)
        # An answer this window stored shows at once (not at the watch's next look).
        self.following.task_updated.connect(self.store_watch.check)
        self.settings_watch.changed.connect(self._on_settings_changed_elsewhere)

        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets the texts of the window's own widgets and of the actions (again after a
        language switch: the panels retranslate themselves on the same ``LanguageChange``)."""
        self.main_actions.retranslate_ui()
        self.main_actions.retranslate_menus(self._menus)
        self.right_tabs.setTabText(0, self.tr("Tasks"))
        downloads_tab = self.right_tabs.indexOf(self.downloads_panel)
        self.right_tabs.setTabText(downloads_tab, self.tr("Downloads"))
        self._toolbar.setWindowTitle(self.tr("Main toolbar"))
        self._update_service_status()
        self.outbox_control.refresh_state()
        self.submission.update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    @property
    def settings_action(self) -> QAction:
        """``main_actions.settings``, under the name scripts (tests/test_app.py) use."""
        return self.main_actions.settings

    def _title(self) -> str:
        title = self.tr("Avatar Desktop")
        if self.config.sandbox:
            title += " — " + self.tr("SANDBOX")
        return title

    # -- the service -------------------------------------------------------------------------

    def _make_config(self) -> ServiceConfig:
        sandbox = None
        if self._settings.service is ServiceChoice.SANDBOX:
            sandbox = self._sandbox_url()
        return self._settings.service_config(sandbox)

    @property
    def config(self) -> ServiceConfig:
        """The service the window talks to now."""
        return self._session.config

    def _apply_service(self) -> None:
        """The service settings changed: talk to the service they name from now on."""
        self._session.config = self._make_config()
        self.outbox_runner.policy.auto_send = self._settings.auto_send
        self.outbox_runner.concurrency = self._settings.send_concurrency
        self._configure_sending()
        self._update_service_status()
        self.submission.update()
        self.compose_side.reload_voices()
        self.token_controller.service_changed()

    def _update_service_status(self) -> None:
        """The title, the banner and the status bar say which service and token are in use."""
        self.setWindowTitle(self._title())
        self.status_bar.show_service(self.config, self.token_controller.status_text())
        backend = self.token_controller.backend
        self.banner.show_state(
            sandbox=self.config.sandbox,
            has_token=bool(self._session.token),
            keyring_unusable=backend is not None and not backend.usable,
        )

    @Slot(bool)
    def _on_token_changed(self, has_token: bool) -> None:
        if has_token:
            self.compose_side.clear_error()
        self._configure_sending()
        self._update_service_status()
        self.submission.update()
        self.compose_side.reload_voices()  # it may have asked before the token was known

    # -- settings, language, about -------------------------------------------------------

    @Slot()
    def on_settings(self) -> None:
        dialog = SettingsDialog(self._settings, self._data_dir, self)
        before = self._settings.language
        accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return
        self._apply_service()
        self.downloads.catch_up(with_saved=True)  # "keep finished videos" may be on now
        if self._settings.language != before:
            self.retranslate()
        self.statusBar().showMessage(self.tr("Settings saved."), 4000)

    @Slot()
    def _on_settings_changed_elsewhere(self) -> None:
        """Another program changed the settings file (``avatar-cli config set``): follow it."""
        self._apply_service()
        if self._translators.language != resolve_language(self._settings.language):
            self.retranslate()
        self.statusBar().showMessage(self.tr("Settings changed by another program."), 4000)

    def retranslate(self) -> None:
        """Switch the interface language now, keeping everything typed: installing the
        translators sends every widget a ``LanguageChange`` event (see :meth:`changeEvent`)."""
        self._translators.apply(self._settings.language)

    @Slot()
    def on_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Avatar Desktop"),
            self.tr(
                "Avatar Desktop %1\nA desktop client for digital-human video generation."
            ).replace("%1", __version__),
        )

    # -- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.submission.confirm_quit() or not self.unsaved_banner.confirm_quit():
            event.ignore()
            return
        self.following.stop()
        self.downloads.shutdown()  # the .part files stay: a later download resumes them
        self.covers.shutdown()
        self.notifier.close()
        self.store_watch.stop()
        self.settings_watch.stop()
        self.submission.wait_for_in_flight()
        self.compose_side.save_draft(now=True)
        self._settings.set_window_layout(
            bytes(self.saveGeometry().data()), bytes(self.saveState().data())
        )
        self.outbox_runner.shutdown()
        self._background.shutdown()  # the draft written, the rest cancelled: nothing more comes
        self.token_controller.close_dialog()
        super().closeEvent(event)

    # -- sending and following ---------------------------------------------------------------

    def _configure_sending(self) -> None:
        """Tell the outbox and the follower which service and token to use now."""
        token = self._session.request_token()
        self.outbox_runner.configure(self.config, token)
        self.following.configure(self.config, token)
        network = self.config.link_network()  # downloads read self.config when they start
        self.covers.set_network(network)
        self._media_worker.network = network  # read on its thread at the next check
        self.outbox_control.refresh_state()

    @Slot(object)
    def _show_outbox_status(self, summary: OutboxSummary) -> None:
        """The outbox's tab and the status bar say how many jobs wait and whether they go —
        the counts of the panel's own line (one :class:`OutboxSummary` for all three)."""
        hold = self.outbox_runner.policy.hold
        self.status_bar.show_outbox(summary, hold, self.config)
        title = self.tr("Outbox")
        waiting = summary.waiting
        self.right_tabs.setTabText(1, f"{title} ({waiting})" if waiting else title)
        self.main_actions.pause_sending.setChecked(hold in (Hold.PAUSED, Hold.TOKEN_REFUSED))

    @Slot()
    def _on_sending_token_refused(self) -> None:
        self.statusBar().showMessage(
            self.tr("The service refused the token: sending is paused until it is fixed."), 15000
        )

    @Slot()
    def _on_store_changed(self) -> None:
        """Somebody — this window, another one, avatar-cli — wrote to the data file (the
        task and outbox lists follow it themselves)."""
        self.outbox_control.refresh_state()
        self.downloads.catch_up()  # successes another program recorded, too

    @Slot(int)
    def _on_submitted(self, row_id: int) -> None:
        self.model.refresh()
        self.right_tabs.setCurrentWidget(self.tasks)
        self.tasks.select_row(row_id)

    @Slot(int, str)
    def _on_task_finished(self, row_id: int, status: str) -> None:
        """A task became done or failed: say so, also outside the window when it is not in
        front (a desktop notification; clicking it shows the task)."""
        try:
            record = self._store.get(row_id)
        except StoreError:  # the window is closing (a last answer arrived after the store)
            return
        if record is None:
            return
        text = self.notifier.task_finished(record, saving=self._settings.keep_finished_videos)
        self.statusBar().showMessage(text, 10000)

    @Slot(object, str)
    def _download(self, record: TaskRecord, variant: str) -> None:
        item = self.downloads_panel.download(record, variant)
        if item.error:
            return
        self.statusBar().showMessage(
            self.tr("Saving the video of %1 (see Downloads)…").replace(
                "%1", record.label or record.task_id or ""
            ),
            5000,
        )

    @Slot(object)
    def _on_download_finished(self, item: DownloadItem) -> None:
        if item.state is DownloadState.DONE:
            self.statusBar().showMessage(
                self.tr("Video saved: %1").replace("%1", str(item.destination)), 10000
            )

    @Slot(int)
    def _show_task(self, row_id: int) -> None:
        self.right_tabs.setCurrentWidget(self.tasks)
        self.tasks.select_row(row_id)
