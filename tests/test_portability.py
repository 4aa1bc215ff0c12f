"""What differs on Windows and macOS (issue 17): each test runs where its defect lives (the
release workflow runs the suite on Windows and macOS runners) and passes on Linux too."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from avatar_desktop.core.paths import FileInUse, replace_file


def test_a_rename_refused_for_a_moment_is_tried_again_on_windows_only(tmp_path):
    """Item 4: on Windows an antivirus, the indexer, OneDrive or Excel holding a file makes a
    rename fail for a moment; elsewhere such a refusal is a real one."""
    source, target = tmp_path / "a.part", tmp_path / "a.mp4"
    source.write_bytes(b"video")
    refusals = [PermissionError(13, "in use"), PermissionError(13, "in use")]

    def busy_for_a_moment(old: str | Path, new: str | Path) -> None:
        if refusals:
            raise refusals.pop()
        os.replace(old, new)

    if sys.platform == "win32":
        replace_file(source, target, replace=busy_for_a_moment)
        assert target.read_bytes() == b"video" and not refusals
    else:
        with pytest.raises(PermissionError) as refused:
            replace_file(source, target, replace=busy_for_a_moment)
        assert not isinstance(refused.value, FileInUse) and len(refusals) == 1


@pytest.mark.skipif(
    sys.platform != "win32", reason="only Windows refuses to replace a file another holds open"
)
def test_a_file_held_open_is_replaced_once_freed_and_its_holder_named_when_it_is_not(tmp_path):
    source, target = tmp_path / "a.part", tmp_path / "a.mp4"
    target.write_bytes(b"old")
    source.write_bytes(b"new")
    holder = open(target, "rb")  # noqa: SIM115 - Python opens without FILE_SHARE_DELETE
    threading.Timer(0.3, holder.close).start()
    replace_file(source, target)
    assert target.read_bytes() == b"new"

    source.write_bytes(b"newer")
    with open(target, "rb"), pytest.raises(FileInUse) as held:
        replace_file(source, target, attempts=3)
    assert held.value.path == target and str(target) in str(held.value)
    assert source.read_bytes() == b"newer"  # nothing lost: try again later


def test_the_message_of_a_file_in_use_names_the_file_and_its_holder(qapp):
    from avatar_desktop.ui.i18n import error_text

    text = error_text(FileInUse(Path("C:/Users/anna/Videos/a.mp4"), ["Microsoft Excel"]))
    assert text.startswith("The file C:/Users/anna/Videos/a.mp4 is in use by Microsoft Excel")
    anonymous = error_text(FileInUse(Path("a.mp4"), []))
    assert "is in use by another program" in anonymous
