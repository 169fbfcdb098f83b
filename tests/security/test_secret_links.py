"""Every secret link of a workshop can be revoked, and a new one made that the old one is not (issue 13,
item 7): the projector, the QR join link, the results page, the public registration, feedback and
campaign pages."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from workshop.campaigns import service as campaigns
from workshop.db import get_db
from workshop.feedback import service as feedback
from workshop.models import Session
from workshop.registration import service as registrations
from workshop.results import service as results
from workshop.sessions import service as sessions
from workshop.web import links

from tests.helpers import gen_facilitator, gen_session


@dataclass
class SecretLink:
    name: str
    url: Callable[[Session], str | None]  # the link's path, None while there is none
    revoke: Callable | None  # fn(db, session): the link stops working (None: it goes with closing)
    renew: Callable  # fn(db, session): a (new) link works


def _qr_path(s: Session) -> str | None:
    return "/" + links.join_url(s).split("/", 3)[3] if s.join_code else None


LINKS = [
    SecretLink("projector", lambda s: f"/screen/{s.screen_token}", None, sessions.rotate_screen_link),
    SecretLink("QR join link", _qr_path, None, sessions.rotate_screen_link),
    SecretLink("results page", lambda s: f"/results/{results.results_token(s)}" if results.results_token(s) else None,
               results.revoke, results.share),
    SecretLink("public registration",
               lambda s: f"/register/{t}" if (t := registrations.settings_of(s).token) else None,
               registrations.close_registration,
               lambda db, s: registrations.open_registration(db, s, None, None)),
    SecretLink("feedback link", lambda s: f"/feedback/{t}" if (t := feedback.settings_of(s).token) else None,
               lambda db, s: feedback.share_link(db, s, False), lambda db, s: feedback.share_link(db, s, True)),
    SecretLink("campaign page", lambda s: f"/campaign/{t}" if (t := campaigns.settings_of(s).token) else None,
               lambda db, s: campaigns.configure(db, s, False, False),
               lambda db, s: campaigns.configure(db, s, True, True)),
]


def works(client, path: str) -> bool:
    """The link opens its page (the QR link: it is accepted and leads to the join page)."""
    response = client.get(path)
    if "?k=" in path:
        return response.status_code == 302 and response.headers["Location"] == path.split("?")[0]
    return response.status_code == 200


@pytest.mark.parametrize("link", LINKS, ids=lambda link: link.name)
def test_every_secret_link_can_be_revoked_and_renewed(app, link: SecretLink):
    s = gen_session(app, gen_facilitator(app).id)
    client = app.test_client()

    def act(fn) -> str | None:
        with app.test_request_context():
            db = get_db()
            session = db.get(Session, s.id)
            if fn is not None:
                fn(db, session)
            return link.url(session)

    first = act(link.renew)
    assert first and works(client, first)
    if link.revoke is not None:
        assert act(link.revoke) is None
        assert not works(client, first)
    second = act(link.renew)
    assert second != first and works(client, second)
    assert not works(client, first)
    # Closing the workshop ends the links that belong to the evening itself.
    closed = act(sessions.close_session)
    if link.name == "QR join link":
        assert closed is None and not works(client, second)
    if link.name == "projector":
        assert "screen-closed" in client.get(second).get_data(as_text=True)
