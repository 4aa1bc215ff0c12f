"""The settings dialog: service address, timeouts, proxy, outbox, downloads, interface language,
data folder (the *General* tab), and the user's own storage (the *Storage* tab)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.config import ProxyMode
from avatar_desktop.core.service import DEFAULT_BASE_URL
from avatar_desktop.core.settings import (
    CONCURRENCY_RANGE,
    CONNECT_TIMEOUT_RANGE,
    READ_TIMEOUT_RANGE,
    AppSettings,
    ServiceChoice,
    SettingError,
    SettingProblem,
    check_download_folder,
    check_proxy_address,
    check_service_address,
    default_download_folder,
)
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.dialogs.storage_page import StoragePage
from avatar_desktop.ui.views import grow_to_fit, show_data_folder


class SettingsDialog(QDialog):
    """Edits :class:`~avatar_desktop.core.settings.AppSettings`; :meth:`apply` writes them.
    The storage page's keyring calls and test run on ``runner`` (the window's; without one the
    dialog has its own, shut down when it closes)."""

    def __init__(
        self,
        settings: AppSettings,
        data_dir: Path,
        parent: QWidget | None = None,
        runner: Runner | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(560)
        self._settings = settings
        if runner is None:
            # Not a child: it must outlive the dialog until it is shut down, when the dialog
            # is destroyed (a keyring call may still be running then).
            own = runner = Runner()
            self.destroyed.connect(lambda *_: own.shutdown(0))
        self.storage = StoragePage(settings, runner)

        self.service = QComboBox()
        self.service.addItem(self.tr("Sandbox (built-in, free, offline)"), ServiceChoice.SANDBOX)
        self.service.addItem(
            self.tr("Official service (%1)").replace("%1", DEFAULT_BASE_URL), ServiceChoice.DEFAULT
        )
        self.service.addItem(self.tr("Custom address (mirror or proxy)"), ServiceChoice.CUSTOM)
        self.custom_url = QLineEdit(settings.custom_url)
        self.custom_url.setPlaceholderText("https://…")
        self.url_error = self._error_label()
        self.proxy_error = self._error_label()
        self.folder_error = self._error_label()

        self.connect_timeout = QDoubleSpinBox()
        self.connect_timeout.setRange(*CONNECT_TIMEOUT_RANGE)
        self.connect_timeout.setDecimals(1)  # as avatar-cli config takes them
        self.connect_timeout.setSuffix(self.tr(" s"))
        self.connect_timeout.setValue(settings.connect_timeout)
        self.read_timeout = QDoubleSpinBox()
        self.read_timeout.setRange(*READ_TIMEOUT_RANGE)
        self.read_timeout.setDecimals(1)  # as avatar-cli config takes them
        self.read_timeout.setSuffix(self.tr(" s"))
        self.read_timeout.setValue(settings.read_timeout)

        self.proxy_mode = QComboBox()
        self.proxy_mode.addItem(self.tr("Use the system's proxy settings"), ProxyMode.SYSTEM)
        self.proxy_mode.addItem(self.tr("No proxy"), ProxyMode.NONE)
        self.proxy_mode.addItem(self.tr("Custom proxy"), ProxyMode.CUSTOM)
        self.proxy_url = QLineEdit(settings.proxy_url)
        self.proxy_url.setPlaceholderText("http://proxy.example.com:8080")

        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "system")
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")

        data_label = QLineEdit(str(data_dir))
        data_label.setReadOnly(True)
        open_data = QPushButton(self.tr("&Open"))
        open_data.clicked.connect(lambda: show_data_folder(self, data_dir))

        service_box = QGroupBox(self.tr("Service"))
        service_form = QFormLayout(service_box)
        self._row(service_form, self.tr("&Service:"), self.service)
        self._row(service_form, self.tr("&Address:"), self.custom_url)
        service_form.addRow("", self.url_error)
        self._row(service_form, self.tr("&Connect timeout:"), self.connect_timeout)
        self._row(service_form, self.tr("&Read timeout:"), self.read_timeout)
        self._row(service_form, self.tr("&Proxy:"), self.proxy_mode)
        self._row(service_form, self.tr("Proxy a&ddress:"), self.proxy_url)
        service_form.addRow("", self.proxy_error)

        self.auto_send = QCheckBox(self.tr("Send queued jobs automatically while online"))
        self.auto_send.setChecked(settings.auto_send)
        self.concurrency = QSpinBox()
        self.concurrency.setRange(*CONCURRENCY_RANGE)
        self.concurrency.setValue(settings.send_concurrency)
        outbox_box = QGroupBox(self.tr("Outbox"))
        outbox_form = QFormLayout(outbox_box)
        outbox_form.addRow(self.auto_send)
        self._row(outbox_form, self.tr("Jobs sent at &once:"), self.concurrency)

        self.download_folder = QLineEdit(str(settings.download_folder))
        self.download_folder.setPlaceholderText(str(default_download_folder()))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse_download_folder)
        self.keep_finished = QCheckBox(self.tr("&Keep finished videos automatically"))
        self.keep_finished.setChecked(settings.keep_finished_videos)
        keep_note = QLabel(
            self.tr(
                "Result links expire after some days. With this on, each task that succeeds is "
                "saved into the download folder at once."
            )
        )
        keep_note.setTextFormat(Qt.TextFormat.PlainText)
        keep_note.setWordWrap(True)
        downloads_box = QGroupBox(self.tr("Downloads"))
        downloads_form = QFormLayout(downloads_box)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.download_folder, 1)
        folder_row.addWidget(browse)
        folder_label = QLabel(self.tr("Download &folder:"))
        folder_label.setBuddy(self.download_folder)
        downloads_form.addRow(folder_label, folder_row)
        downloads_form.addRow("", self.folder_error)
        downloads_form.addRow(self.keep_finished)
        downloads_form.addRow(keep_note)

        ui_box = QGroupBox(self.tr("Interface"))
        ui_form = QFormLayout(ui_box)
        self._row(ui_form, self.tr("&Language:"), self.language)
        data_row = QHBoxLayout()
        data_row.addWidget(data_label, 1)
        data_row.addWidget(open_data)
        ui_form.addRow(self.tr("Data folder:"), data_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)

        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addWidget(service_box)
        general_layout.addWidget(outbox_box)
        general_layout.addWidget(downloads_box)
        general_layout.addWidget(ui_box)
        general_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(self.storage, self.tr("Storage"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)

        self._shown_service = settings.service or ServiceChoice.SANDBOX
        self._select(self.service, self._shown_service)
        self._select(self.proxy_mode, settings.proxy_mode)
        self._select(self.language, settings.language)
        self.service.currentIndexChanged.connect(self._update)
        self.proxy_mode.currentIndexChanged.connect(self._update)
        self.custom_url.textChanged.connect(self._update)
        self.proxy_url.textChanged.connect(self._update)
        self.download_folder.textChanged.connect(self._update)
        self.storage.changed.connect(self._update)
        self.tabs.currentChanged.connect(self._fit)
        self._update()

    def _browse_download_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Download folder"), self.download_folder.text()
        )
        if chosen:
            self.download_folder.setText(chosen)

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet("color: #c62828;")
        label.setWordWrap(True)
        label.setVisible(False)
        return label

    @staticmethod
    def _row(form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(field)
        form.addRow(label, field)

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def _url_problem(self) -> str | None:
        """Why the address cannot be used (the rule of ``avatar-cli config set service``)."""
        if self.service.currentData() != ServiceChoice.CUSTOM:
            return None
        try:
            check_service_address(self.custom_url.text())
        except SettingError as exc:
            if exc.problem is SettingProblem.NOT_HTTPS:
                return self.tr(
                    "Use https://; plain http:// would send the token unencrypted "
                    "(it is only allowed for this computer)."
                )
            return self.tr(
                "Enter a full address: https://…, or http://… for this computer only "
                "(127.0.0.1, localhost)."
            )
        return None

    def _proxy_problem(self) -> str | None:
        """Why the proxy address cannot be used (the rule of ``avatar-cli config set proxy``)."""
        if self.proxy_mode.currentData() != ProxyMode.CUSTOM:
            return None
        try:
            check_proxy_address(self.proxy_url.text())
        except SettingError:
            return self.tr(
                "Enter a proxy address such as http://proxy.example.com:8080 (http, https or "
                "socks5)."
            )
        return None

    def _folder_problem(self) -> str | None:
        """Why the download folder cannot be used (empty: the default folder)."""
        if not self.download_folder.text().strip():
            return None
        try:
            check_download_folder(self.download_folder.text())
        except SettingError as exc:
            if exc.problem is SettingProblem.NOT_A_FULL_PATH:
                return self.tr("Give a full path, such as ~/Videos.")
            return self.tr("This is a file, not a folder (or a path under a file).")
        return None

    def _problems(self) -> list[tuple[QLabel, str | None]]:
        """Each error label with what it should say (None: the value can be used)."""
        return [
            (self.url_error, self._url_problem()),
            (self.proxy_error, self._proxy_problem()),
            (self.folder_error, self._folder_problem()),
            (self.storage.error, self.storage.problem()),
            (self.storage.keys_error, self.storage.keys_problem()),
        ]

    def _update(self) -> None:
        custom = self.service.currentData() == ServiceChoice.CUSTOM
        self.custom_url.setEnabled(custom)
        self.proxy_url.setEnabled(self.proxy_mode.currentData() == ProxyMode.CUSTOM)
        problems = self._problems()
        for label, problem in problems:
            label.setText(problem or "")
            label.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(all(problem is None for _label, problem in problems))
        self._fit()

    def _fit(self) -> None:
        """Tall enough for every wrapped line of the dialog and of the tab shown (a tab does
        not pass its page's height for its width on)."""
        grow_to_fit(self)
        page = self.tabs.currentWidget()
        layout = page.layout() if page is not None else None
        if page is None or layout is None or not self.isVisible():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(page.width())
        if needed > page.height():
            self.resize(self.width(), self.height() + needed - page.height())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit()

    def done(self, result: int) -> None:
        self.storage.stop()
        super().done(result)

    def _on_accept(self) -> None:
        if all(problem is None for _label, problem in self._problems()):
            self.apply()
            self.accept()

    def apply(self) -> None:
        s = self._settings
        chosen = ServiceChoice(self.service.currentData())
        if chosen != self._shown_service:
            # Only a real change is saved: a one-run choice (--sandbox) must not stick.
            s.service = chosen
        if self.service.currentData() == ServiceChoice.CUSTOM:
            s.custom_url = check_service_address(self.custom_url.text())
        s.connect_timeout = self.connect_timeout.value()
        s.read_timeout = self.read_timeout.value()
        s.proxy_mode = ProxyMode(self.proxy_mode.currentData())
        s.proxy_url = self.proxy_url.text().strip()
        s.language = str(self.language.currentData())
        s.auto_send = self.auto_send.isChecked()
        s.send_concurrency = self.concurrency.value()
        s.download_folder = self.download_folder.text()
        s.keep_finished_videos = self.keep_finished.isChecked()
        self.storage.apply()
