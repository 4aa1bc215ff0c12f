"""Trying the sandbox in one click, and a Help menu worth the name (issue 16, items 26 and 27),
driven like a user would: real windows on the real sandbox server, English and Chinese.

Uses the window harness of test_main_window.py.
"""

from __future__ import annotations

import pytest
import test_main_window as shared
from PySide6.QtWidgets import QMessageBox
from test_defects import switch_service
from test_main_window import LEFT, answer_modal, click_tab, retype, standard, submit_and_wait

from avatar_desktop.core.samples import SandboxSamples
from avatar_desktop.core.settings import ServiceChoice

translators = shared.translators
servers = shared.servers
make_window = shared.make_window
harness = shared.harness

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
)


# -- 26. the sandbox's samples in one click ----------------------------------------------------


def offered(h) -> bool:
    side = h.window.compose_side
    return side.sample_offer.isVisible() and h.window.main_actions.fill_samples.isVisible()


def test_the_sample_offer_shows_on_the_sandbox_and_follows_a_service_switch(
    qtbot, make_window, servers
):
    h = make_window()
    assert offered(h)
    assert "sample media" in h.window.compose_side.sample_offer.label.text()
    other = servers()
    switch_service(qtbot, h, ServiceChoice.CUSTOM, other.base_url)
    qtbot.waitUntil(lambda: not h.window.config.sandbox)
    assert not h.window.compose_side.sample_offer.isVisible()
    assert not h.window.main_actions.fill_samples.isVisible()
    switch_service(qtbot, h, ServiceChoice.SANDBOX)
    qtbot.waitUntil(lambda: offered(h))


def test_a_window_on_a_custom_service_offers_no_samples(qtbot, make_window, servers):
    h = make_window(service=ServiceChoice.CUSTOM, server=servers())
    assert not h.window.compose_side.sample_offer.isVisible()
    assert not h.window.main_actions.fill_samples.isVisible()
    h.window.main_actions.fill_samples.trigger()  # a stray trigger changes nothing
    assert h.compose.avatar.value() == ""


def media_results(qtbot, h) -> str:
    panel = h.window.compose_side.media_panel
    qtbot.mouseClick(panel.check_button, LEFT)
    qtbot.waitUntil(lambda: not h.window.compose_side.checking, timeout=15000)
    return panel.results.text()


def test_filling_with_samples_makes_check_media_and_submit_work(qtbot, harness):
    h = harness
    qtbot.mouseClick(h.window.compose_side.sample_offer.fill_button, LEFT)
    samples = SandboxSamples.at(h.server.base_url)
    assert h.compose.avatar.value() == samples.avatar_url
    assert h.compose.audio.value() == samples.audio_url
    assert h.compose.sample.value() == samples.voice_sample_url
    assert not h.compose.showing_problems()

    results = media_results(qtbot, h)
    assert results.count("Looks fine.") == 2, results  # the avatar and the audio track
    assert "✖" not in results and "⚠" not in results, results
    click_tab(qtbot, h.window, 1)  # clone a voice: the sample is long enough
    results = media_results(qtbot, h)
    assert "Voice sample" in results and results.count("Looks fine.") == 2, results

    click_tab(qtbot, h.window, 0)
    submit_and_wait(qtbot, h)
    sent = h.posts()[-1].json()
    assert sent["avatar_url"] == samples.avatar_url and sent["audio_url"] == samples.audio_url


def test_filling_asks_before_replacing_a_typed_address(qtbot, harness):
    h = harness
    typed = "https://cdn.example.com/people/anna.png"
    retype(qtbot, h.compose.avatar.edit, typed)
    click_tab(qtbot, h.window, 1)
    retype(qtbot, h.compose.clone_text.edit, "Hello")
    samples = SandboxSamples.at(h.server.base_url)

    with answer_modal(qtbot, standard(QMessageBox.StandardButton.No)) as seen:
        h.window.main_actions.fill_samples.trigger()
    assert "sandbox's samples" in seen["text"]
    assert h.compose.avatar.value() == typed and h.compose.sample.value() == ""

    with answer_modal(qtbot, standard(QMessageBox.StandardButton.Yes)):
        h.window.main_actions.fill_samples.trigger()
    assert h.compose.avatar.value() == samples.avatar_url
    assert h.compose.sample.value() == samples.voice_sample_url
    assert h.compose.clone_text.value() == "Hello"  # the words and the tab stay
    assert h.compose.tabs.currentIndex() == 1

    # Filled already: nothing typed is replaced, so nothing is asked.
    no = standard(QMessageBox.StandardButton.No)
    with answer_modal(qtbot, no, timeout=1.0, required=False) as seen:
        h.window.main_actions.fill_samples.trigger()
    assert "dialog" not in seen
