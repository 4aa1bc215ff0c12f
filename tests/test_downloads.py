"""Saving result videos: byte for byte, resumed after a drop, never complete-looking when not."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from avatar_desktop.core.client import AvatarClient
from avatar_desktop.core.config import LinkNetwork
from avatar_desktop.core.downloads import (
    DownloadCancelled,
    DownloadError,
    LinkExpired,
    download,
    free_destination,
    part_path,
)
from avatar_desktop.core.paths import resource_path
from avatar_desktop.core.request import AudioTrack, GenerationRequest

SAMPLE = resource_path("sample-media", "result.mp4").read_bytes()


class FlakyServer:
    """Serves ``body`` with Range support; the first ``drops`` answers stop after ``cut``
    bytes and close the connection. Records every Range header asked for."""

    def __init__(self, body: bytes, *, drops: int = 0, cut: int = 1000, status: int = 200):
        self.body, self.drops, self.cut, self.status = body, drops, cut, status
        self.ranges: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.ranges.append(self.headers.get("Range"))
                if server.status != 200:
                    self.send_response(server.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                start = 0
                if self.headers.get("Range"):
                    start = int(self.headers["Range"].split("=")[1].split("-")[0])
                data = server.body[start:]
                self.send_response(206 if start else 200)
                if start:
                    self.send_header(
                        "Content-Range", f"bytes {start}-{len(server.body) - 1}/{len(server.body)}"
                    )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if server.drops > 0:
                    server.drops -= 1
                    self.wfile.write(data[: server.cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/out.mp4"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class FullBacklog:
    """A server on this computer that never takes a new connection: its queue of pending
    connections is full (filled here), so a connection attempt waits until the client's
    connect timeout. :attr:`url` is a link on it."""

    def __enter__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        address = self.listener.getsockname()
        self.url = f"http://127.0.0.1:{address[1]}/out.mp4"
        self.held: list[socket.socket] = []
        for _ in range(64):  # the kernel may allow a few more than asked
            filler = socket.socket()
            filler.settimeout(0.5)
            self.held.append(filler)
            try:
                filler.connect(address)
            except TimeoutError:
                return self  # this one was not taken: the queue is full
        raise RuntimeError("the backlog never filled")

    def __exit__(self, *exc):
        for held in self.held:
            held.close()
        self.listener.close()


def test_the_connect_timeout_of_the_network_is_the_one_used(tmp_path):
    with FullBacklog() as server:
        started = time.monotonic()
        with pytest.raises(DownloadError, match="ConnectTimeout"):
            download(
                server.url, tmp_path / "v.mp4", network=LinkNetwork(connect_seconds=1), attempts=2
            )
        assert time.monotonic() - started < 9  # two tries of 1 s each, not of the default 10 s


def test_a_sandbox_video_is_saved_byte_for_byte(tmp_path, sandbox):
    with AvatarClient(sandbox.base_url, "t") as client:
        task_id = client.submit(
            GenerationRequest(
                "https://example.com/a.png",
                AudioTrack("https://example.com/a.mp3"),
                no_watermark=True,
            )
        )
        info = client.get_task(task_id)
    seen = []
    saved = download(info.video_url, tmp_path / "video.mp4", progress=seen.append)
    assert saved.read_bytes() == SAMPLE
    assert seen and seen[-1].received == len(SAMPLE) and seen[-1].fraction == 1.0
    assert not part_path(saved).exists()
    # The media host never gets the token.
    media = [r for r in sandbox.requests if r.path.startswith("/media/")]
    assert media and all(r.header("Authorization") is None for r in media)


def test_a_dropped_download_resumes_with_a_range_request(tmp_path):
    with FlakyServer(SAMPLE, drops=2, cut=1500) as server:
        saved = download(server.url, tmp_path / "v.mp4")
    assert saved.read_bytes() == SAMPLE
    assert server.ranges == [None, "bytes=1500-", "bytes=3000-"]


def test_a_later_download_resumes_from_the_part_file(tmp_path):
    destination = tmp_path / "v.mp4"
    with FlakyServer(SAMPLE, drops=5, cut=700) as server:
        with pytest.raises(Exception, match="kept breaking"):
            download(server.url, destination, attempts=2)
        assert not destination.exists()
        assert part_path(destination).stat().st_size == 1400
        server.drops = 0
        download(server.url, destination)
        assert server.ranges[-1] == "bytes=1400-"
    assert destination.read_bytes() == SAMPLE


def test_a_cancelled_download_leaves_no_complete_looking_file(tmp_path):
    destination = tmp_path / "v.mp4"
    big = SAMPLE * 40
    with FlakyServer(big) as server, pytest.raises(DownloadCancelled):
        download(
            server.url,
            destination,
            progress=lambda p: None,
            should_stop=lambda: part_path(destination).exists(),
        )
    assert not destination.exists()


@pytest.mark.parametrize("status", [403, 404, 410])
def test_an_expired_link_says_so(tmp_path, status):
    with FlakyServer(b"", status=status) as server, pytest.raises(LinkExpired):
        download(server.url, tmp_path / "v.mp4")
    assert not (tmp_path / "v.mp4").exists()


def test_only_web_links_are_downloaded(tmp_path):
    with pytest.raises(Exception, match="http"):
        download("file:///etc/passwd", tmp_path / "x")


def test_free_destination_never_overwrites(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "a (2).mp4").write_bytes(b"x")
    assert free_destination(tmp_path, "a.mp4").name == "a (3).mp4"
