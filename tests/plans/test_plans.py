"""Municipality plans and their follow-up across a series of workshops."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_participant, gen_session
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import PlanItem, PlanUpdate, Series, Session

MUNIS = ("320", "583", "732")


@pytest.fixture
def workshop(app, client):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id, municipalities=MUNIS)
    AuthActions(client).login()
    fac_post(client, s, "phase", phase="plan")
    return s


def fac_post(client, s, path, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/{path}", data={"csrf_token": token, **data})


def phone(app, s, token):
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    return socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c), c


def events(sio, name):
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]


def items(app, **where):
    with app.app_context():
        return list(get_db().scalars(select(PlanItem).filter_by(**where).order_by(PlanItem.id)))


def test_home_group_edits_own_plan_live(app, workshop):
    s = workshop
    _a, token_a = gen_participant(app, s, municipality="583")
    _b, token_b = gen_participant(app, s, municipality="583")
    _c, token_c = gen_participant(app, s, municipality="732")
    writer, _ = phone(app, s, token_a)
    mate, _ = phone(app, s, token_b)
    neighbour, _ = phone(app, s, token_c)
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    for c in (writer, mate, neighbour, screen):
        c.get_received()
    ack = writer.emit("plan_save", {"what": "Yhteinen tapahtumakalenteri", "owner": "Kunnan vapaa-aikatoimi",
                                    "due": "kevät 2027"}, callback=True)
    assert ack["ok"]
    assert events(mate, "plan")[-1]["items"][0]["what"] == "Yhteinen tapahtumakalenteri"
    assert events(neighbour, "plan") == []  # another municipality's phones are not bothered
    assert events(screen, "plans")[-1]["items"][0]["municipality"] == "583"
    item_id = ack["item"]["id"]
    assert mate.emit("plan_save", {"id": item_id, "what": "Yhteinen tapahtumakalenteri", "status": "in_progress"},
                     callback=True)["ok"]
    assert neighbour.emit("plan_save", {"id": item_id, "what": "Kaapattu"}, callback=True)["ok"] is False
    [item] = items(app)
    assert item.status == "in_progress" and item.what == "Yhteinen tapahtumakalenteri"
    with app.app_context():
        history = [u.status for u in get_db().scalars(select(PlanUpdate).order_by(PlanUpdate.id))]
    assert history == ["not_started", "in_progress"]


@pytest.mark.parametrize("payload", [
    None, {}, {"what": ""}, {"what": "x" * 501}, {"what": "ok", "status": "forgotten"},
    {"what": "ok", "owner": "o" * 201}, {"what": "a\x00b"}, {"what": "ok", "source_note_id": "note"},
    {"what": "ok", "source_note_id": 99999}, {"what": ["list"]},
])
def test_bad_plan_input_changes_nothing(app, workshop, payload):
    _p, token = gen_participant(app, workshop, municipality="583")
    sio, _ = phone(app, workshop, token)
    ack = sio.emit("plan_save", payload, callback=True)
    assert ack["ok"] is False and ack["error"]
    assert items(app) == []


def test_plan_without_javascript(app, workshop):
    _p, token = gen_participant(app, workshop, municipality="320")
    _sio, c = phone(app, workshop, token)
    page = c.get(f"/{workshop.join_code}").get_data(as_text=True)
    assert 'id="plan"' in page
    c.post(f"/{workshop.join_code}/plan", data={"csrf_token": csrf_token(page), "what": "Järjestöilta",
                                                "owner": "Järjestöyhdyshenkilö", "status": "not_started"})
    assert [i.what for i in items(app, municipality="320")] == ["Järjestöilta"]
    assert "Järjestöilta" in c.get(f"/{workshop.join_code}").get_data(as_text=True)


def test_facilitator_edits_every_plan(app, client, workshop):
    response = fac_post(client, workshop, "plans/add", municipality="732", what="Nuorisovaltuuston kuuleminen",
                        status="not_started")
    assert response.status_code == 302
    [item] = items(app)
    fac_post(client, workshop, "plans/edit", id=str(item.id), what="Nuorisovaltuuston kuuleminen", status="done")
    assert items(app)[0].status == "done"
    fac_post(client, workshop, "plans/add", municipality="091", what="Helsinki ei ole mukana")
    assert len(items(app)) == 1
    assert "Nuorisovaltuuston kuuleminen" in client.get(f"/f/sessions/{workshop.id}/plans").get_data(as_text=True)


def test_series_follow_up_shows_open_actions_of_the_right_municipality(app, client, workshop):
    first = workshop
    response = client.post("/f/series", data={
        "csrf_token": csrf_token(client.get("/f/series").get_data(as_text=True)), "name": "Itä-Lappi 2026–2027"})
    assert response.status_code == 302
    with app.app_context():
        series_id = get_db().scalar(select(Series.id).where(Series.name == "Itä-Lappi 2026–2027"))
    edit = client.get(f"/f/sessions/{first.id}/edit").get_data(as_text=True)
    assert "Itä-Lappi 2026–2027" in edit  # the series is offered on the workshop's edit page
    with app.app_context():
        get_db().get(Session, first.id).series_id = series_id
        get_db().commit()
    fac_post(client, first, "plans/add", municipality="583", what="Kyläyhdistysten yhteinen kalenteri")
    fac_post(client, first, "plans/add", municipality="732", what="Sallan oma asia")
    fac_post(client, first, "plans/add", municipality="583", what="Valmis jo", status="done")
    second = gen_session(app, first.facilitator_id, title="Kevään paja", municipalities=MUNIS)
    with app.app_context():
        db = get_db()
        s2 = db.get(Session, second.id)
        s2.series_id = series_id
        s2.starts_at = s2.starts_at.replace(year=2027)
        s2.phase = "plan"
        db.commit()
    _p, token = gen_participant(app, second, municipality="583")
    sio, c = phone(app, second, token)
    plan = events(sio, "plan")[-1]
    assert [f["what"] for f in plan["followups"]] == ["Kyläyhdistysten yhteinen kalenteri"]
    item_id = plan["followups"][0]["id"]
    ack = sio.emit("plan_followup", {"id": item_id, "status": "in_progress", "comment": "Kalenteri avattu"},
                   callback=True)
    assert ack["ok"]
    salla_item = items(app, municipality="732")[0]
    assert sio.emit("plan_followup", {"id": salla_item.id, "status": "done"}, callback=True)["ok"] is False
    with app.app_context():
        db = get_db()
        item = db.get(PlanItem, item_id)
        assert item.status == "in_progress"
        assert [(u.session_id, u.status, u.comment) for u in item.updates] == [
            (first.id, "not_started", None), (second.id, "in_progress", "Kalenteri avattu")]
    # A workshop outside the series sees nothing to follow up.
    other = gen_session(app, first.facilitator_id, title="Muu paja", municipalities=MUNIS)
    _q, token_q = gen_participant(app, other, municipality="583")
    sio_other, _ = phone(app, other, token_q)
    assert events(sio_other, "plan")[-1]["followups"] == []
    assert sio_other.emit("plan_followup", {"id": item_id, "status": "done"}, callback=True)["ok"] is False


def test_a_plan_saved_through_the_form_and_through_socket_io_reaches_the_same_rooms(app, workshop, monkeypatch):
    """One path: the service publishes, plans/events.py sends; the no-JS form emits nothing itself."""
    _a, token_a = gen_participant(app, workshop, municipality="583")
    _b, token_b = gen_participant(app, workshop, municipality="583")
    live, _ = phone(app, workshop, token_a)
    _sio, form_phone = phone(app, workshop, token_b)
    page = form_phone.get(f"/{workshop.join_code}").get_data(as_text=True)
    calls = []
    monkeypatch.setattr(socketio, "emit", lambda event, _data=None, to=None, **_kw: calls.append((event, to)))
    assert live.emit("plan_save", {"what": "Kylätalon avoimet ovet"}, callback=True)["ok"]
    by_socket, calls[:] = list(calls), []
    form_phone.post(f"/{workshop.join_code}/plan", data={"csrf_token": csrf_token(page), "what": "Talkoot"})
    assert by_socket == calls == [("plan", f"m{workshop.id}:583"), ("plans", f"s{workshop.id}:screen"),
                                  ("plans", f"s{workshop.id}:fac")]
    item_id = items(app, what="Talkoot")[0].id
    calls[:] = []
    assert live.emit("plan_followup", {"id": item_id, "status": "done"}, callback=True)["ok"]
    assert calls == by_socket
    assert [i.status for i in items(app, what="Talkoot")] == ["done"]
