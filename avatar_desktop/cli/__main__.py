"""``python -m avatar_desktop.cli``: the same as ``avatar-cli``."""

import sys

from avatar_desktop.cli.main import main

sys.exit(main())
