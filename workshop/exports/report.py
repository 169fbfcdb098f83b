"""The printable report: one HTML page (A4 print CSS) for the browser, a standalone file, or a PDF.

Its context is resolved from the plain document alone (names only with consent); dates and numbers
are formatted in the template for the reader's language (web/templating.py).
"""
from __future__ import annotations

from collections import Counter, defaultdict

from workshop.campaigns import service as campaigns
from workshop.exports.tables import T, feedback_results, local_time, poll_results, question_text, top_notes, visible
from workshop.feedback import service as feedback
from workshop.models import BACKGROUNDS
from workshop.web.labels import COME_AGAIN_LABELS, FEEDBACK_QUESTION_LABELS, PLAN_STATUS_LABELS, STRATEGY_LABELS


def report_context(data: dict) -> dict:
    """Everything report.html shows, resolved from the data (names only with consent)."""
    s = data["session"]
    present = [p for p in data["participants"] if not p["removed"]]
    people = {p["key"]: p for p in data["participants"]}
    codes = list(dict.fromkeys(s["municipalities"] + [p["municipality"] for p in present]))
    if data.get("municipality"):
        codes = [data["municipality"]]
    by = Counter((p["municipality"], p["background"]) for p in present)
    attendance = [{"code": c, "counts": [by[c, b] for b in BACKGROUNDS],
                   "total": sum(by[c, b] for b in BACKGROUNDS)} for c in codes]
    rounds = []
    for r in data["rounds"]:
        groups = []
        for g in r["groups"]:
            members = [people[m["participant"]] for m in g["members"] if m["participant"] in people]
            shown = sorted((n for n in g["notes"] if visible(n)), key=lambda n: (-len(n["votes"]), n["key"]))
            groups.append({
                "number": g["number"], "colour": g["colour"], "table": g["table"], "municipality": g["municipality"],
                "question": question_text(data, g["question"]), "voting": g["voting"],
                "size": len(members),
                "by_municipality": Counter(p["municipality"] for p in members).most_common(),
                "by_background": Counter(p["background"] for p in members).most_common(),
                "names": [p["first_name"] for p in members if p["names_consented"] and p["first_name"]],
                "notes": shown, "hidden": sum(1 for n in g["notes"] if not visible(n)),
                "top": top_notes(g),
            })
        rounds.append({"number": r["number"], "strategy": r["strategy"], "published": bool(r["published_at"]),
                       "groups": groups})
    plans = defaultdict(list)
    for i in data["plan"]:
        plans[i["municipality"]].append({**i, "comment": next(
            (u["comment"] for u in reversed(i["history"]) if u["comment"]), None)})
    return {
        "data": data, "session": s, "starts_at": local_time(s["starts_at"]),
        "municipality": data.get("municipality"), "backgrounds": BACKGROUNDS, "attendance": attendance,
        "background_totals": [sum(a["counts"][i] for a in attendance) for i in range(len(BACKGROUNDS))],
        "total": sum(a["total"] for a in attendance),
        "absent": sum(1 for p in present if p["absent"]),
        "contact_persons": sum(1 for p in present if p["contact_person"]),
        "rounds": rounds, "polls": poll_results(data),
        "plans": [(c, plans[c])
                  for c in sorted(plans, key=lambda c: (codes.index(c) if c in codes else len(codes), c))],
        "plan_status_labels": PLAN_STATUS_LABELS, "strategy_labels": STRATEGY_LABELS,
        "common_themes": common_themes(data),
        "questions": panel_questions(data),
        **report_outreach(data, present),
    }


def panel_questions(data: dict) -> list[dict]:
    """The room's questions to the panel that everyone saw (not hidden, held or merged), by votes."""
    shown = [q for q in (data.get("qa") or {}).get("questions", [])
             if not (q["hidden"] or q["held"] or q["merged_into"])]
    return sorted(shown, key=lambda q: (-len(q["votes"]), q["key"]))


def common_themes(data: dict) -> list[dict]:
    """The room's common themes with their visible notes and the groups those came from."""
    where = {n["key"]: (r["number"], g["number"], n) for r in data["rounds"] for g in r["groups"] for n in g["notes"]}
    out = []
    for t in (data.get("common_themes") or {}).get("themes", []):
        notes = [where[k] for k in t["notes"] if k in where and visible(where[k][2])]
        out.append({"label": t["label"], "related": t["related"], "groups": sorted({g for _, g, _ in notes}),
                    "notes": [(g, n["text"]) for _, g, n in notes]})
    return out


def report_outreach(data: dict, present: list[dict]) -> dict:
    """The report's registration, feedback and campaign sections (charts as SVG rows like polls)."""
    regs = [r for r in data.get("registrations", []) if r["status"] == "confirmed"]
    summary = feedback_results(data)
    questions = (data.get("feedback") or {}).get("questions") or {}

    def wording(key):
        return (questions.get(key) or {}).get("text") or str(FEEDBACK_QUESTION_LABELS[key])

    charts = []
    if summary["rated"]:
        charts.append({"question": wording("overall"), "kind": "choice", "total": summary["rated"],
                       "average": summary["average"],
                       "rows": [{"text": str(o["value"]), "count": o["count"], "percent": o["percent"]}
                                for o in reversed(summary["overall"])]})
    answered_again = sum(o["count"] for o in summary["come_again"])
    if answered_again:
        charts.append({"question": wording("come_again"), "kind": "choice", "total": answered_again, "average": None,
                       "rows": [{"text": str(COME_AGAIN_LABELS[o["value"]]), "count": o["count"],
                                 "percent": o["percent"]} for o in summary["come_again"]]})
    texts = [(wording(k) if k != "extra" else (questions.get("extra") or str(T["extra"])), summary["texts"][k])
             for k in feedback.TEXT_FIELDS if summary["texts"][k]]
    return {
        "registration": {"registered": len(regs), "arrived": sum(1 for r in regs if r["participant"] is not None),
                         "walk_ins": len(present) - sum(1 for r in regs if r["participant"] is not None),
                         "waiting": sum(1 for r in data.get("registrations", []) if r["status"] == "waiting")}
        if data.get("registrations") else None,
        "feedback": {"count": summary["count"], "charts": charts, "texts": texts} if summary["count"] else None,
        "carpool": campaigns.leaderboard_of(data.get("carpools", [])) if data.get("carpools") else None,
        "nominations": sorted(data.get("nominations", []), key=lambda n: (not n["picked"], -len(n["votes"])))
        if data.get("nominations") else None,
    }


def standalone_css() -> str:
    """The report's style sheets, for a report file that must work without the server (CLI, PDF)."""
    from workshop.config import ROOT
    return "\n".join((ROOT / "static" / "css" / name).read_text(encoding="utf-8")
                     for name in ("paja.css", "report.css"))


def render_report(data: dict, standalone: bool = False) -> str:
    from flask import render_template
    return render_template("facilitator/report.html", standalone=standalone,
                           css=standalone_css() if standalone else None, **report_context(data))


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # not installed, or its system libraries are missing
        return False
    return True


def to_pdf(data: dict) -> bytes:
    from weasyprint import HTML
    return HTML(string=render_report(data, standalone=True)).write_pdf()
