"""The workshop form: title, time, municipalities, themes and questions, agenda."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from workshop.core import municipalities
from workshop.sessions.service import ThemeSpec, allowed_municipalities
from workshop.web.forms import NO_CONTROL_CHARS, MultiChoiceField, choices, strip
from workshop.web.labels import municipality_label


def parse_themes(text: str) -> list[ThemeSpec]:
    """One theme per line; its questions on the following lines, each starting with '-'."""
    themes: list[ThemeSpec] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[0] in "-–*•":
            question = line[1:].strip()
            if not themes:
                raise ValueError(_l("Write the theme before its questions."))
            if question:
                themes[-1].questions.append(question)
        else:
            themes.append(ThemeSpec(line))
    return themes


def format_themes(themes: list[ThemeSpec]) -> str:
    lines = []
    for t in themes:
        lines.append(t.title)
        lines.extend(f"- {q}" for q in t.questions)
    return "\n".join(lines)


AGENDA_LINE = re.compile(r"^(?P<title>.*?)[\s,;:–—-]*(?P<min>\d{1,3})\s*(min|minuuttia|minuter|minutes)?\.?$",
                         re.IGNORECASE)


def parse_agenda(text: str) -> list[tuple[str, int]]:
    """One agenda item per line: title, then minutes (e.g. 'Info and panel 50 min')."""
    items = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) > 220:  # AGENDA_LINE backtracks quadratically: a 100 KB line would take a minute
            raise ValueError(_l("An agenda item can have 200 characters at most."))
        m = AGENDA_LINE.match(line)
        if not m or not m.group("title").strip():
            raise ValueError(_l("Each agenda line needs a title and minutes, e.g. “Group work 90 min”."))
        minutes = int(m.group("min"))
        if not 1 <= minutes <= 600:
            raise ValueError(_l("Minutes must be between 1 and 600."))
        items.append((m.group("title").strip(), minutes))
    return items


def format_agenda(agenda: list[tuple[str, int]]) -> str:
    return "\n".join(f"{title} {minutes} min" for title, minutes in agenda)


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Give the workshop a title.")),
                                                 Length(max=200), NO_CONTROL_CHARS], filters=[strip])
    starts_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])
    host_municipality = SelectField(_l("Host municipality"), validators=[
        InputRequired(_l("Choose the host municipality."))])
    municipalities = MultiChoiceField(_l("Participating municipalities"), unknown_message=_l(
        "Choose 1–10 municipalities. The host municipality is always included."))
    series = SelectField(_l("Series (workshops of one area that follow each other up)"), validators=[Optional()])
    max_participants = IntegerField(_l("Maximum number of participants (optional)"), validators=[
        Optional(), NumberRange(min=1, max=5000, message=_l("Give a number between 1 and 5000."))])
    themes = TextAreaField(_l("Themes and questions"), validators=[Length(max=20000), NO_CONTROL_CHARS])
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=5000), NO_CONTROL_CHARS])
    content_language = SelectField(_l("Language of the workshop's texts"), choices=[
        SelectChoice("fi", _l("Finnish")), SelectChoice("sv", _l("Swedish")),
        SelectChoice("both", _l("Finnish and Swedish (bilingual)"))], default="fi")  # an old form without it: Finnish
    contact_name = StringField(_l("Contact person's name"), validators=[Length(max=120), NO_CONTROL_CHARS],
                               filters=[strip])
    contact_phone = StringField(_l("Contact person's phone"), validators=[
        Optional(), Length(max=40), Regexp(r"^\+?[0-9][0-9 ()-]{4,38}$", message=_l(
            "Write the phone number with digits, e.g. +358 40 123 4567."))], filters=[strip])
    contact_email = StringField(_l("Contact person's email"), validators=[
        Optional(), Length(max=254), Email(_l("Check the email address."))], filters=[strip])

    def __init__(self, *args, lang="fi", series=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.series.choices = [SelectChoice("", _l("No series"))] + [SelectChoice(str(s.id), s.name) for s in series]
        options = choices((m.code, m.name(lang)) for m in municipalities.all_municipalities(lang))
        self.host_municipality.choices = [SelectChoice("", _l("Choose…"))] + options
        self.municipalities.choices = options

    def validate_municipalities(self, field):
        if len(field.data or []) > 10:
            raise ValidationError(_l("Choose at most 10 municipalities."))

    def validate_themes(self, field):
        try:
            self.parsed_themes = parse_themes(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc.args[0])) from None
        for t in self.parsed_themes:
            if len(t.title) > 200 or any(len(q) > 500 for q in t.questions):
                raise ValidationError(_l("A theme can have 200 and a question 500 characters at most."))

    def validate_agenda(self, field):
        try:
            self.parsed_agenda = parse_agenda(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc.args[0])) from None
        if any(len(t) > 200 for t, _m in self.parsed_agenda):
            raise ValidationError(_l("An agenda item can have 200 characters at most."))

    @property
    def starts_at_value(self) -> datetime | None:
        return self.starts_at.data


def municipality_choices(session) -> list[tuple[str, str]]:
    """The workshop's municipalities (and "other") as (code, name in the user's language)."""
    lang = str(get_locale())
    return [(code, municipality_label(code, lang)) for code in allowed_municipalities(session)]
