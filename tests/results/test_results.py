"""The shareable results page and data retention."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.models import Note, Participant, PlanItem, Session
from workshop.sessions import service as sessions

from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_participant, gen_session


def fac_post(client, s, path, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/{path}", data={"csrf_token": token, **data})


def results_link(client, s):
    page = client.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    return "/results/" + page.split('href="/results/')[1].split('"')[0]


def test_share_and_revoke_results_without_names(app, client):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    gen_participant(app, s, first_name="Salainen")
    AuthActions(client).login()
    fac_post(client, s, "plans/add", municipality="583", what="Yhteinen kalenteri", owner="Kunta")
    fac_post(client, s, "results/share")
    link = results_link(client, s)
    anonymous = app.test_client()
    page = anonymous.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Yhteinen kalenteri" in html and "Salainen" not in html
    assert anonymous.get("/results/" + "x" * 32).status_code == 404
    fac_post(client, s, "results/revoke")
    assert anonymous.get(link).status_code == 404


def test_remove_names_keeps_notes(app, client):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    p, _token = gen_participant(app, s, first_name="Aino")
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        rounds.publish_round(db, session, rounds.create_round(db, session, rounds.RoundSettings("mixed", group_count=1)))
        sessions.set_phase(db, session, "groupwork")
        flipchart.add_note(db, session, db.get(Participant, p.id), "client-id-1", "Jää talteen")
    AuthActions(client).login()
    fac_post(client, s, "results/remove-names")
    with app.app_context():
        db = get_db()
        assert db.get(Participant, p.id).first_name is None
        assert db.scalar(select(Note.text).where(Note.participant_id == p.id)) == "Jää talteen"


def test_delete_needs_confirmation_and_removes_everything(app, client):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    gen_participant(app, s)
    AuthActions(client).login()
    fac_post(client, s, "plans/add", municipality="583", what="Poistuu")
    fac_post(client, s, "results/delete")
    with app.app_context():
        assert get_db().get(Session, s.id) is not None
    fac_post(client, s, "results/delete", confirm="yes")
    with app.app_context():
        db = get_db()
        assert db.get(Session, s.id) is None
        assert db.scalar(select(func.count(Participant.id))) == 0
        assert db.scalar(select(func.count(PlanItem.id))) == 0


def test_purge_old_sessions(app, runner):
    fac = gen_facilitator(app)
    old = gen_session(app, fac.id, title="Vanha")
    new = gen_session(app, fac.id, title="Uusi")
    with app.app_context():
        db = get_db()
        db.get(Session, old.id).starts_at = datetime(2020, 1, 1, 18, 0)
        db.get(Session, new.id).starts_at = datetime.now()
        db.commit()
    dry = runner.invoke(args=["paja", "purge", "--months", "12", "--dry-run"])
    assert "Vanha" in dry.output and "Uusi" not in dry.output
    with app.app_context():
        assert get_db().get(Session, old.id) is not None
    runner.invoke(args=["paja", "purge", "--months", "12"])
    with app.app_context():
        assert get_db().get(Session, old.id) is None and get_db().get(Session, new.id) is not None


def test_retention_actions_are_for_the_own_facilitator(app, client):
    owner = gen_facilitator(app)
    s = gen_session(app, owner.id)
    gen_facilitator(app, email="muu@example.fi")
    AuthActions(client).login(email="muu@example.fi")
    token = csrf_token(client.get("/f/").get_data(as_text=True))
    for action in ("share", "revoke", "remove-names", "delete"):
        response = client.post(f"/f/sessions/{s.id}/results/{action}", data={"csrf_token": token, "confirm": "yes"})
        assert response.status_code == 404
    with app.app_context():
        assert get_db().get(Session, s.id) is not None


def test_results_keep_every_voted_round_polls_and_feedback(app, client):
    """After the home round the page still lists round 1's top 3s (by round and question), and shows
    the polls, the plans and the feedback summary; the phones of the closed workshop get a thank-you and
    the link."""
    from tests.flipchart.evening import fac_action, set_phase, start_evening, write_notes

    s, tokens, groups = start_evening(app, client)
    fac_action(client, s, "board/questions", mode="per_group")
    write_notes(app, s, tokens, groups[1], ["Kirjasto auki iltaisin"])
    fac_action(client, s, "board/voting", action="open")
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        note = db.scalar(select(Note).where(Note.text == "Kirjasto auki iltaisin"))
        voter = db.get(Participant, groups[1][0])
        flipchart.cast_vote(db, session, voter, note.id, True)
    fac_action(client, s, "board/voting", action="close")
    fac_post(client, s, "rounds", strategy="home", size_mode="size", size="5")
    fac_action(client, s, "rounds/2/publish")
    set_phase(client, s, "feedback")
    answering = app.test_client()
    answering.set_cookie(f"paja_p{s.id}", tokens[groups[1][0]])
    page = answering.get(f"/{s.join_code}").get_data(as_text=True)
    answering.post(f"/{s.join_code}/feedback", data={"overall": "4", "come_again": "yes",
                                                     "csrf_token": csrf_token(page)})
    fac_post(client, s, "results/share")
    html = app.test_client().get(results_link(client, s)).get_data(as_text=True)
    assert 'id="round-1-h"' in html and "Kirjasto auki iltaisin" in html
    assert 'id="round-2-h"' not in html  # the home round voted nothing: no empty round
    assert 'id="feedback-h"' in html and 'data-feedback="count">1<' in html

    code = s.join_code
    fac_post(client, s, "close", confirm="yes")
    thanks = answering.get(f"/{code}")
    assert thanks.status_code == 200
    body = thanks.get_data(as_text=True)
    assert 'id="closed-h"' in body and 'id="results-link"' in body and 'id="board"' not in body
    assert app.test_client().get(f"/{code}").status_code == 404  # no cookie of that workshop: not found
