"""Interface language: loading translations and translating core values (problems, errors).

The core reports problems and errors as structured values with English text; this module turns
them into the user's language by their *kind*, so the core stays free of Qt.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from avatar_desktop.core import service as api
from avatar_desktop.core.media import Finding, FindingKind
from avatar_desktop.core.paths import FileInUse, resource_path
from avatar_desktop.core.request import Problem, ProblemKind
from avatar_desktop.core.store.database import DiskFull, StoreError
from avatar_desktop.core.vault import (
    ENV_VAR,
    WINDOWS_CREDENTIAL_BYTES,
    BackendState,
    KeyringHint,
    KeyringProblem,
    SecretStoreError,
    StoreFailure,
)
from avatar_desktop.qt.downloads import file_in_use_text


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark ``text`` for translation in ``context`` and return it unchanged, to be translated
    where it is shown (``QCoreApplication.translate(context, text)``).

    PySide6's own ``QT_TRANSLATE_NOOP`` does the same but is typed as returning ``object``;
    ``pyside6-lupdate`` finds the marked texts by this name wherever the function comes from.
    """
    return text


LANGUAGES = ("system", "en", "zh_CN")
"""Values of the interface-language setting."""


def language_for(ui_languages: list[str]) -> str:
    """``en`` or ``zh_CN`` for the system's display languages, most preferred first (as
    ``QLocale.uiLanguages()`` gives them: ``zh-Hans-CN``, ``zh-TW``, ``en-US``…): the first
    one the app speaks. Traditional Chinese (``zh-Hant``, Taiwan, Hong Kong, Macao) is not
    Simplified: the next language of the list decides; English when none is spoken."""
    for tag in ui_languages:
        parts = tag.replace("_", "-").lower().split("-")
        if parts[0] == "en":
            return "en"
        if parts[0] == "zh":
            traditional = "hant" in parts or any(p in ("tw", "hk", "mo") for p in parts[1:])
            if "hans" in parts or not traditional:
                return "zh_CN"
    return "en"


def resolve_language(setting: str) -> str:
    """``en`` or ``zh_CN`` for a setting value (``system`` follows the system's display
    languages, not its regional format: :func:`language_for`)."""
    if setting in ("en", "zh_CN"):
        return setting
    return language_for(QLocale.system().uiLanguages())


class Translators:
    """The translators installed in the application; :meth:`apply` switches language."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, setting: str) -> str:
        app = QCoreApplication.instance()
        assert app is not None
        for translator in self._installed:
            app.removeTranslator(translator)
        self._installed.clear()
        self.language = resolve_language(setting)
        if self.language != "en":
            own = QTranslator()
            if own.load(str(resource_path("translations", f"avatar_desktop_{self.language}.qm"))):
                self._installed.append(own)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            base = QTranslator()
            if base.load(f"qtbase_{self.language}", qt_dir):
                self._installed.append(base)
            for translator in self._installed:
                app.installTranslator(translator)
        QLocale.setDefault(QLocale("zh_CN" if self.language == "zh_CN" else "en_US"))
        return self.language


def problem_text(problem: Problem) -> str:
    """A validation problem in the user's language, to show next to its field."""
    kind = problem.kind
    if kind is ProblemKind.MISSING or kind is ProblemKind.EMPTY:
        return QCoreApplication.translate("Messages", "Required.")
    if kind is ProblemKind.WRONG_TYPE:
        return QCoreApplication.translate("Messages", "Has the wrong type of value.")
    if kind is ProblemKind.UNKNOWN_FIELD:
        return QCoreApplication.translate(
            "Messages", "“%1” is not a field the service knows (a typo?)."
        ).replace("%1", problem.path)
    if kind is ProblemKind.NO_VOICE:
        return QCoreApplication.translate("Messages", "Choose how the avatar gets its voice.")
    if kind is ProblemKind.SEVERAL_VOICES:
        return QCoreApplication.translate("Messages", "Only one voice can be sent.")
    if kind is ProblemKind.TOO_LONG:
        return QCoreApplication.translate("Messages", "Too long: at most %1 characters.").replace(
            "%1", str(problem.limit or "")
        )
    if kind is ProblemKind.CONTROL_CHARACTERS:
        return QCoreApplication.translate(
            "Messages",
            "Contains invisible control characters; only line breaks and tabs are allowed.",
        )
    if kind is ProblemKind.CONTAINS_SPACE:
        return QCoreApplication.translate("Messages", "Must not contain spaces.")
    if kind is ProblemKind.NOT_A_URL:
        return QCoreApplication.translate(
            "Messages", "Enter a full web address starting with https://"
        )
    if kind is ProblemKind.UNSUPPORTED_SCHEME:
        return QCoreApplication.translate(
            "Messages", "Only http:// and https:// addresses can be used."
        )
    if kind is ProblemKind.LOCAL_PATH:
        return QCoreApplication.translate(
            "Messages",
            "This is a file on your computer. The service needs a public web address "
            "(https://…) it can download; upload the file somewhere first.",
        )
    if kind is ProblemKind.BAD_LANGUAGE:
        return QCoreApplication.translate("Messages", "Choose Chinese or English.")
    if kind is ProblemKind.LONE_SURROGATE:
        return QCoreApplication.translate(
            "Messages",
            "Contains a broken character (half of a UTF-16 surrogate pair); retype or remove it.",
        )
    if kind is ProblemKind.INVISIBLE_CHARACTERS:
        return QCoreApplication.translate(
            "Messages",
            "Contains an invisible or control character (such as a zero-width space); retype it.",
        )
    if kind is ProblemKind.REPLACEMENT_CHARACTER:
        return QCoreApplication.translate(
            "Messages",
            "Contains �, the mark of a character lost when the text was copied; retype it.",
        )
    if kind is ProblemKind.RESERVED_CHARACTER:
        return QCoreApplication.translate(
            "Messages",
            "Must not contain / ? # % or \\: they would change the address it is asked at.",
        )
    if kind is ProblemKind.FILE_MISSING:
        return QCoreApplication.translate("Messages", "There is no file %1.").replace(
            "%1", problem.file
        )
    if kind is ProblemKind.FILE_UNREADABLE:
        return QCoreApplication.translate("Messages", "The file %1 cannot be read.").replace(
            "%1", problem.file
        )
    if kind is ProblemKind.NO_STORAGE:
        return QCoreApplication.translate(
            "Messages",
            "This is a file on your computer, and no storage is set up to upload it to: set "
            "one up in Settings → Storage.",
        )
    return problem.message


_FIELD_LABELS = {
    # A request's fields (a problem's path) and the columns of a file of jobs, by the labels
    # the form shows for them.
    "avatar_url": QT_TRANSLATE_NOOP("ComposePanel", "A&vatar URL:"),
    "no_watermark": QT_TRANSLATE_NOOP("ComposePanel", "&No watermark"),
    "audio_url": QT_TRANSLATE_NOOP("ComposePanel", "&Audio URL:"),
    "create_voice": QT_TRANSLATE_NOOP("ComposePanel", "Clone a voice"),
    "create_voice.audio_url": QT_TRANSLATE_NOOP("ComposePanel", "&Voice sample URL:"),
    "create_voice.language": QT_TRANSLATE_NOOP("ComposePanel", "&Language:"),
    "create_voice.text": QT_TRANSLATE_NOOP("ComposePanel", "&Text:"),
    "use_voice": QT_TRANSLATE_NOOP("ComposePanel", "Use an existing voice"),
    "use_voice.voice_engine_id": QT_TRANSLATE_NOOP("ComposePanel", "Voice &engine id:"),
    "use_voice.audio_id": QT_TRANSLATE_NOOP("ComposePanel", "Audio &id:"),
    "use_voice.language": QT_TRANSLATE_NOOP("ComposePanel", "Lan&guage:"),
    "use_voice.text": QT_TRANSLATE_NOOP("ComposePanel", "Te&xt:"),
    "voice_engine_id": QT_TRANSLATE_NOOP("ComposePanel", "Voice &engine id:"),
    "audio_id": QT_TRANSLATE_NOOP("ComposePanel", "Audio &id:"),
    "language": QT_TRANSLATE_NOOP("ComposePanel", "&Language:"),
    "text": QT_TRANSLATE_NOOP("ComposePanel", "&Text:"),
}


def sentence_gap() -> str:
    """What goes between two sentences in the user's language: a space in English, nothing in
    Chinese (whose sentences end with a full-width stop)."""
    pair = QCoreApplication.translate("Messages", "%1 %2", "two sentences, one after the other")
    return pair.partition("%1")[2].partition("%2")[0]


def field_label(name: str) -> str | None:
    """The label the form shows for a request's field or a file's column (``avatar_url``,
    ``create_voice.language`` …), in the user's language, without its shortcut mark and colon;
    None for a name the form has no field for (the problem's own words then say enough)."""
    label = _FIELD_LABELS.get(name)
    if label is None:
        return None
    text = QCoreApplication.translate("ComposePanel", label)
    text = re.sub(r"\(&[^&]\)", "", text)  # a translation's "(&V)"
    text = re.sub(r"&(.)", r"\1", text)  # "A&vatar" (and "&&" for a real "&")
    return text.rstrip(":：").strip()


def error_title(error: BaseException) -> str:
    """A short, translated explanation of a failed call, by its kind."""
    if isinstance(error, DiskFull):
        return QCoreApplication.translate(
            "Messages", "The disk holding the task list is full. Free some space, then try again."
        )
    if isinstance(error, FileInUse):
        return file_in_use_text(error)
    if isinstance(error, StoreError):
        return QCoreApplication.translate("Messages", "The task list could not be saved.")
    return kind_title(api.error_kind(error), getattr(error, "retry_after", None))


def kind_title(kind: api.ErrorKind, retry_after: float | None = None) -> str:
    """A short, translated explanation of a failure of ``kind`` (an error's, or the kind kept
    with an outbox item's reason)."""
    kinds = api.ErrorKind
    if kind is kinds.TOKEN_REFUSED:
        return QCoreApplication.translate(
            "Messages", "The service did not accept the API token. Check or replace it."
        )
    if kind is kinds.QUOTA:
        return QCoreApplication.translate(
            "Messages", "The account's balance is used up. Top it up, then try again."
        )
    if kind is kinds.TASK_NOT_FOUND:
        return QCoreApplication.translate("Messages", "The service does not know this task.")
    if kind is kinds.REJECTED:
        return QCoreApplication.translate(
            "Messages", "The service refused the request; it was not billed."
        )
    if kind is kinds.RATE_LIMITED:
        if retry_after:
            return QCoreApplication.translate(
                "Messages", "The service is busy with too many requests. Try again in %1 s."
            ).replace("%1", str(round(retry_after)))
        return QCoreApplication.translate(
            "Messages", "The service is busy with too many requests. Try again in a moment."
        )
    if kind is kinds.SERVER_ERROR:
        return QCoreApplication.translate(
            "Messages", "The service, or a proxy in front of it, had a problem. Try again later."
        )
    if kind is kinds.MISSING_TASK_ID:
        return QCoreApplication.translate(
            "Messages",
            "The service accepted the request but returned no task id. The job may exist and "
            "be billed; check your account before sending it again.",
        )
    if kind is kinds.BAD_RESPONSE:
        return QCoreApplication.translate(
            "Messages",
            "The service answered with something that is not the expected data. "
            "Is the service address right?",
        )
    if kind is kinds.NOT_SENT:
        return QCoreApplication.translate(
            "Messages", "Could not reach the service; nothing was sent. Check the connection."
        )
    if kind is kinds.TOO_SLOW:
        return QCoreApplication.translate(
            "Messages", "The service took too long to answer. Try again later."
        )
    if kind is kinds.CONNECTION_BROKE:
        return QCoreApplication.translate(
            "Messages", "The connection broke before the service's answer arrived. Try again."
        )
    if kind is kinds.OUTCOME_UNKNOWN:
        return QCoreApplication.translate(
            "Messages",
            "The request was sent but no answer came back. The job may have been created and "
            "billed. It will not be sent again unless you choose to.",
        )
    if kind is kinds.BAD_ADDRESS:
        return QCoreApplication.translate(
            "Messages", "The service address in the settings cannot be used."
        )
    if kind is kinds.BAD_TOKEN:
        return QCoreApplication.translate(
            "Messages",
            "The token cannot be used: it contains spaces or characters a request cannot carry.",
        )
    if kind is kinds.INVALID_REQUEST:
        return QCoreApplication.translate(
            "Messages", "The job is not a valid request; edit it and queue it again."
        )
    if kind is kinds.INTERRUPTED:
        return QCoreApplication.translate(
            "Messages",
            "The program sending this job stopped before the service answered; the job may exist.",
        )
    if kind is kinds.DISK_FULL:
        return QCoreApplication.translate(
            "Messages",
            "The disk was full when the service answered, so its answer could not be written; "
            "the job may exist.",
        )
    if kind is kinds.NOT_WRITTEN:
        return QCoreApplication.translate(
            "Messages",
            "The data file could not be written when the service answered, so its answer was "
            "lost; the job may exist.",
        )
    if kind is kinds.LINK_EXPIRED:
        return QCoreApplication.translate(
            "Messages",
            "The video was not saved: its link has expired (the service no longer serves it).",
        )
    if kind is kinds.NOT_STORED:
        return QCoreApplication.translate(
            "Messages",
            "The service's answer could not be written to the data file (is the disk full?); "
            "the task is asked about again later.",
        )
    if kind is kinds.STORAGE_UNREACHABLE:
        return QCoreApplication.translate(
            "Messages",
            "The storage for local files could not be reached; nothing was sent. It is tried "
            "again later.",
        )
    if kind is kinds.STORAGE_REFUSED:
        return QCoreApplication.translate(
            "Messages",
            "The storage for local files refused its keys or the access (the service's token is "
            "fine); nothing was sent. Check Settings → Storage, then “Send now”.",
        )
    if kind is kinds.FILE_CHANGED:
        return QCoreApplication.translate(
            "Messages",
            "A local file changed or disappeared since the job was queued; nothing was sent. "
            "Check the file, then queue the job again.",
        )
    return QCoreApplication.translate("Messages", "The request failed.")


def reason_text(
    kind: api.ErrorKind | None, reason: str | None, verbatim: bool, *, detail: bool = False
) -> str:
    """An outbox item's reason in the user's language: the explanation of its kind, then the
    service's own words when the reason is theirs. ``detail``: in the English interface, also
    the program's own English text when it says more. A reason kept without a kind (by an older
    version) is shown as it is."""
    if kind is None:
        return reason or ""
    lines = [kind_title(kind)]
    if reason and verbatim:
        lines.append(
            QCoreApplication.translate("Messages", "The server said: %1").replace("%1", reason)
        )
    elif reason and detail and not translated_interface() and reason != lines[0]:
        lines.append(reason)
    return "\n".join(lines)


def task_error_text(kind: api.ErrorKind | None, error: str | None) -> str:
    """A task's local error in the user's language (the program's English text too, in the
    English interface, when it says more); one kept without a kind is shown as it is."""
    return reason_text(kind, error, False, detail=True)


def error_text(error: BaseException) -> str:
    """The translated explanation, the HTTP status, and the server's own words verbatim.

    The core's English detail is not repeated beside the translation; only an error that is not
    the service's (a local one) adds its English text, and only in the English interface.
    """
    lines = [error_title(error)]
    if isinstance(error, api.ApiError):
        if error.status is not None:
            lines.append(
                QCoreApplication.translate("Messages", "HTTP status: %1").replace(
                    "%1", str(error.status)
                )
            )
        if error.server_message:
            lines.append(
                QCoreApplication.translate("Messages", "The server said: %1").replace(
                    "%1", error.server_message
                )
            )
    elif str(error) and not translated_interface() and str(error) != lines[0]:
        lines.append(str(error))
    return "\n".join(lines)


def translated_interface() -> bool:
    """Whether the interface is not in English (the app's source language)."""
    return QCoreApplication.translate("Messages", "The request failed.") != "The request failed."


def keyring_problem_text(state: BackendState) -> str:
    """Why the keyring cannot hold the token, in the user's language."""
    kind = state.problem_kind
    if kind is KeyringProblem.SWITCHED_OFF:
        return QCoreApplication.translate(
            "Messages", "The system keyring is switched off, so the token cannot be saved."
        )
    if kind is KeyringProblem.NOT_RECOMMENDED:
        return QCoreApplication.translate(
            "Messages",
            "The selected keyring (%1) is not a recommended system keyring and may keep "
            "secrets in a plain file, so the token is not saved there.",
        ).replace("%1", state.name)
    if kind is KeyringProblem.CANNOT_OPEN:
        return QCoreApplication.translate(
            "Messages", "The system keyring could not be opened (%1)."
        ).replace("%1", state.error_name or "?")
    if kind is KeyringProblem.NOT_INSTALLED:
        return QCoreApplication.translate(
            "Messages", "No system keyring is installed, so the token cannot be saved."
        )
    return ""


def keyring_hint_text(kind: KeyringHint | None) -> str:
    """What the user can do about an unusable keyring, in the user's language."""
    if kind is KeyringHint.INSTALL_SECRET_SERVICE:
        return QCoreApplication.translate(
            "Messages",
            "Install a Secret Service keyring such as GNOME Keyring (gnome-keyring) or KWallet, "
            "make sure it runs and is unlocked in your desktop session, then restart the app.",
        )
    if kind is KeyringHint.MAC_KEYCHAIN:
        return QCoreApplication.translate(
            "Messages",
            "Make sure your login keychain is available in Keychain Access, then restart the app.",
        )
    if kind is KeyringHint.WINDOWS_CREDENTIAL_MANAGER:
        return QCoreApplication.translate(
            "Messages",
            "Make sure Windows Credential Manager is available, then restart the app.",
        )
    if kind is KeyringHint.UNLOCK:
        return QCoreApplication.translate(
            "Messages",
            "Unlock your keyring (for example by logging in to the desktop session or opening "
            "your password manager) and try again.",
        )
    if kind is KeyringHint.START_SECRET_SERVICE:
        return QCoreApplication.translate(
            "Messages",
            "Make sure GNOME Keyring (gnome-keyring) or KWallet is installed, running and "
            "unlocked, and that the app runs inside a desktop session (a D-Bus session bus is "
            "needed).",
        )
    if kind is KeyringHint.UNLOCK_OR_SESSION:
        return QCoreApplication.translate("Messages", "Unlock your system keyring and try again.")
    return ""


def store_failure_text(error: SecretStoreError) -> str:
    """Why a keyring call failed, in the user's language (the token is never part of it)."""
    kind = error.kind
    if kind is StoreFailure.NO_KEYRING:
        return QCoreApplication.translate(
            "Messages",
            "No system keyring is installed. You can keep the token for this session only.",
        )
    if kind is StoreFailure.SWITCHED_OFF:
        return QCoreApplication.translate(
            "Messages", "The system keyring is switched off, so the token cannot be saved."
        )
    if kind is StoreFailure.NOT_RECOMMENDED:
        return QCoreApplication.translate(
            "Messages",
            "The selected keyring (%1) is not a recommended system keyring and may keep "
            "secrets in a plain file, so the token is not saved there.",
        ).replace("%1", error.detail or "?")
    if kind is StoreFailure.LOCKED:
        return QCoreApplication.translate(
            "Messages", "The system keyring is locked. Unlock it and try again."
        )
    if kind is StoreFailure.NOT_KEPT:
        return QCoreApplication.translate(
            "Messages",
            "The keyring did not keep the token: it may be switched off or read-only. "
            "You can keep the token for this session only.",
        )
    if kind is StoreFailure.BAD_TOKEN:
        return QCoreApplication.translate(
            "Messages",
            "The token cannot be used: it contains spaces or characters a request cannot carry.",
        )
    if kind is StoreFailure.BAD_ENVIRONMENT_TOKEN:
        return QCoreApplication.translate(
            "Messages",
            "The environment variable %1 is set but cannot be used as a token (it contains "
            "spaces or characters a request cannot carry). Fix or unset it.",
        ).replace("%1", ENV_VAR)
    if kind is StoreFailure.TOO_LONG:
        return (
            QCoreApplication.translate(
                "Messages",
                "Windows Credential Manager keeps at most %1 characters, and this one is %2 "
                "long, so it cannot be saved there.",
            )
            .replace("%1", str(WINDOWS_CREDENTIAL_BYTES // 2))
            .replace("%2", error.detail or "?")
        )
    if kind is StoreFailure.BAD_STORED_TOKEN:
        return QCoreApplication.translate(
            "Messages",
            "The token saved in the system keyring cannot be used. Enter the token again.",
        )
    return QCoreApplication.translate(
        "Messages", "The system keyring reported an error (%1)."
    ).replace("%1", error.detail or "?")


def finding_text(finding: Finding) -> str:
    """A media-check finding in the user's language."""
    values = finding.values
    kind = finding.kind

    def fill(text: str, *args: object) -> str:
        for index, arg in enumerate(args, start=1):
            text = text.replace(f"%{index}", str(arg))
        return text

    if kind is FindingKind.UNREACHABLE:
        return QCoreApplication.translate(
            "Messages", "Could not download it; check the address and the connection."
        )
    if kind is FindingKind.NO_FILE:
        text = (
            QCoreApplication.translate("Messages", "There is no file %1.")
            if values.get("missing", True)
            else QCoreApplication.translate("Messages", "The file %1 cannot be read.")
        )
        return fill(text, values.get("file", ""))
    if kind is FindingKind.HTTP_ERROR:
        return fill(
            QCoreApplication.translate("Messages", "The address answers with HTTP %1."),
            values.get("status", "?"),
        )
    if kind is FindingKind.NOT_MEDIA:
        return QCoreApplication.translate(
            "Messages", "The address gives a web page or other data, not a media file."
        )
    if kind is FindingKind.WRONG_KIND:
        return QCoreApplication.translate(
            "Messages", "This looks like the wrong kind of media for this field."
        )
    if kind is FindingKind.UNSUPPORTED_FORMAT:
        return QCoreApplication.translate(
            "Messages", "Comparable services accept only some formats; this one may be refused."
        )
    if kind is FindingKind.TOO_LARGE:
        return fill(
            QCoreApplication.translate(
                "Messages", "Large file (%1 MB); comparable services accept up to %2 MB."
            ),
            values.get("megabytes", "?"),
            values.get("maximum", "?"),
        )
    if kind is FindingKind.IMAGE_TOO_SMALL:
        return fill(
            QCoreApplication.translate(
                "Messages", "Small image (%1×%2 px); at least %3 px on each side is advised."
            ),
            values.get("width", "?"),
            values.get("height", "?"),
            values.get("minimum", 300),
        )
    if kind is FindingKind.ASPECT_RATIO:
        return QCoreApplication.translate(
            "Messages", "Unusual shape; comparable services accept from 1:2.5 to 2.5:1."
        )
    if kind is FindingKind.AUDIO_TOO_SHORT:
        return fill(
            QCoreApplication.translate(
                "Messages", "Short audio (%1 s); comparable services need at least %2 s."
            ),
            _sec(values.get("seconds")),
            _sec(values.get("minimum")),
        )
    if kind is FindingKind.AUDIO_TOO_LONG:
        return fill(
            QCoreApplication.translate(
                "Messages", "Long audio (%1 s); comparable services accept up to %2 s."
            ),
            _sec(values.get("seconds")),
            _sec(values.get("maximum")),
        )
    if kind is FindingKind.SAMPLE_TOO_SHORT:
        return fill(
            QCoreApplication.translate(
                "Messages", "The voice sample is %1 s long; the service needs at least %2 s."
            ),
            _sec(values.get("seconds")),
            _sec(values.get("minimum", 20)),
        )
    if kind is FindingKind.DURATION_UNKNOWN:
        return QCoreApplication.translate("Messages", "Could not measure how long the audio is.")
    if kind is FindingKind.LOCAL_ONLY:
        return QCoreApplication.translate(
            "Messages",
            "This address is on your computer or local network; the real service cannot "
            "download it.",
        )
    return finding.message


def _sec(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, int | float) else "?"
