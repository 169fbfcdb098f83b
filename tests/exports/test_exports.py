"""Exports for the organiser: after the evening the facilitator downloads everything as CSV, Excel,
JSON or a printable report; names leave Paja only with consent, and nothing in a note can attack."""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import types
import zipfile
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.db import get_db
from workshop.exports import document, importer
from workshop.exports.writers import neutralise
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.models import Group, Note, Participant, Session, Vote
from workshop.plans import service as plans
from workshop.polls import service as polls
from workshop.qa import service as qa
from workshop.sessions import service as sessions
from workshop.sessions.service import JoinData

from tests.helpers import AuthActions, gen_facilitator, gen_session

XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","klik")'
CONSENTED, SECRET = "Aino", "Eerikki"  # a name shared with consent, and one that must never leave Paja


def build_evening(app, facilitator_id) -> int:
    """A whole evening: 8 people of 3 municipalities, two groups with notes and votes, polls, a plan."""
    s = gen_session(app, facilitator_id)
    with app.app_context():
        db = get_db()
        s = db.get(Session, s.id)
        people = []
        for i, muni in enumerate(["320", "583", "732", "320", "583", "732", "320", "583"]):
            data = JoinData(muni, ["ngo", "officer", "elected", "resident"][i % 4],
                            first_name={0: CONSENTED, 1: SECRET}.get(i), names_consented=i == 0,
                            organisation=FORMULA if i == 2 else f"Yhdistys {i}", is_contact_person=i == 3)
            people.append(sessions.join(db, s, data)[0])
        round_ = rounds.create_round(db, s, rounds.RoundSettings("mixed", group_count=2), seed=7)
        rounds.publish_round(db, s, round_)
        rounds.assign_questions(db, s, round_, "same", s.themes[0].questions[0].id)
        rounds.set_absent(db, s, people[7], True)
        sessions.set_phase(db, s, "qa")  # questions to the panel: one pinned, one answered, merged, hidden
        qa.set_settings(db, s, True, "reveal")
        kyydit = qa.ask(db, s, people[0], "Miten kyydit järjestetään?", "Aino")
        twice = qa.ask(db, s, people[1], "Kuka hoitaa kyydit?")
        answered = qa.ask(db, s, people[2], FORMULA)
        off_topic = qa.ask(db, s, people[3], "Asiaton kysymys")
        for voter in people[1:5]:
            qa.upvote(db, s, voter, kyydit.id)
        qa.upvote(db, s, people[5], twice.id)
        qa.upvote(db, s, people[4], answered.id)
        qa.moderate(db, s, twice.id, "merge", kyydit.id)
        qa.moderate(db, s, kyydit.id, "pin")
        qa.moderate(db, s, answered.id, "answer")
        qa.moderate(db, s, off_topic.id, "hide")
        qa.reveal(db, s)
        sessions.set_phase(db, s, "groupwork")
        g1, g2 = round_.groups
        a, b = (db.get(Participant, m.participant_id) for m in g1.members[:2])
        c = db.get(Participant, g2.members[0].participant_id)
        kalenteri = flipchart.add_note(db, s, a, "client-0001", "Yhteinen tapahtumakalenteri")[0]
        evil = flipchart.add_note(db, s, a, "client-0002", XSS)[0]
        formula = flipchart.add_note(db, s, b, "client-0003", FORMULA)[0]
        duplicate = flipchart.add_note(db, s, b, "client-0004", "yhteinen kalenteri")[0]
        rude = flipchart.add_note(db, s, b, "client-0005", "Asiaton kommentti")[0]
        edited = flipchart.add_note(db, s, c, "client-0006", "Kylätalot käyttöön\nmyös iltaisin")[0]
        flipchart.set_hidden(db, s, rude, True)
        flipchart.merge(db, s, duplicate, kalenteri)
        flipchart.moderate_text(db, s, edited, "Kylätalot käyttöön myös iltaisin")
        flipchart.open_voting(db, s, round_)
        for voter in (a, b):
            flipchart.cast_vote(db, s, voter, kalenteri.id, True)
            flipchart.cast_vote(db, s, voter, evil.id, True)
        flipchart.cast_vote(db, s, a, formula.id, True)
        flipchart.cast_vote(db, s, c, edited.id, True)
        flipchart.close_voting(db, s, round_)

        choice = polls.create_poll(db, s, "choice", "Mikä on tärkeintä?", ["Nuoret", "Ikäihmiset", FORMULA])
        polls.open_poll(db, s, choice)
        for i, p in enumerate(people[:6]):
            polls.choose(db, s, choice, p, i % 3)
        words = polls.create_poll(db, s, "words", "Yksi sana illasta?")
        polls.open_poll(db, s, words)
        for p, text in zip(people, ["yhteistyö", "yhteistyö", "kahvi", "<script>alert(1)</script>"]):
            polls.add_words(db, s, words, p, text)
        polls.close_poll(db, s, words)

        series = plans.create_series(db, facilitator_id, "Itä-Lappi 2026–2027")
        s.series_id = series.id
        item = plans.create_item(db, s, "320", plans.ItemData("Tapahtumakalenteri verkkoon", "Kunnan vapaa-aikatoimi",
                                                              "kevät 2027", source_note_id=kalenteri.id))
        plans.follow_up(db, s, item, "in_progress", "Työryhmä koottu")
        plans.create_item(db, s, "583", plans.ItemData("Kylätalojen avoimet ovet", None, "2027"))
        return s.id


@pytest.fixture
def evening(app, client):
    fac = gen_facilitator(app)
    session_id = build_evening(app, fac.id)
    AuthActions(client).login()
    return session_id


def fresh_app(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "SECRET_KEY": "test-secret-key",
                      "DATABASE_URL": f"sqlite:///{folder / 'paja.sqlite3'}", "PAJA_ASYNC_MODE": "threading"})
    with app.app_context():
        upgrade_database()
    return app


def csv_files(body: bytes) -> dict[str, list[list[str]]]:
    files = {}
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
            files[name] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    return files


def xlsx_cells(body: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def as_dicts(rows):
    return [dict(zip(rows[0], r)) for r in rows[1:]]


# --- JSON: the whole workshop, and back ----------------------------------------------------------

def test_json_export_imports_into_an_empty_database_and_exports_identically(app, client, evening, tmp_path):
    first = client.get(f"/f/sessions/{evening}/export.json")
    assert first.status_code == 200 and first.mimetype == "application/json"
    assert 'filename=paja-2026-12-01-ita-lapin-paja.json' in first.headers["Content-Disposition"]
    data = json.loads(first.data)
    assert data["schema"] == "paja.session" and data["version"] == 1
    assert len(data["participants"]) == 8 and sum(len(g["notes"]) for g in data["rounds"][0]["groups"]) == 6
    qa = data["qa"]  # the questions to the panel: the merged one's voter counted once, in the target
    assert (qa["named"], qa["results"], qa["revealed"]) == (True, "reveal", True)
    assert [(q["key"], q["name"], q["votes"], q["pinned"], q["answered"], q["hidden"], q["merged_into"])
            for q in qa["questions"]] == [(1, "Aino", [2, 3, 4, 5, 6], True, False, False, None),
                                          (2, None, [], False, False, False, 1), (3, None, [5], False, True, False, None),
                                          (4, None, [], False, False, True, None)]

    other = fresh_app(tmp_path, "other")
    owner = gen_facilitator(other, email="toinen@example.fi")
    with other.app_context():
        db = get_db()
        imported = importer.import_session(db, importer.parse_document(first.data), owner)
        assert imported.join_code is not None and imported.join_code.isdigit()
        again = document.to_json(document.load_session(db, imported.id))
        assert db.scalar(select(func.count(Vote.id))) == 6
    assert again == first.data


def test_import_refuses_what_is_not_a_paja_export(app, evening):
    fac = gen_facilitator(app, email="kolmas@example.fi")
    with app.app_context():
        db = get_db()
        data = document.load_session(db, evening)
        for bad in (b"not json", b'{"schema": "other"}', json.dumps({**data, "version": 99}).encode(),
                    json.dumps(document.for_municipality(data, "320")).encode()):
            with pytest.raises(importer.SessionImportError):
                importer.import_session(db, importer.parse_document(bad), fac)
        broken = json.loads(json.dumps(data))
        broken["rounds"][0]["groups"][0]["notes"][0]["votes"] = [999]
        with pytest.raises(importer.SessionImportError):
            importer.import_session(db, broken, fac)
        assert db.scalar(select(func.count(Session.id))) == 1  # nothing half-imported


@pytest.mark.parametrize("change, says", [
    (lambda d: d["session"].update(phase="party"), "unknown phase: 'party' (at session.phase)"),
    (lambda d: d["participants"][0].update(absent="yes"), "(at participants[0].absent)"),
    (lambda d: d["participants"][0].update(joined_at="yesterday"), "(at participants[0].joined_at)"),
    (lambda d: d["session"].update(title="x" * 201), "at most 200 characters (at session.title)"),
    (lambda d: d["session"].update(starts_at="2026-12-01T17:30:00+02:00"), "wall-clock time without a time zone"),
    (lambda d: d["rounds"][0]["groups"][0].update(question={"theme": 5, "question": 0}),
     "no question 0 in theme 5 (at rounds[0].groups[0].question)"),
    (lambda d: d["plan"][0].update(source_note=99), "unknown note 99 (at plan[0].source_note)"),
    (lambda d: d["polls"][0]["answers"][0].update(participant=42), "unknown participant 42 (at polls[0].answers)"),
    (lambda d: d.pop("rounds"), "Field required (at rounds)"),
])
def test_import_says_what_is_wrong_and_where(app, evening, change, says):
    fac = gen_facilitator(app, email="neljas@example.fi")
    with app.app_context():
        db = get_db()
        data = json.loads(document.to_json(document.load_session(db, evening)))
        change(data)
        with pytest.raises(importer.SessionImportError) as refused:
            importer.import_session(db, importer.parse_document(json.dumps(data)), fac)
        assert str(refused.value).startswith("damaged export: ") and says in str(refused.value)
        assert db.scalar(select(func.count(Session.id))) == 1


# --- CSV and XLSX --------------------------------------------------------------------------------

def test_csv_zip_opens_in_finnish_excel(client, evening):
    response = client.get(f"/f/sessions/{evening}/export.csv")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith(".csv.zip")
    assert response.headers["Cache-Control"] == "no-store"
    files = csv_files(response.data)
    assert set(files) == {"workshop.csv", "participants.csv", "groups.csv", "notes.csv", "top3.csv", "plan.csv",
                          "plan_history.csv", "polls.csv", "poll_results.csv", "registrations.csv", "feedback.csv",
                          "feedback_results.csv", "carpools.csv", "nominations.csv", "qa.csv"}
    people = as_dicts(files["participants.csv"])
    assert len(people) == 8 and people[0]["Osallistujan numero"] == "1"
    assert people[0]["Kunta"] == "Kemijärvi" and people[0]["Tausta"] == "Järjestö tai yhdistys"
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d\.\d\d", p["Liittyi"]) for p in people)
    assert [p["Poissa"] for p in people].count("kyllä") == 1
    assert people[2]["Organisaatio"] == "'" + FORMULA  # a formula stays text

    note_rows = as_dicts(files["notes.csv"])
    by_text = {n["Teksti"]: n for n in note_rows}
    assert by_text["Asiaton kommentti"]["Piilotettu"] == "kyllä"
    assert by_text["Yhteinen tapahtumakalenteri"]["Piilotettu"] == "ei"
    assert by_text["yhteinen kalenteri"]["Yhdistetty muistiinpanoon"] == by_text["Yhteinen tapahtumakalenteri"][
        "Muistiinpanon numero"]
    assert by_text["Kylätalot käyttöön myös iltaisin"]["Ohjaaja muokannut"] == "kyllä"
    assert by_text[XSS]["Ääniä"] == "2"  # plain text in a CSV: no markup is interpreted
    assert "'" + FORMULA in by_text
    assert not any(cell.startswith(("=", "+", "-", "@")) for rows in files.values() for row in rows for cell in row)

    top = as_dicts(files["top3.csv"])
    assert [t["Sija"] for t in top if t["Ryhmä"] == "1"] == ["1", "2", "3"]
    assert {t["Teksti"] for t in top if t["Sija"] == "1"} >= {"Yhteinen tapahtumakalenteri"}
    plan = as_dicts(files["plan.csv"])
    assert plan[0]["Toimenpide"] == "Tapahtumakalenteri verkkoon" and plan[0]["Tilanne"] == "Käynnissä"
    history = as_dicts(files["plan_history.csv"])
    assert [h["Kommentti"] for h in history if h["Toimenpiteen numero"] == "1"] == ["", "Työryhmä koottu"]
    results = as_dicts(files["poll_results.csv"])
    assert [(r["Vaihtoehto tai sana"], r["Määrä"]) for r in results if r["Kyselyn numero"] == "1"] == [
        ("Nuoret", "2"), ("Ikäihmiset", "2"), ("'" + FORMULA, "2")]
    questions = as_dicts(files["qa.csv"])
    assert [(q["Kysymyksen numero"], q["Kysyjän nimi"], q["Ääniä"], q["Kiinnitetty"], q["Vastattu"], q["Piilotettu"],
             q["Yhdistetty kysymykseen"]) for q in questions] == [
        ("1", "Aino", "5", "kyllä", "ei", "ei", ""), ("2", "", "0", "ei", "ei", "ei", "1"),
        ("3", "", "1", "ei", "kyllä", "ei", ""), ("4", "", "0", "ei", "ei", "kyllä", "")]
    assert questions[2]["Teksti"] == "'" + FORMULA


def test_xlsx_has_the_same_tables_as_real_sheets(client, evening):
    response = client.get(f"/f/sessions/{evening}/export.xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('.xlsx')
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["Työpaja", "Osallistujat", "Ryhmät"]
    sheet = book["Muistiinpanot"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.column_dimensions["D"].width > 20
    texts = {row[3].value: row for row in sheet.iter_rows(min_row=2)}
    assert "'" + FORMULA in texts and texts["'" + FORMULA][3].data_type == "s"
    assert texts["Asiaton kommentti"][4].value == "kyllä"
    assert isinstance(texts[XSS][9].value, datetime)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"


def test_exports_count_polls_with_the_projectors_tally(app, client, evening):
    """One tally: the spreadsheets and the report show exactly what polls.results shows live."""
    with app.app_context():
        db = get_db()
        live = [polls.results(db, p) for p in polls.polls_of(db, db.get(Session, evening))]
    rows = as_dicts(csv_files(client.get(f"/f/sessions/{evening}/export.csv").data)["poll_results.csv"])
    exported = [[(r["Vaihtoehto tai sana"], int(r["Määrä"])) for r in rows if r["Kyselyn numero"] == str(n)]
                for n in (1, 2)]
    assert exported[0] == [(exports_text(o["text"]), o["count"]) for o in live[0]["options"]]
    assert exported[1] == [(w["word"], w["count"]) for w in live[1]["words"]]
    summary = as_dicts(csv_files(client.get(f"/f/sessions/{evening}/export.csv").data)["polls.csv"])
    assert [(int(p["Vastanneita"]), int(p["Vastauksia"])) for p in summary] == [
        (r["people"], r["total"]) for r in live]


def exports_text(text: str) -> str:
    return "'" + text if text.startswith("=") else text


@pytest.mark.parametrize("lang, date, share", [
    ("fi", "ti 1.12.2026 klo 17.30", "(33 %)"),
    ("sv", "tis 1 dec. 2026 kl. 17.30", "(33 %)"),
    ("en", "Tue, Dec 1, 2026 at 5:30", "(33%)"),
])
def test_report_writes_dates_and_numbers_in_the_readers_language(client, evening, lang, date, share):
    client.set_cookie("paja_lang", lang)
    html = client.get(f"/f/sessions/{evening}/report").get_data(as_text=True)
    assert f"<dd>{date}" in html
    assert share.replace(" ", "\u00a0") in html  # the locale's own space before the percent sign
    rows = as_dicts(csv_files(client.get(f"/f/sessions/{evening}/export.csv").data)["workshop.csv"])
    assert re.fullmatch(r"01\.12\.2026 17\.30", rows[1][list(rows[1])[1]])  # the file format stays fixed


# --- privacy ---------------------------------------------------------------------------------------

def every_export(client, session_id) -> dict[str, str]:
    base = f"/f/sessions/{session_id}"
    out = {"json": client.get(f"{base}/export.json").get_data(as_text=True),
           "report": client.get(f"{base}/report").get_data(as_text=True),
           "csv": "\n".join(";".join(r) for rows in csv_files(client.get(f"{base}/export.csv").data).values()
                            for r in rows),
           "xlsx": "\n".join(str(v) for rows in xlsx_cells(client.get(f"{base}/export.xlsx").data).values()
                             for row in rows for v in row)}
    for code in ("320", "583"):
        out[f"report {code}"] = client.get(f"{base}/report?municipality={code}").get_data(as_text=True)
    return out


def test_names_leave_paja_only_with_consent(app, client, evening):
    with app.app_context():  # the database knows both names; only Aino agreed to show hers
        assert set(get_db().scalars(select(Participant.first_name)).all()) >= {CONSENTED, SECRET}
    for name, text in every_export(client, evening).items():
        assert SECRET not in text, name
        if name != "report 583":
            assert CONSENTED in text, name


def test_report_escapes_what_participants_wrote(client, evening):
    response = client.get(f"/f/sessions/{evening}/report")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "Asiaton kommentti" not in html  # hidden by the facilitator
    assert "Tapahtumakalenteri verkkoon" in html and "Käynnissä" in html
    assert html.count('class="chart-bar"') == 3 + 3  # a bar per option, a bar per word
    questions = html[html.index('id="questions-h"'):]  # by votes, the answered one marked
    assert re.search(r'Miten kyydit järjestetään\?</span> <span class="meta">\(5 ääntä\)', questions)
    assert re.search(r'<span class="meta">\(1 ääni, vastattu\)', questions)
    assert "Asiaton kysymys" not in html and "Kuka hoitaa kyydit?" not in html  # hidden, merged


def test_report_for_one_municipality(client, evening):
    html = client.get(f"/f/sessions/{evening}/report?municipality=583").get_data(as_text=True)
    assert "Raportti: Pelkosenniemi" in html
    assert "Kylätalojen avoimet ovet" in html and "Tapahtumakalenteri verkkoon" not in html
    workbook = xlsx_cells(client.get(f"/f/sessions/{evening}/export.xlsx?municipality=583").data)
    assert {row[1] for row in workbook["Osallistujat"][1:]} == {"583"}
    assert client.get(f"/f/sessions/{evening}/report?municipality=999").status_code == 404
    assert client.get(f"/f/sessions/{evening}/export.json?municipality=583").status_code == 404


# --- who may export --------------------------------------------------------------------------------

ROUTES = ["export.csv", "export.xlsx", "export.json", "report", "report?municipality=320", "report.pdf"]


def test_only_the_workshops_own_facilitator_may_export(app, client):
    owner = gen_facilitator(app)
    s = gen_session(app, owner.id)
    for route in ROUTES:  # anonymous: to the login page
        response = client.get(f"/f/sessions/{s.id}/{route}")
        assert response.status_code == 302 and "/login" in response.headers["Location"], route
    gen_facilitator(app, email="naapuri@example.fi")
    AuthActions(client).login(email="naapuri@example.fi")
    for route in ROUTES + ["export.xml", "export.csv?municipality=320"]:  # someone else's workshop: no such page
        assert client.get(f"/f/sessions/{s.id}/{route}").status_code == 404, route
    AuthActions(client).logout()
    AuthActions(client).login()
    assert client.get(f"/f/sessions/{s.id}/export.xml").status_code == 404
    assert client.get(f"/f/sessions/{s.id}/export.json").status_code == 200


def test_session_page_offers_the_exports(client, evening):
    html = client.get(f"/f/sessions/{evening}").get_data(as_text=True)
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="/f/sessions/{evening}/export.{fmt}"' in html
    assert f'href="/f/sessions/{evening}/report"' in html and "js/exports.js" in html


def test_pdf_only_when_weasyprint_is_there(client, evening, monkeypatch):
    assert client.get(f"/f/sessions/{evening}/report.pdf").status_code == 404
    rendered = []

    class HTML:
        def __init__(self, string):
            rendered.append(string)

        def write_pdf(self):
            return b"%PDF-1.7 fake"

    monkeypatch.setitem(sys.modules, "weasyprint", types.SimpleNamespace(HTML=HTML))
    assert f"/f/sessions/{evening}/report.pdf" in client.get(f"/f/sessions/{evening}/report").get_data(as_text=True)
    response = client.get(f"/f/sessions/{evening}/report.pdf")
    assert response.data == b"%PDF-1.7 fake" and response.headers["Content-Disposition"].endswith(".pdf")
    assert "<style>" in rendered[0] and "&lt;img" in rendered[0]


# --- the command line --------------------------------------------------------------------------------

def test_cli_exports_and_imports(app, runner, evening, tmp_path):
    path = tmp_path / "paja.json"
    result = runner.invoke(args=["paja", "export", str(evening), "--format", "json", "-o", str(path)])
    assert result.exit_code == 0, result.output
    for fmt in ("csv", "xlsx", "html"):
        out = tmp_path / f"paja-583.{fmt}"
        result = runner.invoke(args=["paja", "export", str(evening), "--format", fmt, "--municipality", "583",
                                     "--lang", "sv", "-o", str(out)])
        assert result.exit_code == 0, result.output
    html = (tmp_path / "paja-583.html").read_text()
    assert "Rapport för Pelkosenniemi" in html and "<style>" in html and "/static/" not in html
    assert runner.invoke(args=["paja", "export", "999"]).exit_code != 0

    other = fresh_app(tmp_path, "other")
    gen_facilitator(other, email="toinen@example.fi")
    result = other.test_cli_runner().invoke(args=["paja", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported workshop 1: Itä-Lapin paja" in result.output
    with other.app_context():
        assert document.to_json(document.load_session(get_db(), 1)) == path.read_bytes()
        assert get_db().scalar(select(func.count(Note.id))) == 6
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something else"}')
    result = other.test_cli_runner().invoke(args=["paja", "import", str(bad)])
    assert result.exit_code != 0 and "not a Paja session export" in result.output


def test_load_session_takes_a_fixed_number_of_queries(app, evening):
    """However large the workshop, the export reads it with the same handful of queries."""
    from sqlalchemy import event

    def statements() -> list[str]:
        seen = []

        def listener(_conn, _cursor, statement, *_rest):
            seen.append(statement)

        engine = get_db().get_bind()
        event.listen(engine, "before_cursor_execute", listener)
        try:
            document.load_session(get_db(), evening)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return seen

    with app.app_context():
        before = statements()
        db = get_db()
        s = db.get(Session, evening)
        group = db.scalars(select(Group)).first()
        for i in range(20):
            p = sessions.join(db, s, JoinData("320", "ngo"))[0]
            db.add(Note(session_id=s.id, group_id=group.id, participant_id=p.id, client_id=f"more-{i:04d}",
                        text=f"Lisää {i}"))
            plans.create_item(db, s, "732", plans.ItemData(f"Toimenpide {i}"))
        db.commit()
    with app.app_context():
        after = statements()
    assert len(after) == len(before) <= 24  # 22: the common themes (one SELECT; their settings only when there are themes); 23: the history; 24: the Q&A (one SELECT, its settings joined)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "＝HYPERLINK(\"x\")", "＋1", "－1", "＠SUM(A1)"])
def test_formula_starts_are_neutralised_also_in_full_width(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Kemijärvi", "1+1=2", "", "Posio – Salla", "—", "°C"])
def test_ordinary_texts_are_left_alone(text):
    assert neutralise(text) == text
