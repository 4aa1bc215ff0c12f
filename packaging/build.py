"""Build Avatar Desktop for the system this runs on: ``python packaging/build.py``.

Makes, under ``dist/``:

* the folder ``avatar-desktop/`` (PyInstaller, ``packaging/avatar-desktop.spec``): the programs
  ``avatar-desktop`` and ``avatar-cli``, which need no Python;
* on Linux, ``avatar-desktop-VERSION-linux-ARCH.tar.gz`` of that folder and
  ``avatar-desktop_VERSION_ARCH.deb`` (``dpkg-deb``): installs into ``/opt/avatar-desktop``
  with both programs on the ``PATH``, a desktop entry, icons and AppStream metainfo;
* on Windows, ``avatar-desktop-VERSION-windows-ARCH.zip`` and, when Inno Setup's ``iscc`` is
  installed, the installer ``avatar-desktop-VERSION-windows-ARCH-setup.exe``
  (``packaging/windows/avatar-desktop.iss``);
* on macOS, ``Avatar Desktop.app`` and ``avatar-desktop-VERSION-macos-ARCH.dmg`` (``hdiutil``).

The version comes from ``pyproject.toml`` (and must equal ``avatar_desktop.__version__``,
which About and ``--version`` show). Needs the app installed in the running Python with
PyInstaller (``pip install -e '.[bundle]'``). ``--skip-pyinstaller`` packs a folder built
before.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "bundle"
NAME = "avatar-desktop"
APP_ID = "io.github.avatardesktop.AvatarDesktop"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
DEB_DEPENDS = (
    # What Qt's xcb platform and the keyring need from the system (glibc comes with them).
    "libc6, libgl1, libegl1, libfontconfig1, libfreetype6, libglib2.0-0, libdbus-1-3, "
    "libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, "
    "libxcb-keysyms1, libxcb-render-util0, libxcb-xkb1, libxcb-randr0, libxcb-shape0, "
    "libxcb-xinerama0, libx11-xcb1"
)


def say(text: str) -> None:
    print(f"build: {text}", flush=True)


def version() -> str:
    """The version of ``pyproject.toml``; the package must say the same."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = str(project["project"]["version"])
    from avatar_desktop import __version__

    if __version__ != found:
        raise SystemExit(
            f"build: pyproject.toml says {found} but avatar_desktop.__version__ is "
            f"{__version__}: make them the same"
        )
    return found


def arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "arm64", "aarch64": "arm64"}.get(machine, machine)


def deb_arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    ).stdout.strip()


def make_icons(folder: Path) -> None:
    """PNG icons in every hicolor size, an .ico and an .icns, drawn from the SVG by Qt."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    folder.mkdir(parents=True, exist_ok=True)
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "avatar-desktop.svg"))
    for size in (*ICON_SIZES, 1024):
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        image.save(str(folder / f"{size}.png"))
    QImage(str(folder / "256.png")).save(str(folder / f"{NAME}.ico"))
    QImage(str(folder / "1024.png")).save(str(folder / f"{NAME}.icns"))
    del _app


def run_pyinstaller(icons: Path, build_version: str) -> Path:
    env = dict(os.environ, AVATAR_BUILD_ICONS=str(icons), AVATAR_BUILD_VERSION=build_version)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK / "pyinstaller"),
            str(PACKAGING / "avatar-desktop.spec"),
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )
    return DIST / NAME


def tar_gz(folder: Path, target: Path, top: str) -> Path:
    with tarfile.open(target, "w:gz", compresslevel=9) as archive:
        archive.add(folder, arcname=top)
    return target


def zip_folder(folder: Path, target: Path, top: str) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, str(Path(top) / path.relative_to(folder)))
    return target


def build_deb(folder: Path, icons: Path, build_version: str) -> Path:
    """The .deb: /opt/avatar-desktop, /usr/bin links, desktop entry, icons, metainfo."""
    stage = WORK / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(folder, stage / "opt" / NAME, symlinks=True)
    bin_dir = stage / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for program in ("avatar-desktop", "avatar-cli"):
        (bin_dir / program).symlink_to(f"/opt/{NAME}/{program}")
    share = stage / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(PACKAGING / "linux" / f"{NAME}.desktop", share / "applications" / f"{NAME}.desktop")
    (share / "metainfo").mkdir(parents=True)
    metainfo = (PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_text(
        metainfo.replace("@VERSION@", build_version), encoding="utf-8"
    )
    for size in ICON_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy(icons / f"{size}.png", target / f"{NAME}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / f"{NAME}.svg", scalable / f"{NAME}.svg")
    doc = share / "doc" / NAME
    doc.mkdir(parents=True)
    shutil.copy(PACKAGING / "linux" / "copyright", doc / "copyright")

    size_kib = (
        sum(p.lstat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink())
        // 1024
    )
    control = stage / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: {NAME}\n"
        f"Version: {build_version}\n"
        f"Architecture: {deb_arch()}\n"
        "Maintainer: Avatar Desktop <avatar-desktop@users.noreply.github.com>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {DEB_DEPENDS}\n"
        "Recommends: gnome-keyring | kwalletmanager, fonts-noto-cjk\n"
        "Section: video\n"
        "Priority: optional\n"
        "Homepage: https://github.com/avatar-desktop/avatar-desktop\n"
        "Description: make digital-human videos through a generation service\n"
        " Avatar Desktop composes, queues, sends and follows digital-human video jobs,\n"
        " and saves the rendered videos. It includes avatar-cli for the terminal and a\n"
        " built-in sandbox to try everything without a token or a network.\n",
        encoding="utf-8",
    )
    # Nothing runs at install or removal: dpkg's triggers refresh the menus and icon caches,
    # and removing the package removes only its own files, never a user's data folder.
    target = DIST / f"{NAME}_{build_version}_{deb_arch()}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


def build_windows_installer(build_version: str) -> Path | None:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        say("Inno Setup (iscc) is not installed: no installer, the .zip only")
        return None
    subprocess.run(
        [
            iscc,
            f"/DAppVersion={build_version}",
            f"/DSourceDir={DIST / NAME}",
            f"/DOutputDir={DIST}",
            f"/DOutputName={NAME}-{build_version}-windows-{arch()}-setup",
            str(PACKAGING / "windows" / f"{NAME}.iss"),
        ],
        check=True,
    )
    return DIST / f"{NAME}-{build_version}-windows-{arch()}-setup.exe"


def build_dmg(build_version: str) -> Path:
    target = DIST / f"{NAME}-{build_version}-macos-{arch()}.dmg"
    stage = WORK / "dmg"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    shutil.copytree(DIST / "Avatar Desktop.app", stage / "Avatar Desktop.app", symlinks=True)
    (stage / "Applications").symlink_to("/Applications")
    target.unlink(missing_ok=True)
    subprocess.run(
        [
            "hdiutil",
            "create",
            "-volname",
            "Avatar Desktop",
            "-srcfolder",
            str(stage),
            "-ov",
            "-format",
            "UDZO",
            str(target),
        ],
        check=True,
    )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-pyinstaller", action="store_true", help="pack the folder built before"
    )
    args = parser.parse_args(argv)
    build_version = version()
    # What an earlier build left (another version's .deb, say) never passes for this one's.
    for old in DIST.glob(f"{NAME}[-_]*") if DIST.is_dir() else ():
        if old.is_file():
            old.unlink()
    shutil.rmtree(DIST / "Avatar Desktop.app", ignore_errors=True)
    icons = WORK / "icons"
    make_icons(icons)
    folder = DIST / NAME
    if not args.skip_pyinstaller:
        say(f"building the folder for {sys.platform} ({build_version})…")
        folder = run_pyinstaller(icons, build_version)
    made = [folder]
    top = f"{NAME}-{build_version}"
    if sys.platform.startswith("linux"):
        made.append(tar_gz(folder, DIST / f"{top}-linux-{arch()}.tar.gz", top))
        made.append(build_deb(folder, icons, build_version))
    elif sys.platform == "win32":
        made.append(zip_folder(folder, DIST / f"{top}-windows-{arch()}.zip", top))
        installer = build_windows_installer(build_version)
        if installer is not None:
            made.append(installer)
    elif sys.platform == "darwin":
        made.append(build_dmg(build_version))
    for path in made:
        size = (
            sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
            if path.is_dir()
            else path.stat().st_size
        )
        say(f"{path.relative_to(ROOT)}: {size / 1_000_000:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
