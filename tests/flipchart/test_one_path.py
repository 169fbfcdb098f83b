"""One path: a change made through the no-JS form and through Socket.IO reaches the same rooms with the
same payloads, because only the service publishes and only flipchart/events.py emits."""
from __future__ import annotations

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.flipchart.events import author_tag
from workshop.models import Group, Note, Vote

from tests.flipchart.evening import fac_action, phone, write_notes
from tests.helpers import csrf_token


def form_token(http, s) -> str:
    return csrf_token(http.get(f"/{s.join_code}").get_data(as_text=True))


def last_note_id(app) -> int:
    with app.app_context():
        return get_db().scalar(select(func.max(Note.id)))


def with_note_as(payloads, note_id):
    """The emits with the new note's id replaced: two added notes differ only in their ids."""
    def swap(value):
        if isinstance(value, dict):
            return {k: ("<new note>" if k == "id" and v == note_id else swap(v)) for k, v in value.items()}
        return value
    return [(event, room, swap(payload)) for event, room, payload in payloads]


def test_a_vote_by_form_and_by_socket_reaches_the_same_rooms(app, client, evening, emits):
    s, tokens, groups = evening
    voter = groups[1][0]
    notes = write_notes(app, s, tokens, groups[1], ["Yhteinen kalenteri", "Nuoret mukaan"])
    fac_action(client, s, "board/voting", action="open", group="1")
    sio, http = phone(app, s, tokens[voter])
    token = form_token(http, s)

    with emits() as sent:
        http.post(f"/{s.join_code}/notes/{notes[0]}/vote", data={"csrf_token": token, "on": "1"})
        by_form = list(sent)
    http.post(f"/{s.join_code}/notes/{notes[0]}/vote", data={"csrf_token": token, "on": "0"})  # taken back
    with emits() as sent:
        assert sio.emit("vote", {"note_id": notes[0], "on": True}, callback=True)["ok"]
        by_socket = list(sent)

    assert by_form == by_socket
    assert [(event, room) for event, room, _payload in by_form] == [
        ("my_votes", f"p{voter}"), ("vote_progress", f"s{s.id}:screen"), ("vote_progress", f"s{s.id}:fac")]
    # (no "vote_tallies": the running counts are hidden until revealed, the default)
    mine = by_form[0][2]
    assert {k: v for k, v in mine.items() if k != "me"} == {"group": 1, "note_ids": [notes[0]], "remaining": 2}
    assert isinstance(mine["me"], str) and len(mine["me"]) == 16  # the phone's author tag, not its row id
    assert by_form[1][2] == {"number": 1, "voters": 1, "members": 4, "state": "open"}


def test_a_note_by_form_and_by_socket_reaches_the_same_rooms(app, client, evening, emits):
    s, tokens, groups = evening
    writer = groups[1][0]
    sio, http = phone(app, s, tokens[writer])
    token = form_token(http, s)
    text = "Kylätalot käyttöön\nmyös iltaisin"

    with emits() as sent:
        http.post(f"/{s.join_code}/notes", data={"csrf_token": token, "client_id": "by-form-0001", "text": text})
        by_form = with_note_as(sent, last_note_id(app))
    with emits() as sent:
        ack = sio.emit("note_add", {"client_id": "by-socket-01", "text": text}, callback=True)
        by_socket = with_note_as(sent, ack["note"]["id"])

    assert by_form == by_socket
    with app.app_context():
        group_id = get_db().get(Note, ack["note"]["id"]).group_id
    assert [(event, room) for event, room, _payload in by_form] == [
        ("note", f"g{group_id}"), ("note", f"s{s.id}:screen"), ("note", f"s{s.id}:fac")]
    with app.app_context():
        tag = author_tag(group_id, writer)
    assert by_form[0][2] == {"id": "<new note>", "group": 1, "text": text, "author": tag, "edited": False}
    assert by_form[2][2]["author"] == writer  # only the facilitator's copy names the participant
    assert by_form[2][2]["hidden"] is False

    with emits() as sent:  # a re-sent note (lost acknowledgement) is stored once and announced once
        assert sio.emit("note_add", {"client_id": "by-socket-01", "text": text}, callback=True)["ok"]
        http.post(f"/{s.join_code}/notes", data={"csrf_token": token, "client_id": "by-form-0001", "text": text})
        assert sent == []


def test_a_scribe_s_note_and_vote_for_maija_by_form_and_by_socket_reach_the_same_rooms(app, client, evening, emits):
    from tests.flipchart.evening import add_without_phone
    s, tokens, groups = evening
    maija = add_without_phone(app, s, "Maija", 1)
    scribe = groups[1][0]
    sio, http = phone(app, s, tokens[scribe])
    token = form_token(http, s)
    with app.app_context():
        group_id = get_db().scalar(select(Group.id).where(Group.number == 1))
        for_maija, scribe_tag = author_tag(group_id, maija), author_tag(group_id, scribe)

    with emits() as sent:
        answer = http.post(f"/{s.join_code}/notes", data={"csrf_token": token, "client_id": "scribe-form-01",
                                                          "text": "Kyläkoulu", "member": for_maija})
        by_form = with_note_as(sent, last_note_id(app))
    assert answer.headers["Location"].endswith(f"/{s.join_code}?member={for_maija}#board")  # still writing for her
    with emits() as sent:
        ack = sio.emit("note_add", {"client_id": "scribe-sock-01", "text": "Kyläkoulu", "member": for_maija},
                       callback=True)
        by_socket = with_note_as(sent, ack["note"]["id"])
    assert by_form == by_socket
    assert [(event, room) for event, room, _payload in by_form] == [
        ("note", f"g{group_id}"), ("note", f"s{s.id}:screen"), ("note", f"s{s.id}:fac")]
    assert by_form[0][2] == {"id": "<new note>", "group": 1, "text": "Kyläkoulu", "author": for_maija,
                             "scribe": scribe_tag, "edited": False}
    assert (by_form[2][2]["author"], by_form[2][2]["scribe"]) == (maija, scribe)  # the facilitator's copy

    fac_action(client, s, "board/voting", action="open", group="1")
    with emits() as sent:
        http.post(f"/{s.join_code}/notes/{ack['note']['id']}/vote",
                  data={"csrf_token": token, "on": "1", "member": for_maija})
        by_form = list(sent)
    http.post(f"/{s.join_code}/notes/{ack['note']['id']}/vote", data={"csrf_token": token, "on": "0",
                                                                    "member": for_maija})
    with emits() as sent:
        assert sio.emit("vote", {"note_id": ack["note"]["id"], "on": True, "member": for_maija}, callback=True)["ok"]
        by_socket = list(sent)
    assert by_form == by_socket
    assert [(event, room) for event, room, _payload in by_form] == [
        ("scribe", f"g{group_id}"), ("vote_progress", f"s{s.id}:screen"), ("vote_progress", f"s{s.id}:fac")]
    assert by_form[0][2] == {"group": 1, "members": [{"for": for_maija, "name": "Maija",
                                                      "note_ids": [ack["note"]["id"]], "remaining": 2}]}
    with app.app_context():
        assert get_db().scalar(select(func.count(Vote.id)).where(Vote.participant_id == scribe)) == 0

    # Without JavaScript the page then shows her state: her vote pressed, "2 votes left" as hers.
    page = http.get(f"/{s.join_code}?member={for_maija}").get_data(as_text=True)
    assert "Maija: 2 ääntä jäljellä, äänestät hänen puolestaan." in page
    assert f'name="member" value="{for_maija}"' in page and 'aria-pressed="true"' in page
