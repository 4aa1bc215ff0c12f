"""The task details pane and the cover loader, with real widgets against the sandbox."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QTranslator, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import QLabel
from test_downloads import FullBacklog
from test_media import make_png, web  # noqa: F401 - the fixture is used by name

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.config import SANDBOX_TOKEN, LinkNetwork
from avatar_desktop.core.paths import resource_path
from avatar_desktop.core.request import AudioTrack, ClonedVoice, GenerationRequest, Language
from avatar_desktop.core.service import TaskStatus
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.qt.covers import CoverLoader, cache_file_name
from avatar_desktop.sandbox import SandboxServer
from avatar_desktop.ui.tasks.task_details import (
    TaskDetailsPane,
    explain_failure,
    format_duration,
    format_time,
)
from avatar_desktop.ui.tasks.task_model import status_words

COVER = QImage.fromData(resource_path("sample-media", "cover.webp").read_bytes())
HOSTILE = "<b>x</b> & <img src=x>"
TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


# -- set-up ------------------------------------------------------------------------------------


@pytest.fixture
def slow_sandbox():
    """A sandbox whose tasks take a few steps, so that their times differ."""
    with SandboxServer(step_seconds=0.3) as server:
        yield server


@pytest.fixture
def store(tmp_path):
    with TaskStore(tmp_path / "tasks.sqlite3") as store:
        yield store


@pytest.fixture
def covers(tmp_path):
    loader = CoverLoader(tmp_path / "covers")
    yield loader
    assert loader.shutdown()


@pytest.fixture
def pane(qtbot, covers):
    pane = TaskDetailsPane(covers)
    qtbot.addWidget(pane)
    pane.resize(420, 680)
    pane.show()
    return pane


def run_task(qtbot, server, store, request: GenerationRequest) -> TaskRecord:
    """Submit ``request`` to ``server``, store the task and follow it until it is final."""
    client = AvatarClient(server.base_url, SANDBOX_TOKEN)
    task_id = client.submit(request)
    store.add_task(task_id, server.base_url, request.to_payload())

    def final() -> bool:
        info = client.get_task(task_id)
        store.update_from_info(task_id, info)
        return info.is_final

    qtbot.waitUntil(final, timeout=10000)
    client.close()
    record = store.find(task_id)
    assert record is not None
    return record


def succeeded(qtbot, server, store) -> TaskRecord:
    request = GenerationRequest(
        f"{server.base_url}/media/samples/avatar.png",
        AudioTrack("https://example.com/voice.mp3"),
        no_watermark=True,
    )
    record = run_task(qtbot, server, store, request)
    assert record.status is TaskStatus.SUCCESS
    return record


def cover_requests(server, url: str) -> int:
    path = QUrl(url).path()
    return sum(1 for r in server.requests if r.path == path)


class UrlCatcher(QObject):
    """Catches what QDesktopServices would open (nothing is launched)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


# -- what is shown -----------------------------------------------------------------------------


def test_no_task_shows_the_empty_state(pane):
    assert pane.pages.currentWidget() is pane.empty_label
    assert pane.empty_label.text() == "Select a task to see its details"
    assert pane.record() is None


def test_a_finished_task_shows_its_times_links_request_and_cover(qtbot, slow_sandbox, store, pane):
    record = succeeded(qtbot, slow_sandbox, store)
    assert record.finished_at > record.submitted_at  # the sandbox took a few steps
    pane.show_record(record)

    assert pane.pages.currentWidget() is pane.scroll_area
    assert pane.status_label.text() == "Done"
    assert pane.progress_bar.isVisible() and pane.progress_bar.value() == 100
    assert pane.task_id_text.text() == record.task_id
    for name in ("created_at", "submitted_at", "started_at", "finished_at", "checked_at"):
        shown = pane.time_labels[name].text()
        assert TIME.fullmatch(shown), (name, shown)
        local = getattr(record, name).astimezone().replace(tzinfo=None)
        assert shown == local.strftime("%Y-%m-%d %H:%M:%S"), name
    total = (record.finished_at - record.submitted_at).total_seconds()
    assert pane.duration_label.text().startswith(format_duration(total))
    assert not pane.failure_box.isVisible() and not pane.error_box.isVisible()

    links = record.video_links()
    assert set(links) == {"default", "no_watermark", "watermarked"}
    for variant, url in links.items():
        assert pane.link_rows[variant].text.text() == url
        assert pane.link_rows[variant].text.isVisible()
    assert pane.link_rows["cover"].text.text() == record.cover_url

    shown = pane.request_text.toPlainText()
    assert json.loads(shown) == record.payload
    assert shown == json.dumps(record.payload, indent=2, ensure_ascii=False, sort_keys=True)

    assert pane.cover_status.text() == "Loading cover…"
    qtbot.waitUntil(lambda: not pane.cover_pixmap().isNull(), timeout=10000)
    cover = pane.cover_pixmap().toImage()
    assert cover.size() == COVER.size()
    assert cover.convertToFormat(QImage.Format.Format_RGB32) == COVER.convertToFormat(
        QImage.Format.Format_RGB32
    )
    assert not pane.cover_status.isVisible()
    qtbot.waitUntil(lambda: pane.cover_view.height() > 0)  # laid out at the next event loop
    # A public CDN link: fetched without the API token (or any other credentials).
    fetched = [r for r in slow_sandbox.requests if r.path == QUrl(record.cover_url).path()]
    assert fetched and all(r.header("Authorization") is None for r in fetched)


def test_a_failed_task_shows_its_reason_verbatim_and_an_explanation(qtbot, sandbox, store, pane):
    base = sandbox.base_url
    request = GenerationRequest(
        f"{base}/media/samples/avatar.png",
        ClonedVoice(f"{base}/media/samples/voice-5s.wav", Language("en"), "Hello there."),
    )
    record = run_task(qtbot, sandbox, store, request)
    assert record.status is TaskStatus.FAILURE and record.fail_reason
    pane.show_record(record)

    assert pane.status_label.text() == "Failed"
    assert not pane.progress_bar.isVisible()  # a failed task shows no "100%"
    assert pane.failure_box.isVisible()
    assert pane.fail_reason_text.text() == record.fail_reason
    explanation = pane.failure_explanation.text()
    assert explanation.startswith("The service could not make this video.")
    assert "at least 20 seconds" in explanation
    assert not pane.links_box.isVisible() and not pane.cover_box.isVisible()
    assert TIME.fullmatch(pane.time_labels["finished_at"].text())


def test_text_from_the_service_is_never_rich_text(qtbot, sandbox, store, pane):
    record = succeeded(qtbot, sandbox, store)
    hostile = dataclasses.replace(
        record,
        status=TaskStatus.FAILURE,
        fail_reason=HOSTILE,
        error=HOSTILE,
        saved_path=f"/tmp/{HOSTILE}.mp4",
        payload={**record.payload, "text": HOSTILE},
    )
    pane.show_record(hostile)

    for widget in (pane.fail_reason_text, pane.error_text):
        assert widget.toPlainText() == HOSTILE
        html = widget.document().toHtml()
        assert "<img" not in html and "<b>" not in html and "&lt;b&gt;" in html
    assert pane.saved_text.text() == f"/tmp/{HOSTILE}.mp4"
    assert json.loads(pane.request_text.toPlainText())["text"] == HOSTILE
    for label in pane.findChildren(QLabel):
        assert label.textFormat().name == "PlainText", label.text()


def test_status_words(qtbot, sandbox, store):
    record = succeeded(qtbot, sandbox, store)
    now = time.time()
    words = {
        TaskStatus.NOT_START: "Waiting",
        TaskStatus.SUBMITTED: "Waiting",
        TaskStatus.QUEUED: "Queued",
        TaskStatus.SUCCESS: "Done",
        TaskStatus.FAILURE: "Failed",
        TaskStatus.UNKNOWN: "Unknown",
        LocalStatus.NOT_FOUND: "Not found",
        LocalStatus.OUTCOME_UNKNOWN: "Outcome unknown",
    }
    for status, word in words.items():
        assert status_words(dataclasses.replace(record, status=status), now) == word
    rendering = dataclasses.replace(record, status=TaskStatus.IN_PROGRESS, progress=35)
    assert status_words(rendering, now) == "Rendering 35%"
    old = dataclasses.replace(
        record, status=TaskStatus.UNKNOWN, created_at=datetime.now(UTC) - timedelta(hours=7)
    )
    assert status_words(old, now) == "Stalled"
    # A finished task is never stalled, however old.
    assert status_words(dataclasses.replace(old, status=TaskStatus.SUCCESS), now) == "Done"


def test_progress_follows_the_status(qtbot, sandbox, store, pane):
    record = succeeded(qtbot, sandbox, store)
    pane.show_record(dataclasses.replace(record, status=TaskStatus.IN_PROGRESS, progress=35))
    assert pane.status_label.text() == "Rendering 35%" and pane.progress_bar.value() == 35
    assert pane.duration_label.text() == "—"  # not finished yet
    pane.show_record(dataclasses.replace(record, status=TaskStatus.FAILURE, progress=100))
    assert not pane.progress_bar.isVisible()
    pane.show_record(dataclasses.replace(record, status=LocalStatus.OUTCOME_UNKNOWN))
    assert "may exist" in pane.status_hint.text()


def test_durations_and_times_read_plainly(qapp):
    assert format_duration(45) == "45 s"
    assert format_duration(245) == "4 min 5 s"
    assert format_duration(3720) == "1 h 2 min"
    assert format_duration(2 * 86400 + 3 * 3600) == "2 d 3 h"
    assert format_duration(-1) == "—"
    assert format_time(None) == "—"
    moment = datetime(2025, 1, 14, 15, 32, 21, tzinfo=UTC)
    expected = moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert format_time(moment) == expected


def test_failure_explanations_stay_modest(qapp):
    general = "The service could not make this video."
    assert explain_failure("something odd happened") == general
    assert explain_failure(None) == f"{general} It gave no reason."
    assert "refused the content" in explain_failure("content violates the policy")
    assert "refused the content" in explain_failure("内容包含敏感信息")
    assert "picture" in explain_failure("image could not be decoded")
    assert "20 seconds" in explain_failure("音频时长太短")
    assert "sandbox" in explain_failure("sandbox: failure requested by the request (sandbox-fail)")


# -- the cover ---------------------------------------------------------------------------------


def test_a_cover_shown_again_comes_from_the_cache(qtbot, sandbox, store, covers, pane, tmp_path):
    record = succeeded(qtbot, sandbox, store)
    pane.show_record(record)
    pane.show_record(record)  # asked again while it loads: still one request
    qtbot.waitUntil(lambda: not pane.cover_pixmap().isNull(), timeout=10000)
    assert cover_requests(sandbox, record.cover_url) == 1
    with qtbot.waitSignal(covers.loaded) as blocker:  # answered from memory, later
        covers.request(record.cover_url)
    assert blocker.args[0] == record.cover_url

    pane.show_record(None)
    assert pane.pages.currentWidget() is pane.empty_label
    pane.show_record(record)  # from memory: shown at once
    assert not pane.cover_pixmap().isNull()
    pane.show_record(dataclasses.replace(record, checks=record.checks + 1))  # a newer answer
    assert not pane.cover_pixmap().isNull()
    assert cover_requests(sandbox, record.cover_url) == 1

    # A new loader on the same folder (the next start of the app) reads it from disk.
    assert (tmp_path / "covers" / cache_file_name(record.cover_url)).is_file()
    again = CoverLoader(tmp_path / "covers")
    try:
        with qtbot.waitSignal(again.loaded, timeout=10000) as blocker:
            again.request(record.cover_url)
        assert blocker.args[0] == record.cover_url
        assert blocker.args[1].size() == COVER.size()
        assert cover_requests(sandbox, record.cover_url) == 1
    finally:
        assert again.shutdown()


def test_a_cover_that_is_gone_says_so(qtbot, sandbox, store, pane):
    record = succeeded(qtbot, sandbox, store)
    gone = f"{sandbox.base_url}/media/{'0' * 32}/cover.webp"  # a sandbox does not know it
    pane.show_record(dataclasses.replace(record, cover_url=gone))
    qtbot.waitUntil(lambda: "serves this cover" in pane.cover_status.text(), timeout=10000)
    assert pane.cover_status.text().startswith("The cover cannot be shown:")
    assert "the link has not expired" in pane.cover_status.text()  # a sandbox's: moved
    assert pane.cover_pixmap().isNull()

    pane.show_record(record)  # the good cover still shows after a failed one
    qtbot.waitUntil(lambda: not pane.cover_pixmap().isNull(), timeout=10000)


def test_only_web_links_are_fetched_or_opened(qtbot, sandbox, store, pane):
    record = succeeded(qtbot, sandbox, store)
    sandbox.clear_requests()
    local = dataclasses.replace(record, cover_url="file:///etc/passwd", video_url="file:///x")
    pane.show_record(local)
    qtbot.waitUntil(lambda: "not a web" in pane.cover_status.text(), timeout=5000)
    assert sandbox.requests == []
    assert not pane.link_rows["default"].open.isEnabled()
    assert not pane.link_rows["cover"].open.isEnabled()

    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("http", catcher, "open")
    try:
        pane.show_record(record)
        pane.link_rows["no_watermark"].open.click()
        pane.open_link("file:///etc/passwd")
    finally:
        QDesktopServices.unsetUrlHandler("http")
    assert [u.toString() for u in catcher.opened] == [record.no_watermark_video_url]


def test_a_cover_over_the_size_cap_is_refused(qtbot, sandbox, store, tmp_path):
    record = succeeded(qtbot, sandbox, store)
    small = CoverLoader(None, max_bytes=1000)
    try:
        with qtbot.waitSignal(small.failed, timeout=10000) as blocker:
            small.request(record.cover_url)
        assert "larger than" in blocker.args[1]
        assert small.cached(record.cover_url) is None
    finally:
        assert small.shutdown()


# -- actions -----------------------------------------------------------------------------------


def test_copy_and_download(qtbot, sandbox, store, pane):
    record = succeeded(qtbot, sandbox, store)
    pane.show_record(record)

    with qtbot.waitSignal(pane.message):
        pane.copy_task_id_button.click()
    assert QGuiApplication.clipboard().text() == record.task_id
    pane.link_rows["watermarked"].copy.click()
    assert QGuiApplication.clipboard().text() == record.watermarked_video_url
    pane.copy_request_button.click()
    assert json.loads(QGuiApplication.clipboard().text()) == record.payload

    menu = pane.download_button.menu()
    assert [a.text() for a in menu.actions()] == [
        "Video",
        "Video without watermark",
        "Video with watermark",
    ]
    with qtbot.waitSignal(pane.download_requested) as blocker:
        menu.actions()[1].trigger()
    assert blocker.args == [record, "no_watermark"]

    # One variant: the button downloads it at once.
    single = dataclasses.replace(record, no_watermark_video_url=None, watermarked_video_url=None)
    pane.show_record(single)
    assert pane.download_button.menu() is None
    with qtbot.waitSignal(pane.download_requested) as blocker:
        pane.download_button.click()
    assert blocker.args == [single, "default"]


def test_the_saved_video_opens_and_shows_its_folder(qtbot, sandbox, store, pane, tmp_path):
    record = succeeded(qtbot, sandbox, store)
    video = tmp_path / "avatar.mp4"
    video.write_bytes(b"video")
    saved = dataclasses.replace(record, saved_path=str(video))
    pane.show_record(saved)
    assert pane.saved_box.isVisible() and pane.saved_text.text() == str(video)
    assert "download the video" not in pane.status_hint.text()

    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        pane.open_file_button.click()
        pane.show_folder_button.click()  # nothing connected: the pane opens the folder
        with qtbot.waitSignal(pane.open_folder_requested) as blocker:
            pane.open_folder_requested.connect(lambda _path: None)
            pane.show_folder_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.opened] == [str(video), str(tmp_path)]
    assert blocker.args == [str(video)]

    video.unlink()
    with qtbot.waitSignal(pane.message) as blocker:
        pane.open_file_button.click()
    assert "no longer there" in blocker.args[0]


# -- layout and language -----------------------------------------------------------------------


def test_long_text_never_makes_the_pane_wider(qtbot, sandbox, store, pane):
    record = succeeded(qtbot, sandbox, store)
    long_url = f"{sandbox.base_url}/media/{'x' * 400}.mp4"
    pane.resize(360, 680)
    pane.show_record(
        dataclasses.replace(
            record,
            video_url=long_url,
            fail_reason="y" * 500,
            status=TaskStatus.FAILURE,
            saved_path="/" + "z" * 300,
        )
    )
    qtbot.waitUntil(
        lambda: pane.scroll_area.widget().width() <= pane.scroll_area.viewport().width()
    )
    assert pane.scroll_area.widget().minimumSizeHint().width() <= 360
    row = pane.link_rows["default"].text
    assert row.text() == long_url and row.height() > 3 * row.fontMetrics().height()


class Shouting(QTranslator):
    """A translator that turns every text of the pane (and the status words it shares with the
    task list) into capitals."""

    def translate(self, context, source, disambiguation=None, n=-1):
        return source.upper() if context in ("TaskDetailsPane", "TaskTableModel") else ""

    def isEmpty(self):
        return False  # else installing it sends no LanguageChange


def test_a_language_switch_retranslates_the_pane(qtbot, sandbox, store, pane):
    record = succeeded(qtbot, sandbox, store)
    pane.show_record(record)
    translator = Shouting()
    assert QCoreApplication.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: pane.status_label.text() == "DONE")
        assert pane.open_file_button.text() == "OPEN FILE"
        assert pane.link_rows["default"].name.text() == "VIDEO"
        pane.show_record(None)
        assert pane.empty_label.text() == "SELECT A TASK TO SEE ITS DETAILS"
    finally:
        QCoreApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: pane.empty_label.text() == "Select a task to see its details")


def test_covers_follow_redirects_as_every_link_does_and_never_send_credentials(
    qtbot,
    covers,
    web,  # noqa: F811 - the fixture of test_media
):
    web.add("/cover.png", make_png(64, 48), "image/png")
    web.add("/r2", status=302, location="/cover.png")
    web.add("/r1", status=301, location=f"{web.base_url}/r2")
    with qtbot.waitSignal(covers.loaded, timeout=10000) as loaded:
        covers.request(f"{web.base_url}/r1")
    assert loaded.args[1].width() == 64 and loaded.args[1].height() == 48
    web.add("/loop", status=307, location="/loop")
    with qtbot.waitSignal(covers.failed, timeout=10000) as failed:
        covers.request(f"{web.base_url}/loop")
    assert failed.args[1] == "The cover link redirects too many times."
    assert len([r for r in web.requests if r.path == "/loop"]) == 6  # the first and 5 more
    web.add("/ftp", status=302, location="ftp://example.com/c.png")
    with qtbot.waitSignal(covers.failed, timeout=10000) as failed:
        covers.request(f"{web.base_url}/ftp")
    assert "not a web (http/https) link" in failed.args[1]
    assert not [r for r in web.requests if "Authorization" in r.headers]


def test_covers_use_the_connect_timeout_they_are_given(qtbot, covers):
    covers.set_network(LinkNetwork(connect_seconds=1))  # the settings' (ServiceConfig)
    with FullBacklog() as server, qtbot.waitSignal(covers.failed, timeout=8000) as failed:
        covers.request(server.url.replace("out.mp4", "c.png"))
    assert "ConnectTimeout" in failed.args[1]


def test_a_task_just_accepted_says_when_its_submitted_time_comes(store, pane):
    """Right after Submit the service has not said its time yet: no bare dash."""
    store.add_task("b" * 32, "https://api.example.test", {"avatar_url": "https://x/a.png"})
    pane.show_record(store.find("b" * 32))
    assert pane.time_labels["submitted_at"].text() == (
        "accepted; the service's time comes with the first status check"
    )
