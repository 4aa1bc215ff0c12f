"""The sandbox's own sample media (issue 16, item 26): one list (avatar_desktop/core/samples.py),
served by the sandbox, printed by avatar-sandbox and named by the README."""

from __future__ import annotations

import re
import subprocess
import sys
import wave
from io import BytesIO
from pathlib import Path

import requests

from avatar_desktop.core.samples import SAMPLES_PATH, SandboxSamples

ROOT = Path(__file__).resolve().parent.parent


def _urls(samples: SandboxSamples) -> list[str]:
    return [samples.avatar_url, samples.audio_url, samples.voice_sample_url]


def test_the_sandbox_serves_its_samples(sandbox):
    samples = SandboxSamples.at(sandbox.base_url + "/")
    assert samples.avatar_url == f"{sandbox.base_url}{SAMPLES_PATH}/avatar.png"
    avatar = requests.get(samples.avatar_url, timeout=10)
    assert avatar.status_code == 200 and avatar.headers["Content-Type"] == "image/png"
    lengths = []
    for url in (samples.audio_url, samples.voice_sample_url):
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "audio/wav"
        with wave.open(BytesIO(answer.content)) as wav:
            lengths.append(wav.getnframes() / wav.getframerate())
    audio_seconds, sample_seconds = lengths
    assert 2 <= audio_seconds <= 300  # an audio track the service takes
    assert sample_seconds >= 20  # a voice sample long enough to clone


def test_avatar_sandbox_prints_its_samples():
    process = subprocess.Popen(
        [sys.executable, "-m", "avatar_desktop.sandbox", "--port", "0", "--no-state"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        printed = []
        for line in process.stdout:
            printed.append(line)
            if "Ctrl+C stops" in line:
                break
    finally:
        process.terminate()
        process.communicate(timeout=30)
    text = "".join(printed)
    base = re.search(r"base URL: (\S+)", text)
    assert base, text
    for url in _urls(SandboxSamples.at(base.group(1))):
        assert url in text


def test_the_readme_names_the_samples_of_the_list():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for url in _urls(SandboxSamples.at("")):
        assert f"`{url}`" in readme, url
