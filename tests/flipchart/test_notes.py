"""Flipcharts and top-3 voting: phones write notes live, the group votes, the facilitator moderates."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart.service import top_three
from workshop.models import Group, Note, Participant, Vote

from tests.flipchart.evening import fac_action, phone, received, set_phase, write_notes
from tests.helpers import AuthActions, csrf_token, gen_facilitator


def count(app, model, *where):
    with app.app_context():
        return get_db().scalar(select(func.count(model.id)).where(*where))


def test_note_reaches_own_group_only(app, evening):
    s, tokens, groups = evening
    a, b = groups[1][0], groups[1][1]
    other = groups[2][0]
    writer, _ = phone(app, s, tokens[a])
    mate, _ = phone(app, s, tokens[b])
    stranger, _ = phone(app, s, tokens[other])
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    for c in (writer, mate, stranger, screen):
        c.get_received()
    ack = writer.emit("note_add", {"client_id": "abcdef123456", "text": "Yhteinen tapahtumakalenteri 🎉"},
                      callback=True)
    assert ack["ok"] and ack["note"]["text"] == "Yhteinen tapahtumakalenteri 🎉"
    assert [n["text"] for n in received(mate, "note")] == ["Yhteinen tapahtumakalenteri 🎉"]
    assert received(stranger, "note") == []
    assert received(screen, "note")[0]["group"] == 1


def test_resent_note_is_stored_once(app, evening):
    s, tokens, groups = evening
    writer, _ = phone(app, s, tokens[groups[1][0]])
    first = writer.emit("note_add", {"client_id": "same-id-123", "text": "Kerran"}, callback=True)
    again = writer.emit("note_add", {"client_id": "same-id-123", "text": "Kerran"}, callback=True)
    assert first["note"]["id"] == again["note"]["id"]
    assert count(app, Note) == 1


@pytest.mark.parametrize("payload", [
    None, "text", {"client_id": "abcdef123456"}, {"client_id": "abcdef123456", "text": ""},
    {"client_id": "abcdef123456", "text": "x" * 281}, {"client_id": "abcdef123456", "text": "a\x00b"},
    {"client_id": "short", "text": "ok"}, {"client_id": 12345678, "text": "ok"},
    {"client_id": "abcdef123456", "text": ["list"]},
])
def test_bad_notes_get_a_clear_message_and_change_nothing(app, evening, payload):
    s, tokens, groups = evening
    writer, _ = phone(app, s, tokens[groups[1][0]])
    ack = writer.emit("note_add", payload, callback=True)
    assert ack["ok"] is False and ack["error"] and "Traceback" not in ack["error"]
    assert count(app, Note) == 0


def test_notes_only_during_group_work(app, client, evening):
    s, tokens, groups = evening
    set_phase(client, s, "info")
    writer, _ = phone(app, s, tokens[groups[1][0]])
    ack = writer.emit("note_add", {"client_id": "abcdef123456", "text": "Liian aikaisin"}, callback=True)
    assert ack["ok"] is False and count(app, Note) == 0


def test_note_flood_is_limited(app, evening):
    s, tokens, groups = evening
    writer, _ = phone(app, s, tokens[groups[1][0]])
    results = [writer.emit("note_add", {"client_id": f"flood-{i:04d}", "text": f"n{i}"}, callback=True)
               for i in range(25)]
    assert sum(r["ok"] for r in results) == 20
    assert count(app, Note) == 20


def test_edit_and_delete_own_note_only(app, evening):
    s, tokens, groups = evening
    author, _ = phone(app, s, tokens[groups[1][0]])
    mate, _ = phone(app, s, tokens[groups[1][1]])
    note = author.emit("note_add", {"client_id": "abcdef123456", "text": "Typo"}, callback=True)["note"]
    assert mate.emit("note_edit", {"id": note["id"], "text": "Hijack"}, callback=True)["ok"] is False
    assert mate.emit("note_delete", {"id": note["id"]}, callback=True)["ok"] is False
    mate.get_received()
    assert author.emit("note_edit", {"id": note["id"], "text": "Korjattu"}, callback=True)["ok"]
    assert received(mate, "note")[-1]["text"] == "Korjattu"
    assert author.emit("note_delete", {"id": note["id"]}, callback=True)["ok"]
    assert received(mate, "note_removed")[-1]["id"] == note["id"]
    assert count(app, Note) == 0


def test_notes_work_without_javascript(app, evening):
    s, tokens, groups = evening
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", tokens[groups[1][0]])
    page = c.get(f"/{s.join_code}").get_data(as_text=True)
    token = csrf_token(page)
    client_id = page.split('name="client_id" value="')[1].split('"')[0]
    for _ in range(2):  # a double-submitted form stores one note
        c.post(f"/{s.join_code}/notes", data={"csrf_token": token, "client_id": client_id, "text": "Ilman JS:ää"})
    assert count(app, Note) == 1
    assert "Ilman JS:ää" in c.get(f"/{s.join_code}").get_data(as_text=True)


def test_three_votes_toggle_and_top_three(app, client, evening):
    s, tokens, groups = evening
    members = groups[1]
    notes = write_notes(app, s, tokens, members, ["A", "B", "C", "D", "E"])
    fac_action(client, s, "board/voting", action="open", group="1")
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    screen.get_received()
    voter, _ = phone(app, s, tokens[members[0]])
    for note_id in notes[:3]:
        assert voter.emit("vote", {"note_id": note_id, "on": True}, callback=True)["ok"]
    fourth = voter.emit("vote", {"note_id": notes[3], "on": True}, callback=True)
    assert fourth["ok"] is False  # only three votes
    assert voter.emit("vote", {"note_id": notes[0], "on": True}, callback=True)["ok"] is False  # no stacking
    changed = voter.emit("vote", {"note_id": notes[2], "on": False}, callback=True)
    assert changed["ok"] and changed["remaining"] == 1
    assert voter.emit("vote", {"note_id": notes[3], "on": True}, callback=True)["remaining"] == 0
    progress = received(screen, "vote_progress")
    assert progress[-1] == {"number": 1, "voters": 1, "members": 4, "state": "open"}
    assert "tallies" not in str(received(screen, "boards"))
    for m in members[1:]:
        sio, _ = phone(app, s, tokens[m])
        for note_id in (notes[0], notes[1], notes[4]):
            sio.emit("vote", {"note_id": note_id, "on": True}, callback=True)
    fac_action(client, s, "board/voting", action="close", group="1")
    with app.app_context():
        db = get_db()
        result = top_three(db, db.get(Group, get_db().scalar(select(Group.id).where(Group.number == 1))))
        assert [(n.text, v) for n, v in result.places] == [("A", 4), ("B", 4), ("E", 3)]
        assert not result.tied
    assert voter.emit("vote", {"note_id": notes[2], "on": True}, callback=True)["ok"] is False  # closed


def test_tie_is_shown_and_facilitator_picks(app, client, evening):
    s, tokens, groups = evening
    members = groups[1]
    notes = write_notes(app, s, tokens, members, ["A", "B", "C", "D"])
    fac_action(client, s, "board/voting", action="open", group="1")
    ballots = [(notes[0], notes[1], notes[2]), (notes[0], notes[1], notes[3])]
    for member, ballot in zip(members, ballots):
        sio, _ = phone(app, s, tokens[member])
        for note_id in ballot:
            sio.emit("vote", {"note_id": note_id, "on": True}, callback=True)
    fac_action(client, s, "board/voting", action="close", group="1")
    with app.app_context():
        db = get_db()
        group = db.scalar(select(Group).where(Group.number == 1))
        result = top_three(db, group)
        assert [n.text for n, _v in result.places] == ["A", "B"]
        assert sorted(n.text for n, _v in result.tied) == ["C", "D"] and result.open_places == 1
    fac_action(client, s, "board/pick", group="1", note=str(notes[3]))
    with app.app_context():
        db = get_db()
        result = top_three(db, db.scalar(select(Group).where(Group.number == 1)))
        assert [n.text for n, _v in result.places] == ["A", "B", "D"] and not result.tied


def test_cannot_vote_in_another_group(app, client, evening):
    s, tokens, groups = evening
    notes = write_notes(app, s, tokens, groups[2], ["Toisen ryhmän"])
    fac_action(client, s, "board/voting", action="open")
    outsider, _ = phone(app, s, tokens[groups[1][0]])
    assert outsider.emit("vote", {"note_id": notes[0], "on": True}, callback=True)["ok"] is False
    assert count(app, Vote) == 0


def test_hidden_note_disappears_from_phones_and_projector(app, client, evening):
    s, tokens, groups = evening
    notes = write_notes(app, s, tokens, groups[1], ["Asiaton"])
    mate, mate_http = phone(app, s, tokens[groups[1][1]])
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    mate.get_received(), screen.get_received()
    fac_action(client, s, f"board/notes/{notes[0]}/hide")
    assert received(mate, "note_removed")[-1]["id"] == notes[0]
    assert received(screen, "note_removed")[-1]["id"] == notes[0]
    assert "Asiaton" not in mate_http.get(f"/{s.join_code}").get_data(as_text=True)
    assert "Asiaton" not in client.get(f"/screen/{s.screen_token}").get_data(as_text=True)
    with app.app_context():
        assert get_db().get(Note, notes[0]).hidden  # kept, marked hidden
    assert "Asiaton" in client.get(f"/f/sessions/{s.id}/board").get_data(as_text=True)
    fac_action(client, s, f"board/notes/{notes[0]}/unhide")
    assert received(mate, "note")[-1]["text"] == "Asiaton"


def test_hiding_a_voted_note_gives_the_votes_back(app, client, evening):
    s, tokens, groups = evening
    members = groups[1]
    notes = write_notes(app, s, tokens, members, ["A", "B", "C", "Asiaton"])
    fac_action(client, s, "board/voting", action="open", group="1")
    voter, _ = phone(app, s, tokens[members[0]])
    for note_id in notes[1:]:
        assert voter.emit("vote", {"note_id": note_id, "on": True}, callback=True)["ok"]
    voter.get_received()
    fac_action(client, s, f"board/notes/{notes[3]}/hide")
    mine = received(voter, "my_votes")[-1]
    assert (mine["note_ids"], mine["remaining"], mine["group"]) == (notes[1:3], 1, 1)
    assert voter.emit("vote", {"note_id": notes[0], "on": True}, callback=True)["remaining"] == 0
    assert count(app, Vote, Vote.note_id == notes[3]) == 0


def test_progress_counts_only_members_who_can_vote(app, client, evening):
    s, tokens, groups = evening
    fac_action(client, s, f"board/participants/{groups[1][0]}/remove")
    fac_action(client, s, "board/voting", action="open", group="1")
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    boards = received(screen, "boards")[-1]["groups"]
    assert boards[0]["progress"]["members"] == len(groups[1]) - 1


def test_merge_moves_votes_and_edit_fixes_typos(app, client, evening):
    s, tokens, groups = evening
    notes = write_notes(app, s, tokens, groups[1], ["Nuoret mukaan", "nuoret mukaan!"])
    fac_action(client, s, f"board/notes/{notes[1]}/merge", target=str(notes[0]))
    fac_action(client, s, f"board/notes/{notes[0]}/edit", text="Nuoret mukaan toimintaan")
    with app.app_context():
        db = get_db()
        assert db.get(Note, notes[1]).merged_into_id == notes[0]
        assert db.get(Note, notes[0]).text == "Nuoret mukaan toimintaan"
    other = write_notes(app, s, tokens, groups[2], ["Toinen ryhmä"])
    fac_action(client, s, f"board/notes/{other[0]}/merge", target=str(notes[0]))  # across groups: refused
    with app.app_context():
        assert get_db().get(Note, other[0]).merged_into_id is None


def test_removed_participant_is_locked_out(app, client, evening):
    s, tokens, groups = evening
    pid = groups[1][0]
    write_notes(app, s, tokens, [pid], ["Häiriköinti"])
    fac_action(client, s, f"board/participants/{pid}/remove")
    with app.app_context():
        db = get_db()
        assert db.get(Participant, pid).removed
        assert all(n.hidden for n in db.scalars(select(Note).where(Note.participant_id == pid)))
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", tokens[pid])
    assert 'name="background"' in c.get(f"/{s.join_code}").get_data(as_text=True)  # back to the join form
    sio = socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c)
    assert not sio.is_connected()


def test_moderation_is_for_the_own_facilitator_only(app, client, evening):
    s, tokens, groups = evening
    notes = write_notes(app, s, tokens, groups[1], ["Pysyy"])
    AuthActions(client).logout()
    gen_facilitator(app, email="vieras@example.fi")
    AuthActions(client).login(email="vieras@example.fi")
    assert client.get(f"/f/sessions/{s.id}/board").status_code == 404
    token = csrf_token(client.get("/f/").get_data(as_text=True))
    assert client.post(f"/f/sessions/{s.id}/board/notes/{notes[0]}/hide", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert not get_db().get(Note, notes[0]).hidden


def test_presentation_steps_through_groups_and_phones_follow(app, client, evening):
    s, tokens, groups = evening
    for number, members in groups.items():
        notes = write_notes(app, s, tokens, members, [f"G{number} idea"])
        fac_action(client, s, "board/voting", action="open", group=str(number))
        sio, _ = phone(app, s, tokens[members[0]])
        sio.emit("vote", {"note_id": notes[0], "on": True}, callback=True)
    fac_action(client, s, "board/voting", action="close")
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    viewer, viewer_http = phone(app, s, tokens[groups[2][0]])
    screen.get_received(), viewer.get_received()
    fac_action(client, s, "present/start")
    shown = received(screen, "presentation")[-1]
    assert shown["showing"] == 1 and shown["groups"][0]["top"]["places"][0]["text"] == "G1 idea"
    viewer_events = viewer.get_received()
    assert [e["args"][0]["showing"] for e in viewer_events if e["name"] == "presentation"][-1] == 1
    assert [e["args"][0]["phase"] for e in viewer_events if e["name"] == "phase"][-1] == "presentation"
    fac_action(client, s, "present/next")
    assert received(screen, "presentation")[-1]["groups"][0]["number"] == 2
    fac_action(client, s, "present/next")
    overview = received(screen, "presentation")[-1]
    assert overview["showing"] == 0 and [g["number"] for g in overview["groups"]] == [1, 2]
    fac_action(client, s, "present/prev")
    assert received(screen, "presentation")[-1]["showing"] == 2
    page = viewer_http.get(f"/{s.join_code}").get_data(as_text=True)
    assert "G2 idea" in page.split('id="phone-presentation"')[1].split("</section>")[0]
    assert "G2 idea" in client.get(f"/screen/{s.screen_token}").get_data(as_text=True)


def test_vote_flood_is_limited(app, client, evening):
    s, tokens, groups = evening
    notes = write_notes(app, s, tokens, groups[1], ["A"])
    fac_action(client, s, "board/voting", action="open", group="1")
    voter, _ = phone(app, s, tokens[groups[1][0]])
    answers = [voter.emit("vote", {"note_id": notes[0], "on": i % 2 == 0}, callback=True) for i in range(70)]
    assert sum(a["ok"] for a in answers) == 60
    assert answers[-1]["ok"] is False and answers[-1]["error"]
