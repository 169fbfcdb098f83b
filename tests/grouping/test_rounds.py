"""Grouping rounds: a facilitator mixes the room, adjusts, publishes; phones and projector follow."""
from __future__ import annotations

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.grouping import service as rounds
from workshop.grouping.service import colour_of
from workshop.models import GroupMember, Participant, Round

from tests.grouping.conftest import MUNIS
from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_participant, gen_session, post_form


def create_round(client, s, strategy="mixed", mode="size", size="4", **extra):
    return post_form(client, f"/f/sessions/{s.id}/rounds",
                     {"strategy": strategy, "size_mode": mode, "size": size, **extra})


def action(client, s, number, name, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}/rounds/{number}").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/rounds/{number}/{name}", data={"csrf_token": token, **data})


def groups_in_db(app, s, number=1):
    with app.app_context():
        r = get_db().scalar(select(Round).where(Round.session_id == s.id, Round.number == number))
        return [sorted(m.participant_id for m in g.members) for g in r.groups]


def municipalities_of(app, group):
    with app.app_context():
        return {get_db().get(Participant, pid).municipality for pid in group}


def phone(app, s, token):
    c = app.test_client()
    c.set_cookie(f"paja_p{s.id}", token)
    return socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=c)


def received(sio, name):
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]


def test_mixed_round_puts_every_municipality_in_every_group(app, client, room):
    s, _tokens = room
    response = create_round(client, s)
    assert response.headers["Location"].endswith(f"/f/sessions/{s.id}/rounds/1")
    groups = groups_in_db(app, s)
    assert sorted(len(g) for g in groups) == [4, 4, 4, 4]
    assert all(municipalities_of(app, g) == set(MUNIS) for g in groups)
    page = client.get(f"/f/sessions/{s.id}/rounds/1").get_data(as_text=True)
    assert "Henkilö0" in page and 'class="score"' in page


def test_draft_is_private_until_published(app, client, room):
    s, tokens = room
    pid, token = next(iter(tokens.items()))
    sio = phone(app, s, token)
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    sio.get_received(), screen.get_received()
    create_round(client, s)
    assert received(sio, "group") == [] and received(screen, "groups") == []
    action(client, s, 1, "publish")
    mine = received(sio, "group")
    assert len(mine) == 1 and mine[0]["round"] == 1
    own_group = next(i for i, g in enumerate(groups_in_db(app, s), start=1) if pid in g)
    assert mine[0]["number"] == own_group and mine[0]["colour"]
    shown = received(screen, "groups")[-1]
    assert len(shown["groups"]) == 4 and sum(len(g["members"]) for g in shown["groups"]) == 16
    page = app.test_client()
    page.set_cookie(f"paja_p{s.id}", token)
    html = page.get(f"/{s.join_code}").get_data(as_text=True)
    card = html.split('id="my-group"')[1].split(">")[0]
    assert "hidden" not in card  # shown without JavaScript too
    with app.test_request_context():
        from flask_babel import force_locale, gettext
        with force_locale("fi"):
            assert gettext("You are in group %(n)s", n=own_group) in html


def test_second_round_repeats_no_pair(app, client, monkeypatch):
    """4 municipalities × 4 people in groups of 4: a second round with nobody meeting again exists."""
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id, municipalities=MUNIS)
    for muni in MUNIS * 4:
        gen_participant(app, s, municipality=muni)
    AuthActions(client).login()
    seeds = iter([11, 12])
    monkeypatch.setattr(rounds.secrets, "randbelow", lambda _n: next(seeds))
    create_round(client, s)
    action(client, s, 1, "publish")
    create_round(client, s)
    first, second = groups_in_db(app, s, 1), groups_in_db(app, s, 2)
    assert all(municipalities_of(app, g) == set(MUNIS) for g in first + second)
    met = {frozenset((a, b)) for g in first for a in g for b in g if a != b}
    assert not any(frozenset((a, b)) in met for g in second for a in g for b in g if a != b)


def test_reroll_changes_the_seed_and_keeps_the_rules(app, client, room):
    s, _tokens = room
    create_round(client, s)
    with app.app_context():
        seed = get_db().scalar(select(Round.seed))
    action(client, s, 1, "reroll")
    with app.app_context():
        assert get_db().scalar(select(Round.seed)) != seed
    assert all(municipalities_of(app, g) == set(MUNIS) for g in groups_in_db(app, s))


def test_move_after_publish_reaches_the_phone(app, client, room):
    s, tokens = room
    create_round(client, s)
    action(client, s, 1, "publish")
    groups = groups_in_db(app, s)
    pid = groups[0][0]
    sio = phone(app, s, tokens[pid])
    sio.get_received()
    action(client, s, 1, "move", participant=str(pid), to="3")
    assert pid in groups_in_db(app, s)[2]
    assert received(sio, "group")[-1]["number"] == 3


def test_bad_moves_change_nothing(app, client, room):
    s, _tokens = room
    create_round(client, s)
    before = groups_in_db(app, s)
    for data in ({"participant": "abc", "to": "2"}, {"participant": str(before[0][0]), "to": "99"},
                 {"participant": "999999", "to": "1"}, {}):
        response = action(client, s, 1, "move", **data)
        assert response.status_code == 302
        assert groups_in_db(app, s) == before


def test_round_form_refuses_bad_input(app, client, room):
    s, _tokens = room
    for data in ({"strategy": "mixed", "size_mode": "size", "size": "0"},
                 {"strategy": "party", "size_mode": "size", "size": "4"},
                 {"strategy": "mixed", "size_mode": "diagonal", "size": "4"},
                 {"strategy": "mixed", "size_mode": "size", "size": "-3"},
                 {"strategy": "mixed", "size_mode": "size", "size": "x" * 5000}):
        response = post_form(client, f"/f/sessions/{s.id}/rounds", data)
        assert response.status_code == 400, data
    with app.app_context():
        assert get_db().scalar(select(func.count(Round.id))) == 0


def test_late_arrival_is_placed_without_moving_anyone(app, client, room):
    s, _tokens = room
    create_round(client, s, size="5")  # 16 people → 3 groups of 6/5/5
    action(client, s, 1, "publish")
    before = groups_in_db(app, s)
    fac_sio = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    fac_sio.get_received()
    newcomer = app.test_client()
    response = post_form(newcomer, f"/{s.join_code}", {"municipality": "742", "background": "business",
                                                      "first_name": "Myöhäinen"})
    assert response.status_code == 302
    after = groups_in_db(app, s)
    with app.app_context():
        new_id = get_db().scalar(select(func.max(Participant.id)))
        assert get_db().scalar(select(GroupMember.late).where(GroupMember.participant_id == new_id))
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(changed) == 1 and sorted(before[changed[0]] + [new_id]) == after[changed[0]]
    assert len(before[changed[0]]) == min(len(g) for g in before)  # went to a smallest group
    late = received(fac_sio, "late_arrival")
    assert late and late[-1]["name"] == "Myöhäinen" and late[-1]["group"] == changed[0] + 1
    assert "Myöhäinen" not in str(received(fac_sio, "lobby"))  # names only where names are shown
    page = newcomer.get(f"/{s.join_code}").get_data(as_text=True)
    assert f'class="group-big colour-{colour_of(changed[0] + 1)[0]}"' in page
    assert 'id="my-group"' in page and "hidden" not in page.split('id="my-group"')[1].split(">")[0]


def test_absent_people_are_left_out_and_rebalance_evens_sizes(app, client, room):
    s, _tokens = room
    create_round(client, s)
    action(client, s, 1, "publish")
    groups = groups_in_db(app, s)
    token = csrf_token(client.get(f"/f/sessions/{s.id}/rounds").get_data(as_text=True))
    for pid in groups[0][:3]:  # three people of group 1 leave early
        client.post(f"/f/sessions/{s.id}/participants/{pid}/absent", data={"csrf_token": token, "absent": "1"})
    assert groups_in_db(app, s) == groups  # nothing moves until asked
    action(client, s, 1, "rebalance")
    sizes = sorted(len(g) for g in groups_in_db(app, s))
    assert sum(sizes) == 13 and sizes[-1] - sizes[0] <= 1
    create_round(client, s)
    assert sum(len(g) for g in groups_in_db(app, s, 2)) == 13


def test_home_groups_follow_municipalities(app, client, room):
    s, _tokens = room
    create_round(client, s, strategy="home", size="4")
    for g in groups_in_db(app, s):
        assert len(municipalities_of(app, g)) == 1


def test_table_label_shows_on_phone_and_projector(app, client, room):
    s, tokens = room
    create_round(client, s)
    action(client, s, 1, "publish")
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    screen.get_received()
    action(client, s, 1, "table", group="2", label="Ikkunan vieressä")
    assert received(screen, "groups")[-1]["groups"][1]["table"] == "Ikkunan vieressä"
    action(client, s, 1, "table", group="2", label="x" * 61)
    with app.app_context():
        assert get_db().scalar(select(Round)).groups[1].table_label == "Ikkunan vieressä"


def test_rounds_belong_to_their_facilitator(app, client, room):
    s, _tokens = room
    create_round(client, s)
    AuthActions(client).logout()
    gen_facilitator(app, email="toinen@example.fi")
    AuthActions(client).login(email="toinen@example.fi")
    assert client.get(f"/f/sessions/{s.id}/rounds").status_code == 404
    assert client.get(f"/f/sessions/{s.id}/rounds/1").status_code == 404
    token = csrf_token(client.get("/f/").get_data(as_text=True))
    assert client.post(f"/f/sessions/{s.id}/rounds/1/publish", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert get_db().scalar(select(Round)).published_at is None
