"""The built-in sandbox in a process of its own (so it never competes with the program measured
for Python's lock), every answer of some endpoints delayed: what the service's latency is."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SERVER = """
import sys
from avatar_desktop.sandbox import Fault, SandboxServer
latency, step, endpoints = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
server = SandboxServer(port=0, step_seconds=step).start()
for endpoint in endpoints:
    server.inject(endpoint, Fault.slow(latency), times=10**9)
print(server.base_url, flush=True)
sys.stdin.read()
server.stop()
"""


@contextlib.contextmanager
def slow_sandbox(latency: float, endpoints: tuple[str, ...], step_seconds: float) -> Iterator[str]:
    """The sandbox's address while it runs; ``endpoints`` (``submit``, ``task``...) answer
    ``latency`` seconds late, and a task moves one step every ``step_seconds``."""
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(latency), str(step_seconds), *endpoints],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()
        process.wait(timeout=30)
