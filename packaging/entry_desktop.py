"""The frozen ``avatar-desktop`` program (PyInstaller's script)."""

from avatar_desktop.__main__ import main

main()
