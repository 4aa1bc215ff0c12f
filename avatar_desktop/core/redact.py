"""The one place that removes secrets from server-supplied text (Qt-free).

A hostile or careless server may echo the API token back: in an error message, a redirect's
``Location``, an HTML page's ``<title>``, a task's ``fail_reason``. :class:`Redactor` replaces
every copy of each registered secret with :data:`PLACEHOLDER` and keeps the rest of the text
verbatim. A copy is found in the forms a server is likely to write it in, character by
character: plain, percent-encoded (either case of hex digits, ``+`` for a space), JSON-escaped
(``\\/``, ``\\u0041``) and as HTML character references (``&#47;``, ``&#x2F;``, ``&amp;``).

:class:`~avatar_desktop.core.client.AvatarClient` runs every answer through its redactor before
anything leaves the client, so no caller (store, log, window, command line) can forget it.
"""

from __future__ import annotations

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


def secret_pattern(secret: str) -> str:
    """A regular expression matching ``secret`` in any mix of its escaped forms."""
    return "".join(_char_pattern(char) for char in secret)


class Redactor:
    """Replaces registered secrets in text (and in parsed JSON) with :data:`PLACEHOLDER`.

    Thread-safe; its ``repr`` never shows a secret. Longer secrets are matched first, so a
    registered ``"Bearer <token>"`` disappears whole rather than leaving ``"Bearer ***"``.
    """

    def __init__(self, secrets: Iterable[str] = (), placeholder: str = PLACEHOLDER) -> None:
        self.placeholder = placeholder
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
        """``text`` with every registered secret replaced."""
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
        if self._pattern is None or not isinstance(root, Mapping | list | tuple):
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


__all__ = ["MIN_SECRET_LENGTH", "PLACEHOLDER", "Redactor", "secret_pattern"]
