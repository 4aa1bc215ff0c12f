"""Drafts and outbox items travel to another computer in one file, without the token."""

from __future__ import annotations

import json

import pytest

from avatar_desktop.core.request import AudioTrack, ClonedVoice, GenerationRequest, Language
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import ItemState, Outbox
from avatar_desktop.core.submission import ConsentGiven, consent_record
from avatar_desktop.core.transfer import read_export, write_export

SERVICE = "https://api.gpt.ge"


def request(n: int) -> GenerationRequest:
    return GenerationRequest(
        "https://example.com/a.png", AudioTrack(f"https://example.com/{n}.mp3")
    )


def test_export_then_import_on_another_computer(tmp_path, monkeypatch):
    monkeypatch.setenv("AVATAR_API_TOKEN", "sk-never-in-a-file")
    with Database(tmp_path / "one.sqlite3") as db:
        drafts, outbox = Drafts(db), Outbox(db)
        drafts.save(
            "周一 batch", {"avatar_url": "https://example.com/a.png", "clone_text": "你好 👋"}
        )
        outbox.add(SERVICE, request(1))
        done = outbox.add(SERVICE, request(2))
        outbox.claim(done, "a" * 32)
        outbox.mark_submitted(done, "a" * 32, "f" * 32)
        counts = write_export(tmp_path / "export.json", drafts, outbox)
    assert counts == {"drafts": 1, "outbox": 1}
    text = (tmp_path / "export.json").read_text(encoding="utf-8")
    assert "sk-never-in-a-file" not in text
    assert json.loads(text)["outbox"][0]["payload"] == request(1).to_payload()
    with Database(tmp_path / "two.sqlite3") as db:
        drafts, outbox = Drafts(db), Outbox(db)
        drafts.save("周一 batch", {})
        report = read_export(tmp_path / "export.json", drafts, outbox)
        assert (report.drafts, report.items, report.skipped) == (1, 1, [])
        assert drafts.find("周一 batch (2)").content["clone_text"] == "你好 👋"
        (item,) = outbox.items()
        assert item.state is ItemState.QUEUED and item.service_url == SERVICE
        assert item.payload == request(1).to_payload()


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2]", encoding="utf-8")
    with Database(tmp_path / "d.sqlite3") as db, pytest.raises(ValueError):
        read_export(tmp_path / "x.json", Drafts(db), Outbox(db))


def test_invalid_entries_are_skipped_and_named(tmp_path):
    data = {
        "format": "avatar-desktop-export",
        "version": 1,
        "drafts": [{"name": ""}],
        "outbox": [{"service": SERVICE, "payload": {"avatar_url": "x"}}],
    }
    (tmp_path / "e.json").write_text(json.dumps(data), encoding="utf-8")
    with Database(tmp_path / "d.sqlite3") as db:
        report = read_export(tmp_path / "e.json", Drafts(db), Outbox(db))
    assert report.drafts == 0 and report.items == 0
    assert report.skipped[0].startswith("draft 1") and report.skipped[1].startswith("item 1")


def test_the_consent_record_of_a_cloned_voice_travels_with_its_item(tmp_path):
    sample = "https://example.com/voice.wav"
    clone = GenerationRequest("https://example.com/a.png", ClonedVoice(sample, Language.EN, "Hi"))
    record = consent_record(sample, ConsentGiven.WINDOW)
    with Database(tmp_path / "one.sqlite3") as db:
        outbox = Outbox(db)
        outbox.add(SERVICE, clone, consent=record)
        outbox.add(SERVICE, request(1))
        write_export(tmp_path / "export.json", Drafts(db), outbox)
    data = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    data["outbox"].append({**data["outbox"][0], "consent": {**record, "sample_url": "other"}})
    (tmp_path / "export.json").write_text(json.dumps(data), encoding="utf-8")
    with Database(tmp_path / "two.sqlite3") as db:
        outbox = Outbox(db)
        read_export(tmp_path / "export.json", Drafts(db), outbox)
        # The record comes back with its clone; one naming another sample does not.
        assert [item.consent for item in outbox.items()] == [record, None, None]
