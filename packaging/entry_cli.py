"""The frozen ``avatar-cli`` program (PyInstaller's script)."""

import sys

from avatar_desktop.cli import main

sys.exit(main())
