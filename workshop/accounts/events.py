"""Live fan-out of accounts: a logout closes the facilitator's sockets."""
from __future__ import annotations

from workshop.accounts.service import FacilitatorLoggedOut
from workshop.live.handlers import LiveHandlers
from workshop.live.registry import close_facilitator_sockets

handlers = LiveHandlers()


@handlers.fanout(FacilitatorLoggedOut)
def on_logged_out(event: FacilitatorLoggedOut) -> None:
    close_facilitator_sockets(event.facilitator_id)
