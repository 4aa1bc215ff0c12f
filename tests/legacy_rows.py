"""Rows as versions before the outbox wrote them: a submission recorded before its request went
out, with no task id (``SENDING``, or ``OUTCOME_UNKNOWN`` once its answer was lost)."""

from __future__ import annotations

import time
from typing import Any

from avatar_desktop.core.store.schema import LocalStatus, Status
from avatar_desktop.core.store.tasks import TaskStore, insert_task


def legacy_row(
    store: TaskStore,
    service_url: str,
    payload: dict[str, Any],
    status: Status = LocalStatus.SENDING,
    error: str | None = None,
) -> int:
    with store.db.transaction() as conn:
        row_id = insert_task(
            conn,
            task_id=None,
            service_url=service_url,
            payload=payload,
            consent=None,
            status=status,
            created_at=time.time(),
        )
    if error is not None:
        store.set_error(row_id, error)
    return row_id
