"""Moving drafts and outbox items to another computer: one JSON file, never the token (Qt-free).

The file is a JSON object::

    {"format": "avatar-desktop-export", "version": 1, "exported_at": "...",
     "drafts": [{"name": "...", "content": {...}}],
     "outbox": [{"service": "https://api.gpt.ge", "payload": {...}, "state": "queued", ...}]}

Drafts hold only form fields (:func:`~avatar_desktop.core.store.drafts.clean_draft`) and items only
their request body, service and the speaker's consent record of a cloned voice, so no secret
can travel in it. On import, items that are still
waiting (or that need the user) come back as ``queued`` for their own service; submitted and
cancelled ones are not imported again — they were paid for, or dropped, on the first computer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from avatar_desktop.core.paths import write_atomically
from avatar_desktop.core.request import GenerationRequest, ValidationError
from avatar_desktop.core.store.drafts import Drafts, clean_draft
from avatar_desktop.core.store.outbox import ItemState, NewItem, Outbox, Source
from avatar_desktop.core.submission import voice_sample

FORMAT = "avatar-desktop-export"
VERSION = 1
_RESENDABLE = (
    ItemState.QUEUED,
    ItemState.UPLOADING,
    ItemState.SENDING,
    ItemState.RETRY_WAIT,
    ItemState.REFUSED,
    ItemState.OUTCOME_UNKNOWN,
)


def export_data(drafts: Drafts, outbox: Outbox) -> dict[str, Any]:
    """Every named draft and every outbox item that is not submitted or cancelled."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "drafts": [{"name": d.name, "content": clean_draft(d.content)} for d in drafts.named()],
        "outbox": [
            {
                "service": item.service_url,
                "payload": item.payload,
                "state": item.state.value,
                "created_at": item.created_at.isoformat(),
                "consent": item.consent,
            }
            for item in outbox.items(states=_RESENDABLE)
        ],
    }


def write_export(path: Path, drafts: Drafts, outbox: Outbox) -> dict[str, int]:
    """Write the export file atomically; returns how many drafts and items it holds."""
    data = export_data(drafts, outbox)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomically(Path(path), lambda handle: handle.write(text))
    return {"drafts": len(data["drafts"]), "outbox": len(data["outbox"])}


@dataclass
class TransferReport:
    """What an import brought in, and what it left out (with reasons, in English)."""

    drafts: int = 0
    items: int = 0
    skipped: list[str] = field(default_factory=list)


def is_export(data: object) -> bool:
    """True when ``data`` (parsed JSON) is one of our export files."""
    return isinstance(data, Mapping) and data.get("format") == FORMAT


def import_data(data: Mapping[str, Any], drafts: Drafts, outbox: Outbox) -> TransferReport:
    """Add the drafts (renamed "NAME (2)"… when the name is taken) and re-queue the items of an
    export. Invalid entries are skipped and listed."""
    if not is_export(data):
        raise ValueError("This is not an Avatar Desktop export file.")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ValueError("This export file comes from a newer version of Avatar Desktop.")
    report = TransferReport()
    taken = {draft.name for draft in drafts.named()}
    for number, entry in enumerate(_list(data.get("drafts")), start=1):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        content = entry.get("content") if isinstance(entry, Mapping) else None
        if not isinstance(name, str) or not name.strip() or not isinstance(content, Mapping):
            report.skipped.append(f"draft {number}: no name or no content")
            continue
        unique, suffix = " ".join(name.split()), 2
        while unique in taken:
            unique = f"{' '.join(name.split())} ({suffix})"
            suffix += 1
        drafts.save(unique, content)
        taken.add(unique)
        report.drafts += 1
    by_service: dict[str, list[NewItem]] = {}
    for number, entry in enumerate(_list(data.get("outbox")), start=1):
        service = entry.get("service") if isinstance(entry, Mapping) else None
        payload = entry.get("payload") if isinstance(entry, Mapping) else None
        if not isinstance(service, str) or not service:
            report.skipped.append(f"item {number}: no service")
            continue
        try:
            request = GenerationRequest.from_payload(payload)
        except ValidationError as exc:
            report.skipped.append(f"item {number}: {exc}")
            continue
        consent = entry.get("consent")
        if not isinstance(consent, Mapping) or consent.get("sample_url") != voice_sample(request):
            consent = None  # only a record for this item's own sample travels with it
        by_service.setdefault(service, []).append(NewItem(request, Source.EXPORT, consent))
    for service, items in by_service.items():
        report.items += len(outbox.add_many(service, items))
    return report


def read_export(path: Path, drafts: Drafts, outbox: Outbox) -> TransferReport:
    """Import the export file at ``path``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"This is not an Avatar Desktop export file ({exc}).") from exc
    return import_data(data, drafts, outbox)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


__all__ = [
    "FORMAT",
    "VERSION",
    "TransferReport",
    "export_data",
    "import_data",
    "is_export",
    "read_export",
    "write_export",
]
