"""The Settings dialog's *Storage* page: the user's own S3-compatible storage (address, region,
bucket, prefix, addressing, presigned or public links), its key pair in the keyring, and
**Test**. The rules are the core's (:mod:`avatar_desktop.core.uploads`, the ``storage.*`` keys
of :mod:`avatar_desktop.core.settings`); the keyring and the storage are only reached on the
window's :class:`~avatar_desktop.qt.runner.Runner`, never on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from avatar_desktop.core.cancel import CancelToken
from avatar_desktop.core.config import LinkNetwork, link_network
from avatar_desktop.core.settings import CONFIG_KEYS, AppSettings
from avatar_desktop.core.uploads import (
    URL_DAYS_RANGE,
    Addressing,
    FailureKind,
    Storage,
    StorageProblem,
    StorageSettingError,
    StorageSettings,
    StorageTestResult,
    TestStep,
)
from avatar_desktop.core.vault import (
    STORAGE_ENV_VARS,
    SecretStoreError,
    StorageKeys,
    StorageKeyVault,
    StoreFailure,
)
from avatar_desktop.qt.runner import Runner
from avatar_desktop.ui.i18n import store_failure_text
from avatar_desktop.ui.views import plain_tooltip


class _NoKeys(Exception):
    """Test asked with no key pair typed, saved or in the environment."""


class StoragePage(QWidget):
    """The page; :meth:`problem` says why its values cannot be saved, :meth:`apply` saves
    them. ``changed`` is emitted when a value is edited (the dialog checks again)."""

    changed = Signal()

    def __init__(self, settings: AppSettings, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self._settings = settings
        self._runner = runner
        self._vault = StorageKeyVault()
        self._test_token: CancelToken | None = None
        self._stopped = False

        value = settings.storage_value
        self.endpoint = QLineEdit(value("endpoint"))
        self.endpoint.setPlaceholderText("https://s3.eu-west-1.amazonaws.com")
        self.region = QLineEdit(value("region"))
        self.region.setPlaceholderText("us-east-1")
        self.bucket = QLineEdit(value("bucket"))
        self.prefix = QLineEdit(value("prefix"))
        self.prefix.setPlaceholderText("uploads/")
        self.addressing = QComboBox()
        self.addressing.addItem(self.tr("Path style (https://host/bucket/…)"), Addressing.PATH)
        self.addressing.addItem(self.tr("Virtual host (https://bucket.host/…)"), Addressing.VIRTUAL)
        self.addressing.setCurrentIndex(
            max(self.addressing.findData(value("addressing") or Addressing.PATH), 0)
        )
        self.links = QComboBox()
        self.links.addItem(self.tr("Signed links that expire"), False)
        self.links.addItem(self.tr("Public links under a base address"), True)
        self.links.setCurrentIndex(1 if value("public_base_url") else 0)
        self.url_days = QSpinBox()
        self.url_days.setRange(*URL_DAYS_RANGE)
        self.url_days.setValue(settings.storage_url_days)
        self.url_days.setSuffix(self.tr(" days"))
        self.public_base_url = QLineEdit(value("public_base_url"))
        self.public_base_url.setPlaceholderText("https://media.example.com/uploads")
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        self.key_id = QLineEdit()
        self.key_id.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_keys = QPushButton(self.tr("Save &keys"))
        self.remove_keys = QPushButton(self.tr("R&emove keys"))
        self.keys_error = QLabel()
        self.keys_error.setTextFormat(Qt.TextFormat.PlainText)
        self.keys_error.setStyleSheet("color: #c62828;")
        self.keys_error.setWordWrap(True)
        self.keys_error.setVisible(False)
        self.keys_state = QLabel(self.tr("Looking in the system keyring…"))
        self.keys_state.setTextFormat(Qt.TextFormat.PlainText)
        self.keys_state.setWordWrap(True)
        self.test_button = QPushButton(self.tr("&Test"))
        self.test_result = QLabel()
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        about = QLabel(
            self.tr(
                "Local pictures, videos and voice samples are uploaded to your own "
                "S3-compatible storage (AWS S3, Cloudflare R2, Backblaze B2, MinIO, Aliyun OSS, "
                "Tencent COS) and the service is given a link to them. Each file is stored "
                "once, named by its SHA-256."
            )
        )
        about.setWordWrap(True)
        where = QGroupBox(self.tr("Bucket and links"))
        form = QFormLayout(where)
        self._row(form, self.tr("Add&ress:"), self.endpoint)
        self._row(form, self.tr("Re&gion:"), self.region)
        self._row(form, self.tr("&Bucket:"), self.bucket)
        self._row(form, self.tr("&Prefix:"), self.prefix)
        self._row(form, self.tr("A&ddressing:"), self.addressing)
        self._row(form, self.tr("&Links:"), self.links)
        self._row(form, self.tr("Links &work for:"), self.url_days)
        self._row(form, self.tr("P&ublic base address:"), self.public_base_url)
        form.addRow(self.error)

        keys = QGroupBox(self.tr("Access keys"))
        keys_form = QFormLayout(keys)
        self._row(keys_form, self.tr("Access key &ID:"), self.key_id)
        self._row(keys_form, self.tr("&Secret access key:"), self.secret)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_keys)
        buttons.addWidget(self.remove_keys)
        buttons.addStretch(1)
        keys_form.addRow("", buttons)
        keys_form.addRow(self.keys_error)
        keys_form.addRow(self.keys_state)

        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(where)
        layout.addWidget(keys)
        layout.addLayout(test_row)
        layout.addWidget(self.test_result)
        layout.addStretch(1)

        for edit in (self.endpoint, self.region, self.bucket, self.prefix, self.public_base_url):
            edit.textChanged.connect(self._on_edited)
        self.addressing.currentIndexChanged.connect(self._on_edited)
        self.links.currentIndexChanged.connect(self._on_edited)
        self.url_days.valueChanged.connect(self._on_edited)
        self.key_id.textChanged.connect(self._on_edited)
        self.secret.textChanged.connect(self._on_edited)
        self.save_keys.clicked.connect(self._on_save_keys)
        self.remove_keys.clicked.connect(self._on_remove_keys)
        self.test_button.clicked.connect(self._on_test)
        self._on_edited()
        self._look_for_keys()

    @staticmethod
    def _row(form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(field)
        form.addRow(label, field)

    def _submit(
        self,
        lane: str,
        work: Callable[[CancelToken], Any],
        done: Callable[[Any], None],
        failed: Callable[[Exception], None],
    ) -> CancelToken:
        """``work`` on ``lane``; its outcome is dropped once the dialog has closed."""

        def if_open(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                if not self._stopped:
                    callback(value)

            return call

        return self._runner.submit(lane, work, if_open(done), if_open(failed))

    # -- the values --

    def _public(self) -> bool:
        return bool(self.links.currentData())

    def _values(self) -> dict[str, str]:
        """What each ``storage.*`` key is set to (empty: unset)."""
        return {
            "endpoint": self.endpoint.text().strip(),
            "region": self.region.text().strip(),
            "bucket": self.bucket.text().strip(),
            "prefix": self.prefix.text().strip(),
            "addressing": str(self.addressing.currentData()),
            "url_days": str(self.url_days.value()),
            "public_base_url": self.public_base_url.text().strip() if self._public() else "",
        }

    def storage_settings(self) -> StorageSettings | None:
        """The storage as typed (None: no address and no bucket); raises
        :class:`StorageSettingError`, or ``ValueError`` when only one of the two is given."""
        values = self._values()
        if not values["endpoint"] and not values["bucket"]:
            return None
        if not values["endpoint"] or not values["bucket"]:
            raise ValueError("address and bucket go together")
        return StorageSettings(
            endpoint=values["endpoint"],
            bucket=values["bucket"],
            region=values["region"],
            prefix=values["prefix"],
            addressing=Addressing(values["addressing"]),
            url_days=int(values["url_days"]),
            public_base_url=values["public_base_url"],
        )

    def problem(self) -> str | None:
        """Why the typed values cannot be saved, in the user's language."""
        if self._public() and not self.public_base_url.text().strip():
            return self.tr("Enter the public base address, or choose signed links.")
        try:
            self.storage_settings()
        except StorageSettingError as exc:
            return self._problem_text(exc.problem)
        except ValueError:
            return self.tr("Enter both the storage's address and the bucket (or neither).")
        return None

    def _problem_text(self, problem: StorageProblem) -> str:
        if problem is StorageProblem.NOT_HTTPS:
            return self.tr(
                "Use https:// for the storage and the public base address (http:// only for "
                "this computer)."
            )
        if problem is StorageProblem.BAD_ADDRESS:
            return self.tr(
                "Enter the storage's address without a path, such as "
                "https://s3.eu-west-1.amazonaws.com, and a full public base address."
            )
        if problem is StorageProblem.BAD_BUCKET:
            return self.tr(
                "A bucket name is 3 to 63 lower-case letters, digits, dots and hyphens, "
                "starting and ending with a letter or digit (with dots: path style only)."
            )
        if problem is StorageProblem.BAD_PREFIX:
            return self.tr("The prefix is a path such as uploads/, without a leading /, \\ or ..")
        if problem is StorageProblem.BAD_REGION:
            return self.tr("A region is a name such as eu-west-1 or auto.")
        return self.tr("This value cannot be used.")

    def keys_problem(self) -> str | None:
        """Typed keys not saved yet: OK would drop them, so it waits."""
        if self.key_id.text().strip() or self.secret.text().strip():
            return self.tr("Save the keys you typed, or clear them, before OK.")
        return None

    def _on_edited(self) -> None:
        public = self._public()
        self.public_base_url.setEnabled(public)
        self.url_days.setEnabled(not public)
        problem = self.problem()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        self._update_buttons()
        self.changed.emit()

    def apply(self) -> None:
        """Save the values through the ``storage.*`` keys' rules (call when :meth:`problem`
        is None)."""
        for name, text in self._values().items():
            key = CONFIG_KEYS[f"storage.{name}"]
            if text:
                key.set(self._settings, text)
            else:
                key.unset(self._settings)

    # -- the key pair (on the keyring lane) --

    def _typed_keys(self) -> StorageKeys | None:
        key_id, secret = self.key_id.text().strip(), self.secret.text().strip()
        return StorageKeys(key_id, secret) if key_id and secret else None

    def _update_buttons(self) -> None:
        self.save_keys.setEnabled(self._typed_keys() is not None)
        self.test_button.setEnabled(self._test_token is None and self.problem() is None)

    def _look_for_keys(self) -> None:
        def done(keys: StorageKeys | None) -> None:
            self._show_keys_state(keys is not None)

        def failed(error: Exception) -> None:
            self._say(self.keys_state, self._keyring_failure(error))

        self._submit("keyring", lambda _token: self._vault.load(), done, failed)

    def _show_keys_state(self, saved: bool) -> None:
        if self._vault.uses_environment:
            text = self.tr(
                "The keys come from the environment variables %1 and %2, which take precedence "
                "over the keyring."
            )
            text = text.replace("%1", STORAGE_ENV_VARS[0]).replace("%2", STORAGE_ENV_VARS[1])
        elif saved:
            text = self.tr("Keys are saved in the system keyring.")
        else:
            text = self.tr("No keys are saved. They are kept only in the system keyring.")
        self.remove_keys.setEnabled(saved and not self._vault.uses_environment)
        self._say(self.keys_state, text)

    def _keyring_failure(self, error: Exception) -> str:
        if isinstance(error, SecretStoreError):
            if error.kind in (StoreFailure.LOCKED, StoreFailure.KEYRING_ERROR):
                return store_failure_text(error)
            if error.kind is StoreFailure.BAD_TOKEN:
                return self.tr(
                    "The access key id and the secret cannot contain spaces or characters "
                    "other than printable ASCII."
                )
            if error.kind is StoreFailure.BAD_STORED_TOKEN:
                return self.tr(
                    "The keys saved in the system keyring cannot be used: save them again."
                )
        return (
            self.tr("The system keyring cannot keep the storage keys here. Set %1 and %2 instead.")
            .replace("%1", STORAGE_ENV_VARS[0])
            .replace("%2", STORAGE_ENV_VARS[1])
        )

    def _on_save_keys(self) -> None:
        keys = self._typed_keys()
        if keys is None:
            return
        self.save_keys.setEnabled(False)

        def done(_result: object) -> None:
            self.key_id.clear()
            self.secret.clear()
            self._show_keys_state(True)

        def failed(error: Exception) -> None:
            self._update_buttons()
            self._say(self.keys_state, self._keyring_failure(error))

        self._submit(
            "keyring",
            lambda _token: self._vault.save(keys.access_key_id, keys.secret_access_key),
            done,
            failed,
        )

    def _on_remove_keys(self) -> None:
        self.remove_keys.setEnabled(False)

        def failed(error: Exception) -> None:
            self._say(self.keys_state, self._keyring_failure(error))

        self._submit(
            "keyring",
            lambda _token: self._vault.remove(),
            lambda _result: self._show_keys_state(False),
            failed,
        )

    # -- the test (on the storage lane) --

    def _network(self) -> LinkNetwork:
        s = self._settings
        return link_network(s.proxy_mode, s.proxy_url, s.connect_timeout, s.read_timeout)

    def _on_test(self) -> None:
        try:
            settings = self.storage_settings()
        except ValueError:
            return
        if settings is None:
            self._say(self.test_result, self.tr("Enter the storage's address and bucket first."))
            return
        typed = self._typed_keys()
        vault, network = self._vault, self._network()

        def work(_token: CancelToken) -> StorageTestResult:
            keys = typed or vault.load()
            if keys is None:
                raise _NoKeys
            return Storage(settings, keys, network).test()

        self._say(self.test_result, self.tr("Testing…"))
        self._test_token = self._submit("storage", work, self._on_tested, self._on_failed)
        self._update_buttons()

    def _say(self, label: QLabel, text: str) -> None:
        """Show ``text`` in ``label``; the dialog grows to fit it."""
        label.setText(text)
        self.changed.emit()

    def _on_tested(self, result: StorageTestResult) -> None:
        self._test_token = None
        self._update_buttons()
        # The storage's own words (redacted, often a library's English) are there on hover.
        self.test_result.setToolTip(plain_tooltip(result.detail) if result.detail else "")
        self._say(self.test_result, self.result_text(result))

    def _on_failed(self, error: Exception) -> None:
        self._test_token = None
        self._update_buttons()
        if isinstance(error, _NoKeys):
            self._say(
                self.test_result,
                self.tr("No keys: enter the access key ID and the secret access key."),
            )
        else:
            self._say(self.test_result, self._keyring_failure(error))

    def result_text(self, result: StorageTestResult) -> str:
        """What :meth:`Storage.test` found, in the user's language (the storage's own words,
        redacted, are the label's tooltip)."""
        if result.step is None or result.kind is None:
            return self.tr("The storage works: a test object was written, read back and deleted.")
        step = {
            TestStep.CONNECT: self.tr("Connecting to the storage failed"),
            TestStep.WRITE: self.tr("Writing a test object failed"),
            TestStep.READ: self.tr("Reading the test object back failed"),
            TestStep.DELETE: self.tr("Deleting the test object failed"),
        }[result.step]
        kind = {
            FailureKind.UNREACHABLE: self.tr("the storage could not be reached."),
            FailureKind.REFUSED: self.tr(
                "the storage refused the keys or the access, or the bucket does not exist "
                "(the service's token is not concerned)."
            ),
            FailureKind.OTHER: self.tr("the storage answered with an error."),
        }[result.kind]
        return (
            self.tr("%1: %2", "the failed step, then why").replace("%1", step).replace("%2", kind)
        )

    def stop(self) -> None:
        """The dialog closes: what is still running is dropped when it ends."""
        self._stopped = True
        if self._test_token is not None:
            self._test_token.cancel()
