"""Feedback: phones answer in the feedback phase, others by the link until it closes; answers are anonymous."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from workshop.db import engine, get_db
from workshop.extensions import socketio
from workshop.feedback import service as feedback
from workshop.feedback.service import FeedbackError
from workshop.models import FeedbackAnswer, Participant, Session

from tests.helpers import (
    AuthActions,
    csrf_token,
    gen_facilitator,
    gen_participant,
    gen_session,
)


@pytest.fixture
def workshop(app, client):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    AuthActions(client).login()
    page = client.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    client.post(f"/f/sessions/{s.id}/phase", data={"phase": "feedback", "csrf_token": csrf_token(page)})
    return s


def phone(app, s, token):
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    return c


def answer(c, s, **data):
    page = c.get(f"/{s.join_code}").get_data(as_text=True)
    return c.post(f"/{s.join_code}/feedback", data={**data, "csrf_token": csrf_token(page)})


def test_phones_answer_once_and_the_projector_counts(app, workshop):
    s = workshop
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    screen.get_received()
    _p, token = gen_participant(app, s)
    c = phone(app, s, token)
    assert 'id="feedback-form"' in c.get(f"/{s.join_code}").get_data(as_text=True)
    answer(c, s, overall="5", most_useful="Naapurikuntien tapaaminen", come_again="yes")
    counts = [e["args"][0] for e in screen.get_received() if e["name"] == "feedback"]
    assert counts[-1]["count"] == 1 and counts[-1]["average"] == 5
    assert "most_useful" not in json.dumps(counts)  # free texts stay off the projector
    answer(c, s, overall="1")  # a second answer from the same phone is refused
    with app.app_context():
        assert feedback.count(get_db(), get_db().get(Session, s.id)) == 1
    assert 'id="feedback-thanks"' in c.get(f"/{s.join_code}").get_data(as_text=True)


def test_answers_are_anonymous_in_the_database_and_every_export(app, workshop, client):
    s = workshop
    for rating, text in (("4", "Hyvä ilta, Aino"), ("2", "Liian lyhyt")):
        _p, token = gen_participant(app, s, first_name="Aino")
        answer(phone(app, s, token), s, overall=rating, should_change=text)
    with app.app_context():
        columns = {c["name"] for c in inspect(engine()).get_columns("feedback_answer")}
        assert not columns & {"participant_id", "created_at", "token_hash"}
        assert get_db().scalars(select(Participant.gave_feedback)).all() == [True, True]
    data = json.loads(client.get(f"/f/sessions/{s.id}/export.json").data)
    assert data["feedback"]["answers"] == [
        {"overall": 4, "most_useful": None, "should_change": "Hyvä ilta, Aino", "come_again": None, "extra": None,
         "via_link": False},
        {"overall": 2, "most_useful": None, "should_change": "Liian lyhyt", "come_again": None, "extra": None,
         "via_link": False}]
    from tests.exports.test_exports import csv_files
    rows = csv_files(client.get(f"/f/sessions/{s.id}/export.csv").data)["feedback.csv"]
    assert len(rows[0]) == 7 and not any("Osallistuja" in h for h in rows[0])
    report = client.get(f"/f/sessions/{s.id}/report").get_data(as_text=True)
    assert 'class="report-chart"' in report and "Liian lyhyt" in report and "style=" not in report


def test_feedback_link_works_after_the_event_until_it_closes(app, workshop, client):
    s = workshop
    with app.app_context():
        db = get_db()
        session = feedback.share_link(db, db.get(Session, s.id), True)
        token = feedback.settings_of(session).token
        closes = datetime(2026, 12, 8, 16, 0)
        feedback.configure(db, session, {"overall": True, "most_useful": True, "should_change": False,
                                         "come_again": True}, {"overall": "Miten meni?"}, "Mitä muuta?", closes)
        early = closes - timedelta(hours=1)
        assert feedback.submit(db, session, {"overall": "3", "extra": "Kiitos"}, now=early).via_link
        with pytest.raises(FeedbackError, match="not_open"):
            feedback.submit(db, session, {"overall": "3"}, now=closes)
    visitor = app.test_client()

    def closes_at(value):
        with app.app_context():
            db = get_db()
            feedback.editable_settings(db.get(Session, s.id)).closes_at = value
            db.commit()

    closes_at(datetime(2020, 1, 1))
    assert visitor.get(f"/feedback/{token}").status_code == 410
    closes_at(None)
    page = visitor.get(f"/feedback/{token}").get_data(as_text=True)
    assert "Miten meni?" in page and "Mitä muuta?" in page and 'name="should_change"' not in page
    sent = visitor.post(f"/feedback/{token}", data={"overall": "5", "csrf_token": csrf_token(page)})
    assert sent.status_code == 200
    assert 'name="overall"' not in visitor.get(f"/feedback/{token}").get_data(as_text=True)  # answered
    assert app.test_client().get("/feedback/wrong-token").status_code == 404


@pytest.mark.parametrize("raw, error", [
    ({}, "empty"), ({"overall": "6"}, "bad_overall"), ({"come_again": "perhaps"}, "bad_come_again"),
    ({"most_useful": "x" * 1001}, "too_long"), ({"most_useful": "a\x00b"}, "control"), ([], "bad_request"),
])
def test_bad_answers_are_refused(app, workshop, raw, error):
    with app.app_context():
        db = get_db()
        with pytest.raises(FeedbackError, match=error):
            feedback.clean_answer(db.get(Session, workshop.id), raw)
        assert db.scalar(select(FeedbackAnswer.id)) is None


def test_an_answer_by_the_link_reaches_projector_and_facilitator_but_no_phone(app, workshop, client):
    s = workshop
    _p, token = gen_participant(app, s)
    c = phone(app, s, token)
    sockets = {
        "phone": socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c),
        "screen": socketio.test_client(app, auth={"role": "screen", "token": s.screen_token}),
        "fac": socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)}
    with app.app_context():
        db = get_db()
        session = feedback.share_link(db, db.get(Session, s.id), True)
        for sio in sockets.values():
            sio.get_received()  # sharing the link changed nothing anyone sees live
        feedback.submit(db, session, {"overall": "4"})
    events = {who: [(e["name"], e["args"][0]["count"]) for e in sio.get_received()] for who, sio in sockets.items()}
    assert events == {"phone": [], "screen": [("feedback", 1)], "fac": [("feedback", 1)]}
