"""Shared test set-up: offscreen Qt, private data folders, a running sandbox."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _memory_keyring_by_default():
    """No test touches the developer's real keyring unless it builds a backend itself."""
    import keyring
    from memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch):
    """Every test gets its own data folder and no inherited token or netrc."""
    monkeypatch.setenv("AVATAR_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AVATAR_API_TOKEN", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sandbox():
    from avatar_desktop.sandbox import SandboxServer

    with SandboxServer(step_seconds=0) as server:
        yield server


@pytest.fixture
def memory_keyring():
    """An empty in-memory keyring backend (tests/memory_keyring.py); never the real keyring."""
    from memory_keyring import MemoryKeyring

    return MemoryKeyring()


@pytest.fixture
def token_vault(memory_keyring):
    """A TokenVault on ``memory_keyring`` that ignores the process environment."""
    from avatar_desktop.core.vault import TokenVault

    return TokenVault(memory_keyring, environ={})
