"""Invitations to a workshop's team by email link: the owner invites an address with a role; the link
(shown once, emailed when mail is set up, only its hash stored) lets a new person create an account and
join, or a logged-in facilitator accept; used, withdrawn, expired and guessed links change nothing."""
from __future__ import annotations

import email
import hashlib
import re
from datetime import timedelta

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.exports import document
from workshop.extensions import limiter, socketio
from workshop.models import AuditLine, Facilitator, Session, SessionMember
from workshop.team import service as team
from workshop.team.models import TeamInvite

from tests.helpers import PASSWORD, AuthActions, csrf_token, gen_facilitator, gen_session
from tests.registration.test_registrations import smtp_server  # noqa: F401  (the fake SMTP server fixture)

LINK = re.compile(r'id="invite-link"[^>]*value="([^"]+)"')


def post(client, path, page="/f/", **data):
    return client.post(path, data={"csrf_token": csrf_token(client.get(page).get_data(as_text=True)), **data})


def owner_world(app, auth):
    owner = gen_facilitator(app)
    s = gen_session(app, owner.id)
    auth.login()
    return s


def invite(client, s, address="uusi@example.fi", role="assistant") -> str:
    """The owner invites; the team page shows the link this once. Returns its path (/invite/…)."""
    response = post(client, f"/f/sessions/{s.id}/team/invites", email=address, role=role)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    link = LINK.search(response.get_data(as_text=True)).group(1)
    assert link.startswith("http")
    return "/invite/" + link.rsplit("/invite/", 1)[1]


def snapshot(app):
    with app.app_context():
        db = get_db()
        return (sorted((i.email, i.status) for i in db.scalars(select(TeamInvite))),
                sorted((m.facilitator_id, m.role) for m in db.scalars(select(SessionMember))),
                db.scalar(select(func.count(Facilitator.id))), db.scalar(select(func.count(AuditLine.id))))


def test_a_new_person_creates_an_account_by_the_link_and_works_the_door(app, client, auth):
    s = owner_world(app, auth)
    path = invite(client, s)
    page = client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    assert "uusi@example.fi" in page and "invite-link" not in page  # pending, the link not shown again

    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    assert s.title in html and "uusi@example.fi" in html and 'id="join"' in html
    short = newcomer.post(path + "/join", data={"csrf_token": csrf_token(html), "name": "Uusi Ovimies",
                                                "password": "lyhyt", "password2": "lyhyt"})
    assert short.status_code == 400 and "10–200" in short.get_data(as_text=True)
    response = newcomer.post(path + "/join", data={"csrf_token": csrf_token(html), "name": "Uusi Ovimies",
                                                   "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == f"/f/sessions/{s.id}"

    # Logged in as the new account, an assistant: the timer yes, the phase no.
    assert newcomer.get(f"/f/sessions/{s.id}").status_code == 200
    assert post(newcomer, f"/f/sessions/{s.id}/timer/start", minutes="5").status_code == 302
    assert post(newcomer, f"/f/sessions/{s.id}/phase", phase="info").status_code == 403
    with app.app_context():
        db = get_db()
        fac = db.scalar(select(Facilitator).where(Facilitator.email == "uusi@example.fi"))
        assert fac.name == "Uusi Ovimies"
        assert db.scalar(select(SessionMember.role).where(SessionMember.facilitator_id == fac.id)) == "assistant"
        assert db.scalar(select(TeamInvite.status)) == "accepted"
        audit = document.load_session(db, s.id)["audit"]
    assert [(a["who"], a["action"]) for a in audit][:3] == [
        ("Fasilitaattori", "team.invite"), ("Uusi Ovimies", "team.accept_invite:assistant"),
        ("Uusi Ovimies", "timer.timer_action:start")]
    history = client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    assert "Liittyi tiimiin kutsulinkillä (assistant)" in history

    # The link is used: a clear page, 410, nothing changes; also the accept form.
    before = snapshot(app)
    gone = app.test_client().get(path)
    assert gone.status_code == 410 and "jo hyväksytty" in gone.get_data(as_text=True)
    assert post(app.test_client(), path + "/join", page="/", name="Toinen", password=PASSWORD,
                password2=PASSWORD).status_code == 410
    assert snapshot(app) == before


def test_an_existing_account_logs_in_and_comes_back_to_accept(app, client, auth):
    s = owner_world(app, auth)
    gen_facilitator(app, "kaisa@example.fi", "Kaisa")
    path = invite(client, s, "Kaisa@Example.fi ", "facilitator")
    kaisa = app.test_client()
    html = kaisa.get(path).get_data(as_text=True)
    assert 'id="login"' in html and 'id="join"' not in html
    login_url = re.search(r'id="login" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert login_url.startswith("/login?next=")
    # Accepting before logging in goes to the login page, and back here after it.
    refused = post(kaisa, path, page="/")
    assert refused.status_code == 302 and "/login?next=" in refused.headers["Location"]
    token = csrf_token(kaisa.get(login_url).get_data(as_text=True))
    back = kaisa.post(login_url, data={"csrf_token": token, "email": "kaisa@example.fi", "password": PASSWORD})
    assert back.headers["Location"] == path
    assert 'id="accept"' in kaisa.get(path).get_data(as_text=True)
    response = post(kaisa, path)
    assert response.status_code == 302 and response.headers["Location"] == f"/f/sessions/{s.id}"
    assert post(kaisa, f"/f/sessions/{s.id}/phase", phase="info").status_code == 302  # a co-facilitator
    with app.app_context():
        assert get_db().get(Session, s.id).phase == "info"


def test_the_owner_or_a_member_is_told_and_nothing_changes(app, client, auth):
    s = owner_world(app, auth)
    gen_facilitator(app, "kaisa@example.fi", "Kaisa")
    post(client, f"/f/sessions/{s.id}/team", email="kaisa@example.fi", role="observer")
    refused = post(client, f"/f/sessions/{s.id}/team/invites", email="kaisa@example.fi", role="facilitator")
    assert refused.status_code == 302
    assert "jo tiimissä" in client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    path = invite(client, s, "joku@example.fi")
    before = snapshot(app)
    assert "Omistat tämän työpajan jo" in client.get(path).get_data(as_text=True)  # the owner opens it
    assert post(client, path).status_code == 302
    kaisa = app.test_client()
    AuthActions(kaisa).login("kaisa@example.fi")
    assert "Olet jo tämän työpajan tiimissä" in kaisa.get(path).get_data(as_text=True)
    post(kaisa, path)
    assert snapshot(app) == before
    assert post(kaisa, path + "/join", name="Kaisa", password=PASSWORD, password2=PASSWORD).status_code == 302
    assert snapshot(app) == before  # logged in: no second account by the form


def test_withdrawn_replaced_expired_and_guessed_links_change_nothing(app, client, auth):
    s = owner_world(app, auth)
    first = invite(client, s, "uusi@example.fi", "observer")
    second = invite(client, s, "uusi@example.fi", "assistant")  # re-inviting replaces the first link
    with app.app_context():
        pending = team.pending_invites(get_db(), get_db().get(Session, s.id))
    assert [(i.email, i.role) for i in pending] == [("uusi@example.fi", "assistant")]
    assert client.get(first).status_code == 410
    third = invite(client, s, "toinen@example.fi", "observer")
    with app.app_context():
        db = get_db()
        third_id = db.scalar(select(TeamInvite.id).where(TeamInvite.email == "toinen@example.fi"))
        row = db.scalar(select(TeamInvite).where(TeamInvite.email == "uusi@example.fi",
                                                 TeamInvite.status == "pending"))
        row.expires_at = row.expires_at - timedelta(days=8)
        db.commit()
    assert post(client, f"/f/sessions/{s.id}/team/invites/{third_id}/revoke").status_code == 302
    before = snapshot(app)
    for path, words in ((second, "vanhentunut"), (third, "peruttu"), (first, "peruttu")):
        visitor = app.test_client()
        gone = visitor.get(path)
        assert gone.status_code == 410 and words in gone.get_data(as_text=True)
        assert post(visitor, path + "/join", page="/", name="X", password=PASSWORD,
                    password2=PASSWORD).status_code == 410
    assert app.test_client().get("/invite/arvattu-linkki").status_code == 404
    assert post(app.test_client(), "/invite/arvattu-linkki/join", page="/", name="X", password=PASSWORD,
                password2=PASSWORD).status_code == 404
    assert post(client, "/invite/arvattu-linkki").status_code == 404
    assert post(client, second).status_code == 410
    assert snapshot(app) == before
    # A second revoke of the same link is refused with a message.
    assert post(client, f"/f/sessions/{s.id}/team/invites/{third_id}/revoke").status_code == 302
    assert snapshot(app) == before


def test_only_the_owner_invites_and_withdraws(app, client, auth):
    s = owner_world(app, auth)
    for key, role in (("co", "facilitator"), ("ovi", "assistant"), ("katse", "observer")):
        gen_facilitator(app, f"{key}@example.fi", key)
        post(client, f"/f/sessions/{s.id}/team", email=f"{key}@example.fi", role=role)
    gen_facilitator(app, "muu@example.fi", "Muu")  # another workshop's facilitator
    invite(client, s, "uusi@example.fi")
    with app.app_context():
        invite_id = get_db().scalar(select(TeamInvite.id))
    before = snapshot(app)
    for key in ("co", "ovi", "katse"):
        member = app.test_client()
        AuthActions(member).login(f"{key}@example.fi")
        assert 'id="invite-form"' not in member.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
        assert post(member, f"/f/sessions/{s.id}/team/invites", email="x@example.fi", role="observer").status_code == 403
        assert post(member, f"/f/sessions/{s.id}/team/invites/{invite_id}/revoke").status_code == 403
    stranger = app.test_client()
    AuthActions(stranger).login("muu@example.fi")
    assert post(stranger, f"/f/sessions/{s.id}/team/invites", email="x@example.fi", role="observer").status_code == 404
    assert snapshot(app) == before


def test_bad_input_is_refused_with_a_message(app, client, auth):
    s = owner_world(app, auth)
    before = snapshot(app)
    for address, role, words in (("ei-osoite", "observer", "Kirjoita toimiva sähköpostiosoite"),
                                 ("x@example.fi", "owner", "Valitse rooli"),
                                 ("fasilitaattori@example.fi", "observer", "omistaja")):
        response = post(client, f"/f/sessions/{s.id}/team/invites", email=address, role=role)
        assert response.status_code == 302
        assert words in client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    assert snapshot(app) == before


def test_the_token_is_stored_only_as_its_hash_and_not_exported(app, client, auth):
    s = owner_world(app, auth)
    path = invite(client, s)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 40  # 256 bits
    with app.app_context():
        db = get_db()
        row = db.scalar(select(TeamInvite))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        for table in ("team_invite", "audit_line"):
            dump = repr(db.execute(select(TeamInvite) if table == "team_invite" else select(AuditLine)).all())
            assert token not in dump
    export = client.get(f"/f/sessions/{s.id}/export.json").get_data(as_text=True)
    assert token not in export and row.token_hash not in export and "uusi@example.fi" not in export
    assert "team.invite" in export


def test_the_invitation_is_emailed_when_mail_is_configured(app, client, auth, smtp_server):  # noqa: F811
    s = owner_world(app, auth)
    app.config.update(PAJA_SMTP_HOST="127.0.0.1", PAJA_SMTP_PORT=str(smtp_server.server_address[1]),
                      PAJA_MAIL_FROM="paja@example.fi")
    response = post(client, f"/f/sessions/{s.id}/team/invites", email="uusi@example.fi", role="observer")
    html = response.get_data(as_text=True)
    assert "Se lähetettiin sähköpostilla" in html
    link = LINK.search(html).group(1)
    [message] = smtp_server.messages
    assert "uusi@example.fi" in message["rcpt"][0]
    parsed = email.message_from_string(message["data"])
    body = parsed.get_payload(decode=True).decode()
    subject = str(email.header.make_header(email.header.decode_header(parsed["Subject"])))
    assert s.title in subject and link in body and "Fasilitaattori" in body


def test_without_mail_the_page_says_to_send_the_link_yourself(app, client, auth):
    s = owner_world(app, auth)
    response = post(client, f"/f/sessions/{s.id}/team/invites", email="uusi@example.fi", role="observer")
    assert "kopioi linkki" in response.get_data(as_text=True).lower()


def test_guessing_links_is_slowed_down_and_deleting_the_workshop_deletes_its_invitations(app, client, auth):
    s = owner_world(app, auth)
    path = invite(client, s)
    guesser = app.test_client()
    statuses = [guesser.get(f"/invite/arvaus-{i}").status_code for i in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
    limiter.reset()  # ten minutes later
    assert post(client, f"/f/sessions/{s.id}/results/delete", confirm="yes").status_code == 302
    with app.app_context():
        assert get_db().scalar(select(func.count(TeamInvite.id))) == 0
    assert app.test_client().get(path).status_code == 404


def test_the_owners_team_page_hears_when_an_invitation_is_accepted(app, client, auth):
    s = owner_world(app, auth)
    path = invite(client, s)
    rendered = re.search(r'data-version="(\w+)"', client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True))
    owner_socket = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    assert owner_socket.is_connected()
    owner_socket.get_received()
    newcomer = app.test_client()
    html = newcomer.get(path).get_data(as_text=True)
    newcomer.post(path + "/join", data={"csrf_token": csrf_token(html), "name": "Uusi", "password": PASSWORD,
                                        "password2": PASSWORD})
    [event] = [e for e in owner_socket.get_received() if e["name"] == "team"]
    assert event["args"][0]["version"] != rendered.group(1)
    page = client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    assert f'data-version="{event["args"][0]["version"]}"' in page and "Uusi" in page
