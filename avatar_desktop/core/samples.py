"""The sandbox's own sample media: inputs it serves itself, so that a job can be tried and its
media checked with no network at all.

The one list of them: the sandbox serves them (:mod:`avatar_desktop.sandbox.server`),
``avatar-sandbox`` prints them, the window fills its form with them, and the README names them
(a test keeps it so). Stdlib only, no imports: the sandbox may use it and stay independent of
the client.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLES_PATH = "/media/samples"
"""Where the sandbox serves its samples, under its base URL (no token needed, like a CDN)."""
AVATAR_SAMPLE = "avatar.png"
"""A 512x640 portrait (``resources/sample-media/avatar.png``)."""
AUDIO_SAMPLE_SECONDS = 5
"""The audio track offered for lip-syncing (the service takes 2 to 300 seconds)."""
VOICE_SAMPLE_SECONDS = 30
"""The sample offered for cloning a voice (the service asks for 20 seconds or more)."""


SAMPLE_WORDS = {
    "zh": "你好！这是沙盒做的一段示例视频，不花一分钱。",
    "en": "Hello! This is a sample video made by the sandbox, free of charge.",
}
"""Words for the avatar to speak, by language (``zh``, ``en``), when the form has none."""


def voice_sample_name(seconds: int) -> str:
    """The file name of the sandbox's ``seconds``-long voice sample (a tone it makes on the fly,
    1 to 600 seconds)."""
    return f"voice-{seconds}s.wav"


@dataclass(frozen=True)
class SandboxSamples:
    """The sample media of the sandbox at one address, one per field of the form."""

    avatar_url: str
    audio_url: str
    voice_sample_url: str

    @classmethod
    def at(cls, base_url: str) -> SandboxSamples:
        """The samples of the sandbox whose base URL is ``base_url``."""
        root = base_url.rstrip("/") + SAMPLES_PATH
        return cls(
            avatar_url=f"{root}/{AVATAR_SAMPLE}",
            audio_url=f"{root}/{voice_sample_name(AUDIO_SAMPLE_SECONDS)}",
            voice_sample_url=f"{root}/{voice_sample_name(VOICE_SAMPLE_SECONDS)}",
        )


__all__ = [
    "AUDIO_SAMPLE_SECONDS",
    "AVATAR_SAMPLE",
    "SAMPLES_PATH",
    "SAMPLE_WORDS",
    "VOICE_SAMPLE_SECONDS",
    "SandboxSamples",
    "voice_sample_name",
]
