"""Write the English user guide from the README, or check that it is up to date.

    python resources/guide/update.py           # (re)write user-guide.en.md
    python resources/guide/update.py --check   # exit 1 when it differs from the README

The guide is the README's title and first paragraph, then every section for users: all but
the ones in ``NOT_FOR_USERS`` (installing from source, developing). The app shows it under
Help → User guide. ``user-guide.zh_CN.md`` is its Simplified Chinese translation, kept by hand
with the same headings and the same code blocks (a test compares them): update it too whenever
the English guide changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE.parent.parent / "README.md"
GUIDE = HERE / "user-guide.en.md"
NOT_FOR_USERS = ("Two commands", "Bundles: install it like any desktop app", "For developers")
"""README sections the guide leaves out, by heading (building and testing the app)."""


def english_guide(readme: str) -> str:
    """The user guide that ``readme`` (the README's text) makes."""
    head, *sections = readme.split("\n## ")
    title, _, intro = head.partition("\n\n")
    first_paragraph = intro.split("\n\n", 1)[0]
    kept = [
        "## " + section.strip("\n")
        for section in sections
        if section.split("\n", 1)[0].strip() not in NOT_FOR_USERS
    ]
    return "\n\n".join([title.strip(), first_paragraph.strip(), *kept]) + "\n"


def main(argv: list[str]) -> int:
    wanted = english_guide(README.read_text(encoding="utf-8"))
    if "--check" in argv:
        if GUIDE.read_text(encoding="utf-8") != wanted:
            print(f"{GUIDE.name} differs from README.md: run {Path(__file__).name}")
            return 1
        return 0
    GUIDE.write_text(wanted, encoding="utf-8", newline="\n")
    print(f"wrote {GUIDE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
