"""Core problems, errors and findings come out in words, with their numbers filled in."""

from __future__ import annotations

import pytest

from avatar_desktop.core.media import Finding, FindingKind
from avatar_desktop.core.request import Problem, ProblemKind
from avatar_desktop.core.service import QuotaExhausted
from avatar_desktop.core.store.database import StoreError
from avatar_desktop.ui.i18n import error_text, finding_text, problem_text


def test_findings_show_their_numbers(qapp):
    cases = {
        FindingKind.TOO_LARGE: ({"megabytes": 12.5, "maximum": 10}, ["12.5", "10"]),
        FindingKind.IMAGE_TOO_SMALL: ({"width": 200, "height": 250, "minimum": 300},
                                      ["200", "250", "300"]),
        FindingKind.SAMPLE_TOO_SHORT: ({"seconds": 12.0, "minimum": 20}, ["12.0", "20"]),
        FindingKind.AUDIO_TOO_SHORT: ({"seconds": 1.0, "minimum": 2}, ["1.0", "2"]),
        FindingKind.AUDIO_TOO_LONG: ({"seconds": 301.0, "maximum": 300}, ["301.0", "300"]),
        FindingKind.HTTP_ERROR: ({"status": 404}, ["404"]),
    }  # fmt: skip
    for kind, (values, numbers) in cases.items():
        text = finding_text(Finding(kind, "english", kind is FindingKind.SAMPLE_TOO_SHORT, values))
        assert "?" not in text, (kind, text)
        for number in numbers:
            assert number in text, (kind, text)


def test_errors_keep_the_server_words(qapp):
    text = error_text(QuotaExhausted(server_message="用户额度不足", status=403))
    assert "balance" in text and "用户额度不足" in text and "403" in text
    assert "task list" in error_text(StoreError("disk full"))


def test_every_problem_kind_has_its_own_words(qapp):
    # The UI shows problems by kind; a kind without words would fall back to the core's English.
    for kind in ProblemKind:
        text = problem_text(Problem("field", kind, "CORE MESSAGE", limit=10))
        assert text and text != "CORE MESSAGE", kind
    assert "broken character" in problem_text(
        Problem("create_voice.text", ProblemKind.LONE_SURROGATE, "x")
    )


@pytest.mark.parametrize(
    ("ui_languages", "language"),
    [
        (["zh-Hans-CN", "en-US"], "zh_CN"),
        (["zh-CN"], "zh_CN"),
        (["zh-SG", "en"], "zh_CN"),
        (["zh_CN"], "zh_CN"),
        (["en-GB", "zh-CN"], "en"),
        # Traditional Chinese is not Simplified: the next language decides, else English.
        (["zh-Hant-TW", "zh-Hans-CN"], "zh_CN"),
        (["zh-TW", "en-US"], "en"),
        (["zh-HK"], "en"),
        (["zh-Hant"], "en"),
        # A language the app does not speak: the next one it does.
        (["fr-FR", "zh-CN"], "zh_CN"),
        (["de-DE"], "en"),
        ([], "en"),
    ],
)
def test_the_system_language_follows_the_display_languages_in_order(ui_languages, language):
    """Issue 17 item 6: the interface followed the regional format (QLocale.system().name(): a
    user with an English display and a Chinese date format got Chinese), and took Traditional
    Chinese for Simplified."""
    from avatar_desktop.ui.i18n import language_for

    assert language_for(ui_languages) == language
