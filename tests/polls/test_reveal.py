"""Poll results hidden until revealed (issue 16 item 4): a facilitator's poll shows the projector only how
many have answered until "Reveal results"; "live" shows the running results. Hidden means absent from the
Socket.IO payloads and the HTML the projector gets, not only unrendered."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from workshop.db import get_db
from workshop.models import Poll, Session
from workshop.polls import service as polls
from workshop.polls.service import PollError

from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_participant, gen_session, post_form
from tests.polls.test_polls import EmitLog, answer, in_db, make_poll, received, screen, translated


@pytest.fixture
def room(app):
    """A workshop with three participants (as in test_polls): the session, their tokens and ids."""
    s = gen_session(app, gen_facilitator(app).id)
    people = [gen_participant(app, s, first_name=f"Osallistuja{i}") for i in range(3)]
    return s, [t for _p, t in people], [p.id for p, _t in people]


def poll_action(client, s, poll_id, action, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/polls/{poll_id}/{action}", data={"csrf_token": token, **data})


def poll_row(app, poll_id):
    return in_db(app, lambda db: db.get(Poll, poll_id))


def projector_html(app, s):
    """The projector page's poll section (the feedback section has bars of its own)."""
    html = app.test_client().get(f"/screen/{s.screen_token}").get_data(as_text=True)
    return re.search(r'<section class="screen-poll".*?</section>', html, re.S).group(0)


def counts_absent(payload) -> bool:
    """Nothing in a projector's poll that tells which option or word leads."""
    return payload["hidden"] is True and not {"options", "words"} & payload.keys()


# --- domain -------------------------------------------------------------------------------------

def test_a_new_poll_hides_its_results_until_revealed(app, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s, show_results="reveal")
    for pid, choice in zip(people, (0, 0, 2)):
        answer(app, s, pid, poll_id, choice=choice)

    def views(db):
        poll = db.get(Poll, poll_id)
        return polls.shown_results(db, poll), polls.results(db, poll)
    shown, full = in_db(app, views)
    assert counts_absent(shown) and shown["total"] == 3 and shown["question"] == "Mikä on tärkeintä?"
    assert [o["count"] for o in full["options"]] == [2, 0, 1]  # the facilitator always sees them

    in_db(app, lambda db: polls.close_poll(db, db.get(Session, s.id), db.get(Poll, poll_id)))
    assert counts_absent(in_db(app, lambda db: polls.shown_results(db, db.get(Poll, poll_id))))  # closing reveals nothing

    in_db(app, lambda db: polls.reveal_poll(db, db.get(Session, s.id), db.get(Poll, poll_id)))
    shown = in_db(app, lambda db: polls.shown_results(db, db.get(Poll, poll_id)))
    assert shown["hidden"] is False and [o["count"] for o in shown["options"]] == [2, 0, 1]


def test_default_is_reveal_and_the_setting_can_change(app, room):
    s, _tokens, _people = room

    def create(db):
        return polls.create_poll(db, db.get(Session, s.id), "words", "Yksi sana?").id
    poll_id = in_db(app, create)
    assert (poll_row(app, poll_id).show_results, poll_row(app, poll_id).revealed) == ("reveal", False)
    in_db(app, lambda db: polls.set_show_results(db, db.get(Session, s.id), db.get(Poll, poll_id), "live"))
    assert in_db(app, lambda db: polls.shown_results(db, db.get(Poll, poll_id)))["words"] == []
    before = in_db(app, lambda db: db.get(Session, s.id).seq)
    for bad in ("always", "", None, 1, ["live"]):
        with pytest.raises(PollError) as refused:
            in_db(app, lambda db, bad=bad: polls.set_show_results(db, db.get(Session, s.id), db.get(Poll, poll_id), bad))
        assert refused.value.key == "bad_results"
    assert poll_row(app, poll_id).show_results == "live" and in_db(app, lambda db: db.get(Session, s.id).seq) == before
    with pytest.raises(PollError):
        in_db(app, lambda db: polls.create_poll(db, db.get(Session, s.id), "words", "Toinen?", show_results="x"))


# --- live: the payloads ---------------------------------------------------------------------------

def test_projector_gets_only_the_count_until_the_facilitator_reveals(app, client, room):
    s, tokens, people = room
    AuthActions(client).login()
    post_form(client, f"/f/sessions/{s.id}/polls", {"kind": "choice", "question": "Mikä on tärkeintä?",
                                                    "options": "Nuoret\nTyö"})  # no setting sent: the default
    poll_id = in_db(app, lambda db: db.scalar(select(Poll.id)))
    assert poll_row(app, poll_id).show_results == "reveal"
    poll_action(client, s, poll_id, "open")
    from workshop.extensions import socketio
    projector = screen(app, s)
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    fac.get_received()
    projector.get_received()
    for pid, choice in zip(people, (1, 1, 0)):
        answer(app, s, pid, poll_id, choice=choice)
    hidden = received(projector, "poll_results")
    assert [p["poll"]["total"] for p in hidden] == [1, 2, 3]  # answers coming in: the count only
    assert all(counts_absent(p["poll"]) for p in hidden)
    assert "Nuoret" not in str(hidden) and "count" not in str(hidden) and "percent" not in str(hidden)
    assert [o["count"] for o in received(fac, "poll_results")[-1]["poll"]["options"]] == [1, 2]
    html = projector_html(app, s)
    assert "Mikä on tärkeintä?" in html and "poll-bar" not in html and "Nuoret" not in html
    assert translated(app, "The results are shown when the facilitator reveals them.") in html

    poll_action(client, s, poll_id, "close")
    assert counts_absent(received(projector, "poll_results")[-1]["poll"])

    assert poll_action(client, s, poll_id, "reveal").status_code == 302
    shown = received(projector, "poll_results")[-1]["poll"]
    assert shown["hidden"] is False and [(o["text"], o["count"]) for o in shown["options"]] == [("Nuoret", 1), ("Työ", 2)]
    html = projector_html(app, s)
    assert 'class="poll-bar-fill" x="0" y="0" width="67"' in html and "Nuoret" in html
    assert received(phone_socket(app, s, tokens[0]), "poll_results") == []  # phones never see results


def phone_socket(app, s, token):
    from tests.polls.test_polls import phone
    return phone(app, s, token)


def test_a_reconnecting_projector_gets_no_hidden_counts(app, client, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s, kind="words", options=(), show_results="reveal")
    for pid in people:
        answer(app, s, pid, poll_id, text="kylätalo")
    projector = screen(app, s)
    on_connect = received(projector, "poll_results")[-1]  # a part of the one "state" message (tests/helpers)
    assert counts_absent(on_connect["poll"]) and on_connect["poll"]["total"] == 3
    assert "kylä" not in str(on_connect)
    again = projector.emit("poll_state", callback=True)
    assert counts_absent(again["poll"])
    AuthActions(client).login()
    from workshop.extensions import socketio
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    assert received(fac, "poll_results")[-1]["poll"]["words"][0]["count"] == 3
    assert fac.emit("poll_state", callback=True)["poll"]["words"][0]["count"] == 3


def test_live_poll_shows_running_results_at_once(app, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s, show_results="live")
    projector = screen(app, s)
    projector.get_received()
    answer(app, s, people[0], poll_id, choice=2)
    assert [o["count"] for o in received(projector, "poll_results")[-1]["poll"]["options"]] == [0, 0, 1]
    assert "poll-bar-fill" in projector_html(app, s)


def test_the_setting_changes_on_the_polls_page_and_the_projector_follows(app, client, room, monkeypatch):
    s, _tokens, people = room
    poll_id = make_poll(app, s, show_results="reveal")
    answer(app, s, people[0], poll_id, choice=0)
    AuthActions(client).login()
    page = client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True)
    assert f'id="reveal-poll-{poll_id}"' in page and 'name="show_results" value="reveal"' in page
    log = EmitLog(monkeypatch)
    assert poll_action(client, s, poll_id, "results", show_results="live").status_code == 302
    assert log.take() == [("poll_results", f"s{s.id}:screen"), ("poll_results", f"s{s.id}:fac")]
    assert poll_row(app, poll_id).show_results == "live"
    page = client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True)
    assert f'id="reveal-poll-{poll_id}"' not in page
    assert poll_action(client, s, poll_id, "results", show_results="sometimes").status_code == 302
    assert poll_row(app, poll_id).show_results == "live" and log.take() == []
    page = client.get(f"/f/sessions/{s.id}/polls").get_data(as_text=True)
    assert translated(app, "Choose how the results are shown.") in page
    # revealing twice changes nothing the second time
    poll_action(client, s, poll_id, "reveal")
    log.take()
    poll_action(client, s, poll_id, "reveal")
    assert log.take() == []


def test_the_run_sheet_info_step_reveals_and_comes_back(app, client, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s, show_results="reveal")
    answer(app, s, people[0], poll_id, choice=1)
    AuthActions(client).login()
    post_form(client, f"/f/sessions/{s.id}/phase", {"phase": "info"})
    run = client.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    assert 'id="reveal-poll"' in run and 'class="poll-bar-fill"' in run  # the facilitator sees the bars
    token = csrf_token(run)
    here = f"/f/sessions/{s.id}"
    response = client.post(f"/f/sessions/{s.id}/polls/{poll_id}/reveal", data={"csrf_token": token, "next": here})
    assert response.status_code == 302 and response.headers["Location"].endswith(here)
    assert poll_row(app, poll_id).revealed is True
    assert 'id="reveal-poll"' not in client.get(here).get_data(as_text=True)
    history = client.get(f"/f/sessions/{s.id}/team").get_data(as_text=True)
    assert f"{translated(app, 'Changed a poll')} (reveal)" in history  # the audit line: who, when, what


@pytest.mark.parametrize("role, allowed", [("facilitator", True), ("assistant", False), ("observer", False)])
def test_revealing_is_facilitation_not_door_work(app, client, room, role, allowed):
    s, _tokens, _people = room
    poll_id = make_poll(app, s, show_results="reveal")
    member = gen_facilitator(app, email=f"{role}@example.fi", name=role)
    with app.app_context():
        from workshop.team import service as team
        db = get_db()
        team.add_member(db, db.get(Session, s.id), member.email, role)
    AuthActions(client).login(email=f"{role}@example.fi")
    for action, data in (("reveal", {}), ("results", {"show_results": "live"})):
        status = poll_action(client, s, poll_id, action, **data).status_code
        assert (status == 302) is allowed and (status == 403) is (not allowed)
    assert poll_row(app, poll_id).revealed is allowed


def test_the_shared_results_page_hides_unrevealed_polls_while_the_workshop_runs(app, client, room):
    s, _tokens, people = room
    poll_id = make_poll(app, s, show_results="reveal")
    answer(app, s, people[0], poll_id, choice=0)

    def share(db):
        from workshop.results import service as results
        return results.share(db, db.get(Session, s.id))
    token = in_db(app, share)
    page = app.test_client().get(f"/results/{token}").get_data(as_text=True)
    assert "Mikä on tärkeintä?" in page and "poll-bar-fill" not in page
    in_db(app, lambda db: polls.reveal_poll(db, db.get(Session, s.id), db.get(Poll, poll_id)))
    assert "poll-bar-fill" in app.test_client().get(f"/results/{token}").get_data(as_text=True)


def test_the_export_carries_the_settings(app, client, room):
    s, _tokens, _people = room
    poll_id = make_poll(app, s, show_results="reveal")
    make_poll(app, s, question="Toinen?", show_results="live", open_it=False)
    in_db(app, lambda db: polls.reveal_poll(db, db.get(Session, s.id), db.get(Poll, poll_id)))
    AuthActions(client).login()
    doc = client.get(f"/f/sessions/{s.id}/export.json").get_json()
    assert [(p["show_results"], p["revealed"]) for p in doc["polls"]] == [("reveal", True), ("live", False)]
    assert (doc["session"]["vote_results"], doc["session"]["votes_revealed"]) == ("reveal", False)
