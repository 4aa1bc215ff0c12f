"""Drafts: the autosaved form and named drafts, in the data file."""

from __future__ import annotations

import pytest

from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.drafts import Drafts

FORM = {
    "mode": "create_voice",
    "avatar_url": "https://example.com/a.png",
    "no_watermark": True,
    "sample_url": "https://example.com/s.wav",
    "clone_language": "zh",
    "clone_text": "你好，世界 👋\n第二行",
    "use_text": "hello",
}


@pytest.fixture
def drafts(tmp_path):
    with Database(tmp_path / "d.sqlite3") as db:
        yield Drafts(db)


def test_autosave_comes_back_exactly_after_reopening(tmp_path):
    path = tmp_path / "d.sqlite3"
    with Database(path) as db:
        assert Drafts(db).load_autosave() is None
        Drafts(db).autosave(FORM)
    with Database(path) as db:
        assert Drafts(db).load_autosave() == FORM


def test_a_draft_keeps_only_form_fields(drafts):
    drafts.autosave({**FORM, "token": "sk-secret", "no_watermark": "yes"})
    saved = drafts.load_autosave()
    assert "token" not in saved
    assert "no_watermark" not in saved  # wrong type: dropped, not coerced


def test_named_drafts_save_list_rename_duplicate_delete(drafts):
    first = drafts.save("  Monday   batch ", FORM)
    assert drafts.get(first).name == "Monday batch"
    with pytest.raises(ValueError):
        drafts.save("Monday batch", {})
    assert drafts.save("Monday batch", {"avatar_url": "x"}, replace=True) == first
    copy = drafts.duplicate(first)
    assert drafts.get(copy).name == "Monday batch (2)"
    assert drafts.get(drafts.duplicate(first)).name == "Monday batch (3)"
    drafts.rename(copy, "Tuesday")
    with pytest.raises(ValueError):
        drafts.rename(copy, "Monday batch")
    assert {d.name for d in drafts.named()} == {"Monday batch", "Monday batch (3)", "Tuesday"}
    removed = drafts.delete(first)
    assert removed.content == {"avatar_url": "x"}
    assert drafts.get(first) is None
    with pytest.raises(ValueError):
        drafts.save("   ", FORM)


def test_autosave_never_touches_named_drafts(drafts):
    draft_id = drafts.save("keep", FORM)
    drafts.autosave({})
    assert drafts.get(draft_id).content == FORM
