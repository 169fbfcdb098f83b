"""The room's common themes: find them in a round's notes, let the facilitator rename, merge and drop
them, and show them on the projector. Every change commits, then publishes CommonThemesChanged."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DB

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import row_id
from workshop.core.text import TextError, clean_text
from workshop.grouping import service as grouping
from workshop.models import Group, Note, Round, Session
from workshop.polls import lemmas
from workshop.sessions.service import bump
from workshop.themes import clustering
from workshop.themes.models import CommonTheme, CommonThemeSettings

MAX_LABEL = 120


class ThemeError(DomainError):
    """args[0]: "no_round", "no_notes", "not_found", "pick_two", "label_missing", "label_too_long", "control"."""


@dataclass(frozen=True)
class CommonThemesChanged(DomainEvent):
    session: Session


@dataclass(frozen=True)
class ShownTheme:
    id: int
    label: str
    related: list[str]
    notes: list[tuple[int, int, str]]  # (note id, group number, text), visible notes only
    groups: list[int]


def settings_of(session: Session) -> CommonThemeSettings:
    return session.common_theme_settings or CommonThemeSettings(session_id=session.id, shown=False)


def _editable(session: Session) -> CommonThemeSettings:
    if session.common_theme_settings is None:
        session.common_theme_settings = CommonThemeSettings(shown=False)
    return session.common_theme_settings


def _visible_notes(db: DB, round_: Round) -> list[tuple[Note, int]]:
    return [(note, number) for note, number in db.execute(
        select(Note, Group.number).join(Group, Note.group_id == Group.id)
        .where(Group.round_id == round_.id, Note.hidden.is_(False), Note.merged_into_id.is_(None)).order_by(Note.id))]


def rounds_with_notes(db: DB, session: Session) -> list[Round]:
    ids = set(db.scalars(select(Group.round_id).join(Note, Note.group_id == Group.id)
                         .where(Note.session_id == session.id).distinct()))
    return [r for r in grouping.rounds_of(db, session) if r.id in ids]


def find_themes(db: DB, session: Session, round_id=None) -> list[CommonTheme]:
    """Cluster the round's visible notes (default: the current round) and replace the themes found
    before; the projector keeps showing or not showing them as it did."""
    chosen = round_id not in (None, "")
    round_ = db.get(Round, row_id(round_id) or 0) if chosen else grouping.current_round(db, session)
    if round_ is None or round_.session_id != session.id:
        raise ThemeError("no_round")
    notes = _visible_notes(db, round_)
    if not notes:
        raise ThemeError("no_notes")
    found = clustering.cluster([clustering.NoteText(n.id, number, n.text) for n, number in notes],
                                lemmas.lemma, lemmas.is_content_word)
    db.execute(delete(CommonTheme).where(CommonTheme.session_id == session.id))
    themes = [CommonTheme(session_id=session.id, position=i, label=c.label[:MAX_LABEL], note_ids=c.note_ids,
                          related=c.related) for i, c in enumerate(found)]
    db.add_all(themes)
    _editable(session).round_id = round_.id
    bump(session)
    db.commit()
    publish(CommonThemesChanged(session))
    return themes


def themes_of(db: DB, session: Session) -> list[CommonTheme]:
    return list(db.scalars(select(CommonTheme).where(CommonTheme.session_id == session.id)
                           .order_by(CommonTheme.position, CommonTheme.id)))


def shown_themes(db: DB, session: Session) -> list[ShownTheme]:
    """The themes with their notes as they are now: a note hidden or merged since is left out, and a
    theme left with notes of fewer than two groups no longer counts as common."""
    themes = themes_of(db, session)
    wanted = {i for t in themes for i in t.note_ids}
    rows = db.execute(select(Note.id, Group.number, Note.text).join(Group, Note.group_id == Group.id).where(
        Note.id.in_(wanted), Note.hidden.is_(False), Note.merged_into_id.is_(None))) if wanted else []
    by_id = {r.id: (r.id, r.number, r.text) for r in rows}
    out = []
    for t in themes:
        notes = [by_id[i] for i in t.note_ids if i in by_id]
        out.append(ShownTheme(t.id, t.label, list(t.related or []), notes, sorted({n[1] for n in notes})))
    return out


def _theme(db: DB, session: Session, theme_id) -> CommonTheme:
    theme = db.get(CommonTheme, row_id(theme_id) or 0)
    if theme is None or theme.session_id != session.id:
        raise ThemeError("not_found")
    return theme


def _label(value) -> str:
    try:
        return clean_text(value, MAX_LABEL, collapse=True)
    except TextError as exc:
        raise ThemeError({"empty": "label_missing", "too_long": "label_too_long"}.get(exc.reason, "control")) from exc


def _changed(db: DB, session: Session) -> None:
    bump(session)
    db.commit()
    publish(CommonThemesChanged(session))


def rename(db: DB, session: Session, theme_id, label) -> CommonTheme:
    theme = _theme(db, session, theme_id)
    theme.label = _label(label)
    _changed(db, session)
    return theme


def merge(db: DB, session: Session, theme_ids) -> CommonTheme:
    """The chosen themes become the first of them (its label, every note once)."""
    chosen = [_theme(db, session, i) for i in dict.fromkeys(theme_ids or [])]
    if len(chosen) < 2:
        raise ThemeError("pick_two")
    chosen.sort(key=lambda t: (t.position, t.id))
    target = chosen[0]
    target.note_ids = list(dict.fromkeys(i for t in chosen for i in t.note_ids))
    target.related = list(dict.fromkeys(w for t in chosen for w in (t.related or [])))[:4]
    for other in chosen[1:]:
        db.delete(other)
    _changed(db, session)
    return target


def drop(db: DB, session: Session, theme_id) -> None:
    db.delete(_theme(db, session, theme_id))
    _changed(db, session)


def move(db: DB, session: Session, theme_id, direction: str) -> None:
    """Up or down by one place in the order the projector shows."""
    themes = themes_of(db, session)
    theme = _theme(db, session, theme_id)
    index = themes.index(theme)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(themes):
        themes[index], themes[other] = themes[other], themes[index]
    for position, t in enumerate(themes):
        t.position = position
    _changed(db, session)


def show(db: DB, session: Session, shown: bool) -> None:
    _editable(session).shown = bool(shown)
    _changed(db, session)
