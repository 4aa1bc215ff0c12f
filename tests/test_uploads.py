"""The user's own storage (issue 13, the storage half): the settings' rules, the key pair in
the keyring, uploads to a real S3 server on loopback (moto's, ``tests/s3.py``), the test,
redaction, and ``avatar-cli storage`` / ``config`` through real processes."""

from __future__ import annotations

import io
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from s3 import S3Server
from test_cli import ROOT, cli, cli_env

from avatar_desktop.core.cancel import Cancelled
from avatar_desktop.core.redact import LOG_REDACTOR, RedactingFilter, Redactor, without_signatures
from avatar_desktop.core.settings import (
    CONFIG_KEYS,
    AppSettings,
    SettingError,
    SettingProblem,
    config_key,
)
from avatar_desktop.core.uploads import (
    Addressing,
    FailureKind,
    LocalFile,
    Storage,
    StorageProblem,
    StorageSettingError,
    StorageSettings,
    TestStep,
    file_digest,
    object_key,
)
from avatar_desktop.core.vault import (
    ACCOUNT_NAME,
    SERVICE_NAME,
    STORAGE_ACCOUNT,
    SecretStoreError,
    StorageKeys,
    StorageKeyVault,
    StoreFailure,
)

MiB = 1024 * 1024


# --- helpers ---------------------------------------------------------------------------------


def storage(server: S3Server, secret: str | None = None, **settings) -> Storage:
    options = {"prefix": "avatar/", **settings}
    return Storage(
        StorageSettings(server.url, server.bucket, **options),
        StorageKeys(server.access_key_id, secret or server.secret_access_key),
    )


def a_file(folder: Path, name: str = "Photo.JPG", size: int = 1000, seed: int = 1) -> LocalFile:
    path = folder / name
    path.write_bytes(bytes((seed + i * 7) % 251 for i in range(size)))
    return LocalFile.read(path)


@pytest.fixture
def closed_port():
    """A port on this computer where nobody listens (kept bound so nobody takes it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# --- the settings' rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"endpoint": "http://s3.example.com"}, StorageProblem.NOT_HTTPS),
        ({"endpoint": "s3.example.com"}, StorageProblem.BAD_ADDRESS),
        ({"endpoint": "https://s3.example.com/media"}, StorageProblem.BAD_ADDRESS),
        ({"bucket": "My_Bucket"}, StorageProblem.BAD_BUCKET),
        ({"bucket": "ab"}, StorageProblem.BAD_BUCKET),
        ({"bucket": "192.168.1.1"}, StorageProblem.BAD_BUCKET),
        ({"bucket": "a..b"}, StorageProblem.BAD_BUCKET),
        ({"bucket": "my.bucket", "addressing": Addressing.VIRTUAL}, StorageProblem.BAD_BUCKET),
        ({"prefix": "/uploads/"}, StorageProblem.BAD_PREFIX),
        ({"prefix": "a/../b/"}, StorageProblem.BAD_PREFIX),
        ({"region": "eu west"}, StorageProblem.BAD_REGION),
        ({"url_days": 8}, StorageProblem.OUT_OF_RANGE),
        ({"url_days": 0}, StorageProblem.OUT_OF_RANGE),
        ({"public_base_url": "http://cdn.example.com"}, StorageProblem.NOT_HTTPS),
    ],
)
def test_a_storage_setting_that_cannot_be_used_is_refused_saying_why(changes, problem):
    values = {"endpoint": "https://s3.example.com", "bucket": "media", **changes}
    with pytest.raises(StorageSettingError) as caught:
        StorageSettings(**values)
    assert caught.value.problem is problem
    assert str(caught.value)


def test_usable_storage_settings_are_normalised():
    settings = StorageSettings(
        " https://S3.example.com/ ", " media ", region=" auto ", prefix="up/", url_days=1
    )
    assert settings.endpoint == "https://S3.example.com"
    assert (settings.bucket, settings.region, settings.prefix) == ("media", "auto", "up/")
    assert not settings.is_local
    local = StorageSettings("http://127.0.0.1:9000", "my.bucket", addressing=Addressing.VIRTUAL)
    assert local.is_local and local.region_name == "us-east-1"


def test_the_object_key_is_the_prefix_the_sha256_and_the_lower_case_extension(tmp_path):
    local = a_file(tmp_path, "Portrait.JPEG")
    assert local.size == 1000 and local.path.is_absolute()
    assert object_key("up/", local.sha256, local.path) == f"up/{local.sha256}.jpeg"
    assert object_key("", local.sha256.upper(), "voice") == local.sha256
    assert object_key("", local.sha256, "odd.ext with space") == local.sha256
    with pytest.raises(ValueError):
        object_key("", "not-a-digest", "a.png")


def test_the_digest_is_computed_in_chunks_and_can_be_stopped(tmp_path):
    import hashlib

    path = tmp_path / "big.bin"
    data = os.urandom(3 * MiB + 5)
    path.write_bytes(data)
    assert file_digest(path) == (len(data), hashlib.sha256(data).hexdigest())
    with pytest.raises(Cancelled):
        file_digest(path, should_stop=lambda: True)


# --- settings through both programs' rulebook: the config keys -------------------------------


def test_storage_config_keys_keep_the_ini_layout_and_the_rules(tmp_path):
    settings = AppSettings(tmp_path / "settings.ini")
    assert settings.storage_settings() is None
    for name, value in (
        ("storage.endpoint", "http://127.0.0.1:9000"),
        ("storage.bucket", "media"),
        ("storage.region", "auto"),
        ("storage.prefix", "avatar/"),
        ("storage.addressing", "VIRTUAL"),
        ("storage.url_days", "3"),
        ("storage.public_base_url", "https://cdn.example.com/media/"),
    ):
        config_key(name).set(settings, value)
    text = (tmp_path / "settings.ini").read_text()
    assert "[storage]" in text and "endpoint=http://127.0.0.1:9000" in text
    assert AppSettings(tmp_path / "settings.ini").storage_settings() == StorageSettings(
        "http://127.0.0.1:9000",
        "media",
        region="auto",
        prefix="avatar/",
        addressing=Addressing.VIRTUAL,
        url_days=3,
        public_base_url="https://cdn.example.com/media",
    )
    assert config_key("storage.url_days").show(settings) == 3
    with pytest.raises(SettingError) as caught:
        config_key("storage.endpoint").set(settings, "http://s3.example.com")
    assert caught.value.problem is SettingProblem.NOT_HTTPS
    with pytest.raises(SettingError) as caught:
        config_key("storage.url_days").set(settings, "8")
    assert caught.value.problem is SettingProblem.OUT_OF_RANGE
    config_key("storage.url_days").unset(settings)
    assert config_key("storage.url_days").show(settings) == 7
    assert config_key("storage.addressing").show(AppSettings(tmp_path / "new.ini")) == "path"


# --- the key pair in the keyring -------------------------------------------------------------


def test_the_storage_key_pair_has_its_own_keyring_entry(memory_keyring):
    vault = StorageKeyVault(memory_keyring, environ={})
    assert vault.load() is None
    vault.save("AKIAEXAMPLE123", "secret/with+signs0123")
    assert vault.load() == StorageKeys("AKIAEXAMPLE123", "secret/with+signs0123")
    assert (SERVICE_NAME, STORAGE_ACCOUNT) in memory_keyring.passwords
    assert (SERVICE_NAME, ACCOUNT_NAME) not in memory_keyring.passwords
    assert "secret" not in repr(vault.load()) and "AKIA" not in repr(vault.load())
    vault.remove()
    vault.remove()  # a missing entry is fine
    assert vault.load() is None


def test_the_environment_wins_and_bad_pairs_are_refused(memory_keyring):
    vault = StorageKeyVault(memory_keyring, environ={"AWS_ACCESS_KEY_ID": "AKIAENV"})
    vault.save("AKIASTORED", "stored-secret")
    assert vault.load() == StorageKeys("AKIASTORED", "stored-secret")  # one variable is not enough
    env = {
        "AWS_ACCESS_KEY_ID": "AKIAENV",
        "AWS_SECRET_ACCESS_KEY": "env-secret",
        "AWS_SESSION_TOKEN": "session",
    }
    assert StorageKeyVault(memory_keyring, environ=env).load() == StorageKeys(
        "AKIAENV", "env-secret", "session"
    )
    with pytest.raises(SecretStoreError) as caught:
        vault.save("AKIA", "two words")
    assert caught.value.kind is StoreFailure.BAD_TOKEN and "two words" not in str(caught.value)
    memory_keyring.passwords[(SERVICE_NAME, STORAGE_ACCOUNT)] = "not json"
    with pytest.raises(SecretStoreError) as caught:
        vault.load()
    assert caught.value.kind is StoreFailure.BAD_STORED_TOKEN


def test_a_keyring_that_may_keep_secrets_in_a_plain_file_gets_no_key_pair():
    from memory_keyring import MemoryKeyring

    class PlainFile(MemoryKeyring):
        priority = 0.5

    backend = PlainFile()
    with pytest.raises(SecretStoreError) as caught:
        StorageKeyVault(backend, environ={}).save("AKIAEXAMPLE", "secret-secret")
    assert caught.value.kind is StoreFailure.NOT_RECOMMENDED
    assert "storage key pair" in caught.value.user_message
    assert backend.passwords == {}


# --- uploads to a real S3 server -------------------------------------------------------------


def test_a_file_is_uploaded_under_its_key_and_stored_once(s3, tmp_path):
    store = storage(s3)
    local = a_file(tmp_path)
    seen: list[tuple[int, int]] = []
    key = store.put_file(local.path, local.sha256, local.size, progress=lambda *p: seen.append(p))
    assert key == f"avatar/{local.sha256}.jpg"
    assert seen[-1] == (1000, 1000)
    body = s3.client().get_object(Bucket=s3.bucket, Key=key)
    assert body["Body"].read() == local.path.read_bytes()
    assert body["ContentType"] == "image/jpeg"

    puts = s3.count("PUT", key)
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(local.path.read_bytes())
    again = LocalFile.read(copy)
    assert store.put_file(again.path, again.sha256, again.size) == key
    assert s3.count("PUT", key) == puts  # asked (HEAD), not sent again
    assert s3.count("HEAD", key) == 2
    assert s3.keys() == [key]


def test_an_object_of_another_size_is_replaced(s3, tmp_path):
    store = storage(s3)
    local = a_file(tmp_path)
    key = store.key_for(local.sha256, local.path)
    s3.client().put_object(Bucket=s3.bucket, Key=key, Body=b"broken")
    store.put_file(local.path, local.sha256, local.size)
    assert s3.client().head_object(Bucket=s3.bucket, Key=key)["ContentLength"] == 1000


def test_a_large_file_goes_in_parts(s3, tmp_path):
    store = storage(s3)
    store.multipart_threshold = 1 * MiB
    store.part_size = 5 * MiB
    local = a_file(tmp_path, "clip.mp4", size=11 * MiB + 3)
    seen: list[int] = []
    key = store.put_file(
        local.path, local.sha256, local.size, progress=lambda done, total: seen.append(done)
    )
    assert s3.count("PUT", key) == 3  # three parts, no single PUT
    assert s3.count("POST", key) == 2  # create and complete the multipart upload
    assert seen == sorted(seen) and seen[-1] == local.size
    body = s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read()
    assert body == local.path.read_bytes()


def test_a_stopped_multipart_upload_is_aborted_and_leaves_nothing(s3, tmp_path):
    store = storage(s3)
    store.multipart_threshold = 1 * MiB
    local = a_file(tmp_path, "clip.mp4", size=11 * MiB)
    reads: list[int] = []
    with pytest.raises(Cancelled):
        store.put_file(
            local.path,
            local.sha256,
            local.size,
            progress=lambda done, total: reads.append(done),
            should_stop=lambda: bool(reads),
        )
    key = store.key_for(local.sha256, local.path)
    assert s3.count("DELETE", key) == 1  # the multipart upload aborted
    assert s3.keys() == []


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_a_file_that_cannot_be_read_is_the_files_fault_not_the_storages(s3):
    store = storage(s3)
    with pytest.raises(OSError):  # /proc/self/mem answers a read at 0 with EIO
        store.put_file(Path("/proc/self/mem"), "0" * 64, 10)
    assert s3.keys() == []


def test_the_presigned_url_gives_the_same_bytes_and_lasts_url_days(s3, tmp_path):
    local = a_file(tmp_path, "voice.MP3")
    for days in (7, 1):
        store = storage(s3, url_days=days)
        key = store.put_file(local.path, local.sha256, local.size)
        url = store.url_for(key)
        query = parse_qs(urlsplit(url).query)
        assert query["X-Amz-Expires"] == [str(days * 86400)]
        signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - signed).total_seconds()) < 600
        s3.authenticate(False)  # moto cannot check a presigned URL (see S3Server.authenticate)
        answer = requests.get(url, timeout=30)
        s3.authenticate(True)
        assert answer.status_code == 200 and answer.content == local.path.read_bytes()
        assert "X-Amz-Signature" in url and s3.secret_access_key not in url


def test_with_a_public_base_url_the_service_gets_it_and_the_key(s3, tmp_path):
    store = storage(s3, public_base_url="https://cdn.example.com/media/")
    assert store.url_for("avatar/ab cd.png") == "https://cdn.example.com/media/avatar/ab%20cd.png"


# --- the test and the errors -----------------------------------------------------------------


def test_the_storage_test_writes_reads_back_and_deletes(s3):
    result = storage(s3).test()
    assert result.ok, result.message
    assert [m for m, _ in s3.requests[-4:]] == ["GET", "PUT", "GET", "DELETE"]
    assert s3.keys() == []


def test_a_wrong_secret_is_refused_at_the_first_step(s3):
    wrong = "wrong-secret-0123456789abcdef"
    result = storage(s3, secret=wrong).test()
    assert (result.step, result.kind) == (TestStep.CONNECT, FailureKind.REFUSED)
    assert "connecting to the storage" in result.message
    assert wrong not in result.message and s3.access_key_id not in result.message


def test_a_missing_bucket_is_refused(s3):
    store = Storage(
        StorageSettings(s3.url, "no-such-bucket"),
        StorageKeys(s3.access_key_id, s3.secret_access_key),
    )
    result = store.test()
    assert (result.step, result.kind) == (TestStep.CONNECT, FailureKind.REFUSED)
    assert "NoSuchBucket" in result.detail


def test_a_key_that_may_only_write_uploads_and_the_test_names_the_read(s3, tmp_path):
    key_id, secret = s3.another_user("writer", ["s3:PutObject"])
    store = Storage(StorageSettings(s3.url, s3.bucket), StorageKeys(key_id, secret))
    local = a_file(tmp_path)
    key = store.put_file(local.path, local.sha256, local.size)  # its HEAD was refused: 403
    assert s3.keys() == [key]
    result = store.test()
    assert (result.step, result.kind) == (TestStep.READ, FailureKind.REFUSED)
    assert "reading the test object back" in result.message


def test_a_closed_port_is_unreachable(closed_port, tmp_path):
    store = Storage(
        StorageSettings(f"http://127.0.0.1:{closed_port}", "media"),
        StorageKeys("AKIAEXAMPLE123", "secret-secret-123"),
    )
    result = store.test()
    assert (result.step, result.kind) == (TestStep.CONNECT, FailureKind.UNREACHABLE)
    from avatar_desktop.core.uploads import StorageUnreachable

    local = a_file(tmp_path)
    with pytest.raises(StorageUnreachable):
        store.put_file(local.path, local.sha256, local.size)


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that records each request line and refuses it (502)."""

    def __init__(self) -> None:
        import threading

        self.lines: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                self.lines.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


def test_the_storage_is_reached_through_the_proxy_setting_and_a_local_one_directly(closed_port):
    from avatar_desktop.core.config import ProxyMode, link_network

    proxy = RecordingProxy()
    try:
        network = link_network(ProxyMode.CUSTOM, proxy.url, 5.0, 5.0)
        keys = StorageKeys("AKIAEXAMPLE123", "secret-secret-123")
        remote = Storage(StorageSettings("https://s3.example.com", "media"), keys, network)
        result = remote.test()
        assert (result.step, result.kind) == (TestStep.CONNECT, FailureKind.UNREACHABLE)
        assert proxy.lines and proxy.lines[0].startswith("CONNECT s3.example.com:443 ")
        seen = len(proxy.lines)
        local = Storage(StorageSettings(f"http://127.0.0.1:{closed_port}", "media"), keys, network)
        assert local.test().kind is FailureKind.UNREACHABLE
        assert len(proxy.lines) == seen  # this computer is never reached through a proxy
    finally:
        proxy.close()


# --- redaction -------------------------------------------------------------------------------


def test_signatures_and_keys_are_removed_from_what_is_logged_or_shown(s3, tmp_path):
    store = storage(s3)
    local = a_file(tmp_path)
    url = store.url_for(store.put_file(local.path, local.sha256, local.size))
    signature = parse_qs(urlsplit(url).query)["X-Amz-Signature"][0]
    header = (
        f"Authorization: AWS4-HMAC-SHA256 Credential={s3.access_key_id}/20260101/us-east-1/s3/"
        "aws4_request, SignedHeaders=host, Signature=abcdef0123456789"
    )
    for text in (url, header):
        cleaned = without_signatures(text)
        assert signature not in cleaned and s3.access_key_id not in cleaned
        assert "abcdef0123456789" not in cleaned
    assert without_signatures(url).startswith(url.split("?")[0])
    shown = store.redactor.text(f"{url} {s3.secret_access_key} {s3.access_key_id}")
    assert s3.secret_access_key not in shown and s3.access_key_id not in shown
    assert signature not in shown
    assert Redactor().text(url) == url  # the service client's redactor keeps result links whole

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(LOG_REDACTOR))
    logger = logging.getLogger("avatar_desktop.test_uploads")
    logger.addHandler(handler)
    try:
        logger.warning("uploaded %s with %s", url, s3.secret_access_key)
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "uploaded" in logged and signature not in logged
    assert s3.secret_access_key not in logged and s3.access_key_id not in logged


# --- avatar-cli ------------------------------------------------------------------------------


def storage_env(tmp_path: Path) -> dict[str, str]:
    """A real keyring backend in a file outside the data folder, for avatar-cli processes."""
    env = cli_env(
        PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
        TEST_KEYRING_FILE=str(tmp_path / "keyring.json"),
        PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]),
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    return env


def login(env: dict[str, str], key_id: str, secret: str):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "avatar_desktop.cli", "storage", "login"],
        cwd=ROOT,
        env=env,
        input=f"{key_id}\n{secret}\n".encode(),
        capture_output=True,
        timeout=60,
    )
    return proc.returncode, proc.stdout.decode() + proc.stderr.decode()


def test_storage_login_test_and_logout_on_the_command_line(s3, tmp_path):
    env = storage_env(tmp_path)
    assert cli("storage", "test", env=env).code == 2  # no storage set up
    assert cli("config", "set", "storage.endpoint", "http://s3.example.com", env=env).code == 2
    assert cli("config", "set", "storage.endpoint", s3.url, env=env).code == 0
    assert cli("config", "set", "storage.bucket", s3.bucket, env=env).code == 0
    bad_prefix = cli("config", "set", "storage.prefix", "/avatar/", env=env)
    assert bad_prefix.code == 2 and "without a leading /" in bad_prefix.err
    assert cli("config", "set", "storage.prefix", "avatar/", env=env).code == 0
    no_keys = cli("storage", "test", env=env)
    assert no_keys.code == 5 and "storage login" in no_keys.err

    code, text = login(env, s3.access_key_id, s3.secret_access_key)
    assert code == 0, text
    assert s3.secret_access_key not in text and s3.access_key_id not in text
    assert s3.secret_access_key in (tmp_path / "keyring.json").read_text()

    ok = cli("--verbose", "storage", "test", env=env)
    assert ok.code == 0, ok.text
    assert [m for m, _ in s3.requests[-4:]] == ["GET", "PUT", "GET", "DELETE"]
    assert s3.secret_access_key not in ok.text and s3.access_key_id not in ok.text

    listed = cli("config", "list", "--json", env=env)
    assert listed.json()["storage.bucket"] == s3.bucket
    assert set(CONFIG_KEYS) == set(listed.json())
    for shown in (listed.text, cli("config", "list", env=env).text):
        assert s3.secret_access_key not in shown and s3.access_key_id not in shown

    code, text = login(env, s3.access_key_id, "wrong-secret-0123456789abcdef")
    assert code == 0, text
    refused = cli("--verbose", "storage", "test", env=env)
    assert refused.code == 5
    assert "connecting to the storage" in refused.err and "refused" in refused.err
    assert "wrong-secret-0123456789abcdef" not in refused.text
    assert s3.access_key_id not in refused.text

    assert cli("config", "set", "storage.endpoint", "http://127.0.0.1:1", env=env).code == 0
    down = cli("storage", "test", env=env)
    assert down.code == 4 and "could not be reached" in down.err

    assert cli("storage", "logout", env=env).code == 0
    assert "wrong-secret" not in (tmp_path / "keyring.json").read_text()
    assert cli("storage", "test", env=env).code == 5

    data = Path(env["AVATAR_DESKTOP_DATA_DIR"])
    for path in data.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in (s3.secret_access_key, s3.access_key_id, "wrong-secret"):
                assert secret.encode() not in content, path


def test_storage_login_refuses_a_bad_pair_and_saves_nothing(tmp_path):
    env = storage_env(tmp_path)
    code, text = login(env, "AKIAEXAMPLE", "")
    assert code == 2 and "two lines" in text
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "avatar_desktop.cli", "storage", "login"],
        cwd=ROOT,
        env=env,
        input=b"AKIA EXAMPLE\nsecret-secret\n",
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 2 and b"secret-secret" not in proc.stderr
    assert not (tmp_path / "keyring.json").exists()


def test_storage_login_without_a_working_keyring_says_what_to_do_instead(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(  # cli_env(): the null keyring, which forgets what it is given
        [sys.executable, "-m", "avatar_desktop.cli", "storage", "login"],
        cwd=ROOT,
        env=cli_env(),
        input=b"AKIAEXAMPLE123\nsecret-secret-123\n",
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "AWS_ACCESS_KEY_ID" in err and "Traceback" not in err
    assert "secret-secret-123" not in err and "AKIAEXAMPLE123" not in err


def test_the_environment_keys_serve_the_command_line(s3, tmp_path):
    env = storage_env(tmp_path)
    env.update(AWS_ACCESS_KEY_ID=s3.access_key_id, AWS_SECRET_ACCESS_KEY=s3.secret_access_key)
    for name, value in (("storage.endpoint", s3.url), ("storage.bucket", s3.bucket)):
        assert cli("config", "set", name, value, env=env).code == 0
    result = cli("storage", "test", env=env)
    assert result.code == 0, result.text


def test_the_s3_client_is_loaded_only_to_talk_to_the_storage(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from avatar_desktop.cli.main import run\n"
        "import avatar_desktop.app, avatar_desktop.core.uploads\n"
        "run(['config', 'list'])\n"
        "print('minio' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=storage_env(tmp_path), capture_output=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().splitlines()[-1] == "False"


# --- the window's Storage page ----------------------------------------------------------------


def test_the_settings_dialogs_storage_page_saves_keys_tests_and_keeps_the_rules(
    qtbot, tmp_path, s3
):
    from PySide6.QtWidgets import QDialogButtonBox

    from avatar_desktop.ui.dialogs.settings_dialog import SettingsDialog

    settings = AppSettings(tmp_path / "settings.ini")
    dialog = SettingsDialog(settings, tmp_path)
    qtbot.addWidget(dialog)
    page = dialog.storage
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: "No keys are saved" in page.keys_state.text())
    assert page.problem() is None and ok.isEnabled()  # no storage is fine

    page.endpoint.setText("http://s3.example.com")  # the rule of storage.endpoint
    page.bucket.setText(s3.bucket)
    assert "https://" in page.error.text() and not ok.isEnabled()
    assert not page.test_button.isEnabled()
    page.endpoint.setText(s3.url)
    page.prefix.setText("/avatar/")
    assert "prefix" in page.error.text() and not ok.isEnabled()
    page.prefix.setText("avatar/")
    assert page.problem() is None and ok.isEnabled()

    page.key_id.setText(s3.access_key_id)
    page.secret.setText(s3.secret_access_key)
    assert not ok.isEnabled() and "Save the keys" in page.keys_error.text()  # not dropped
    page.save_keys.click()
    qtbot.waitUntil(lambda: "saved in the system keyring" in page.keys_state.text(), timeout=10000)
    assert page.key_id.text() == "" and page.secret.text() == ""
    assert StorageKeyVault().load() == StorageKeys(s3.access_key_id, s3.secret_access_key)

    page.test_button.click()
    qtbot.waitUntil(lambda: "works" in page.test_result.text(), timeout=30000)
    assert s3.keys() == []

    page.key_id.setText(s3.access_key_id)
    page.secret.setText("wrong-secret-0123456789abcdef")  # typed keys are tested unsaved
    page.test_button.click()
    qtbot.waitUntil(lambda: "failed" in page.test_result.text(), timeout=30000)
    shown = page.test_result.text()
    assert shown.startswith("Connecting to the storage failed: the storage refused")
    assert "wrong-secret" not in shown and s3.access_key_id not in shown
    # The storage's own words (a library's English) are on hover, not in the sentence.
    assert shown.endswith("(the service's token is not concerned).") and page.test_result.toolTip()
    assert "wrong-secret" not in page.test_result.toolTip()

    page.key_id.clear()
    page.secret.clear()
    ok.click()
    reread = AppSettings(tmp_path / "settings.ini")
    assert reread.storage_settings() == StorageSettings(s3.url, s3.bucket, prefix="avatar/")
    assert "secret" not in (tmp_path / "settings.ini").read_text().lower()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal (POSIX)")
def test_storage_login_at_a_terminal_asks_without_echo(tmp_path, monkeypatch):
    import pty
    import select
    import sys
    import time

    from file_keyring import FileKeyring

    env = storage_env(tmp_path)
    secret = "terminal-secret-0123456789"
    pid, master = pty.fork()
    if pid == 0:  # the child: avatar-cli on the pseudo-terminal
        os.chdir(ROOT)
        os.execve(
            sys.executable, [sys.executable, "-m", "avatar_desktop.cli", "storage", "login"], env
        )
    seen = b""

    def read_until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while text not in seen:
            assert time.monotonic() < deadline, seen
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(master, 1024)
                except OSError:  # the child has ended
                    return
                if not chunk:
                    return
                seen += chunk

    try:
        read_until(b"access key id: ")
        os.write(master, b"AKIATERMINAL1234\n")
        read_until(b"secret access key: ")
        os.write(master, secret.encode() + b"\n")
        read_until(b"saved in the system keyring")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(master)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert b"AKIATERMINAL1234" not in seen and secret.encode() not in seen  # never echoed
    monkeypatch.setenv("TEST_KEYRING_FILE", env["TEST_KEYRING_FILE"])
    stored = StorageKeyVault(FileKeyring(), environ={}).load()
    assert stored == StorageKeys("AKIATERMINAL1234", secret)
