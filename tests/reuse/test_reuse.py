"""A facilitator duplicates a workshop, saves it as a template that another facilitator starts from,
and starts a series' next workshop from its latest one: the plan is copied, never the people."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from workshop.campaigns import service as campaigns
from workshop.db import get_db
from workshop.feedback import service as feedback
from workshop.flipchart import service as flipchart
from workshop.models import Note, Participant, Series, Session
from workshop.plans import service as plans
from workshop.qa import service as qa
from workshop.registration import service as registration
from workshop.reuse.models import WorkshopTemplate

from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_participant, gen_session, post_form

FEEDBACK_QUESTIONS = {"on": {"overall": True, "most_useful": False, "should_change": True, "come_again": True}, "texts": {}, "extra": "Mitä jäi puuttumaan?"}


def _token(client) -> str:
    return csrf_token(client.get("/f/").get_data(as_text=True))


def full_workshop(app, fac_id):
    """A workshop with every copied setting changed from its default, and a participant."""
    s = gen_session(app, fac_id)
    gen_participant(app, s)
    with app.app_context():
        db = get_db()
        s = db.get(Session, s.id)
        registration.open_registration(db, s, None, 40)
        feedback.configure(db, s, FEEDBACK_QUESTIONS["on"], FEEDBACK_QUESTIONS["texts"],
                           FEEDBACK_QUESTIONS["extra"], None)
        flipchart.set_vote_stacking(db, s, True)
        flipchart.set_vote_results(db, s, "live")
        qa.set_settings(db, s, named=True, results="live")
        qa.reveal(db, s)  # a state of the evening: not copied
        campaigns.configure(db, s, carpool=True, good_deed=False)
        s.max_participants = 80
        db.commit()
        return s.id


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/f/sessions/(\d+)/edit", response.headers["Location"]).group(1))


def test_duplicate_copies_the_plan_not_the_people(client, app, auth):
    fac = gen_facilitator(app)
    sid = full_workshop(app, fac.id)
    auth.login()
    page = client.get(f"/f/sessions/{sid}/duplicate").get_data(as_text=True)
    assert "Itä-Lapin paja (kopio)" in page  # the suggested title, in Finnish by default
    new_id = created_id(post_form(client, f"/f/sessions/{sid}/duplicate", {"title": "Itä-Lapin paja 2"}))
    with app.app_context():
        db = get_db()
        old, new = db.get(Session, sid), db.get(Session, new_id)
        assert new.title == "Itä-Lapin paja 2" and new.facilitator_id == fac.id and new.phase == "lobby"
        assert [m.code for m in new.municipalities] == [m.code for m in old.municipalities]
        assert [(t.title, [q.text for q in t.questions]) for t in new.themes] == \
               [(t.title, [q.text for q in t.questions]) for t in old.themes]
        assert [(a.title, a.minutes) for a in new.agenda] == [(a.title, a.minutes) for a in old.agenda]
        assert new.max_participants == 80 and new.starts_at is None
        assert registration.settings_of(new).capacity == 40 and registration.settings_of(new).token is None
        assert feedback.config(new)["extra"] == "Mitä jäi puuttumaan?" and not feedback.config(new)["most_useful"]["on"]
        assert flipchart.vote_stacking_allowed(new) and flipchart.vote_results(new) == "live"
        assert qa.settings_of(new).named and qa.settings_of(new).results == "live" and not qa.settings_of(new).revealed
        copied = campaigns.settings_of(new)
        assert copied.carpool_enabled and copied.token and copied.token != campaigns.settings_of(old).token
        assert new.join_code != old.join_code and new.screen_token != old.screen_token
        assert db.scalar(select(func.count(Participant.id)).where(Participant.session_id == new_id)) == 0


def test_duplicate_refuses_an_empty_title_and_creates_nothing(client, app, auth):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    auth.login()
    response = post_form(client, f"/f/sessions/{s.id}/duplicate", {"title": "   "})
    assert response.status_code == 400 and "Kirjoita nimi." in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().scalar(select(func.count(Session.id))) == 1


def test_a_template_is_shared_with_the_installation_and_only_its_author_deletes_it(app):
    author, other = gen_facilitator(app), gen_facilitator(app, "toinen@example.fi", "Toinen")
    sid = full_workshop(app, author.id)
    first, second = app.test_client(), app.test_client()
    AuthActions(first).login()
    AuthActions(second).login("toinen@example.fi")
    response = post_form(first, f"/f/sessions/{sid}/template", {"name": "Itä-Lapin pohja"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/f/templates")
    with app.app_context():
        template = get_db().scalars(select(WorkshopTemplate)).one()
    listing = second.get("/f/templates").get_data(as_text=True)
    assert "Itä-Lapin pohja" in listing and "Fasilitaattori" in listing
    assert f"/f/templates/{template.id}/delete" not in listing  # not theirs to delete
    new_id = created_id(second.post(f"/f/templates/{template.id}/use",
                                    data={"title": "Sallan paja", "csrf_token": _token(second)}))
    with app.app_context():
        db = get_db()
        new = db.get(Session, new_id)
        assert new.facilitator_id == other.id and new.title == "Sallan paja" and new.series_id is None
        assert [t.title for t in new.themes] == ["Osaaminen"] and registration.settings_of(new).capacity == 40
    refused = second.post(f"/f/templates/{template.id}/delete", data={"csrf_token": _token(second)},
                          follow_redirects=True)
    assert "Vain pohjan tallentanut" in refused.get_data(as_text=True)
    first.post(f"/f/templates/{template.id}/delete", data={"csrf_token": _token(first)})
    with app.app_context():
        assert get_db().scalar(select(func.count(WorkshopTemplate.id))) == 0
        assert get_db().get(Session, new_id) is not None  # workshops made from it stay


def test_next_workshop_of_a_series_starts_from_the_latest_and_follows_up_its_plans(client, app, auth):
    fac = gen_facilitator(app)
    first = gen_session(app, fac.id, title="Ensimmäinen")
    with app.app_context():
        db = get_db()
        series = plans.create_series(db, fac.id, "Itä-Lappi 2026–2027")
        s = db.get(Session, first.id)
        s.series_id = series.id
        db.commit()
        plans.create_item(db, s, "320", plans.clean_item({"what": "Yhteinen vapaaehtoispankki"}))
        series_id = series.id
    auth.login()
    page = client.get("/f/series").get_data(as_text=True)
    assert f"/f/series/{series_id}/next" in page
    new_id = created_id(client.post(f"/f/series/{series_id}/next",
                                    data={"title": "Toinen", "csrf_token": _token(client)}))
    with app.app_context():
        db = get_db()
        new = db.get(Session, new_id)
        assert new.series_id == series_id and [t.title for t in new.themes] == ["Osaaminen"]
        assert [i.what for i in plans.open_followups(db, new, "320")] == ["Yhteinen vapaaehtoispankki"]
        assert db.scalar(select(func.count(Note.id))) == 0
        assert db.get(Series, series_id) is not None


def test_another_facilitators_series_and_workshop_are_not_found(app):
    owner = gen_facilitator(app)
    gen_facilitator(app, "toinen@example.fi", "Toinen")
    s = gen_session(app, owner.id)
    with app.app_context():
        series_id = plans.create_series(get_db(), owner.id, "Sarja").id
    client = app.test_client()
    AuthActions(client).login("toinen@example.fi")
    assert client.get(f"/f/sessions/{s.id}/duplicate").status_code == 404
    assert client.post(f"/f/series/{series_id}/next", data={"title": "X", "csrf_token": _token(client)}).status_code == 404
