"""A facilitator team: the owner adds facilitators of the installation with a role; a co-facilitator
runs the evening (live with the owner), an assistant works the door, moderation and the timer, an
observer reads; only the owner deletes the workshop or changes its team. Every change that went
through is one line of history (who, what, when), on the team page and in the JSON export."""
from __future__ import annotations

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.exports import document
from workshop.extensions import socketio
from workshop.models import AuditLine, Session, SessionMember

from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_session

PEOPLE = {"co": "Kaisa", "assistant": "Arvo", "observer": "Olli"}


def login(app, key: str):
    client = app.test_client()
    AuthActions(client).login(f"{key}@example.fi")
    return client


def post(client, path, **data):
    token = csrf_token(client.get("/f/").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def team_world(app, client, auth):
    owner = gen_facilitator(app)
    for key, name in PEOPLE.items():
        gen_facilitator(app, f"{key}@example.fi", name)
    s = gen_session(app, owner.id)
    auth.login()
    for key, role in (("co", "facilitator"), ("assistant", "assistant"), ("observer", "observer")):
        response = post(client, f"/f/sessions/{s.id}/team", email=f"{key.upper()}@example.fi", role=role)
        assert response.status_code == 302
    return s, {key: login(app, key) for key in PEOPLE}


def test_roles_decide_what_each_member_may_change(app, client, auth):
    s, members = team_world(app, client, auth)
    co, assistant, observer = members["co"], members["assistant"], members["observer"]
    page = client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    assert all(name in page for name in PEOPLE.values())

    for c in members.values():  # every member sees the workshop, its run sheet and its report
        assert s.title in c.get("/f/").get_data(as_text=True)
        assert c.get(f"/f/sessions/{s.id}").status_code == 200
        assert c.get(f"/f/sessions/{s.id}/report").status_code == 200

    assert post(co, f"/f/sessions/{s.id}/phase", phase="info").status_code == 302
    refused = post(assistant, f"/f/sessions/{s.id}/phase", phase="grouping")
    assert refused.status_code == 403 and "Roolisi tässä työpajassa ei salli tätä" in refused.get_data(as_text=True)
    assert post(assistant, f"/f/sessions/{s.id}/timer/start", minutes="5").status_code == 302
    assert post(observer, f"/f/sessions/{s.id}/timer/pause").status_code == 403
    assert post(observer, f"/f/sessions/{s.id}/team", email="co@example.fi", role="observer").status_code == 403
    assert post(co, f"/f/sessions/{s.id}/results/delete", confirm="yes").status_code == 403
    with app.app_context():
        db = get_db()
        assert db.get(Session, s.id).phase == "info"
        assert {m.role for m in db.scalars(select(SessionMember))} == {"facilitator", "assistant", "observer"}

    # History: the changes that went through, each with who made it; refusals wrote nothing.
    with app.app_context():
        lines = [(line.facilitator.name if line.facilitator else None, line.action)
                 for line in get_db().scalars(select(AuditLine).order_by(AuditLine.id))]
    assert lines[-2:] == [("Kaisa", "facilitator.change_phase:info"), ("Arvo", "timer.timer_action:start")]
    history = client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    assert "Vaihtoi vaihetta (info)" in history and "Käytti ajastinta (start)" in history
    with app.app_context():
        audit = document.load_session(get_db(), s.id)["audit"]
    assert [a["who"] for a in audit][-2:] == ["Kaisa", "Arvo"]


def test_two_facilitators_see_each_others_changes_live(app, client, auth):
    s, members = team_world(app, client, auth)
    owner_socket = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    co_socket = socketio.test_client(app, auth={"role": "facilitator", "session": s.id},
                                     flask_test_client=members["co"])
    assert owner_socket.is_connected() and co_socket.is_connected()
    owner_socket.get_received()
    post(members["co"], f"/f/sessions/{s.id}/phase", phase="info")
    assert "phase" in [e["name"] for e in owner_socket.get_received()]


def test_the_owner_changes_roles_and_removes_members(app, client, auth):
    s, members = team_world(app, client, auth)
    with app.app_context():
        observer_id = get_db().scalar(select(SessionMember.id).where(SessionMember.role == "observer"))
    post(client, f"/f/sessions/{s.id}/team/{observer_id}/role", role="assistant")
    assert post(members["observer"], f"/f/sessions/{s.id}/timer/start", minutes="3").status_code == 302
    post(client, f"/f/sessions/{s.id}/team/{observer_id}/remove")
    assert members["observer"].get(f"/f/sessions/{s.id}").status_code == 404
    assert post(client, f"/f/sessions/{s.id}/team", email="nobody@example.fi", role="observer").status_code == 302
    with app.app_context():
        assert get_db().scalar(select(func.count(SessionMember.id))) == 2
