"""The lazy task table model: Qt's model checks, display texts, paging and updates."""

from __future__ import annotations

import gc
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from legacy_rows import legacy_row
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QTableView

from avatar_desktop.core.service import TaskInfo, TaskStatus
from avatar_desktop.core.store.schema import LocalStatus
from avatar_desktop.core.store.tasks import TaskRecord, TaskStore
from avatar_desktop.ui.tasks.task_model import TaskTableModel
from avatar_desktop.ui.tasks.tasks_panel import StatusDelegate
from avatar_desktop.ui.views import record_table

SERVICE = "https://api.example.test"
M = TaskTableModel


def payload(n: int = 0, mode: str = "audio_url") -> dict:
    voice = {
        "audio_url": f"https://cdn.example.test/track{n}.mp3",
        "create_voice": {
            "audio_url": "https://cdn.example.test/sample.wav",
            "language": "en",
            "text": f"Hello {n}",
        },
        "use_voice": {"voice_engine_id": "e", "audio_id": "a", "language": "zh", "text": "你好"},
    }[mode]
    return {"avatar_url": f"https://cdn.example.test/avatar{n}.png", mode: voice}


class CountingStore(TaskStore):
    """A real store that records every ``get_many`` call."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.get_many_calls: list[list[int]] = []

    def get_many(self, row_ids):
        row_ids = list(row_ids)
        self.get_many_calls.append(row_ids)
        return super().get_many(row_ids)


@pytest.fixture
def store(tmp_path):
    with CountingStore(tmp_path / "tasks.sqlite3") as store:
        yield store


def fill(store: TaskStore, count: int, first: int = 0) -> list[int]:
    """Tasks ``task-<first>``... one second apart, oldest first; returns their row ids."""
    base = datetime.now(UTC) - timedelta(hours=2)  # recent: not stalled
    return [
        store.add_task(f"task-{i}", SERVICE, payload(i), created_at=base + timedelta(seconds=i))
        for i in range(first, first + count)
    ]


def text(model: TaskTableModel, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column), role)


def tid(model: TaskTableModel, row: int) -> str | None:
    """The task id of a row (shown in the details and the avatar tooltip, not a column)."""
    record = model.record_at(row)
    return None if record is None else record.task_id


@pytest.fixture
def mixed_store(store):
    """One row in every state and voice mode."""
    for i, status in enumerate(TaskStatus):
        store.add_task(f"task-{status}", SERVICE, payload(i, ["audio_url", "use_voice"][i % 2]))
        store.update_from_info(f"task-{status}", TaskInfo(f"task-{status}", status, progress=i))
    legacy_row(
        store,
        SERVICE,
        payload(8, "create_voice"),
        LocalStatus.OUTCOME_UNKNOWN,
        "The connection broke.",
    )
    legacy_row(store, SERVICE, payload(9))
    return store


def test_model_passes_qt_model_checks(qtmodeltester, mixed_store):
    model = TaskTableModel(mixed_store)
    assert model.rowCount() == 9
    assert model.columnCount() == 5
    qtmodeltester.check(model)

    model.task_added(legacy_row(mixed_store, SERVICE, payload(20)))
    qtmodeltester.check(model)
    removed = [r.row_id for r in mixed_store.remove(mixed_store.row_ids()[2:4])]
    model.tasks_removed(removed)
    qtmodeltester.check(model)
    model.reload()
    assert model.rowCount() == 8
    qtmodeltester.check(model)


def test_column_constants():
    columns = [M.COL_CREATED, M.COL_MODE, M.COL_AVATAR, M.COL_STATUS, M.COL_UPDATED]
    assert columns == list(range(M.COLUMN_COUNT))


def test_header_data(store):
    model = TaskTableModel(store)
    horizontal = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]
    assert horizontal == ["Created", "Voice mode", "Avatar", "Status", "Updated"]


class PrefixTranslator(QTranslator):
    def translate(self, context, source, disambiguation=None, n=-1):
        return f"zh:{source}" if context == "TaskTableModel" else ""


def test_texts_are_translated_when_displayed(qapp, mixed_store):
    model = TaskTableModel(mixed_store)
    translator = PrefixTranslator()
    qapp.installTranslator(translator)
    try:
        assert model.headerData(M.COL_STATUS, Qt.Orientation.Horizontal) == "zh:Status"
        assert text(model, 0, M.COL_STATUS) == "zh:Sending…"
        assert text(model, 0, M.COL_MODE) == "zh:Audio URL"
    finally:
        qapp.removeTranslator(translator)
    assert text(model, 0, M.COL_STATUS) == "Sending…"


STATUS_WORDS = {
    TaskStatus.NOT_START: "Waiting",
    TaskStatus.SUBMITTED: "Waiting",
    TaskStatus.QUEUED: "Queued",
    TaskStatus.IN_PROGRESS: "Rendering 3%",
    TaskStatus.SUCCESS: "Done",
    TaskStatus.FAILURE: "Failed",
    TaskStatus.UNKNOWN: "Unknown",
}


def test_display_values_for_each_status(mixed_store):
    model = TaskTableModel(mixed_store)
    shown = {
        tid(model, row): (text(model, row, M.COL_STATUS), text(model, row, M.COL_MODE))
        for row in range(model.rowCount())
    }
    for i, status in enumerate(TaskStatus):
        mode = ["Audio URL", "Existing voice"][i % 2]
        assert shown[f"task-{status}"] == (STATUS_WORDS[status], mode)
    # A failed task never shows a percentage; the two rows without a task id come first.
    assert "%" not in shown[f"task-{TaskStatus.FAILURE}"][0]
    assert tid(model, 0) is None
    assert text(model, 0, M.COL_STATUS) == "Sending…"
    assert tid(model, 1) is None
    assert text(model, 1, M.COL_STATUS) == "Outcome unknown"
    assert text(model, 1, M.COL_MODE) == "Clone voice"


def test_a_task_unfinished_for_hours_shows_as_stalled(store):
    store.add_task("old", SERVICE, payload(1), created_at=datetime.now(UTC) - timedelta(hours=7))
    store.update_from_info("old", TaskInfo("old", TaskStatus.UNKNOWN))
    model = TaskTableModel(store)
    assert text(model, 0, M.COL_STATUS) == "Stalled"


def test_an_unreadable_answer_shows_on_its_row(store):
    store.add_task("t", SERVICE, payload(1))
    store.update_from_info("t", TaskInfo("t", TaskStatus.IN_PROGRESS, progress=40))
    store.record_failure("t", "The answer could not be read.", None)
    model = TaskTableModel(store)
    assert text(model, 0, M.COL_STATUS) == "Rendering 40% ⚠"
    assert "could not be read" in text(model, 0, M.COL_STATUS, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(text(model, 0, M.COL_STATUS, Qt.ItemDataRole.ForegroundRole), QColor)


def test_display_of_one_row(store):
    created = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    row_id = store.add_task("task-1", SERVICE, payload(3), created_at=created)
    store.update_from_info("task-1", TaskInfo("task-1", TaskStatus.IN_PROGRESS, progress=35))
    model = TaskTableModel(store)
    local = created.astimezone()  # the machine's time zone, unambiguous format
    assert text(model, 0, M.COL_CREATED) == local.strftime("%Y-%m-%d %H:%M")
    assert tid(model, 0) == "task-1"
    assert text(model, 0, M.COL_STATUS) == "Rendering 35%"
    assert text(model, 0, M.COL_AVATAR) == "avatar3.png"
    assert len(text(model, 0, M.COL_UPDATED)) == len("HH:MM:SS")  # updated today
    assert text(model, 0, 0, Qt.ItemDataRole.UserRole) == row_id
    record = text(model, 0, 0, M.RecordRole)
    assert isinstance(record, TaskRecord)
    assert record.row_id == row_id
    assert model.record_at(0) == record
    assert model.record_at(1) is None
    assert model.record_at(-1) is None
    assert model.row_of(row_id) == 0
    assert model.row_of(row_id + 1) is None
    assert M.RecordRole == Qt.ItemDataRole.UserRole + 1


def test_tooltips_show_untrusted_text_literally(store):
    row_id = store.add_task("task-1", SERVICE, payload(1))
    store.update_from_info(
        "task-1", TaskInfo("task-1", TaskStatus.FAILURE, fail_reason="<b>bad</b> & <img src=x>")
    )
    store.set_error(row_id, "Refresh failed")
    model = TaskTableModel(store)
    tip = text(model, 0, M.COL_STATUS, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bad&lt;/b&gt; &amp; &lt;img src=x&gt;" in tip
    assert "<b>" not in tip
    assert "Refresh failed" in tip
    assert "avatar1.png" in text(model, 0, M.COL_AVATAR, Qt.ItemDataRole.ToolTipRole)
    assert "task-1" in text(model, 0, M.COL_AVATAR, Qt.ItemDataRole.ToolTipRole)
    assert text(model, 0, M.COL_MODE, Qt.ItemDataRole.ToolTipRole) is None
    assert isinstance(text(model, 0, M.COL_STATUS, Qt.ItemDataRole.ForegroundRole), QColor)
    assert text(model, 0, M.COL_MODE, Qt.ItemDataRole.ForegroundRole) is None


def test_records_are_fetched_lazily_in_pages(store):
    ids = fill(store, 5000)
    model = TaskTableModel(store)
    assert model.rowCount() == 5000
    assert store.get_many_calls == []

    for column in range(model.columnCount()):
        text(model, 0, column)
        text(model, 4999, column)
    assert tid(model, 0) == "task-4999"
    assert tid(model, 4999) == "task-0"
    assert len(store.get_many_calls) == 2
    assert all(len(call) <= model.PAGE_SIZE for call in store.get_many_calls)
    assert ids[-1] in store.get_many_calls[0]
    assert ids[0] in store.get_many_calls[1]

    text(model, 100, M.COL_STATUS)  # on the first page: already cached
    assert len(store.get_many_calls) == 2

    # Reading every row fetches each page once and keeps the cache bounded: the first page is
    # still cached, the last one was evicted by the time the scan reaches it again.
    assert model.MAX_CACHED < 5000 - 2 * model.PAGE_SIZE
    store.get_many_calls.clear()
    for row in range(model.rowCount()):
        tid(model, row)
    pages = -(-5000 // model.PAGE_SIZE)
    assert len(store.get_many_calls) == pages - 1
    assert len(model._cache) <= model.MAX_CACHED
    tid(model, 0)  # evicted long ago
    assert len(store.get_many_calls) == pages


def test_task_added_puts_the_new_row_first(qtbot, store):
    fill(store, 3)
    model = TaskTableModel(store)
    tid(model, 0)
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        row_id = legacy_row(store, SERVICE, payload(7))
        model.task_added(row_id)
    assert blocker.args[1:] == [0, 0]
    assert model.rowCount() == 4
    assert text(model, 0, 0, Qt.ItemDataRole.UserRole) == row_id
    assert text(model, 0, M.COL_STATUS) == "Sending…"
    assert tid(model, 1) == "task-2"

    # Telling it twice only refreshes the row.
    with qtbot.assertNotEmitted(model.rowsInserted):
        model.task_added(row_id)
    assert model.rowCount() == 4


def test_task_added_that_is_older_than_the_top_keeps_the_order(qtbot, store):
    fill(store, 3)
    model = TaskTableModel(store)
    old = store.add_task("old", SERVICE, payload(), created_at=datetime(2020, 1, 1, tzinfo=UTC))
    with qtbot.waitSignal(model.modelReset):
        model.task_added(old)
    assert model.row_of(old) == 3
    assert [text(model, r, 0, Qt.ItemDataRole.UserRole) for r in range(4)] == store.row_ids()


def test_task_changed_refreshes_its_row(qtbot, store):
    fill(store, 3)
    model = TaskTableModel(store)
    assert text(model, 2, M.COL_STATUS) == "Unknown"
    store.update_from_info("task-0", TaskInfo("task-0", TaskStatus.SUCCESS, progress=100))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.task_changed(store.row_ids()[2])
    top_left, bottom_right = blocker.args[:2]
    assert (top_left.row(), top_left.column()) == (2, 0)
    assert (bottom_right.row(), bottom_right.column()) == (2, model.columnCount() - 1)
    assert text(model, 2, M.COL_STATUS) == "Done"
    with qtbot.assertNotEmitted(model.dataChanged):
        model.task_changed(99999)


def test_tasks_removed_drops_rows(qtbot, store):
    ids = fill(store, 10)
    model = TaskTableModel(store)
    text(model, 0, 0)
    gone = [r.row_id for r in store.remove([ids[9], ids[8], ids[3]])]
    with qtbot.waitSignal(model.rowsRemoved):
        model.tasks_removed(gone)
    assert model.rowCount() == 7
    shown = [text(model, r, 0, Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert shown == store.row_ids()
    assert all(model.row_of(i) is None for i in gone)
    model.tasks_removed([12345])
    assert model.rowCount() == 7


def test_removing_many_scattered_rows_resets(qtbot, store):
    ids = fill(store, 200)
    model = TaskTableModel(store)
    gone = [r.row_id for r in store.remove(ids[::2])]
    with qtbot.waitSignal(model.modelReset), qtbot.assertNotEmitted(model.rowsRemoved):
        model.tasks_removed(gone)
    assert model.rowCount() == 100
    shown = [text(model, r, 0, Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert shown == store.row_ids()


def test_reload_reads_the_store_again(qtbot, store):
    fill(store, 3)
    model = TaskTableModel(store)
    text(model, 0, 0)
    store.set_error(store.row_ids()[0], "changed")
    fill(store, 2, first=3)
    with qtbot.waitSignal(model.modelReset):
        model.reload()
    assert model.rowCount() == 5
    assert text(model, 2, M.COL_STATUS, Qt.ItemDataRole.ToolTipRole) is not None


def test_a_record_missing_from_the_store_shows_nothing(store):
    ids = fill(store, 3)
    model = TaskTableModel(store)
    store.remove([ids[0]])  # the model was not told
    assert tid(model, 2) is None
    assert model.record_at(2) is None
    assert tid(model, 0) == "task-2"


def app_table(model: TaskTableModel) -> QTableView:
    """The task table as the window builds it: the record table and the status delegate."""
    view = record_table(model, [130, 110, 260, 160])
    view.setItemDelegateForColumn(M.COL_STATUS, StatusDelegate(view))
    return view


def cell_image(view: QTableView, shot: QImage, row: int, column: int) -> QImage:
    """The pixels of one cell in ``shot`` (a grab of the whole view)."""
    rect = view.visualRect(view.model().index(row, column))
    assert rect.isValid() and view.viewport().rect().contains(rect.center()), (row, column)
    return shot.copy(rect.translated(view.viewport().pos()))


def colours(image: QImage) -> Counter[int]:
    """How many pixels of each colour (0xAARRGGBB) the image has."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    bits = image.constBits()
    words = memoryview(bits).cast("B").cast("I")
    per_line = image.bytesPerLine() // 4
    return Counter(
        words[y * per_line + x] for y in range(image.height()) for x in range(image.width())
    )


def ink(image: QImage) -> int:
    """Pixels not of the cell's background (its most common colour): the drawn text."""
    counts = colours(image)
    return sum(counts.values()) - counts.most_common(1)[0][1]


def reddish(image: QImage) -> int:
    """Pixels whose red clearly outweighs green and blue (the alert colour, antialiased)."""
    return sum(
        n
        for argb, n in colours(image).items()
        if (argb >> 16 & 255) > (argb >> 8 & 255) + 60 and (argb >> 16 & 255) > (argb & 255) + 60
    )


def coloured(image: QImage) -> int:
    """Strongly coloured pixels (a progress bar's chunk; text and frames are grey)."""
    return sum(n for argb, n in colours(image).items() if QColor(argb).hsvSaturation() > 100)


def same_pixels(a: QImage, b: QImage) -> bool:
    return a.size() == b.size() and a.convertToFormat(
        QImage.Format.Format_ARGB32
    ) == b.convertToFormat(QImage.Format.Format_ARGB32)


def visible_rows(view: QTableView) -> range:
    """The rows shown whole in the view."""
    shown = view.viewport().rect()
    first = view.rowAt(0)
    rows = [
        row
        for row in range(first, first + shown.height())
        if shown.contains(view.visualRect(view.model().index(row, 0)))
    ]
    return range(rows[0], rows[-1] + 1)


def test_model_in_a_table_view_renders(qtbot, mixed_store):
    fill(mixed_store, 300)
    mixed_store.add_task("task-busy", SERVICE, payload(50))
    mixed_store.update_from_info(
        "task-busy", TaskInfo("task-busy", TaskStatus.IN_PROGRESS, progress=60)
    )
    mixed_store.add_task("task-done-too", SERVICE, payload(51))
    mixed_store.update_from_info("task-done-too", TaskInfo("task-done-too", TaskStatus.SUCCESS))
    model = TaskTableModel(mixed_store)
    view = app_table(model)
    view.setAlternatingRowColors(False)  # one background: the same words paint the same pixels
    qtbot.addWidget(view)
    view.resize(900, 420)
    view.show()
    qtbot.waitExposed(view)

    shot = view.grab().toImage()
    rows = visible_rows(view)
    assert rows.start == 0 and len(rows) >= 8
    by_status = {}
    for row in rows:
        for column in range(M.COLUMN_COUNT):
            words = text(model, row, column)
            assert words, (row, column)  # every cell of these rows has text...
            assert ink(cell_image(view, shot, row, column)) > 20, (row, column, words)  # drawn
        by_status.setdefault(text(model, row, M.COL_STATUS), []).append(row)
    status = {
        words: [cell_image(view, shot, row, M.COL_STATUS) for row in found]
        for words, found in by_status.items()
    }
    # The same words paint the same pixels; other words paint others.
    [done_a, done_b] = status["Done"]
    assert same_pixels(done_a, done_b)
    assert not same_pixels(status["Queued"][0], status["Done"][0])
    # Failed and unknown outcomes are red; the others are not.
    for words in ("Failed", "Outcome unknown"):
        assert reddish(status[words][0]) > 10, words
    for words in ("Waiting", "Queued", "Done", "Sending…"):
        assert reddish(status[words][0]) == 0, words
    # A task on its way is a progress bar: its chunk fills more of the cell at 60 % than at 3 %.
    [busy_row] = by_status["Rendering 60%"]
    [three_row] = by_status["Rendering 3%"]
    bar_60 = coloured(cell_image(view, shot, busy_row, M.COL_STATUS))
    bar_3 = coloured(cell_image(view, shot, three_row, M.COL_STATUS))
    assert bar_60 > 8 * max(bar_3, 10)

    # At the bottom, the last rows are painted: avatar cells of other tasks than at the top.
    top_avatar = cell_image(view, shot, 2, M.COL_AVATAR)
    view.scrollToBottom()
    shot = view.grab().toImage()
    bottom = visible_rows(view)
    assert bottom.stop == model.rowCount() == 311
    last = bottom[-1]
    assert text(model, last, M.COL_AVATAR) == "avatar0.png"  # the oldest task
    assert ink(cell_image(view, shot, last, M.COL_AVATAR)) > 20
    assert not same_pixels(cell_image(view, shot, last, M.COL_AVATAR), top_avatar)

    # A new row comes first and a removed one goes: row 1 now shows what row 0 showed.
    view.scrollToTop()
    shot = view.grab().toImage()
    first_words = text(model, 0, M.COL_STATUS)
    first = cell_image(view, shot, 0, M.COL_STATUS)
    model.task_added(legacy_row(mixed_store, SERVICE, payload(1)))
    removed = model.data(model.index(5, 0), Qt.ItemDataRole.UserRole)
    model.tasks_removed([removed])
    shot = view.grab().toImage()
    assert model.rowCount() == 311
    assert removed not in [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole) for r in rows]
    assert text(model, 0, M.COL_STATUS) == "Sending…" != first_words
    assert not same_pixels(cell_image(view, shot, 0, M.COL_STATUS), first)
    assert text(model, 1, M.COL_STATUS) == first_words
    assert same_pixels(cell_image(view, shot, 1, M.COL_STATUS), first)
    assert model.data(model.index(model.rowCount() - 1, M.COL_STATUS)) in STATUS_WORDS.values()


class CountingModel(TaskTableModel):
    """Counts the view's questions, to know that a paint really asked the model."""

    asked = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        CountingModel.asked += 1
        return super().data(index, role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        CountingModel.asked += 1
        return super().headerData(section, orientation, role)


def test_rendering_does_not_leak_references_to_none(qtbot, store):
    """PySide6 6.12 on Python 3.11 drops a reference to None whenever C++ returns an empty
    QVariant to Python (e.g. ``super().headerData()``); enough of them free None and crash.

    Python 3.11's None is an ordinary object: painting the same rows again must leave its
    reference count exactly where it was (with PySide6 6.11 it does, to the reference)."""
    fill(store, 300)
    model = CountingModel(store)
    view = app_table(model)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)

    def paint_both_ends() -> None:
        view.scrollToBottom()
        view.grab()
        view.scrollToTop()
        view.grab()

    for _ in range(3):
        paint_both_ends()  # warm up: the first paints create long-lived objects
    gc.collect()
    before, asked = sys.getrefcount(None), CountingModel.asked
    for _ in range(5):
        paint_both_ends()
    gc.collect()
    assert CountingModel.asked - asked > 1000  # the paints asked the model for every cell
    assert sys.getrefcount(None) - before >= 0


def test_sorting_by_each_column_is_done_by_the_store(store):
    fill(store, 6)
    store.update_from_info("task-1", TaskInfo("task-1", TaskStatus.SUCCESS, progress=100))
    store.update_from_info("task-4", TaskInfo("task-4", TaskStatus.IN_PROGRESS, progress=50))
    store.update_from_info("task-2", TaskInfo("task-2", TaskStatus.FAILURE))
    model = TaskTableModel(store)
    assert [tid(model, r) for r in range(6)] == [f"task-{i}" for i in (5, 4, 3, 2, 1, 0)]

    model.sort(M.COL_STATUS, Qt.SortOrder.AscendingOrder)
    statuses = [text(model, r, M.COL_STATUS) for r in range(6)]
    assert statuses[0] == "Rendering 50%"  # on its way before unknown, then done, then failed
    assert statuses[-2:] == ["Done", "Failed"]
    assert model.order == (M.COL_STATUS, Qt.SortOrder.AscendingOrder)

    model.sort(M.COL_AVATAR, Qt.SortOrder.DescendingOrder)
    assert [text(model, r, M.COL_AVATAR) for r in range(6)] == [
        f"avatar{i}.png" for i in (5, 4, 3, 2, 1, 0)
    ]
    model.sort(M.COL_UPDATED, Qt.SortOrder.DescendingOrder)
    assert tid(model, 0) == "task-2"  # the last one updated
    model.sort(M.COL_CREATED, Qt.SortOrder.AscendingOrder)
    assert tid(model, 0) == "task-0"


def test_filter_and_search_are_done_by_the_store(store):
    fill(store, 30)
    store.update_from_info("task-7", TaskInfo("task-7", TaskStatus.SUCCESS))
    store.update_from_info("task-17", TaskInfo("task-17", TaskStatus.SUCCESS))
    legacy_row(store, SERVICE, {**payload(99), "avatar_url": "https://x.test/50%_off.png"})
    model = TaskTableModel(store)
    assert model.rowCount() == 31 and not model.filtered

    model.set_filter({TaskStatus.SUCCESS.value}, "")
    assert sorted(tid(model, r) for r in range(model.rowCount())) == ["task-17", "task-7"]
    assert model.filtered

    model.set_filter(None, "TASK-1")  # task ids, any ASCII case
    assert model.rowCount() == 11  # task-1, task-10..19
    model.set_filter({TaskStatus.SUCCESS.value}, "task-1")
    assert [tid(model, r) for r in range(model.rowCount())] == ["task-17"]

    model.set_filter(None, "avatar23.png")  # the avatar's URL
    assert [tid(model, r) for r in range(model.rowCount())] == ["task-23"]
    model.set_filter(None, "50%_")  # % and _ are taken literally
    assert model.rowCount() == 1 and text(model, 0, M.COL_AVATAR) == "50%_off.png"
    model.set_filter(None, "nothing like this")
    assert model.rowCount() == 0
    model.set_filter(None, "")
    assert model.rowCount() == 31


def test_search_finds_the_words_of_the_request(store):
    store.add_task("a", SERVICE, payload(1, "use_voice"))
    store.add_task("b", SERVICE, payload(2, "create_voice"))
    model = TaskTableModel(store)
    model.set_filter(None, "你好")
    assert [tid(model, r) for r in range(model.rowCount())] == ["a"]
    model.set_filter(None, "hello 2")
    assert [tid(model, r) for r in range(model.rowCount())] == ["b"]


def test_a_new_task_keeps_the_records_read_but_not_the_changed_ones(qtbot, store):
    # Each submit adds a task: the list is read again, and every record read already would
    # be read again at the next paint (a page of 256 on the UI thread, at every submit) —
    # unless it is kept. One that changed since must not be.
    fill(store, 5)
    model = TaskTableModel(store)
    assert [text(model, row, M.COL_STATUS) for row in range(5)] == ["Unknown"] * 5
    store.get_many_calls.clear()
    store.update_from_info("task-1", TaskInfo("task-1", TaskStatus.SUCCESS, progress=100))
    fill(store, 1, first=5)
    with qtbot.waitSignal(model.modelReset):
        model.refresh()
    statuses = [text(model, row, M.COL_STATUS) for row in range(6)]
    assert statuses[4] == "Done"  # task-1, second oldest of six
    assert statuses[:4] + statuses[5:] == ["Unknown"] * 5
    assert sum(len(call) for call in store.get_many_calls) == 2  # the new one, the changed one
    assert text(model, 0, M.COL_STATUS, Qt.ItemDataRole.SizeHintRole) is None


def test_a_task_changed_while_the_list_is_read_again_shows_at_the_next_refresh(qtbot, tmp_path):
    # Another thread stores an answer just after refresh() asked what changed: the records
    # kept must not hide it — the next refresh finds it.
    class RacingStore(CountingStore):
        race = None

        def touched_since(self, moment):
            found = super().touched_since(moment)
            if self.race is not None:
                self.race, race = None, self.race
                race()
            return found

    with RacingStore(tmp_path / "race.sqlite3") as store:
        fill(store, 3)
        model = TaskTableModel(store)
        assert [text(model, row, M.COL_STATUS) for row in range(3)] == ["Unknown"] * 3
        store.race = lambda: store.update_from_info(
            "task-0", TaskInfo("task-0", TaskStatus.SUCCESS, progress=100)
        )
        fill(store, 1, first=3)  # a new row: the list is read again, records kept
        model.refresh()
        model.refresh()
        assert text(model, 3, M.COL_STATUS) == "Done"  # task-0, the oldest of four
