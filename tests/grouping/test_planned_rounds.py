"""Planned mixed rounds: the facilitator plans the evening's mixed rounds together (no JavaScript
needed), publishes one at a time; late arrivals and absences re-plan only the rounds ahead."""
from __future__ import annotations

import functools
import operator

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.grouping import service as rounds
from workshop.grouping.models import RoundPlan
from workshop.models import Participant, Round, Session

from tests.grouping.conftest import MUNIS
from tests.grouping.test_rounds import groups_in_db, municipalities_of, phone, received
from tests.helpers import csrf_token, gen_participant


def post(client, s, path, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}/rounds").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/rounds{path}", data={"csrf_token": token, **data})


def plan_in_db(app, s) -> RoundPlan | None:
    with app.app_context():
        plan = get_db().get(RoundPlan, s.id)
        if plan is not None:
            get_db().expunge(plan)
        return plan


def pairs(groups):
    return {frozenset((a, b)) for g in groups for a in g for b in g if a < b}


def text(app, message, **kwargs):
    with app.test_request_context(), force_locale("fi"):
        return message(**kwargs)


def test_default_number_of_rounds_comes_from_the_agenda(app, client, room):
    s, _tokens = room
    page = client.get(f"/f/sessions/{s.id}/rounds").get_data(as_text=True)
    # gen_session's agenda has "Ryhmätyö 90 min": one mixed round per 30 minutes of group work.
    assert 'name="rounds"' in page and 'value="3"' in page.split('name="rounds"')[1].split(">")[0] + \
        page.split('name="rounds"')[0].rsplit("<input", 1)[1]
    with app.app_context():
        session = get_db().get(Session, s.id)
        assert rounds.default_planned_rounds(session) == 3
        session.agenda = []
        assert rounds.default_planned_rounds(session) == rounds.DEFAULT_PLANNED_ROUNDS


def test_facilitator_plans_three_rounds_without_javascript(app, client, room):
    s, tokens = room
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    sio = phone(app, s, next(iter(tokens.values())))
    fac.get_received(), sio.get_received()
    response = post(client, s, "/plan", rounds="3", plan_size_mode="size", plan_size="4")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/f/sessions/{s.id}/rounds#plan")
    plan = plan_in_db(app, s)
    assert plan.total == 3 and plan.published == 0 and len(plan.rounds) == 3
    assert plan.repeats == [0, 0, 0] and plan.bound == 0  # 4 × 4, one of each: three orthogonal Latin squares
    # The facilitator's pages hear of the plan; phones see nothing until a round is published.
    assert received(fac, "round_plan")[-1]["plan"] == {"total": 3, "published": 0, "repeats": [0, 0, 0],
                                                       "bound": 0, "perfect": True}
    assert received(sio, "group") == [] and received(sio, "round_plan") == []
    page = client.get(f"/f/sessions/{s.id}/rounds").get_data(as_text=True)
    assert text(app, ngettext, singular="%(num)s round planned: nobody meets anyone twice.",
                plural="%(num)s rounds planned: nobody meets anyone twice.", num=3) in page

    published = []
    for number in (1, 2, 3):
        response = post(client, s, "/plan/next")
        assert response.headers["Location"].endswith(f"/f/sessions/{s.id}/rounds/{number}")
        groups = groups_in_db(app, s, number)
        assert all(municipalities_of(app, g) == set(MUNIS) for g in groups)
        assert not pairs(groups) & set().union(set(), *map(pairs, published))  # nobody meets twice
        published.append(groups)
        assert received(sio, "group")[-1]["round"] == number
    assert plan_in_db(app, s).published == 3
    response = post(client, s, "/plan/next")  # nothing left to publish
    assert response.status_code == 302
    with app.app_context():
        assert get_db().scalar(select(func.count(Round.id))) == 3


def test_plan_form_refuses_bad_input(app, client, room):
    s, _tokens = room
    for data in ({"rounds": "0", "plan_size_mode": "size", "plan_size": "4"},
                 {"rounds": "13", "plan_size_mode": "size", "plan_size": "4"},
                 {"rounds": "x" * 5000, "plan_size_mode": "size", "plan_size": "4"},
                 {"rounds": "3", "plan_size_mode": "diagonal", "plan_size": "4"},
                 {"rounds": "3", "plan_size_mode": "count", "plan_size": "61"}):
        assert post(client, s, "/plan", **data).status_code == 400, data
    assert plan_in_db(app, s) is None
    assert post(client, s, "/plan/elsewhere").status_code == 404
    post(client, s, "/plan/next")  # no plan: refused with a message, nothing created
    with app.app_context():
        assert get_db().scalar(select(func.count(Round.id))) == 0


def test_late_arrival_re_plans_only_the_rounds_ahead(app, client, room):
    s, _tokens = room
    post(client, s, "/plan", rounds="3", plan_size_mode="size", plan_size="4")
    post(client, s, "/plan/next")
    first = groups_in_db(app, s, 1)
    before = plan_in_db(app, s)
    newcomer, _token = gen_participant(app, s, municipality="742", background="business", first_name="Myöhäinen")
    with app.app_context():
        db = get_db()
        rounds.place_late_arrival(db, db.get(Session, s.id), db.get(Participant, newcomer.id))
    after_first = groups_in_db(app, s, 1)
    # Nobody in the published round moved; the newcomer joined one group of it.
    assert [sorted(set(g) - {newcomer.id}) for g in after_first] == first
    assert sum(newcomer.id in g for g in after_first) == 1
    plan = plan_in_db(app, s)
    assert plan.published == 1 and len(plan.rounds) == 2 and plan.rounds != before.rounds
    assert all(sorted(i for g in r for i in g) == sorted([*functools.reduce(operator.iadd, first, []), newcomer.id]) for r in plan.rounds)
    # The planned repeats count the published round (with the newcomer) as history.
    assert plan.repeats[0] == len(pairs(plan.rounds[0]) & pairs(after_first))
    assert sum(plan.repeats) >= plan.bound
    post(client, s, "/plan/next")
    assert groups_in_db(app, s, 1) == after_first
    assert groups_in_db(app, s, 2) == [sorted(g) for g in plan.rounds[0]]


def test_absence_re_plans_without_the_absent_person(app, client, room):
    s, _tokens = room
    post(client, s, "/plan", rounds="2", plan_size_mode="count", plan_size="4")
    post(client, s, "/plan/next")
    first = groups_in_db(app, s, 1)
    leaving = first[0][0]
    token = csrf_token(client.get(f"/f/sessions/{s.id}/rounds").get_data(as_text=True))
    client.post(f"/f/sessions/{s.id}/participants/{leaving}/absent", data={"csrf_token": token, "absent": "1"})
    assert groups_in_db(app, s, 1) == first  # published groups stay
    plan = plan_in_db(app, s)
    assert leaving not in {i for g in plan.rounds[0] for i in g}
    assert sum(len(g) for g in plan.rounds[0]) == 15


def test_clearing_the_plan_keeps_published_rounds(app, client, room):
    s, _tokens = room
    post(client, s, "/plan", rounds="2", plan_size_mode="size", plan_size="4")
    post(client, s, "/plan/next")
    post(client, s, "/plan/clear")
    assert plan_in_db(app, s) is None
    assert len(groups_in_db(app, s, 1)) == 4


def test_home_round_page_shows_municipalities_sizes_and_backgrounds(app, client, room):
    s, _tokens = room
    token = csrf_token(client.get(f"/f/sessions/{s.id}/rounds").get_data(as_text=True))
    client.post(f"/f/sessions/{s.id}/rounds", data={"csrf_token": token, "strategy": "home", "size_mode": "size",
                                                    "size": "2"})
    page = client.get(f"/f/sessions/{s.id}/rounds/1").get_data(as_text=True)
    assert 'class="home-groups"' in page and 'class="score"' not in page
    assert text(app, gettext, string="Home groups") in page
    with app.app_context():
        rows, balanced = rounds.home_overview(get_db().scalar(select(Round)))
    assert len(rows) == 8 and all(row.size == 2 for row in rows)
    assert all(len(row.backgrounds) == 2 for row in rows)  # each municipality's 4 backgrounds split 2 + 2
    assert set(balanced) == set(MUNIS) and all(balanced.values())
