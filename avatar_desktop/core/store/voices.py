"""The offline copy of each service's voice list, in the data file (Qt-free).

The voice picker shows the cached list at once and asks the service for a fresh one; a cached
list that cannot be read is ignored (and logged), never an error.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.schema import canonical_json

log = logging.getLogger("avatar_desktop.store")


class VoiceCache:
    """The voice lists of ``db``, one per service and language. Safe to share between threads;
    methods raise :class:`~avatar_desktop.core.store.database.StoreError` when SQLite fails."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, service_url: str, language: str | None, voices: list[dict[str, Any]]) -> None:
        """Cache a service's voice list (``language`` None or '' for the list of all voices)."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO voices (service_url, language, voices, fetched_at) "
                "VALUES (?, ?, ?, ?)",
                (service_url, language or "", canonical_json(voices), time.time()),
            )

    def load(
        self, service_url: str, language: str | None
    ) -> tuple[list[dict[str, Any]], datetime] | None:
        """The cached voice list and when it was fetched, or None when there is none."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT voices, fetched_at FROM voices WHERE service_url = ? AND language = ?",
                (service_url, language or ""),
            ).fetchone()
        if row is None:
            return None
        try:
            voices = json.loads(row[0])
        except ValueError:
            voices = None
        if not isinstance(voices, list) or not all(isinstance(v, dict) for v in voices):
            log.warning("the cached voice list of %s is damaged; ignored", service_url)
            return None
        return voices, datetime.fromtimestamp(row[1], UTC)


__all__ = ["VoiceCache"]
