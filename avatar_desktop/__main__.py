"""``python -m avatar_desktop`` and the ``avatar-desktop`` command."""

from __future__ import annotations

import sys

from avatar_desktop.app import main as _main


def main() -> None:
    sys.exit(_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
