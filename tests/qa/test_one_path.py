"""One path: a question asked or upvoted through the no-JS form and through Socket.IO reaches the same rooms
with the same payloads, because only qa/service.py publishes and only qa/events.py emits."""
from __future__ import annotations

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.models import Session
from workshop.qa import service as qa
from workshop.qa.models import QaQuestion

from tests.helpers import csrf_token
from tests.qa.story import ask, phone


def without_seq_and_ids(sent, new_id):
    """Two asked questions differ in their ids and sequence numbers only."""
    def swap(value):
        if isinstance(value, dict):
            return {k: ("<new>" if k == "id" and v == new_id else swap(v)) for k, v in value.items() if k != "seq"}
        if isinstance(value, list):
            return [("<new>" if v == new_id else swap(v)) for v in value]
        return value
    return [(event, to, swap(payload)) for event, to, payload in sent]


def newest(app) -> int:
    with app.app_context():
        return get_db().scalar(select(func.max(QaQuestion.id)))


def test_an_upvote_by_form_and_by_socket_reaches_the_same_rooms(app, room, emits):
    s, tokens, pids = room
    question = ask(app, s, pids[0], "Miten kyydit järjestetään?")
    sio, http = phone(app, s, tokens[1])
    token = csrf_token(http.get(f"/{s.join_code}").get_data(as_text=True))

    with emits() as sent:
        http.post(f"/{s.join_code}/qa/{question}/upvote", data={"csrf_token": token})
        by_form = without_seq_and_ids(sent, None)
    http.post(f"/{s.join_code}/qa/{question}/upvote", data={"csrf_token": token})  # taken back
    with emits() as sent:
        assert sio.emit("qa_upvote", {"question": question}, callback=True) == {"ok": True, "upvoted": True}
        by_socket = without_seq_and_ids(sent, None)

    assert by_form == by_socket
    # Not revealed: the room's list (newest first, no counts) did not change, so only the facilitators'
    # pages and the voter's own phones hear of the vote.
    assert [(event, to) for event, to, _payload in by_form] == [("qa", f"s{s.id}:fac"), ("qa_mine", f"p{pids[1]}")]
    assert by_form[0][2]["questions"][0]["votes"] == 1  # the facilitator always sees them
    assert by_form[1][2] == {"asked": [], "upvoted": [question], "waiting": []}

    with app.app_context():
        db = get_db()
        qa.reveal(db, db.get(Session, s.id))
    with emits() as sent:
        assert sio.emit("qa_upvote", {"question": question}, callback=True) == {"ok": True, "upvoted": False}
    assert [(event, to) for event, to, _payload in sent] == [
        ("qa", f"s{s.id}"), ("qa", f"s{s.id}:screen"), ("qa", f"s{s.id}:fac"), ("qa_mine", f"p{pids[1]}")]
    assert sent[0][2]["visible"] is True and sent[0][2]["questions"][0]["votes"] == 0  # revealed: the counts


def test_a_question_by_form_and_by_socket_reaches_the_same_rooms(app, room, emits):
    s, tokens, pids = room
    sio, http = phone(app, s, tokens[2])
    token = csrf_token(http.get(f"/{s.join_code}").get_data(as_text=True))
    text = "Kuka vastaa   kyläkoulun tulevaisuudesta?"

    with emits() as sent:
        response = http.post(f"/{s.join_code}/qa", data={"csrf_token": token, "text": text})
        by_form = without_seq_and_ids(sent, newest(app))
    assert response.status_code == 303 and response.location.endswith("#qa")
    with emits() as sent:
        assert sio.emit("qa_ask", {"text": text}, callback=True) == {"ok": True, "held": False}
        by_socket = without_seq_and_ids(sent, newest(app))

    first = newest(app) - 1  # the form's question is in the socket's broadcast as an older one
    assert [(event, to) for event, to, _payload in by_form] == [(event, to) for event, to, _p in by_socket] == [
        ("qa", f"s{s.id}"), ("qa", f"s{s.id}:screen"), ("qa", f"s{s.id}:fac"), ("qa_mine", f"p{pids[2]}")]
    assert by_form[0][2]["questions"] == [{"id": "<new>", "text": "Kuka vastaa kyläkoulun tulevaisuudesta?",
                                           "name": None, "pinned": False, "answered": False}]
    assert by_socket[0][2]["questions"][0]["id"] == "<new>" and by_socket[0][2]["questions"][1]["id"] == first
    assert by_form[3][2] == {"asked": ["<new>"], "upvoted": [], "waiting": []}
    assert by_socket[3][2] == {"asked": [first, "<new>"], "upvoted": [], "waiting": []}
