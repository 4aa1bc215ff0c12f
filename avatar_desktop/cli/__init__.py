"""``avatar-cli``: the outbox and the task list from a terminal, without the window.

The command line works on the window's own data folder, settings and token, and sends through
the very code the window uses (:mod:`avatar_desktop.core.delivery`), so an item is sent exactly
once whichever program sends it, and a send interrupted by a crash or ``kill -9`` becomes
``outcome_unknown`` — never silently sent again. It never imports Qt widgets (``QtCore`` reads
the settings file); see :mod:`~avatar_desktop.cli.definition` for the commands and
:mod:`~avatar_desktop.cli.exits` for what the exit codes mean. Results go to stdout, messages
to stderr; the token is never printed.
"""

from avatar_desktop.cli.exits import Exit
from avatar_desktop.cli.main import main, run

__all__ = ["Exit", "main", "run"]
