"""The compose form: avatar, watermark switch and one tab per voice mode, validated as you type.

The form only builds and checks a
:class:`~avatar_desktop.core.request.GenerationRequest`; the window decides what to do with it.
Each tab keeps its own fields, so switching tabs loses nothing.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDir,
    QEvent,
    QMimeData,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.local_files import FileHome, checked_request, peek
from avatar_desktop.core.request import (
    MAX_TEXT_LENGTH,
    GenerationRequest,
    Language,
    Problem,
    ValidationError,
    VoiceMode,
)
from avatar_desktop.core.samples import SAMPLE_WORDS, SandboxSamples
from avatar_desktop.core.service import Voice
from avatar_desktop.ui.i18n import problem_text
from avatar_desktop.ui.views import ElidedLabel, data_size, error_label, plain_tooltip

VOICE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
_TAB_MODES = (VoiceMode.AUDIO_URL, VoiceMode.CREATE_VOICE, VoiceMode.USE_VOICE)
_CHOICES = ("mode", "no_watermark", "clone_language", "use_language")
"""The keys of :meth:`ComposePanel.draft` that hold a choice, not something typed."""


def _dropped(mime: QMimeData | None) -> str | None:
    """What a drop or a paste of ``mime`` puts in a URL field: the first file's path, or a
    web address dragged from a browser; None for anything else (plain text is the line
    edit's own)."""
    if mime is None or not mime.hasUrls() or not mime.urls():
        return None
    url = mime.urls()[0]
    if url.isLocalFile():
        return QDir.toNativeSeparators(url.toLocalFile())
    if url.scheme() in ("http", "https"):
        return url.toString()
    return None


class _SourceEdit(QLineEdit):
    """The line edit of a URL field: a file (or a link) dropped on it becomes its value."""

    dropped = Signal(str)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _dropped(event.mimeData()) is not None:
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if _dropped(event.mimeData()) is not None:
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        value = _dropped(event.mimeData())
        if value is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.dropped.emit(value)


class SourceKind(enum.Enum):
    """What a URL field takes, for *Browse…*'s file types."""

    AVATAR = "avatar"
    AUDIO = "audio"


class UrlField(QWidget):
    """A URL line edit with Paste and Browse… buttons and an error line under it. It also
    takes a file on this computer: chosen with *Browse…*, dropped on the field, or pasted
    (a path, a ``file://`` address, or a file copied in a file manager); the line under the
    field then shows the file's name and size. Whether a file can be used is the form's
    rule (:func:`~avatar_desktop.core.local_files.checked_request`)."""

    edited = Signal()
    last_folder = ""
    """The folder *Browse…* opened a file from last (any field's), where it opens next."""

    def __init__(self, kind: SourceKind = SourceKind.AVATAR, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.edit = _SourceEdit()
        self.edit.setClearButtonEnabled(True)
        self.paste_button = QToolButton()
        self.paste_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.paste_button.clicked.connect(self._paste)
        # Browse… is an open-folder button, as beside most file fields: the placeholder keeps
        # its room at 1024 px; its name is the tooltip and what a screen reader says.
        self.browse_button = QToolButton()
        self.browse_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.browse_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.browse_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.browse_button.clicked.connect(self.browse)
        self.file_dialog: QFileDialog | None = None
        self.file_info = ElidedLabel()
        self.file_info.setEnabled(False)  # a quiet line, like the form's hints
        self.file_info.setVisible(False)
        self.error = error_label()
        self.touched = False
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.edit, 1)
        row.addWidget(self.paste_button)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.file_info)
        layout.addWidget(self.error)
        self.edit.textEdited.connect(self._on_edited)
        self.edit.textChanged.connect(self._show_file)
        self.edit.dropped.connect(self._take)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets every text (again after a language switch); the placeholder is the form's."""
        self.paste_button.setText(self.tr("Paste"))
        self.paste_button.setToolTip(
            self.tr("Paste a web address, or a file copied in your file manager")
        )
        self.browse_button.setText(self.tr("Browse…"))
        self.browse_button.setAccessibleName(self.browse_button.text())
        self.browse_button.setToolTip(
            self.tr(
                "Browse…: choose a file on this computer; it is uploaded when the job is sent "
                "(you can also drop a file on the field)"
            )
        )
        self._show_file()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _on_edited(self) -> None:
        self.touched = True
        self.edited.emit()

    def _take(self, value: str) -> None:
        """A value the user brought (a drop, a paste, a chosen file): it counts as typed."""
        self.edit.setText(value)
        self._on_edited()
        self.edit.setFocus()

    def _paste(self) -> None:
        clipboard = QGuiApplication.clipboard()
        value = _dropped(clipboard.mimeData()) or clipboard.text().strip()
        if value:
            self._take(value)
        else:
            self.edit.setFocus()

    def _filters(self) -> str:
        if self.kind is SourceKind.AVATAR:
            first = self.tr("Pictures and videos (*.jpg *.jpeg *.png *.mp4 *.mov *.webm)")
        else:
            first = self.tr("Audio (*.mp3 *.wav *.m4a *.aac)")
        return first + ";;" + self.tr("All files (*)")

    @Slot()
    def browse(self) -> None:
        """Ask for a file (the dialog is :attr:`file_dialog` while it is open)."""
        shown = peek(self.value())
        folder = str(shown[0].parent) if shown else UrlField.last_folder
        if not folder:
            where = (
                QStandardPaths.StandardLocation.PicturesLocation
                if self.kind is SourceKind.AVATAR
                else QStandardPaths.StandardLocation.MusicLocation
            )
            folder = QStandardPaths.writableLocation(where)
        dialog = QFileDialog(self, self.tr("Choose a file"), folder, self._filters())
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.choose_file)
        dialog.destroyed.connect(self._dialog_closed)
        self.file_dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        self.file_dialog = None

    @Slot(str)
    def choose_file(self, path: str) -> None:
        """The file ``path`` was chosen: it becomes the field's value."""
        if not path:
            return
        native = QDir.toNativeSeparators(path)
        UrlField.last_folder = str(Path(native).parent)
        self._take(native)

    def _show_file(self) -> None:
        """Under a field naming a file on this computer: its name and size (a file that is
        not there is the error line's to say)."""
        shown = peek(self.value())
        size = shown[1] if shown is not None else None
        if shown is None or size is None:
            self.file_info.setVisible(False)
            return
        path = shown[0]
        text = (
            self.tr("%1 · %2 · a file on this computer, uploaded when the job is sent")
            .replace("%1", path.name)
            .replace("%2", data_size(size))
        )
        self.file_info.set_full_text(text)
        self.file_info.setToolTip(f"{text}\n{path}")
        self.file_info.setVisible(True)

    def value(self) -> str:
        return self.edit.text().strip()

    def set_value(self, value: str) -> None:
        self.edit.setText(value)
        self.touched = False  # a value the app put there: no problem shown until edited


class _WordsEdit(QPlainTextEdit):
    """The words' box: it asks for :attr:`LINES` lines (a plain text edit asks for about a
    dozen, which made the existing-voice tab scroll in a window 700 pixels high)."""

    LINES = 4

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        margins = self.contentsMargins()
        lines = self.fontMetrics().lineSpacing() * self.LINES
        frame = margins.top() + margins.bottom() + 2 * round(self.document().documentMargin())
        return QSize(hint.width(), max(self.minimumHeight(), lines + frame))


class SpokenText(QWidget):
    """The words to speak, with a live character count and an error line."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _WordsEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(60)
        self.edit.setMaximumHeight(220)
        self.count = QLabel()
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.error = error_label()
        self.touched = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.count, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bottom)
        self.edit.textChanged.connect(self._on_changed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Sets every text (again after a language switch)."""
        self.edit.setPlaceholderText(self.tr("The words the avatar will say"))
        self._update_count()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _on_changed(self) -> None:
        self.touched = True
        self._update_count()
        self.edited.emit()

    def _update_count(self) -> None:
        length = len(self.edit.toPlainText())
        self.count.setText(
            self.tr("%1 / %2 characters")
            .replace("%1", str(length))
            .replace("%2", str(MAX_TEXT_LENGTH))
        )
        over = length > MAX_TEXT_LENGTH
        self.count.setStyleSheet("color: #c62828; font-weight: bold;" if over else "")

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: str) -> None:
        self.edit.setPlainText(value)
        self.touched = False


def _language_combo() -> QComboBox:
    combo = QComboBox()
    combo.addItem("中文 (zh)", Language.ZH.value)
    combo.addItem("English (en)", Language.EN.value)
    return combo


def _set_combo_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class CurrentPageTabs(QTabWidget):
    """A tab widget as tall as its current page (QTabWidget asks for its tallest page)."""

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        page = self.currentWidget()
        if page is None or self.count() == 0:
            return hint
        pages = (self.widget(i) for i in range(self.count()))
        tallest = max((p.sizeHint().height() for p in pages if p is not None), default=0)
        return QSize(hint.width(), hint.height() - tallest + page.sizeHint().height())


class ComposePanel(QWidget):
    """The form. Signals:

    ``validity_changed(bool ok, str missing)``: after each (debounced) validation; ``missing`` is
        a translated list of what is wrong, for the Submit button's tooltip.
    ``voices_requested(str language, bool refresh)``: the voice picker wants a list.
    ``edited()``: any field changed (for drafts).
    """

    validity_changed = Signal(bool, str)
    voices_requested = Signal(str, bool)
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._request: GenerationRequest | None = None
        self._problems: tuple[Problem, ...] = ()
        self._show_all = False
        self._home = FileHome.NONE
        """Where files on this computer would go (:meth:`set_file_home`)."""

        self.avatar = UrlField()
        self.no_watermark = QCheckBox()

        # -- tab 1: a ready audio track
        self.audio = UrlField(SourceKind.AUDIO)
        audio_tab = QWidget()
        audio_form = QFormLayout(audio_tab)
        self._audio_label = QLabel()
        self._audio_label.setBuddy(self.audio.edit)
        audio_form.addRow(self._audio_label, self.audio)
        self._audio_hint = QLabel()
        self._audio_hint.setWordWrap(True)
        self._audio_hint.setEnabled(False)
        audio_form.addRow(self._audio_hint)

        # -- tab 2: clone a voice from a sample
        self.sample = UrlField(SourceKind.AUDIO)
        self.clone_language = _language_combo()
        self.clone_text = SpokenText()
        clone_tab = QWidget()
        clone_form = QFormLayout(clone_tab)
        self._sample_label = QLabel()
        self._sample_label.setBuddy(self.sample.edit)
        clone_form.addRow(self._sample_label, self.sample)
        self._clone_language_label = QLabel()
        self._clone_language_label.setBuddy(self.clone_language)
        clone_form.addRow(self._clone_language_label, self.clone_language)
        self._clone_text_label = QLabel()
        self._clone_text_label.setBuddy(self.clone_text.edit)
        clone_form.addRow(self._clone_text_label, self.clone_text)
        self._consent_note = QLabel()
        self._consent_note.setWordWrap(True)
        self._consent_note.setEnabled(False)
        clone_form.addRow(self._consent_note)

        # -- tab 3: an existing voice, with a picker
        self.voice_filter_language = QComboBox()
        self.voice_filter_language.addItem("", "")  # "All languages", set in retranslate_ui
        self.voice_filter_language.addItem("中文 (zh)", "zh")
        self.voice_filter_language.addItem("English (en)", "en")
        self.voice_search = QLineEdit()
        self.voice_search.setClearButtonEnabled(True)
        self.voice_refresh = QToolButton()
        self.voice_model = QStandardItemModel(self)
        self.voice_proxy = QSortFilterProxyModel(self)
        self.voice_proxy.setSourceModel(self.voice_model)
        self.voice_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.voice_proxy.setFilterRole(SEARCH_ROLE)
        self.voice_list = QListView()
        self.voice_list.setModel(self.voice_proxy)
        self.voice_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.voice_list.setMinimumHeight(72)  # four rows; it scrolls on its own
        self.voice_list.setMaximumHeight(100)  # the tab fits a window 700 pixels high
        self.voice_list.setUniformItemSizes(True)
        self.voice_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.voice_status = QLabel()
        self.voice_status.setTextFormat(Qt.TextFormat.PlainText)
        self.voice_status.setWordWrap(True)
        self.voice_status.setEnabled(False)
        self.engine_id = QLineEdit()
        self.engine_error = error_label()
        self.audio_id = QLineEdit()
        self.audio_id_error = error_label()
        self.use_language = _language_combo()
        self.use_text = SpokenText()
        use_tab = QWidget()
        use_form = QFormLayout(use_tab)
        # The three tabs a little tighter than Qt's default, so that the fullest one (this)
        # fits a window 700 pixels high beside the sandbox's offer, in Chinese too.
        for form in (audio_form, clone_form, use_form):
            form.setContentsMargins(9, 6, 9, 6)
            form.setVerticalSpacing(4)
        picker_row = QHBoxLayout()
        picker_row.addWidget(self.voice_filter_language)
        picker_row.addWidget(self.voice_search, 1)
        picker_row.addWidget(self.voice_refresh)
        self._picker_label = QLabel()
        self._picker_label.setBuddy(self.voice_search)
        use_form.addRow(self._picker_label, picker_row)
        use_form.addRow(self.voice_list)
        use_form.addRow(self.voice_status)
        self._engine_label = QLabel()
        self._engine_label.setBuddy(self.engine_id)
        use_form.addRow(self._engine_label, self._with_error(self.engine_id, self.engine_error))
        self._audio_id_label = QLabel()
        self._audio_id_label.setBuddy(self.audio_id)
        use_form.addRow(self._audio_id_label, self._with_error(self.audio_id, self.audio_id_error))
        self._use_language_label = QLabel()
        self._use_language_label.setBuddy(self.use_language)
        use_form.addRow(self._use_language_label, self.use_language)
        self._use_text_label = QLabel()
        self._use_text_label.setBuddy(self.use_text.edit)
        use_form.addRow(self._use_text_label, self.use_text)

        self.tabs = CurrentPageTabs()
        self.tabs.addTab(audio_tab, "")
        self.tabs.addTab(clone_tab, "")
        self.tabs.addTab(use_tab, "")

        top = QFormLayout()
        self._avatar_label = QLabel()
        self._avatar_label.setBuddy(self.avatar.edit)
        top.addRow(self._avatar_label, self.avatar)
        top.addRow("", self.no_watermark)

        self.form_error = error_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addWidget(self.form_error)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.validate)

        for field in (self.avatar, self.audio, self.sample, self.clone_text, self.use_text):
            field.edited.connect(self._schedule)
        self._touched_ids = {"engine": False, "audio": False}
        for key, edit in (("engine", self.engine_id), ("audio", self.audio_id)):
            edit.textEdited.connect(lambda _text, key=key: self._touch_id(key))
        for combo in (self.clone_language, self.use_language):
            combo.currentIndexChanged.connect(self._schedule)
        self.no_watermark.toggled.connect(self._schedule)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.voice_search.textChanged.connect(self.voice_proxy.setFilterFixedString)
        self.voice_filter_language.currentIndexChanged.connect(
            lambda: self.voices_requested.emit(self.voice_filter_language.currentData(), False)
        )
        self.voice_refresh.clicked.connect(
            lambda: self.voices_requested.emit(self.voice_filter_language.currentData(), True)
        )
        # Only a click or Enter picks a voice: the current row also moves when the search
        # filter hides it, and that must not change the voice of a paid job.
        self.voice_list.clicked.connect(self._on_voice_picked)
        self.voice_list.activated.connect(self._on_voice_picked)
        self._voices_asked = False
        self._voices: list[Voice] = []

        self.retranslate_ui()
        self._fit_tabs()
        QWidget.setTabOrder(self.avatar.edit, self.avatar.paste_button)
        QWidget.setTabOrder(self.avatar.paste_button, self.avatar.browse_button)
        QWidget.setTabOrder(self.avatar.browse_button, self.no_watermark)
        QWidget.setTabOrder(self.no_watermark, self.tabs)
        self.validate()

    @staticmethod
    def _with_error(edit: QWidget, error: QLabel) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(edit)
        layout.addWidget(error)
        return box

    def retranslate_ui(self) -> None:
        """Sets every text (again after a language switch); what is typed stays."""
        # Short placeholders fit the field at 1024 px; the whole hint is the field's tooltip.
        self.avatar.edit.setPlaceholderText(self.tr("https://… jpg, png or mp4"))
        self.avatar.edit.setToolTip(
            self.tr(
                "https://… image (jpg, png) or video (mp4) of the person, or such a file on "
                "this computer (Browse…, or drop it here)"
            )
        )
        self.no_watermark.setText(self.tr("&No watermark"))
        self.no_watermark.setToolTip(
            self.tr("Ask the service for a video without its watermark (no_watermark)")
        )
        self.audio.edit.setPlaceholderText(self.tr("https://… mp3, wav, m4a or aac"))
        self.audio.edit.setToolTip(
            self.tr(
                "https://… mp3, wav, m4a or aac the avatar lip-syncs to, or such a file on "
                "this computer (Browse…, or drop it here)"
            )
        )
        self._audio_label.setText(self.tr("&Audio URL:"))
        self._audio_hint.setText(self.tr("The avatar lip-syncs to this recording."))
        self.sample.edit.setPlaceholderText(self.tr("https://… 20 s or longer"))
        self.sample.edit.setToolTip(
            self.tr(
                "https://… a clear recording of the voice, 20 s or longer, or such a file on "
                "this computer (Browse…, or drop it here)"
            )
        )
        self._sample_label.setText(self.tr("&Voice sample URL:"))
        self._clone_language_label.setText(self.tr("&Language:"))
        self._clone_text_label.setText(self.tr("&Text:"))
        self._consent_note.setText(
            self.tr(
                "Only clone a voice whose speaker has agreed to it. You will be asked to "
                "confirm this once for each sample."
            )
        )
        self.voice_filter_language.setItemText(0, self.tr("All languages"))
        self.voice_search.setPlaceholderText(self.tr("Search"))
        self.voice_search.setToolTip(self.tr("Search by name or label"))
        self.voice_refresh.setText(self.tr("Refresh"))
        self.voice_refresh.setToolTip(self.tr("Ask the service for its current list of voices"))
        self.engine_id.setPlaceholderText(self.tr("voice_engine_id"))
        self.audio_id.setPlaceholderText(self.tr("audio_id"))
        self._picker_label.setText(self.tr("&Pick a voice:"))
        self._engine_label.setText(self.tr("Voice &engine id:"))
        self._audio_id_label.setText(self.tr("Audio &id:"))
        self._use_language_label.setText(self.tr("Lan&guage:"))
        self._use_text_label.setText(self.tr("Te&xt:"))
        self.tabs.setTabText(0, self.tr("Audio URL"))
        self.tabs.setTabText(1, self.tr("Clone a voice"))
        self.tabs.setTabText(2, self.tr("Use an existing voice"))
        self.tabs.setTabToolTip(0, self.tr("Lip-sync to a ready audio track (audio_url)"))
        self.tabs.setTabToolTip(
            1, self.tr("Clone a voice from a sample, then speak your text (create_voice)")
        )
        self.tabs.setTabToolTip(2, self.tr("Speak your text with an existing voice (use_voice)"))
        self._avatar_label.setText(self.tr("A&vatar URL:"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.validate()  # the problems, in the new language
        super().changeEvent(event)

    # -- state ---------------------------------------------------------------------------

    @property
    def mode(self) -> VoiceMode:
        return _TAB_MODES[self.tabs.currentIndex()]

    def set_mode(self, mode: VoiceMode) -> None:
        self.tabs.setCurrentIndex(_TAB_MODES.index(mode))

    def payload(self) -> dict[str, Any]:
        """The JSON body the current tab describes (URLs and ids trimmed)."""
        payload: dict[str, Any] = {
            "avatar_url": self.avatar.value(),
            "no_watermark": self.no_watermark.isChecked(),
        }
        if self.mode is VoiceMode.AUDIO_URL:
            payload["audio_url"] = self.audio.value()
        elif self.mode is VoiceMode.CREATE_VOICE:
            payload["create_voice"] = {
                "audio_url": self.sample.value(),
                "language": self.clone_language.currentData(),
                "text": self.clone_text.value(),
            }
        else:
            payload["use_voice"] = {
                "voice_engine_id": self.engine_id.text().strip(),
                "audio_id": self.audio_id.text().strip(),
                "language": self.use_language.currentData(),
                "text": self.use_text.value(),
            }
        return payload

    def set_file_home(self, home: FileHome) -> None:
        """Where files on this computer named in the form go when the job is sent (the
        storage, the sandbox, or nowhere: then a file is a problem that says how to set up a
        storage)."""
        if home is not self._home:
            self._home = home
            self.validate()

    def request(self) -> GenerationRequest | None:
        """The valid request the form describes (a field may name a file on this computer),
        or None."""
        return self._request

    def problems(self) -> tuple[Problem, ...]:
        return self._problems

    def draft(self) -> dict[str, Any]:
        """Everything typed in every tab (not only the current one), to restore later."""
        return {
            "mode": self.mode.value,
            "avatar_url": self.avatar.edit.text(),
            "no_watermark": self.no_watermark.isChecked(),
            "audio_url": self.audio.edit.text(),
            "sample_url": self.sample.edit.text(),
            "clone_language": self.clone_language.currentData(),
            "clone_text": self.clone_text.value(),
            "voice_engine_id": self.engine_id.text(),
            "audio_id": self.audio_id.text(),
            "use_language": self.use_language.currentData(),
            "use_text": self.use_text.value(),
        }

    def load_draft(self, draft: dict[str, Any]) -> None:
        def text(key: str) -> str:
            value = draft.get(key, "")
            return value if isinstance(value, str) else ""

        self.avatar.set_value(text("avatar_url"))
        self.no_watermark.setChecked(draft.get("no_watermark") is True)
        self.audio.set_value(text("audio_url"))
        self.sample.set_value(text("sample_url"))
        _set_combo_data(self.clone_language, draft.get("clone_language"))
        self.clone_text.set_value(text("clone_text"))
        self.engine_id.setText(text("voice_engine_id"))
        self.audio_id.setText(text("audio_id"))
        _set_combo_data(self.use_language, draft.get("use_language"))
        self.use_text.set_value(text("use_text"))
        try:
            self.set_mode(VoiceMode(draft.get("mode", VoiceMode.AUDIO_URL.value)))
        except ValueError:
            self.set_mode(VoiceMode.AUDIO_URL)
        # A form the app filled (a draft, or cleared) starts afresh, like a new start: its
        # problems show once the user edits a field or tries to send it.
        self._show_all = False
        self._touched_ids = dict.fromkeys(self._touched_ids, False)
        self.validate()

    def load_request(self, request: GenerationRequest) -> None:
        """Fill the form from a request ("use as template"); other tabs keep their text."""
        self.avatar.set_value(request.avatar_url)
        self.no_watermark.setChecked(request.no_watermark)
        payload = request.to_payload()
        if request.mode is VoiceMode.AUDIO_URL:
            self.audio.set_value(payload["audio_url"])
        elif request.mode is VoiceMode.CREATE_VOICE:
            voice = payload["create_voice"]
            self.sample.set_value(voice["audio_url"])
            _set_combo_data(self.clone_language, voice["language"])
            self.clone_text.set_value(voice["text"])
        else:
            voice = payload["use_voice"]
            self.engine_id.setText(voice["voice_engine_id"])
            self.audio_id.setText(voice["audio_id"])
            _set_combo_data(self.use_language, voice["language"])
            self.use_text.set_value(voice["text"])
        self.set_mode(request.mode)
        self.validate()

    def _sample_fields(self, samples: SandboxSamples) -> tuple[tuple[UrlField, str], ...]:
        return (
            (self.avatar, samples.avatar_url),
            (self.audio, samples.audio_url),
            (self.sample, samples.voice_sample_url),
        )

    def replaces_input(self, samples: SandboxSamples) -> bool:
        """Whether :meth:`load_samples` would replace an address the user typed."""
        return any(f.value() not in ("", url) for f, url in self._sample_fields(samples))

    def load_samples(self, samples: SandboxSamples) -> None:
        """Fill the avatar URL and the voice tabs' URLs with the sandbox's samples, and what
        else Submit needs where it is missing — sample words in the tab's language, the first
        voice of the list — so every tab can be sent at once; the tab, words typed and a voice
        chosen stay."""
        for field, url in self._sample_fields(samples):
            field.set_value(url)
        for words, language in (
            (self.clone_text, self.clone_language),
            (self.use_text, self.use_language),
        ):
            if not words.value().strip():
                words.set_value(SAMPLE_WORDS.get(str(language.currentData()), ""))
        if not (self.engine_id.text() or self.audio_id.text()) and self.voice_proxy.rowCount():
            first = self.voice_proxy.index(0, 0)
            self.voice_list.setCurrentIndex(first)
            self._on_voice_picked(first)
        self.edited.emit()
        self.validate()

    def has_input(self) -> bool:
        """Whether the current tab holds anything the user typed."""
        payload = self.payload()
        values = [payload["avatar_url"]]
        for key in ("audio_url", "create_voice", "use_voice"):
            value = payload.get(key)
            if isinstance(value, dict):
                values += [v for k, v in value.items() if k != "language"]
            elif value is not None:
                values.append(value)
        return any(isinstance(v, str) and v.strip() for v in values)

    def has_any_input(self) -> bool:
        """Whether any tab holds something typed, or the watermark switch is on: what Clear
        form or an opened draft would replace."""
        draft = self.draft()
        typed = (value for key, value in draft.items() if key not in _CHOICES)
        return draft["no_watermark"] is True or any(
            isinstance(value, str) and value.strip() for value in typed
        )

    def showing_problems(self) -> bool:
        """Whether any problem is on screen now."""
        labels = [label for label, _touched in self._field_targets().values()]
        return any(not label.isHidden() for label in [*labels, self.form_error])

    def show_all_problems(self) -> None:
        """Show every problem, also under fields the user has not touched yet."""
        self._show_all = True
        self.validate()

    # -- validation ------------------------------------------------------------------------

    def _touch_id(self, key: str) -> None:
        self._touched_ids[key] = True
        self._schedule()

    def _schedule(self) -> None:
        self.edited.emit()
        self._debounce.start()

    def _fit_tabs(self) -> None:
        """Size the tab widget to the current page, not the tallest one (layouts cache the
        tab widget's hint, so its height is set outright, again whenever the page or the
        width changes). Wrapped error lines make the height depend on the width."""
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            if tab is None:
                continue
            policy = (
                QSizePolicy.Policy.Preferred
                if index == self.tabs.currentIndex()
                else QSizePolicy.Policy.Ignored
            )
            tab.setSizePolicy(policy, policy)
        page = self.tabs.currentWidget()
        if page is None:
            return
        overhead = self.tabs.sizeHint().height() - page.sizeHint().height()
        height = page.sizeHint().height()
        if page.hasHeightForWidth() and page.width() > 0:
            height = max(page.heightForWidth(page.width()), page.minimumSizeHint().height())
        self.tabs.setFixedHeight(overhead + height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_tabs()

    def _on_tab_changed(self) -> None:
        self._fit_tabs()
        if self.mode is VoiceMode.USE_VOICE and not self._voices_asked:
            self._voices_asked = True
            self.voices_requested.emit(self.voice_filter_language.currentData(), False)
        self.edited.emit()
        self.validate()

    def _field_targets(self) -> dict[str, tuple[QLabel, bool]]:
        """Problem path -> (error label, whether the user has touched that field)."""
        return {
            "avatar_url": (self.avatar.error, self.avatar.touched),
            "audio_url": (self.audio.error, self.audio.touched),
            "create_voice.audio_url": (self.sample.error, self.sample.touched),
            "create_voice.text": (self.clone_text.error, self.clone_text.touched),
            "use_voice.voice_engine_id": (self.engine_error, self._touched_ids["engine"]),
            "use_voice.audio_id": (self.audio_id_error, self._touched_ids["audio"]),
            "use_voice.text": (self.use_text.error, self.use_text.touched),
        }

    @Slot()
    def validate(self) -> None:
        self._debounce.stop()
        try:
            self._request = checked_request(self.payload(), self._home)
            self._problems = ()
        except ValidationError as exc:
            self._request = None
            self._problems = exc.problems
        targets = self._field_targets()
        shown: dict[str, list[str]] = {}
        other: list[str] = []
        for problem in self._problems:
            if problem.path in targets:
                shown.setdefault(problem.path, []).append(problem_text(problem))
            else:
                other.append(problem_text(problem))
        for path, (label, touched) in targets.items():
            texts = shown.get(path)
            visible = bool(texts) and (touched or self._show_all)
            label.setText("\n".join(texts or []))
            label.setVisible(visible)
        self.form_error.setText("\n".join(other))
        self.form_error.setVisible(bool(other))
        QTimer.singleShot(0, self, self._fit_tabs)  # error lines change the page's height
        self.validity_changed.emit(self._request is not None, self._missing_summary())

    def _missing_summary(self) -> str:
        names = {
            "avatar_url": self.tr("Avatar URL"),
            "audio_url": self.tr("Audio URL"),
            "create_voice.audio_url": self.tr("Voice sample URL"),
            "create_voice.text": self.tr("Text"),
            "create_voice.language": self.tr("Language"),
            "use_voice.voice_engine_id": self.tr("Voice engine id"),
            "use_voice.audio_id": self.tr("Audio id"),
            "use_voice.language": self.tr("Language"),
            "use_voice.text": self.tr("Text"),
        }
        return "\n".join(f"{names.get(p.path, p.path)}: {problem_text(p)}" for p in self._problems)

    # -- voices ----------------------------------------------------------------------------

    def set_voices(self, voices: list[Voice], status: str) -> None:
        """Fill the picker (``status`` says where the list came from and how old it is)."""
        self.voice_model.clear()
        self._voices = list(voices)
        for position, voice in enumerate(voices):
            labels = ", ".join(voice.labels)
            language = voice.language or "?"
            text = f"{voice.name}  ·  {language}" + (f"  ·  {labels}" if labels else "")
            item = QStandardItem(text)
            item.setEditable(False)
            # Voice names come from the server: shown as typed ("Tom & Jerry"), never as markup.
            item.setData(f"{voice.name} {labels} {language} {voice.audio_id}", SEARCH_ROLE)
            item.setData(
                plain_tooltip(f"{voice.name} ({voice.audio_id})"), Qt.ItemDataRole.ToolTipRole
            )
            item.setData(position, VOICE_ROLE)
            self.voice_model.appendRow(item)
        self.set_voice_status(status)

    def voices_outdated(self) -> None:
        """The list shown is another service's: ask for it again when the picker next shows."""
        self._voices_asked = False

    def set_voice_status(self, status: str, *, error: bool = False) -> None:
        """Say where the voice list stands: greyed out, or in red when it failed."""
        self.voice_status.setText(status)
        self.voice_status.setEnabled(error)
        self.voice_status.setStyleSheet("QLabel { color: #c62828; }" if error else "")

    def _on_voice_picked(self, current: Any) -> None:
        if not current.isValid():
            return
        position = self.voice_proxy.mapToSource(current).row()
        if not 0 <= position < len(self._voices):
            return
        voice = self._voices[position]
        self.engine_id.setText(voice.voice_engine_id)
        self.audio_id.setText(voice.audio_id)
        if voice.language in (Language.ZH.value, Language.EN.value):
            _set_combo_data(self.use_language, voice.language)
        self._schedule()


__all__ = ["ComposePanel"]
