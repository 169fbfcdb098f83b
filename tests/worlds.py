"""A populated evening for the fuzz and authorisation tests, built once and copied per test.

Two facilitators (A owns sessions A and A0, B owns session B), participants in published groups,
notes (one hidden), polls, plans and a series, all with unique marker strings so a leak is easy to
spot. `make_app` copies the ready SQLite file, so each target starts from the same state in
milliseconds; cookies (participant tokens, facilitator login) stay valid because the secret key
and the rows are the same.

Also the oracles the two test modules share: database snapshots, the "refused with a clear,
translated message" check for HTTP responses and Socket.IO acknowledgements, and a trap that turns
any exception in a Socket.IO handler into a test failure.
"""
from __future__ import annotations

import hashlib
import html as html_lib
import logging
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import text

from workshop import create_app
from workshop.accounts import service as auth
from workshop.cli import upgrade_database
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.grouping.service import RoundSettings
from workshop.models import Participant, SessionMember
from workshop.plans import service as plans
from workshop.polls import service as polls
from workshop.sessions import service as sessions
from workshop.sessions.service import JoinData, SessionSpec, ThemeSpec

from .helpers import PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parent.parent
SECRET = "worlds-test-secret-key"
LANG = "fi"


# --- the world ------------------------------------------------------------------------------------

TEAM = {"co": "facilitator", "assistant": "assistant", "observer": "observer"}  # session A's team


@dataclass
class World:
    """Ids, codes and secrets of the populated database (all plain values, usable in any app)."""
    fac_a: int = 0
    fac_b: int = 0
    series: int = 0
    sid_a: int = 0
    sid_a0: int = 0  # facilitator A's earlier, closed workshop of the same series
    sid_b: int = 0
    code_a: str = ""
    code_b: str = ""
    screen_a: str = ""
    screen_b: str = ""
    # participants of A: name → (id, token); p1–p3 in group 1, p4–p6 in group 2
    people: dict = field(default_factory=dict)
    people_b: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)  # group number → participant ids (session A)
    notes: dict = field(default_factory=dict)  # label → note id
    polls: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)  # plan items
    agenda: list = field(default_factory=list)  # agenda item ids of A
    agenda_b: list = field(default_factory=list)
    questions: list = field(default_factory=list)  # question ids of A
    questions_b: list = field(default_factory=list)
    fac_cookies: dict = field(default_factory=dict)  # "a"/"b" → the logged-in "paja" session cookie
    # Before and after the evening (registrations, feedback link, campaigns) of sessions A and B.
    outreach: dict = field(default_factory=dict)
    # Strings that only the people entitled to them may ever receive.
    secrets: dict = field(default_factory=dict)

    def pid(self, name: str) -> int:
        return self.people[name][0]

    def token(self, name: str) -> str:
        return self.people[name][1]


NAMES_A = {  # label → (municipality, first name); group 1 = p1–p3, group 2 = p4–p6
    "p1": ("320", "Aino_a1"), "p2": ("583", "Bertta_a2"), "p3": ("732", "Cecilia_a3"),
    "p4": ("320", "Daniel_a4"), "p5": ("583", "Eetu_a5"), "p6": ("732", "Fanni_a6"),
}
NAMES_B = {"q1": ("320", "Xerxes_b1"), "q2": ("583", "Ylva_b2")}

TEXTS = {
    "own": "A-G1-P1-OWN note",  # p1's own note (group 1)
    "mate": "A-G1-P2-MATE note",  # p2's note (group 1)
    "hidden": "A-G1-HIDDEN-SECRET",  # p2's note hidden by the facilitator
    "g2": "A-G2-DRAFT-SECRET",  # p4's note in group 2
    "b": "B-NOTE-SECRET",  # a note in facilitator B's workshop
}


def _config(path: Path) -> dict:
    return {
        "TESTING": True,
        "PROPAGATE_EXCEPTIONS": True,
        "INSTANCE_PATH": str(path.parent),
        "DATABASE_URL": f"sqlite:///{path}",
        "SECRET_KEY": SECRET,
        "PAJA_ASYNC_MODE": "threading",
        "AWAY_AFTER_SECONDS": 0.3,
        "LOBBY_EVERY_SECONDS": 0,  # every lobby change at once (coalescing: tests/live/test_live.py)
    }


def _spec(title, when, series=None, municipalities=("320", "583", "732"), questions=("Q1", "Q2")):
    return SessionSpec(title=title, starts_at=when, host_municipality=municipalities[0],
                       municipalities=list(municipalities),
                       themes=[ThemeSpec("Osaaminen", list(questions))],
                       agenda=[("Info", 50), ("Ryhmätyö", 90)], series_id=series)


def _populate(app) -> World:
    w = World()
    with app.app_context():
        db = get_db()
        fa = auth.create_facilitator(db, "fa@example.fi", "Fasilitaattori A", PASSWORD)
        fb = auth.create_facilitator(db, "fb@example.fi", "Fasilitaattori B", PASSWORD)
        w.fac_a, w.fac_b = fa.id, fb.id
        series = plans.create_series(db, fa.id, "Itä-Lappi")
        w.series = series.id

        a0 = sessions.create_session(db, fa.id, _spec("A0 aiempi", datetime(2026, 5, 1, 17, 30), series.id))
        w.items["a0_320"] = plans.create_item(db, a0, "320", plans.ItemData(what="A0-FOLLOWUP-320")).id
        w.items["a0_583"] = plans.create_item(db, a0, "583", plans.ItemData(what="A0-FOLLOWUP-583")).id
        sessions.close_session(db, a0)
        w.sid_a0 = a0.id

        a = sessions.create_session(db, fa.id, _spec("Itä-Lapin paja", datetime(2026, 12, 1, 17, 30), series.id,
                                                     questions=("A-Q1 Mihin keskitytään?", "A-Q2 Kuka tekee?")))
        w.sid_a, w.code_a, w.screen_a = a.id, a.join_code, a.screen_token
        w.agenda = [i.id for i in a.agenda]
        w.questions = [q.id for t in a.themes for q in t.questions]
        for label, (muni, name) in NAMES_A.items():
            p, token = sessions.join(db, a, JoinData(muni, "ngo", first_name=name, names_consented=True))
            w.people[label] = (p.id, token)
        r = rounds.create_round(db, a, RoundSettings("manual", group_count=2))
        rounds.publish_round(db, a, r)
        rounds.assign_questions(db, a, r, "same", w.questions[0])
        w.groups = {g.number: [m.participant_id for m in g.members] for g in r.groups}
        assert w.groups[1] == [w.pid(x) for x in ("p1", "p2", "p3")], w.groups
        sessions.set_phase(db, a, "groupwork")

        def person(label):
            return db.get(Participant, w.pid(label))

        w.notes["own"] = flipchart.add_note(db, a, person("p1"), "client-own-0001", TEXTS["own"])[0].id
        w.notes["mate"] = flipchart.add_note(db, a, person("p2"), "client-mate-001", TEXTS["mate"])[0].id
        hidden = flipchart.add_note(db, a, person("p2"), "client-hide-001", TEXTS["hidden"])[0]
        flipchart.set_hidden(db, a, hidden, True)
        w.notes["hidden"] = hidden.id
        w.notes["g2"] = flipchart.add_note(db, a, person("p4"), "client-g2-00001", TEXTS["g2"])[0].id

        words = polls.create_poll(db, a, "words", "A-WORDS question?")
        polls.open_poll(db, a, words)
        polls.answer(db, a, person("p4"), words.id, text="SANAP4SECRET")
        choice = polls.create_poll(db, a, "choice", "A-CHOICE question?", ["Kyllä", "Ei"])
        polls.open_poll(db, a, choice)  # closes the words poll
        polls.answer(db, a, person("p2"), choice.id, choice=1)
        w.polls.update(words=words.id, choice=choice.id)
        w.items["a_320"] = plans.create_item(db, a, "320", plans.ItemData(what="A-PLAN-320")).id
        w.items["a_583"] = plans.create_item(db, a, "583", plans.ItemData(what="A-PLAN-583-SECRET")).id

        b = sessions.create_session(db, fb.id, _spec("B:n paja", datetime(2026, 12, 2, 17, 30),
                                                     municipalities=("320", "583"), questions=("B-Q1?",)))
        w.sid_b, w.code_b, w.screen_b = b.id, b.join_code, b.screen_token
        w.agenda_b = [i.id for i in b.agenda]
        w.questions_b = [q.id for t in b.themes for q in t.questions]
        for label, (muni, name) in NAMES_B.items():
            p, token = sessions.join(db, b, JoinData(muni, "officer", first_name=name, names_consented=True))
            w.people_b[label] = (p.id, token)
        rb = rounds.create_round(db, b, RoundSettings("manual", group_count=1))
        rounds.publish_round(db, b, rb)
        sessions.set_phase(db, b, "groupwork")
        w.notes["b"] = flipchart.add_note(db, b, db.get(Participant, w.people_b["q1"][0]), "client-b-000001",
                                      TEXTS["b"])[0].id
        poll_b = polls.create_poll(db, b, "choice", "B-POLL-SECRET?", ["Yksi", "Kaksi"])
        polls.open_poll(db, b, poll_b)
        w.polls["b"] = poll_b.id
        w.items["b_320"] = plans.create_item(db, b, "320", plans.ItemData(what="B-PLAN-SECRET")).id

    with app.app_context():
        _populate_outreach(get_db(), w)

    w.secrets = {
        "hidden": TEXTS["hidden"], "g2": TEXTS["g2"], "b_note": TEXTS["b"], "b_poll": "B-POLL-SECRET",
        "b_plan": "B-PLAN-SECRET", "b_title": "B:n paja", "other_words": "SANAP4SECRET",
        "other_municipality_plan": "A-PLAN-583-SECRET",
        **{f"name_{k}": v[1] for k, v in {**NAMES_A, **NAMES_B}.items()},
        "registrant": "Reeta_r1", "registrant_b": "B-REGISTRANT-SECRET", "nominee_b": "B-NOMINEE-SECRET",
    }

    # Session A's team: a co-facilitator, an assistant and an observer (tests/team, the authorisation matrix).
    with app.app_context():
        db = get_db()
        for key, role in TEAM.items():
            member = auth.create_facilitator(db, f"{key}@example.fi", f"Tiimi {key}", PASSWORD)
            db.add(SessionMember(session_id=w.sid_a, facilitator_id=member.id, role=role))
        db.commit()

    for key, email in (("a", "fa@example.fi"), ("b", "fb@example.fi"), *((k, f"{k}@example.fi") for k in TEAM)):
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        w.fac_cookies[key] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    return w


def _populate_outreach(db, w: World) -> None:
    """Registration open (one registrant), the feedback link shared, campaigns on (a car, a nomination,
    voting open) in A; the same kind of rows in B."""
    from workshop.campaigns import service as campaigns
    from workshop.feedback import service as feedback
    from workshop.models import Session
    from workshop.registration import service as registrations
    from workshop.registration.service import RegistrationData
    o = w.outreach
    for key, sid, name, nominee in (("a", w.sid_a, "Reeta_r1", "Hyvä Naapuri"),
                                     ("b", w.sid_b, "B-REGISTRANT-SECRET", "B-NOMINEE-SECRET")):
        s = db.get(Session, sid)
        registrations.open_registration(db, s, None, 100)
        reg, secret = registrations.register(db, s, RegistrationData(
            name=name, municipality="320", background="ngo", email=f"reg-{key}@example.fi"))
        feedback.share_link(db, s, True)
        campaigns.configure(db, s, True, True)
        car = campaigns.report_carpool(db, s, f"Kimppa {key}", 3, 40, "320")
        nomination = campaigns.nominate(db, s, nominee, "Toi järjestöt ja kunnan yhteen.", "320")
        campaigns.set_voting(db, s, True)
        o[key] = {"reg_token": registrations.settings_of(s).token, "reg_secret": secret, "reg_id": reg.id,
                  "reg_code": reg.code, "feedback_token": feedback.settings_of(s).token,
                  "campaign_token": campaigns.settings_of(s).token, "car": car.id,
                  "nomination": nomination.id}


@dataclass
class Template:
    world: World
    full: Path  # the populated database
    empty: Path  # schema only: no facilitator yet (first-run set-up)


def _checkpoint(app) -> None:
    engine = app.extensions["paja_engine"]
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()


def build_template(folder: Path) -> Template:
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "empty.sqlite3"
    app = create_app(_config(empty))
    with app.app_context():
        upgrade_database()
    _checkpoint(app)
    full = folder / "full.sqlite3"
    shutil.copy(empty, full)
    app = create_app(_config(full))
    world = _populate(app)
    _checkpoint(app)
    return Template(world, full, empty)


def make_app(template: Template, folder: Path, empty: bool = False):
    """A fresh app on a private copy of the template database."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "test.sqlite3"
    shutil.copy(template.empty if empty else template.full, path)
    return create_app(_config(path))


# --- clients --------------------------------------------------------------------------------------

def lang_client(app):
    client = app.test_client()
    client.set_cookie("paja_lang", LANG)
    return client


def participant_client(app, session_id: int, token: str):
    client = lang_client(app)
    client.set_cookie(f"paja_p{session_id}", token)
    return client


def facilitator_client(app, world: World, which: str = "a"):
    client = lang_client(app)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], world.fac_cookies[which])
    return client


def fetch_csrf(client, url: str = "/") -> str:
    return csrf_token(client.get(url).get_data(as_text=True))


def socket_client(app, flask_client, auth):
    return socketio.test_client(app, auth=auth, flask_test_client=flask_client)


# --- database snapshots ---------------------------------------------------------------------------

def snapshot(app) -> dict[str, tuple[int, str]]:
    """Every table (whatever tables exist now, new ones included): row count and a content hash."""
    result = {}
    with app.extensions["paja_engine"].connect() as conn:
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table}"').fetchall()
            digest = hashlib.sha256()
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode("utf-8", "surrogatepass"))
            result[table] = (len(rows), digest.hexdigest()[:16])
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


# Characters that must never be stored: C0 controls (except tab and line breaks), DEL, and lone
# surrogates (PostgreSQL refuses NUL in text, and no database can encode a lone surrogate as UTF-8).
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def unstorable_values(app) -> list[tuple[str, str]]:
    found = []
    with app.extensions["paja_engine"].connect() as conn:
        tables = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str) and UNSTORABLE.search(value):
                        found.append((table, value[:80]))
    return found


# --- "a clear, translated message" ----------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|%[sdif]|\{[a-z_]*\}")


def _pattern(msgid: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(msgid)
    return re.compile(r"\s*" + ".+?".join(re.escape(p) for p in parts) + r"\s*\Z", re.DOTALL)


def _english_patterns() -> list[re.Pattern]:
    """Every English source text that has a different Finnish translation (app and WTForms)."""
    catalogs = [ROOT / "workshop" / "translations" / "fi" / "LC_MESSAGES" / "messages.po"]
    import wtforms
    catalogs.append(Path(wtforms.__file__).parent / "locale" / "fi" / "LC_MESSAGES" / "wtforms.po")
    patterns = []
    for path in catalogs:
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale="fi")
        for message in catalog:
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            strs = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            for msgid in ids:
                if msgid and len(msgid) >= 8 and all(s and s != msgid for s in strs):
                    patterns.append(_pattern(msgid))
    return patterns


ENGLISH = _english_patterns()


def is_english(message: str) -> bool:
    return any(p.match(message) for p in ENGLISH)


def check_message(message, where: str) -> None:
    """A refusal's message: a non-empty string, no traceback, and in Finnish (the fi locale)."""
    assert isinstance(message, str) and message.strip(), f"{where}: refusal without a message: {message!r}"
    assert "Traceback" not in message and "Error" not in message, f"{where}: internal error shown: {message!r}"
    assert not is_english(message), f"{where}: message not translated to Finnish: {message!r}"


_TAG = re.compile(r"<[^>]+>")
_ERROR_BLOCKS = (
    re.compile(r'<p class="flash flash-error">(.*?)</p>', re.DOTALL),
    re.compile(r'<ul class="field-errors"[^>]*>(.*?)</ul>', re.DOTALL),
    re.compile(r'<p class="field-errors"[^>]*>(.*?)</p>', re.DOTALL),
    re.compile(r'<(?:p|div) class="form-error"[^>]*>(.*?)</(?:p|div)>', re.DOTALL),
)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)


def _clean(fragment: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub(" ", fragment)).split())


def page_errors(body: str) -> list[str]:
    """Texts of the error messages a page shows: flashes, field errors, form errors."""
    found = []
    for block in _ERROR_BLOCKS:
        for fragment in block.findall(body):
            items = re.findall(r"<li[^>]*>(.*?)</li>", fragment, re.DOTALL) or [fragment]
            found += [_clean(i) for i in items if _clean(i)]
    return found


def flashes(client) -> list[tuple[str, str]]:
    """The flash messages waiting in the client's session cookie (and take them out)."""
    with client.session_transaction() as sess:
        return [(c, str(m)) for c, m in sess.pop("_flashes", [])]


@dataclass
class Outcome:
    status: int
    location: str
    errors: list[str]  # refusal messages (error flashes, field errors, error page texts)
    refused: bool


def classify(client, response) -> Outcome:
    """Refused = a 4xx response or a redirect carrying an error flash; everything else is accepted."""
    status = response.status_code
    assert status < 500, f"server error {status}"
    location = response.headers.get("Location", "")
    flashed = flashes(client)
    errors = [m for c, m in flashed if c == "error"]
    if 400 <= status < 500:
        body = response.get_data(as_text=True) if response.mimetype == "text/html" and not response.direct_passthrough else ""
        errors += page_errors(body)
        if not errors and body:
            errors += [_clean(h) for h in _H1.findall(body)]  # an error page: its title says it
        return Outcome(status, location, errors, True)
    return Outcome(status, location, errors, bool(errors))


def check_refusal_messages(outcome: Outcome, where: str) -> None:
    assert outcome.errors, f"{where}: refused ({outcome.status}) without any message"
    for message in outcome.errors:
        check_message(message, where)


# --- no exception may escape a Socket.IO handler --------------------------------------------------

class ErrorTrap(logging.Handler):
    """Collects ERROR records of the Socket.IO/Engine.IO servers and the app (handler exceptions)."""

    LOGGERS = ("socketio.server", "engineio.server", "flask.app", "workshop")

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def __enter__(self):
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self)
        self._previous = socketio.default_exception_handler

        def trap(exc):  # Flask-SocketIO calls this instead of re-raising; record it and fail later
            self.records.append(logging.LogRecord("handler", logging.ERROR, __file__, 0,
                                                  f"{type(exc).__name__}: {exc}", None, None))
            raise exc

        socketio.default_exception_handler = trap
        return self

    def __exit__(self, *exc):
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)
        socketio.default_exception_handler = self._previous
        return False

    def check(self, where: str = "") -> None:
        assert not self.records, f"{where}: exception in a handler: " + "; ".join(
            r.getMessage() for r in self.records)


def received_events(sio) -> list[dict]:
    return [{"name": e["name"], "args": e["args"]} for e in sio.get_received()]
