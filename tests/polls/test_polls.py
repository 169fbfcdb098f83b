"""Polls and word clouds: a facilitator asks the room, phones answer, the projector shows the results live."""
from __future__ import annotations

import os
import re
import sys

import pytest
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import Participant, Poll, PollAnswer, Session
from workshop.polls import lemmas
from workshop.polls import service as polls
from workshop.polls.service import PollError

from tests.helpers import (
    AuthActions,
    csrf_token,
    gen_facilitator,
    gen_participant,
    gen_session,
    post_form,
)

IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(autouse=True)
def fresh_lemmatiser():
    """Each test starts with the real analyser (if installed) and an empty cache."""
    lemmas.reset()
    yield
    lemmas.reset()


@pytest.fixture
def room(app):
    """A workshop with three participants; returns the session and their cookie tokens."""
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    tokens = [gen_participant(app, s, first_name=f"Osallistuja{i}") for i in range(3)]
    return s, [t for _p, t in tokens], [p.id for p, _t in tokens]


def in_db(app, fn):
    with app.app_context():
        return fn(get_db())


def make_poll(app, s, kind="choice", question="Mikä on tärkeintä?", options=("Nuoret", "Työ", "Palvelut"),
              open_it=True, show_results="live") -> int:
    """A poll (open by default); "live": the projector shows its running results (these tests' subject)."""
    def create(db):
        session = db.get(Session, s.id)
        poll = polls.create_poll(db, session, kind, question, list(options), show_results=show_results)
        if open_it:
            polls.open_poll(db, session, poll)
        return poll.id
    return in_db(app, create)


def answer(app, s, participant_id, poll_id, choice=None, text=None):
    def do(db):
        return polls.answer(db, db.get(Session, s.id), db.get(Participant, participant_id), poll_id,
                            choice=choice, text=text)
    return in_db(app, do)


def snapshot(app, s):
    """Everything an answer could change: answers and the session's sequence number."""
    def read(db):
        rows = db.execute(select(PollAnswer.id, PollAnswer.poll_id, PollAnswer.participant_id,
                                 PollAnswer.choice, PollAnswer.text).order_by(PollAnswer.id)).all()
        return [tuple(r) for r in rows], db.get(Session, s.id).seq
    return in_db(app, read)


def results(app, poll_id):
    return in_db(app, lambda db: polls.results(db, db.get(Poll, poll_id)))


def phone(app, s, token):
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    return socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c)


def screen(app, s):
    return socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})


def received(sio, name):
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]


def phone_page(app, s, token):
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    return c


def translated(app, message, **kw):
    """The Finnish text of an English msgid, as the default-language pages show it."""
    with app.test_request_context():
        from flask_babel import force_locale, gettext
        with force_locale("fi"):
            return gettext(message, **kw)


# --- domain: choice polls ----------------------------------------------------------------------

def test_choice_poll_one_answer_per_participant_changeable_while_open(app, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s)
    answer(app, s, people[0], poll_id, choice=0)
    answer(app, s, people[1], poll_id, choice=2)
    answer(app, s, people[0], poll_id, choice=1)  # changed their mind
    r = results(app, poll_id)
    assert [o["count"] for o in r["options"]] == [0, 1, 1]
    assert r["total"] == 2 and r["people"] == 2
    assert [o["percent"] for o in r["options"]] == [0, 50, 50]
    assert in_db(app, lambda db: db.scalar(select(func.count(PollAnswer.id)))) == 2
    with app.app_context():
        db = get_db()
        polls.close_poll(db, db.get(Session, s.id), db.get(Poll, poll_id))
    before = snapshot(app, s)
    with pytest.raises(PollError, match="poll_closed"):
        answer(app, s, people[0], poll_id, choice=2)
    assert snapshot(app, s) == before


def test_opening_a_poll_closes_the_other_open_one(app, room):
    s, _tokens, _people = room
    first = make_poll(app, s)
    second = make_poll(app, s, kind="words", question="Yksi sana illasta?", options=())
    state = in_db(app, lambda db: {p.id: (p.is_open, p.closed_at is not None) for p in db.scalars(select(Poll))})
    assert state == {first: (False, True), second: (True, False)}
    assert in_db(app, lambda db: polls.open_poll_of(db, db.get(Session, s.id)).id) == second


def test_every_change_bumps_the_sequence(app, room):
    s, _tokens, people = room
    start = snapshot(app, s)[1]
    poll_id = make_poll(app, s)  # create + open
    assert snapshot(app, s)[1] == start + 2
    answer(app, s, people[0], poll_id, choice=1)
    assert snapshot(app, s)[1] == start + 3


@pytest.mark.parametrize("kind, question, options, key", [
    ("quiz", "Kysymys?", ["a", "b"], "bad_kind"),
    ("choice", "", ["a", "b"], "bad_question"),
    ("choice", "x" * 301, ["a", "b"], "bad_question"),
    ("choice", "Kysymys?", ["vain yksi"], "option_count"),
    ("choice", "Kysymys?", [str(i) for i in range(9)], "option_count"),
    ("choice", "Kysymys?", ["sama", "Sama"], "option_twice"),
    ("choice", "Kysymys?", ["a", "b" * 121], "option_too_long"),
    ("choice", "Kysy\x00mys?", ["a", "b"], "control_chars"),
])
def test_bad_polls_are_refused(app, room, kind, question, options, key):
    s, _tokens, _people = room
    with pytest.raises(PollError) as exc:
        make_poll(app, s, kind=kind, question=question, options=options)
    assert exc.value.args[0] == key
    assert in_db(app, lambda db: db.scalar(select(func.count(Poll.id)))) == 0


# --- domain: word clouds -----------------------------------------------------------------------

def test_words_up_to_three_answers_each(app, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", question="Mikä tekee kunnasta elinvoimaisen?", options=())
    for text in ("järjestöt", "  hyvät   palvelut ", "talkoot"):
        answer(app, s, people[0], poll_id, text=text)
    with pytest.raises(PollError, match="word_limit"):
        answer(app, s, people[0], poll_id, text="kirjasto")
    mine = in_db(app, lambda db: polls.mine(db, db.get(Poll, poll_id), people[0]))
    assert mine.words == ["järjestöt", "hyvät palvelut", "talkoot"] and mine.as_dict()["left"] == 0
    answer(app, s, people[1], poll_id, text="kirjasto")  # the limit is per participant
    with pytest.raises(PollError, match="word_twice"):  # one person cannot make a word bigger alone
        answer(app, s, people[1], poll_id, text="Kirjastot")


def test_results_hold_the_limits_even_if_answers_raced_past_them(app, room):
    """Two taps at once can both pass the check; the results still count one vote and three words."""
    s, _tokens, people = room
    choice_id = make_poll(app, s, open_it=False)
    words_id = make_poll(app, s, kind="words", question="Sana?", options=(), open_it=False)
    with app.app_context():
        db = get_db()
        db.add_all([PollAnswer(poll_id=choice_id, participant_id=people[0], choice=0),
                    PollAnswer(poll_id=choice_id, participant_id=people[0], choice=1)])
        db.add_all([PollAnswer(poll_id=words_id, participant_id=people[0], text=w)
                     for w in ("yksi", "kaksi", "kolme", "neljä")])
        db.commit()
    assert [o["count"] for o in results(app, choice_id)["options"]] == [0, 1, 0]
    assert results(app, words_id)["total"] == 3
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        poll = polls.open_poll(db, session, db.get(Poll, choice_id))
        polls.choose(db, session, poll, db.get(Participant, people[0]), 2)  # the next answer tidies up
    assert in_db(app, lambda db: db.scalars(select(PollAnswer.choice).where(PollAnswer.poll_id == choice_id)).all()) == [2]


def voikko_or_skip():
    if not lemmas.available():
        if IN_CI:
            pytest.fail("CI=true but Voikko is missing (apt-get install libvoikko1 voikko-fi; pip install libvoikko)")
        pytest.skip("Voikko not installed (apt-get install libvoikko1 voikko-fi; pip install -e '.[voikko]')")


def test_lemmas_with_voikko():
    voikko_or_skip()
    assert {lemmas.lemma(w) for w in ("järjestöt", "järjestöjen", "järjestö", "Järjestöjä!")} == {"järjestö"}
    assert lemmas.phrase_lemma("hyvät palvelut") == "hyvä palvelu"
    assert lemmas.lemma("Lapin") == "Lappi"
    assert lemmas.lemma("asdfgh") == "asdfgh"  # unknown words stay as they are, lower-cased


def test_word_cloud_counts_inflections_together_with_voikko(app, room):
    voikko_or_skip()
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", question="Kuka tekee?", options=())
    answer(app, s, people[0], poll_id, text="järjestöt")
    answer(app, s, people[1], poll_id, text="järjestöjen")
    answer(app, s, people[2], poll_id, text="Järjestö")
    answer(app, s, people[2], poll_id, text="kunta")
    words = results(app, poll_id)["words"]
    assert [(w["word"], w["count"], w["size"]) for w in words] == [("järjestö", 3, 5), ("kunta", 1, 1)]


def without_voikko(monkeypatch):
    """As on a laptop without Debian's Voikko: the binding's library cannot be opened."""
    libvoikko = pytest.importorskip("libvoikko")

    def missing(*_args, **_kwargs):
        raise OSError("libvoikko.so.1: cannot open shared object file")
    monkeypatch.setattr(libvoikko, "Voikko", missing)
    lemmas.reset()
    assert not lemmas.available()


def test_word_cloud_uses_simplemma_without_voikko(app, room, monkeypatch):
    without_voikko(monkeypatch)
    assert lemmas.lemma("Järjestöt!") == "järjestö"
    assert lemmas.phrase_lemma("Kirjastot kylissä") == "kirjasto kylä"
    assert lemmas.lemma("asdfgh") == "asdfgh"
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", question="Kuka tekee?", options=())
    answer(app, s, people[0], poll_id, text="Järjestöt")
    answer(app, s, people[1], poll_id, text="järjestöt")
    answer(app, s, people[2], poll_id, text="järjestöjen")
    answer(app, s, people[2], poll_id, text="nuorille")
    words = results(app, poll_id)["words"]
    assert [(w["word"], w["count"]) for w in words] == [("järjestö", 3), ("nuori", 1)]


def test_word_cloud_lower_cases_without_either_lemmatiser(app, room, monkeypatch):
    without_voikko(monkeypatch)
    monkeypatch.setitem(sys.modules, "simplemma", None)  # import fails
    lemmas.reset()
    assert lemmas.lemma("Järjestöt!") == "järjestöt"
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", question="Kuka tekee?", options=())
    answer(app, s, people[0], poll_id, text="Järjestöt")
    answer(app, s, people[1], poll_id, text="järjestöt")
    answer(app, s, people[2], poll_id, text="järjestöjen")
    words = results(app, poll_id)["words"]
    assert [(w["word"], w["count"]) for w in words] == [("järjestöt", 2), ("järjestöjen", 1)]


def test_fallback_without_the_python_binding(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_libvoikko(name, *args, **kwargs):
        if name == "libvoikko":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_libvoikko)
    lemmas.reset()
    assert lemmas.phrase_lemma("Hyvät PALVELUT") == "hyvä palvelu"  # simplemma


# --- domain: bad answers ------------------------------------------------------------------------

@pytest.mark.parametrize("which, choice, text, key", [
    ("unknown", 0, None, "no_poll"),
    ("negative-id", 0, None, "no_poll"),
    ("other-session", 0, None, "no_poll"),
    ("closed", 0, None, "poll_closed"),
    ("choice", -1, None, "bad_choice"),
    ("choice", 3, None, "bad_choice"),
    ("choice", 10**12, None, "bad_choice"),
    ("choice", "abc", None, "bad_choice"),
    ("choice", "-1", None, "bad_choice"),
    ("choice", "1.0", None, "bad_choice"),
    ("choice", 1.0, None, "bad_choice"),
    ("choice", True, None, "bad_choice"),
    ("choice", None, None, "bad_choice"),
    ("choice", [1], None, "bad_choice"),
    ("words", None, "x" * 10_000, "answer_too_long"),
    ("words", None, "y" * 61, "answer_too_long"),
    ("words", None, "", "empty_answer"),
    ("words", None, "   ", "empty_answer"),
    ("words", None, "?!…", "empty_answer"),
    ("words", None, None, "empty_answer"),
    ("words", None, ["lista"], "empty_answer"),
    ("words", None, "kolme eri sanaa", "too_many_words"),
    ("words", None, "sana\x00", "control_chars"),
    ("words", None, "sa\x1bna", "control_chars"),
    ("words", None, "sa\u202ena", "control_chars"),
])
def test_bad_answers_change_nothing(app, room, which, choice, text, key):
    s, _tokens, people = room
    other = gen_session(app, s.facilitator_id, title="Toinen paja")
    foreign = make_poll(app, other)
    choice_poll = make_poll(app, s, open_it=False)
    words_poll = make_poll(app, s, kind="words", question="Sana?", options=(), open_it=False)
    closed = make_poll(app, s, open_it=False)
    target = {"unknown": 99999, "negative-id": -1, "other-session": foreign, "closed": closed,
              "choice": choice_poll, "words": words_poll}[which]
    if which in ("choice", "words"):
        with app.app_context():
            db = get_db()
            polls.open_poll(db, db.get(Session, s.id), db.get(Poll, target))
    before = snapshot(app, s)
    with pytest.raises(PollError) as exc:
        answer(app, s, people[0], target, choice=choice, text=text)
    assert exc.value.args[0] == key
    assert snapshot(app, s) == before


def test_wrong_kind_of_answer_is_refused(app, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", question="Sana?", options=())
    with app.app_context():
        db = get_db()
        with pytest.raises(PollError, match="wrong_kind"):
            polls.choose(db, db.get(Session, s.id), db.get(Poll, poll_id), db.get(Participant, people[0]), 0)


# --- facilitator pages ---------------------------------------------------------------------------

def test_facilitator_creates_opens_closes_and_deletes_a_poll(app, client, room):
    s, _tokens, _people = room
    AuthActions(client).login()
    assert f"/f/sessions/{s.id}/polls" in client.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    url = f"/f/sessions/{s.id}/polls"
    response = post_form(client, url, {"kind": "choice", "question": "Mikä on tärkeintä?",
                                       "options": "Nuoret\r\n\r\n  Työ  \r\nPalvelut\r\n"})
    assert response.status_code == 302
    poll = in_db(app, lambda db: db.scalar(select(Poll)))
    assert poll.options == ["Nuoret", "Työ", "Palvelut"] and not poll.is_open
    page = client.get(url).get_data(as_text=True)
    assert "Mikä on tärkeintä?" in page and f"/polls/{poll.id}/open" in page
    token = csrf_token(page)
    for action, is_open in (("open", True), ("close", False)):
        response = client.post(f"{url}/{poll.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 302
        assert in_db(app, lambda db: db.get(Poll, poll.id).is_open) is is_open
    client.post(f"{url}/{poll.id}/delete", data={"csrf_token": token})
    assert in_db(app, lambda db: db.scalar(select(func.count(Poll.id)))) == 0


def test_word_cloud_poll_needs_no_options(app, client, room):
    s, _tokens, _people = room
    AuthActions(client).login()
    response = post_form(client, f"/f/sessions/{s.id}/polls",
                         {"kind": "words", "question": "Yksi sana illasta?", "options": ""})
    assert response.status_code == 302
    assert in_db(app, lambda db: db.scalar(select(Poll.kind))) == "words"


@pytest.mark.parametrize("data, message", [
    ({"kind": "choice", "question": "Kysymys?", "options": "vain yksi"}, "Give 2–8 options, one per line."),
    ({"kind": "choice", "question": "Kysymys?", "options": "\n".join("abcdefghi")}, "Give 2–8 options, one per line."),
    ({"kind": "choice", "question": "", "options": "a\nb"}, "Write the question."),
    ({"kind": "choice", "question": "x" * 301, "options": "a\nb"}, "Write a question of at most 300 characters."),
    ({"kind": "quiz", "question": "Kysymys?", "options": "a\nb"}, "Choose the kind of poll."),
    ({"kind": "choice", "question": "Kysymys?", "options": "a\nA"}, "Each option can appear only once."),
    ({"kind": "choice", "question": "Kysy\x07mys?", "options": "a\nb"}, "Remove control characters."),
])
def test_poll_form_refuses_bad_input_with_a_clear_message(app, client, room, data, message):
    s, _tokens, _people = room
    AuthActions(client).login()
    response = post_form(client, f"/f/sessions/{s.id}/polls", data)
    assert response.status_code == 400
    assert translated(app, message) in response.get_data(as_text=True)
    assert in_db(app, lambda db: db.scalar(select(func.count(Poll.id)))) == 0


def test_other_facilitator_gets_404(app, client, room):
    s, _tokens, _people = room
    poll_id = make_poll(app, s)
    gen_facilitator(app, email="muu@example.fi")
    AuthActions(client).login(email="muu@example.fi")
    assert client.get(f"/f/sessions/{s.id}/polls").status_code == 404
    token = csrf_token(client.get("/f/").get_data(as_text=True))
    for action in ("open", "close", "delete"):
        assert client.post(f"/f/sessions/{s.id}/polls/{poll_id}/{action}",
                           data={"csrf_token": token}).status_code == 404
    assert in_db(app, lambda db: db.get(Poll, poll_id).is_open)


def test_poll_of_another_session_gets_404(app, client, room):
    s, _tokens, _people = room
    own_other = gen_session(app, s.facilitator_id, title="Toinen")
    poll_id = make_poll(app, own_other)
    AuthActions(client).login()
    token = csrf_token(client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True))
    for action in ("close", "delete", "nonsense"):
        assert client.post(f"/f/sessions/{s.id}/polls/{poll_id}/{action}",
                           data={"csrf_token": token}).status_code == 404
    assert in_db(app, lambda db: db.get(Poll, poll_id).is_open)


def test_polls_page_needs_login(client, room):
    s, _tokens, _people = room
    assert client.get(f"/f/sessions/{s.id}/polls").status_code == 302


def test_facilitator_removes_a_word_and_all_its_forms(app, client, room):
    voikko_or_skip()
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", question="Sana?", options=())
    answer(app, s, people[0], poll_id, text="hölmöt")
    answer(app, s, people[1], poll_id, text="hölmö")
    answer(app, s, people[2], poll_id, text="talkoot")
    AuthActions(client).login()
    page = client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True)
    assert 'value="hölmö"' in page
    client.post(f"/f/sessions/{s.id}/polls/{poll_id}/remove-word", data={"csrf_token": csrf_token(page),
                                                                         "word": "hölmö"})
    assert [w["word"] for w in results(app, poll_id)["words"]] == ["talkoo"]


# --- phone without JavaScript -------------------------------------------------------------------

def test_phone_shows_the_open_poll_and_answers_without_javascript(app, room):
    s, tokens, _people = room
    c = phone_page(app, s, tokens[0])
    html = c.get(f"/{s.join_code}").get_data(as_text=True)
    assert 'id="poll"' in html and html.split('id="poll"')[1].split(">")[0].endswith("hidden")
    poll_id = make_poll(app, s)
    html = c.get(f"/{s.join_code}").get_data(as_text=True)
    assert "Mikä on tärkeintä?" in html and 'name="choice"' in html and "<fieldset" in html and "<legend" in html
    response = c.post(f"/{s.join_code}/poll", data={"csrf_token": csrf_token(html), "poll": str(poll_id),
                                                   "choice": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{s.join_code}#poll")
    assert [o["count"] for o in results(app, poll_id)["options"]] == [0, 1, 0]
    html = c.get(f"/{s.join_code}").get_data(as_text=True)
    assert 'id="poll-choice-1" value="1" checked' in html
    c.post(f"/{s.join_code}/poll", data={"csrf_token": csrf_token(html), "poll": str(poll_id), "choice": "2"})
    assert [o["count"] for o in results(app, poll_id)["options"]] == [0, 0, 1]


@pytest.mark.parametrize("form, message", [
    ({"choice": "7"}, "Choose one of the options."),
    ({"choice": "-1"}, "Choose one of the options."),
    ({"choice": "99999999999999999999"}, "Choose one of the options."),
    ({"choice": "yksi"}, "Choose one of the options."),
    ({}, "Choose one of the options."),
    ({"poll": "abc", "choice": "0"}, "That poll does not exist in this workshop."),
    ({"poll": "424242", "choice": "0"}, "That poll does not exist in this workshop."),
])
def test_bad_phone_form_shows_a_clear_message_and_changes_nothing(app, room, form, message):
    s, tokens, _people = room
    poll_id = make_poll(app, s)
    c = phone_page(app, s, tokens[0])
    token = csrf_token(c.get(f"/{s.join_code}").get_data(as_text=True))
    before = snapshot(app, s)
    response = c.post(f"/{s.join_code}/poll", data={"csrf_token": token, "poll": str(poll_id), **form})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert translated(app, message) in html
    assert re.search(r'id="poll-error" role="alert">[^<]+</p>', html)
    assert snapshot(app, s) == before


@pytest.mark.parametrize("text, message", [
    ("x" * 10_000, "An answer can have 60 characters at most."),
    ("sana\x00", "Remove control characters."),
    ("  ", "Write a word or two."),
    (None, "Write a word or two."),
])
def test_bad_words_on_the_phone_form_change_nothing(app, room, text, message):
    s, tokens, _people = room
    poll_id = make_poll(app, s, kind="words", question="Sana?", options=())
    c = phone_page(app, s, tokens[0])
    token = csrf_token(c.get(f"/{s.join_code}").get_data(as_text=True))
    before = snapshot(app, s)
    data = {"csrf_token": token, "poll": str(poll_id)} | ({"text": text} if text is not None else {})
    response = c.post(f"/{s.join_code}/poll", data=data)
    assert response.status_code == 400
    assert translated(app, message) in response.get_data(as_text=True)
    assert snapshot(app, s) == before


def test_words_on_the_phone_form_keep_the_text_after_an_error(app, room):
    s, tokens, _people = room
    poll_id = make_poll(app, s, kind="words", question="Sana?", options=())
    c = phone_page(app, s, tokens[0])
    html = c.get(f"/{s.join_code}").get_data(as_text=True)
    assert 'id="poll-text"' in html and 'for="poll-text"' in html
    response = c.post(f"/{s.join_code}/poll", data={"csrf_token": csrf_token(html), "poll": str(poll_id),
                                                    "text": "liian monta sanaa tässä"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="liian monta sanaa tässä"' in html and 'aria-invalid="true"' in html
    assert translated(app, "Write one or two words per answer.") in html
    ok = c.post(f"/{s.join_code}/poll", data={"csrf_token": csrf_token(html), "poll": str(poll_id),
                                             "text": "yhteisö"})
    assert ok.status_code == 303
    assert "<li>yhteisö</li>" in c.get(f"/{s.join_code}").get_data(as_text=True)


def test_closed_poll_answer_over_http_is_refused(app, room):
    s, tokens, _people = room
    poll_id = make_poll(app, s)
    c = phone_page(app, s, tokens[0])
    token = csrf_token(c.get(f"/{s.join_code}").get_data(as_text=True))
    with app.app_context():
        db = get_db()
        polls.close_poll(db, db.get(Session, s.id), db.get(Poll, poll_id))
    before = snapshot(app, s)
    response = c.post(f"/{s.join_code}/poll", data={"csrf_token": token, "poll": str(poll_id), "choice": "0"})
    assert response.status_code == 400
    message = translated(app, "This poll is closed, so answers are no longer accepted.")
    assert f'<p class="form-error" role="alert">{message}</p>' in response.get_data(as_text=True)
    assert snapshot(app, s) == before


def test_phone_form_needs_a_participant_of_this_session(app, room):
    s, _tokens, _people = room
    poll_id = make_poll(app, s)
    other = gen_session(app, s.facilitator_id, title="Toinen")
    _p, foreign_token = gen_participant(app, other)
    before = snapshot(app, s)
    for cookie in (None, foreign_token, "guess"):
        c = app.test_client()
        if cookie:
            c.set_cookie(f"paja_p{s.id}", cookie)
        token = csrf_token(c.get(f"/{s.join_code}").get_data(as_text=True))  # the join form's token
        response = c.post(f"/{s.join_code}/poll", data={"csrf_token": token, "poll": str(poll_id), "choice": "0"})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/{s.join_code}")
        assert translated(app, "You are not a participant of this workshop. Join with the code first.") \
            in c.get(f"/{s.join_code}").get_data(as_text=True)
    assert snapshot(app, s) == before


def test_phone_form_needs_csrf(app, room):
    s, tokens, _people = room
    poll_id = make_poll(app, s)
    c = phone_page(app, s, tokens[0])
    response = c.post(f"/{s.join_code}/poll", data={"poll": str(poll_id), "choice": "0"})
    assert response.status_code == 400
    assert results(app, poll_id)["total"] == 0


# --- live ---------------------------------------------------------------------------------------

def test_poll_opens_on_phones_and_results_reach_the_projector_live(app, client, room):
    s, tokens, _people = room
    phones = [phone(app, s, t) for t in tokens]
    projector = screen(app, s)
    AuthActions(client).login()
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    assert all(p.is_connected() for p in phones) and projector.is_connected() and fac.is_connected()
    assert received(phones[0], "poll")[-1]["poll"] is None  # on connect: nothing open
    assert received(projector, "poll_results")[-1]["poll"] is None
    fac.get_received()

    post_form(client, f"/f/sessions/{s.id}/polls", {"kind": "choice", "question": "Mikä on tärkeintä?",
                                                    "options": "Nuoret\nTyö", "show_results": "live"})
    poll_id = in_db(app, lambda db: db.scalar(select(Poll.id)))
    token = csrf_token(client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True))
    client.post(f"/f/sessions/{s.id}/polls/{poll_id}/open", data={"csrf_token": token})
    shown = received(phones[1], "poll")[-1]
    assert shown["poll"]["question"] == "Mikä on tärkeintä?" and shown["poll"]["options"] == ["Nuoret", "Työ"]
    assert shown["mine"] == {"choice": None, "words": [], "left": 3}
    assert received(projector, "poll_results")[-1]["poll"]["total"] == 0

    ack = phones[0].emit("poll_answer", {"poll": poll_id, "choice": 1}, callback=True)
    assert ack == {"ok": True, "mine": {"choice": 1, "words": [], "left": 3}}
    live = received(projector, "poll_results")[-1]["poll"]
    assert [(o["text"], o["count"]) for o in live["options"]] == [("Nuoret", 0), ("Työ", 1)]
    assert received(fac, "poll_results")[-1]["poll"]["total"] == 1
    assert received(phones[1], "poll_results") == []  # phones see no one's answers
    ack = phones[0].emit("poll_answer", {"poll": poll_id, "choice": 0}, callback=True)  # changed
    assert ack["ok"] and ack["mine"]["choice"] == 0
    assert [o["count"] for o in received(projector, "poll_results")[-1]["poll"]["options"]] == [1, 0]
    payloads = str(received(projector, "poll_results")) + str(received(fac, "poll_results"))
    assert "Osallistuja" not in payloads and "participant" not in payloads

    client.post(f"/f/sessions/{s.id}/polls/{poll_id}/close", data={"csrf_token": token})
    assert received(phones[2], "poll")[-1]["poll"] is None
    final = received(projector, "poll_results")[-1]["poll"]
    assert final["open"] is False and final["total"] == 1  # the projector keeps the final results
    ack = phones[1].emit("poll_answer", {"poll": poll_id, "choice": 1}, callback=True)
    assert ack["ok"] is False and ack["error"] == translated(app, "This poll is closed, so answers are no longer accepted.")


def test_word_cloud_over_socket_with_errors_in_the_ack(app, room):
    s, tokens, _people = room
    poll_id = make_poll(app, s, kind="words", question="Sana?", options=())
    sio = phone(app, s, tokens[0])
    projector = screen(app, s)
    state = received(sio, "poll")[-1]
    assert state["poll"]["id"] == poll_id and state["poll"]["kind"] == "words"
    for payload in ({"poll": poll_id, "text": "x" * 10_000}, {"poll": poll_id, "text": "a\x00b"},
                    {"poll": poll_id, "text": 5}, {"poll": poll_id}, {"poll": "abc", "text": "sana"},
                    {"poll": True, "text": "sana"}, {"poll": 10**30, "text": "sana"}, "not a dict", None,
                    ["list"]):
        before = snapshot(app, s)
        ack = sio.emit("poll_answer", payload, callback=True)
        assert ack["ok"] is False and ack["error"], payload
        assert snapshot(app, s) == before
    for text in ("kylätalo", "nuoret"):
        assert sio.emit("poll_answer", {"poll": poll_id, "text": text}, callback=True)["ok"] is True
    ack = sio.emit("poll_answer", {"poll": poll_id, "text": "talkoot"}, callback=True)
    assert ack["ok"] is True and len(ack["mine"]["words"]) == 3 and ack["mine"]["left"] == 0
    ack = sio.emit("poll_answer", {"poll": poll_id, "text": "lisää"}, callback=True)
    assert ack == {"ok": False, "error": translated(app, "You have already given 3 answers to this question.")}
    cloud = received(projector, "poll_results")[-1]["poll"]
    assert cloud["kind"] == "words" and cloud["total"] == 3
    assert sorted(w["count"] for w in cloud["words"]) == [1, 1, 1]


def test_screen_and_facilitator_sockets_cannot_answer(app, client, room):
    s, _tokens, _people = room
    poll_id = make_poll(app, s)
    projector = screen(app, s)
    AuthActions(client).login()
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    before = snapshot(app, s)
    for sio in (projector, fac):
        ack = sio.emit("poll_answer", {"poll": poll_id, "choice": 0}, callback=True)
        assert ack["ok"] is False and ack["error"]
    assert snapshot(app, s) == before


def test_participant_of_another_session_cannot_answer(app, room):
    s, _tokens, _people = room
    poll_id = make_poll(app, s)
    other = gen_session(app, s.facilitator_id, title="Toinen")
    make_poll(app, other)
    _p, foreign_token = gen_participant(app, other)
    foreign = phone(app, other, foreign_token)
    assert foreign.is_connected()
    before = snapshot(app, s)
    ack = foreign.emit("poll_answer", {"poll": poll_id, "choice": 0}, callback=True)
    assert ack == {"ok": False, "error": translated(app, "That poll does not exist in this workshop.")}
    assert snapshot(app, s) == before
    # and their phone never heard of this session's poll
    assert all(e["poll"] is None or e["poll"]["id"] != poll_id for e in received(foreign, "poll"))


def test_reconnecting_phone_gets_the_poll_and_its_own_answer(app, room):
    s, tokens, people = room
    poll_id = make_poll(app, s)
    answer(app, s, people[0], poll_id, choice=2)
    answer(app, s, people[1], poll_id, choice=0)
    sio = phone(app, s, tokens[0])
    state = received(sio, "poll")[-1]
    assert state["poll"]["id"] == poll_id and state["mine"]["choice"] == 2
    ack = sio.emit("poll_state", callback=True)
    assert ack["ok"] and ack["mine"]["choice"] == 2
    assert "0" not in str(ack["mine"]["words"])  # only their own answer


def test_reopened_poll_brings_back_each_phones_own_answer(app, client, room):
    s, tokens, people = room
    poll_id = make_poll(app, s)
    answer(app, s, people[0], poll_id, choice=1)
    phones = [phone(app, s, t) for t in tokens[:2]]
    AuthActions(client).login()
    token = csrf_token(client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True))
    client.post(f"/f/sessions/{s.id}/polls/{poll_id}/close", data={"csrf_token": token})
    for p in phones:
        p.get_received()
    client.post(f"/f/sessions/{s.id}/polls/{poll_id}/open", data={"csrf_token": token})
    assert received(phones[0], "poll")[-1]["mine"]["choice"] == 1
    assert received(phones[1], "poll")[-1]["mine"]["choice"] is None


def test_deleting_the_open_poll_clears_phones_and_projector(app, client, room):
    s, tokens, _people = room
    poll_id = make_poll(app, s)
    sio, projector = phone(app, s, tokens[0]), screen(app, s)
    AuthActions(client).login()
    token = csrf_token(client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True))
    client.post(f"/f/sessions/{s.id}/polls/{poll_id}/delete", data={"csrf_token": token})
    assert received(sio, "poll")[-1]["poll"] is None
    assert received(projector, "poll_results")[-1]["poll"] is None


# --- projector page -----------------------------------------------------------------------------

def test_projector_page_draws_the_chart_without_inline_styles(app, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s)
    answer(app, s, people[0], poll_id, choice=0)
    answer(app, s, people[1], poll_id, choice=0)
    answer(app, s, people[2], poll_id, choice=2)
    html = app.test_client().get(f"/screen/{s.screen_token}").get_data(as_text=True)
    assert "Mikä on tärkeintä?" in html
    assert 'class="poll-bar-fill" x="0" y="0" width="67"' in html and 'width="33"' in html
    assert "2 (67\u00a0%)" in html  # the number as text too, with the locale's percent sign
    assert 'aria-live="polite"' in html
    assert "style=" not in html and "<script>" not in html


def test_projector_word_cloud_sizes_follow_frequency(app, room):
    voikko_or_skip()
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", question="Sana?", options=())
    for pid in people:
        answer(app, s, pid, poll_id, text="nuoret")
    answer(app, s, people[0], poll_id, text="kirkot")
    answer(app, s, people[1], poll_id, text="kirkkoja")
    answer(app, s, people[2], poll_id, text="kylä")
    html = app.test_client().get(f"/screen/{s.screen_token}").get_data(as_text=True)
    assert '<li class="w5"><span class="word">nuori</span> <span class="word-count">3</span></li>' in html
    assert '<li class="w3"><span class="word">kirkko</span> <span class="word-count">2</span></li>' in html
    assert '<li class="w1"><span class="word">kylä</span> <span class="word-count">1</span></li>' in html


# --- one path: the same tally, the same emits -----------------------------------------------------

def test_one_tally_for_live_results_and_exports():
    """Answers oldest first as (participant, choice, text): the limits hold even after a race."""
    counted = polls.tally("choice", ["Nuoret", "Työ", "Palvelut"],
                          [("a", 0, None), ("b", 2, None), ("a", 1, None), ("c", 9, None)])
    assert (counted.people, counted.total) == (3, 2)  # c answered, but with no valid choice
    assert [(o.index, o.text, o.count, o.percent) for o in counted.options] == [
        (0, "Nuoret", 0, 0), (1, "Työ", 1, 50), (2, "Palvelut", 1, 50)]
    words = polls.tally("words", [], [("a", None, w) for w in ("yksi", "kaksi", "kolme", "neljä")]
                        + [("b", None, "kaksi"), ("b", None, "...")])
    assert (words.people, words.total) == (2, 4)  # a's fourth answer and b's word-less one do not count
    assert words.words[0] == polls.WordCount(polls.cloud_key("kaksi"), lemmas.phrase_lemma("kaksi"), 2)
    assert sorted(w.count for w in words.words) == [1, 1, 2]
    assert polls.tally("words", [], []).words == ()


class EmitLog:
    """Every socketio.emit as (event, room): what reached which room, payloads aside."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple[str, str]] = []
        monkeypatch.setattr(socketio, "emit", lambda event, _data=None, to=None, **_kw: self.calls.append((event, to)))

    def take(self) -> list[tuple[str, str]]:
        calls, self.calls = self.calls, []
        return calls


def test_an_answer_through_the_form_and_through_socket_io_reaches_the_same_rooms(app, room, monkeypatch):
    s, tokens, people = room
    poll_id = make_poll(app, s)
    sio = phone(app, s, tokens[0])
    c = phone_page(app, s, tokens[1])
    token = csrf_token(c.get(f"/{s.join_code}").get_data(as_text=True))
    log = EmitLog(monkeypatch)
    assert sio.emit("poll_answer", {"poll": poll_id, "choice": 1}, callback=True)["ok"]
    live = log.take()
    assert c.post(f"/{s.join_code}/poll", data={"csrf_token": token, "poll": str(poll_id), "choice": "1"}
                  ).status_code == 303
    form = log.take()
    assert live == [("poll", f"p{people[0]}"), ("poll_results", f"s{s.id}:screen"), ("poll_results", f"s{s.id}:fac")]
    assert form == [(event, to.replace(f"p{people[0]}", f"p{people[1]}")) for event, to in live]


def test_screen_and_facilitator_are_told_only_participants_answer(app, client, room):
    s, _tokens, _people = room
    poll_id = make_poll(app, s)
    projector = screen(app, s)
    AuthActions(client).login()
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    for sio in (projector, fac):
        assert sio.emit("poll_answer", {"poll": poll_id, "choice": 0}, callback=True) == {
            "ok": False, "error": translated(app, "Only participants can answer polls.")}
    phone_ack = phone(app, s, _tokens[0]).emit("poll_answer", ["not", "a", "dict"], callback=True)
    assert phone_ack == {"ok": False, "error": translated(app, "That poll does not exist in this workshop.")}


@pytest.mark.parametrize("kind", ["choice", "words"])
def test_phone_page_with_an_open_poll_shows_no_python_literal(app, room, kind):
    """The poll's error region is empty until there is an error (it used to read "None")."""
    s, tokens, _ids = room
    make_poll(app, s, kind=kind, options=("Nuoret", "Työ") if kind == "choice" else ())
    phone = app.test_client()
    phone.set_cookie(f"paja_p{s.id}", tokens[0])
    html = phone.get(f"/{s.join_code}").get_data(as_text=True)
    region = re.search(r'<p class="field-errors" id="poll-error"[^>]*>(.*?)</p>', html, re.S)
    assert region is not None and region.group(1).strip() == ""
    assert not re.search(r">\s*(None|True|False|\[\])\s*<", html)
