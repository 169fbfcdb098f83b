"""Live timer: the countdown's state to phones, projector and facilitator pages."""
from __future__ import annotations

from workshop.extensions import socketio
from workshop.live import registry as live
from workshop.live.handlers import LiveHandlers, State
from workshop.models import Session
from workshop.timer import service as timer

handlers = LiveHandlers()


def broadcast_timer(session: Session) -> None:
    payload = timer.state(session)
    for room in (f"s{session.id}", f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("timer", payload, to=room)


@handlers.fanout(timer.TimerChanged)
def on_timer_changed(event: timer.TimerChanged) -> None:
    broadcast_timer(event.session)


@handlers.on_sync
def send_timer(session: Session, conn: live.Conn, state: State) -> None:
    """A (re)connected page gets the current timer, idle included (it then hides the clock)."""
    state.emit("timer", timer.state(session))
