"""A local, stdlib-only stand-in of the digital-human video API, for tests and offline demos.

``SandboxServer`` follows API.md (submit, task query, voice list) and also serves result media.
Failure triggers: a submitted body containing the string ``sandbox-fail`` ends in ``FAILURE``;
one containing ``sandbox-stall`` stays ``UNKNOWN`` forever. Transport faults (429, 403 quota,
HTML 502, dropped connections, latency...) are injected with ``SandboxServer.inject(Fault...)``.
With ``state_path`` its tasks (ids, lifecycle, result links) survive restarts. Run it standalone
with ``python -m avatar_desktop.sandbox --help``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import FAIL_TRIGGER, STALL_TRIGGER, Fault, RecordedRequest, SandboxServer

__all__ = ["FAIL_TRIGGER", "STALL_TRIGGER", "Fault", "RecordedRequest", "SandboxServer"]


def __getattr__(name: str) -> Any:
    """The server's names, imported when first used: the window imports the sandbox's state
    file lock at start (:mod:`.state`) and must not pay for the server then."""
    if name in __all__:
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
