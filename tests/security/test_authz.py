"""Authorisation matrix (issue 7, item 4): who may do what, as tables.

Actors: anonymous, the projector (holds the screen link only), a participant of another session
(whose cookie is also copied under this session's cookie name), a participant of another group
(p5: group 2, municipality 583), the participant (p1: group 1, municipality 320), the facilitator of
another session, and the facilitator. Each actor requests every page, download and form of session A,
and opens a Socket.IO connection and sends every event; each cell has an expected outcome:

  OK         allowed (a page, a download, an accepted form, an acknowledged event)
  LOGIN      redirected to the login page
  NOT_FOUND  404 (another facilitator's workshop looks like no workshop at all)
  JOIN_FORM  the phone page shows the join form, not the participant view
  TO_JOIN    a phone form redirects to the join page and changes nothing
  REFUSED    a clear, translated error (flash or 4xx page) and nothing changed
  CONNECTED / NO_CONNECTION   the Socket.IO connect handler admits or refuses the actor
  ERROR      the event is answered {"ok": false, "error": <Finnish message>} and nothing changed

`test_every_route_has_a_row` and `test_every_event_has_a_row` read the live ``app.url_map`` and the
Socket.IO handler registry: a new route or event fails until it gets a row here.

`test_scripted_evening_leaks_nothing` records every Socket.IO event each phone receives through a
whole evening and checks that no phone ever gets a hidden note, another group's draft, anything of
another session, another participant's name, or anyone else's poll answers.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from workshop.core.time import utcnow
from workshop.db import get_db
from workshop.exports import report as exports_report
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds_domain
from workshop.grouping.service import RoundSettings
from workshop.models import Participant, Session
from workshop.polls import service as polls_domain
from workshop.qa import service as qa_domain
from workshop.results.models import ResultsSettings
from workshop.reuse import service as reuse_domain
from workshop.sessions import service as sessions_domain
from workshop.team.models import TeamInvite
from workshop.themes.models import CommonTheme

from tests import worlds
from tests.worlds import World

ANON, SCREEN, OTHER_SESSION, OTHER_GROUP, PARTICIPANT, OTHER_FAC, FAC = (
    "anonymous", "screen", "participant_other_session", "participant_other_group", "participant",
    "facilitator_other", "facilitator")
ACTORS = (ANON, SCREEN, OTHER_SESSION, OTHER_GROUP, PARTICIPANT, OTHER_FAC, FAC)
# Session A's facilitator team (HTTP rows; their sockets are the facilitator's): a co-facilitator, an
# assistant and an observer. Their cells follow from the row unless it names them (see team_cells).
TEAM_FAC, ASSISTANT, OBSERVER = "team_facilitator", "team_assistant", "team_observer"
TEAM_ACTORS = (TEAM_FAC, ASSISTANT, OBSERVER)
TEAM_KEY = {TEAM_FAC: "co", ASSISTANT: "assistant", OBSERVER: "observer"}
PHONE_LABEL = {PARTICIPANT: "p1", OTHER_GROUP: "p5"}

OK, LOGIN, NOT_FOUND, JOIN_FORM, TO_JOIN, REFUSED = "OK", "LOGIN", "NOT_FOUND", "JOIN_FORM", "TO_JOIN", "REFUSED"
CONNECTED, NO_CONNECTION, ERROR = "CONNECTED", "NO_CONNECTION", "ERROR"


def table(**cells) -> dict:
    by_name = {"anon": ANON, "screen": SCREEN, "other_session": OTHER_SESSION, "other_group": OTHER_GROUP,
               "participant": PARTICIPANT, "other_fac": OTHER_FAC, "fac": FAC}
    return {by_name[k]: v for k, v in cells.items()}


def everyone(outcome: str) -> dict:
    return dict.fromkeys(ACTORS, outcome)


FAC_ONLY = table(anon=LOGIN, screen=LOGIN, other_session=LOGIN, other_group=LOGIN, participant=LOGIN,
                 other_fac=NOT_FOUND, fac=OK)
ANY_FAC = table(anon=LOGIN, screen=LOGIN, other_session=LOGIN, other_group=LOGIN, participant=LOGIN,
                other_fac=OK, fac=OK)
PHONE_PAGE = table(anon=JOIN_FORM, screen=JOIN_FORM, other_session=JOIN_FORM, other_group=OK, participant=OK,
                   other_fac=JOIN_FORM, fac=JOIN_FORM)


def phone_post(other_group: str) -> dict:
    return table(anon=TO_JOIN, screen=TO_JOIN, other_session=TO_JOIN, other_group=other_group, participant=OK,
                 other_fac=TO_JOIN, fac=TO_JOIN)


# --- world states some rows need ------------------------------------------------------------------

def _current_round(db, s):
    return rounds_domain.current_round(db, s)


def open_voting(db, s, w):
    flipchart.open_voting(db, s, _current_round(db, s))


# Maija, without a phone, in group 1 with p1: p1's phone may write and vote for her, p5's (group 2) not.
MAIJA: dict[str, str] = {}


def maija_in_group_1(db, s, w):
    from workshop.flipchart.events import author_tag
    from workshop.sessions import service as sessions_domain
    from workshop.sessions.service import JoinData
    maija, _token = sessions_domain.join(db, s, JoinData("320", "elected", first_name="Maija",
                                                         names_consented=True, without_phone=True))
    rounds_domain.place_late_arrival(db, s, maija)
    group = rounds_domain.move_member(db, s, _current_round(db, s), maija.id, 1)
    MAIJA["tag"] = author_tag(group.id, maija.id)


def maija_tag() -> str:
    """Maija's tag once a row's setup made her (a tag of nobody before, as for a closed workshop's rows)."""
    return MAIJA.get("tag", "0" * 16)


def maija_voting(db, s, w):
    maija_in_group_1(db, s, w)
    open_voting(db, s, w)


def tie(db, s, w):
    """Group 1 closed with four notes of one vote each: the facilitator must pick."""
    p1, p2, p3 = (db.get(Participant, w.pid(x)) for x in ("p1", "p2", "p3"))
    extra = [flipchart.add_note(db, s, p3, f"client-tie-{i:04d}", f"Tasapeli {i}")[0].id for i in range(2)]
    flipchart.open_voting(db, s, _current_round(db, s), [1])
    for person, ids in ((p1, [w.notes["own"], w.notes["mate"]]), (p2, extra)):
        for note_id in ids:
            flipchart.cast_vote(db, s, person, note_id, True)
    flipchart.close_voting(db, s, _current_round(db, s), [1])


def draft_round(db, s, w):
    rounds_domain.create_round(db, s, RoundSettings("mixed", group_size=3))


def planned_rounds(db, s, w):
    rounds_domain.plan_rounds(db, s, rounds_domain.PlanSettings(2, group_size=3))


def saved_template(db, s, w):
    """Template 1, saved by session A's facilitator."""
    reuse_domain.save_template(db, s, w.fac_a, "Itä-Lapin pohja")


def common_theme(db, s, w):
    """Theme 1 of session A, gathering two of its notes."""
    db.add(CommonTheme(session_id=s.id, position=0, label="Teema", note_ids=[w.notes["own"], w.notes["mate"]],
                       related=[]))
    db.commit()


INVITE_TOKEN = "known-invite-token-for-tests"


def team_invite(db, s, w, status: str = "pending"):
    """Invitation 1 of session A, for an address without an account, by the link INVITE_TOKEN."""
    now = utcnow()
    db.add(TeamInvite(session_id=s.id, email="uusi@example.fi", role="observer", status=status,
                      token_hash=hashlib.sha256(INVITE_TOKEN.encode()).hexdigest(), invited_by_id=w.fac_a,
                      created_at=now, expires_at=now + timedelta(days=7)))
    db.commit()


def used_invite(db, s, w):
    team_invite(db, s, w, "accepted")


def qa_open(db, s, w):
    """Session A in its questions step: question 1 by p3, question 2 by p4; question 3 in session B."""
    sessions_domain.set_phase(db, s, "qa")
    for pid in (w.pid("p3"), w.pid("p4")):
        qa_domain.ask(db, s, db.get(Participant, pid), f"Kysymys {pid}")
    b = db.get(Session, w.sid_b)
    sessions_domain.set_phase(db, b, "qa")
    qa_domain.ask(db, b, db.get(Participant, w.people_b["q1"][0]), "B-QA-SECRET?")


def shared_results(db, s, w):
    s.results_settings = ResultsSettings(token="known-results-token-for-tests")
    db.commit()


# --- HTTP rows ------------------------------------------------------------------------------------

@dataclass
class Row:
    name: str
    endpoint: str
    url: Callable[[World], str]
    expect: dict
    method: str = "GET"
    form: Callable[[World], dict] = field(default=lambda w: {})
    setup: Callable | None = None


def f(path: str) -> Callable[[World], str]:
    """A facilitator URL of session A: {sid}, {note}, {p3}, … filled from the world."""
    def url(w: World) -> str:
        a, b = w.outreach["a"], w.outreach["b"]
        return path.format(sid=w.sid_a, series=w.series, own=w.notes["own"], p3=w.pid("p3"), words=w.polls["words"], code=w.code_a,
                           screen=w.screen_a, reg_token=a["reg_token"], reg_secret=a["reg_secret"], reg=a["reg_id"],
                           reg_b=b["reg_id"], feedback_token=a["feedback_token"], campaign_token=a["campaign_token"])
    return url


ROWS = [
    # --- public pages ---
    Row("front page", "phone.index", f("/"), everyone(OK)),
    Row("enter code", "phone.index", f("/"), everyone(TO_JOIN), "POST", lambda w: {"code": w.code_a}),
    Row("health", "main.healthz", f("/healthz"), everyone(OK)),
    Row("accessibility statement", "main.accessibility", f("/accessibility"), everyone(OK)),
    Row("privacy notice", "main.privacy", f("/privacy"), everyone(OK)),
    Row("login page", "auth.login", f("/login"), everyone(OK)),
    Row("log in", "auth.login", f("/login"), everyone(OK), "POST",
        lambda w: {"email": "fa@example.fi", "password": worlds.PASSWORD}),
    Row("log out", "auth.logout", f("/logout"), everyone(LOGIN), "POST"),
    Row("set-up page once a facilitator exists", "auth.setup", f("/setup"), everyone(LOGIN)),
    Row("set-up form once a facilitator exists", "auth.setup", f("/setup"), everyone(LOGIN), "POST",
        lambda w: {"name": "Tunkeilija", "email": "x@example.fi", "password": "0123456789",
                   "password2": "0123456789"}),
    Row("language", "main.set_language", f("/lang"), everyone(OK), "POST", lambda w: {"lang": "sv", "next": "/"}),
    Row("stylesheet", "static", f("/static/css/paja.css"), everyone(OK)),
    # --- the projector: the secret link is the credential ---
    Row("projector", "screen.screen", f("/screen/{screen}"), everyone(OK)),
    Row("projector QR", "screen.qr", f("/screen/{screen}/qr.svg"), everyone(OK)),
    Row("projector, guessed link", "screen.screen", f("/screen/guessed-token"), everyone(NOT_FOUND)),
    Row("projector of another session's link", "screen.screen", lambda w: f"/screen/{w.screen_b}x",
        everyone(NOT_FOUND)),
    Row("results page", "results.results_page", f("/results/known-results-token-for-tests"), everyone(OK),
        setup=shared_results),
    Row("results page, not shared", "results.results_page", f("/results/known-results-token-for-tests"),
        everyone(NOT_FOUND)),
    # --- phones ---
    Row("phone page", "phone.join", f("/{code}"), PHONE_PAGE),
    Row("join", "phone.join", f("/{code}"), everyone(OK), "POST",
        lambda w: {"municipality": "320", "background": "ngo", "first_name": "Uusi"}),
    Row("add a note", "phone_notes.add_note", f("/{code}/notes"), phone_post(OK), "POST",
        lambda w: {"client_id": "matrix-note-0001", "text": "Matriisin muistiinpano"}),
    Row("add a note for Maija (no phone, group 1)", "phone_notes.add_note", f("/{code}/notes"), phone_post(REFUSED),
        "POST", lambda w: {"client_id": "matrix-maija-001", "text": "Maijan ajatus", "member": maija_tag()},
        setup=maija_in_group_1),
    Row("vote for Maija (no phone, group 1)", "phone_notes.change_note", f("/{code}/notes/{own}/vote"),
        phone_post(REFUSED), "POST", lambda w: {"on": "1", "member": maija_tag()}, setup=maija_voting),
    Row("edit p1's note", "phone_notes.change_note", f("/{code}/notes/{own}/edit"), phone_post(REFUSED), "POST",
        lambda w: {"text": "Muutettu"}),
    Row("delete p1's note", "phone_notes.change_note", f("/{code}/notes/{own}/delete"), phone_post(REFUSED), "POST"),
    Row("vote p1's note", "phone_notes.change_note", f("/{code}/notes/{own}/vote"), phone_post(REFUSED), "POST",
        lambda w: {"on": "1"}, setup=open_voting),
    Row("add to own municipality's plan", "phone_plan.plan_save", f("/{code}/plan"), phone_post(OK), "POST",
        lambda w: {"what": "Uusi toimenpide", "status": "not_started"}),
    Row("edit municipality 320's plan", "phone_plan.plan_save", f("/{code}/plan"), phone_post(REFUSED), "POST",
        lambda w: {"id": str(w.items["a_320"]), "what": "Muutettu toimenpide", "status": "in_progress"}),
    Row("follow up 320's earlier action", "phone_plan.plan_followup", f("/{code}/plan/followup"), phone_post(REFUSED),
        "POST", lambda w: {"id": str(w.items["a0_320"]), "status": "done", "comment": "Valmis"}),
    Row("answer the poll", "polls.answer", f("/{code}/poll"), phone_post(OK), "POST",
        lambda w: {"poll": str(w.polls["choice"]), "choice": "0"}),
    Row("ask the panel", "qa.ask", f("/{code}/qa"), phone_post(OK), "POST",
        lambda w: {"text": "Matriisin kysymys?"}, setup=qa_open),
    Row("ask outside the questions' phases", "qa.ask", f("/{code}/qa"), {**phone_post(REFUSED), PARTICIPANT: REFUSED},
        "POST",
        lambda w: {"text": "Matriisin kysymys?"}),
    Row("upvote p3's question", "qa.upvote", f("/{code}/qa/1/upvote"), phone_post(OK), "POST", setup=qa_open),
    Row("upvote another session's question", "qa.upvote", f("/{code}/qa/3/upvote"),
        {**phone_post(REFUSED), PARTICIPANT: REFUSED}, "POST", setup=qa_open),
    # --- facilitator: not tied to one session ---
    Row("my workshops", "facilitator.dashboard", f("/f/"), ANY_FAC),
    Row("new workshop page", "facilitator.new_session", f("/f/sessions/new"), ANY_FAC),
    Row("create a workshop", "facilitator.new_session", f("/f/sessions/new"), ANY_FAC, "POST",
        lambda w: {"title": "Uusi paja", "host_municipality": "320", "municipalities": "583",
                   "starts_at": "2027-01-10T17:00", "themes": "", "agenda": ""}),
    Row("series", "plans.series_page", f("/f/series"), ANY_FAC),
    Row("create a series", "plans.series_page", f("/f/series"), ANY_FAC, "POST", lambda w: {"name": "Uusi sarja"}),
    Row("next workshop of a series", "reuse.next_in_series", f("/f/series/{series}/next"), FAC_ONLY, "POST",
        lambda w: {"title": "Kolmas paja"}),
    Row("templates", "reuse.templates", f("/f/templates"), ANY_FAC, setup=saved_template),
    Row("new workshop from a template", "reuse.use_template", f("/f/templates/1/use"), ANY_FAC, "POST",
        lambda w: {"title": "Pohjasta"}, setup=saved_template),
    Row("delete a template", "reuse.delete_template", f("/f/templates/1/delete"),
        {**ANY_FAC, OTHER_FAC: REFUSED}, "POST", setup=saved_template),
    # --- facilitator: session A's pages and downloads ---
    Row("run page", "facilitator.session_page", f("/f/sessions/{sid}"), FAC_ONLY),
    Row("edit page", "facilitator.edit_session", f("/f/sessions/{sid}/edit"), FAC_ONLY),
    Row("questions to the panel", "qa.qa_page", f("/f/sessions/{sid}/qa"), FAC_ONLY, setup=qa_open),
    Row("Q&A settings", "qa.settings", f("/f/sessions/{sid}/qa/settings"), FAC_ONLY, "POST",
        lambda w: {"named": "1", "results": "live"}),
    Row("reveal the Q&A's results", "qa.reveal", f("/f/sessions/{sid}/qa/reveal"), FAC_ONLY, "POST"),
    Row("pin a question", "qa.moderate", f("/f/sessions/{sid}/qa/1/pin"), FAC_ONLY, "POST", setup=qa_open),
    Row("merge a question", "qa.moderate", f("/f/sessions/{sid}/qa/2/merge"), FAC_ONLY, "POST",
        lambda w: {"target": "1"}, setup=qa_open),
    Row("hide another session's question", "qa.moderate", f("/f/sessions/{sid}/qa/3/hide"),
        {**FAC_ONLY, FAC: NOT_FOUND}, "POST", setup=qa_open),
    Row("common themes", "themes.themes_page", f("/f/sessions/{sid}/themes"), FAC_ONLY, setup=common_theme),
    Row("find common themes", "themes.find", f("/f/sessions/{sid}/themes/find"), FAC_ONLY, "POST"),
    Row("rename a theme", "themes.rename", f("/f/sessions/{sid}/themes/1/rename"), FAC_ONLY, "POST",
        lambda w: {"label": "Uusi nimi"}, setup=common_theme),
    Row("merge themes", "themes.merge", f("/f/sessions/{sid}/themes/merge"),
        {**FAC_ONLY, FAC: REFUSED}, "POST", lambda w: {"theme": "1"}, setup=common_theme),
    Row("drop a theme", "themes.drop", f("/f/sessions/{sid}/themes/1/drop"), FAC_ONLY, "POST", setup=common_theme),
    Row("move a theme", "themes.move", f("/f/sessions/{sid}/themes/1/move"), FAC_ONLY, "POST",
        lambda w: {"direction": "down"}, setup=common_theme),
    Row("show common themes", "themes.show", f("/f/sessions/{sid}/themes/show"), FAC_ONLY, "POST",
        lambda w: {"shown": "1"}, setup=common_theme),
    Row("team and history", "team.team_page", f("/f/sessions/{sid}/team"), FAC_ONLY),
    Row("add to the team", "team.team_page", f("/f/sessions/{sid}/team"), FAC_ONLY, "POST",
        lambda w: {"email": "fb@example.fi", "role": "observer"}),
    Row("change a team role", "team.member_action", f("/f/sessions/{sid}/team/1/role"), FAC_ONLY, "POST",
        lambda w: {"role": "observer"}),
    Row("invite to the team by email link", "team.invite", f("/f/sessions/{sid}/team/invites"), FAC_ONLY, "POST",
        lambda w: {"email": "uusi@example.fi", "role": "observer"}),
    Row("withdraw an invitation", "team.revoke_invite", f("/f/sessions/{sid}/team/invites/1/revoke"), FAC_ONLY,
        "POST", setup=team_invite),
    Row("duplicate page", "reuse.duplicate", f("/f/sessions/{sid}/duplicate"), FAC_ONLY),
    Row("duplicate", "reuse.duplicate", f("/f/sessions/{sid}/duplicate"), FAC_ONLY, "POST",
        lambda w: {"title": "Kopio"}),
    Row("save-as-template page", "reuse.save_template", f("/f/sessions/{sid}/template"), FAC_ONLY),
    Row("save as a template", "reuse.save_template", f("/f/sessions/{sid}/template"), FAC_ONLY, "POST",
        lambda w: {"name": "Pohja"}),
    Row("board", "board.board_page", f("/f/sessions/{sid}/board"), FAC_ONLY),
    Row("rounds", "grouping.rounds_page", f("/f/sessions/{sid}/rounds"), FAC_ONLY),
    Row("round 1", "grouping.round_page", f("/f/sessions/{sid}/rounds/1"), FAC_ONLY),
    Row("table cards of round 1", "grouping.table_cards", f("/f/sessions/{sid}/rounds/1/cards"), FAC_ONLY),
    Row("plans", "plans.plans_page", f("/f/sessions/{sid}/plans"), FAC_ONLY),
    Row("polls", "polls.polls_page", f("/f/sessions/{sid}/polls"), FAC_ONLY),
    Row("report", "exports.report", f("/f/sessions/{sid}/report"), FAC_ONLY),
    Row("report of 320", "exports.report", f("/f/sessions/{sid}/report?municipality=320"), FAC_ONLY),
    Row("report PDF", "exports.report_pdf", f("/f/sessions/{sid}/report.pdf"),
        {**FAC_ONLY, FAC: OK if exports_report.pdf_available() else NOT_FOUND}),
    Row("export CSV", "exports.download", f("/f/sessions/{sid}/export.csv"), FAC_ONLY),
    Row("export XLSX", "exports.download", f("/f/sessions/{sid}/export.xlsx"), FAC_ONLY),
    Row("export JSON", "exports.download", f("/f/sessions/{sid}/export.json"), FAC_ONLY),
    Row("export CSV of 320", "exports.download", f("/f/sessions/{sid}/export.csv?municipality=320"), FAC_ONLY),
    Row("close: confirmation page", "facilitator.close", f("/f/sessions/{sid}/close"), FAC_ONLY),
    Row("delete: confirmation page", "runsheet.confirm", f("/f/sessions/{sid}/confirm/delete"), FAC_ONLY),
    Row("remove: confirmation page", "runsheet.confirm", f("/f/sessions/{sid}/confirm/remove?participant={p3}"),
        FAC_ONLY),
    # --- facilitator: session A's forms ---
    Row("edit", "facilitator.edit_session", f("/f/sessions/{sid}/edit"), FAC_ONLY, "POST",
        lambda w: {"title": "Muutettu", "host_municipality": "320", "municipalities": ["583", "732"],
                   "starts_at": "2026-12-01T17:30", "themes": "Teema\n- Kysymys", "agenda": "Info 50 min"}),
    Row("change phase", "facilitator.change_phase", f("/f/sessions/{sid}/phase"), FAC_ONLY, "POST",
        lambda w: {"phase": "info"}),
    Row("close", "facilitator.close", f("/f/sessions/{sid}/close"), FAC_ONLY, "POST"),
    Row("form and publish groups", "runsheet.groups", f("/f/sessions/{sid}/run/groups"), FAC_ONLY, "POST",
        lambda w: {"strategy": "mixed", "size": "3"}),
    Row("lock the room", "facilitator.lock", f("/f/sessions/{sid}/lock"), FAC_ONLY, "POST", lambda w: {"locked": "1"}),
    Row("new projector link", "facilitator.rotate_screen_link", f("/f/sessions/{sid}/screen-link"), FAC_ONLY, "POST"),
    Row("new round", "grouping.rounds_page", f("/f/sessions/{sid}/rounds"), FAC_ONLY, "POST",
        lambda w: {"strategy": "mixed", "size_mode": "size", "size": "3"}),
    Row("table label", "grouping.round_action", f("/f/sessions/{sid}/rounds/1/table"), FAC_ONLY, "POST",
        lambda w: {"group": "1", "label": "Pöytä A"}),
    Row("publish draft", "grouping.round_action", f("/f/sessions/{sid}/rounds/2/publish"), FAC_ONLY, "POST",
        setup=draft_round),
    Row("plan mixed rounds", "grouping.plan_rounds", f("/f/sessions/{sid}/rounds/plan"), FAC_ONLY, "POST",
        lambda w: {"rounds": "2", "plan_size_mode": "size", "plan_size": "3"}),
    Row("publish the next planned round", "grouping.plan_action", f("/f/sessions/{sid}/rounds/plan/next"), FAC_ONLY,
        "POST", setup=planned_rounds),
    Row("add someone without a phone", "grouping.add_without_phone", f("/f/sessions/{sid}/participants/add"),
        FAC_ONLY, "POST", lambda w: {"municipality": "320", "background": "ngo", "first_name": "Aino"}),
    Row("mark absent", "grouping.mark_absent", f("/f/sessions/{sid}/participants/{p3}/absent"), FAC_ONLY, "POST",
        lambda w: {"absent": "1"}),
    Row("hide a note", "board.moderate", f("/f/sessions/{sid}/board/notes/{own}/hide"), FAC_ONLY, "POST"),
    Row("remove a participant", "board.remove_participant", f("/f/sessions/{sid}/board/participants/{p3}/remove"),
        FAC_ONLY, "POST"),
    Row("pick tied notes", "board.pick", f("/f/sessions/{sid}/board/pick"), FAC_ONLY, "POST",
        lambda w: {"group": "1", "note": ["6", "7", str(w.notes["own"])]}, setup=tie),
    Row("assign questions", "board.assign_questions", f("/f/sessions/{sid}/board/questions"), FAC_ONLY, "POST",
        lambda w: {"mode": "per_group"}),
    Row("voting settings", "board.settings", f("/f/sessions/{sid}/board/settings"), FAC_ONLY, "POST",
        lambda w: {"allow_vote_stacking": "1"}),
    Row("open voting", "board.voting_control", f("/f/sessions/{sid}/board/voting"), FAC_ONLY, "POST",
        lambda w: {"action": "open"}),
    # Results hidden until revealed: revealing and the setting are facilitation (not door work): no assistant.
    Row("vote results setting", "board.vote_results", f("/f/sessions/{sid}/board/results"), FAC_ONLY, "POST",
        lambda w: {"vote_results": "live"}),
    Row("reveal the votes", "board.reveal_votes", f("/f/sessions/{sid}/board/reveal"), FAC_ONLY, "POST"),
    Row("present", "board.present", f("/f/sessions/{sid}/present/start"), FAC_ONLY, "POST"),
    Row("add a plan action", "plans.plan_action", f("/f/sessions/{sid}/plans/add"), FAC_ONLY, "POST",
        lambda w: {"municipality": "732", "what": "Fasilitaattorin toimenpide"}),
    Row("create a poll", "polls.polls_page", f("/f/sessions/{sid}/polls"), FAC_ONLY, "POST",
        lambda w: {"kind": "choice", "question": "Uusi kysely?", "options": "Yksi\nKaksi"}),
    Row("open a poll", "polls.poll_action", f("/f/sessions/{sid}/polls/{words}/open"), FAC_ONLY, "POST"),
    Row("reveal a poll's results", "polls.poll_action", f("/f/sessions/{sid}/polls/{words}/reveal"), FAC_ONLY, "POST"),
    Row("poll results setting", "polls.poll_action", f("/f/sessions/{sid}/polls/{words}/results"), FAC_ONLY, "POST",
        lambda w: {"show_results": "live"}),
    Row("share results", "results.results_action", f("/f/sessions/{sid}/results/share"), FAC_ONLY, "POST"),
    Row("start the timer", "timer.timer_action", f("/f/sessions/{sid}/timer/start"), FAC_ONLY, "POST",
        lambda w: {"minutes": "5", "label": "Tauko"}),
    # --- the team's invitation link: the link is the credential; accepting needs a login ---
    Row("invitation page", "team_invite.invite_page", f("/invite/" + INVITE_TOKEN), everyone(OK), setup=team_invite),
    Row("invitation page, guessed link", "team_invite.invite_page", f("/invite/guessed-token"), everyone(NOT_FOUND),
        setup=team_invite),
    Row("invitation page, used link", "team_invite.invite_page", f("/invite/" + INVITE_TOKEN), everyone(REFUSED),
        setup=used_invite),
    Row("accept an invitation", "team_invite.accept", f("/invite/" + INVITE_TOKEN),
        {**table(anon=LOGIN, screen=LOGIN, other_session=LOGIN, other_group=LOGIN, participant=LOGIN, other_fac=OK,
                 fac=REFUSED), **dict.fromkeys(TEAM_ACTORS, REFUSED)}, "POST", setup=team_invite),
    Row("accept a used invitation", "team_invite.accept", f("/invite/" + INVITE_TOKEN),
        table(anon=LOGIN, screen=LOGIN, other_session=LOGIN, other_group=LOGIN, participant=LOGIN,
              other_fac=REFUSED, fac=REFUSED), "POST", setup=used_invite),
    Row("accept a guessed invitation", "team_invite.accept", f("/invite/guessed-token"),
        table(anon=LOGIN, screen=LOGIN, other_session=LOGIN, other_group=LOGIN, participant=LOGIN,
              other_fac=NOT_FOUND, fac=NOT_FOUND), "POST", setup=team_invite),
    Row("join the team with a new account", "team_invite.join", f("/invite/" + INVITE_TOKEN + "/join"),
        {**everyone(OK), OTHER_FAC: REFUSED, FAC: REFUSED}, "POST",
        lambda w: {"name": "Uusi Ohjaaja", "password": worlds.PASSWORD, "password2": worlds.PASSWORD},
        setup=team_invite),
    Row("join by a guessed invitation", "team_invite.join", f("/invite/guessed-token/join"), everyone(NOT_FOUND),
        "POST", lambda w: {"name": "Uusi Ohjaaja", "password": worlds.PASSWORD, "password2": worlds.PASSWORD},
        setup=team_invite),
    # --- before the evening: registration (the public link and the registrant's own link are credentials) ---
    Row("registration page", "registration.register", f("/register/{reg_token}"), everyone(OK)),
    Row("register", "registration.register", f("/register/{reg_token}"), everyone(OK), "POST",
        lambda w: {"name": "Uusi Ilmoittautuja", "email": "uusi@example.fi", "municipality": "320",
                   "background": "ngo", "consent": "y"}),
    Row("registration page, guessed link", "registration.register", f("/register/guessed-token"),
        everyone(NOT_FOUND)),
    Row("own registration", "registration.mine", f("/registration/{reg_secret}"), everyone(OK)),
    Row("own registration, guessed link", "registration.mine", f("/registration/guessed-token"), everyone(NOT_FOUND)),
    Row("cancel own registration", "registration.cancel_mine", f("/registration/{reg_secret}/cancel"), everyone(OK),
        "POST"),
    Row("cancel a registration by a guessed link", "registration.cancel_mine", f("/registration/guessed/cancel"),
        everyone(NOT_FOUND), "POST"),
    # The registrant's own link takes them in on the day (a cookie pre-fills their join form; no rows change).
    Row("join from own registration link", "registration.arrive", f("/registration/{reg_secret}/arrive"),
        everyone(TO_JOIN), "POST"),
    Row("join by a guessed registration link", "registration.arrive", f("/registration/guessed/arrive"),
        everyone(NOT_FOUND), "POST"),
    # At the door a registration code only pre-fills the join form of a browser that opened the workshop.
    Row("find my registration at the door", "registration.door_match", f("/{code}/registered"), everyone(TO_JOIN),
        "POST", lambda w: {"door-lookup": w.outreach["a"]["reg_code"]}),
    Row("registrations", "registration.organiser_page", f("/f/sessions/{sid}/registrations"), FAC_ONLY),
    Row("registration settings", "registration.organiser_page", f("/f/sessions/{sid}/registrations"), FAC_ONLY,
        "POST", lambda w: {"capacity": "50", "closes_at": ""}),
    Row("stop registration", "registration.stop", f("/f/sessions/{sid}/registrations/stop"), FAC_ONLY, "POST"),
    Row("cancel a registration", "registration.organiser_cancel", f("/f/sessions/{sid}/registrations/{reg}/cancel"),
        FAC_ONLY, "POST"),
    Row("cancel another session's registration", "registration.organiser_cancel",
        f("/f/sessions/{sid}/registrations/{reg_b}/cancel"), {**FAC_ONLY, FAC: REFUSED}, "POST"),
    Row("registration QR", "registration.qr", f("/f/sessions/{sid}/registrations/qr.svg"), FAC_ONLY),
    Row("registrations CSV", "exports.registrations", f("/f/sessions/{sid}/registrations.csv"), FAC_ONLY),
    Row("registrations XLSX", "exports.registrations", f("/f/sessions/{sid}/registrations.xlsx"), FAC_ONLY),
    # --- feedback ---
    Row("feedback results", "feedback.organiser_page", f("/f/sessions/{sid}/feedback"), FAC_ONLY),
    Row("feedback questions", "feedback.organiser_page", f("/f/sessions/{sid}/feedback"), FAC_ONLY, "POST",
        lambda w: {"overall_on": "y", "most_useful_on": "y", "extra": "Mitä muuta?"}),
    Row("feedback link on", "feedback.share", f("/f/sessions/{sid}/feedback/link"), FAC_ONLY, "POST",
        lambda w: {"share": "1"}),
    Row("feedback form by link", "feedback.by_link", f("/feedback/{feedback_token}"), everyone(OK)),
    Row("feedback by link", "feedback.by_link", f("/feedback/{feedback_token}"), everyone(OK), "POST",
        lambda w: {"overall": "4", "most_useful": "Ryhmätyö"}),
    Row("feedback form, guessed link", "feedback.by_link", f("/feedback/guessed-token"), everyone(NOT_FOUND)),
    Row("feedback from the phone", "feedback.phone_answer", f("/{code}/feedback"), phone_post(OK), "POST",
        lambda w: {"overall": "5"}),
    # --- campaigns ---
    Row("campaigns", "campaigns.organiser_page", f("/f/sessions/{sid}/campaigns"), FAC_ONLY),
    Row("campaign settings", "campaigns.organiser_page", f("/f/sessions/{sid}/campaigns"), FAC_ONLY, "POST",
        lambda w: {"carpool": "y", "good_deed": "y"}),
    Row("hide a nomination", "campaigns.organiser_action", f("/f/sessions/{sid}/campaigns/hide"), FAC_ONLY, "POST",
        lambda w: {"id": str(w.outreach["a"]["nomination"])}),
    Row("hide another session's nomination", "campaigns.organiser_action", f("/f/sessions/{sid}/campaigns/hide"),
        {**FAC_ONLY, FAC: REFUSED}, "POST", lambda w: {"id": str(w.outreach["b"]["nomination"])}),
    Row("projector panel", "campaigns.screen_panel", f("/f/sessions/{sid}/screen-panel"), FAC_ONLY, "POST",
        lambda w: {"panel": "carpool"}),
    Row("campaign QR", "campaigns.qr", f("/f/sessions/{sid}/campaigns/qr.svg"), FAC_ONLY),
    Row("campaign page", "campaigns.public_page", f("/campaign/{campaign_token}"), everyone(OK)),
    Row("campaign page, guessed link", "campaigns.public_page", f("/campaign/guessed-token"), everyone(NOT_FOUND)),
    Row("report a carpool", "campaigns.report_carpool", f("/campaign/{campaign_token}/carpool"), everyone(OK), "POST",
        lambda w: {"car-name": "Kimppakyyti", "car-passengers": "3", "car-kilometres": "50"}),
    Row("nominate", "campaigns.nominate", f("/campaign/{campaign_token}/nominate"), everyone(OK), "POST",
        lambda w: {"nom-nominee": "Kyläyhdistys", "nom-deed": "Järjesti yhteisen tapahtuman."}),
    Row("vote the good deed", "campaigns.phone_vote", f("/{code}/good-deed"), phone_post(OK), "POST",
        lambda w: {"nomination": str(w.outreach["a"]["nomination"])}),
    Row("vote another session's nomination", "campaigns.phone_vote", f("/{code}/good-deed"),
        {**phone_post(REFUSED), PARTICIPANT: REFUSED}, "POST",
        lambda w: {"nomination": str(w.outreach["b"]["nomination"])}),
]


# --- running a cell -------------------------------------------------------------------------------

def http_client(app, w: World, actor: str):
    if actor == OTHER_SESSION:
        token = w.people_b["q1"][1]
        client = worlds.participant_client(app, w.sid_b, token)
        client.set_cookie(f"paja_p{w.sid_a}", token)  # a copied cookie must not work either
        return client
    if actor in PHONE_LABEL:
        return worlds.participant_client(app, w.sid_a, w.token(PHONE_LABEL[actor]))
    if actor == OTHER_FAC:
        return worlds.facilitator_client(app, w, "b")
    if actor == FAC:
        return worlds.facilitator_client(app, w, "a")
    if actor in TEAM_KEY:
        return worlds.facilitator_client(app, w, TEAM_KEY[actor])
    return worlds.lang_client(app)


def forbidden_strings(w: World, actor: str, row: Row) -> list[str]:
    """What this actor may never see on this row's page."""
    s = w.secrets
    session_b = [s["b_note"], s["b_poll"], s["b_plan"], s["b_title"], s["name_q1"], s["name_q2"],
                 s["registrant_b"], s["nominee_b"]]
    names_a = [v for k, v in s.items() if k.startswith("name_p")] + [s["registrant"]]
    if row.endpoint == "registration.mine":  # the registrant's own page: their own details only
        return session_b + [n for n in names_a if n != s["registrant"]] + [s["hidden"], worlds.TEXTS["own"]]
    if row.endpoint in ("registration.register", "registration.cancel_mine", "campaigns.public_page",
                        "campaigns.report_carpool", "campaigns.nominate", "feedback.by_link",
                        "team_invite.invite_page", "team_invite.accept", "team_invite.join"):
        return session_b + names_a + [s["hidden"], worlds.TEXTS["own"], s["g2"]]
    if row.endpoint.startswith("screen."):  # the projector: visible notes and first names, nothing hidden
        return session_b + [s["hidden"], s["other_words"]]
    if row.endpoint == "results.results_page":  # shareable: top 3s, plans, poll results; no names
        return session_b + names_a + [s["hidden"], s["other_words"]]
    if row.endpoint == "phone.join" and actor not in PHONE_LABEL:  # the join form: the title, no content
        return session_b + names_a + [s["hidden"], s["g2"], worlds.TEXTS["own"], s["other_words"]]
    if actor == PARTICIPANT:  # p1: group 1, municipality 320
        return session_b + [s["hidden"], s["g2"], s["other_words"], s["other_municipality_plan"]] + \
            [n for n in names_a if n != "Aino_a1"]
    if actor == OTHER_GROUP:  # p5: group 2, municipality 583, no first name shown to others
        return session_b + [s["hidden"], worlds.TEXTS["own"], worlds.TEXTS["mate"], s["other_words"]] + \
            [n for n in names_a if n != "Eetu_a5"]
    if actor in (OTHER_FAC, OTHER_SESSION):
        return [s["hidden"], s["g2"], worlds.TEXTS["own"], s["other_words"], "Itä-Lapin paja"] + names_a
    if actor in (ANON, SCREEN):
        return [s["hidden"], s["b_note"], s["b_plan"]]
    return [s["b_note"], s["b_poll"], s["b_plan"], s["name_q1"]]  # facilitator A: nothing of B


def observe(w: World, actor: str, row: Row, response, outcome: worlds.Outcome, changed: list[str]) -> str:
    status = response.status_code
    location = outcome.location.split("?")[0]
    if status == 404:
        return NOT_FOUND
    if status in (301, 302, 303) and location.endswith("/login"):
        return LOGIN
    # The join page itself (back to the board, "#board", is the phone's own page: its flash says more).
    if status in (302, 303) and location.endswith(f"/{w.code_a}") and "#" not in outcome.location and not changed:
        return TO_JOIN
    if outcome.refused:
        return REFUSED
    if row.endpoint == "phone.join" and row.method == "GET" and 'name="background"' in response.get_data(as_text=True):
        return JOIN_FORM
    return OK


def run_cell(app, w: World, row: Row, actor: str) -> tuple[str, list[str]]:
    """Returns the observed outcome and any problems beyond it (changes on refusal, leaks, messages)."""
    client = http_client(app, w, actor)
    problems = []
    before = worlds.snapshot(app)
    if row.method == "GET":
        response = client.get(row.url(w))
    else:
        token = worlds.fetch_csrf(client, "/f/" if actor in (FAC, OTHER_FAC, *TEAM_ACTORS) else "/")
        response = client.post(row.url(w), data={"csrf_token": token, **row.form(w)})
    outcome = worlds.classify(client, response)
    changed = worlds.changed_tables(before, worlds.snapshot(app))
    observed = observe(w, actor, row, response, outcome, changed)
    response.close()
    if observed != OK and changed:
        problems.append(f"{observed}, yet changed {changed}")
    if observed == REFUSED:
        try:
            worlds.check_refusal_messages(outcome, "")
        except AssertionError as exc:
            problems.append(str(exc))
    if response.status_code == 200 and response.mimetype in ("text/html", "application/json", "text/csv"):
        body = response.get_data(as_text=True)
        leaked = [s for s in forbidden_strings(w, actor, row) if s in body]
        if leaked:
            problems.append(f"page shows {leaked}")
    return observed, problems


# What the team may change in session A, written out here from the issue (not read from the app):
# the assistant works the door, moderation and the timer; only the owner deletes the workshop or
# changes its team; an observer changes nothing.
ASSISTANT_CHANGES = {"registration.organiser_page", "registration.organiser_cancel", "registration.stop",
                     "grouping.add_without_phone", "grouping.mark_absent", "board.moderate",
                     "board.remove_participant", "timer.timer_action", "qa.moderate"}
ASSISTANT_POLL_ACTIONS = ("/approve", "/reject", "/remove-word")
OWNER_CHANGES = {"team.team_page", "team.member_action", "team.invite", "team.revoke_invite"}


def team_cells(w: World, row: Row) -> dict:
    """The team's expected outcomes: on session A's pages as the owner for reading; for changes by
    role (403 = REFUSED); elsewhere as any facilitator who is not the owner."""
    url = row.url(w)
    if not url.startswith(f"/f/sessions/{w.sid_a}/") and url != f"/f/sessions/{w.sid_a}":
        return dict.fromkeys(TEAM_ACTORS, row.expect[OTHER_FAC])
    owner = row.expect[FAC]
    if row.method == "GET":
        return dict.fromkeys(TEAM_ACTORS, owner)
    owner_only = row.endpoint in OWNER_CHANGES or url.endswith("/results/delete")
    assistant_may = row.endpoint in ASSISTANT_CHANGES or (
        row.endpoint == "polls.poll_action" and url.endswith(ASSISTANT_POLL_ACTIONS))
    return {TEAM_FAC: REFUSED if owner_only else owner,
            ASSISTANT: owner if assistant_may and not owner_only else REFUSED,
            OBSERVER: REFUSED}


def fresh_app(template, folder, row: Row):
    app = worlds.make_app(template, folder)
    if row.setup:
        with app.app_context():
            db = get_db()
            row.setup(db, db.get(Session, template.world.sid_a), template.world)
    return app


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return worlds.build_template(tmp_path_factory.mktemp("world"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.name}")
def test_http_matrix(template, tmp_path, row: Row):
    """One row: every actor. Denied actors share one app (nothing may change); each allowed one gets its own."""
    w = template.world
    assert set(ACTORS) <= set(row.expect), f"{row.name}: the row must name every actor"
    expect = {**team_cells(w, row), **row.expect}
    shared = fresh_app(template, tmp_path / "shared", row)
    wrong = []
    for actor in ACTORS + TEAM_ACTORS:
        expected = expect[actor]
        # A change gets an app of its own; reading (GET) by the team shares one (nothing may change).
        own = expected == OK and not (actor in TEAM_ACTORS and row.method == "GET")
        app = fresh_app(template, tmp_path / actor, row) if own else shared
        observed, problems = run_cell(app, w, row, actor)
        if observed != expected or problems:
            wrong.append(f"  {actor}: expected {expected}, got {observed} {'; '.join(problems)}")
    assert not wrong, f"{row.method} {row.url(w)} ({row.endpoint}):\n" + "\n".join(wrong)


def test_every_route_has_a_row(template, tmp_path):
    """Every route and method of the live app has at least one row (a new route fails here)."""
    app = worlds.make_app(template, tmp_path)
    covered = {(r.endpoint, r.method) for r in ROWS}
    missing = sorted(f"{m} {rule.rule} ({rule.endpoint})" for rule in app.url_map.iter_rules()
                     for m in rule.methods - {"HEAD", "OPTIONS"} if (rule.endpoint, m) not in covered)
    assert missing == [], "routes without an authorisation row:\n" + "\n".join(missing)
    live = {(rule.endpoint, m) for rule in app.url_map.iter_rules() for m in rule.methods}
    assert covered - live == set(), f"rows for routes that no longer exist: {sorted(covered - live)}"


# --- Socket.IO ------------------------------------------------------------------------------------

def socket_auth(w: World, actor: str) -> dict:
    if actor == SCREEN:
        return {"role": "screen", "token": w.screen_a}
    if actor in (OTHER_FAC, FAC):
        return {"role": "facilitator", "session": w.sid_a}
    return {"role": "participant", "session": w.sid_a}


CONNECT = table(anon=NO_CONNECTION, screen=CONNECTED, other_session=NO_CONNECTION, other_group=CONNECTED,
                participant=CONNECTED, other_fac=NO_CONNECTION, fac=CONNECTED)
REFUSED_CONNECTIONS = {a for a, v in CONNECT.items() if v == NO_CONNECTION}


def event_table(other_group: str, participant: str = OK, staff: str = ERROR) -> dict:
    return {**dict.fromkeys(REFUSED_CONNECTIONS, NO_CONNECTION), SCREEN: staff, FAC: staff,
            OTHER_GROUP: other_group, PARTICIPANT: participant}


@dataclass
class EventRow:
    name: str
    event: str
    payload: Callable[[World], object]
    expect: dict
    setup: Callable | None = None


EVENT_ROWS = [
    EventRow("add a note", "note_add", lambda w: {"client_id": "matrix-live-0001", "text": "Live"}, event_table(OK)),
    EventRow("add a note for Maija (no phone, group 1)", "note_add",
             lambda w: {"client_id": "matrix-maija-live", "text": "Maijan ajatus", "member": maija_tag()},
             event_table(ERROR), setup=maija_in_group_1),
    EventRow("vote for Maija (no phone, group 1)", "vote",
             lambda w: {"note_id": w.notes["own"], "on": True, "member": maija_tag()}, event_table(ERROR),
             setup=maija_voting),
    EventRow("edit p1's note", "note_edit", lambda w: {"id": w.notes["own"], "text": "Muutettu"}, event_table(ERROR)),
    EventRow("edit another session's note", "note_edit", lambda w: {"id": w.notes["b"], "text": "x"},
             event_table(ERROR, ERROR)),
    EventRow("delete p1's note", "note_delete", lambda w: {"id": w.notes["own"]}, event_table(ERROR)),
    EventRow("vote p1's note", "vote", lambda w: {"note_id": w.notes["own"], "on": True}, event_table(ERROR),
             setup=open_voting),
    EventRow("vote another session's note", "vote", lambda w: {"note_id": w.notes["b"], "on": True},
             event_table(ERROR, ERROR), setup=open_voting),
    EventRow("edit 320's plan", "plan_save", lambda w: {"id": w.items["a_320"], "what": "Muutettu"},
             event_table(ERROR)),
    EventRow("edit another session's plan", "plan_save", lambda w: {"id": w.items["b_320"], "what": "Muutettu"},
             event_table(ERROR, ERROR)),
    EventRow("follow up 320's earlier action", "plan_followup", lambda w: {"id": w.items["a0_320"], "status": "done"},
             event_table(ERROR)),
    EventRow("follow up another session's action", "plan_followup",
             lambda w: {"id": w.items["b_320"], "status": "done"}, event_table(ERROR, ERROR)),
    EventRow("answer the poll", "poll_answer", lambda w: {"poll": w.polls["choice"], "choice": 0}, event_table(OK)),
    EventRow("answer another session's poll", "poll_answer", lambda w: {"poll": w.polls["b"], "choice": 0},
             event_table(ERROR, ERROR)),
    EventRow("ask the panel", "qa_ask", lambda w: {"text": "Live-kysymys?"}, event_table(OK), setup=qa_open),
    EventRow("ask outside the questions' phases", "qa_ask", lambda w: {"text": "Live-kysymys?"}, event_table(ERROR, ERROR)),
    EventRow("upvote p3's question", "qa_upvote", lambda w: {"question": 1}, event_table(OK), setup=qa_open),
    EventRow("upvote another session's question", "qa_upvote", lambda w: {"question": 3}, event_table(ERROR, ERROR),
             setup=qa_open),
    EventRow("sync", "sync", lambda w: None, event_table(OK, OK, OK)),
    EventRow("still here", "ping_here", lambda w: None, event_table(OK, OK, OK)),
    EventRow("poll state", "poll_state", lambda w: None, event_table(OK, OK, OK)),
]

SOCKET_LIFECYCLE = {"connect", "disconnect"}


def connect(app, w: World, actor: str):
    return worlds.socket_client(app, http_client(app, w, actor), socket_auth(w, actor))


def test_socket_connect_matrix(template, tmp_path):
    app = worlds.make_app(template, tmp_path)
    w = template.world
    wrong = []
    for actor in ACTORS:
        before = worlds.snapshot(app)
        observed = CONNECTED if connect(app, w, actor).is_connected() else NO_CONNECTION
        if observed != CONNECT[actor]:
            wrong.append(f"{actor}: expected {CONNECT[actor]}, got {observed}")
        if observed == NO_CONNECTION and worlds.changed_tables(before, worlds.snapshot(app)):
            wrong.append(f"{actor}: a refused connection changed the database")
    # Forged credentials of every kind are refused too.
    for label, client, auth in (
            ("guessed screen token", worlds.lang_client(app), {"role": "screen", "token": w.screen_a + "x"}),
            ("a screen token presented as a facilitator", worlds.lang_client(app),
             {"role": "facilitator", "session": w.sid_a, "token": w.screen_a}),
            ("participant cookie, facilitator role", http_client(app, w, PARTICIPANT),
             {"role": "facilitator", "session": w.sid_a}),
            ("facilitator cookie, participant role", http_client(app, w, FAC),
             {"role": "participant", "session": w.sid_a}),
            ("session id as a string", http_client(app, w, PARTICIPANT),
             {"role": "participant", "session": str(w.sid_a)}),
            ("huge session id", http_client(app, w, PARTICIPANT), {"role": "participant", "session": 10**30})):
        if worlds.socket_client(app, client, auth).is_connected():
            wrong.append(f"{label}: connected")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("row", EVENT_ROWS, ids=lambda r: r.name)
def test_socket_event_matrix(template, tmp_path, row: EventRow):
    w = template.world
    assert set(row.expect) == set(ACTORS), f"{row.name}: the row must name every actor"
    app = fresh_app(template, tmp_path, row)
    sockets = {actor: connect(app, w, actor) for actor in ACTORS}
    wrong = []
    # Refusals first (they must change nothing), then the allowed actors.
    for actor in sorted(ACTORS, key=lambda a: row.expect[a] == OK):
        expected, sio = row.expect[actor], sockets[actor]
        if not sio.is_connected():
            observed = NO_CONNECTION
            with pytest.raises(RuntimeError):
                sio.emit(row.event, row.payload(w), callback=True)
        else:
            before = worlds.snapshot(app)
            with worlds.ErrorTrap() as trap:
                ack = sio.emit(row.event, row.payload(w), callback=True)
            trap.check(f"{row.name} by {actor}")
            observed = OK if isinstance(ack, dict) and ack.get("ok") is True else ERROR
            if observed == ERROR:
                try:
                    worlds.check_message(ack.get("error") if isinstance(ack, dict) else ack, "")
                except AssertionError as exc:
                    wrong.append(f"{actor}: {exc}")
                if worlds.changed_tables(before, worlds.snapshot(app)):
                    wrong.append(f"{actor}: refused, yet the database changed")
        if observed != expected:
            wrong.append(f"{actor}: expected {expected}, got {observed}")
    assert not wrong, f"{row.event} ({row.name}):\n" + "\n".join(wrong)


READ_ONLY_EVENTS = {"sync", "ping_here", "poll_state"}


def test_closed_workshop_takes_no_changes_from_phones(template, tmp_path):
    """After the facilitator closes the workshop a phone may still connect (it shows the thank-you page),
    but every event that would change something is refused, over Socket.IO as over HTTP."""
    w = template.world
    app = worlds.make_app(template, tmp_path)
    live_before = connect(app, w, PARTICIPANT)  # connected while the workshop ran
    fac_post(worlds.facilitator_client(app, w, "a"), f"/f/sessions/{w.sid_a}/close")
    live_after = connect(app, w, PARTICIPANT)  # connects again afterwards
    assert live_before.is_connected() and live_after.is_connected()
    assert not connect(app, w, SCREEN).is_connected()  # the projector's link no longer connects
    wrong = []
    for row in EVENT_ROWS:
        if row.event in READ_ONLY_EVENTS:
            continue
        for label, sio in (("connected before", live_before), ("connected after", live_after)):
            before = worlds.snapshot(app)
            ack = sio.emit(row.event, row.payload(w), callback=True)
            if not (isinstance(ack, dict) and ack.get("ok") is False):
                wrong.append(f"{row.name} ({label}): {ack!r}")
                continue
            worlds.check_message(ack.get("error"), row.name)
            if worlds.changed_tables(before, worlds.snapshot(app)):
                wrong.append(f"{row.name} ({label}): the database changed")
    phone_http = http_client(app, w, PARTICIPANT)
    for row in ROWS:
        if row.method == "POST" and row.expect[PARTICIPANT] == OK and row.url(w).startswith(f"/{w.code_a}/"):
            before = worlds.snapshot(app)
            response = phone_http.post(row.url(w), data={"csrf_token": worlds.fetch_csrf(phone_http), **row.form(w)})
            if response.status_code >= 500 or worlds.changed_tables(before, worlds.snapshot(app)):
                wrong.append(f"HTTP {row.name}: {response.status_code}, changed the database")
    assert not wrong, "\n".join(wrong)


def test_every_event_has_a_row(template, tmp_path):
    worlds.make_app(template, tmp_path)
    events = set(socketio.server.handlers.get("/", {})) - SOCKET_LIFECYCLE
    covered = {r.event for r in EVENT_ROWS}
    assert events - covered == set(), f"Socket.IO events without an authorisation row: {sorted(events - covered)}"
    assert covered - events == set(), f"rows for events that no longer exist: {sorted(covered - events)}"


# --- a whole evening: what each phone receives ----------------------------------------------------

class Recorder:
    """Every event each socket receives, tagged with the step of the evening it arrived in."""

    def __init__(self, sockets: dict):
        self.sockets = sockets
        self.log: dict[str, list[tuple[str, str, str]]] = {k: [] for k in sockets}
        self.steps: list[str] = []

    def step(self, name: str) -> None:
        """Collect what arrived during the step just done."""
        self.steps.append(name)
        for key, sio in self.sockets.items():
            if sio.is_connected():
                for e in sio.get_received():
                    self.log[key].append((name, e["name"], json.dumps(e["args"], ensure_ascii=False)))

    def after(self, key: str, step: str):
        index = self.steps.index(step)
        return [e for e in self.log[key] if self.steps.index(e[0]) >= index]


def fac_post(client, path: str, **data):
    token = worlds.fetch_csrf(client, "/f/")
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code in (302, 303), (path, response.status_code)
    errors = [m for c, m in worlds.flashes(client) if c == "error"]
    assert not errors, (path, errors)
    return response


def live_note(sio, client_id: str, text: str) -> int:
    ack = sio.emit("note_add", {"client_id": client_id, "text": text}, callback=True)
    assert ack["ok"], ack
    return ack["note"]["id"]


def note_authors(name: str, payload) -> list:
    """The `author` of every note in a note, board or boards event."""
    if name == "note":
        return [payload.get("author")]
    if name == "board":
        return [n.get("author") for n in payload.get("notes", [])]
    if name == "boards":
        return [n.get("author") for b in payload.get("groups", []) for n in b.get("notes", [])]
    return []


def test_scripted_evening_leaks_nothing(template, tmp_path):
    w = template.world
    app = worlds.make_app(template, tmp_path)
    fac = worlds.facilitator_client(app, w, "a")
    sid = w.sid_a
    phones = {label: worlds.socket_client(app, worlds.participant_client(app, sid, w.token(label)),
                                          {"role": "participant", "session": sid})
              for label in ("p1", "p2", "p4", "p5")}
    phones["q1"] = worlds.socket_client(app, worlds.participant_client(app, w.sid_b, w.people_b["q1"][1]),
                                        {"role": "participant", "session": w.sid_b})
    screen = worlds.socket_client(app, worlds.lang_client(app), {"role": "screen", "token": w.screen_a})
    fac_socket = worlds.socket_client(app, fac, {"role": "facilitator", "session": sid})
    sockets = {**phones, "screen": screen, "fac": fac_socket}
    assert all(s.is_connected() for s in sockets.values())
    rec = Recorder(sockets)
    rec.step("connect")

    # Someone arrives late and is placed into a group; their name goes to the facilitator only.
    newcomer = worlds.lang_client(app)
    token = worlds.fetch_csrf(newcomer, f"/{w.code_a}")
    newcomer.post(f"/{w.code_a}", data={"csrf_token": token, "municipality": "732", "background": "parish",
                                        "first_name": "Myohainen_a7", "names_consented": "y"})
    rec.step("late arrival")

    # Group work: every group writes; session B writes too.
    live_note(phones["p1"], "evening-p1-0001", "G1-P1-LIVE")
    g1_p2 = live_note(phones["p2"], "evening-p2-0001", "G1-P2-LIVE")
    to_hide = live_note(phones["p2"], "evening-p2-0002", "G1-TOBEHIDDEN")
    live_note(phones["p4"], "evening-p4-0001", "G2-P4-DRAFT-LIVE")
    live_note(phones["p5"], "evening-p5-0001", "G2-P5-DRAFT-LIVE")
    live_note(phones["q1"], "evening-q1-0001", "B-LIVE-SECRET")
    phones["p2"].emit("note_edit", {"id": g1_p2, "text": "G1-P2-LIVE edited"}, callback=True)
    rec.step("group work")

    fac_post(fac, f"/f/sessions/{sid}/board/notes/{to_hide}/hide")
    fac_post(fac, f"/f/sessions/{sid}/board/notes/{to_hide}/edit", text="G1-TOBEHIDDEN edited while hidden")
    rec.step("hide")

    # Voting, closing, the presentation.
    fac_post(fac, f"/f/sessions/{sid}/board/voting", action="open")
    with app.app_context():
        db = get_db()
        current = rounds_domain.current_round(db, db.get(Session, sid))
        visible = {g.number: [n.id for n in flipchart.visible_notes(db, g)] for g in current.groups}
    for label, number in (("p1", 1), ("p2", 1), ("p4", 2), ("p5", 2)):
        for note_id in visible[number][:2]:
            ack = phones[label].emit("vote", {"note_id": note_id, "on": True}, callback=True)
            assert ack["ok"], ack
    rec.step("voting")
    fac_post(fac, f"/f/sessions/{sid}/board/voting", action="close")
    rec.step("voting closed")
    with app.app_context():  # each group's top 3: what the presentation may show everyone
        db = get_db()
        top = {g.number: {n.text for n, _v in flipchart.top_three(db, g).places}
               for g in rounds_domain.current_round(db, db.get(Session, sid)).groups}
    for step in ("start", "next", "next", "overview"):
        fac_post(fac, f"/f/sessions/{sid}/present/{step}")
    rec.step("presentation")

    # Plans: each phone its own municipality; the facilitator another one.
    assert phones["p1"].emit("plan_save", {"what": "PLAN-320-LIVE"}, callback=True)["ok"]
    assert phones["p5"].emit("plan_save", {"what": "PLAN-583-LIVE-SECRET"}, callback=True)["ok"]
    fac_post(fac, f"/f/sessions/{sid}/plans/add", municipality="732", what="PLAN-732-FAC-SECRET")
    rec.step("plans")

    # Polls: a word cloud; p4's words are p4's alone.
    fac_post(fac, f"/f/sessions/{sid}/polls", kind="words", question="Yksi sana illasta?")
    with app.app_context():
        new_poll = polls_domain.polls_of(get_db(), get_db().get(Session, sid))[-1].id
    fac_post(fac, f"/f/sessions/{sid}/polls/{new_poll}/open")
    assert phones["p4"].emit("poll_answer", {"poll": new_poll, "text": "SANAP4LIVE"}, callback=True)["ok"]
    assert phones["p1"].emit("poll_answer", {"poll": new_poll, "text": "omasana"}, callback=True)["ok"]
    fac_post(fac, f"/f/sessions/{sid}/polls/{new_poll}/close")
    rec.step("hidden poll")  # results hidden until revealed (the default): the projector sees a count only
    fac_post(fac, f"/f/sessions/{sid}/polls/{new_poll}/reveal")
    fac_post(fac, f"/f/sessions/{sid}/polls/{new_poll}/open")  # re-opened: own answers come back to each phone
    rec.step("polls")

    fac_post(fac, f"/f/sessions/{sid}/timer/start", minutes="5", label="Tauko")
    fac_post(fac, f"/f/sessions/{sid}/timer/pause")
    rec.step("timer")

    # p2 disrupts and is removed: their notes are hidden from then on.
    fac_post(fac, f"/f/sessions/{sid}/board/participants/{w.pid('p2')}/remove")
    rec.step("removal")

    # A new mixed round moves people around; then every phone asks for the whole state again.
    fac_post(fac, f"/f/sessions/{sid}/rounds", strategy="mixed", size_mode="count", size="2")
    fac_post(fac, f"/f/sessions/{sid}/rounds/2/publish")
    for sio in phones.values():
        if sio.is_connected():
            sio.emit("sync", callback=True)
            sio.emit("poll_state", callback=True)
    rec.step("new round and sync")

    # --- what each phone may never see ---
    s = w.secrets
    names = [v for k, v in s.items() if k.startswith("name_")] + ["Myohainen_a7", s["registrant"]]
    session_b = [s["b_note"], s["b_poll"], s["b_plan"], s["b_title"], "B-LIVE-SECRET", s["registrant_b"],
                 s["nominee_b"]]
    staff_only = {"lobby", "groups", "boards", "late_arrival", "plans", "poll_results", "registrations",
                  "feedback", "leaderboard", "nominations", "screen_panel", "vote_progress",
                  "vote_tallies"}  # the votes are hidden until revealed (the default): no running counts
    problems = []

    def never(key: str, texts: list[str], events=None):
        for step, name, payload in (events if events is not None else rec.log[key]):
            for text in texts:
                if text.casefold() in payload.casefold():  # word clouds show lemmas in lower case
                    problems.append(f"{key} got {text!r} in {name!r} during {step!r}")

    for key, _own_group, other_group, _own_muni_plans, other_plans in (
            ("p1", 1, 2, ["PLAN-320-LIVE"],
             ["PLAN-583-LIVE-SECRET", "PLAN-732-FAC-SECRET", s["other_municipality_plan"]]),
            ("p4", 2, 1, [], ["PLAN-583-LIVE-SECRET", "PLAN-732-FAC-SECRET", s["other_municipality_plan"]]),
            ("p5", 2, 1, [], ["PLAN-732-FAC-SECRET", "A-PLAN-320", "PLAN-320-LIVE"])):
        events = rec.log[key]
        never(key, session_b + names + [s["hidden"]] + other_plans)
        never(key, ["SANAP4LIVE", s["other_words"]] if key != "p4" else ["omasana"])
        bad_kinds = sorted({name for _s, name, _p in events if name in staff_only})
        if bad_kinds:
            problems.append(f"{key} got staff-only events {bad_kinds}")
        never(key, ["G1-TOBEHIDDEN"], rec.after(key, "hide"))
        if key == "p1":
            never(key, ["G1-P2-LIVE"], rec.after(key, "removal"))
        # Another group's notes only as that group's top 3 in the presentation (round 1 groups).
        other_texts = {1: ["G1-P1-LIVE", "G1-P2-LIVE", worlds.TEXTS["own"], worlds.TEXTS["mate"]],
                       2: ["G2-P4-DRAFT-LIVE", "G2-P5-DRAFT-LIVE", s["g2"]]}[other_group]
        for step, name, payload in events:
            for text in other_texts:
                if text in payload and not (name == "presentation" and any(text in t for t in top[other_group])):
                    problems.append(f"{key} got {other_group=}'s {text!r} in {name!r} during {step!r}")
    never("q1", [worlds.TEXTS["own"], "G1-P1-LIVE", "G2-P4-DRAFT-LIVE", "PLAN-320-LIVE", "SANAP4LIVE",
                 "Itä-Lapin paja", "Yksi sana illasta?"] + [n for n in names if not n.startswith("Xerxes")])
    never("screen", ["G1-TOBEHIDDEN"], rec.after("screen", "hide"))
    never("screen", ["G1-P2-LIVE"], rec.after("screen", "removal"))
    never("screen", session_b + [s["hidden"]])
    never("fac", session_b)
    # Author privacy: phones and the projector see a per-group pseudonym for a note's author (their own
    # notes included), never a participant's row id; only the facilitator's copies name the participant.
    for key in ("p1", "p4", "p5", "q1", "screen"):
        for step, name, payload in rec.log[key]:
            for author in note_authors(name, json.loads(payload)[0]):
                if author is not None and not isinstance(author, str):
                    problems.append(f"{key} got the author id {author!r} in {name!r} during {step!r}")
    assert any(note_authors(name, json.loads(p)[0]) for _s, name, p in rec.log["p1"])  # notes did arrive
    # The phones' own page tells the same story.
    for label in ("p1", "p5"):
        page = worlds.participant_client(app, sid, w.token(label)).get(f"/{w.code_a}").get_data(as_text=True)
        own_name = {"p1": "Aino_a1", "p5": "Eetu_a5"}[label]
        for text in session_b + [n for n in names if n != own_name] + [s["hidden"], "G1-TOBEHIDDEN", "SANAP4LIVE"]:
            if text in page:
                problems.append(f"{label}'s page shows {text!r}")
    assert not problems, "\n".join(problems)
    # The script did what it meant to: phones saw their own group's notes and the presentation.
    p1_text = " ".join(p for _s, _n, p in rec.log["p1"])
    assert "G1-P2-LIVE" in p1_text and "G1-TOBEHIDDEN" in p1_text and "omasana" in p1_text
    assert any(name == "presentation" for _s, name, _p in rec.log["p5"])
    assert "sanap4live" in " ".join(p for _s, _n, p in rec.log["screen"]).casefold()
    assert "sanap4live" not in " ".join(p for step, _n, p in rec.log["screen"] if step == "hidden poll").casefold()
