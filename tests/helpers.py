"""Factories and small helpers so tests read as stories."""
from __future__ import annotations

import re
from datetime import datetime

from workshop.accounts import service as auth
from workshop.db import get_db
from workshop.sessions import service as sessions
from workshop.sessions.service import JoinData, SessionSpec, ThemeSpec

PASSWORD = "correct horse battery"


def gen_facilitator(app, email="fasilitaattori@example.fi", name="Fasilitaattori"):
    with app.app_context():
        return auth.create_facilitator(get_db(), email, name, PASSWORD)


def gen_session(app, facilitator_id, title="Itä-Lapin paja", municipalities=("320", "583", "732")):
    spec = SessionSpec(
        title=title, starts_at=datetime(2026, 12, 1, 17, 30), host_municipality=municipalities[0],
        municipalities=list(municipalities),
        themes=[ThemeSpec("Osaaminen", ["Mihin keskitytään ensin?"])],
        agenda=[("Info", 50), ("Ryhmätyö", 90)])
    with app.app_context():
        return sessions.create_session(get_db(), facilitator_id, spec)


def gen_participant(app, session, municipality=None, background="ngo", first_name=None):
    with app.app_context():
        db = get_db()
        s = db.get(type(session), session.id)
        return sessions.join(db, s, JoinData(municipality or s.municipalities[0].code, background, first_name))


def csrf_token(html: str) -> str:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert m, "page has no CSRF token"
    return m.group(1)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email="fasilitaattori@example.fi", password=PASSWORD):
        token = csrf_token(self.client.get("/login").get_data(as_text=True))
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        token = csrf_token(self.client.get("/f/").get_data(as_text=True))
        return self.client.post("/logout", data={"csrf_token": token})


def post_form(client, url, data):
    """GET the page for its CSRF token, then POST the form like a browser would."""
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def unbundle_state() -> None:
    """Flask-SocketIO test clients report the one "state" message of a (re)connect or "sync" as the events
    it carries, in order, as static/js/live.js hands them to the page's handlers
    (workshop.live.handlers.State); its test checks the message itself (tests/live/test_live.py)."""
    from flask_socketio.test_client import SocketIOTestClient
    if getattr(SocketIOTestClient.get_received, "unbundles", False):
        return
    received = SocketIOTestClient.get_received

    def get_received(self, namespace=None):
        events = []
        for e in received(self, namespace):
            if e["name"] == "state" and not getattr(self, "keep_state", False):
                events.extend({"name": name, "args": [payload], "namespace": e["namespace"]}
                              for name, payload in e["args"][0])
            else:
                events.append(e)
        return events
    get_received.unbundles = True
    SocketIOTestClient.get_received = get_received
