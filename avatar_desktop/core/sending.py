"""What to send when, and what to say when nothing goes (Qt-free).

Beside :mod:`avatar_desktop.core.delivery` (how one item is sent and its answer classified),
these are the rules of *when*, which the window (:mod:`avatar_desktop.qt.outbox_runner` only
drives a :class:`SendingPolicy` on its clock) and ``avatar-cli`` share:

* an item goes only to the service it was queued for (:func:`outlook`, :meth:`Outbox.move`);
* automatic sending runs while it is on, not paused, the token works and the service can be
  reached (:meth:`SendingPolicy.may_auto_send`); more than
  :data:`~avatar_desktop.core.delivery.CONFIRM_ABOVE` items at once ask first
  (:func:`needs_confirmation`): each is billed; the question follows what another program
  sends or changes meanwhile (:func:`still_asked`) and a "yes" sends only what is left;
* a refused token pauses sending until the token changes or the user resumes; an empty balance
  pauses it too; a refused storage pauses the items with local files until the user resumes;
  an unreachable service waits, checked every :data:`PROBE_EVERY_TICKS` ticks
  without sending anything; items of ended programs are looked for every
  :data:`RECOVER_EVERY_TICKS` ticks;
* a moment that has passed is never shown as the next attempt: the item is due, or something
  named holds it (:func:`outlook`); an explicit send that takes nothing says why
  (:func:`why_nothing_sent`).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from avatar_desktop.core.config import SANDBOX_URL, ServiceConfig
from avatar_desktop.core.delivery import CONFIRM_ABOVE, Decision, RunReport, RunStop, SendOutcome
from avatar_desktop.core.service import NotSent
from avatar_desktop.core.store.outbox import ItemState, OutboxItem, OutboxSummary

RECOVER_EVERY_TICKS = 5
"""Items of ended programs left ``sending`` are looked for this often (ticks of the clock)."""
PROBE_EVERY_TICKS = 10
"""While the service cannot be reached, its host is checked this often (nothing is sent)."""


def needs_confirmation(count: int) -> bool:
    """Whether sending ``count`` items at once asks the user first (each one is billed)."""
    return count > CONFIRM_ABOVE


def still_asked(asked: Sequence[int], due: Iterable[int]) -> tuple[int, ...]:
    """Of the items a confirmation asks about (``asked``), those a send would still take
    (``due``: :meth:`Outbox.due_ids <avatar_desktop.core.store.outbox.Outbox.due_ids>` now):
    another program — ``avatar-cli queue send``, a second window — may have sent, cancelled
    or moved some while the question was open. The question names this many; none left, it
    is moot and closes. Items queued since it was asked are not added: they wait for the
    next question."""
    waiting = set(due)
    return tuple(item_id for item_id in asked if item_id in waiting)


def is_sandbox_url(url: str, current: ServiceConfig | None = None) -> bool:
    """Whether ``url`` is the built-in sandbox: its usual address, or the current service when
    that is the sandbox (the data folder's own address, which stays its service also in a run
    where it answers elsewhere: :mod:`avatar_desktop.core.sandbox_home`)."""
    if url == SANDBOX_URL:
        return True
    return current is not None and current.sandbox and url == current.base_url


def service_host(url: str) -> str:
    """A service address as people name it: its host (and port, when it has one)."""
    parts = urlsplit(url)
    return parts.netloc or url


class Hold(enum.StrEnum):
    """Why the items of the current service do not go out on their own now."""

    TOKEN_REFUSED = "token_refused"
    PAUSED = "paused"
    OFFLINE = "offline"
    MANUAL = "manual"
    """Automatic sending is off: items go with "Send now"."""


@dataclass
class SendingPolicy:
    """The state automatic sending depends on, and its rules. One per window; Qt-free."""

    auto_send: bool = True
    paused: bool = False
    token_paused: bool = False
    online: bool = True
    """The service answered lately (or was not tried yet)."""
    system_offline: bool = False
    """The system says the computer has no network."""
    local: bool = False
    """The service is on this computer (reachable without a network)."""
    storage_paused: bool = False
    """The storage refused its keys: items with local files wait (the others go) until the
    user resumes sending."""

    @property
    def reachable(self) -> bool:
        """Whether sending can be tried now: the service answered lately (or was not tried),
        and the system is not offline unless the service is on this computer."""
        return self.online and (self.local or not self.system_offline)

    @property
    def hold(self) -> Hold | None:
        """What holds automatic sending back now, the most pressing first; None: nothing."""
        if self.token_paused:
            return Hold.TOKEN_REFUSED
        if self.paused:
            return Hold.PAUSED
        if not self.reachable:
            return Hold.OFFLINE
        if not self.auto_send:
            return Hold.MANUAL
        return None

    def may_auto_send(self) -> bool:
        return self.hold is None

    def use(self, config: ServiceConfig, *, new_service: bool, new_token: bool) -> None:
        """The window talks to ``config`` now (or its settings changed): a new service is tried
        afresh, a new token lifts a token pause, and a storage pause is lifted (uploading is
        free; a storage still refusing pauses again)."""
        self.local = config.is_local
        self.storage_paused = False  # the storage settings may have changed: trying is free
        if new_service:
            self.online = True
        if new_token:
            self.token_paused = False

    def pause(self) -> None:
        self.paused = True

    def send_now(self) -> None:
        """The user asked to send now: a pause ends, the service is tried again and so is a
        storage that refused (a refused token stays refused until it changes)."""
        self.paused = False
        self.online = True
        self.storage_paused = False

    def resume(self) -> None:
        self.paused = False
        self.token_paused = False
        self.storage_paused = False

    def record(self, outcome: SendOutcome) -> bool:
        """Learn from one send; True when the token was refused just now (say so once)."""
        if outcome.decision is Decision.TOKEN_REFUSED:
            newly = not self.token_paused
            self.token_paused = True
            return newly
        if outcome.decision is Decision.STORAGE_REFUSED:
            self.storage_paused = True
        elif outcome.decision is Decision.RETRY and isinstance(outcome.error, NotSent):
            self.online = False
        elif outcome.decision is Decision.SUBMITTED:
            self.online = True
        return False

    def finished(self, report: RunReport) -> None:
        """A run ended: an empty balance pauses sending (the user tops it up, then resumes)."""
        if report.stopped is RunStop.QUOTA:
            self.pause()

    def probe_due(self, tick: int) -> bool:
        """Whether to check now, without sending, that the unreachable service is back."""
        return not self.online and tick % PROBE_EVERY_TICKS == 0

    def probed(self, reachable: bool) -> bool:
        """The host check answered; True when the service is back (send what waited)."""
        if reachable and not self.online:
            self.online = True
            return True
        return False

    def set_system_offline(self, offline: bool) -> bool:
        """The system's idea of the network; True when it changed. Back online, the service
        is tried again."""
        if offline == self.system_offline:
            return False
        self.system_offline = offline
        if not offline:
            self.online = True
        return True


def recover_due(tick: int) -> bool:
    """Whether to look for items of ended programs at this tick of the clock."""
    return tick % RECOVER_EVERY_TICKS == 0


class Outlook(enum.StrEnum):
    """What a waiting item (``queued`` or ``retry_wait``) is doing, as its row says it."""

    OTHER_SERVICE = "other_service"
    """It waits for a service other than the current one and is only ever sent there."""
    HELD = "held"
    """It is due, but sending is held (see :class:`Hold`)."""
    RETRY_AT = "retry_at"
    """It is due at a moment still to come."""
    DUE = "due"
    """It goes with the next send."""


@dataclass(frozen=True)
class ItemOutlook:
    kind: Outlook
    at: datetime | None = None
    """For ``RETRY_AT``: when (never in the past)."""
    hold: Hold | None = None
    """For ``HELD``: why."""


def outlook(
    item: OutboxItem, service_url: str | None, hold: Hold | None, *, now: float | None = None
) -> ItemOutlook | None:
    """What ``item`` waits for, seen from the current service ``service_url`` (None: not
    known yet) while ``hold`` holds sending; None for an item that does not wait."""
    if item.state not in (ItemState.QUEUED, ItemState.RETRY_WAIT):
        return None
    if service_url is not None and item.service_url != service_url:
        return ItemOutlook(Outlook.OTHER_SERVICE)
    moment = time.time() if now is None else now
    at = item.next_attempt_at
    if item.state is ItemState.RETRY_WAIT and at is not None and at.timestamp() > moment:
        if hold in (Hold.TOKEN_REFUSED, Hold.PAUSED):
            return ItemOutlook(Outlook.HELD, hold=hold)
        return ItemOutlook(Outlook.RETRY_AT, at=at)
    if hold is not None:
        return ItemOutlook(Outlook.HELD, hold=hold)
    return ItemOutlook(Outlook.DUE)


class Idle(enum.StrEnum):
    """Why an explicit send (Send now, ``queue send``) took nothing."""

    BUSY = "busy"
    """A send is going on; what it does not take goes with the next one."""
    TOKEN_REFUSED = "token_refused"
    SERVICE_WAIT = "service_wait"
    """The service asked to wait (``Retry-After``) until :attr:`NothingSent.until`."""
    OTHER_SERVICES = "other_services"
    """Nothing of the current service waits, but items of other services do."""
    NEEDS_USER = "needs_user"
    """What is left of the current service waits for the user's decision."""
    EVERYTHING_SENT = "everything_sent"


@dataclass(frozen=True)
class NothingSent:
    why: Idle
    summary: OutboxSummary
    until: float | None = None
    """For ``SERVICE_WAIT``: the Unix time at which the next item is due."""


def why_nothing_sent(
    summary: OutboxSummary,
    *,
    hold: Hold | None = None,
    busy: bool = False,
    gate_wait: float = 0.0,
    now: float | None = None,
) -> NothingSent:
    """Why an explicit send took nothing, from what the outbox holds for the current service
    (``summary``), what holds sending, whether a send is going on, and how long the service
    asked to wait (``gate_wait`` seconds)."""
    moment = time.time() if now is None else now
    if busy:
        return NothingSent(Idle.BUSY, summary)
    if hold is Hold.TOKEN_REFUSED:
        return NothingSent(Idle.TOKEN_REFUSED, summary)
    if summary.due and gate_wait > 0:
        return NothingSent(Idle.SERVICE_WAIT, summary, moment + gate_wait)
    if summary.next_attempt is not None:
        return NothingSent(Idle.SERVICE_WAIT, summary, summary.next_attempt)
    if summary.other_waiting:
        return NothingSent(Idle.OTHER_SERVICES, summary)
    if summary.needs_user:
        return NothingSent(Idle.NEEDS_USER, summary)
    return NothingSent(Idle.EVERYTHING_SENT, summary)


__all__ = [
    "PROBE_EVERY_TICKS",
    "RECOVER_EVERY_TICKS",
    "Hold",
    "Idle",
    "ItemOutlook",
    "NothingSent",
    "Outlook",
    "SendingPolicy",
    "is_sandbox_url",
    "needs_confirmation",
    "outlook",
    "recover_due",
    "service_host",
    "still_asked",
    "why_nothing_sent",
]
