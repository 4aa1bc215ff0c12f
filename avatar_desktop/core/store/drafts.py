"""Drafts: the autosaved form and the user's named drafts, in the data file (Qt-free).

A draft is what the compose form holds in all of its tabs — not only a valid request — as a
flat object of text and switches (see :data:`DRAFT_FIELDS`). Anything else is dropped on the way
in, so a draft can never carry the token or any other secret.

The autosave is written on every (debounced) edit and committed durably, so the form comes
back exactly after a restart or a ``kill -9``. Named drafts are independent copies: clearing
the form or autosaving never touches them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from avatar_desktop.core.store.database import Database, StoreError
from avatar_desktop.core.store.schema import canonical_json

log = logging.getLogger("avatar_desktop.drafts")

DRAFT_FIELDS: dict[str, type] = {
    "mode": str,
    "avatar_url": str,
    "no_watermark": bool,
    "audio_url": str,
    "sample_url": str,
    "clone_language": str,
    "clone_text": str,
    "voice_engine_id": str,
    "audio_id": str,
    "use_language": str,
    "use_text": str,
}
"""Every field a draft may hold, with its type."""

MAX_NAME_LENGTH = 200
_AUTOSAVE_SLOT = "form"


def clean_draft(content: Mapping[str, Any]) -> dict[str, Any]:
    """Only the known fields of ``content``, of the right type."""
    return {
        key: value
        for key, value in content.items()
        if key in DRAFT_FIELDS and isinstance(value, DRAFT_FIELDS[key])
    }


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return clean_draft(value) if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class Draft:
    """One named draft."""

    draft_id: int
    name: str
    content: dict[str, Any]
    created_at: datetime
    updated_at: datetime


def _draft(row: tuple[Any, ...]) -> Draft:
    return Draft(
        draft_id=row[0],
        name=row[1],
        content=_loads(row[2]),
        created_at=datetime.fromtimestamp(row[3], UTC),
        updated_at=datetime.fromtimestamp(row[4], UTC),
    )


class DraftNameError(ValueError):
    """A draft's name cannot be used; ``kind`` is ``empty``, ``too_long`` or ``taken``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DraftNameError("empty", "A draft needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise DraftNameError(
            "too_long", f"A draft's name has at most {MAX_NAME_LENGTH} characters."
        )
    return name


class Drafts:
    """The autosave slot and the named drafts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the autosaved form --

    def autosave(self, content: Mapping[str, Any]) -> None:
        """Keep what the form holds now (replacing the previous autosave)."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO autosave (slot, content, saved_at) VALUES (?, ?, ?)",
                (_AUTOSAVE_SLOT, canonical_json(clean_draft(content)), time.time()),
            )

    def load_autosave(self) -> dict[str, Any] | None:
        """The last autosaved form, or None when there is none."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT content FROM autosave WHERE slot = ?", (_AUTOSAVE_SLOT,)
            ).fetchone()
        return None if row is None else _loads(row[0])

    # -- named drafts --

    def named(self) -> list[Draft]:
        """Every named draft, most recently changed first."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT draft_id, name, content, created_at, updated_at FROM drafts "
                "ORDER BY updated_at DESC, draft_id DESC"
            ).fetchall()
        return [_draft(row) for row in rows]

    def get(self, draft_id: int) -> Draft | None:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT draft_id, name, content, created_at, updated_at FROM drafts "
                "WHERE draft_id = ?",
                (draft_id,),
            ).fetchone()
        return None if row is None else _draft(row)

    def find(self, name: str) -> Draft | None:
        """The draft called ``name`` (spaces folded as when saving), if any."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT draft_id, name, content, created_at, updated_at FROM drafts WHERE name = ?",
                (" ".join(name.split()),),
            ).fetchone()
        return None if row is None else _draft(row)

    def save(self, name: str, content: Mapping[str, Any], *, replace: bool = False) -> int:
        """Save ``content`` as the draft ``name``; returns its id. An existing name raises
        :class:`ValueError` unless ``replace``, which overwrites that draft."""
        name = _check_name(name)
        now = time.time()
        body = canonical_json(clean_draft(content))
        with self.db.transaction() as conn:
            row = conn.execute("SELECT draft_id FROM drafts WHERE name = ?", (name,)).fetchone()
            if row is not None:
                if not replace:
                    raise DraftNameError("taken", f"A draft called “{name}” exists already.")
                conn.execute(
                    "UPDATE drafts SET content = ?, updated_at = ? WHERE draft_id = ?",
                    (body, now, row[0]),
                )
                return int(row[0])
            cursor = conn.execute(
                "INSERT INTO drafts (name, content, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (name, body, now, now),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def rename(self, draft_id: int, name: str) -> None:
        name = _check_name(name)
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "UPDATE drafts SET name = ?, updated_at = ? WHERE draft_id = ?",
                    (name, time.time(), draft_id),
                )
        except StoreError as exc:
            if "UNIQUE" in str(exc):
                raise DraftNameError("taken", f"A draft called “{name}” exists already.") from exc
            raise

    def duplicate(self, draft_id: int) -> int:
        """A copy of a draft under a free name ("NAME (2)", "NAME (3)"…); returns its id."""
        original = self.get(draft_id)
        if original is None:
            raise ValueError("That draft no longer exists.")
        taken = {draft.name for draft in self.named()}
        number = 2
        while f"{original.name} ({number})" in taken:
            number += 1
        return self.save(f"{original.name} ({number})", original.content)

    def delete(self, draft_id: int) -> Draft | None:
        """Delete a draft; returns it (for undo through :meth:`save`), None when it was gone."""
        draft = self.get(draft_id)
        if draft is None:
            return None
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE draft_id = ?", (draft_id,))
        return draft


__all__ = ["DRAFT_FIELDS", "MAX_NAME_LENGTH", "Draft", "DraftNameError", "Drafts", "clean_draft"]
