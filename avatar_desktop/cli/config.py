"""``avatar-cli config …``: the settings the window and ``avatar-cli`` share."""

from __future__ import annotations

import argparse

from avatar_desktop.cli.exits import CliExit, Exit
from avatar_desktop.cli.output import emit_json, out, table
from avatar_desktop.cli.session import Session
from avatar_desktop.core.settings import SettingError, config_key, config_values


def _config_text(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def cmd_config_list(session: Session, args: argparse.Namespace) -> int:
    values = config_values(session.settings)
    if args.json:
        emit_json(values)
        return Exit.OK
    for line in table([["KEY", "VALUE"], *([k, _config_text(v)] for k, v in values.items())]):
        out(line)
    return Exit.OK


def cmd_config_get(session: Session, args: argparse.Namespace) -> int:
    out(_config_text(config_key(args.key).show(session.settings)))
    return Exit.OK


def cmd_config_set(session: Session, args: argparse.Namespace) -> int:
    key = config_key(args.key)
    try:
        key.set(session.settings, args.value)
    except SettingError as exc:
        raise CliExit(Exit.USAGE, f"{key.name}: {exc}; nothing was changed.") from None
    out(f"{key.name} = {_config_text(key.show(session.settings))}")
    return Exit.OK


def cmd_config_unset(session: Session, args: argparse.Namespace) -> int:
    key = config_key(args.key)
    key.unset(session.settings)
    out(f"{key.name} = {_config_text(key.show(session.settings))} (the default)")
    return Exit.OK
