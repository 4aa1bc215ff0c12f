"""Every action of the main window in one place: text, shortcut, tooltip and menu role.

The actions only say what they are; the window connects them to what they do and hands the
panels the ones they show or enable (the task panel its task actions, the compose side Submit,
Show request and Check media). :meth:`MainActions.retranslate_ui` sets the texts again after a
language switch, so the actions themselves (and their place in menus and toolbars) stay.
:class:`UndoHistory` names the undo entries and gives Ctrl+Z to the one of the newest step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QToolBar,
    QWidget,
)

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
            "fill_samples",
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
    (
        QT_TRANSLATE_NOOP("MainWindow", "&Help"),
        ("user_guide", "shortcuts", None, "open_data_folder", None, "about"),
    ),
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


UNDO_CLEAR_FORM = QT_TRANSLATE_NOOP("MainActions", "&Undo clear form")
UNDO_OPEN_DRAFT = QT_TRANSLATE_NOOP("MainActions", "&Undo open draft")
UNDO_REMOVE = QT_TRANSLATE_NOOP("MainActions", "&Undo remove")
"""The names of the undo steps (the entries' texts, translated where they are shown)."""


def _nothing_to_undo(widget: QObject) -> bool:
    """Whether ``widget`` is a text field with no typing of its own to undo."""
    if isinstance(widget, QLineEdit):
        return not widget.isUndoAvailable()
    if isinstance(widget, QPlainTextEdit):
        return not widget.document().isUndoAvailable()
    return False


class UndoHistory(QObject):
    """The window's undo: one history of the steps its places made, newest last.

    Each place — the form (``undo_clear``), the task list (``undo_remove``) — keeps what its
    steps changed and tells :meth:`done` and :meth:`undone`. Its entry, in its own menu, is
    enabled while the place has a step, is named after the newest one ("Undo open draft",
    "Undo clear form") and undoes that one. Ctrl+Z undoes the newest step of the window,
    wherever the focus is — in a text field, the typing there first (:meth:`cover`). The
    shortcut sits on the entry of that step's place, so the menus show what the key will do,
    and no press does nothing while a step is left.
    """

    def __init__(self, places: Mapping[QAction, str], parent: QObject | None = None) -> None:
        """``places``: each place's entry and its name while it has no step."""
        super().__init__(parent)
        self._places = dict(places)
        self._steps: list[tuple[QAction, str]] = []

    def cover(self, window: QWidget) -> None:
        """Lets Ctrl+Z through to the window's undo from the text fields of ``window`` that
        have nothing of their own to undo (see :meth:`eventFilter`)."""
        for field in window.findChildren(QLineEdit) + window.findChildren(QPlainTextEdit):
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """A text field takes Ctrl+Z for its own undo even when it has nothing to undo (a
        field the app filled, as Clear form does): then the window's undo takes it."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and self._steps
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
            and _nothing_to_undo(watched)
        ):
            event.ignore()
            return True
        return False

    def done(self, place: QAction, name: str) -> None:
        """The place of the entry ``place`` made an undoable step, called ``name`` (one of
        the ``UNDO_`` names)."""
        self._steps.append((place, name))
        self.show()

    def undone(self, place: QAction) -> None:
        """The place of ``place`` undid its newest step."""
        for index in range(len(self._steps) - 1, -1, -1):
            if self._steps[index][0] is place:
                del self._steps[index]
                break
        self.show()

    def show(self) -> None:
        """Names and enables the entries and gives Ctrl+Z to the newest step's (again after a
        language switch)."""
        newest = self._steps[-1][0] if self._steps else None
        for place, name in self._places.items():
            names = [step for owner, step in self._steps if owner is place]
            text = QCoreApplication.translate("MainActions", names[-1] if names else name)
            place.setText(text)
            place.setIconText(button_text(text))
            place.setToolTip(place.iconText())
            place.setEnabled(bool(names))
            place.setShortcuts(QKeySequence.StandardKey.Undo if place is newest else [])


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
    ``undo_clear`` (undoes Clear form or an opened draft), ``save_draft`` (Ctrl+S),
    ``open_drafts`` (Ctrl+Shift+O), ``fill_samples`` (shown on the sandbox only).
    Outbox: ``send_now`` (Ctrl+Shift+S), ``pause_sending``, ``import_jobs`` (Ctrl+I),
    ``save_template``, ``export_data``.
    File: ``token`` (Ctrl+T), ``settings`` (Ctrl+,), ``quit`` (Ctrl+Q).
    Tasks: ``refresh`` (F5: the selection, or every unfinished task when none is selected),
    ``refresh_all`` (Ctrl+F5), ``add_task_id`` (Ctrl+Shift+T), ``export_tasks``,
    ``resolve_task``, ``send_again`` and ``discard_task`` (for an outcome-unknown row),
    ``download_video`` (Ctrl+D), ``open_file`` (Ctrl+Shift+F), ``show_in_folder``,
    ``open_video`` (Ctrl+O), ``copy_video_link`` (Ctrl+Shift+L),
    ``copy_task_id`` (Ctrl+Shift+C), ``use_as_template`` (Ctrl+E), ``remove`` (Delete, only
    where the task table has the focus), ``undo_remove``.
    Undo: :attr:`undo` (:class:`UndoHistory`) gives Ctrl+Z to ``undo_clear`` or ``undo_remove``,
    whichever place made the newest step.
    Help: ``user_guide`` (F1), ``shortcuts`` (Ctrl+/), ``open_data_folder``, ``about``.

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
        self.undo_clear = _action(window)
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
        self.undo_remove = _action(window)
        self.undo = UndoHistory(
            {self.undo_clear: UNDO_CLEAR_FORM, self.undo_remove: UNDO_REMOVE}, self
        )
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
        self.about = _action(window, role=QAction.MenuRole.AboutRole)
        self.user_guide = _action(window, standard.HelpContents)
        self.shortcuts = _action(window, "Ctrl+/")
        self.open_data_folder = _action(window)
        self.fill_samples = _action(window)
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
        self.user_guide.setText(self.tr("&User guide"))
        self.user_guide.setToolTip(self.tr("How to use Avatar Desktop and avatar-cli (F1)"))
        self.shortcuts.setText(self.tr("&Keyboard shortcuts"))
        self.open_data_folder.setText(self.tr("Open &data folder"))
        self.open_data_folder.setToolTip(
            self.tr("Show the folder of the task list, the settings and the backups")
        )
        self.fill_samples.setText(self.tr("Fill with sand&box samples"))
        self.fill_samples.setToolTip(
            self.tr("Put the sandbox's own sample media into the form: no network needed")
        )
        for action in self.all_actions():
            # Toolbar buttons show the text without "(&S)"; so does the tooltip of an action
            # that has none of its own (Qt would derive "提交(S)" from the text).
            own_tooltip = action.toolTip() != QAction(action.text()).toolTip()
            action.setIconText(button_text(action.text()))
            if not own_tooltip:
                action.setToolTip(action.iconText())
        self.undo.show()

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

    def shortcut_table(
        self, others: Mapping[str, QAction]
    ) -> list[tuple[str, list[tuple[QAction, str]]]]:
        """Every shortcut of the menus, read from :data:`MENUS` and the actions themselves: each
        menu's title (translated, without its mnemonic) with its actions that have a shortcut,
        each with its shortcuts as this platform writes them ("Ctrl+Return, Ctrl+Enter"). The
        undo entries have Ctrl+Z only while theirs is the newest step: each is listed with it."""
        table = []
        undo = QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)
        for title, names in MENUS:
            rows = []
            for name in names:
                if name is None:
                    continue
                action = others[name] if name in others else getattr(self, name)
                native = QKeySequence.SequenceFormat.NativeText
                shortcuts = undo if name in ("undo_clear", "undo_remove") else action.shortcuts()
                # Without repeats: Chinese writes both Return and Enter as "回车".
                keys = ", ".join(dict.fromkeys(k.toString(native) for k in shortcuts))
                if keys:
                    rows.append((action, keys))
            if rows:
                table.append((button_text(QCoreApplication.translate("MainWindow", title)), rows))
        return table

    @staticmethod
    def retranslate_menus(menus: list[QMenu]) -> None:
        for menu, (title, _names) in zip(menus, MENUS, strict=True):
            menu.setTitle(QCoreApplication.translate("MainWindow", title))


__all__ = [
    "MENUS",
    "TOOLBAR",
    "UNDO_CLEAR_FORM",
    "UNDO_OPEN_DRAFT",
    "UNDO_REMOVE",
    "MainActions",
    "UndoHistory",
]
