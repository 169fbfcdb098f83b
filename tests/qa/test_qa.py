"""The room's Q&A: participants ask the panel and upvote, the facilitator moderates, the projector shows
the top questions; counts stay hidden until the facilitator reveals them (unless set to show live)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.flipchart import service as flipchart
from workshop.models import Participant, Session
from workshop.qa import service as qa
from workshop.qa.models import QaQuestion, QaUpvote
from workshop.qa.service import QaError
from workshop.sessions import service as sessions

from tests.helpers import AuthActions, csrf_token
from tests.qa.story import ask, board, do, moderate, phone, received, screen, upvote, votes


def test_a_participant_asks_and_others_upvote_once_each_and_can_take_it_back(app, room):
    s, _tokens, pids = room
    first = ask(app, s, pids[0], "  Miten   kyydit järjestetään? ")
    assert board(app, s)[first].text == "Miten kyydit järjestetään?"
    assert board(app, s)[first].name is None  # anonymous by default, a name given or not
    assert upvote(app, s, pids[1], first) is True
    assert upvote(app, s, pids[2], first) is True
    assert votes(app, s) == {first: 2}
    assert upvote(app, s, pids[1], first) is False  # pressing again takes the upvote back
    assert votes(app, s) == {first: 1}
    with pytest.raises(QaError) as own:
        upvote(app, s, pids[0], first)
    assert own.value.key == "own_question"
    assert votes(app, s) == {first: 1}


def test_bad_questions_change_nothing_and_get_a_translated_message(app, client, room):
    s, tokens, pids = room
    for text, key in (("   ", "empty"), ("x" * 301, "too_long"), ("Moi\x00", "control"), (None, "empty"), (5, "empty")):
        with pytest.raises(QaError) as refused:
            ask(app, s, pids[0], text)
        assert refused.value.key == key
    with pytest.raises(QaError) as missing:
        upvote(app, s, pids[0], "999999")
    assert missing.value.key == "not_found"
    sio, http = phone(app, s, tokens[0])
    ack = sio.emit("qa_ask", {"text": "x" * 301}, callback=True)
    assert ack == {"ok": False, "error": "Kysymyksessä voi olla enintään 300 merkkiä."}
    token = csrf_token(http.get(f"/{s.join_code}").get_data(as_text=True))
    page = http.post(f"/{s.join_code}/qa", data={"csrf_token": token, "text": "x" * 301})
    assert page.status_code == 400 and "Kysymyksessä voi olla enintään 300 merkkiä." in page.get_data(as_text=True)
    assert do(app, lambda db: db.scalar(select(func.count(QaQuestion.id)))) == 0


def test_questions_are_open_in_the_info_and_questions_steps_only(app, room):
    s, _tokens, pids = room
    do(app, lambda db: sessions.set_phase(db, db.get(Session, s.id), "grouping"))
    with pytest.raises(QaError) as closed:
        ask(app, s, pids[0], "Myöhäinen kysymys")
    assert closed.value.key == "closed"
    do(app, lambda db: sessions.set_phase(db, db.get(Session, s.id), "info"))
    assert ask(app, s, pids[0], "Puheenvuoron aikana")


def test_a_name_is_kept_only_where_the_workshop_allows_names(app, room):
    s, _tokens, pids = room
    q = ask(app, s, pids[0], "Kuka vastaa?", name="Aino")
    assert board(app, s)[q].name is None
    do(app, lambda db: qa.set_settings(db, db.get(Session, s.id), True, "reveal"))
    q = ask(app, s, pids[0], "Entä rahoitus?", name=" Aino ")
    assert board(app, s)[q].name == "Aino"
    with pytest.raises(QaError) as long_name:
        ask(app, s, pids[0], "Entä rahoitus?", name="A" * 61)
    assert long_name.value.key == "name_too_long"


def test_merging_unites_the_votes_without_counting_anyone_twice(app, room):
    s, _tokens, pids = room
    a = ask(app, s, pids[0], "Miten kyydit hoidetaan?")
    b = ask(app, s, pids[1], "Kuka järjestää kyydit?")
    upvote(app, s, pids[2], a)
    upvote(app, s, pids[2], b)  # one voter on both: counted once after the merge
    upvote(app, s, pids[3], b)
    upvote(app, s, pids[0], b)  # the target's own asker: never an upvote of their own question
    voter, _http = phone(app, s, _tokens[3])
    voter.get_received()
    moderate(app, s, b, "merge", a)
    assert received(voter, "qa_mine")[-1]["upvoted"] == [a]  # their phone shows the upvote where it is now
    after = board(app, s)
    assert after[a].votes == 2 and after[b].merged_into == a and not after[b].shown
    assert do(app, lambda db: db.scalar(select(func.count(QaUpvote.id)).where(QaUpvote.question_id == b))) == 0
    with pytest.raises(QaError) as again:
        moderate(app, s, b, "merge", a)
    assert again.value.key == "bad_merge"
    with pytest.raises(QaError) as itself:
        moderate(app, s, a, "merge", a)
    assert itself.value.key == "bad_merge"
    with pytest.raises(QaError) as nowhere:
        moderate(app, s, a, "merge", "x")
    assert nowhere.value.key == "bad_merge"


def test_pinned_first_answered_last_hidden_never_and_counts_only_once_revealed(app, room):
    s, tokens, pids = room
    a = ask(app, s, pids[0], "Ensimmäinen")
    b = ask(app, s, pids[1], "Toinen")
    c = ask(app, s, pids[2], "Kolmas")
    d = ask(app, s, pids[3], "Neljäs, piilotettava")
    upvote(app, s, pids[1], a)
    upvote(app, s, pids[2], a)
    upvote(app, s, pids[0], b)
    moderate(app, s, d, "hide")
    viewer, _http = phone(app, s, tokens[0])
    projector = screen(app, s)
    got = viewer.get_received()
    before = [e["args"][0] for e in got if e["name"] == "qa"][-1]
    assert [e["args"][0] for e in got if e["name"] == "qa_mine"][-1]["asked"] == [a]
    assert before["visible"] is False
    assert [q["id"] for q in before["questions"]] == [c, b, a]  # newest first: no order by count
    assert all("votes" not in q for q in before["questions"])
    assert received(projector, "qa")[-1] == before

    moderate(app, s, c, "pin")
    moderate(app, s, a, "answer")
    do(app, lambda db: qa.reveal(db, db.get(Session, s.id)))
    now = received(projector, "qa")[-1]
    assert now["visible"] is True
    assert [(q["id"], q["votes"]) for q in now["questions"]] == [(c, 0), (b, 1), (a, 2)]
    assert now["questions"][0]["pinned"] and now["questions"][-1]["answered"]
    assert "Neljäs" not in str(received(viewer, "qa")) and "Neljäs" not in str(now)
    html = app.test_client().get(f"/screen/{s.screen_token}").get_data(as_text=True)
    assert "Neljäs" not in html and "Kolmas" in html

    moderate(app, s, d, "unhide")
    assert d in [q["id"] for q in received(projector, "qa")[-1]["questions"]]
    with pytest.raises(QaError):
        upvote(app, s, pids[0], b + 1000)


def test_live_results_show_counts_at_once_and_choosing_reveal_hides_them_again(app, room):
    s, _tokens, pids = room
    a = ask(app, s, pids[0], "Ensimmäinen")
    upvote(app, s, pids[1], a)
    do(app, lambda db: qa.set_settings(db, db.get(Session, s.id), False, "live"))
    assert do(app, lambda db: qa.results_visible(db.get(Session, s.id)))
    do(app, lambda db: qa.reveal(db, db.get(Session, s.id)))
    do(app, lambda db: qa.set_settings(db, db.get(Session, s.id), False, "reveal"))
    assert not do(app, lambda db: qa.results_visible(db.get(Session, s.id)))
    with pytest.raises(QaError) as bad:
        do(app, lambda db: qa.set_settings(db, db.get(Session, s.id), False, "sometimes"))
    assert bad.value.key == "bad_setting"


def test_the_word_filter_holds_a_question_for_the_facilitators_approval(app, room):
    s, tokens, pids = room
    do(app, lambda db: flipchart.set_word_filter(db, db.get(Session, s.id), True))
    asker, _http = phone(app, s, tokens[0])
    other, _ = phone(app, s, tokens[1])
    projector = screen(app, s)
    for c in (asker, other, projector):
        c.get_received()
    ack = asker.emit("qa_ask", {"text": "Miksi tämä vitun byrokratia?"}, callback=True)
    assert ack == {"ok": True, "held": True}
    assert received(other, "qa") == [] and received(projector, "qa") == []  # nothing the room sees changed
    mine = received(asker, "qa_mine")[-1]
    assert mine["waiting"] == ["Miksi tämä vitun byrokratia?"] and mine["asked"] == []
    held = next(iter(board(app, s)))
    with pytest.raises(QaError):
        upvote(app, s, pids[1], held)
    moderate(app, s, held, "approve")
    assert [q["text"] for q in received(other, "qa")[-1]["questions"]] == ["Miksi tämä vitun byrokratia?"]


def test_the_team_moderates_by_role(app, client, room):
    s, _tokens, pids = room
    q = ask(app, s, pids[0], "Mitä seuraavaksi?")
    from workshop.accounts import service as accounts
    from workshop.team import service as team
    for email, role in (("apu@example.fi", "assistant"), ("katsoja@example.fi", "observer")):
        with app.app_context():
            db = get_db()
            accounts.create_facilitator(db, email, role, "correct horse battery")
            team.add_member(db, db.get(Session, s.id), email, role)
    auth = AuthActions(client)
    auth.login("apu@example.fi")
    page = f"/f/sessions/{s.id}/qa"
    token = csrf_token(client.get(page).get_data(as_text=True))
    assert client.post(f"{page}/{q}/pin", data={"csrf_token": token}).status_code == 302
    assert client.post(f"{page}/reveal", data={"csrf_token": token}).status_code == 403
    assert board(app, s)[q].pinned
    auth.logout()
    auth.login("katsoja@example.fi")
    token = csrf_token(client.get(page).get_data(as_text=True))
    assert client.post(f"{page}/{q}/unpin", data={"csrf_token": token}).status_code == 403
    assert board(app, s)[q].pinned
    history = do(app, lambda db: [line.action for line in team.history(db, db.get(Session, s.id))])
    assert "qa.moderate:pin" in history


def test_the_shared_results_page_lists_the_shown_questions_by_votes_without_names(app, room):
    s, _tokens, pids = room
    do(app, lambda db: qa.set_settings(db, db.get(Session, s.id), True, "reveal"))
    a = ask(app, s, pids[0], "Miten kyydit hoidetaan?", name="Aino")
    b = ask(app, s, pids[1], "Kuka vastaa kouluista?")
    hidden = ask(app, s, pids[2], "Asiaton kysymys")
    upvote(app, s, pids[2], b)
    moderate(app, s, hidden, "hide")
    moderate(app, s, a, "answer")
    from workshop.results import service as results
    token = do(app, lambda db: results.share(db, db.get(Session, s.id)))
    page = app.test_client().get(f"/results/{token}").get_data(as_text=True)
    assert page.index("Kuka vastaa kouluista?") < page.index("Miten kyydit hoidetaan?")
    assert "Asiaton kysymys" not in page and "Aino" not in page and "vastattu" in page


def test_without_javascript_the_phone_asks_upvotes_and_sees_counts_only_once_revealed(app, room):
    s, tokens, pids = room
    first = ask(app, s, pids[0], "Miten kyydit järjestetään?")
    _sio, http = phone(app, s, tokens[1])
    page = http.get(f"/{s.join_code}").get_data(as_text=True)
    token = csrf_token(page)
    assert f'action="/{s.join_code}/qa/{first}/upvote"' in page and 'aria-pressed="false"' in page
    upvoted = http.post(f"/{s.join_code}/qa/{first}/upvote", data={"csrf_token": token})
    assert upvoted.status_code == 303 and upvoted.location.endswith("#qa")
    page = http.get(f"/{s.join_code}").get_data(as_text=True)
    assert 'aria-pressed="true"' in page and "Äänestetty." in page
    assert 'class="qa-votes"' not in page  # not revealed: no counts, not even one's own
    do(app, lambda db: qa.reveal(db, db.get(Session, s.id)))
    page = http.get(f"/{s.join_code}").get_data(as_text=True)
    assert '<span class="qa-votes">1 ääni</span>' in page
    asked = http.post(f"/{s.join_code}/qa", data={"csrf_token": token, "text": "Entä rahoitus?", "name": "Ville"})
    assert asked.status_code == 303
    page = http.get(f"/{s.join_code}").get_data(as_text=True)
    assert "Entä rahoitus?" in page and "Ville" not in page.split('id="qa-list"')[1]  # anonymous workshop


def test_a_removed_participants_questions_are_hidden_like_their_notes(app, room):
    s, _tokens, pids = room
    kept = ask(app, s, pids[0], "Asiallinen kysymys")
    gone = ask(app, s, pids[1], "Häiriköinti")
    projector = screen(app, s)
    projector.get_received()
    do(app, lambda db: flipchart.remove_participant(db, db.get(Session, s.id), db.get(Participant, pids[1])))
    shown = {qid for qid, v in board(app, s).items() if v.shown}
    assert shown == {kept} and board(app, s)[gone].hidden
    assert [q["id"] for q in received(projector, "qa")[-1]["questions"]] == [kept]  # at once, live
