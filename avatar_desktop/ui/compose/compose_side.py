"""The compose side of the window: the form, its media check and voice list, Submit below."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.media import FindingKind, MediaReport, MediaRole, can_check
from avatar_desktop.core.request import GenerationRequest, VoiceMode
from avatar_desktop.core.samples import SandboxSamples
from avatar_desktop.core.service import Voice
from avatar_desktop.core.settings import AppSettings
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.core.store.drafts import DraftNameError, Drafts
from avatar_desktop.qt.runner import Runner
from avatar_desktop.qt.workers import MediaCheckWorker, VoiceListWorker
from avatar_desktop.ui.actions import UNDO_CLEAR_FORM, UNDO_OPEN_DRAFT, MainActions
from avatar_desktop.ui.compose.compose import ComposePanel
from avatar_desktop.ui.compose.drafts_dialog import DraftsDialog, draft_name_problem
from avatar_desktop.ui.compose.media_panel import MediaPanel
from avatar_desktop.ui.compose.request_preview import RequestPreviewDialog
from avatar_desktop.ui.compose.sample_offer import SampleOffer
from avatar_desktop.ui.i18n import error_text, error_title
from avatar_desktop.ui.session import Session

log = logging.getLogger("avatar_desktop.ui")

DRAFT_DELAY_MS = 1000
"""The draft is saved this long after the last edit (and when the window closes)."""


class FormNotice(QFrame):
    """A line above the buttons saying what replaced the form, with the entry that undoes it
    (:attr:`undo_button`, the very action of the Compose menu, so the words are the same)
    and a button that hides the line."""

    def __init__(self, undo: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formNotice")
        self.setStyleSheet(
            "QFrame#formNotice { background: #e8f0fe; border: 1px solid #b6ccf2;"
            " border-radius: 4px; } QFrame#formNotice QLabel { color: #1a3a6b; }"
        )
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.undo_button = QToolButton()
        self.undo_button.setDefaultAction(undo)
        self.undo_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.close_button)
        self.setVisible(False)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets the button's tooltip (again after a language switch; the side sets the text)."""
        self.close_button.setToolTip(self.tr("Hide this message"))
        self.close_button.setAccessibleName(self.close_button.toolTip())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class ComposeSide(QWidget):
    """The compose form and the media panel in a scroll area; above it, on the sandbox, the
    offer to fill the form with the sandbox's samples (:attr:`sample_offer`, and
    ``actions.fill_samples``); under it, always in view, the submission error and the buttons
    (Show request, Submit).

    It does the form's own work, and answers the form's own actions of ``actions``: autosaving
    it in the data file (and its named drafts), checking the media (on ``media_worker``),
    loading the voice list (on ``voice_worker``), Show request, Clear form, and loading a task's
    request as a template. Whether and when to send is the window's: it
    triggers ``actions.submit`` and sets the button's state with :meth:`set_submit_state`.

    The buttons are in :attr:`button_row` (Show request, Add to outbox, Submit, right-aligned).
    Clear form and opening a named draft replace what was typed (every tab, the switch, the
    voice tab); each is a step of the window's undo (``actions.undo_clear``, named after the
    step: see :class:`~avatar_desktop.ui.actions.UndoHistory`) that brings it all back, and
    :attr:`notice` says what happened, with that same entry as its button. Neither touches a
    named draft.

    Signals:
        ``message(str text, int timeout_ms)``: something to say in the status bar.
        ``validity_changed(bool ok, str missing)``: the form's, once the side has enabled Show
        request accordingly (``missing``: a translated list of what is wrong).
        ``check_finished(bool cancelled)``: a media check ended.
        ``media_check(list)``, ``voices_wanted(object, str, str, bool)``: to the workers.
    """

    message = Signal(str, int)
    validity_changed = Signal(bool, str)
    check_finished = Signal(bool)
    media_check = Signal(list)
    voices_wanted = Signal(object, str, str, bool)

    def __init__(
        self,
        *,
        session: Session,
        settings: AppSettings,
        drafts: Drafts,
        background: Runner,
        actions: MainActions,
        media_worker: MediaCheckWorker,
        voice_worker: VoiceListWorker,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._settings = settings
        self._drafts = drafts
        self._background = background
        self._actions = actions
        self._replaced: list[dict[str, Any]] = []  # what Clear form or a draft replaced
        self._notice_about: tuple[str, ...] = ()  # what the notice says, to say it again
        self._notice_form: dict[str, Any] = {}  # the form the notice is about
        self._media_worker = media_worker
        self._checking = False
        self._form_valid = False
        self._missing = ""
        self._sending = False
        self._voice_status: tuple[object, ...] = ()
        # What the last voice-list request asked for (service, token, language): the same
        # list is not asked for again when the window says the service or token changed.
        self._voices_asked_for: tuple[ServiceConfig, str, str] | None = None
        self._error_service: ServiceConfig | None = None  # the service the error was about

        self.compose = ComposePanel()
        self.media_panel = MediaPanel()
        self.sample_offer = SampleOffer()
        self.sample_offer.fill_button.clicked.connect(actions.fill_samples.trigger)
        self.submit_error = QLabel()
        self.submit_error.setTextFormat(Qt.TextFormat.PlainText)
        self.submit_error.setWordWrap(True)
        self.submit_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.submit_error.setStyleSheet(
            "QLabel { color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.submit_error.setVisible(False)
        self.notice = FormNotice(actions.undo_clear)
        self.preview_button = QPushButton()
        self.preview_button.clicked.connect(actions.preview.trigger)
        self.submit_button = QPushButton()
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(actions.submit.trigger)
        self.submit_button.setMinimumWidth(120)
        self.queue_button = QPushButton()
        self.queue_button.clicked.connect(actions.add_to_outbox.trigger)
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        self.button_row.addWidget(self.preview_button)
        self.button_row.addWidget(self.queue_button)
        self.button_row.addWidget(self.submit_button)

        form_box = QWidget()
        form_layout = QVBoxLayout(form_box)
        form_layout.setContentsMargins(4, 4, 4, 4)  # the splitter and the window have margins
        form_layout.addWidget(self.compose)
        form_layout.addWidget(self.media_panel)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_box)
        self._scroll = scroll
        # The error and the buttons stay in view however long the form is.
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sample_offer)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.submit_error)
        layout.addLayout(self.button_row)
        QWidget.setTabOrder(self.compose.tabs, self.preview_button)
        QWidget.setTabOrder(self.preview_button, self.queue_button)
        QWidget.setTabOrder(self.queue_button, self.submit_button)
        self.addAction(actions.undo_clear)
        actions.add_to_outbox.changed.connect(
            lambda: self.queue_button.setEnabled(actions.add_to_outbox.isEnabled())
        )

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)

        self.media_check.connect(media_worker.check)
        media_worker.checked.connect(self._on_media_checked)
        media_worker.progress.connect(self._on_media_progress)
        media_worker.finished.connect(self._on_media_finished)
        self.voices_wanted.connect(voice_worker.load)
        voice_worker.voices_loaded.connect(self._on_voices_loaded)
        voice_worker.voices_failed.connect(self._on_voices_failed)

        self.compose.validity_changed.connect(self._on_validity)
        self.compose.voices_requested.connect(self._on_voices_requested)
        self.compose.edited.connect(self._draft_timer.start)
        self.compose.edited.connect(self._on_form_edited)
        self.media_panel.check_requested.connect(actions.check_media.trigger)
        self.media_panel.cancel_requested.connect(self.cancel_media_check)
        # What the form's own actions do (Submit and Add to outbox are the submit flow's).
        actions.preview.triggered.connect(self.show_request)
        actions.check_media.triggered.connect(self.check_media)
        actions.clear_form.triggered.connect(self.clear_form)
        actions.undo_clear.triggered.connect(self.undo_clear)
        actions.save_draft.triggered.connect(self.save_named_draft)
        actions.open_drafts.triggered.connect(self.open_drafts)
        actions.fill_samples.triggered.connect(self.fill_with_samples)
        self.show_sample_offer()

        self.retranslate_ui()
        self.compose.validate()
        self.compose.load_draft(self._initial_draft())

    def _initial_draft(self) -> dict[str, Any]:
        """The autosaved form; on the first start after an update, the one the settings kept."""
        try:
            saved = self._drafts.load_autosave()
        except StoreError:
            saved = None
        if saved is None:
            saved = self._settings.draft
        return saved

    def retranslate_ui(self) -> None:
        """Sets every text of the side's own widgets (again after a language switch; the form
        and the media panel retranslate themselves)."""
        self.preview_button.setText(self.tr("Show request…"))
        self.queue_button.setText(self.tr("Add to outbox"))
        self.queue_button.setToolTip(
            self.tr("Keep the job in the outbox, to send later (Ctrl+Shift+Enter)")
        )
        self.submit_button.setText(self.tr("Sending…") if self._sending else self.tr("Submit"))
        if self._voice_status:
            self.compose.set_voice_status(
                self._voice_status_text(), error=self._voice_status[0] == "failed"
            )
        if self._notice_about:
            self.notice.label.setText(self._notice_text())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.clear_error()  # it was in the other language
        super().changeEvent(event)

    # -- the form --------------------------------------------------------------------------

    @property
    def form_valid(self) -> bool:
        """Whether the form holds a valid request."""
        return self._form_valid

    @property
    def missing(self) -> str:
        """What is wrong with the form, translated, one problem a line."""
        return self._missing

    @Slot(bool, str)
    def _on_validity(self, ok: bool, missing: str) -> None:
        self._form_valid = ok
        self._missing = missing
        self._actions.preview.setEnabled(ok)
        self.preview_button.setEnabled(ok)
        self.validity_changed.emit(ok, missing)

    def set_submit_state(self, enabled: bool, tooltip: str, *, sending: bool) -> None:
        """Shows what Submit would do (the window decides): enabled or not, why, and whether a
        submission is on its way."""
        self._sending = sending
        self.submit_button.setEnabled(enabled)
        self.submit_button.setToolTip(tooltip)
        self.submit_button.setText(self.tr("Sending…") if sending else self.tr("Submit"))

    def show_error(self, text: str) -> None:
        """Shows why the last submission failed (or could not be made), above the buttons,
        until the form is edited or the service changes."""
        self.submit_error.setText(text)
        self.submit_error.setVisible(True)
        self._error_service = self._session.config

    def clear_error(self) -> None:
        self.submit_error.setVisible(False)
        self._error_service = None

    def _on_form_edited(self) -> None:
        self.clear_error()
        self.media_panel.retain(self.media_urls())
        if self.notice.isVisible() and self.compose.draft() != self._notice_form:
            self.notice.hide()  # the user went on: the undo stays in the menu

    def save_draft(self, *, now: bool = False) -> None:
        """Keeps everything typed in the data file, for the next start (in the background;
        ``now``: at once, when the window closes)."""
        content = self.compose.draft()
        if now:
            self._draft_timer.stop()
            try:
                self._drafts.autosave(content)
            except StoreError as exc:
                log.warning("the form could not be saved: %s", exc)
            return
        self._background.run(
            lambda: self._drafts.autosave(content),
            on_error=lambda exc: log.warning("the form could not be saved: %s", exc),
        )

    @Slot()
    def save_named_draft(self) -> None:
        """Saves the form as a named draft (asks for the name; asks before replacing)."""
        name, ok = QInputDialog.getText(
            self.window(), self.tr("Save as draft"), self.tr("Name of the draft:")
        )
        if not ok:
            return
        content = self.compose.draft()
        try:
            try:
                self._drafts.save(name, content)
            except DraftNameError as exc:
                if exc.kind != "taken":
                    raise
                answer = QMessageBox.question(
                    self.window(),
                    self.tr("Replace draft?"),
                    self.tr("A draft with that name exists already. Replace it?"),
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                self._drafts.save(name, content, replace=True)
        except DraftNameError as exc:
            QMessageBox.warning(self.window(), self.tr("Save as draft"), draft_name_problem(exc))
            return
        except StoreError as exc:
            QMessageBox.warning(self.window(), self.tr("Save as draft"), error_text(exc))
            return
        self.message.emit(self.tr("Draft saved: %1").replace("%1", " ".join(name.split())), 5000)

    @Slot()
    def open_drafts(self) -> None:
        """The named drafts; opening one replaces the form (undoable, see :meth:`load_draft`)."""
        dialog = DraftsDialog(self._drafts, self.window())
        chosen: list[tuple[str, dict[str, Any]]] = []
        dialog.open_draft.connect(lambda name, content: chosen.append((name, content)))
        dialog.exec()
        dialog.deleteLater()
        if chosen:  # once the dialog is closed: the focus it gives back is then moved on
            self.load_draft(*chosen[-1])

    @Slot(str, dict)
    def load_draft(self, name: str, content: dict[str, Any]) -> None:
        """Opens the named draft ``name``; what it replaced can be brought back."""
        if self._replace_form(content, UNDO_OPEN_DRAFT):
            self._tell("draft", name)
        else:
            self.notice.hide()
            self.message.emit(self.tr("Draft opened: %1").replace("%1", name), 5000)

    def _replace_form(self, content: dict[str, Any], step: str) -> bool:
        """Puts ``content`` in the form; True when that replaced something typed, which the
        undo step ``step`` brings back (every tab, the switch and the voice tab)."""
        current, had_input = self.compose.draft(), self.compose.has_any_input()
        self.compose.load_draft(content)
        replaced = had_input and self.compose.draft() != current
        if replaced:
            self._replaced.append(current)
            self._actions.undo.done(self._actions.undo_clear, step)
        self.media_panel.clear()
        self.clear_error()
        # Out of the text fields, so that Ctrl+Z undoes this step, not a field's typing.
        self.compose.tabs.setFocus()
        return replaced

    def _tell(self, *about: str) -> None:
        """Shows the notice about the step just made (``about``: what it says)."""
        self._notice_about = about
        self._notice_form = self.compose.draft()
        self.notice.label.setText(self._notice_text())
        self.notice.show()

    def _notice_text(self) -> str:
        kind, *details = self._notice_about
        if kind == "draft":
            return self.tr("The draft “%1” replaced what you had typed.").replace("%1", details[0])
        return self.tr("Form cleared.")

    @Slot()
    def show_request(self) -> None:
        """Shows the JSON the form would send, and a curl command."""
        request = self.compose.request()
        if request is None:
            self.compose.show_all_problems()
            return
        config = self._session.config
        dialog = RequestPreviewDialog(
            config.request_url,  # where it goes: the built-in sandbox where it answers now
            request.to_payload(),
            self._session.request_token(),
            self.window(),
            token_is_secret=not config.sandbox,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def clear_form(self) -> None:
        """Empties the fields of every tab (the current voice tab stays) and forgets the media
        check; the undo step "Undo clear form" brings everything back."""
        if self._replace_form({"mode": self.compose.mode.value}, UNDO_CLEAR_FORM):
            self._tell("cleared")

    @Slot()
    def undo_clear(self) -> None:
        """Puts back what the last Clear form or opened draft replaced."""
        if not self._replaced:
            return
        self.compose.load_draft(self._replaced.pop())
        self._actions.undo.undone(self._actions.undo_clear)
        self.notice.hide()
        self.message.emit(self.tr("The form is back."), 4000)

    def show_sample_offer(self) -> None:
        """Offers the sandbox's samples while the service is the sandbox, and only then (the
        window calls this again whenever the service changes)."""
        sandbox = self._session.config.sandbox
        self.sample_offer.setVisible(sandbox)
        self._actions.fill_samples.setVisible(sandbox)
        self._actions.fill_samples.setEnabled(sandbox)

    @Slot()
    def fill_with_samples(self) -> None:
        """Fills the avatar URL and the voice tabs' URLs with the sandbox's own samples, so that
        Check media and Submit work offline; asks first when that replaces a typed address."""
        config = self._session.config
        if not config.sandbox:
            return
        samples = SandboxSamples.at(config.base_url)
        if self.compose.replaces_input(samples):
            answer = QMessageBox.question(
                self.window(),
                self.tr("Replace the addresses?"),
                self.tr(
                    "Replace the avatar, audio and voice sample addresses in the form with "
                    "the sandbox's samples?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.compose.load_samples(samples)
        self.message.emit(
            self.tr("The sandbox's sample media are in the form: no network needed."),
            6000,
        )

    @Slot(object)
    def use_template(self, request: GenerationRequest) -> None:
        """Loads ``request`` (a task's) into the form, asking first when that replaces what the
        user typed."""
        current = self.compose.payload()
        if current != request.to_payload() and self.compose.has_input():
            answer = QMessageBox.question(
                self.window(),
                self.tr("Replace the form?"),
                self.tr("Replace what is in the form with this task's request?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.compose.load_request(request)
        self.message.emit(self.tr("The form now holds that task's request."), 5000)

    # -- media check -------------------------------------------------------------------------

    @property
    def checking(self) -> bool:
        """Whether a media check is running."""
        return self._checking

    def media_urls(self) -> dict[MediaRole, str]:
        """The form's media URLs by role (only the current tab's voice), those that can be
        checked only (valid addresses, files on this computer)."""
        payload = self.compose.payload()
        urls = {
            MediaRole.AVATAR: payload.get("avatar_url"),
            MediaRole.AUDIO: payload.get("audio_url"),
            MediaRole.VOICE_SAMPLE: payload.get("create_voice", {}).get("audio_url"),
        }
        return {role: url for role, url in urls.items() if isinstance(url, str) and can_check(url)}

    @Slot()
    def check_media(self) -> None:
        """Checks every valid media URL of the form (Check media)."""
        urls = self.media_urls()
        if not urls:
            self.compose.show_all_problems()
            self.message.emit(self.tr("Enter valid addresses to check first."), 5000)
            return
        self.start_media_check([(url, role) for role, url in urls.items()])

    def start_media_check(self, valid: list[tuple[str, MediaRole]]) -> None:
        """Checks ``valid`` (URL, role) pairs; :attr:`check_finished` says when it is done."""
        self._checking = True
        self._actions.check_media.setEnabled(False)
        sandbox = self._session.config.sandbox
        self.media_panel.ignored_kinds = {FindingKind.LOCAL_ONLY} if sandbox else set()
        self.media_panel.started(len(valid))
        self.media_check.emit(valid)

    @Slot()
    def cancel_media_check(self) -> None:
        self._media_worker.cancel()
        self.media_panel.cancel_button.setEnabled(False)

    @Slot(str, object)
    def _on_media_checked(self, _url: str, report: MediaReport) -> None:
        self.media_panel.add_report(report)

    @Slot(int, int)
    def _on_media_progress(self, done: int, total: int) -> None:
        self.media_panel.set_progress(done, total)

    @Slot(bool)
    def _on_media_finished(self, cancelled: bool) -> None:
        self._checking = False
        self.media_panel.finished(cancelled)
        self._actions.check_media.setEnabled(True)
        self.check_finished.emit(cancelled)
        QTimer.singleShot(0, self._reveal_results)

    @Slot()
    def _reveal_results(self) -> None:
        """In a full tab the results come below the fold: bring them into view (once laid
        out)."""
        self._scroll.ensureWidgetVisible(self.media_panel, 0, 0)

    # -- voices ------------------------------------------------------------------------------

    def reload_voices(self) -> None:
        """The service or the token changed: asks for the voice list again (now if the picker
        shows, else when it next does), and drops a submission error about another service."""
        if self._error_service is not None and self._error_service != self._session.config:
            self.clear_error()
        language = self.compose.voice_filter_language.currentData()
        if self._voices_asked_for == self._voices_key(language):
            return  # nothing changed for the list: its answer is shown, or on its way
        if self.compose.mode is VoiceMode.USE_VOICE:
            self._on_voices_requested(language, False)
        else:
            self.compose.voices_outdated()

    def _voices_key(self, language: str) -> tuple[ServiceConfig, str, str]:
        return (self._session.config, self._session.request_token() or "", language)

    def _show_voice_status(self, *status: object) -> None:
        """Shows the voice list's status under the picker (again after a language switch).

        ``status`` is plain data, not a closure: a closure would tie the side into a
        reference cycle, and the garbage collector may break cycles on a worker thread.
        """
        self._voice_status = status
        self.compose.set_voice_status(self._voice_status_text(), error=status[0] == "failed")

    def _voice_status_text(self) -> str:
        kind, *details = self._voice_status
        if kind == "loading":
            return self.tr("Loading voices…")
        if kind == "no token":
            return self.tr("Set an API token to load the voice list.")
        if kind == "failed":
            had_list, error = details
            prefix = self.tr("Could not load the voice list:")
            if had_list:
                prefix = self.tr("Showing the saved list; could not refresh it:")
            retry = self.tr("Click “Refresh” to ask again.")
            return f"{prefix} {error_title(error)} {retry}"  # type: ignore[arg-type]
        count, from_cache, fetched_at, no_token = details
        if from_cache and isinstance(fetched_at, datetime):
            when = fetched_at.astimezone().strftime("%Y-%m-%d %H:%M")
            text = (
                self.tr("%1 voices, saved list from %2.")
                .replace("%1", str(count))
                .replace("%2", when)
            )
        else:
            text = self.tr("%1 voices, fresh from the service.").replace("%1", str(count))
        if no_token and from_cache:
            text += " " + self.tr("Set a token to refresh.")
        return text

    @Slot(str, bool)
    def _on_voices_requested(self, language: str, refresh: bool) -> None:
        self._show_voice_status("loading")
        if not self._session.token_loaded and not self._session.config.sandbox:
            # Asked again once the keyring has answered (the window calls reload_voices); the
            # sandbox needs no token of the user's.
            return
        config, token, language = self._voices_key(language)
        self._voices_asked_for = (config, token, language)
        self.voices_wanted.emit(config, token, language, refresh)

    @Slot(str, list, bool, object)
    def _on_voices_loaded(
        self, language: str, voices: list[Voice], from_cache: bool, fetched_at: object
    ) -> None:
        if language != self.compose.voice_filter_language.currentData():
            return
        no_token = not self._session.request_token()
        self._voice_status = ("loaded", len(voices), from_cache, fetched_at, no_token)
        self.compose.set_voices(voices, self._voice_status_text())

    @Slot(str, object)
    def _on_voices_failed(self, language: str, error: Exception | None) -> None:
        if language != self.compose.voice_filter_language.currentData():
            return
        if error is None:
            self._show_voice_status("no token")
            return
        self._show_voice_status("failed", bool(self.compose.voice_model.rowCount()), error)


__all__ = ["ComposeSide"]
