"""Campaigns: the carpool contest's leaderboard maths and good deed nominations, votes and the pick."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from workshop.campaigns import service as campaigns
from workshop.campaigns.service import CampaignError
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import Carpool, Nomination, Session

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
    with app.app_context():
        db = get_db()
        campaigns.configure(db, db.get(Session, s.id), carpool=True, good_deed=True)
    return s


def with_session(app, s, fn):
    with app.app_context():
        db = get_db()
        return fn(db, db.get(Session, s.id))


def test_leaderboard_ranks_by_combined_distance_and_counts_co2_saved(app, workshop):
    def report(db, s):
        campaigns.report_carpool(db, s, "Sallan kimppa", 4, 120, "732")  # 480 km together, 3 × 120 × 0.15
        campaigns.report_carpool(db, s, "Yksin", 1, 300)                # 300 km, nothing saved
        campaigns.report_carpool(db, s, "Pelkosenniemen pari", "2", "240")  # 480 km, fewer people
        return campaigns.leaderboard(db, s)
    board = with_session(app, workshop, report)
    assert [(c["rank"], c["name"], c["combined_km"], c["co2_kg"]) for c in board["cars"]] == [
        (1, "Sallan kimppa", 480, 54.0), (2, "Pelkosenniemen pari", 480, 36.0), (3, "Yksin", 300, 0.0)]
    assert board["combined_km"] == 1260 and board["co2_kg"] == 90.0 and board["people"] == 7
    assert campaigns.carpool_figures(5, 33) == {"combined_km": 165, "co2_kg": 19.8}


@pytest.mark.parametrize("name, passengers, km, error", [
    ("", 2, 10, "car_name_missing"), ("Auto", 0, 10, "bad_passengers"), ("Auto", 10, 10, "bad_passengers"),
    ("Auto", 2, 0, "bad_kilometres"), ("Auto", 2, "paljon", "bad_kilometres"), ("Auto", True, 5, "bad_passengers"),
])
def test_bad_carpool_reports_are_refused(app, workshop, name, passengers, km, error):
    with pytest.raises(CampaignError, match=error):
        with_session(app, workshop, lambda db, s: campaigns.report_carpool(db, s, name, passengers, km))
    with app.app_context():
        assert get_db().scalar(select(Carpool.id)) is None


def test_a_nomination_needs_nominee_and_deed(app, workshop, client):
    for nominee, deed, error in (("", "Piti kylätalon auki", "nominee_missing"),
                                 ("Maija Meikäläinen", "  ", "deed_missing")):
        with pytest.raises(CampaignError, match=error):
            with_session(app, workshop, lambda db, s, n=nominee, d=deed: campaigns.nominate(db, s, n, d))
    with app.app_context():
        token = campaigns.settings_of(get_db().get(Session, workshop.id)).token
    visitor = app.test_client()
    page = visitor.get(f"/campaign/{token}").get_data(as_text=True)
    missing = visitor.post(f"/campaign/{token}/nominate", data={"nom-nominee": "Maija", "nom-deed": "",
                                                                "nom-csrf_token": csrf_token(page)})
    assert missing.status_code == 400 and 'id="error-summary"' in missing.get_data(as_text=True)
    ok = visitor.post(f"/campaign/{token}/nominate", data={
        "nom-nominee": "Maija Meikäläinen", "nom-deed": "Kokosi kylien yhteisen tapahtumakalenterin",
        "nom-municipality": "320", "nom-csrf_token": csrf_token(page)})
    assert ok.status_code == 302
    with app.app_context():
        assert get_db().scalar(select(Nomination.municipality)) == "320"


def test_phones_vote_and_the_facilitator_picks(app, workshop, client):
    s = workshop
    first, second = with_session(app, s, lambda db, session: [
        campaigns.nominate(db, session, "Maija", "Tapahtumakalenteri").id,
        campaigns.nominate(db, session, "Kyläyhdistys", "Kylätalo iltakäyttöön").id])
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    page = client.get(f"/f/sessions/{s.id}/campaigns").get_data(as_text=True)
    client.post(f"/f/sessions/{s.id}/campaigns/open-voting", data={"csrf_token": csrf_token(page)})
    for choice in (second, second, first):
        _p, token = gen_participant(app, s)
        c = app.test_client()
        c.set_cookie(f"paja_p{s.id}", token)
        phone_page = c.get(f"/{s.join_code}").get_data(as_text=True)
        assert 'name="nomination"' in phone_page
        c.post(f"/{s.join_code}/good-deed", data={"nomination": str(choice), "csrf_token": csrf_token(phone_page)})
    live = [e["args"][0] for e in screen.get_received() if e["name"] == "nominations"][-1]
    assert [(n["nominee"], n["votes"]) for n in live["nominations"]] == [("Kyläyhdistys", 2), ("Maija", 1)]
    client.post(f"/f/sessions/{s.id}/campaigns/pick", data={"id": str(first), "csrf_token": csrf_token(page)})
    nominations = with_session(app, s, lambda db, session: campaigns.nominations(db, session))
    assert nominations[0]["nominee"] == "Maija" and nominations[0]["picked"]
    client.post(f"/f/sessions/{s.id}/screen-panel", data={"panel": "good_deed", "csrf_token": csrf_token(page)})
    assert [e["args"][0]["panel"] for e in screen.get_received() if e["name"] == "screen_panel"] == ["good_deed"]


def received(sio) -> list[str]:
    return [e["name"] for e in sio.get_received()]


def test_each_change_reaches_its_rooms_once_whoever_makes_it(app, workshop, client):
    """The services publish; campaigns/events.py decides the rooms. A change made outside any page
    (as the CLI or a test would) reaches the same rooms as one made by a form, once."""
    s = workshop
    _p, token = gen_participant(app, s)
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    phone = socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c)
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    for sio in (phone, screen, fac):
        sio.get_received()
    car = with_session(app, s, lambda db, session: campaigns.report_carpool(db, session, "Kimppa", 3, 50).id)
    assert (received(phone), received(screen), received(fac)) == ([], ["leaderboard"], ["leaderboard"])
    page = client.get(f"/f/sessions/{s.id}/campaigns").get_data(as_text=True)
    client.post(f"/f/sessions/{s.id}/campaigns/delete-carpool", data={"id": str(car), "csrf_token": csrf_token(page)})
    assert (received(phone), received(screen), received(fac)) == ([], ["leaderboard"], ["leaderboard"])
    with_session(app, s, lambda db, session: campaigns.nominate(db, session, "Maija", "Tapahtumakalenteri"))
    assert (received(phone), received(screen), received(fac)) == (["good_deed"], ["nominations"], ["nominations"])
    client.post(f"/f/sessions/{s.id}/campaigns/open-voting", data={"csrf_token": csrf_token(page)})
    assert received(phone) == ["good_deed"] and received(screen) == received(fac) == ["nominations"]
    with_session(app, s, lambda db, session: campaigns.set_screen_panel(db, session, "good_deed"))
    assert (received(phone), received(screen), received(fac)) == ([], ["screen_panel"], [])
    client.post(f"/f/sessions/{s.id}/campaigns/pick", data={"id": "99999999999", "csrf_token": csrf_token(page)})
    assert (received(phone), received(screen), received(fac)) == ([], [], [])  # refused: nothing changed


def test_the_settings_live_in_their_own_row(app, workshop):
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        settings = campaigns.settings_of(s)
        assert settings is s.campaign_settings and settings.carpool_enabled and settings.token
        campaigns.configure(db, s, carpool=False, good_deed=False)
        assert campaigns.settings_of(s).token is None and not campaigns.settings_of(s).good_deed_voting
        fresh = gen_session(app, gen_facilitator(app, email="toinen@example.fi").id)
        other = db.get(Session, fresh.id)
        assert other.campaign_settings is None and campaigns.settings_of(other).screen_panel is None
        assert campaigns.session_by_token(db, "") is None
