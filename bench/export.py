"""Benchmark of the organiser's exports on a big evening: 500 participants, 5,000 notes.

Builds the workshop (two grouping rounds, votes and top 3s, polls, plans) in a temporary SQLite
database, then times each format end to end (load the session + write the file) and prints its
size. The baseline is a plain `json.dumps` of the loaded data, measured in the same run, so the
ratios say how much each writer costs on top of serialising the data at all.

Run: .venv/bin/python bench/export.py
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_babel import force_locale
from sqlalchemy import select

from workshop import create_app
from workshop.accounts import service as auth
from workshop.cli import upgrade_database
from workshop.db import get_db
from workshop.exports import document, writers
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.models import (
    BACKGROUNDS,
    Group,
    Note,
    Participant,
    PlanItem,
    PlanUpdate,
    PollAnswer,
    Vote,
)
from workshop.polls import service as polls
from workshop.sessions import service as sessions
from workshop.sessions.service import SessionSpec, ThemeSpec, hash_token

PARTICIPANTS = 500
NOTES = 5000
MUNICIPALITIES = ["320", "583", "732", "742", "614"]  # Kemijärvi, Pelkosenniemi, Salla, Savukoski, Posio
SHARES = [0.4, 0.15, 0.2, 0.1, 0.15]
REPEATS = 3  # each time is the median of this many runs
TARGET_S = 2.0
WORDS = ["yhteistyö", "nuoret", "kylätalo", "liikenne", "vapaaehtoiset", "kulttuuri", "luonto", "palvelut",
         "järjestöt", "kohtaaminen", "yhteisöllisyys", "harrastukset", "ikäihmiset", "tapahtumat"]


def build(app, rng: random.Random) -> int:
    """The evening, written the fast way (bulk inserts) where the domain functions would take minutes."""
    with app.app_context():
        db = get_db()
        fac = auth.create_facilitator(db, "bench@paja.invalid", "Bench", "bench password 123")
        spec = SessionSpec(title="Itä-Lapin elinvoimapaja", starts_at=datetime(2026, 11, 23, 17, 30),
                           host_municipality="320", municipalities=MUNICIPALITIES,
                           themes=[ThemeSpec(f"Teema {i}", [f"Kysymys {i}.{j}?" for j in range(1, 4)])
                                   for i in range(1, 5)],
                           agenda=[("Tervetuloa", 10), ("Alustukset", 40), ("Ryhmätyö", 90), ("Yhteenveto", 20)])
        s = sessions.create_session(db, fac.id, spec)
        people = [Participant(session_id=s.id, token_hash=hash_token(f"bench-{i}"),
                              municipality=rng.choices(MUNICIPALITIES, SHARES)[0],
                              background=rng.choice(BACKGROUNDS), organisation=f"Yhdistys {rng.randint(1, 60)} ry",
                              is_contact_person=i % 40 == 0, first_name=f"Nimi{i}", names_consented=i % 3 == 0)
                  for i in range(PARTICIPANTS)]
        db.add_all(people)
        db.commit()

        round_groups = []
        for settings in (rounds.RoundSettings("mixed", group_size=6), rounds.RoundSettings("home", group_size=8)):
            round_ = rounds.create_round(db, s, settings, seed=1)
            rounds.publish_round(db, s, round_)
            rounds.assign_questions(db, s, round_, "per_group")
            round_groups.append((round_, list(round_.groups)))

        all_groups = [(g, [m.participant_id for m in g.members]) for _r, gs in round_groups for g in gs]
        notes_by_group: dict[int, list[Note]] = {}
        for i in range(NOTES):
            group, members = all_groups[i % len(all_groups)]
            note = Note(session_id=s.id, group_id=group.id, participant_id=rng.choice(members),
                        client_id=f"bench-{i:08d}", hidden=rng.random() < 0.03,
                        text=" ".join(rng.choices(WORDS, k=rng.randint(3, 25)))[:280])
            notes_by_group.setdefault(group.id, []).append(note)
        db.add_all([n for ns in notes_by_group.values() for n in ns])
        db.flush()
        for ns in notes_by_group.values():  # a few duplicates merged into their group's first note
            for n in ns[1:]:
                if rng.random() < 0.02 and not n.hidden:
                    n.merged_into_id = ns[0].id
        for group, members in all_groups:
            choices = [n for n in notes_by_group.get(group.id, []) if not n.hidden and n.merged_into_id is None]
            for pid in members:
                for note in rng.sample(choices, min(3, len(choices))):
                    db.add(Vote(group_id=group.id, note_id=note.id, participant_id=pid))
        db.commit()
        for round_, _groups in round_groups:
            for g in round_.groups:
                g.voting = "open"
            flipchart.close_voting(db, s, round_)

        for k in range(3):
            poll = polls.create_poll(db, s, "choice", f"Kysymys {k + 1}: mikä on tärkeintä?",
                                     ["Nuoret", "Ikäihmiset", "Työllisyys", "Liikenne", "Kulttuuri"])
            db.add_all([PollAnswer(poll_id=poll.id, participant_id=p.id, choice=rng.randrange(5)) for p in people])
        cloud = polls.create_poll(db, s, "words", "Mikä tekee kylästä elinvoimaisen?")
        db.add_all([PollAnswer(poll_id=cloud.id, participant_id=p.id, text=w)
                    for p in people for w in rng.sample(WORDS, 3)])
        for muni in MUNICIPALITIES:
            for k in range(12):
                item = PlanItem(session_id=s.id, municipality=muni, what=f"Toimenpide {k + 1}: " + " ".join(
                    rng.choices(WORDS, k=8)), owner="Kunnan vapaa-aikatoimi", due="kevät 2027",
                    status=rng.choice(["not_started", "in_progress", "done"]))
                item.updates = [PlanUpdate(session_id=s.id, status="not_started", by_facilitator=True),
                                PlanUpdate(session_id=s.id, status=item.status, comment="Edistyy",
                                           by_facilitator=False)]
                db.add(item)
        db.commit()
        return s.id


def timed(fn, repeats: int = REPEATS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "bench", "PAJA_ASYNC_MODE": "threading"})
        with app.app_context():
            upgrade_database()
        start = time.perf_counter()
        session_id = build(app, random.Random(2026))
        print(f"Built the workshop in {time.perf_counter() - start:.1f} s.")
        with app.app_context(), force_locale("fi"):
            db = get_db()
            counts = {name: len(db.scalars(select(model.id)).all())
                      for name, model in (("participants", Participant), ("groups", Group), ("notes", Note),
                                          ("votes", Vote), ("poll answers", PollAnswer), ("plan actions", PlanItem))}
            print(", ".join(f"{n:,} {name}" for name, n in counts.items()))
            print(f"Times are medians of {REPEATS} runs; each format = load the session + write the file.")
            print()
            load_s, data = timed(lambda: (db.expunge_all(), document.load_session(db, session_id))[1])
            base_s, base = timed(lambda: json.dumps(data).encode())
            print(f"{'':22}{'time':>10}{'size':>12}{'time / baseline':>18}")
            print(f"{'load_session':22}{load_s * 1000:>8.0f} ms{'':>12}{load_s / base_s:>17.1f}x")
            print(f"{'baseline json.dumps':22}{base_s * 1000:>8.0f} ms{len(base) / 1e6:>9.2f} MB{1:>17.1f}x")
            slowest = 0.0
            for fmt in ("json", "csv", "xlsx", "html"):
                def run(fmt=fmt):
                    db.expunge_all()  # no help from objects a previous run left in the session
                    return writers.render(document.load_session(db, session_id), fmt)
                seconds, body = timed(run)
                slowest = max(slowest, seconds)
                print(f"{fmt:22}{seconds * 1000:>8.0f} ms{len(body) / 1e6:>9.2f} MB{seconds / base_s:>17.1f}x")
            print()
            verdict = "OK" if slowest <= TARGET_S else "TOO SLOW"
            print(f"Slowest format: {slowest:.2f} s (target {TARGET_S:.0f} s each): {verdict}")
            return 0 if slowest <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
