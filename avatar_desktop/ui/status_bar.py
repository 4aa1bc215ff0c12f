"""The main window's status bar: its permanent labels and what they say.

How following goes (only while it is paused or failing), the outbox (the same
:class:`~avatar_desktop.core.store.outbox.OutboxSummary` as the outbox tab and panel), the
token in use and the service. Passing messages go through ``showMessage`` as usual.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from avatar_desktop.core.config import ServiceConfig
from avatar_desktop.core.follower import FollowState
from avatar_desktop.core.sending import Hold
from avatar_desktop.core.store.outbox import OutboxSummary
from avatar_desktop.ui.outbox.outbox_panel import service_name
from avatar_desktop.ui.service_banner import ServiceLabel
from avatar_desktop.ui.views import plain_tooltip


def _plain_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class WindowStatusBar(QStatusBar):
    """The status bar, with :attr:`follow_label`, :attr:`outbox_label`, :attr:`token_label`
    and :attr:`service_label` on its right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messageChanged.connect(self._make_room)
        self.follow_label = _plain_label()
        self.follow_label.setVisible(False)
        self.outbox_label = _plain_label()
        self.token_label = _plain_label()
        self.service_label = ServiceLabel()
        for label in (self.follow_label, self.outbox_label, self.token_label, self.service_label):
            self.addPermanentWidget(label)

    @Slot(str)
    def _make_room(self, message: str) -> None:
        """A passing message too long for the room the labels leave: the token and service
        labels step aside while it shows (the title and the banner still name the service),
        then, if that is not enough, the follow and outbox labels too (they come back with the
        message's end); the whole message is in the tooltip."""
        quiet = (self.token_label, self.service_label)
        busy = (self.follow_label, self.outbox_label)

        def width(labels: tuple[QLabel, ...]) -> int:
            return sum(w.sizeHint().width() + 12 for w in labels if w.text())

        needed = self.fontMetrics().horizontalAdvance(message) + 24
        crowded = bool(message) and needed > self.width() - width(busy) - width(quiet)
        very = crowded and needed > self.width() - width(busy)
        for label in quiet:
            label.setVisible(not crowded)
        self.outbox_label.setVisible(not very)
        self.follow_label.setVisible(not very and bool(self.follow_label.text()))
        self.setToolTip(plain_tooltip(message) if crowded else "")

    def show_follow(self, state: FollowState, error: Exception | None) -> None:
        """Status checks paused or failing, with the reason in the tooltip; nothing while they
        go well (and no stale "failing" message stays)."""
        texts = {
            FollowState.OFFLINE: self.tr("Status checks paused: offline"),
            FollowState.TOKEN_REFUSED: self.tr("Status checks paused: the token was refused"),
            FollowState.FAILING: self.tr("Status checks failing; trying again later"),
        }
        text = texts.get(state, "")
        self.follow_label.setText(text)
        self.follow_label.setVisible(bool(text))
        detail = getattr(error, "user_message", None) or (str(error) if error else "")
        self.follow_label.setToolTip(plain_tooltip(detail) if detail else "")
        if state is FollowState.FOLLOWING:
            self.clearMessage()
        self._make_room(self.currentMessage())  # the message shown may have less room now

    def show_outbox(self, summary: OutboxSummary, hold: Hold | None, config: ServiceConfig) -> None:
        """How many jobs wait, whether they go, and how many wait for other services."""
        if hold is Hold.TOKEN_REFUSED:
            state = self.tr("sending paused: token refused")
        elif hold is Hold.PAUSED:
            state = self.tr("sending paused")
        elif hold is Hold.OFFLINE:
            state = self.tr("offline")
        else:
            state = self.tr("online")
        text = self.tr("Outbox: %1 waiting").replace("%1", str(summary.waiting)) + " · " + state
        if summary.needs_user:
            text += " · " + self.tr("%1 need you").replace("%1", str(summary.needs_user))
        if summary.other_waiting:
            text += " · " + self.tr("%n wait for other services", "", summary.other_waiting)
        self.outbox_label.setText(text)
        elsewhere = "\n".join(
            f"{service_name(url, config)}: {len(ids)}" for url, ids in summary.elsewhere.items()
        )
        self.outbox_label.setToolTip(plain_tooltip(elsewhere) if elsewhere else "")
        self._make_room(self.currentMessage())  # the message shown may have less room now

    def show_service(self, config: ServiceConfig, token_text: str) -> None:
        """The service in use and where its token comes from."""
        self.service_label.show_service(config)
        self.token_label.setText(token_text)


__all__ = ["WindowStatusBar"]
