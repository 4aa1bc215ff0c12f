"""The outbox panel, the import preview and the drafts dialog, as widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from avatar_desktop.core.importer import parse_csv
from avatar_desktop.core.request import AudioTrack, GenerationRequest
from avatar_desktop.core.sending import Hold
from avatar_desktop.core.service import ErrorKind
from avatar_desktop.core.store.database import Database
from avatar_desktop.core.store.drafts import Drafts
from avatar_desktop.core.store.outbox import Outbox, Reason
from avatar_desktop.core.store.tasks import TaskStore
from avatar_desktop.core.submission import screen
from avatar_desktop.ui.compose.drafts_dialog import DraftsDialog
from avatar_desktop.ui.outbox.import_dialog import ImportPreviewDialog
from avatar_desktop.ui.outbox.outbox_panel import OutboxPanel, OutboxTableModel

SERVICE = "http://127.0.0.1:1"


def request(n: int) -> GenerationRequest:
    return GenerationRequest(
        "https://example.com/face.png", AudioTrack(f"https://example.com/{n}.mp3")
    )


def test_outbox_model_shows_states_and_reasons(qtbot, qtmodeltester, tmp_path):
    with Database(tmp_path / "d.sqlite3") as db:
        outbox = Outbox(db)
        first = outbox.add(SERVICE, request(1))
        second = outbox.add(SERVICE, request(2))
        outbox.claim(second, "a" * 32)
        outbox.mark_refused(
            second, "a" * 32, Reason("<b>余额不足</b>", ErrorKind.REJECTED, verbatim=True)
        )
        model = OutboxTableModel(outbox)
        qtmodeltester.check(model)
        assert model.rowCount() == 2
        assert model.data(model.index(0, model.COL_STATE)) == "Queued"
        assert model.data(model.index(1, model.COL_STATE)) == "Refused"
        assert model.data(model.index(1, model.COL_REASON)) == (
            "The service refused the request; it was not billed. The server said: <b>余额不足</b>"
        )  # plain text
        tooltip = model.data(model.index(1, model.COL_STATE), Qt.ItemDataRole.ToolTipRole)
        assert "&lt;b&gt;" in tooltip
        assert model.data(model.index(1, model.COL_STATE), Qt.ItemDataRole.ForegroundRole)
        assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) == first
        outbox.cancel(first)
        model.reload()
        assert model.data(model.index(0, model.COL_STATE)) == "Cancelled"


def test_outbox_panel_offers_what_the_selection_allows(qtbot, tmp_path):
    with Database(tmp_path / "d.sqlite3") as db:
        outbox = Outbox(db)
        item_id = outbox.add(SERVICE, request(1))
        outbox.claim(item_id, "a" * 32)
        outbox.mark_outcome_unknown(item_id, "a" * 32, Reason("dropped", ErrorKind.OUTCOME_UNKNOWN))
        panel = OutboxPanel(OutboxTableModel(outbox))
        qtbot.addWidget(panel)
        panel.select_item(item_id)
        assert panel.resolve_action.isEnabled() and panel.requeue_action.isEnabled()
        with qtbot.waitSignal(panel.resolve_item) as asked:
            panel.resolve_action.trigger()
        assert asked.args == [item_id]
        panel.show_summary(outbox.summary(SERVICE), Hold.TOKEN_REFUSED)
        assert "refused the token" in panel.summary.text()
        assert "1 need your decision" in panel.summary.text()


def test_import_preview_lists_problems_and_duplicates(qtbot, tmp_path):
    report = parse_csv(
        "avatar_url,audio_url,no_watermark\n"
        "https://example.com/a.png,https://example.com/1.mp3,yes\n"
        "https://example.com/a.png,https://example.com/2.mp3,maybe\n"
        "https://example.com/a.png,https://example.com/3.mp3,no\n"
    )
    with Database(tmp_path / "d.sqlite3") as db:
        outbox = Outbox(db)
        outbox.add(SERVICE, report.rows[2].request)  # line 4 is queued already
        numbered = [(row.line, row.request) for row in report.valid]
        screening = screen(outbox, TaskStore(db), SERVICE, numbered)
    dialog = ImportPreviewDialog(tmp_path / "jobs.csv", report, screening)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Queue 1 job(s)"
    assert dialog.chosen() == [2]
    # The invalid row comes first, with its line and a reason.
    assert dialog.table.item(0, 0).text() == "3"
    assert dialog.table.item(0, 2).text().startswith("No watermark: ")  # the form's label
    assert dialog.table.item(1, 1).text() == "Already queued or sent"
    assert dialog.table.item(1, 2).text().startswith("Audio URL · https://")  # the user's words
    dialog.allow_duplicates.setChecked(True)
    assert dialog.chosen() == [2, 4]


def test_drafts_dialog_opens_renames_and_deletes(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    with Database(tmp_path / "d.sqlite3") as db:
        drafts = Drafts(db)
        drafts.save("one", {"avatar_url": "https://example.com/1.png"})
        drafts.save("two", {"avatar_url": "https://example.com/2.png"})
        dialog = DraftsDialog(drafts)
        qtbot.addWidget(dialog)
        assert dialog.list.count() == 2
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("one", True))
        dialog.list.setCurrentRow(0)  # "two", the most recent
        dialog.rename_button.click()
        assert dialog.message.text() == "A draft with that name exists already."
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        dialog.delete_button.click()
        assert dialog.list.count() == 1
        with qtbot.waitSignal(dialog.open_draft) as opened:
            dialog.open_button.click()
        assert opened.args == ["one", {"avatar_url": "https://example.com/1.png"}]
