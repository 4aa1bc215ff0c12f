"""How fast to talk to a service: one rate gate per service, and backoff with jitter (Qt-free).

Sending and following share a :class:`RateGate`: when the service answers 429 (or 503) with a
``Retry-After``, nothing more goes to it — neither a submission nor a status query — until the
delay has passed.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

MAX_BACKOFF_SECONDS = 300.0
"""The longest automatic wait between two attempts; the user can always send at once by hand."""


def backoff_delay(
    attempt: int,
    *,
    base: float = 5.0,
    cap: float = MAX_BACKOFF_SECONDS,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before attempt ``attempt + 1``: ``base`` doubling per attempt up to
    ``cap``, then spread by ±20 % so that many clients do not come back at the same moment."""
    steps = max(0, attempt - 1)
    delay = min(cap, base * (2.0 ** min(steps, 30)))
    spread = (rng or random).uniform(0.8, 1.2)
    return max(0.0, min(cap, delay * spread))


class RateGate:
    """Per-service "not before" times, shared by every thread of a process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._not_before: dict[str, float] = {}

    def hold(self, service_url: str, seconds: float) -> None:
        """Ask nothing of ``service_url`` for ``seconds`` (a later hold never shortens one)."""
        until = self._clock() + max(0.0, seconds)
        with self._lock:
            self._not_before[service_url] = max(self._not_before.get(service_url, 0.0), until)

    def wait_seconds(self, service_url: str) -> float:
        """Seconds left before ``service_url`` may be asked again (0 when free)."""
        with self._lock:
            until = self._not_before.get(service_url, 0.0)
        return max(0.0, until - self._clock())

    def clear(self, service_url: str | None = None) -> None:
        """Forget the holds of one service, or of every service."""
        with self._lock:
            if service_url is None:
                self._not_before.clear()
            else:
                self._not_before.pop(service_url, None)


__all__ = ["MAX_BACKOFF_SECONDS", "RateGate", "backoff_delay"]
