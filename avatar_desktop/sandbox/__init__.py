"""A local, stdlib-only stand-in of the digital-human video API, for tests and offline demos.

``SandboxServer`` follows API.md (submit, task query, voice list) and also serves result media.
Failure triggers: a submitted body containing the string ``sandbox-fail`` ends in ``FAILURE``;
one containing ``sandbox-stall`` stays ``UNKNOWN`` forever. Transport faults (429, 403 quota,
HTML 502, dropped connections, latency...) are injected with ``SandboxServer.inject(Fault...)``.
With ``state_path`` its tasks (ids, lifecycle, result links) survive restarts. Run it standalone
with ``python -m avatar_desktop.sandbox --help``.
"""

from .server import FAIL_TRIGGER, STALL_TRIGGER, Fault, RecordedRequest, SandboxServer

__all__ = ["FAIL_TRIGGER", "STALL_TRIGGER", "Fault", "RecordedRequest", "SandboxServer"]
