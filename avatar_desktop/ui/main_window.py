"""The main window: it builds the panels, menus, toolbar and status bar and wires them.

The window composes the layers: it takes the store, the token vault and the settings in its
constructor and hands each part what it needs — the compose side (form, media check, voice
list, draft), the tabs on the right (:class:`~avatar_desktop.ui.tasks.tab.TasksTab`,
:class:`~avatar_desktop.ui.outbox.tab.OutboxTab`, the downloads panel), each built with what it
needs and talking to the window through signals, the token controller (the token and its
dialog), the actions (:mod:`avatar_desktop.ui.actions`). What is the window's own stays here:
the splitter, the menus, toolbar and status bar, the service in use, settings, and closing.
Every blocking call runs on the lanes of the one background runner
(:mod:`avatar_desktop.qt.runner`), shut down once when the window closes; the window never
does network or keyring I/O itself.

Sending is the outbox's (:class:`~avatar_desktop.qt.outbox_runner.OutboxRunner`, with
:class:`~avatar_desktop.ui.compose.submit_flow.SubmitFlow` for Submit and "Add to outbox" and
:class:`~avatar_desktop.ui.outbox.outbox_controller.OutboxController` for the outbox panel);
following the tasks is :class:`~avatar_desktop.qt.follow_runner.TaskFollowing`'s. Views learn
about changes from :class:`~avatar_desktop.qt.store_watch.StoreWatch`, whoever made them: this
window, another one, or ``avatar-cli``.
"""

from __future__ import annotations

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
from avatar_desktop.core.sandbox_home import SandboxPlace
from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import Outbox, OutboxSummary
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.ui.actions import MainActions
from avatar_desktop.ui.compose.compose_side import ComposeSide
from avatar_desktop.ui.compose.submit_flow import SubmitFlow
from avatar_desktop.ui.dialogs.help import Help
from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog
from avatar_desktop.ui.dialogs.storage_dialog import UnsavedTaskIdsBanner
from avatar_desktop.ui.dialogs.token_controller import TokenController
from avatar_desktop.ui.i18n import Translators
from avatar_desktop.ui.outbox.tab import OutboxTab
from avatar_desktop.ui.service_banner import ServiceBanner
from avatar_desktop.ui.services import WindowServices, service_config
from avatar_desktop.ui.status_bar import WindowStatusBar
from avatar_desktop.ui.tasks.downloads_panel import DownloadsPanel
from avatar_desktop.ui.tasks.tab import TasksTab
from avatar_desktop.ui.views import restore_layout


class MainWindow(QMainWindow):
    """The application window.

    Collaborators are injected: ``services`` (:class:`WindowServices`, built by
    :func:`~avatar_desktop.ui.services.build_services`: the runner, sending, following,
    downloads, the watches), ``store`` (:class:`TaskStore`), ``outbox`` (:class:`Outbox`) and
    ``drafts`` (:class:`Drafts`) on one data file, ``settings`` (:class:`AppSettings`),
    ``translators``, ``sandbox_place`` (a callable that starts the built-in sandbox if needed
    and returns where it lives, :class:`~avatar_desktop.core.sandbox_home.SandboxPlace`) and
    ``data_dir``.

    Its parts: :attr:`main_actions`, :attr:`compose_side`, :attr:`tasks_tab` (its page
    :attr:`tasks`), :attr:`outbox_tab` (its page :attr:`outbox_panel`), :attr:`downloads_panel`,
    :attr:`token_controller`, :attr:`banner`, :attr:`submission`, :attr:`outbox_runner`,
    :attr:`following`, :attr:`downloads`, :attr:`help` (the Help menu's guide, shortcuts and
    data folder); the status bar, :attr:`status_bar`.
    """

    def __init__(
        self,
        *,
        services: WindowServices,
        store: TaskStore,
        outbox: Outbox,
        drafts: Drafts,
        settings: AppSettings,
        translators: Translators,
        sandbox_place: Callable[[], SandboxPlace],
        data_dir: Path,
    ) -> None:
        super().__init__()
        self._store = store
        self._outbox = outbox
        self._drafts = drafts
        self._settings = settings
        self._translators = translators
        self._language = settings.language
        """The language setting the window last followed."""
        self._sandbox_place = sandbox_place
        self._data_dir = data_dir
        self._session = services.session
        self.setObjectName("MainWindow")
        services.adopt(self)
        self.store_watch = services.store_watch
        self.settings_watch = services.settings_watch
        # The one background runner, and what works on its lanes.
        self._background = services.runner
        self._voice_worker = services.voice_worker
        self._token_worker = services.token_worker
        self._media_worker = services.media_worker
        self.outbox_runner = services.outbox_runner
        self.following = services.following
        self.downloads = services.downloads
        self._resolve_link = services.resolve_link

        self._build_ui()
        restore_layout(self, *settings.window_layout())
        # Two fifths for the form, three for the lists (the task table's columns need them).
        self.splitter.setSizes([max(380, self.width() * 2 // 5), self.width() * 3 // 5])

        self.token_controller.start()
        self._configure_sending()
        self.downloads.list_saved()  # the videos saved before, by any program
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
        self.tasks_tab = TasksTab(
            store=self._store,
            outbox=self._outbox,
            changes=self.store_watch.changed,
            settings=self._settings,
            following=self.following,
            runner=self.outbox_runner,
            background=self._background,
            actions=a,
            covers_folder=self._data_dir / "covers",
            resolve_link=self._resolve_link,
            service_url=lambda: self.config.base_url,
            window=self,
        )
        self.tasks = self.tasks_tab.panel
        self.outbox_tab = OutboxTab(
            outbox=self._outbox,
            tasks=self._store,
            drafts=self._drafts,
            changes=self.store_watch.changed,
            runner=self.outbox_runner,
            background=self._background,
            actions=a,
            window=self,
        )
        self.outbox_panel = self.outbox_tab.panel
        self.downloads_panel = DownloadsPanel(self.downloads)
        self.submission = SubmitFlow(
            window=self,
            session=self._session,
            compose_side=self.compose_side,
            actions=a,
            outbox=self._outbox,
            store=self._store,
            runner=self.outbox_runner,
            background=self._background,
            tokens=self.token_controller,
        )
        self.right_tabs = QTabWidget()
        self.right_tabs.setObjectName("rightTabs")
        self.right_tabs.setDocumentMode(True)
        self.right_tabs.setMinimumWidth(530)  # the task table's columns, uncut
        for page in (self.tasks, self.outbox_panel, self.downloads_panel):
            self.right_tabs.addTab(page, "")

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
        panel_actions = {"move_to_service": self.outbox_panel.move_action}
        self._menus = a.build_menus(self.menuBar(), panel_actions)
        self._toolbar = a.build_toolbar()
        self.addToolBar(self._toolbar)
        self.status_bar = WindowStatusBar()
        self.setStatusBar(self.status_bar)

        # What each action does.
        a.token.triggered.connect(self.token_controller.open_dialog)
        a.settings.triggered.connect(self.on_settings)
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self.on_about)
        self.help = Help(
            window=self,
            actions=a,
            others=panel_actions,
            data_dir=self._data_dir,
            language=lambda: self._translators.language,
        )
        self.banner.token_button.clicked.connect(a.token.trigger)
        self.banner.settings_button.clicked.connect(a.settings.trigger)

        # How the parts talk.
        for part in (
            self.compose_side,
            self.tasks_tab,
            self.outbox_tab,
            self.downloads_panel,
            self.token_controller,
            self.submission,
            self.unsaved_banner,
        ):
            part.message.connect(self.statusBar().showMessage)
        self.outbox_tab.open_request.connect(self.compose_side.use_template)
        self.tasks_tab.template_requested.connect(self.compose_side.use_template)
        self.tasks_tab.download_requested.connect(self.downloads_panel.download)
        self.tasks_tab.show_requested.connect(lambda: self.right_tabs.setCurrentWidget(self.tasks))
        self.token_controller.token_changed.connect(self._on_token_changed)
        self.token_controller.backend_changed.connect(self._update_service_status)
        self.token_controller.service_chosen.connect(self._apply_service)
        self.submission.submitted.connect(self.tasks_tab.show_task)
        self.outbox_tab.summary_changed.connect(self._show_outbox_status)
        self.outbox_runner.outcome.connect(self.unsaved_banner.on_outcome)
        self.outbox_runner.unsaved_stored.connect(self.unsaved_banner.on_stored)
        self.following.state_changed.connect(self.status_bar.show_follow)
        self.outbox_runner.state_changed.connect(
            lambda: self.following.set_online(self.outbox_runner.policy.reachable)
        )
        # Successes another program recorded, too (the lists follow the watch themselves).
        self.store_watch.changed.connect(self.downloads.catch_up)
        self.store_watch.changed.connect(self.downloads.list_saved)  # saved elsewhere too
        # An answer this window stored shows at once (not at the watch's next look; the
        # answers of a burst together).
        self.following.task_updated.connect(self.store_watch.check_soon)
        self.settings_watch.changed.connect(self._on_settings_changed_elsewhere)
        a.undo.cover(self)  # Ctrl+Z in a field with nothing to undo: the window's step

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
        self.outbox_tab.controller.refresh_state()
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
        return service_config(self._settings, self._sandbox_place)

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
        self.compose_side.show_sample_offer()
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
        dialog = SettingsDialog(self._settings, self._data_dir, self, self._background)
        accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return
        self._follow_settings()
        self.statusBar().showMessage(self.tr("Settings saved."), 4000)

    @Slot()
    def _on_settings_changed_elsewhere(self) -> None:
        """Another program changed the settings file (``avatar-cli config set``): follow it."""
        self._follow_settings()
        self.statusBar().showMessage(self.tr("Settings changed by another program."), 4000)

    def _follow_settings(self) -> None:
        """The settings changed (here or in another program): apply every one of them."""
        self._apply_service()
        self.downloads.catch_up(with_saved=True)  # "keep finished videos" may be on now
        self.downloads_panel.folder_changed()
        if self._settings.language != self._language:
            self.retranslate()

    def retranslate(self) -> None:
        """Switch the interface language now, keeping everything typed: installing the
        translators sends every widget a ``LanguageChange`` event (see :meth:`changeEvent`)."""
        self._language = self._settings.language
        self._translators.apply(self._language)

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
        self.tasks_tab.close()
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
        self.help.close()
        super().closeEvent(event)

    # -- sending and following ---------------------------------------------------------------

    def _configure_sending(self) -> None:
        """Tell the outbox and the follower which service and token to use now."""
        token = self._session.request_token()
        self.outbox_runner.configure(self.config, token)
        self.following.configure(self.config, token)
        network = self.config.link_network()  # downloads read self.config when they start
        self.tasks_tab.covers.set_network(network)
        self._media_worker.network = network  # read on its thread at the next check
        self.compose_side.compose.set_file_home(self.outbox_runner.file_home())
        self.outbox_tab.controller.refresh_state()

    @Slot(object)
    def _show_outbox_status(self, summary: OutboxSummary) -> None:
        """The outbox's tab and the status bar say how many jobs wait and whether they go —
        the counts of the panel's own line (one :class:`OutboxSummary` for all three)."""
        self.status_bar.show_outbox(summary, self.outbox_runner.policy.hold, self.config)
        title = self.tr("Outbox")
        waiting = summary.waiting
        self.right_tabs.setTabText(1, f"{title} ({waiting})" if waiting else title)
