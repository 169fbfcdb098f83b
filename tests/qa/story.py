"""The Q&A's story helpers: a workshop in its questions step, its phones and projector, service shortcuts."""
from __future__ import annotations

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import Participant, Session
from workshop.qa import service as qa
from workshop.sessions import service as sessions

from tests.helpers import gen_facilitator, gen_participant, gen_session


def questions_room(app):
    """A workshop in its questions step with four participants; the session, their tokens and ids."""
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    people = [gen_participant(app, s, first_name=f"Osallistuja{i}") for i in range(4)]
    with app.app_context():
        db = get_db()
        sessions.set_phase(db, db.get(Session, s.id), "qa")
    return s, [t for _p, t in people], [p.id for p, _t in people]


def do(app, fn):
    with app.app_context():
        return fn(get_db())


def ask(app, s, pid, text, name=None):
    return do(app, lambda db: qa.ask(db, db.get(Session, s.id), db.get(Participant, pid), text, name).id)


def upvote(app, s, pid, qid):
    return do(app, lambda db: qa.upvote(db, db.get(Session, s.id), db.get(Participant, pid), qid))


def moderate(app, s, qid, action, target=None):
    return do(app, lambda db: qa.moderate(db, db.get(Session, s.id), qid, action, target).id)


def board(app, s):
    return do(app, lambda db: {v.id: v for v in qa.board(db, db.get(Session, s.id))})


def votes(app, s):
    return {qid: v.votes for qid, v in board(app, s).items()}


def phone(app, s, token):
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    return socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c), c


def screen(app, s):
    return socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})


def received(sio, name):
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]
