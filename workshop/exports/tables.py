"""The rows and columns of the CSV files and the workbook's sheets, and the derived views the report shares.

Everything here works on the plain document of document.py: rows in display form (translated labels,
Finnish wall-clock datetimes), never formatted text — writers.py decides how a cell is written.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.campaigns import service as campaigns
from workshop.core.time import LOCAL_TZ
from workshop.feedback import service as feedback
from workshop.polls import service as polls
from workshop.web.labels import (
    BACKGROUND_LABELS,
    COLOUR_LABELS,
    COME_AGAIN_LABELS,
    DIET_LABELS,
    PHASE_LABELS,
    PLAN_STATUS_LABELS,
    REGISTRATION_STATUS_LABELS,
    RESULTS_MODE_LABELS,
    VOTING_LABELS,
    municipality_label,
)

# --- derived views of the data, shared by the spreadsheets and the report --------------------------

def local_time(text: str | None) -> datetime | None:
    """A stored time as Finnish wall-clock time (naive, for spreadsheets and the report)."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value


def lang() -> str:
    return str(get_locale() or "fi")


def question_text(data: dict, ref: dict | None) -> str | None:
    if ref is None:
        return None
    return data["session"]["themes"][ref["theme"]]["questions"][ref["question"]]


def all_notes(data: dict) -> Iterator[tuple[dict, dict, dict]]:
    """(round, group, note) for every note, in key order."""
    for r in data["rounds"]:
        for g in r["groups"]:
            for n in g["notes"]:
                yield r, g, n


def top_notes(group: dict) -> list[dict]:
    """The group's top 3 as fixed when its voting closed (a tie the facilitator has not picked stays out)."""
    return sorted((n for n in group["notes"] if n["top_rank"]), key=lambda n: n["top_rank"])


def visible(note: dict) -> bool:
    return not note["hidden"] and note["merged_into"] is None


def poll_results(data: dict) -> list[dict]:
    """Each poll's counts with the one tally the projector uses (`polls.service.tally`), over the
    export's plain answers (or one municipality's share). Word rows carry a percent of the most common word."""
    return [_poll_rows(number, p) for number, p in enumerate(data["polls"], start=1)]


def _poll_rows(number: int, p: dict) -> dict:
    """One row per option or word, as the tables and the report's charts read them."""
    counted = polls.tally(p["kind"], p["options"], ((a["participant"], a["choice"], a["text"]) for a in p["answers"]
                                                     if not a.get("held")))
    if p["kind"] == "choice":
        rows = [{"text": o.text, "count": o.count, "percent": o.percent} for o in counted.options]
    else:
        high = counted.words[0].count if counted.words else 0
        rows = [{"text": w.word, "count": w.count, "percent": round(100 * w.count / high)} for w in counted.words]
    return {"number": number, "kind": p["kind"], "question": p["question"], "open": p["open"],
            "show_results": p.get("show_results", "live"), "people": counted.people, "total": counted.total,
            "rows": rows}


def feedback_results(data: dict) -> dict:
    return feedback.summarise((data.get("feedback") or {}).get("answers", []))


# --- tables: what the CSV files and the workbook's sheets hold -----------------------------------

@dataclass
class Table:
    name: str  # file name of the CSV inside the zip (stable, for scripts)
    title: str  # sheet name in the workbook (translated)
    headers: list[str]
    rows: list[list]


class _Labels:
    """Translated labels, looked up once per export rather than once per cell."""

    def __init__(self):
        self.lang = lang()
        self.yes_no = {True: _("yes"), False: _("no")}
        self.cache: dict = {}

    def yes(self, flag) -> str:
        return self.yes_no[bool(flag)]

    def muni(self, code: str | None) -> str | None:
        if not code:
            return None
        if ("m", code) not in self.cache:
            self.cache["m", code] = municipality_label(code, self.lang)
        return self.cache["m", code]

    def of(self, labels: dict, key) -> str:
        if (id(labels), key) not in self.cache:
            self.cache[id(labels), key] = str(labels[key]) if key in labels else (key or "")
        return self.cache[id(labels), key]


T = {  # sheet titles and column headers
    "workshop": _l("Workshop"),
    "participants": _l("Participants"),
    "groups": _l("Groups"),
    "notes": _l("Notes"),
    "top3": _l("Top 3"),
    "plan": _l("Plan"),
    "plan_history": _l("Plan history"),
    "polls": _l("Polls"),
    "poll_results": _l("Poll results"),
    "field": _l("Field"),
    "value": _l("Value"),
    "title": _l("Title"),
    "date": _l("Date"),
    "host": _l("Host municipality"),
    "municipalities": _l("Municipalities"),
    "series": _l("Workshop series"),
    "phase": _l("Phase"),
    "only_for": _l("Only for municipality"),
    "participant": _l("Participant number"),
    "muni_code": _l("Municipality code"),
    "municipality": _l("Municipality"),
    "background": _l("Background"),
    "organisation": _l("Organisation"),
    "contact": _l("Contact person"),
    "first_name": _l("First name (shared with consent)"),
    "joined": _l("Joined"),
    "absent": _l("Absent"),
    "removed": _l("Removed"),
    "round": _l("Round"),
    "group": _l("Group"),
    "colour": _l("Colour"),
    "table": _l("Table"),
    "home": _l("Home municipality"),
    "question": _l("Question"),
    "size": _l("People"),
    "members": _l("Members (participant numbers)"),
    "voting": _l("Voting"),
    "note": _l("Note number"),
    "text": _l("Text"),
    "hidden": _l("Hidden"),
    "merged_into": _l("Merged into note"),
    "edited": _l("Edited by facilitator"),
    "votes": _l("Votes"),
    "rank": _l("Top 3 place"),
    "written": _l("Written"),
    "action": _l("Action number"),
    "what": _l("Action"),
    "owner": _l("Owner"),
    "due": _l("Due"),
    "status": _l("Status"),
    "from_note": _l("From note"),
    "created": _l("Created"),
    "updated": _l("Updated"),
    "time": _l("Time"),
    "comment": _l("Comment"),
    "by_facilitator": _l("By facilitator"),
    "here": _l("In this workshop"),
    "poll": _l("Poll number"),
    "kind": _l("Type"),
    "open": _l("Open"),
    "people": _l("People who answered"),
    "answers": _l("Answers"),
    "shown": _l("Results"),
    "option": _l("Option or word"),
    "count": _l("Count"),
    "percent": _l("Percent"),
    "registrations": _l("Registrations"),
    "feedback": _l("Feedback"),
    "feedback_results": _l("Feedback results"),
    "carpools": _l("Carpools"),
    "nominations": _l("Good deed nominations"),
    "registration": _l("Registration number"),
    "name": _l("Name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "diets": _l("Dietary needs"),
    "diet_other": _l("Other dietary needs"),
    "accessibility": _l("Accessibility needs"),
    "arrived": _l("Arrived"),
    "registered": _l("Registered"),
    "answer": _l("Answer number"),
    "overall": _l("Overall (1–5)"),
    "most_useful": _l("Most useful"),
    "should_change": _l("What should change"),
    "come_again": _l("Would come again"),
    "extra": _l("Extra question"),
    "via_link": _l("By the feedback link"),
    "rank_place": _l("Place"),
    "car": _l("Car"),
    "passengers": _l("People in the car"),
    "kilometres": _l("Kilometres"),
    "combined_km": _l("Combined kilometres"),
    "co2_kg": _l("CO₂ saved (kg)"),
    "nominee": _l("Nominee"),
    "deed": _l("Good deed"),
    "nominator_municipality": _l("Nominator's municipality"),
    "picked": _l("Winner"),
    "qa": _l("Questions to the panel"),
    "qa_number": _l("Question number"),
    "signed": _l("Signed by"),
    "pinned": _l("Pinned"),
    "answered": _l("Answered"),
    "held": _l("Waits for approval"),
    "qa_merged_into": _l("Merged into question"),
    "asked": _l("Asked"),
}
POLL_KINDS = {"choice": _l("Multiple choice"), "words": _l("Word cloud")}


def _table(name: str, columns: list[str], rows: list[list]) -> Table:
    return Table(name, str(T[name]), [str(T[c]) for c in columns], rows)


def tables(data: dict) -> list[Table]:
    """Every table of the export, rows in display form (translated labels, local datetimes)."""
    s = data["session"]
    label = _Labels()
    note_count = sum(1 for _ in all_notes(data))
    info = [
        [str(T["title"]), s["title"]],
        [str(T["date"]), local_time(s["starts_at"])],
        [str(T["host"]), label.muni(s["host_municipality"])],
        [str(T["municipalities"]), ", ".join(label.muni(c) for c in s["municipalities"])],
        [str(T["series"]), s["series"]],
        [str(T["phase"]), label.of(PHASE_LABELS, s["phase"])],
        [str(T["participants"]), len(data["participants"])],
        [str(T["notes"]), note_count],
    ]
    if data.get("municipality"):
        info.append([str(T["only_for"]), label.muni(data["municipality"])])
    result = [_table("workshop", ["field", "value"], info)]

    result.append(_table("participants", [
        "participant", "muni_code", "municipality", "background", "organisation", "contact", "first_name",
        "joined", "absent", "removed"], [
        [p["key"], p["municipality"], label.muni(p["municipality"]), label.of(BACKGROUND_LABELS, p["background"]),
         p["organisation"], label.yes(p["contact_person"]), p["first_name"] if p["names_consented"] else None,
         local_time(p["joined_at"]), label.yes(p["absent"]), label.yes(p["removed"])]
        for p in data["participants"]]))

    result.append(_table("groups", [
        "round", "group", "colour", "table", "home", "question", "size", "members", "voting"], [
        [r["number"], g["number"], label.of(COLOUR_LABELS, g["colour"]), g["table"], label.muni(g["municipality"]),
         question_text(data, g["question"]), len(g["members"]),
         ", ".join(str(m["participant"]) for m in g["members"]), label.of(VOTING_LABELS, g["voting"])]
        for r in data["rounds"] for g in r["groups"]]))

    result.append(_table("notes", [
        "note", "round", "group", "text", "hidden", "merged_into", "edited", "votes", "rank", "written"], [
        [n["key"], r["number"], g["number"], n["text"], label.yes(n["hidden"]), n["merged_into"],
         label.yes(n["edited"]), len(n["votes"]), n["top_rank"], local_time(n["created_at"])]
        for r, g, n in all_notes(data)]))

    result.append(_table("top3", ["round", "group", "question", "rank", "note", "text", "votes"], [
        [r["number"], g["number"], question_text(data, g["question"]), n["top_rank"], n["key"], n["text"],
         len(n["votes"])]
        for r in data["rounds"] for g in r["groups"] for n in top_notes(g)]))

    result.append(_table("plan", [
        "action", "muni_code", "municipality", "what", "owner", "due", "status", "from_note", "created",
        "updated"], [
        [k, i["municipality"], label.muni(i["municipality"]), i["what"], i["owner"], i["due"],
         label.of(PLAN_STATUS_LABELS, i["status"]), i["source_note"], local_time(i["created_at"]),
         local_time(i["updated_at"])]
        for k, i in enumerate(data["plan"], start=1)]))

    result.append(_table("plan_history", [
        "action", "municipality", "time", "status", "comment", "by_facilitator", "here"], [
        [k, label.muni(i["municipality"]), local_time(u["created_at"]), label.of(PLAN_STATUS_LABELS, u["status"]),
         u["comment"], label.yes(u["by_facilitator"]), label.yes(u["in_this_workshop"])]
        for k, i in enumerate(data["plan"], start=1) for u in i["history"]]))

    results = poll_results(data)
    result.append(_table("polls", ["poll", "kind", "question", "open", "shown", "people", "answers"], [
        [r["number"], label.of(POLL_KINDS, r["kind"]), r["question"], label.yes(r["open"]),
         label.of(RESULTS_MODE_LABELS, r["show_results"]), r["people"], r["total"]]
        for r in results]))
    result.append(_table("poll_results", ["poll", "question", "option", "count", "percent"], [
        [r["number"], r["question"], row["text"], row["count"], row["percent"] if r["kind"] == "choice" else None]
        for r in results for row in r["rows"]]))
    result.append(_table("qa", [
        "qa_number", "text", "signed", "votes", "pinned", "answered", "hidden", "held", "qa_merged_into", "asked"], [
        [q["key"], q["text"], q["name"], len(q["votes"]), label.yes(q["pinned"]), label.yes(q["answered"]),
         label.yes(q["hidden"]), label.yes(q["held"]), q["merged_into"], local_time(q["created_at"])]
        for q in (data.get("qa") or {}).get("questions", [])]))
    return result + outreach_tables(data, label)


def registration_table(data: dict, label=None) -> Table:
    """The organiser's list of who registered (name and contact: the registrants gave them for this)."""
    label = label or _Labels()
    return _table("registrations", [
        "registration", "name", "email", "phone", "muni_code", "municipality", "organisation", "background",
        "diets", "diet_other", "accessibility", "status", "arrived", "registered"], [
        [k, r["name"], r["email"], r["phone"], r["municipality"], label.muni(r["municipality"]), r["organisation"],
         label.of(BACKGROUND_LABELS, r["background"]), ", ".join(label.of(DIET_LABELS, d) for d in r["diets"]),
         r["diet_other"], r["accessibility"], label.of(REGISTRATION_STATUS_LABELS, r["status"]),
         label.yes(r["participant"] is not None), local_time(r["created_at"])]
        for k, r in enumerate(data.get("registrations", []), start=1)])


def outreach_tables(data: dict, label) -> list[Table]:
    answers = (data.get("feedback") or {}).get("answers", [])
    summary = feedback_results(data)
    result_rows = [[str(T["overall"]), str(o["value"]), o["count"], o["percent"]] for o in summary["overall"]]
    result_rows += [[str(T["come_again"]), label.of(COME_AGAIN_LABELS, o["value"]), o["count"], o["percent"]]
                    for o in summary["come_again"]]
    board = campaigns.leaderboard_of(data.get("carpools", []))
    return [
        registration_table(data, label),
        _table("feedback", ["answer", "overall", "most_useful", "should_change", "come_again", "extra", "via_link"], [
            [k, a["overall"], a["most_useful"], a["should_change"],
             label.of(COME_AGAIN_LABELS, a["come_again"]) if a["come_again"] else None, a["extra"],
             label.yes(a["via_link"])] for k, a in enumerate(answers, start=1)]),
        _table("feedback_results", ["question", "option", "count", "percent"], result_rows),
        _table("carpools", ["rank_place", "car", "municipality", "passengers", "kilometres", "combined_km", "co2_kg"], [
            [c["rank"], c["name"], label.muni(c["municipality"]), c["passengers"], c["kilometres"], c["combined_km"],
             c["co2_kg"]] for c in board["cars"]]),
        _table("nominations", ["nominee", "deed", "nominator_municipality", "votes", "picked", "hidden"], [
            [n["nominee"], n["deed"], label.muni(n["municipality"]), len(n["votes"]), label.yes(n["picked"]),
             label.yes(n["hidden"])] for n in data.get("nominations", [])]),
    ]
