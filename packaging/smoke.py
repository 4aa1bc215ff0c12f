"""Try a built bundle as a user would, where no Python is reachable (run by ``.ci/run`` on
Linux, and by the release workflow on Windows and macOS).

``python packaging/smoke.py [--deb dist/avatar-desktop_VERSION_ARCH.deb]``

Every program runs with an environment made from nothing (as ``env -i``): only ``HOME``,
``PATH=/usr/bin:/bin`` and what the check needs (a data folder, the D-Bus session, the
offscreen Qt platform; on Windows the system's own variables), so nothing of the build's Python
or virtual environment can help it:

* ``avatar-desktop --version`` and ``avatar-cli --version`` say the version of pyproject.toml;
* ``avatar-desktop --smoke-test`` paints its window, in English and in Chinese (the app's and
  Qt's own translations found), offscreen and on an X display (Xvfb: Qt's xcb plugin);
* on the built-in sandbox, a CSV of jobs — one naming a picture on this computer — is imported,
  sent (the file uploaded to the sandbox) and followed to the end (``tasks refresh --wait``),
  and the video is saved;
* the keyring is found: ``avatar-cli storage login`` stores a key pair in the Secret Service of
  the D-Bus session (Credential Manager, Keychain), ``storage logout`` removes it (skipped,
  and said, only on Linux with no session bus: ``.ci/run`` gives one);
* with ``--deb``: the package installs, both programs run from ``/usr/bin``, the desktop entry
  and icons are in place, and removing it removes them and leaves the user's data alone.

Exits 1 at the first check that fails, saying which.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "dist" / "avatar-desktop"


class Failed(Exception):
    pass


def check(ok: bool, what: str) -> None:
    if not ok:
        raise Failed(what)
    print(f"smoke: ok: {what}", flush=True)


WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""


class Runner:
    """Runs a bundled program with an environment made from nothing: on Linux and macOS only
    ``HOME``, ``PATH=/usr/bin:/bin`` and what the check needs; on Windows the few variables
    Windows itself needs (``SystemRoot``…) and ``PATH`` of the system folder only."""

    def __init__(self, home: Path, data: Path) -> None:
        self.home = home
        self.data = data

    def env(self) -> dict[str, str]:
        env = {
            "AVATAR_DESKTOP_DATA_DIR": str(self.data),
            "QT_QPA_PLATFORM": "offscreen",
        }
        if WINDOWS:
            system = os.environ.get("SYSTEMROOT", r"C:\Windows")
            env |= {
                "SYSTEMROOT": system,
                "WINDIR": system,
                "PATH": rf"{system}\System32;{system}",
                "USERPROFILE": str(self.home),
                "TEMP": str(self.home),
                "TMP": str(self.home),
            }
        else:
            env |= {"HOME": str(self.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        if bus:
            env["DBUS_SESSION_BUS_ADDRESS"] = bus
        return env

    def run(
        self, program: str | Path, *args: str, stdin: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(program), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            cwd=self.home,
            env=self.env(),
        )


def version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(project["project"]["version"])


def try_programs(run: Runner, desktop: str | Path, cli: str | Path, where: str) -> None:
    expected = version()
    out = run.run(desktop, "--version")
    check(
        out.returncode == 0 and out.stdout.strip() == f"avatar-desktop {expected}",
        f"{where}: avatar-desktop --version says {expected} ({out.stdout.strip()!r})",
    )
    out = run.run(cli, "--version")
    check(
        out.returncode == 0 and expected in out.stdout,
        f"{where}: avatar-cli --version says {expected} ({out.stdout.strip()!r})",
    )
    out = run.run(cli, "config", "set", "language", "en")
    check(out.returncode == 0, f"{where}: avatar-cli config set language en")
    out = run.run(desktop, "--smoke-test")
    check(
        out.returncode == 0 and "'&File'" in out.stdout,
        f"{where}: avatar-desktop --smoke-test paints its window in English "
        f"({out.stdout.strip()!r}{out.stderr[-500:]!r})",
    )
    out = run.run(cli, "config", "set", "language", "zh_CN")
    check(out.returncode == 0, f"{where}: avatar-cli config set language zh_CN")
    out = run.run(desktop, "--smoke-test")
    check(
        out.returncode == 0 and "'文件(&F)'" in out.stdout and "'取消'" in out.stdout,
        f"{where}: the Chinese interface finds the app's and Qt's translations "
        f"({out.stdout.strip()!r}{out.stderr[-500:]!r})",
    )


def try_display(run: Runner, desktop: str | Path, where: str) -> None:
    """The window on a real X display (Xvfb) too: Qt's xcb plugin finds what it needs."""
    if not sys.platform.startswith("linux") or shutil.which("xvfb-run") is None:
        print(f"smoke: SKIPPED ({where}): no xvfb-run to try the xcb platform with")
        return
    names = ("HOME", "PATH", "AVATAR_DESKTOP_DATA_DIR", "LANG")
    keep = " ".join(f"{name}={run.env()[name]}" for name in names)
    out = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "sh",
            "-c",
            f'env -i {keep} DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "{desktop}" --smoke-test',
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=run.home,
    )
    check(
        out.returncode == 0 and "smoke test: painted" in out.stdout,
        f"{where}: avatar-desktop paints on an X display (xcb) "
        f"({out.stdout.strip()!r}{out.stderr[-500:]!r})",
    )


def try_sandbox(run: Runner, cli: str | Path, where: str) -> None:
    folder = run.home / "jobs"
    folder.mkdir(exist_ok=True)
    shutil.copy(ROOT / "resources" / "sample-media" / "avatar.png", folder / "face.png")
    (folder / "jobs.csv").write_text(
        "avatar_url,audio_url\nface.png,http://127.0.0.1:1/voice.wav\n",
        encoding="utf-8",
    )
    out = run.run(cli, "--sandbox", "queue", "import", str(folder / "jobs.csv"))
    check(
        out.returncode == 0,
        f"{where}: a CSV naming a local picture imported on the sandbox "
        f"({out.stdout.strip()!r} {out.stderr.strip()[-500:]!r})",
    )
    out = run.run(cli, "--sandbox", "queue", "send")
    check(
        out.returncode == 0 and "submitted" in out.stdout,
        f"{where}: queue send uploads the picture to the sandbox and sends "
        f"({out.stdout.strip()!r} {out.stderr.strip()[-500:]!r})",
    )
    out = run.run(cli, "--sandbox", "tasks", "refresh", "--wait", "--timeout", "90", timeout=150)
    check(
        out.returncode == 0 and "SUCCESS" in out.stdout,
        f"{where}: tasks refresh --wait follows the task to the end "
        f"({out.stdout.strip()[-300:]!r} {out.stderr.strip()[-500:]!r})",
    )
    tasks = run.run(cli, "--sandbox", "tasks", "list", "--json")
    import json

    (task,) = json.loads(tasks.stdout)
    videos = run.home / "videos"
    out = run.run(cli, "--sandbox", "tasks", "download", task["task_id"], "--to", str(videos))
    check(
        out.returncode == 0 and any(videos.glob("*.mp4")),
        f"{where}: the video is saved ({out.stderr.strip()[-300:]!r})",
    )


def try_keyring(run: Runner, cli: str | Path, where: str) -> None:
    if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print(f"smoke: SKIPPED ({where}): no D-Bus session to find a Secret Service in")
        return
    out = run.run(cli, "storage", "login", stdin="AKIASMOKETEST0000000\nsmoke-secret-value\n")
    check(
        out.returncode == 0 and "keyring" in (out.stdout + out.stderr).lower(),
        f"{where}: the keyring is found (storage login) "
        f"({out.stdout.strip()!r} {out.stderr.strip()[-500:]!r})",
    )
    out = run.run(cli, "storage", "logout")
    check(out.returncode == 0, f"{where}: storage logout ({out.stderr.strip()[-300:]!r})")


def try_deb(deb: Path, home: Path) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    # As a user installs it: apt installs what it depends on too.
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", str(deb.resolve())],
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
    )
    try:
        run = Runner(home, home / "deb-data")
        run.data.mkdir()
        (run.data / "keep-me.txt").write_text("the user's own data", encoding="utf-8")
        for path in (
            "/usr/bin/avatar-desktop",
            "/usr/bin/avatar-cli",
            "/usr/share/applications/avatar-desktop.desktop",
            "/usr/share/icons/hicolor/256x256/apps/avatar-desktop.png",
            "/usr/share/icons/hicolor/scalable/apps/avatar-desktop.svg",
            "/usr/share/metainfo/io.github.avatardesktop.AvatarDesktop.metainfo.xml",
        ):
            check(Path(path).exists(), f".deb: {path} is installed")
        entry = Path("/usr/share/applications/avatar-desktop.desktop").read_text(encoding="utf-8")
        exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
        command = exec_line.removeprefix("Exec=").split()[0]
        check(
            shutil.which(command, path="/usr/bin:/bin") == f"/usr/bin/{command}",
            f".deb: the menu entry's command {command} is on the PATH",
        )
        try_programs(run, f"/usr/bin/{command}", "/usr/bin/avatar-cli", ".deb")
    finally:
        subprocess.run(
            [*sudo, "apt-get", "remove", "-y", "-qq", "avatar-desktop"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
    for path in (
        "/usr/bin/avatar-desktop",
        "/usr/bin/avatar-cli",
        "/opt/avatar-desktop",
        "/usr/share/applications/avatar-desktop.desktop",
    ):
        check(not Path(path).exists(), f".deb removed: {path} is gone")
    check(
        (run.data / "keep-me.txt").is_file() and (run.data / "tasks.sqlite3").is_file(),
        ".deb removed: the user's data folder is left alone",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deb", type=Path, help="also install, try and remove this package")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="avatar-smoke-"))
    try:
        run = Runner(home, home / "data")
        desktop, cli = FOLDER / f"avatar-desktop{EXE}", FOLDER / f"avatar-cli{EXE}"
        try_programs(run, desktop, cli, "folder")
        try_display(run, desktop, "folder")
        try_sandbox(run, cli, "folder")
        try_keyring(run, cli, "folder")
        if args.deb:
            try_deb(args.deb, home)
    except Failed as failure:
        print(f"smoke: FAILED: {failure}", file=sys.stderr)
        return 1
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError, ValueError) as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("smoke: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
