"""A group's scribe: a member with a phone writes and votes for the group's members without a phone.

Maija has no phone. Any member of her group in the current round may choose her on their phone: the
notes written then are Maija's (her notes on the board, in exports, under the word filter), the phone
that wrote them may edit and delete them, and her three votes are hers, cast from that phone. Nobody
acts for a member who has a phone, for another group's member, or in another workshop.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.flipchart.events import author_tag
from workshop.models import Group, Note, Participant, Session, Vote

from tests.flipchart.evening import add_without_phone, fac_action, phone, received
from tests.helpers import gen_facilitator, gen_participant, gen_session


def count(app, model, *where):
    with app.app_context():
        return get_db().scalar(select(func.count(model.id)).where(*where))


def tag_of(app, participant_id) -> str:
    """A member's author tag in their group now: how the group's phones name them."""
    with app.app_context():
        db = get_db()
        session = db.get(Participant, participant_id).session
        group = flipchart.current_group(db, session, db.get(Participant, participant_id))
        return author_tag(group.id, participant_id)


def tag_in_group(app, number, participant_id) -> str:
    with app.app_context():
        return author_tag(get_db().scalar(select(Group.id).where(Group.number == number)), participant_id)


def test_a_scribe_writes_for_maija_and_the_group_sees_it_live(app, evening):
    s, tokens, groups = evening
    maija = add_without_phone(app, s, "Maija", 1)
    scribe_id, mate_id, stranger_id = groups[1][0], groups[1][1], groups[2][0]
    scribe, _ = phone(app, s, tokens[scribe_id])
    mate, _ = phone(app, s, tokens[mate_id])
    stranger, _ = phone(app, s, tokens[stranger_id])
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})

    # On connect the group's phones learn whom they may write for; another group's phones do not.
    members = received(scribe, "scribe")[-1]["members"]
    assert [(m["name"], m["note_ids"], m["remaining"]) for m in members] == [("Maija", [], 3)]
    assert members[0]["for"] == tag_of(app, maija)
    assert set(members[0]) == {"for", "name", "note_ids", "remaining"}  # a pseudonym, never a row id
    assert received(stranger, "scribe") == [] and received(screen, "scribe") == []
    for c in (mate, stranger, screen):
        c.get_received()

    ack = scribe.emit("note_add", {"client_id": "scribe-note-01", "text": "Kirjasto auki illalla",
                                   "member": members[0]["for"]}, callback=True)
    assert ack["ok"], ack
    note = ack["note"]
    assert note["author"] == members[0]["for"]  # Maija's note under her tag in the group
    assert note["scribe"] == tag_in_group(app, 1, scribe_id)  # the phone that may edit it
    with app.app_context():
        stored = get_db().get(Note, note["id"])
        assert (stored.participant_id, stored.written_by_id) == (maija, scribe_id)
    assert [n["text"] for n in received(mate, "note")] == ["Kirjasto auki illalla"]
    assert received(stranger, "note") == []
    assert received(screen, "note")[0]["group"] == 1

    # The scribe's phone edits and deletes it; the mate's phone may not, nor could Maija's be taken over.
    assert mate.emit("note_edit", {"id": note["id"], "text": "Toisen muokkaus"}, callback=True)["ok"] is False
    edited = scribe.emit("note_edit", {"id": note["id"], "text": "Kirjasto auki iltaisin"}, callback=True)
    assert edited["ok"] and edited["note"]["text"] == "Kirjasto auki iltaisin"
    assert [n["text"] for n in received(mate, "note")] == ["Kirjasto auki iltaisin"]
    assert mate.emit("note_delete", {"id": note["id"]}, callback=True)["ok"] is False
    assert scribe.emit("note_delete", {"id": note["id"]}, callback=True)["ok"]
    assert received(mate, "note_removed") == [{"id": note["id"], "group": 1}]
    assert count(app, Note) == 0


def test_maija_s_three_votes_are_her_own_and_progress_counts_her(app, client, evening):
    s, tokens, groups = evening
    maija = add_without_phone(app, s, "Maija", 1)
    scribe_id = groups[1][0]
    scribe, _ = phone(app, s, tokens[scribe_id])
    for_maija = tag_of(app, maija)
    notes = [scribe.emit("note_add", {"client_id": f"scribe-own-{i:02d}", "text": f"Oma {i}"},
                         callback=True)["note"]["id"] for i in range(2)]
    notes += [scribe.emit("note_add", {"client_id": f"scribe-maija-{i:02d}", "text": f"Maijan {i}",
                                       "member": for_maija}, callback=True)["note"]["id"] for i in range(2)]
    fac_action(client, s, "board/voting", action="open", group="1")
    fac = socketio.test_client(app, flask_test_client=client, auth={"role": "facilitator", "session": s.id})
    mate, _ = phone(app, s, tokens[groups[1][1]])
    for c in (scribe, fac, mate):
        c.get_received()

    # Every phone user of the group votes; Maija has not: 4 of 5, one without a phone still to vote.
    for member in groups[1]:
        sio = scribe if member == scribe_id else phone(app, s, tokens[member])[0]
        assert sio.emit("vote", {"note_id": notes[0], "on": True}, callback=True)["ok"]
    progress = received(fac, "vote_progress")[-1]
    assert progress == {"number": 1, "voters": 4, "members": 5, "state": "open", "without_phone": 1,
                        "waiting_without_phone": 1}
    for page in (f"/f/sessions/{s.id}/board", f"/f/sessions/{s.id}"):  # the board page and the run sheet
        assert "ilman puhelinta, ei vielä äänestänyt: 1" in client.get(page).get_data(as_text=True)

    # The scribe casts Maija's three: her own budget, beside the scribe's own two left.
    for note_id in notes[1:4]:
        ack = scribe.emit("vote", {"note_id": note_id, "on": True, "member": for_maija}, callback=True)
        assert ack["ok"] and ack["for"] == for_maija
    assert ack["remaining"] == 0 and ack["note_ids"] == notes[1:4]
    fourth = scribe.emit("vote", {"note_id": notes[0], "on": True, "member": for_maija}, callback=True)
    assert fourth == {"ok": False, "error": "Hän on käyttänyt kaikki kolme ääntään. Peru ensin yksi niistä."}
    own = scribe.emit("vote", {"note_id": notes[1], "on": True}, callback=True)
    assert own["ok"] and own["remaining"] == 1 and own["note_ids"] == [notes[0], notes[1]]
    back = scribe.emit("vote", {"note_id": notes[2], "on": False, "member": for_maija}, callback=True)
    assert back["remaining"] == 1 and back["note_ids"] == [notes[1], notes[3]]
    with app.app_context():
        assert get_db().scalar(select(func.count(Vote.id)).where(Vote.participant_id == maija)) == 2

    assert received(fac, "vote_progress")[-1] == {"number": 1, "voters": 5, "members": 5, "state": "open",
                                                  "without_phone": 1, "waiting_without_phone": 0}
    # Maija's votes reach the group's phones (any of them may vote for her), never her tallies' others.
    shared = received(mate, "scribe")[-1]
    assert shared["members"][0]["note_ids"] == [notes[1], notes[3]] and shared["members"][0]["remaining"] == 1
    assert received(mate, "my_votes") == []


@pytest.fixture
def two_groups_with_maija(app, evening):
    s, tokens, groups = evening
    maija = add_without_phone(app, s, "Maija", 1)
    with app.app_context():
        db = get_db()
        note = flipchart.add_note(db, db.get(Session, s.id), db.get(Participant, groups[1][1]),
                                  "mate-note-0001", "Yhteinen kalenteri")[0]
    return s, tokens, groups, maija, note.id


def refused(app, s, actor_id, member_id, act, phase=None):
    """Run `act` in the service as `actor_id` for `member_id`; returns the refusal key."""
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        if phase:
            session.phase = phase
            db.commit()
        with pytest.raises(flipchart.NoteError) as err:
            act(db, session, db.get(Participant, actor_id), db.get(Participant, member_id))
        return err.value.key


def write(db, session, actor, member):
    return flipchart.add_note(db, session, actor, "refused-note-01", "Ei saa", on_behalf_of=member)


def test_nobody_acts_for_a_member_with_a_phone_or_of_another_group(app, two_groups_with_maija):
    s, tokens, groups, maija, _note = two_groups_with_maija
    assert refused(app, s, groups[2][0], maija, write) == "not_your_member"  # another group's member
    assert refused(app, s, groups[1][0], groups[1][1], write) == "has_phone"  # a mate with a phone
    assert refused(app, s, groups[1][0], groups[2][1], write) == "has_phone"

    def vote(db, session, actor, member):
        return flipchart.cast_vote(db, session, actor, _note, True, on_behalf_of=member)
    fac_session_open_voting(app, s)
    assert refused(app, s, groups[2][0], maija, vote) == "not_your_member"
    assert refused(app, s, groups[1][0], groups[1][2], vote) == "has_phone"
    assert count(app, Note) == 1 and count(app, Vote) == 0


def fac_session_open_voting(app, s):
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        flipchart.open_voting(db, session, flipchart.current_round(db, session), [1])


def test_nobody_acts_across_workshops_or_for_a_removed_member(app, two_groups_with_maija):
    s, tokens, groups, maija, _note = two_groups_with_maija
    fac = gen_facilitator(app, email="toinen@example.fi")
    other = gen_session(app, fac.id)
    elsewhere, _token = gen_participant(app, other, first_name="Muualla")
    with app.app_context():
        db = get_db()
        db.get(Participant, elsewhere.id).without_phone = True
        db.commit()
    assert refused(app, s, groups[1][0], elsewhere.id, write) == "not_your_member"
    with app.app_context():
        db = get_db()
        flipchart.remove_participant(db, db.get(Session, s.id), db.get(Participant, maija))
    assert refused(app, s, groups[1][0], maija, write) == "not_your_member"
    assert count(app, Note) == 1


def test_phases_hold_for_the_scribe_as_for_anyone(app, two_groups_with_maija):
    s, tokens, groups, maija, note_id = two_groups_with_maija
    assert refused(app, s, groups[1][0], maija, write, phase="info") == "not_writing"

    def vote(db, session, actor, member):
        return flipchart.cast_vote(db, session, actor, note_id, True, on_behalf_of=member)
    assert refused(app, s, groups[1][0], maija, vote, phase="groupwork") == "voting_closed"
    fac_session_open_voting(app, s)
    assert refused(app, s, groups[1][0], maija, write) == "not_writing"  # the group votes: no new notes
    assert count(app, Note) == 1 and count(app, Vote) == 0


def test_a_phone_names_a_member_it_may_not_act_for_and_gets_a_clear_message(app, two_groups_with_maija):
    s, tokens, groups, maija, _note = two_groups_with_maija
    stranger, _ = phone(app, s, tokens[groups[2][0]])
    for member in (tag_of(app, maija), tag_of(app, groups[1][1]), "0" * 16, "x" * 65, 5, ["a"]):
        ack = stranger.emit("note_add", {"client_id": "stranger-note-1", "text": "Ei", "member": member},
                            callback=True)
        assert ack["ok"] is False and ack["error"] == (
            "Voit kirjoittaa ja äänestää vain sellaisen oman ryhmäsi jäsenen puolesta, jolla ei ole puhelinta.")
    mate, _ = phone(app, s, tokens[groups[1][0]])
    ack = mate.emit("note_add", {"client_id": "mate-for-mate-1", "text": "Ei", "member": tag_of(app, groups[1][1])},
                    callback=True)
    assert ack == {"ok": False, "error": "Tällä ryhmäläisellä on oma puhelin, ja hän kirjoittaa ja äänestää sillä itse."}
    assert count(app, Note) == 1


def test_removing_a_scribe_hides_what_they_wrote_for_others(app, client, two_groups_with_maija):
    s, tokens, groups, maija, _note = two_groups_with_maija
    scribe, _ = phone(app, s, tokens[groups[1][0]])
    ack = scribe.emit("note_add", {"client_id": "scribe-rude-001", "text": "Sopimaton", "member": tag_of(app, maija)},
                      callback=True)
    page = client.get(f"/f/sessions/{s.id}/board").get_data(as_text=True)
    # The facilitator's remove button names the writer, the scribe, not Maija.
    assert f"/participants/{groups[1][0]}/remove" in page and f"/participants/{maija}/remove" not in page
    with app.app_context():
        db = get_db()
        flipchart.remove_participant(db, db.get(Session, s.id), db.get(Participant, groups[1][0]))
        assert get_db().get(Note, ack["note"]["id"]).hidden


def test_the_phone_page_offers_the_scribe_s_choice_only_where_it_helps(app, evening):
    s, tokens, groups = evening
    add_without_phone(app, s, "Maija", 1)
    _sio, http = phone(app, s, tokens[groups[1][0]])
    page = http.get(f"/{s.join_code}").get_data(as_text=True)
    assert "Kirjoita ilman puhelinta olevan ryhmäläisen puolesta" in page and "Maija (ilman puhelinta)" in page
    _sio, other = phone(app, s, tokens[groups[2][0]])
    page = other.get(f"/{s.join_code}").get_data(as_text=True)
    assert 'id="scribe"' not in page and "Maija" not in page


def test_the_export_says_who_wrote_maija_s_note_and_imports_back(app, evening, tmp_path):
    from workshop.exports import document, importer

    from tests.exports.test_exports import fresh_app
    s, tokens, groups = evening
    maija = add_without_phone(app, s, "Maija", 1)
    scribe, _ = phone(app, s, tokens[groups[1][0]])
    assert scribe.emit("note_add", {"client_id": "scribe-export-1", "text": "Kyläkoulu", "member": tag_of(app, maija)},
                       callback=True)["ok"]
    with app.app_context():
        data = document.load_session(get_db(), s.id)
        first = document.to_json(data)
    people = {p["key"]: p for p in data["participants"]}
    (note,) = [n for g in data["rounds"][0]["groups"] for n in g["notes"]]
    assert people[note["author"]]["without_phone"] and not people[note["written_by"]]["without_phone"]

    other = fresh_app(tmp_path, "other")
    owner = gen_facilitator(other, email="toinen@example.fi")
    with other.app_context():
        db = get_db()
        imported = importer.import_session(db, importer.parse_document(first), owner)
        again = document.load_session(db, imported.id)
    assert again["rounds"] == data["rounds"] and again["participants"] == data["participants"]
