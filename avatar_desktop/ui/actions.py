"""Every action of the main window in one place: text, shortcut, tooltip and menu role.

The actions only say what they are; the window connects them to what they do and hands the
panels the ones they show or enable (the task panel its task actions, the compose side Submit,
Show request and Check media). :meth:`MainActions.retranslate_ui` sets the texts again after a
language switch, so the actions themselves (and their place in menus and toolbars) stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar, QWidget

from avatar_desktop.ui.i18n import QT_TRANSLATE_NOOP

_BRACKETED_MNEMONIC = re.compile(r"\s*[(（]&[^&\s][)）]")
"""A mnemonic in brackets, as Chinese, Japanese and Korean menus write it: "提交(&S)"."""


MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    (QT_TRANSLATE_NOOP("MainWindow", "&File"), ("token", "settings", None, "quit")),
    (
        QT_TRANSLATE_NOOP("MainWindow", "&Compose"),
        (
            "submit",
            "add_to_outbox",
            "preview",
            "check_media",
            None,
            "clear_form",
            "undo_clear",
            None,
            "save_draft",
            "open_drafts",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("MainWindow", "&Outbox"),
        (
            "send_now",
            "pause_sending",
            "move_to_service",
            None,
            "import_jobs",
            "save_template",
            "export_data",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("MainWindow", "&Tasks"),
        (
            "refresh",
            "refresh_all",
            "add_task_id",
            None,
            "download_video",
            "open_file",
            "show_in_folder",
            "open_video",
            "copy_video_link",
            "copy_task_id",
            "use_as_template",
            None,
            "resolve_task",
            "send_again",
            "discard_task",
            None,
            "export_tasks",
            "remove",
            "undo_remove",
        ),
    ),
    (QT_TRANSLATE_NOOP("MainWindow", "&Help"), ("about",)),
)
"""The menu bar: each menu's title and its actions by name (None: a separator): an action of
:class:`MainActions`, or one a panel owns (``move_to_service``: the outbox panel's)."""

TOOLBAR: tuple[str | None, ...] = (
    "submit",
    None,
    "refresh",
    "download_video",
    "open_video",
    "use_as_template",
    "remove",
    None,
    "token",
    "settings",
)
"""The main toolbar's actions by name (None: a separator). Show request and Check media are
buttons of the form itself (so is Submit, kept here as the main action): without them every
button fits a window 1024 pixels wide, Settings included, in English and in Chinese."""


def button_text(text: str) -> str:
    """A menu text as a toolbar button shows it: without its mnemonic — also a bracketed one,
    "提交(&S)" → "提交", which Qt's own stripping would leave as "提交(S)" — nor a trailing
    ellipsis ("Settings…" → "Settings"); "&&" stays a literal "&"."""
    text = _BRACKETED_MNEMONIC.sub("", text)
    text = re.sub(r"&(&?)", r"\1", text)
    text = re.sub(r"\s*(…|\.\.\.)\s*$", "", text)
    return text.strip()


def _action(
    parent: QWidget,
    *shortcuts: str | QKeySequence.StandardKey,
    role: QAction.MenuRole | None = None,
    context: Qt.ShortcutContext | None = None,
) -> QAction:
    action = QAction(parent)
    action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if role is not None:
        action.setMenuRole(role)
    if context is not None:
        action.setShortcutContext(context)
    return action


class MainActions(QObject):
    """The window's actions, as attributes (their shortcuts in brackets).

    Compose: ``submit`` (Ctrl+Return, Ctrl+Enter), ``add_to_outbox`` (Ctrl+Shift+Return),
    ``preview`` (Ctrl+R), ``check_media`` (Ctrl+M), ``clear_form`` (Ctrl+Shift+N),
    ``undo_clear`` (Ctrl+Z, where the form has the focus), ``save_draft`` (Ctrl+S),
    ``open_drafts`` (Ctrl+Shift+O).
    Outbox: ``send_now`` (Ctrl+Shift+S), ``pause_sending``, ``import_jobs`` (Ctrl+I),
    ``save_template``, ``export_data``.
    File: ``token`` (Ctrl+T), ``settings`` (Ctrl+,), ``quit`` (Ctrl+Q).
    Tasks: ``refresh`` (F5: the selection, or every unfinished task when none is selected),
    ``refresh_all`` (Ctrl+F5), ``add_task_id`` (Ctrl+Shift+T), ``export_tasks``,
    ``resolve_task``, ``send_again`` and ``discard_task`` (for an outcome-unknown row),
    ``download_video`` (Ctrl+D), ``open_file`` (Ctrl+Shift+F), ``show_in_folder``,
    ``open_video`` (Ctrl+O), ``copy_video_link`` (Ctrl+Shift+L),
    ``copy_task_id`` (Ctrl+Shift+C), ``use_as_template`` (Ctrl+E), ``remove`` (Delete) and
    ``undo_remove`` (Ctrl+Z) — these two only where the task table has the focus.
    Help: ``about`` (F1).

    The actions are children of ``window`` (shortcuts work wherever they are shown).
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        standard = QKeySequence.StandardKey
        in_table = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.submit = _action(window, "Ctrl+Return", "Ctrl+Enter")
        self.preview = _action(window, "Ctrl+R")
        self.check_media = _action(window, "Ctrl+M")
        self.clear_form = _action(window, "Ctrl+Shift+N")
        self.add_to_outbox = _action(window, "Ctrl+Shift+Return", "Ctrl+Shift+Enter")
        self.undo_clear = _action(window, standard.Undo, context=in_table)
        self.save_draft = _action(window, standard.Save)
        self.open_drafts = _action(window, "Ctrl+Shift+O")
        self.send_now = _action(window, "Ctrl+Shift+S")
        self.pause_sending = _action(window)
        self.import_jobs = _action(window, "Ctrl+I")
        self.save_template = _action(window)
        self.export_data = _action(window)
        self.token = _action(window, "Ctrl+T")
        self.settings = _action(window, "Ctrl+,", role=QAction.MenuRole.PreferencesRole)
        self.quit = _action(window, "Ctrl+Q", role=QAction.MenuRole.QuitRole)
        self.copy_task_id = _action(window, "Ctrl+Shift+C")
        self.use_as_template = _action(window, "Ctrl+E")
        self.remove = _action(window, standard.Delete, context=in_table)
        self.undo_remove = _action(window, standard.Undo, context=in_table)
        self.refresh = _action(window, standard.Refresh)
        self.refresh_all = _action(window, "Ctrl+F5")
        self.add_task_id = _action(window, "Ctrl+Shift+T")
        self.export_tasks = _action(window)
        self.resolve_task = _action(window)
        self.send_again = _action(window)
        self.discard_task = _action(window)
        self.download_video = _action(window, "Ctrl+D")
        self.open_file = _action(window, "Ctrl+Shift+F")
        self.show_in_folder = _action(window)
        self.open_video = _action(window, "Ctrl+O")
        self.copy_video_link = _action(window, "Ctrl+Shift+L")
        self.about = _action(window, standard.HelpContents, role=QAction.MenuRole.AboutRole)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets every text and tooltip (again after a language switch). The window keeps
        Submit's tooltip up to date with what Submit would do."""
        for action in self.all_actions():
            action.setToolTip("")  # no tooltip of the previous language stays
        self.submit.setText(self.tr("&Submit"))
        self.submit.setToolTip(self.tr("Send the request to the service (Ctrl+Enter)"))
        self.preview.setText(self.tr("Show &request…"))
        self.check_media.setText(self.tr("Check &media"))
        self.clear_form.setText(self.tr("&Clear form"))
        self.add_to_outbox.setText(self.tr("&Add to outbox"))
        self.add_to_outbox.setToolTip(
            self.tr("Keep the job in the outbox, to send later (Ctrl+Shift+Enter)")
        )
        self.undo_clear.setText(self.tr("&Undo clear form"))
        self.save_draft.setText(self.tr("Save as &draft…"))
        self.open_drafts.setText(self.tr("&Drafts…"))
        self.send_now.setText(self.tr("Send &now"))
        self.send_now.setToolTip(self.tr("Send every waiting job of the current service now"))
        self.pause_sending.setText(self.tr("&Pause sending"))
        self.pause_sending.setCheckable(True)
        self.import_jobs.setText(self.tr("&Import jobs…"))
        self.import_jobs.setToolTip(self.tr("Queue jobs from a CSV, JSON or JSON Lines file"))
        self.save_template.setText(self.tr("Save CSV &template…"))
        self.export_data.setText(self.tr("&Export drafts and outbox…"))
        self.token.setText(self.tr("API &token…"))
        self.settings.setText(self.tr("&Settings…"))
        self.quit.setText(self.tr("&Quit"))
        self.copy_task_id.setText(self.tr("&Copy task id"))
        self.use_as_template.setText(self.tr("Use as &template"))
        self.remove.setText(self.tr("&Remove from list"))
        self.undo_remove.setText(self.tr("&Undo remove"))
        self.refresh.setText(self.tr("Re&fresh status"))
        self.refresh.setToolTip(
            self.tr(
                "Ask the service about the selected tasks now (all unfinished ones when none "
                "is selected)"
            )
        )
        self.refresh_all.setText(self.tr("Refresh &all unfinished"))
        self.add_task_id.setText(self.tr("Add task by &id…"))
        self.add_task_id.setToolTip(
            self.tr("Follow a task made on the website or on another computer")
        )
        self.export_tasks.setText(self.tr("E&xport tasks…"))
        self.export_tasks.setToolTip(
            self.tr(
                "Save the tasks the list shows (all, or the ones the filter leaves) as CSV or JSON"
            )
        )
        self.resolve_task.setText(self.tr("&Mark as submitted with task id…"))
        self.send_again.setText(self.tr("Send &again…"))
        self.discard_task.setText(self.tr("D&iscard"))
        self.download_video.setText(self.tr("&Download video"))
        self.download_video.setToolTip(
            self.tr("Save the video on this computer before its link expires")
        )
        self.open_file.setText(self.tr("Open saved &file"))
        self.show_in_folder.setText(self.tr("Show in f&older"))
        self.open_video.setText(self.tr("&Open video in browser"))
        self.open_video.setToolTip(
            self.tr(
                "Open the finished video in your browser or player (links expire after "
                "some days: save what you want to keep)"
            )
        )
        self.copy_video_link.setText(self.tr("Copy video &link"))
        self.about.setText(self.tr("&About Avatar Desktop"))
        for action in self.all_actions():
            # Toolbar buttons show the text without "(&S)"; so does the tooltip of an action
            # that has none of its own (Qt would derive "提交(S)" from the text).
            own_tooltip = action.toolTip() != QAction(action.text()).toolTip()
            action.setIconText(button_text(action.text()))
            if not own_tooltip:
                action.setToolTip(action.iconText())

    def all_actions(self) -> list[QAction]:
        """Every action of the window, in the order they are created."""
        return [value for value in vars(self).values() if isinstance(value, QAction)]

    def _fill(
        self,
        target: QMenu | QToolBar,
        names: tuple[str | None, ...],
        others: Mapping[str, QAction],
    ) -> None:
        for name in names:
            if name is None:
                target.addSeparator()
            else:
                target.addAction(others[name] if name in others else getattr(self, name))

    def build_menus(self, bar: QMenuBar, others: Mapping[str, QAction]) -> list[QMenu]:
        """The menus of :data:`MENUS` in ``bar`` (``others``: the panels' actions they name);
        :meth:`retranslate_menus` titles them."""
        menus = []
        for _title, names in MENUS:
            menu = bar.addMenu("")
            self._fill(menu, names, others)
            menus.append(menu)
        return menus

    def build_toolbar(self) -> QToolBar:
        """The main toolbar (:data:`TOOLBAR`), buttons showing text only."""
        toolbar = QToolBar()
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._fill(toolbar, TOOLBAR, {})
        return toolbar

    @staticmethod
    def retranslate_menus(menus: list[QMenu]) -> None:
        for menu, (title, _names) in zip(menus, MENUS, strict=True):
            menu.setTitle(QCoreApplication.translate("MainWindow", title))


__all__ = ["MENUS", "TOOLBAR", "MainActions"]
