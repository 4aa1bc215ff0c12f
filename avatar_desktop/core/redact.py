"""The one place that removes secrets from server-supplied text (Qt-free).

A hostile or careless server may echo the API token back: in an error message, a redirect's
``Location``, an HTML page's ``<title>``, a task's ``fail_reason``. :class:`Redactor` replaces
every copy of each registered secret with :data:`PLACEHOLDER` and keeps the rest of the text
verbatim. A copy is found in the forms a server is likely to write it in, character by
character: plain, percent-encoded (either case of hex digits, ``+`` for a space), JSON-escaped
(``\\/``, ``\\u0041``) and as HTML character references (``&#47;``, ``&#x2F;``, ``&amp;``).

:class:`~avatar_desktop.core.client.AvatarClient` runs every answer through its redactor before
anything leaves the client, so no caller (store, log, window, command line) can forget it.

A presigned storage URL carries its signature, and the credential's key id, in its query
(``X-Amz-Signature``, ``X-Amz-Credential``, ``X-Amz-Security-Token``, and SigV2's ``Signature``
/ ``AWSAccessKeyId``), and a signed request in its ``Authorization`` header: a redactor made with
``signatures=True`` (:data:`LOG_REDACTOR`, the command line's messages) also removes those
values (:func:`without_signatures`). Not the client's: the service's own result links may be
presigned URLs the user needs whole.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

PLACEHOLDER = "***"
MIN_SECRET_LENGTH = 6
"""Shorter secrets are not searched for: they would match ordinary words and JSON keys (a
one-letter test token would turn ``"data"`` into ``"da***a"``), and no real token is that short."""

T = TypeVar("T")

_HTML_NAMES = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}


def _char_pattern(char: str) -> str:
    """A regular expression matching ``char`` or one of its escaped forms."""
    code = ord(char)
    forms = [re.escape(char)]
    if code < 0x100:
        forms.append(f"(?i:%{code:02x})")  # percent-encoded, either case
    forms.append(f"(?i:\\\\u{code:04x})")  # JSON \uXXXX
    if char == "/":
        forms.append(re.escape("\\/"))  # JSON's optional escape of "/"
    if char == " ":
        forms.append(r"\+")  # form encoding
    forms.append(f"&#0*{code};")  # HTML decimal reference
    forms.append(f"(?i:&#x0*{code:x};)")  # HTML hexadecimal reference
    if char in _HTML_NAMES:
        forms.append(f"&{_HTML_NAMES[char]};")
    return "(?:" + "|".join(forms) + ")"


_SIGNED_PARAMETER = re.compile(
    r"(?i)((?:x-amz-(?:signature|credential|security-token)|signature|awsaccesskeyid)"
    r"(?:=|%3d))[^&#\s\"'<>]+"
)
_SIGNED_HEADER = re.compile(r"(?i)((?:credential|signature)=)[^,\s\"'<>]+")


def without_signatures(text: str, placeholder: str = PLACEHOLDER) -> str:
    """``text`` with the values of a presigned URL's signing parameters and of a SigV4
    ``Authorization`` header's ``Credential=`` / ``Signature=`` replaced by ``placeholder``."""
    text = _SIGNED_PARAMETER.sub(lambda m: m.group(1) + placeholder, text)
    return _SIGNED_HEADER.sub(lambda m: m.group(1) + placeholder, text)


def secret_pattern(secret: str) -> str:
    """A regular expression matching ``secret`` in any mix of its escaped forms."""
    return "".join(_char_pattern(char) for char in secret)


class Redactor:
    """Replaces registered secrets in text (and in parsed JSON) with :data:`PLACEHOLDER`.

    Thread-safe; its ``repr`` never shows a secret. Longer secrets are matched first, so a
    registered ``"Bearer <token>"`` disappears whole rather than leaving ``"Bearer ***"``.
    ``signatures``: also :func:`without_signatures`.
    """

    def __init__(
        self,
        secrets: Iterable[str] = (),
        placeholder: str = PLACEHOLDER,
        *,
        signatures: bool = False,
    ) -> None:
        self.placeholder = placeholder
        self.signatures = signatures
        self._secrets: list[str] = []
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secret(s))"

    def add(self, secret: str) -> None:
        """Register ``secret`` (one shorter than :data:`MIN_SECRET_LENGTH` is ignored)."""
        if len(secret) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if secret in self._secrets:
                return
            secrets = sorted([*self._secrets, secret], key=len, reverse=True)
            pattern = re.compile("|".join(secret_pattern(s) for s in secrets))
            self._secrets, self._pattern = secrets, pattern

    def text(self, text: str) -> str:
        """``text`` with every registered secret (and, with ``signatures``, every signature)
        replaced."""
        if self.signatures and text:
            text = without_signatures(text, self.placeholder)
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub(self.placeholder, text)

    def optional(self, text: str | None) -> str | None:
        """:meth:`text` of ``text``, or None."""
        return None if text is None else self.text(text)

    def value(self, value: T) -> T:
        """``value`` (parsed JSON: strings, numbers, mappings, lists, tuples) with every string
        in it, keys included, redacted; other values are returned as they are. Containers are
        copied (mappings as dicts); nesting of any depth is walked without recursion."""
        return self._value(value)  # type: ignore[no-any-return]

    def _leaf(self, value: Any) -> Any:
        return self.text(value) if isinstance(value, str) else value

    @staticmethod
    def _open(node: Any, key: Any) -> tuple[Any, Iterator[tuple[Any, Any]], Any, Any]:
        """A frame of the walk: the container, its items, its copy being built, and its key
        (or index) in its parent."""
        if isinstance(node, Mapping):
            return node, iter(list(node.items())), {}, key
        return node, iter(enumerate(node)), [], key

    def _value(self, root: Any) -> Any:
        if (self._pattern is None and not self.signatures) or not isinstance(
            root, Mapping | list | tuple
        ):
            return self._leaf(root)
        stack = [self._open(root, None)]
        while True:
            _, items, copy, _ = stack[-1]
            for key, child in items:
                if isinstance(child, Mapping | list | tuple):
                    stack.append(self._open(child, key))
                    break
                self._put(copy, key, self._leaf(child))
            else:
                source, _, copy, key = stack.pop()
                done = tuple(copy) if isinstance(source, tuple) else copy
                if not stack:
                    return done
                self._put(stack[-1][2], key, done)

    def _put(self, copy: Any, key: Any, value: Any) -> None:
        if isinstance(copy, dict):
            copy[self._leaf(key)] = value
        else:
            copy.append(value)


class RedactingFilter(logging.Filter):
    """A logging filter that runs each record's final message through ``redactor``; installed
    on the log handlers of both programs, so nothing logged shows a secret or a signature."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redactor.text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # A traceback is text too (an exception's message may quote a secret): formatted and
        # cleaned here, before any handler writes it.
        if record.exc_info:
            record.exc_text = self.redactor.text(_FORMATTER.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redactor.text(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.text(record.stack_info)
        return True


_FORMATTER = logging.Formatter()


LOG_REDACTOR = Redactor(signatures=True)
"""What every log line of both programs passes through (:func:`redact_logs`); the storage keys
are added when they are loaded."""


def redact_logs() -> None:
    """Put :data:`LOG_REDACTOR` on every handler of the root logger (after its set-up)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(LOG_REDACTOR))


__all__ = [
    "LOG_REDACTOR",
    "MIN_SECRET_LENGTH",
    "PLACEHOLDER",
    "RedactingFilter",
    "Redactor",
    "redact_logs",
    "secret_pattern",
    "without_signatures",
]
