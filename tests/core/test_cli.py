"""`flask paja` commands: facilitator accounts and demo data."""
from __future__ import annotations

from sqlalchemy import select

from workshop.db import get_db
from workshop.models import Facilitator, Session


def test_create_facilitator(runner, app):
    result = runner.invoke(args=["paja", "create-facilitator", "--email", "Liisa@Example.fi", "--name", "Liisa"],
                           input="pitkä salasana 1\npitkä salasana 1\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        fac = get_db().scalar(select(Facilitator))
        assert fac.email == "liisa@example.fi" and fac.password_hash.startswith("$argon2")


def test_create_facilitator_refuses_short_password(runner, app):
    result = runner.invoke(args=["paja", "create-facilitator", "--email", "a@b.fi", "--name", "A"],
                           input="lyhyt\nlyhyt\n")
    assert result.exit_code != 0
    with app.app_context():
        assert get_db().scalar(select(Facilitator)) is None


def test_demo_creates_a_realistic_session(runner, app, client, auth):
    result = runner.invoke(args=["paja", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        s = get_db().scalar(select(Session).where(Session.is_open))  # the empty workshop to run live
        assert s.join_code in result.output
        assert len(s.municipalities) == 5 and len(s.themes) == 4
        assert all(t.questions for t in s.themes)
    password = result.output.split("Login:")[1].split("/")[1].strip().split()[0]
    response = auth.login(email="demo@paja.invalid", password=password)
    assert response.status_code == 302
    assert s.title in client.get("/f/").get_data(as_text=True)
