"""`make demo`: a finished sample evening and an empty workshop for the one demo facilitator, again and again."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.demo import DEMO_EMAIL, SAMPLE_TITLE
from workshop.models import (
    Facilitator,
    FeedbackAnswer,
    Group,
    Note,
    Participant,
    PlanItem,
    Poll,
    PollAnswer,
    Registration,
    Round,
    Session,
)
from workshop.qa import service as qa


def _demo(runner, **env) -> str:
    result = runner.invoke(args=["paja", "demo"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_is_a_finished_evening_and_an_empty_workshop_and_running_it_twice_duplicates_nothing(app, runner, client, auth):
    first = _demo(runner, PAJA_HOST="127.0.0.1", PAJA_PORT="5123")  # no base URL: this computer's address
    assert "http://127.0.0.1:5123/login" in first
    app.config["PAJA_BASE_URL"] = "https://paja.example.fi"
    out = _demo(runner)
    with app.app_context():
        db = get_db()
        assert db.scalar(select(func.count(Facilitator.id))) == 1
        fac = db.scalar(select(Facilitator).where(Facilitator.email == DEMO_EMAIL))
        mine = db.scalars(select(Session).where(Session.facilitator_id == fac.id)).all()
        assert len(mine) == 2
        sample = next(s for s in mine if s.title == SAMPLE_TITLE)
        live = next(s for s in mine if s.title != SAMPLE_TITLE)

        # The finished evening: people from five municipalities, a mixed round and the home round.
        assert not sample.is_open
        people = db.scalars(select(Participant).where(Participant.session_id == sample.id)).all()
        assert len(people) == 20 and len({p.municipality for p in people}) == 5
        round_list = db.scalars(select(Round).where(Round.session_id == sample.id).order_by(Round.number)).all()
        assert [r.strategy for r in round_list] == ["mixed", "home"]
        assert all(r.published_at for r in round_list)
        for r in round_list:
            groups = db.scalars(select(Group).where(Group.round_id == r.id)).all()
            for g in groups:  # notes written, votes closed, every top 3 decided (ties picked)
                ranks = sorted(db.scalars(select(Note.top_rank).where(Note.group_id == g.id,
                                                                      Note.top_rank.is_not(None))))
                assert g.voting == "closed" and ranks == [1, 2, 3], (r.strategy, g.number, ranks)
        kinds = sorted(p.kind for p in db.scalars(select(Poll).where(Poll.session_id == sample.id)))
        assert kinds == ["choice", "words"]
        assert db.scalar(select(func.count(PollAnswer.id)).join(Poll).where(Poll.session_id == sample.id)) > 20
        board = qa.board(db, sample)  # questions to the panel, upvoted, one answered, the results revealed
        assert len(board) == 4 and all(v.shown for v in board) and sum(v.votes for v in board) > 10
        assert sum(v.answered for v in board) == 1 and qa.results_visible(sample)
        plan_towns = set(db.scalars(select(PlanItem.municipality).where(PlanItem.session_id == sample.id)))
        assert len(plan_towns) == 5
        assert db.scalar(select(func.count(FeedbackAnswer.id)).where(FeedbackAnswer.session_id == sample.id)) >= 5
        assert db.scalar(select(func.count(Registration.id)).where(Registration.session_id == sample.id)) >= 10

        # The live one: open, nobody in it yet.
        assert live.is_open and live.phase == "lobby"
        assert db.scalar(select(func.count(Participant.id)).where(Participant.session_id == live.id)) == 0
        code, live_id, screen = live.join_code, live.id, live.screen_token

    # Full addresses on the configured base URL, and the join code.
    assert f"Join code:     {code}" in out
    assert "https://paja.example.fi/login" in out
    assert f"https://paja.example.fi/f/sessions/{live_id}" in out
    assert f"https://paja.example.fi/screen/{screen}" in out
    results = re.search(r"Results page: https://paja.example.fi(/\S+)", out).group(1)
    page = client.get(results).get_data(as_text=True)
    assert "Yhteinen vapaaehtoisrekisteri" in page or "vapaaehtois" in page

    # The printed login works and lands on both workshops.
    email, password = re.search(r"Login:\s+(\S+) / (\S+)", out).groups()
    auth.login(email, password)
    assert client.get(f"/f/sessions/{live_id}").status_code == 200
