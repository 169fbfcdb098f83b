"""Vote results hidden until revealed (issue 16 item 4): during the voting phones and the projector see
only who has voted until the facilitator reveals the results (or the presentation starts); with "live"
they see the running counts. Hidden means absent from the payloads and the HTML, not only unrendered."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.models import Group, Session

from tests.flipchart.evening import fac_action, phone, received, set_phase, write_notes
from tests.helpers import AuthActions, gen_facilitator


def settings(app, s):
    with app.app_context():
        session = get_db().get(Session, s.id)
        return flipchart.vote_results(session), flipchart.votes_revealed(session)


def projector(app, s):
    sio = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    assert sio.is_connected()
    return sio


def state_part(sio, name):
    """What a socket got of `name` on (re)connect (the test clients unbundle the "state" message)."""
    return received(sio, name)


def without_counts(board: dict) -> bool:
    return "tallies" not in board and "top" not in board


def vote(app, s, tokens, member, note_ids):
    sio, _c = phone(app, s, tokens[member])
    for note_id in note_ids:
        assert sio.emit("vote", {"note_id": note_id, "on": True}, callback=True)["ok"]


def phone_html(c, s):
    return c.get(f"/{s.join_code}").get_data(as_text=True)


def shown_note_votes(html: str) -> list[str]:
    """The vote counts a page shows on its notes (an empty, hidden paragraph shows none)."""
    return [m for m in re.findall(r'<(?:p|span) class="note-votes"[^>]*>([^<]*)<', html) if m.strip()]


def test_votes_stay_hidden_until_the_facilitator_reveals_them(app, client, evening):
    s, tokens, groups = evening
    members = groups[1]
    notes = write_notes(app, s, tokens, members, ["Kylätalo", "Nuoret", "Kirjasto"])
    assert settings(app, s) == ("reveal", False)  # the default
    fac_action(client, s, "board/voting", action="open")
    screen = projector(app, s)
    watcher, watcher_page = phone(app, s, tokens[members[3]])
    screen.get_received()
    watcher.get_received()

    vote(app, s, tokens, members[0], notes[:2])
    vote(app, s, tokens, members[1], notes[:1])
    on_screen = screen.get_received()  # each read drains the test client: read once
    assert received(watcher, "vote_tallies") == [] and "vote_tallies" not in [e["name"] for e in on_screen]
    progress = [e["args"][0] for e in on_screen if e["name"] == "vote_progress"]
    assert progress[-1] == {"number": 1, "voters": 2, "members": 4, "state": "open"}
    again, _c = phone(app, s, tokens[members[2]])  # a phone (re)connecting mid-vote
    assert without_counts(state_part(again, "board")[0])
    assert all(without_counts(b) for b in state_part(projector(app, s), "boards")[0]["groups"])
    assert shown_note_votes(phone_html(watcher_page, s)) == []
    assert shown_note_votes(client.get(f"/screen/{s.screen_token}").get_data(as_text=True)) == []

    fac_action(client, s, "board/voting", action="close")  # closing reveals nothing
    assert without_counts(received(watcher, "board")[-1])
    assert all(without_counts(b) for b in received(screen, "boards")[-1]["groups"])
    assert "Kylätalo (" not in phone_html(watcher_page, s) and shown_note_votes(phone_html(watcher_page, s)) == []

    assert fac_action(client, s, "board/reveal").status_code == 302
    assert settings(app, s) == ("reveal", True)
    board = received(watcher, "board")[-1]
    assert board["tallies"] == {str(notes[0]): 2, str(notes[1]): 1}
    assert [p["text"] for p in board["top"]["places"]] == ["Kylätalo", "Nuoret"]
    assert received(screen, "boards")[-1]["groups"][0]["tallies"][str(notes[0])] == 2
    assert shown_note_votes(phone_html(watcher_page, s)) == ["2 ääntä", "1 ääni", "0 ääntä", "(2 ääntä)", "(1 ääni)"]
    assert len(shown_note_votes(client.get(f"/screen/{s.screen_token}").get_data(as_text=True))) == 3

    fac_action(client, s, "board/voting", action="open")  # a new vote: hidden again
    assert settings(app, s) == ("reveal", False)
    assert without_counts(received(watcher, "board")[-1])


def test_live_votes_show_the_running_counts_to_the_group_and_the_projector(app, client, evening):
    s, tokens, groups = evening
    notes = write_notes(app, s, tokens, groups[1], ["Kylätalo", "Nuoret"])
    assert fac_action(client, s, "board/results", vote_results="live").status_code == 302
    assert settings(app, s) == ("live", False)
    fac_action(client, s, "board/voting", action="open")
    screen = projector(app, s)
    mate, _c = phone(app, s, tokens[groups[1][2]])
    other, _c2 = phone(app, s, tokens[groups[2][0]])
    for sio in (screen, mate, other):
        sio.get_received()
    vote(app, s, tokens, groups[1][0], notes)
    assert received(mate, "vote_tallies")[-1] == {"group": 1, "tallies": {str(notes[0]): 1, str(notes[1]): 1}}
    assert received(screen, "vote_tallies")[-1]["tallies"] == {str(notes[0]): 1, str(notes[1]): 1}
    assert received(other, "vote_tallies") == []  # another group's counts never reach this group
    assert state_part(phone(app, s, tokens[groups[1][3]])[0], "board")[0]["tallies"] == {
        str(notes[0]): 1, str(notes[1]): 1}
    html = client.get(f"/screen/{s.screen_token}").get_data(as_text=True)
    assert len(shown_note_votes(html)) == 2


def test_the_presentation_reveals_the_votes(app, client, evening):
    s, tokens, groups = evening
    notes = write_notes(app, s, tokens, groups[1], ["Kylätalo", "Nuoret"])
    fac_action(client, s, "board/voting", action="open")
    vote(app, s, tokens, groups[1][0], notes[:1])
    fac_action(client, s, "board/voting", action="close")
    watcher, _c = phone(app, s, tokens[groups[1][1]])
    watcher.get_received()
    set_phase(client, s, "presentation")
    assert settings(app, s) == ("reveal", True)
    got = watcher.get_received()  # each read drains the test client: read once
    presented = [e["args"][0] for e in got if e["name"] == "presentation"]
    boards = [e["args"][0] for e in got if e["name"] == "board"]
    assert presented[-1]["groups"][0]["top"]["places"][0]["text"] == "Kylätalo"
    assert boards[-1]["tallies"] == {str(notes[0]): 1}


def test_the_run_sheet_voting_step_has_the_setting_and_the_reveal_button(app, client, evening):
    s, tokens, groups = evening
    fac_action(client, s, "board/voting", action="open")
    run = client.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    assert 'id="reveal-votes"' in run and 'name="vote_results" value="reveal" id="run-vote-results-reveal" checked' in run
    board_page = client.get(f"/f/sessions/{s.id}/board").get_data(as_text=True)
    assert 'id="reveal-votes"' in board_page
    response = fac_action(client, s, "board/reveal", next=f"/f/sessions/{s.id}")
    assert response.headers["Location"].endswith(f"/f/sessions/{s.id}")
    assert 'id="reveal-votes"' not in client.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    assert "Paljasti äänestyksen tulokset" in client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    before = settings(app, s)
    fac_action(client, s, "board/results", vote_results="sometimes")  # refused, nothing changes
    assert settings(app, s) == before


@pytest.mark.parametrize("role, allowed", [("facilitator", True), ("assistant", False), ("observer", False)])
def test_revealing_votes_follows_the_team_roles(app, client, evening, role, allowed):
    s, _tokens, _groups = evening
    member = gen_facilitator(app, email=f"{role}@example.fi", name=role)
    with app.app_context():
        from workshop.team import service as team
        db = get_db()
        team.add_member(db, db.get(Session, s.id), member.email, role)
    AuthActions(client).logout()
    AuthActions(client).login(email=f"{role}@example.fi")
    for path, data in (("board/reveal", {}), ("board/results", {"vote_results": "live"})):
        status = fac_action(client, s, path, **data).status_code
        assert (status == 302) is allowed and (status == 403) is (not allowed)
    assert settings(app, s) == (("live", True) if allowed else ("reveal", False))


def test_reveal_reaches_every_group_and_the_projector_once(app, client, evening, monkeypatch):
    s, _tokens, _groups = evening
    with app.app_context():
        group_ids = list(get_db().scalars(select(Group.id).order_by(Group.number)))
    calls = []
    monkeypatch.setattr(socketio, "emit", lambda event, _data=None, to=None, **_kw: calls.append((event, to)))
    fac_action(client, s, "board/reveal")
    assert calls == [("board", f"g{gid}") for gid in group_ids] + [
        ("boards", f"s{s.id}:screen"), ("boards", f"s{s.id}:fac")]
    calls.clear()
    fac_action(client, s, "board/reveal")  # already revealed: nothing to send
    assert calls == []
