"""Fuzzing (issue 7, item 3): every HTTP form and every Socket.IO event payload.

Each target starts from a populated evening (tests/worlds.py) and sends Hypothesis-generated input:
first a valid form or payload, then mutations of it — fields dropped, repeated or replaced by wrong
types, huge strings (up to ~100 KB), unicode edge cases (lone surrogates, RTL and zero-width marks,
emoji, combining characters), control characters, negative and huge numbers, and ids of other
sessions' rows. Every request must end in one of two ways:

* accepted: a 2xx/3xx answer (HTTP) or ``{"ok": true}`` (Socket.IO), and nothing unstorable written;
* refused: a 4xx answer or a redirect carrying an error flash (HTTP), or ``{"ok": false, "error": …}``
  (Socket.IO); the message is non-empty and Finnish (the locale of these tests), and the database is
  exactly as it was (row counts and a content hash of every table).

Never a 500, never an exception out of a view or a Socket.IO handler (PROPAGATE_EXCEPTIONS is on, and
a trap turns a handler exception or an ERROR log record into a failure).

The targets are declared in TARGETS and SOCKET_TARGETS; `test_every_form_has_a_fuzz_target` and
`test_every_socket_event_has_a_fuzz_target` read the live ``app.url_map`` and the Socket.IO handler
registry, so a new route or event fails until it gets a target here.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, find, given, settings
from hypothesis import strategies as st

from workshop.core.time import utcnow
from workshop.db import get_db
from workshop.extensions import limiter, socketio
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds_domain
from workshop.grouping.service import RoundSettings
from workshop.models import BACKGROUNDS, PHASES, PLAN_STATUSES, Participant, Session
from workshop.polls import service as polls_domain
from workshop.qa import service as qa_domain
from workshop.reuse import service as reuse_domain
from workshop.sessions import service as sessions_domain
from workshop.team.models import TeamInvite
from workshop.themes.models import CommonTheme
from workshop.timer import service as timer

from tests import worlds
from tests.worlds import World

# PAJA_FUZZ_STATS=file: append each target's outcome counts there (how many refused, accepted, …).
STATS_FILE = os.environ.get("PAJA_FUZZ_STATS")

HTTP_EXAMPLES = 30
SOCKET_EXAMPLES = 40
SETTINGS = {"deadline": None, "derandomize": False, "print_blob": True,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.large_base_example, HealthCheck.filter_too_much,
                                      HealthCheck.function_scoped_fixture]}


# --- values ---------------------------------------------------------------------------------------

EDGE_STRINGS = [
    "", " ", "\t", "\r\n", "\n\n\n", "\x00", "a\x00b", "\x07bell", "\x1b[31mred\x1b[0m", "\x7f", "\x85next",
    "\u202eRTL-override", "\u200fRLM\u200e", "\u200b", "zero\u200dwidth\u200cjoin", "\ufeffBOM", "\u2028\u2029",
    "\u2066isolate\u2069", "👩‍👩‍👧‍👦", "🇫🇮🎉", "e" + "\u0301" * 60, "Z̴̧̛͎a̶̠͠l̷̨g̸o̵", "ﷺ", "\U0010ffff",
    "\ud800", "x\udfffy", "\udbff\udc00", "１２３", "²", "٣", "Ⅻ", "-1", "0", "-0", "00", "+5", "1e9", "1.5", "NaN",
    "inf", "0x10", " 7 ", "2147483648", "9223372036854775808", "99999999999999999999999999999",
    "<img src=x onerror=alert(1)>", "'; DROP TABLE note; --", "%s%s%(x)s", "{{7*7}}", "../../etc/passwd",
    "=HYPERLINK(\"http://x\")", "null", "true", "[]", "{}",
]
HUGE = [("x", 300), ("ä", 5_000), ("a ", 30_000), ("a", 100_000), ("😀", 25_000), ("\u200b", 20_000),
        ("1", 50_000), ("e\u0301", 20_000), ("\x00", 1_000), (" ", 100_000)]

any_text = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates and controls included
huge_text = st.sampled_from(HUGE).map(lambda pair: pair[0] * pair[1])
number_text = st.one_of(st.integers(-10**30, 10**30).map(str),
                        st.sampled_from(["-1", "0", "2147483647", "2147483648", "9223372036854775807",
                                         "9223372036854775808", "1" * 40, "²", "１２", "٣", "1²", " 1", "1 "]))
evil_text = st.one_of(st.sampled_from(EDGE_STRINGS), st.sampled_from(EDGE_STRINGS), any_text, huge_text, number_text)


# Besides the random examples, every target sweeps these through each field of its simplest valid
# form, one field at a time (explicit Hypothesis examples): the cases a random draw would rarely combine.
DROP, MULTI = object(), object()
SWEEP_HTTP = ["\ud800 x", "a\x00b\x1b[0m", "\u202eRTL\u200b\ufeff", "👩‍👩‍👧‍👦e\u0301\u0301", "²", "-1",
              "99999999999999999999", "a" * 100_000, "", DROP, MULTI]
SWEEP_SOCKET = ["\ud800 x", "a\x00b\x1b[0m", "\u202eRTL\u200b", "👩‍👩‍👧‍👦e\u0301", "x" * 100_000, "", "²", None,
                True, -1, 2**64, 1.5, math.nan, [], {"id": 1}, DROP, MULTI]


def fresh_client_id(data, counter):
    """A re-sent note id returns the stored note without looking at the text (idempotency): give each
    example with a valid client_id its own, so the rest of the input is really tried."""
    if isinstance(data, dict) and isinstance(data.get("client_id"), str) and \
            flipchart.CLIENT_ID_RE.match(data["client_id"]):
        return {**data, "client_id": f"{data['client_id'][:30]}-{next(counter)}"}
    return data


def simplest(strategy):
    """The simplest value of a strategy (deterministic): the base of the sweep."""
    return find(strategy, lambda _value: True, settings=settings(database=None, max_examples=10))


def sweep(base: dict, values: list) -> list[dict]:
    forms = []
    for name, valid in base.items():
        for value in values:
            form = dict(base)
            if value is DROP:
                del form[name]
            elif value is MULTI:
                form[name] = [valid, "x"] if not isinstance(valid, list) else valid * 2
            else:
                form[name] = value
            forms.append(form)
    return forms


def ids_of(*values) -> list[str]:
    return [str(v) for v in values]


def id_pool(w: World) -> list[str]:
    """Ids a prankster might try: every row id of the world, other sessions' included."""
    return ids_of(*w.notes.values(), *w.polls.values(), *w.items.values(), *w.agenda, *w.agenda_b,
                  *w.questions, *w.questions_b, w.sid_a, w.sid_b, w.sid_a0, w.series,
                  *(p for p, _t in w.people.values()), *(p for p, _t in w.people_b.values()))


@st.composite
def mutated_form(draw, fields: dict, pool: list[str]):
    """A valid form; or one field of it mutated (the others valid, so the mutation reaches deep); or
    several fields dropped, repeated or replaced by hostile values."""
    mode = draw(st.sampled_from(["valid", "one", "one", "one", "mutate", "mutate", "hostile"]))
    chosen = draw(st.sampled_from(sorted(fields))) if mode == "one" and fields else None
    out = {}
    for name, strategy in fields.items():
        value = draw(strategy)
        if mode == "valid" or (mode == "one" and name != chosen):
            out[name] = value
            continue
        op = draw(st.sampled_from(["keep", "drop", "evil", "evil", "empty", "id", "number", "multi", "huge"]
                                  if mode == "mutate" else ["drop", "evil", "huge", "number", "multi", "id"]))
        if op == "keep":
            out[name] = value
        elif op == "evil":
            out[name] = draw(evil_text)
        elif op == "empty":
            out[name] = ""
        elif op == "id":
            out[name] = draw(st.sampled_from(pool))
        elif op == "number":
            out[name] = draw(number_text)
        elif op == "huge":
            out[name] = draw(huge_text)
        elif op == "multi":
            out[name] = draw(st.lists(st.one_of(strategy, evil_text), min_size=2, max_size=3))
    if mode in ("mutate", "hostile") and draw(st.booleans()):
        out[draw(st.sampled_from(["id", "session_id", "participant_id", "csrf_token", "x", "admin"]))] = \
            draw(evil_text)
    return out


def flatten(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def encode(form: dict) -> bytes:
    """application/x-www-form-urlencoded, byte for byte: lone surrogates become invalid UTF-8."""
    parts = []
    for key, value in form.items():
        for item in flatten(value):
            parts.append(quote(key.encode("utf-8", "surrogatepass"), safe="") + "="
                         + quote(item.encode("utf-8", "surrogatepass"), safe=""))
    return "&".join(parts).encode("ascii")


# Path strategies are built twice: calm (only meaningful ids and actions: the form is what is fuzzed)
# and hostile (other sessions' ids, huge numbers, unknown actions). The helpers read this at build time.
_HOSTILE = True


def build_path(target, w: World, hostile: bool):
    global _HOSTILE
    _HOSTILE = hostile
    try:
        return target.path(w)
    finally:
        _HOSTILE = True


def segment(value) -> str:
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="")


def path_id(valid: list, pool: list[str]):
    """A path id: mostly a meaningful one, else another session's, a huge or a strange one."""
    meaningful = st.sampled_from(ids_of(*valid))
    if not _HOSTILE:
        return meaningful
    return st.one_of(meaningful, meaningful, meaningful, st.sampled_from(pool),
                     st.integers(0, 10**30).map(str), st.sampled_from(["-1", "x", "1.5", "²", "１"]))


def action(valid: list[str]):
    known = st.sampled_from(valid)
    if not _HOSTILE:
        return known
    return st.one_of(known, known, known, known, st.sampled_from(["x", "", "HIDE", "open "]),
                     any_text.filter(lambda s: "/" not in s))


note_text = st.one_of(st.sampled_from(["Yhteinen tapahtumakalenteri", "Nuoret mukaan 🎉", "Rivi\nrivi", "ÅÄÖ åäö"]),
                      st.text(min_size=1, max_size=280))
short_text = st.sampled_from(["Kunta", "Järjestö ry", "kevät 2027", "Åsa", ""])
client_id = st.from_regex(r"[A-Za-z0-9_-]{8,40}", fullmatch=True)
flag = st.sampled_from(["y", "1", ""])


# --- HTTP targets ---------------------------------------------------------------------------------

@dataclass
class Target:
    endpoint: str
    actor: str  # participant | facilitator | anonymous | fresh (new client each example) | fresh_facilitator
    path: Callable[[World], st.SearchStrategy]
    fields: Callable[[World], dict] = lambda w: {}
    variant: str = ""
    method: str = "POST"
    setup: Callable | None = None  # fn(db, session_a, world) before fuzzing
    empty_world: bool = False

    @property
    def id(self) -> str:
        return self.endpoint + (f"[{self.variant}]" if self.variant else "")


def sid_path(w: World, pattern: str, **more):
    """/f/sessions/<id>…: own session mostly, else the other facilitator's, an old one or a huge id."""
    sids = st.one_of(st.just(str(w.sid_a)), st.just(str(w.sid_a)), st.just(str(w.sid_a)),
                     st.sampled_from([str(w.sid_b), str(w.sid_a0)]), st.integers(0, 10**30).map(str)) \
        if _HOSTILE else st.just(str(w.sid_a))
    return st.builds(lambda sid, **kw: pattern.format(sid=sid, **{k: segment(v) for k, v in kw.items()}), sids,
                     **more)


def _round(db, s):
    return rounds_domain.current_round(db, s)


def setup_voting(db, s, w):
    flipchart.open_voting(db, s, _round(db, s), [1])


# A member without a phone in p1's group: p1's phone may write and vote for them (`member`, their tag).
_SCRIBE: dict[str, str] = {}


def setup_scribe(db, s, w):
    from workshop.flipchart.events import author_tag
    from workshop.sessions import service as sessions_domain
    from workshop.sessions.service import JoinData
    maija, _token = sessions_domain.join(db, s, JoinData("320", "elected", first_name="Maija",
                                                         names_consented=True, without_phone=True))
    rounds_domain.place_late_arrival(db, s, maija)
    group = rounds_domain.move_member(db, s, _round(db, s), maija.id, 1)
    _SCRIBE.update(maija=author_tag(group.id, maija.id), mate=author_tag(group.id, w.pid("p2")))


def setup_scribe_voting(db, s, w):
    setup_scribe(db, s, w)
    setup_voting(db, s, w)


def member_tag(w: World) -> st.SearchStrategy:
    """Mostly the member without a phone; else oneself, a mate with a phone, or a tag of nobody."""
    return st.sampled_from([_SCRIBE["maija"]] * 4 + ["", _SCRIBE["mate"], "0" * 16])


def setup_tie(db, s, w):
    """Group 1: four notes with one vote each, voting closed → a tie for the three places."""
    p1, p2, p3 = (db.get(Participant, w.pid(x)) for x in ("p1", "p2", "p3"))
    extra = [flipchart.add_note(db, s, p3, f"client-tie-{i:04d}", f"Tasapeli {i}")[0].id for i in range(2)]
    flipchart.open_voting(db, s, _round(db, s), [1])
    for person, ids in ((p1, [w.notes["own"], w.notes["mate"]]), (p2, extra)):
        for note_id in ids:
            flipchart.cast_vote(db, s, person, note_id, True)
    flipchart.close_voting(db, s, _round(db, s), [1])


def setup_draft(db, s, w):
    rounds_domain.create_round(db, s, RoundSettings("mixed", group_size=3))


def setup_plan(db, s, w):
    rounds_domain.plan_rounds(db, s, rounds_domain.PlanSettings(2, group_size=3))


def setup_words(db, s, w):
    polls_domain.open_poll(db, s, polls_domain.poll_of_session(db, s, w.polls["words"]))


def setup_timer(db, s, w):
    timer.start(db, s, 10, "Tauko")


def setup_template(db, s, w):
    reuse_domain.save_template(db, s, w.fac_a, "Pohja")


def setup_themes(db, s, w):
    """Themes 1 and 2 of session A, each gathering a note."""
    db.add_all([CommonTheme(session_id=s.id, position=i, label=f"Teema {i}", note_ids=[note], related=[])
                for i, note in enumerate((w.notes["own"], w.notes["mate"]))])
    db.commit()


def setup_qa(db, s, w):
    """Session A in its questions step with questions 1 (by p3) and 2 (by p4)."""
    sessions_domain.set_phase(db, s, "qa")
    for label in ("p3", "p4"):
        qa_domain.ask(db, s, db.get(Participant, w.pid(label)), f"Kysymys {label}")


def session_form(w: World) -> dict:
    codes = st.sampled_from(["320", "583", "732", "091", "049", ""])
    return {
        "title": st.sampled_from(["Itä-Lapin paja", "Kevään paja 2027", "Å"]),
        "starts_at": st.sampled_from(["2026-12-01T17:30", "2027-02-29T10:00", "", "1-1-1T1:1"]),
        "host_municipality": codes,
        "municipalities": st.lists(codes, max_size=4),
        "themes": st.sampled_from(["Osaaminen\n- Mihin keskitytään?\n- Kuka tekee?", "", "- ilman teemaa"]),
        "agenda": st.sampled_from(["Info 50 min\nRyhmätyö 90", "", "Info", "Pitkä 601 min"]),
        "series": st.sampled_from(["", str(w.series)]),
        "max_participants": st.sampled_from(["", "1", "100", "1000"]),
    }


def plan_form(w: World) -> dict:
    return {
        "what": note_text, "owner": short_text, "due": short_text,
        "status": st.sampled_from(PLAN_STATUSES + ("",)),
        "source_note_id": st.sampled_from(["", *ids_of(*w.notes.values())]),
        "id": st.sampled_from(["", *ids_of(*w.items.values())]),
        "comment": short_text,
    }


def code(w: World):
    return st.sampled_from([w.code_a] * 4 + [w.code_b, "000000"]) if _HOSTILE else st.just(w.code_a)


def phone(w: World, suffix: str = ""):
    return code(w).map(lambda c: f"/{c}{suffix}")


TARGETS: list[Target] = [
    # --- phones ---
    Target("phone.index", "anonymous", lambda w: st.just("/"),
           lambda w: {"code": st.sampled_from([w.code_a, w.code_b, "000000", " 12 34 56 "])}),
    Target("phone.join", "fresh", lambda w: phone(w),
           lambda w: {"municipality": st.sampled_from(["320", "583", "732", "other", "091"]),
                      "background": st.sampled_from(BACKGROUNDS), "first_name": short_text,
                      "organisation": short_text, "is_contact_person": flag, "names_consented": flag}),
    Target("phone_notes.add_note", "participant", lambda w: phone(w, "/notes"),
           lambda w: {"client_id": client_id, "text": note_text}),
    Target("phone_notes.add_note", "participant", lambda w: phone(w, "/notes"),
           lambda w: {"client_id": client_id, "text": note_text, "member": member_tag(w)}, variant="scribe",
           setup=setup_scribe),
    Target("phone_notes.change_note", "participant",
           lambda w: st.builds(lambda code, nid, act: f"/{code}/notes/{nid}/{segment(act)}",
                               code(w),
                               path_id([w.notes["own"]] * 3 + list(w.notes.values()), id_pool(w)),
                               action(["edit", "delete", "vote"])),
           lambda w: {"text": note_text, "on": st.sampled_from(["1", "0"])}, variant="groupwork"),
    Target("phone_notes.change_note", "participant",
           lambda w: st.builds(lambda c, nid, act: f"/{c}/notes/{nid}/{segment(act)}", code(w),
                               path_id(list(w.notes.values()), id_pool(w)), action(["vote", "vote", "edit"])),
           lambda w: {"on": st.sampled_from(["1", "0"]), "text": note_text}, variant="voting", setup=setup_voting),
    Target("phone_notes.change_note", "participant",
           lambda w: st.builds(lambda c, nid, act: f"/{c}/notes/{nid}/{segment(act)}", code(w),
                               path_id(list(w.notes.values()), id_pool(w)), action(["vote", "vote", "edit"])),
           lambda w: {"on": st.sampled_from(["1", "0"]), "member": member_tag(w)}, variant="scribe",
           setup=setup_scribe_voting),
    Target("phone_plan.plan_save", "participant", lambda w: phone(w, "/plan"), plan_form),
    Target("phone_plan.plan_followup", "participant", lambda w: phone(w, "/plan/followup"),
           lambda w: {"id": st.sampled_from(ids_of(*w.items.values())),
                      "status": st.sampled_from(PLAN_STATUSES), "comment": short_text}),
    Target("polls.answer", "participant", lambda w: phone(w, "/poll"),
           lambda w: {"poll": st.sampled_from(ids_of(*w.polls.values())), "choice": st.sampled_from(["0", "1", "2"]),
                      "text": st.sampled_from(["yhteistyö", "nuoret", "hyvä ilmapiiri"])}, variant="choice"),
    Target("polls.answer", "participant", lambda w: phone(w, "/poll"),
           lambda w: {"poll": st.sampled_from(ids_of(*w.polls.values())),
                      "text": st.sampled_from(["yhteistyö", "nuoret", "hyvä ilmapiiri", "järjestöt"])},
           variant="words", setup=setup_words),
    Target("qa.ask", "participant", lambda w: phone(w, "/qa"),
           lambda w: {"text": note_text, "name": short_text}, setup=setup_qa),
    Target("qa.upvote", "participant",
           lambda w: st.builds(lambda c, q: f"/{c}/qa/{q}/upvote", code(w), path_id([1, 2], id_pool(w))),
           setup=setup_qa),
    # --- facilitator: sessions ---
    Target("facilitator.new_session", "facilitator", lambda w: st.just("/f/sessions/new"), session_form),
    Target("facilitator.edit_session", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/edit"), session_form),
    Target("facilitator.change_phase", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/phase"),
           lambda w: {"phase": st.sampled_from(PHASES)}),
    Target("facilitator.close", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/close")),
    Target("runsheet.groups", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/run/groups"),
           lambda w: {"action": action(["planned", ""]), "strategy": action(["mixed", "home"]),
                      "size": st.sampled_from(["3", "5", "0", "x", ""])}),
    Target("runsheet.confirm", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/confirm/{what}", what=action(["delete", "remove", "rebalance"])),
           lambda w: {"participant": st.sampled_from([str(w.pid("p3")), "x", ""]), "round": st.sampled_from(["1", "x"])},
           method="GET"),
    Target("facilitator.lock", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/lock"),
           lambda w: {"locked": st.sampled_from(["1", "0"])}),
    Target("facilitator.rotate_screen_link", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/screen-link")),
    Target("plans.series_page", "facilitator", lambda w: st.just("/f/series"),
           lambda w: {"name": st.sampled_from(["Itä-Lappi 2027", "Å", ""])}),
    # --- facilitator: groups ---
    Target("grouping.rounds_page", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/rounds"),
           lambda w: {"strategy": st.sampled_from(["mixed", "home", "random", "manual"]),
                      "size_mode": st.sampled_from(["size", "count"]), "size": st.sampled_from(["2", "3", "60"]),
                      "merge_small": flag}),
    Target("grouping.round_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/rounds/{number}/{act}",
                              number=st.one_of(st.sampled_from(["1", "2", "2", "3"]), st.integers(0, 10**30)),
                              act=action(["reroll", "move", "table", "publish", "delete", "rebalance"])),
           lambda w: {"participant": st.sampled_from(ids_of(*(p for p, _t in w.people.values()))),
                      "to": st.sampled_from(["1", "2", "3"]), "group": st.sampled_from(["1", "2"]),
                      "label": st.sampled_from(["Pöytä A", "Ikkunan vieressä", ""])},
           setup=setup_draft),
    Target("grouping.plan_rounds", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/rounds/plan"),
           lambda w: {"rounds": st.sampled_from(["1", "3", "12", "13", "0"]),
                      "plan_size_mode": st.sampled_from(["size", "count"]),
                      "plan_size": st.sampled_from(["2", "3", "60"])}),
    Target("grouping.plan_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/rounds/plan/{act}", act=action(["next", "clear"])),
           setup=setup_plan),
    Target("grouping.mark_absent", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/participants/{pid}/absent",
                              pid=path_id([p for p, _t in w.people.values()], id_pool(w))),
           lambda w: {"absent": st.sampled_from(["1", "0"])}),
    # --- facilitator: flipcharts, voting, presentation ---
    Target("board.moderate", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/board/notes/{nid}/{act}",
                              nid=path_id(list(w.notes.values()), id_pool(w)),
                              act=action(["hide", "unhide", "edit", "merge"])),
           lambda w: {"text": note_text, "target": st.sampled_from(ids_of(*w.notes.values()))}),
    Target("board.remove_participant", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/board/participants/{pid}/remove",
                              pid=path_id([p for p, _t in w.people.values()], id_pool(w)))),
    Target("board.pick", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/board/pick"),
           lambda w: {"group": st.sampled_from(["1", "2"]),
                      "note": st.lists(st.sampled_from(ids_of(*range(1, 12))), min_size=1, max_size=4)},
           setup=setup_tie),
    Target("board.assign_questions", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/board/questions"),
           lambda w: {"mode": st.sampled_from(["same", "per_group", "rotating"]),
                      "question": st.sampled_from(ids_of(*w.questions, *w.questions_b)),
                      "rotate": st.sampled_from(["", "1"])}),
    Target("board.settings", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/board/settings"),
           lambda w: {"allow_vote_stacking": st.sampled_from(["1", "0"])}),
    Target("board.vote_results", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/board/results"),
           lambda w: {"vote_results": st.sampled_from(["live", "reveal", "", "LIVE", "always"]),
                      "next": st.sampled_from(["/f/", "//evil.example", "https://evil.example/", ""])}),
    Target("board.reveal_votes", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/board/reveal"),
           lambda w: {"next": st.sampled_from(["/f/", "//evil.example", "https://evil.example/", ""])}),
    Target("board.voting_control", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/board/voting"),
           lambda w: {"action": st.sampled_from(["open", "close"]), "group": st.sampled_from(["", "1", "2", "3"])}),
    Target("board.present", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/present/{act}",
                              act=action(["start", "next", "prev", "overview", "stop"]))),
    # --- facilitator: plans, polls, results, timer ---
    Target("plans.plan_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/plans/{act}", act=action(["add", "edit", "followup", "delete"])),
           lambda w: {**plan_form(w), "municipality": st.sampled_from(["320", "583", "732", "other", "091"])}),
    Target("polls.polls_page", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/polls"),
           lambda w: {"kind": st.sampled_from(["choice", "words"]),
                      "question": st.sampled_from(["Mitä kuuluu?", "Mikä on tärkeintä?"]),
                      "options": st.sampled_from(["Hyvää\nHuonoa", "Yksi", "A\nA", "\n".join("abcdefghi")]),
                      "show_results": st.sampled_from(["live", "reveal", "", "hidden"])}),
    Target("polls.poll_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/polls/{poll}/{act}",
                              poll=path_id(list(w.polls.values()), id_pool(w)),
                              act=action(["open", "close", "reveal", "results", "delete", "remove-word"])),
           lambda w: {"word": st.sampled_from(["sanap4secret", "yhteistyö", ""]),
                      "show_results": st.sampled_from(["live", "reveal", "", "sometimes"]),
                      "next": st.sampled_from(["/f/", "//evil.example", "https://evil.example/", ""])}),
    Target("results.results_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/results/{act}",
                              act=action(["share", "revoke", "remove-names", "delete"])),
           lambda w: {"confirm": st.sampled_from(["", "yes", "no"])}),
    Target("timer.timer_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/timer/{act}",
                              act=action(["start", "pause", "resume", "extend", "reset"])),
           lambda w: {"minutes": st.sampled_from(["1", "10", "600", "601"]), "label": short_text,
                      "agenda_item": st.sampled_from(ids_of(*w.agenda, *w.agenda_b))}, variant="idle"),
    Target("timer.timer_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/timer/{act}", act=action(["start", "extend"])),
           lambda w: {"minutes": st.sampled_from(["1", "10", "600"]), "label": short_text}, variant="free label"),
    Target("timer.timer_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/timer/{act}",
                              act=action(["pause", "resume", "extend", "start"])),
           lambda w: {"minutes": st.sampled_from(["1", "10", "590"]), "label": short_text},
           variant="running", setup=setup_timer),
    # --- accounts and language ---
    Target("auth.setup", "fresh", lambda w: st.just("/setup"),
           lambda w: {"name": st.sampled_from(["Fasilitaattori", "Å"]),
                      "email": st.sampled_from(["uusi@example.fi", "x@y", "not-an-email"]),
                      "password": st.sampled_from(["correct horse battery", "short"]),
                      "password2": st.sampled_from(["correct horse battery", "other one!!"])},
           empty_world=True),
    Target("auth.login", "fresh",
           lambda w: st.sampled_from(["/login", "/login?next=/f/", "/login?next=//evil.example"]),
           lambda w: {"email": st.sampled_from(["fa@example.fi", "FA@example.fi", "nobody@example.fi"]),
                      "password": st.sampled_from(["wrong password", "x"])}),
    Target("auth.logout", "fresh_facilitator", lambda w: st.just("/logout")),
    Target("main.set_language", "fresh", lambda w: st.just("/lang"),
           lambda w: {"lang": st.sampled_from(["fi", "sv", "en", "de"]),
                      "next": st.sampled_from(["/", "/f/", "//evil.example", "https://evil.example", "/\\evil"])}),
    # --- downloads: their query string ---
    Target("exports.download", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/export.{ext}", ext=st.sampled_from(["csv", "xlsx", "json", "pdf"])),
           lambda w: {"municipality": st.sampled_from(["", "320", "583", "other", "091"])}, method="GET"),
    Target("exports.report", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/report"),
           lambda w: {"municipality": st.sampled_from(["", "320", "583", "other", "091"])}, method="GET"),
]

def secret(w: World, key: str):
    """A secret link's token: session A's (calm), else B's, a guess, a huge or a strange one."""
    mine, theirs = w.outreach["a"][key], w.outreach["b"][key]
    if not _HOSTILE:
        return st.just(mine)
    return st.one_of(st.just(mine), st.just(mine), st.sampled_from([theirs, "guess", "x" * 200, "", "%00"]),
                     any_text.filter(lambda t: "/" not in t))


INVITE_TOKEN = "known-invite-token-for-fuzzing"


def setup_invite(db, s, w):
    """Invitation 1 of session A, for an address without an account, by the link INVITE_TOKEN."""
    now = utcnow()
    db.add(TeamInvite(session_id=s.id, email="uusi@example.fi", role="observer", invited_by_id=w.fac_a,
                      token_hash=hashlib.sha256(INVITE_TOKEN.encode()).hexdigest(), status="pending",
                      created_at=now, expires_at=now + timedelta(days=7)))
    db.commit()


def invite_link(suffix: str = ""):
    """The invitation's link (calm), else a guess, a huge or a strange one."""
    def path(w: World):
        mine = st.just(f"/invite/{INVITE_TOKEN}{suffix}")
        if not _HOSTILE:
            return mine
        return st.one_of(mine, mine, st.sampled_from(["guess", "x" * 200, "%00"]).map(lambda t: f"/invite/{t}{suffix}"),
                         any_text.filter(lambda t: "/" not in t and t).map(lambda t: f"/invite/{segment(t)}{suffix}"))
    return path


def feedback_form(w: World) -> dict:
    return {"overall": st.sampled_from(["1", "3", "5", ""]), "most_useful": note_text, "should_change": short_text,
            "come_again": st.sampled_from(["yes", "maybe", "no", ""]), "extra": short_text}


TARGETS += [
    # --- registration before the evening ---
    Target("registration.register", "fresh",
           lambda w: secret(w, "reg_token").map(lambda t: f"/register/{segment(t)}"),
           lambda w: {"name": st.sampled_from(["Reija Rekisteröityjä", "Å", ""]),
                      "email": st.sampled_from(["uusi@example.fi", "reg-a@example.fi", "x@y", ""]),
                      "phone": st.sampled_from(["040 123 4567", "", "+358-40"]),
                      "municipality": st.sampled_from(["320", "583", "other", "091"]),
                      "organisation": short_text, "background": st.sampled_from(BACKGROUNDS),
                      "diets": st.lists(st.sampled_from(["vegan", "gluten_free", "milk_free", "x"]), max_size=3),
                      "diet_other": short_text, "accessibility": short_text, "consent": flag}),
    Target("registration.cancel_mine", "fresh",
           lambda w: secret(w, "reg_secret").map(lambda t: f"/registration/{segment(t)}/cancel")),
    Target("registration.organiser_page", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/registrations"),
           lambda w: {"closes_at": st.sampled_from(["", "2026-11-30T23:59", "2020-01-01T00:00"]),
                      "capacity": st.sampled_from(["", "1", "100", "5000", "5001"])}),
    Target("registration.stop", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/registrations/stop")),
    Target("registration.organiser_cancel", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/registrations/{reg}/cancel",
                              reg=path_id([w.outreach["a"]["reg_id"]], id_pool(w) + [str(w.outreach["b"]["reg_id"])]))),
    Target("registration.door_match", "fresh", lambda w: phone(w, "/registered"),
           lambda w: {"door-lookup": st.sampled_from([w.outreach["a"]["reg_code"], w.outreach["b"]["reg_code"],
                                                      "reg-a@example.fi", "REG-A@EXAMPLE.FI", "nobody"])}),
    # A browser that has opened the workshop (here: a participant's) gets its code looked up.
    Target("registration.door_match", "participant", lambda w: phone(w, "/registered"),
           lambda w: {"door-lookup": st.sampled_from([w.outreach["a"]["reg_code"], w.outreach["b"]["reg_code"],
                                                      w.outreach["a"]["reg_code"].lower(), "reg-a@example.fi",
                                                      "nobody"])}, variant="opened"),
    Target("registration.arrive", "fresh",
           lambda w: secret(w, "reg_secret").map(lambda t: f"/registration/{segment(t)}/arrive")),
    # --- feedback ---
    Target("feedback.organiser_page", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/feedback"),
           lambda w: {**{f"{k}_on": flag for k in ("overall", "most_useful", "should_change", "come_again")},
                      **{f"{k}_text": short_text for k in ("overall", "most_useful", "should_change", "come_again")},
                      "extra": short_text, "closes_at": st.sampled_from(["", "2027-01-31T23:59"])}),
    Target("feedback.share", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/feedback/link"),
           lambda w: {"share": st.sampled_from(["1", "0"])}),
    Target("feedback.phone_answer", "participant", lambda w: phone(w, "/feedback"), feedback_form),
    Target("feedback.by_link", "fresh",
           lambda w: secret(w, "feedback_token").map(lambda t: f"/feedback/{segment(t)}"), feedback_form),
    # --- campaigns ---
    Target("campaigns.organiser_page", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/campaigns"),
           lambda w: {"carpool": flag, "good_deed": flag}),
    Target("campaigns.organiser_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/campaigns/{act}",
                              act=action(["delete-carpool", "pick", "hide", "show", "open-voting", "close-voting"])),
           lambda w: {"id": st.sampled_from(ids_of(w.outreach["a"]["car"], w.outreach["a"]["nomination"],
                                                   w.outreach["b"]["car"], w.outreach["b"]["nomination"]))}),
    Target("campaigns.screen_panel", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/screen-panel"),
           lambda w: {"panel": st.sampled_from(["", "feedback_results", "carpool", "good_deed"]),
                      "back": st.sampled_from(["feedback", "campaigns", "facilitator", "//evil"])}),
    Target("campaigns.report_carpool", "fresh",
           lambda w: secret(w, "campaign_token").map(lambda t: f"/campaign/{segment(t)}/carpool"),
           lambda w: {"car-name": st.sampled_from(["Kimppakyyti", "Å", ""]),
                      "car-municipality": st.sampled_from(["", "320", "583", "091"]),
                      "car-passengers": st.sampled_from(["1", "4", "9", "10"]),
                      "car-kilometres": st.sampled_from(["1", "85", "1000", "1001"])}),
    Target("campaigns.nominate", "fresh",
           lambda w: secret(w, "campaign_token").map(lambda t: f"/campaign/{segment(t)}/nominate"),
           lambda w: {"nom-nominee": st.sampled_from(["Kylätoimikunta", "Å", ""]), "nom-deed": note_text,
                      "nom-municipality": st.sampled_from(["", "320", "091"])}),
    Target("campaigns.phone_vote", "participant", lambda w: phone(w, "/good-deed"),
           lambda w: {"nomination": st.sampled_from(ids_of(w.outreach["a"]["nomination"],
                                                           w.outreach["b"]["nomination"]))}),
    # --- reuse, team, common themes, people without a phone ---
    Target("reuse.duplicate", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/duplicate"),
           lambda w: {"title": short_text}),
    Target("reuse.save_template", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/template"),
           lambda w: {"name": short_text}),
    Target("reuse.use_template", "facilitator",
           lambda w: st.sampled_from(["1", "2", "0", "x"]).map(lambda t: f"/f/templates/{t}/use"),
           lambda w: {"title": short_text}, setup=setup_template),
    Target("reuse.delete_template", "facilitator",
           lambda w: st.sampled_from(["1", "2", "0"]).map(lambda t: f"/f/templates/{t}/delete"), setup=setup_template),
    Target("reuse.next_in_series", "facilitator",
           lambda w: st.sampled_from([str(w.series), "0", "999999"]).map(lambda t: f"/f/series/{t}/next"),
           lambda w: {"title": short_text}),
    Target("grouping.add_without_phone", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/participants/add"),
           lambda w: {"municipality": st.sampled_from(["320", "583", "other", "091", ""]),
                      "background": st.sampled_from(["ngo", "resident", "x", ""]), "first_name": short_text}),
    Target("team.team_page", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/team"),
           lambda w: {"email": st.sampled_from(["fb@example.fi", "FB@example.fi ", "fa@example.fi", "x", ""]),
                      "role": st.sampled_from(["facilitator", "assistant", "observer", "owner", ""])}),
    Target("team.member_action", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/team/{m}/{act}", m=st.sampled_from(["1", "2", "3", "99"]),
                              act=action(["role", "remove"])),
           lambda w: {"role": st.sampled_from(["facilitator", "assistant", "observer", "owner", ""])}),
    Target("team.invite", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/team/invites"),
           lambda w: {"email": st.sampled_from(["uusi@example.fi", "FB@example.fi ", "fa@example.fi", "x", ""]),
                      "role": st.sampled_from(["facilitator", "assistant", "observer", "owner", ""])}),
    Target("team.revoke_invite", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/team/invites/{i}/revoke", i=st.sampled_from(["1", "2", "99"])),
           setup=setup_invite),
    Target("team_invite.accept", "facilitator", invite_link(), setup=setup_invite),
    Target("team_invite.join", "fresh", invite_link("/join"),
           # the simplest form is refused (a short password), so the sweep tries each field before one succeeds
           lambda w: {"name": short_text, "password": st.sampled_from(["lyhyt", worlds.PASSWORD, ""]),
                      "password2": st.sampled_from([worlds.PASSWORD, "toinen salasana", ""])}, setup=setup_invite),
    Target("themes.find", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/themes/find"),
           lambda w: {"round": st.sampled_from(["", "1", "2", "999", "x"])}),
    Target("themes.rename", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/themes/{t}/rename", t=st.sampled_from(["1", "2", "99"])),
           lambda w: {"label": st.one_of(short_text, note_text)}, setup=setup_themes),
    Target("themes.merge", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/themes/merge"),
           lambda w: {"theme": st.lists(st.sampled_from(["1", "2", "99", "x"]), max_size=3)}, setup=setup_themes),
    Target("themes.drop", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/themes/{t}/drop", t=st.sampled_from(["1", "2", "99"])),
           setup=setup_themes),
    Target("themes.move", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/themes/{t}/move", t=st.sampled_from(["1", "2", "99"])),
           lambda w: {"direction": st.sampled_from(["up", "down", ""])}, setup=setup_themes),
    Target("themes.show", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/themes/show"),
           lambda w: {"shown": st.sampled_from(["1", "0", ""])}, setup=setup_themes),
    Target("qa.settings", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/qa/settings"),
           lambda w: {"named": st.sampled_from(["1", "0", ""]), "results": st.sampled_from(["live", "reveal", "", "x"])}),
    Target("qa.reveal", "facilitator", lambda w: sid_path(w, "/f/sessions/{sid}/qa/reveal")),
    Target("qa.moderate", "facilitator",
           lambda w: sid_path(w, "/f/sessions/{sid}/qa/{q}/{act}", q=st.sampled_from(["1", "2", "99"]),
                              act=action(["pin", "unpin", "answer", "unanswer", "hide", "unhide", "approve", "merge"])),
           lambda w: {"target": st.sampled_from(["1", "2", "99", "x", ""])}, setup=setup_qa),
]

# Routes without a form or query string to fuzz (plain pages; the authorisation matrix covers them).
NO_INPUT = {
    "static", "main.healthz", "facilitator.dashboard",
    "facilitator.session_page", "board.board_page", "grouping.round_page", "plans.plans_page",
    "exports.report_pdf", "results.results_page", "screen.screen", "screen.qr",
    "registration.mine", "registration.qr", "exports.registrations", "campaigns.public_page", "campaigns.qr",
    "main.accessibility", "main.privacy", "grouping.table_cards", "themes.themes_page", "reuse.templates",
    "team_invite.invite_page",
    "qa.qa_page",
}


def make_client(app, w: World, actor: str):
    if actor == "participant":
        return worlds.participant_client(app, w.sid_a, w.token("p1"))
    if actor in ("facilitator", "fresh_facilitator"):
        return worlds.facilitator_client(app, w, "a")
    return worlds.lang_client(app)


def csrf_page(actor: str) -> str:
    return "/f/" if actor in ("facilitator", "fresh_facilitator") else "/"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return worlds.build_template(tmp_path_factory.mktemp("world"))


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_http_form_fuzz(template, tmp_path, target: Target):
    w = template.world
    app = worlds.make_app(template, tmp_path, empty=target.empty_world)
    if target.setup:
        with app.app_context():
            db = get_db()
            target.setup(db, db.get(Session, w.sid_a), w)
    shared = None if target.actor.startswith("fresh") else make_client(app, w, target.actor)
    shared_token = worlds.fetch_csrf(shared, csrf_page(target.actor)) if shared else None
    pool = id_pool(w)

    calm, hostile = build_path(target, w, False), build_path(target, w, True)

    def run(path, form, csrf):
        limiter.reset()  # failed logins and code guesses are rate-limited: keep fuzzing past the limit
        form = fresh_client_id(form, counter)
        client = shared or make_client(app, w, target.actor)
        token = shared_token or worlds.fetch_csrf(client, csrf_page(target.actor))
        before = worlds.snapshot(app)
        if target.method == "GET":
            query = encode(form).decode()
            response = client.get(path + ("?" + query if query else ""))
        else:
            if csrf == "valid":
                form = {"csrf_token": token, **form}
            elif csrf == "garbled":
                form = {"csrf_token": token[::-1], **form}
            response = client.post(path, data=encode(form), content_type="application/x-www-form-urlencoded")
        where = f"{target.id} POST {path[:120]!r}"
        outcome = worlds.classify(client, response)
        stats[f"{'refused' if outcome.refused else 'accepted'} {outcome.status}"] += 1
        after = worlds.snapshot(app)
        if outcome.refused:
            worlds.check_refusal_messages(outcome, where)
            assert worlds.changed_tables(before, after) == [], f"{where}: refused, yet the database changed"
        elif before != after:
            assert worlds.unstorable_values(app) == [], f"{where}: stored control characters or surrogates"

    test = given(path=st.one_of(calm, calm, hostile), form=mutated_form(target.fields(w), pool),
                 csrf=st.sampled_from(["valid"] * 18 + ["missing", "garbled"]))(run)
    base_path, base_form = simplest(calm), simplest(st.fixed_dictionaries(target.fields(w)))
    for form in sweep(base_form, SWEEP_HTTP):
        test = example(path=base_path, form=form, csrf="valid")(test)
    stats, counter = Counter(), itertools.count()
    settings(max_examples=HTTP_EXAMPLES, **SETTINGS)(test)()
    write_stats(target.id, stats)


def write_stats(name: str, stats: Counter) -> None:
    if STATS_FILE:
        with open(STATS_FILE, "a") as fh:
            fh.write(f"{name}: {sum(stats.values())} examples, {dict(sorted(stats.items()))}\n")


# --- Socket.IO targets ----------------------------------------------------------------------------

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                      st.floats(allow_nan=True, allow_infinity=True), evil_text)
json_any = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=6)


@st.composite
def mutated_payload(draw, fields: dict, pool: list[int]):
    """Like mutated_form, with JSON values: wrong types, nesting, huge and non-finite numbers."""
    mode = draw(st.sampled_from(["valid", "one", "one", "one", "mutate", "mutate", "other"]))
    if mode == "other":
        return draw(json_any)
    chosen = draw(st.sampled_from(sorted(fields))) if mode == "one" and fields else None
    out = {}
    for name, strategy in fields.items():
        value = draw(strategy)
        if mode == "valid" or (mode == "one" and name != chosen):
            out[name] = value
            continue
        op = draw(st.sampled_from(["drop", "leaf", "leaf", "id", "number", "number", "number", "nested", "huge"]
                                  if mode == "one" else ["keep", "drop", "leaf", "leaf", "id", "number", "nested",
                                                         "huge"]))
        if op == "keep":
            out[name] = value
        elif op == "leaf":
            out[name] = draw(json_leaf)
        elif op == "id":
            out[name] = draw(st.sampled_from(pool))
        elif op == "number":
            out[name] = draw(st.one_of(st.integers(-10**30, 10**30), st.sampled_from(
                [-1, 0, 2**31, 2**63, -2**63 - 1, 10**40, 1.5, math.inf, math.nan])))
        elif op == "nested":
            out[name] = draw(json_any)
        elif op == "huge":
            out[name] = draw(huge_text)
    if mode == "mutate" and draw(st.booleans()):
        out[draw(st.sampled_from(["session", "participant", "group", "__proto__"]))] = draw(json_leaf)
    return out


@dataclass
class SocketTarget:
    event: str
    fields: Callable[[World], dict] = field(default=lambda w: {})
    always_ok: bool = False  # answers its current state to any payload
    variant: str = ""
    setup: Callable | None = None

    @property
    def id(self) -> str:
        return self.event + (f"[{self.variant}]" if self.variant else "")


def note_ids(w: World) -> st.SearchStrategy:
    return st.sampled_from(list(w.notes.values()) + [w.notes["own"]] * 3)


SOCKET_TARGETS = [
    SocketTarget("note_add", lambda w: {"client_id": client_id, "text": note_text}),
    SocketTarget("note_edit", lambda w: {"id": note_ids(w), "text": note_text}),
    SocketTarget("note_delete", lambda w: {"id": note_ids(w)}),
    SocketTarget("vote", lambda w: {"note_id": note_ids(w), "on": st.booleans()}, variant="voting",
                 setup=setup_voting),
    SocketTarget("note_add", lambda w: {"client_id": client_id, "text": note_text, "member": member_tag(w)},
                 variant="scribe", setup=setup_scribe),
    SocketTarget("vote", lambda w: {"note_id": note_ids(w), "on": st.booleans(), "member": member_tag(w)},
                 variant="scribe", setup=setup_scribe_voting),
    SocketTarget("plan_save", lambda w: {
        "what": note_text, "owner": short_text, "due": short_text, "status": st.sampled_from(PLAN_STATUSES),
        "source_note_id": st.sampled_from([None, *w.notes.values()]),
        "id": st.sampled_from([None, None, *w.items.values()])}),
    SocketTarget("plan_followup", lambda w: {"id": st.sampled_from(list(w.items.values())),
                                             "status": st.sampled_from(PLAN_STATUSES), "comment": short_text}),
    SocketTarget("poll_answer", lambda w: {"poll": st.sampled_from([w.polls["choice"]] * 3 + list(w.polls.values())),
                                           "choice": st.sampled_from([0, 1, 2]),
                                           "text": st.sampled_from(["yhteistyö", "nuoret"])}, variant="choice"),
    SocketTarget("poll_answer", lambda w: {"poll": st.sampled_from([w.polls["words"]] * 3 + list(w.polls.values())),
                                           "text": st.sampled_from(["yhteistyö", "nuoret", "hyvä ilmapiiri"])},
                 variant="words", setup=setup_words),
    SocketTarget("qa_ask", lambda w: {"text": note_text, "name": short_text}, setup=setup_qa),
    SocketTarget("qa_upvote", lambda w: {"question": st.sampled_from([1, 2, 2, 99, "1", "x", None])}, setup=setup_qa),
    SocketTarget("sync", always_ok=True),
    SocketTarget("ping_here", always_ok=True),
    SocketTarget("poll_state", always_ok=True),
]

SOCKET_LIFECYCLE = {"connect", "disconnect"}  # covered by the authorisation matrix


def connect_all(app, w: World) -> dict:
    phone_http = worlds.participant_client(app, w.sid_a, w.token("p1"))
    fac_http = worlds.facilitator_client(app, w, "a")
    sockets = {
        "participant": worlds.socket_client(app, phone_http, {"role": "participant", "session": w.sid_a}),
        "facilitator": worlds.socket_client(app, fac_http, {"role": "facilitator", "session": w.sid_a}),
        "screen": worlds.socket_client(app, worlds.lang_client(app), {"role": "screen", "token": w.screen_a}),
    }
    assert all(s.is_connected() for s in sockets.values()), {k: s.is_connected() for k, s in sockets.items()}
    return sockets


@pytest.mark.parametrize("target", SOCKET_TARGETS, ids=lambda t: t.id)
def test_socket_event_fuzz(template, tmp_path, target: SocketTarget):
    w = template.world
    app = worlds.make_app(template, tmp_path)
    if target.setup:
        with app.app_context():
            db = get_db()
            target.setup(db, db.get(Session, w.sid_a), w)
    sockets = connect_all(app, w)
    pool = [int(i) for i in id_pool(w)]

    def run(role, payload, arity):
        limiter.reset()  # votes, plans and poll answers are rate-limited per participant
        payload = fresh_client_id(payload, counter)
        sio = sockets[role]
        args = [] if arity == 0 else [payload] if arity == 1 else [payload, payload]
        where = f"{target.id} from {role}: {json.dumps(payload, default=str)[:200]}"
        before = worlds.snapshot(app)
        with worlds.ErrorTrap() as trap:
            ack = sio.emit(target.event, *args, callback=True)
        trap.check(where)
        after = worlds.snapshot(app)
        sio.get_received()
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), f"{where}: no proper ack: {ack!r}"
        stats[f"{role} {'ok' if ack['ok'] else 'refused'}"] += 1
        if target.always_ok:
            assert ack["ok"] is True, f"{where}: {ack!r}"
        if not ack["ok"]:
            worlds.check_message(ack.get("error"), where)
            assert worlds.changed_tables(before, after) == [], f"{where}: refused, yet the database changed"
        elif before != after:
            assert role == "participant", f"{where}: a {role} socket changed the database"
            assert worlds.unstorable_values(app) == [], f"{where}: stored control characters or surrogates"

    test = given(role=st.sampled_from(["participant"] * 4 + ["facilitator", "screen"]),
                 payload=mutated_payload(target.fields(w), pool), arity=st.sampled_from([1] * 8 + [0, 2]))(run)
    base = simplest(st.fixed_dictionaries(target.fields(w)))
    for payload in sweep(base, SWEEP_SOCKET) + [base]:
        test = example(role="participant", payload=payload, arity=1)(test)
    for role in ("facilitator", "screen"):
        test = example(role=role, payload=base, arity=1)(test)
    stats, counter = Counter(), itertools.count()
    settings(max_examples=SOCKET_EXAMPLES, **SETTINGS)(test)()
    write_stats(target.id, stats)


# --- every route and event is covered -------------------------------------------------------------

def _live_app(template, tmp_path):
    return worlds.make_app(template, tmp_path)


def test_every_form_has_a_fuzz_target(template, tmp_path):
    """A new POST route (or a GET with a query string) fails here until it gets a Target above."""
    app = _live_app(template, tmp_path)
    fuzzed = {t.endpoint for t in TARGETS}
    missing = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if "POST" in methods and rule.endpoint not in fuzzed:
            missing.append(f"{rule.rule} POST ({rule.endpoint})")
        elif methods == {"GET"} and rule.endpoint not in fuzzed and rule.endpoint not in NO_INPUT:
            missing.append(f"{rule.rule} GET ({rule.endpoint}): add a Target or list it in NO_INPUT")
    assert missing == [], "routes without a fuzz target:\n" + "\n".join(sorted(missing))
    stale = fuzzed - {r.endpoint for r in app.url_map.iter_rules()}
    assert stale == set(), f"fuzz targets of routes that no longer exist: {stale}"


def test_every_socket_event_has_a_fuzz_target(template, tmp_path):
    _live_app(template, tmp_path)
    events = set(socketio.server.handlers.get("/", {})) - SOCKET_LIFECYCLE
    fuzzed = {t.event for t in SOCKET_TARGETS}
    assert events - fuzzed == set(), f"Socket.IO events without a fuzz target: {sorted(events - fuzzed)}"
    assert fuzzed - events == set(), f"fuzz targets of events that no longer exist: {sorted(fuzzed - events)}"
    assert set(socketio.server.handlers) == {"/"}, f"new namespaces need targets: {sorted(socketio.server.handlers)}"
