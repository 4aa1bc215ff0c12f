"""A keyring backend for ``avatar-cli`` processes in tests: a real ``KeyringBackend`` that keeps
its entries in the JSON file named by ``TEST_KEYRING_FILE`` (outside the data folder), so one
process can save a secret and the next read it. Chosen with
``PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring`` and ``tests`` on ``PYTHONPATH``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1
    viable = False  # never chosen by keyring's own auto-detection

    @property
    def _path(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self._path.write_text(json.dumps(entries), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("No such password.")
        self._path.write_text(json.dumps(entries), encoding="utf-8")
