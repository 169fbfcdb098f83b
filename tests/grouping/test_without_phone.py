"""People without a phone: the facilitator adds them at the door, they are mixed like everyone else
(placed into published groups as late arrivals), and the printable table cards list every group with
its colour named, its question and its members, phone-less ones marked."""
from __future__ import annotations

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.grouping import service as rounds
from workshop.models import GroupMember, Participant, Session

from tests.helpers import csrf_token


def add(client, s, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}/rounds").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/participants/add", data={"csrf_token": token, **data},
                       follow_redirects=True)


def test_a_person_added_at_the_door_is_mixed_and_on_the_table_cards(app, client, room):
    s, _ = room
    page = add(client, s, municipality="583", background="elected", first_name="Aino").get_data(as_text=True)
    assert "Lisätty" in page and "ei puhelinta" in page
    with app.app_context():
        db = get_db()
        aino = db.scalar(select(Participant).where(Participant.first_name == "Aino"))
        assert aino.without_phone and aino.names_consented and aino.left_at is None  # counted present
        session = db.get(Session, s.id)
        round_ = rounds.create_round(db, session, rounds.RoundSettings("mixed", group_size=4))
        assert any(m.participant_id == aino.id for g in round_.groups for m in g.members)
        rounds.publish_round(db, session, round_)
        group_count = len(round_.groups)
    cards = client.get(f"/f/sessions/{s.id}/rounds/1/cards").get_data(as_text=True)
    assert cards.count('class="table-card"') == group_count == 4 and "Aino – ei puhelinta" in cards
    assert "Väri: " in cards  # the colour is named, never only shown

    # After publishing, the next one is placed into a group at once, like a phone arriving late.
    page = add(client, s, municipality="320", background="ngo").get_data(as_text=True)
    assert "Lisätty ryhmään" in page
    with app.app_context():
        db = get_db()
        late = db.scalar(select(Participant).order_by(Participant.id.desc()).limit(1))
        assert late.without_phone and not late.names_consented
        assert db.scalar(select(func.count(GroupMember.id)).where(GroupMember.participant_id == late.id)) == 1


def test_a_door_form_without_choices_is_refused_and_adds_nobody(app, client, room):
    s, _ = room
    page = add(client, s, municipality="999", background="ngo").get_data(as_text=True)
    assert "Valitse kuntasi." in page or "Valitse kunta" in page
    with app.app_context():
        assert get_db().scalar(select(func.count(Participant.id))) == 16
