"""An evening in group work, and what its facilitator and phones do (the flipchart tests' story)."""
from __future__ import annotations

from sqlalchemy import select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import Group

from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_participant, gen_session, post_form

MUNIS = ("320", "583", "732", "742")


def start_evening(app, client):
    """8 people in 2 published groups of 4, in group work; the facilitator logged in."""
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id, municipalities=MUNIS)
    tokens = {}
    for i, muni in enumerate(MUNIS * 2):
        p, token = gen_participant(app, s, municipality=muni, first_name=f"P{i}")
        tokens[p.id] = token
    AuthActions(client).login()
    post_form(client, f"/f/sessions/{s.id}/rounds", {"strategy": "mixed", "size_mode": "count", "size": "2"})
    fac_action(client, s, "rounds/1/publish")
    set_phase(client, s, "groupwork")
    with app.app_context():
        db = get_db()
        groups = {g.number: [m.participant_id for m in g.members]
                  for g in db.scalars(select(Group).order_by(Group.number))}
    return s, tokens, groups


def fac_action(client, s, path, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/{path}", data={"csrf_token": token, **data})


def set_phase(client, s, phase):
    return fac_action(client, s, "phase", phase=phase)


def phone(app, s, token):
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    sio = socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c)
    assert sio.is_connected()
    return sio, c


def received(sio, name):
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]


def write_notes(app, s, tokens, members, texts):
    ids = []
    for i, text in enumerate(texts):
        sio, _ = phone(app, s, tokens[members[i % len(members)]])
        ids.append(sio.emit("note_add", {"client_id": f"note-{i:06d}", "text": text}, callback=True)["note"]["id"])
    return ids


def add_without_phone(app, s, first_name, group_number):
    """Someone without a phone added at the door while the groups work, placed in group `group_number`;
    returns their participant id."""
    from workshop.grouping import service as rounds
    from workshop.models import Session
    from workshop.sessions import service as sessions
    from workshop.sessions.service import JoinData
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        p, _token = sessions.join(db, session, JoinData("320", "elected", first_name=first_name,
                                                        names_consented=bool(first_name), without_phone=True))
        group = rounds.place_late_arrival(db, session, p)
        if group.number != group_number:
            rounds.move_member(db, session, rounds.current_round(db, session), p.id, group_number)
        return p.id
