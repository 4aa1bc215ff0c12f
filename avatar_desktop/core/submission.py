"""The checks every path runs before a job is queued (Qt-free).

The form (Submit, Add to outbox), the window's import and ``avatar-cli queue import`` all put
requests into the outbox through :func:`screen`; what it finds, each program asks its user in its
own way, and :meth:`Screening.items` turns the answers into outbox items:

* **validation** — a :class:`~avatar_desktop.core.request.GenerationRequest` is valid by
  construction (:mod:`avatar_desktop.core.request`); the form and the importer only ever hand
  over such requests, a row that cannot become one is reported with its problems instead;
* **duplicates** — a request identical to a live outbox item or a task of the same service, or to
  an earlier request of the same batch, would be billed twice: it is reported with what it
  repeats (:class:`Earlier`) and queued only when the user says so;
* **consent** — cloning a voice needs the speaker's permission. Consent is *on record* for a
  sample when an item or a task (of any service) keeps a consent record for that sample URL, so
  the answer survives restarts and is shared by the window and ``avatar-cli``. A request cloning
  a voice from a sample with no consent on record is queued only once the user confirms
  (:class:`ConsentGiven`); every cloning item carries its sample's record (:func:`consent_record`),
  which travels with it to its task.

The sample-length rule (the service refuses samples under 20 seconds) needs the sample itself:
the form measures it before sending (:mod:`avatar_desktop.core.media`); imports do not fetch
samples.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from avatar_desktop.core.local_files import FileHome, local_fields, read_files
from avatar_desktop.core.request import ClonedVoice, GenerationRequest
from avatar_desktop.core.store.outbox import NewItem, Outbox, OutboxItem, Source
from avatar_desktop.core.store.schema import payload_hash
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.core.uploads import LocalFile

CONSENT_STATEMENT = (
    "I confirm that the person whose voice is in this sample has agreed to having it cloned."
)
"""What the user confirms, kept word for word in every consent record."""


class ConsentGiven(enum.StrEnum):
    """How the user gave consent: the ``given`` field of a consent record."""

    WINDOW = "in the window"
    COMMAND_LINE = "on the command line"


def consent_record(
    sample_url: str, given: ConsentGiven, now: datetime | None = None
) -> dict[str, Any]:
    """The record of the user's confirmation that the speaker of ``sample_url`` agreed."""
    moment = now or datetime.now(UTC)
    return {
        "sample_url": sample_url,
        "confirmed_at": moment.isoformat(timespec="seconds"),
        "statement": CONSENT_STATEMENT,
        "given": given.value,
    }


def voice_sample(request: GenerationRequest) -> str | None:
    """The sample URL a request clones a voice from (None for the other voice modes)."""
    voice = request.voice
    return voice.sample_url if isinstance(voice, ClonedVoice) else None


@dataclass(frozen=True)
class Earlier:
    """What a duplicate repeats: an earlier request of the same batch (its number), or the
    newest task and the first live outbox item of the service holding the same request."""

    number: int | None = None
    task: TaskRecord | None = None
    item: OutboxItem | None = None


@dataclass(frozen=True)
class Screening:
    """What the checks found for numbered requests (e.g. by file line) of one service."""

    service_url: str
    requests: Mapping[int, GenerationRequest]
    duplicates: Mapping[int, Earlier]
    """The duplicates, by number."""
    on_record: Mapping[str, Mapping[str, Any]]
    """The consent record kept for each sample URL that has one."""

    def chosen(self, allow_duplicates: bool) -> list[int]:
        """The numbers to queue: all, or (by default) all but the duplicates."""
        return [n for n in self.requests if allow_duplicates or n not in self.duplicates]

    def needs_consent(self, numbers: Iterable[int]) -> dict[int, str]:
        """Of ``numbers``, those cloning a voice from a sample with no consent on record, with
        that sample's URL."""
        needed = {}
        for number in numbers:
            sample = voice_sample(self.requests[number])
            if sample is not None and sample not in self.on_record:
                needed[number] = sample
        return needed

    def samples_needing_consent(self, numbers: Iterable[int]) -> list[str]:
        """The distinct samples of :meth:`needs_consent`, in order: what to ask about."""
        return list(dict.fromkeys(self.needs_consent(numbers).values()))

    def items(
        self,
        numbers: Sequence[int],
        given: ConsentGiven | None,
        source: Callable[[int], str | None],
        files: Mapping[int, Mapping[str, LocalFile]] | None = None,
    ) -> tuple[list[NewItem], list[int]]:
        """The outbox items for ``numbers``, and the numbers left out. A cloning item carries
        its sample's consent record: the one on record, else a new one when the user gave
        consent (``given``, one record per sample); without either it is left out. ``files``:
        the local files each request names, read
        (:func:`~avatar_desktop.core.local_files.read_files`)."""
        records: dict[str, Mapping[str, Any]] = dict(self.on_record)
        items: list[NewItem] = []
        left_out: list[int] = []
        for number in numbers:
            request = self.requests[number]
            sample = voice_sample(request)
            consent = None
            if sample is not None:
                if sample not in records and given is not None:
                    records[sample] = consent_record(sample, given)
                consent = records.get(sample)
                if consent is None:
                    left_out.append(number)
                    continue
            read = {} if files is None else files.get(number, {})
            items.append(NewItem(request, source(number), consent, read))
        return items, left_out


def queue_task_again(outbox: Outbox, record: TaskRecord) -> int | None:
    """Queue the request of a task whose outcome is unknown again (the user agreed it may be
    billed twice): its local files are read again as they are now, and the row leaves the
    task list for the new item, in one transaction. Returns the item id, or None when the
    row is gone already (sent again meanwhile, by a second click or another program: never
    queued twice). Raises :class:`~avatar_desktop.core.request.ValidationError` (the request
    cannot be loaded, or a file is missing or unreadable) or a store error; then nothing
    changed."""
    request = GenerationRequest.from_payload(record.payload, local_files=True)
    payload = request.to_payload()
    files = read_files(payload, FileHome.STORAGE) if local_fields(payload) else {}
    new = NewItem(request, Source.TASK_LIST, record.consent, files)
    queued = outbox.add_many(record.service_url, [new], instead_of_task=record.row_id)
    return queued[0] if queued else None


def screen(
    outbox: Outbox,
    tasks: TaskStore,
    service_url: str,
    requests: Sequence[tuple[int, GenerationRequest]],
) -> Screening:
    """Check numbered requests meant for ``service_url`` (numbers unique, e.g. file lines)."""
    keys = {number: payload_hash(service_url, r.to_payload()) for number, r in requests}
    known = outbox.known_hashes(service_url, keys.values())
    first: dict[str, int] = {}
    duplicates: dict[int, Earlier] = {}
    for number, request in requests:
        key = keys[number]
        if key in known:
            payload = request.to_payload()
            same_tasks = tasks.find_same_request(service_url, payload)
            same_items = outbox.find_same(service_url, payload)
            if same_tasks or same_items:  # else only the hash was the same
                duplicates[number] = Earlier(
                    task=same_tasks[0] if same_tasks else None,
                    item=same_items[0] if same_items else None,
                )
                continue
        if key in first:
            duplicates[number] = Earlier(number=first[key])
        else:
            first[key] = number
    on_record: dict[str, Mapping[str, Any]] = {}
    if any(voice_sample(request) is not None for _number, request in requests):
        for record in outbox.consent_records():
            sample = record.get("sample_url")
            if isinstance(sample, str):
                on_record.setdefault(sample, record)
    return Screening(service_url, dict(requests), duplicates, on_record)


__all__ = [
    "CONSENT_STATEMENT",
    "ConsentGiven",
    "Earlier",
    "Screening",
    "consent_record",
    "queue_task_again",
    "screen",
    "voice_sample",
]
