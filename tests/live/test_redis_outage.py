"""Rate-limit storage (Redis) unreachable: joins, logins and live votes go on (issue: Redis outage).

Flask-Limiter falls back to counting in memory (its documented fallback) and the live flood check
fails open with one warning line; nothing answers 500 and no vote goes unanswered.
"""
from __future__ import annotations

import logging
import socket

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.grouping.service import RoundSettings
from workshop.models import Session
from workshop.sessions import service as sessions

from ..helpers import AuthActions, gen_facilitator, gen_participant, gen_session, post_form


def dead_redis_url() -> str:
    """A loopback port where nothing listens (bound and closed again)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_everything_goes_on_without_the_rate_limit_storage(tmp_path, caplog):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test-secret-key",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}", "PAJA_ASYNC_MODE": "threading",
                      "RATELIMIT_STORAGE_URI": dead_redis_url(), "LOBBY_EVERY_SECONDS": 0})
    with app.app_context():
        upgrade_database()
    fac = gen_facilitator(app)
    workshop = gen_session(app, fac.id)
    client = app.test_client()

    # A phone joins through the form and a facilitator logs in: no 500.
    response = post_form(client, f"/{workshop.join_code}", {"municipality": "583", "background": "officer"})
    assert response.status_code in (302, 303), response.status_code
    assert AuthActions(app.test_client()).login().status_code in (302, 303)

    # A live vote (flood-limited through the storage) is answered.
    _p, token = gen_participant(app, workshop)
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        r = rounds.create_round(db, s, RoundSettings("manual", group_count=1))
        rounds.publish_round(db, s, r)
        sessions.set_phase(db, s, "groupwork")
    phone_http = app.test_client()
    phone_http.set_cookie(f"paja_p{workshop.id}", token)
    phone = socketio.test_client(app, auth={"role": "participant", "session": workshop.id},
                                 flask_test_client=phone_http)
    note = phone.emit("note_add", {"client_id": "outage-note-01", "text": "Redis on poissa"}, callback=True)
    assert note["ok"], note
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        flipchart.open_voting(db, s, rounds.current_round(db, s))
    with caplog.at_level(logging.WARNING, logger="workshop.live.registry"):
        ack = phone.emit("vote", {"note_id": note["note"]["id"], "on": True}, callback=True)
    assert ack["ok"], ack
    assert any("let through" in r.getMessage() for r in caplog.records)
