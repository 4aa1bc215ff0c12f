"""Tests of avatar_desktop.core.media: checking inputs over real HTTP (sandbox, local server)."""

from __future__ import annotations

import http.server
import io
import socket
import struct
import threading
import time
import wave
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from avatar_desktop.core.config import LinkNetwork
from avatar_desktop.core.media import (
    CheckCancelled,
    FindingKind,
    MediaReport,
    MediaRole,
    audio_duration,
    check_media,
    image_size,
    is_local_address,
    sniff,
)
from avatar_desktop.sandbox import Fault

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_MP4 = REPO_ROOT / "resources" / "sample-media" / "result.mp4"

# --- building media by hand ---


def make_png(width: int, height: int) -> bytes:
    """A valid grey-scale PNG."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_jpeg_header(width: int, height: int, *, exif_bytes: int = 0, sof: int = 0xC0) -> bytes:
    """SOI, an APP0 (JFIF), optional APP1 padding, DQT, then a frame header SOFn."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    app1 = (
        b"\xff\xe1" + struct.pack(">H", exif_bytes + 2) + b"\0" * exif_bytes if exif_bytes else b""
    )
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\0" + bytes(64)
    frame = bytes([0xFF, sof]) + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + app1 + b"\xff\xff" + dqt + frame + b"\xff\xda\x00\x08"


def make_gif_header(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b";"


def _riff_webp(chunk: bytes, payload: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def make_webp_vp8(width: int, height: int) -> bytes:
    frame_tag = b"\x9d\x01\x00"  # key frame
    payload = frame_tag + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(10)
    return _riff_webp(b"VP8 ", payload)


def make_webp_vp8l(width: int, height: int) -> bytes:
    bits = (width - 1) | (height - 1) << 14
    return _riff_webp(b"VP8L", b"\x2f" + struct.pack("<I", bits) + bytes(8))


def make_webp_vp8x(width: int, height: int) -> bytes:
    payload = b"\x10\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return _riff_webp(b"VP8X", payload)


def make_wav(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\0\0" * round(rate * seconds))
    return buffer.getvalue()


def make_mp3(seconds: float) -> bytes:
    """CBR MPEG-1 Layer III, 128 kbit/s, 44.1 kHz mono: 417-byte frames of 1152 samples."""
    header = bytes([0xFF, 0xFB, 0x90, 0xC4])
    frames = round(seconds * 44100 / 1152)
    return (header + bytes(417 - 4)) * frames


# --- a tiny local web server ---


@dataclass
class Route:
    body: bytes = b""
    content_type: str | None = "application/octet-stream"
    status: int = 200
    head_status: int | None = None  # answer HEAD with this status (and no body) instead
    location: str | None = None
    hang: bool = False  # never answer (until the server stops)
    missing: int = 0  # promise this many more bytes than are sent, then hang up


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class WebServer:
    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def add(self, path: str, body: bytes = b"", content_type: str | None = None, **kw) -> str:
        self.routes[path] = Route(body, content_type, **kw)
        return self.base_url + path


def _handler(web: WebServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            path = self.path.split("?", 1)[0]
            web.requests.append(Seen(self.command, self.path, dict(self.headers.items())))
            route = web.routes.get(path, Route(b"not found\n", "text/plain", status=404))
            if route.hang:
                web.stop.wait(10)
                self.close_connection = True
                return
            status = route.status
            if head and route.head_status is not None:
                status = route.head_status
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            if route.location:
                self.send_header("Location", route.location)
            self.send_header("Content-Length", str(len(route.body) + route.missing))
            self.end_headers()
            if not head:
                try:
                    self.wfile.write(route.body)
                except OSError:
                    self.close_connection = True
            if route.missing:
                self.close_connection = True

    return Handler


@pytest.fixture
def web() -> Iterator[WebServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    server.daemon_threads = True
    server.block_on_close = False
    site = WebServer(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(site)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def kinds(report: MediaReport) -> set[FindingKind]:
    return {f.kind for f in report.findings}


def only_local(report: MediaReport) -> bool:
    return kinds(report) == {FindingKind.LOCAL_ONLY} and not report.blocking


def finding(report: MediaReport, kind: FindingKind):
    matches = [f for f in report.findings if f.kind is kind]
    assert matches, f"no {kind} in {report.findings}"
    return matches[0]


# --- against the sandbox ---


def test_sandbox_avatar_png(sandbox):
    url = f"{sandbox.base_url}/media/samples/avatar.png"
    report = check_media(url, MediaRole.AVATAR)
    assert report.reachable and report.status == 200
    assert (report.kind, report.format, report.width, report.height) == ("image", "png", 512, 640)
    assert report.content_type == "image/png"
    assert report.preview is not None and report.preview.startswith(b"\x89PNG")
    assert report.size == len(report.preview)
    assert only_local(report)
    assert report.warnings == report.findings
    local = finding(report, FindingKind.LOCAL_ONLY)
    assert "cannot reach" in local.message and local.values == {"host": "127.0.0.1"}
    assert [r.method for r in sandbox.requests] == ["HEAD", "GET"]


def test_sandbox_voice_sample_of_25_s_is_fine(sandbox):
    url = f"{sandbox.base_url}/media/samples/voice-25s.wav"
    report = check_media(url, MediaRole.VOICE_SAMPLE)
    assert (report.kind, report.format) == ("audio", "wav")
    assert report.duration == pytest.approx(25, abs=0.05)
    assert not report.blocking and only_local(report)
    assert report.preview is None


def test_sandbox_voice_sample_of_12_s_is_blocking(sandbox):
    url = f"{sandbox.base_url}/media/samples/voice-12s.wav"
    report = check_media(url, MediaRole.VOICE_SAMPLE)
    assert report.blocking
    short = finding(report, FindingKind.SAMPLE_TOO_SHORT)
    assert short.blocking
    assert short.values["seconds"] == pytest.approx(12, abs=0.1)
    assert short.values["minimum"] == 20
    assert short.message == "The voice sample is 12.0 s long; the service needs at least 20 s."
    assert [f for f in report.findings if f.blocking] == [short]


def test_sandbox_one_second_audio_track_is_too_short_warning(sandbox):
    url = f"{sandbox.base_url}/media/samples/voice-1s.wav"
    report = check_media(url, MediaRole.AUDIO)
    short = finding(report, FindingKind.AUDIO_TOO_SHORT)
    assert not short.blocking and not report.blocking
    assert short.values == {"seconds": 1.0, "minimum": 2}


def test_audio_too_large_and_too_long(sandbox):
    url = f"{sandbox.base_url}/media/samples/voice-301s.wav"  # 9.6 MB
    report = check_media(url, MediaRole.AUDIO)
    assert report.duration == pytest.approx(301)
    assert kinds(report) == {
        FindingKind.LOCAL_ONLY,
        FindingKind.TOO_LARGE,
        FindingKind.AUDIO_TOO_LONG,
    }
    assert finding(report, FindingKind.TOO_LARGE).values["maximum"] == 5
    assert not report.blocking


def test_capped_download_still_measures_wav_from_its_header(sandbox):
    url = f"{sandbox.base_url}/media/samples/voice-60s.wav"  # 1.9 MB
    report = check_media(url, MediaRole.VOICE_SAMPLE, max_download=256 * 1024)
    assert report.duration == pytest.approx(60)
    assert report.size == 60 * 32000 + 44


def test_wrong_kind_both_ways(sandbox):
    image = check_media(f"{sandbox.base_url}/media/samples/avatar.png", MediaRole.VOICE_SAMPLE)
    assert FindingKind.WRONG_KIND in kinds(image) and not image.blocking
    assert finding(image, FindingKind.WRONG_KIND).values == {"found": "image"}
    assert image.preview is None and image.width == 512
    audio = check_media(f"{sandbox.base_url}/media/samples/voice-3s.wav", MediaRole.AVATAR)
    assert FindingKind.WRONG_KIND in kinds(audio) and not audio.blocking


def test_sandbox_404_and_html_error_page(sandbox):
    missing = check_media(f"{sandbox.base_url}/media/samples/nothing.png", MediaRole.AVATAR)
    assert missing.reachable and missing.status == 404
    assert finding(missing, FindingKind.HTTP_ERROR).values == {"status": 404}
    sandbox.inject("media", Fault.html_page(502))
    proxy = check_media(f"{sandbox.base_url}/media/samples/avatar.png", MediaRole.AVATAR)
    assert proxy.status == 502
    assert kinds(proxy) == {FindingKind.LOCAL_ONLY, FindingKind.HTTP_ERROR}
    assert "502" in finding(proxy, FindingKind.HTTP_ERROR).message


def test_server_that_never_answers_is_unreachable(sandbox):
    sandbox.inject("media", Fault.slow(5))
    started = time.monotonic()
    report = check_media(
        f"{sandbox.base_url}/media/samples/avatar.png",
        MediaRole.AVATAR,
        network=LinkNetwork(connect_seconds=1, read_seconds=0.3),
    )
    assert time.monotonic() - started < 2
    assert not report.reachable
    unreachable = finding(report, FindingKind.UNREACHABLE)
    assert "0.3 s" in unreachable.message
    assert FindingKind.LOCAL_ONLY in kinds(report)


def test_dropped_connection_is_unreachable(sandbox):
    sandbox.inject("media", Fault.dropped())
    report = check_media(f"{sandbox.base_url}/media/samples/avatar.png", MediaRole.AVATAR)
    assert not report.reachable and FindingKind.UNREACHABLE in kinds(report)


def test_refused_connection_is_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = check_media(f"http://127.0.0.1:{port}/a.png", MediaRole.AVATAR)
    assert not report.reachable and report.status is None
    assert "Could not connect" in finding(report, FindingKind.UNREACHABLE).message


def test_cancel_mid_download(sandbox):
    calls_after_get = []

    def cancelled() -> bool:
        if any(r.method == "GET" for r in sandbox.requests):
            calls_after_get.append(1)
        return len(calls_after_get) >= 2  # after the first chunk has arrived

    url = f"{sandbox.base_url}/media/samples/voice-600s.wav"  # 19 MB
    started = time.monotonic()
    with pytest.raises(CheckCancelled):
        check_media(url, MediaRole.VOICE_SAMPLE, cancelled=cancelled)
    assert time.monotonic() - started < 3
    assert len(calls_after_get) == 2


def test_cancel_before_anything_is_sent(sandbox):
    with pytest.raises(CheckCancelled):
        check_media(
            f"{sandbox.base_url}/media/samples/avatar.png", MediaRole.AVATAR, cancelled=lambda: True
        )
    assert sandbox.requests == []


def test_no_authorization_header_ever(sandbox, web, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password secret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    target = f"{sandbox.base_url}/media/samples/voice-25s.wav"
    url = web.add("/go", status=302, location=target)
    with requests.Session() as session:
        session.headers["Authorization"] = "Bearer the-paid-token"
        session.auth = ("user", "password")
        report = check_media(url, MediaRole.VOICE_SAMPLE, session=session)
        again = check_media(f"{sandbox.base_url}/media/samples/avatar.png", MediaRole.AVATAR)
    assert report.duration == pytest.approx(25) and again.width == 512
    seen = [r.headers for r in sandbox.requests] + [r.headers for r in web.requests]
    assert len(seen) == 6
    for headers in seen:
        assert "authorization" not in {name.lower() for name in headers}
    assert session.headers["Authorization"] == "Bearer the-paid-token"  # caller's left alone


# --- against the local web server ---


def test_small_image(web):
    report = check_media(web.add("/small.png", make_png(200, 200), "image/png"), MediaRole.AVATAR)
    assert (report.width, report.height) == (200, 200)
    small = finding(report, FindingKind.IMAGE_TOO_SMALL)
    assert small.values == {"width": 200, "height": 200, "minimum": 300}
    assert kinds(report) == {FindingKind.LOCAL_ONLY, FindingKind.IMAGE_TOO_SMALL}
    assert report.preview is not None


def test_aspect_ratio(web):
    wide = check_media(web.add("/wide.png", make_png(1000, 100), "image/png"), MediaRole.AVATAR)
    assert finding(wide, FindingKind.ASPECT_RATIO).values["ratio"] == 10
    assert FindingKind.IMAGE_TOO_SMALL in kinds(wide)
    tall = check_media(web.add("/tall.png", make_png(350, 1000), "image/png"), MediaRole.AVATAR)
    assert kinds(tall) == {FindingKind.LOCAL_ONLY, FindingKind.ASPECT_RATIO}
    fine = check_media(web.add("/ok.png", make_png(400, 1000), "image/png"), MediaRole.AVATAR)
    assert only_local(fine)


def test_html_page_is_not_media(web):
    page = b"<!DOCTYPE html>\n<html><body>Share this file!</body></html>"
    html = check_media(web.add("/page", page, "text/html; charset=utf-8"), MediaRole.AVATAR)
    assert html.reachable and html.content_type == "text/html"
    assert kinds(html) == {FindingKind.LOCAL_ONLY, FindingKind.NOT_MEDIA}
    lying = check_media(web.add("/lie.mp3", page, "audio/mpeg"), MediaRole.VOICE_SAMPLE)
    assert kinds(lying) == {FindingKind.LOCAL_ONLY, FindingKind.NOT_MEDIA}
    assert not lying.blocking


def test_empty_file_is_not_media(web):
    report = check_media(web.add("/empty.png", b"", "image/png"), MediaRole.AVATAR)
    assert report.size == 0 and FindingKind.NOT_MEDIA in kinds(report)


def test_not_found(web):
    report = check_media(f"{web.base_url}/missing.wav", MediaRole.AUDIO)
    assert report.status == 404 and FindingKind.HTTP_ERROR in kinds(report)


def test_head_refused_falls_back_to_get(web):
    url = web.add("/nohead.png", make_png(512, 512), "image/png", head_status=405)
    report = check_media(url, MediaRole.AVATAR)
    assert [r.method for r in web.requests] == ["HEAD", "GET"]
    assert report.status == 200 and report.content_type == "image/png"
    assert (report.width, report.height) == (512, 512) and report.preview is not None
    assert only_local(report)


@pytest.mark.parametrize("status", [403, 501])
def test_other_head_refusals_fall_back(web, status):
    url = web.add("/v.wav", make_wav(21), "audio/wav", head_status=status)
    report = check_media(url, MediaRole.VOICE_SAMPLE)
    assert report.duration == pytest.approx(21) and only_local(report)


def test_mp3(web):
    url = web.add("/speech.mp3", make_mp3(3), "audio/mpeg")
    report = check_media(url, MediaRole.AUDIO)
    assert (report.kind, report.format) == ("audio", "mp3")
    assert report.duration == pytest.approx(3, abs=0.05)
    assert only_local(report)
    sample = check_media(web.add("/short.mp3", make_mp3(8), "audio/mpeg"), MediaRole.VOICE_SAMPLE)
    assert sample.blocking and FindingKind.SAMPLE_TOO_SHORT in kinds(sample)


def test_capped_mp3_duration_is_unknown_not_guessed(web):
    url = web.add("/long.mp3", make_mp3(30), "audio/mpeg")  # 480 KB
    report = check_media(url, MediaRole.VOICE_SAMPLE, max_download=64 * 1024)
    assert report.duration is None and not report.blocking
    unknown = finding(report, FindingKind.DURATION_UNKNOWN)
    assert "at least 20 s" in unknown.message and unknown.values == {"minimum": 20}


def test_sniffing_beats_a_generic_content_type(web):
    report = check_media(web.add("/blob", make_wav(4), "application/octet-stream"), MediaRole.AUDIO)
    assert (report.kind, report.format, report.duration) == ("audio", "wav", 4.0)
    assert only_local(report)


def test_unknown_bytes_as_voice_sample_warn_but_do_not_block(web):
    url = web.add("/blob.bin", bytes(range(256)) * 40, None)
    report = check_media(url, MediaRole.VOICE_SAMPLE)
    assert report.kind == "other"
    assert {FindingKind.UNSUPPORTED_FORMAT, FindingKind.DURATION_UNKNOWN} <= kinds(report)
    assert not report.blocking


def test_webp_and_gif_avatars_are_unsupported_format_warnings(web):
    webp = check_media(web.add("/a.webp", make_webp_vp8x(600, 800), "image/webp"), MediaRole.AVATAR)
    assert (webp.width, webp.height) == (600, 800)
    assert finding(webp, FindingKind.UNSUPPORTED_FORMAT).values == {"format": "webp"}
    gif = check_media(web.add("/a.gif", make_gif_header(640, 480), "image/gif"), MediaRole.AVATAR)
    assert kinds(gif) == {FindingKind.LOCAL_ONLY, FindingKind.UNSUPPORTED_FORMAT}


def test_jpeg_with_big_exif_is_measured(web):
    body = make_jpeg_header(1080, 1920, exif_bytes=60000) + bytes(200_000)
    report = check_media(web.add("/photo.jpg", body, "image/jpeg"), MediaRole.AVATAR)
    assert (report.format, report.width, report.height) == ("jpeg", 1080, 1920)
    assert only_local(report)


def test_image_too_large_gives_no_preview(web):
    body = make_png(400, 400) + bytes(13 * 1024 * 1024)  # trailing junk after IEND
    report = check_media(web.add("/huge.png", body, "image/png"), MediaRole.AVATAR)
    assert report.preview is None and report.width == 400
    assert finding(report, FindingKind.TOO_LARGE).values["maximum"] == 10


@pytest.mark.skipif(not SAMPLE_MP4.exists(), reason="sample video not in resources")
def test_video_avatar(web):
    url = web.add("/clip.mp4", SAMPLE_MP4.read_bytes(), "video/mp4")
    report = check_media(url, MediaRole.AVATAR)
    assert (report.kind, report.format) == ("video", "mp4")
    assert report.duration is not None and report.duration > 0
    assert report.preview is None and only_local(report)
    as_audio = check_media(url, MediaRole.AUDIO)
    assert FindingKind.WRONG_KIND in kinds(as_audio)


def test_redirects_are_followed_up_to_five(web):
    body = make_png(512, 512)
    web.add("/final.png", body, "image/png")
    web.add("/r5", status=302, location="/final.png")
    for n in range(4, 0, -1):
        web.add(f"/r{n}", status=301, location=f"{web.base_url}/r{n + 1}")
    report = check_media(f"{web.base_url}/r1", MediaRole.AVATAR)
    assert report.width == 512 and only_local(report)
    web.add("/loop", status=307, location="/loop")
    looping = check_media(f"{web.base_url}/loop", MediaRole.AVATAR)
    assert not looping.reachable
    assert "more than 5" in finding(looping, FindingKind.UNREACHABLE).message
    web.add("/ftp", status=302, location="ftp://example.com/a.png")
    ftp = check_media(f"{web.base_url}/ftp", MediaRole.AVATAR)
    assert FindingKind.UNREACHABLE in kinds(ftp)


def test_download_that_breaks_off_is_unreachable(web):
    url = web.add("/cut.wav", make_wav(30)[:100_000], "audio/wav", missing=200_000)
    report = check_media(url, MediaRole.VOICE_SAMPLE)
    assert not report.reachable and report.status == 200 and not report.blocking
    assert "broke off" in finding(report, FindingKind.UNREACHABLE).message


def test_hanging_server_times_out(web):
    url = web.add("/slow.png", hang=True)
    started = time.monotonic()
    report = check_media(
        url, MediaRole.AVATAR, network=LinkNetwork(connect_seconds=1, read_seconds=0.3)
    )
    assert time.monotonic() - started < 2
    assert not report.reachable and FindingKind.UNREACHABLE in kinds(report)


def test_a_server_that_never_takes_the_connection_times_out_as_configured():
    from test_downloads import FullBacklog

    with FullBacklog() as server:
        report = check_media(server.url, MediaRole.AVATAR, network=LinkNetwork(connect_seconds=1))
    assert "did not answer within 1 s" in finding(report, FindingKind.UNREACHABLE).message


def test_log_lines_leave_out_signed_query_strings(web, caplog):
    url = web.add("/a.png", make_png(300, 300), "image/png") + "?signature=TOPSECRET"
    with caplog.at_level("DEBUG", logger="avatar_desktop.network"):
        check_media(url, MediaRole.AVATAR)
    assert "/a.png" in caplog.text and "TOPSECRET" not in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "file:///home/me/avatar.png",
        "C:\\Users\\me\\avatar.png",
        "http://",
        "http://[::1",
        "https://exa mple.com/a.png",
        "http://127.0.0.1:99999/a.png",
        "ftp://example.com/a.png",
    ],
)
def test_bad_addresses_never_raise(url):
    report = check_media(
        url, MediaRole.VOICE_SAMPLE, network=LinkNetwork(connect_seconds=1, read_seconds=1)
    )
    assert not report.reachable
    # A path is a file on this computer (checked there): this one is not.
    local = url.startswith(("file:", "C:"))
    assert (FindingKind.NO_FILE if local else FindingKind.UNREACHABLE) in kinds(report)
    assert not report.blocking


# --- pure functions ---


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (make_png(1, 1), (1, 1)),
        (make_png(513, 2000)[:24], (513, 2000)),
        (make_jpeg_header(640, 480), (640, 480)),
        (make_jpeg_header(3000, 4000, exif_bytes=1000, sof=0xC2), (3000, 4000)),  # progressive
        (make_gif_header(320, 200), (320, 200)),
        (make_webp_vp8(1024, 768), (1024, 768)),
        (make_webp_vp8l(16383, 1), (16383, 1)),
        (make_webp_vp8x(16_000_000, 300), (16_000_000, 300)),
    ],
)
def test_image_size_parser(data, size):
    assert image_size(data) == size


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n",
        make_png(10, 10)[:20],
        make_jpeg_header(640, 480)[:40],  # cut before the frame header
        b"\xff\xd8\xff\xda\x00\x08",  # scan before any frame header
        b"\xff\xd8\x00\x00",
        make_jpeg_header(0, 480),
        make_webp_vp8(100, 100)[:24],
        b"GIF89a\x01",
        b"RIFF\0\0\0\0WEBPVP8 ",
        bytes(range(256)),
    ],
)
def test_image_size_parser_gives_up_quietly(data):
    assert image_size(data) is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (make_png(2, 2), ("image", "png")),
        (make_jpeg_header(2, 2), ("image", "jpeg")),
        (make_gif_header(2, 2), ("image", "gif")),
        (make_webp_vp8l(2, 2), ("image", "webp")),
        (make_wav(0.1), ("audio", "wav")),
        (make_mp3(0.1), ("audio", "mp3")),
        (b"ID3\x04\0\0\0\0\0\0", ("audio", "mp3")),
        (b"\xff\xf1\x50\x80\x00\x1f\xfc", ("audio", "aac")),
        (b"OggS\0\x02", ("audio", "ogg")),
        (b"fLaC\0\0\0\x22", ("audio", "flac")),
        (b"\0\0\0\x20ftypM4A \0\0\0\0", ("audio", "m4a")),
        (b"\0\0\0\x20ftypisom\0\0\x02\0", ("video", "mp4")),
        (b"\0\0\0\x14ftypqt  \0\0\0\0", ("video", "mov")),
        (b"\x1a\x45\xdf\xa3", ("video", "webm")),
        (b"\xef\xbb\xbf  <!doctype HTML><html>", ("other", "html")),
        (b"\n<html lang=en>", ("other", "html")),
        (b"plain text", None),
        (b"", None),
    ],
)
def test_sniff(data, expected):
    assert sniff(data) == expected


def test_audio_duration_of_hand_made_files():
    assert audio_duration(make_wav(2.5)) == (2.5, "wav")
    seconds, fmt = audio_duration(make_mp3(5))
    assert fmt == "mp3" and seconds == pytest.approx(5, abs=0.05)
    assert audio_duration(b"not audio at all" * 100) is None
    assert audio_duration(b"") is None


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("[::1]", True),
        ("10.1.2.3", True),
        ("172.16.0.9", True),
        ("192.168.1.20", True),
        ("169.254.10.1", True),
        ("100.64.0.1", True),
        ("fe80::1", True),
        ("fd00::5", True),
        ("::ffff:192.168.0.1", True),
        ("0.0.0.0", True),
        ("nas", True),
        ("printer.local", True),
        ("router.home.arpa", True),
        ("example.com", False),
        ("cdn.gptbest.vip", False),
        ("8.8.8.8", False),
        ("2001:4860:4860::8888", False),
    ],
)
def test_is_local_address(host, local):
    assert is_local_address(host) is local


def test_public_host_gets_no_local_only_warning(monkeypatch):
    """A public name is not LOCAL_ONLY; the request itself is faked to stay offline."""
    calls: list[str] = []

    def fake_request(self, method, url, **kwargs):
        calls.append(method)
        raise requests.exceptions.ConnectionError("offline")

    monkeypatch.setattr(requests.Session, "request", fake_request)
    report = check_media("https://cdn.example.com/voice.wav", MediaRole.VOICE_SAMPLE)
    assert kinds(report) == {FindingKind.UNREACHABLE}
    assert calls == ["HEAD"]


def test_unexpected_errors_become_findings(monkeypatch):
    def broken(self, method, url, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(requests.Session, "request", broken)
    report = check_media("https://cdn.example.com/a.png", MediaRole.AVATAR)
    assert not report.reachable and kinds(report) == {FindingKind.UNREACHABLE}


@pytest.mark.parametrize("kind", list(FindingKind))
def test_only_a_short_sample_blocks(kind):
    from avatar_desktop.core.media import _finding

    assert _finding(kind, "message").blocking is (kind is FindingKind.SAMPLE_TOO_SHORT)
