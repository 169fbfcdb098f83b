"""The word filter: with it on, a note or a word-cloud answer with a listed word waits for the
facilitator's approval (its writer is told, the group and the projector see nothing), and counts once
approved; with it off nothing is held; the installation's own list adds words."""
from __future__ import annotations

import os

from sqlalchemy import select

from workshop.core import wordfilter
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.models import Note, Participant, Poll, PollAnswer, Session
from workshop.polls import service as polls

from tests.flipchart.evening import fac_action, phone, received


def filter_on(app, s, on=True):
    with app.app_context():
        db = get_db()
        flipchart.set_word_filter(db, db.get(Session, s.id), on)


def test_the_filter_matches_whole_words_and_listed_stems_only():
    f = wordfilter.current()
    assert f.matches("Vitun hyvä idea") and f.matches("PERKELEEN byrokratia") and f.matches("shit!")
    assert not f.matches("Tapana on kokoontua torstaisin")  # "tapa" is a way, not a threat
    assert not f.matches("Kuka vastaa kyydeistä?") and not f.matches("homogeeninen ryhmä") and not f.matches("")


def test_an_installation_adds_its_own_words(tmp_path):
    extra = tmp_path / "word_filter.txt"
    extra.write_text("# our own\nkaljakellunta*\n", encoding="utf-8")
    wordfilter.configure(str(extra))
    try:
        assert wordfilter.current().matches("Kaljakelluntaa joelle")
        extra.write_text("", encoding="utf-8")
        os.utime(extra, ns=(1, 1))  # another modification time: read again
        assert not wordfilter.current().matches("Kaljakelluntaa joelle")
    finally:
        wordfilter.configure(None)


def test_a_held_note_waits_for_the_facilitator_and_shows_once_approved(app, client, evening):
    s, tokens, groups = evening
    filter_on(app, s)
    writer, _ = phone(app, s, tokens[groups[1][0]])
    mate, _ = phone(app, s, tokens[groups[1][1]])
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    for c in (writer, mate, screen, fac):
        c.get_received()
    ack = writer.emit("note_add", {"client_id": "held-note-0001", "text": "Vitun hidas byrokratia"}, callback=True)
    assert ack["ok"] and ack["held"] and "odottaa ohjaajan hyväksyntää" in ack["notice"]
    assert not received(mate, "note") and not received(screen, "note")
    staff = received(fac, "note")
    assert staff and staff[-1]["held"] and staff[-1]["hidden"]
    assert "Odottaa hyväksyntääsi" in client.get(f"/f/sessions/{s.id}/board").get_data(as_text=True)

    # A clean note is not held; the facilitator approves the held one and the group sees it.
    assert not writer.emit("note_add", {"client_id": "clean-note-0001", "text": "Yhteinen kyytirinki"},
                           callback=True)["held"]
    with app.app_context():
        note_id = get_db().scalar(select(Note.id).where(Note.client_id == "held-note-0001"))
    mate.get_received()
    fac_action(client, s, f"board/notes/{note_id}/unhide")
    assert [n["text"] for n in received(mate, "note")] == ["Vitun hidas byrokratia"]
    with app.app_context():
        note = get_db().get(Note, note_id)
        assert not note.hidden and not note.held


def test_with_the_filter_off_nothing_is_held(app, evening):
    s, tokens, groups = evening
    writer, _ = phone(app, s, tokens[groups[1][0]])
    ack = writer.emit("note_add", {"client_id": "free-note-0001", "text": "Perkeleen hyvä idea"}, callback=True)
    assert ack["ok"] and not ack["held"]


def test_a_held_word_cloud_answer_counts_only_once_approved(app, client, evening):
    s, tokens, groups = evening
    filter_on(app, s)
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        poll = polls.create_poll(db, session, "words", "Yksi sana illasta?", [])
        polls.open_poll(db, session, poll)
        people = [db.get(Participant, pid) for pid in groups[1][:2]]
        polls.answer(db, session, people[0], poll.id, text="paskaa")
        polls.answer(db, session, people[1], poll.id, text="talkoot")
        assert [w.word for w in polls.tally("words", [], polls._answer_rows(db, poll)).words] == ["talkoo"]
        poll_id = poll.id
        held_id = db.scalar(select(PollAnswer.id).where(PollAnswer.held.is_(True)))
    page = client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True)
    assert "Odottaa hyväksyntääsi" in page and "paskaa" in page
    fac_action(client, s, f"polls/{poll_id}/approve", answer=str(held_id))
    with app.app_context():
        db = get_db()
        poll = db.get(Poll, poll_id)
        assert len(polls.tally("words", [], polls._answer_rows(db, poll)).words) == 2
