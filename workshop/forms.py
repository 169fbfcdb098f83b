"""WTForms forms: validation with translated messages for every HTTP form."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from . import municipalities
from .labels import BACKGROUND_LABELS
from .sessions import ThemeSpec

NO_CONTROL_CHARS = Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", message=_l("Remove control characters."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email.")), Length(max=254)],
                       filters=[strip])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")),
                                                         Length(max=200)])


class SetupForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[InputRequired(_l("Enter your name.")), Length(max=120),
                                                    NO_CONTROL_CHARS], filters=[strip])
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email.")), Length(max=254),
                                                Email(_l("Enter a valid email address."))], filters=[strip])
    password = PasswordField(_l("Password (at least 10 characters)"), validators=[
        InputRequired(_l("Choose a password.")),
        Length(min=10, max=200, message=_l("The password must be 10–200 characters long."))])
    password2 = PasswordField(_l("Password again"), validators=[
        EqualTo("password", message=_l("The passwords do not match."))])


class CodeForm(FlaskForm):
    code = StringField(_l("Workshop code"), validators=[
        InputRequired(_l("Enter the 6-digit code.")),
        Regexp(r"^\d{6}$", message=_l("The code has 6 digits."))],
        filters=[lambda v: re.sub(r"\s", "", v) if isinstance(v, str) else v])


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ChoiceField(RadioField):
    """A radio group whose unknown value gets the same clear message as a missing one."""

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(self.validators[0].message)


class MultiChoiceField(SelectMultipleField):
    """A multiple choice whose unknown values get the app's own, translated message (WTForms' message
    for them is fuzzy, so untranslated, in its Finnish catalog)."""

    def __init__(self, *args, unknown_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown_message = unknown_message

    def pre_validate(self, form):
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or []):
            raise StopValidation(self.unknown_message)


class JoinForm(FlaskForm):
    municipality = ChoiceField(_l("Municipality"), validators=[InputRequired(_l("Choose your municipality."))])
    background = ChoiceField(_l("Background"), choices=choices(BACKGROUND_LABELS.items()),
                            validators=[InputRequired(_l("Choose your background."))])
    first_name = StringField(_l("First name (optional)"), validators=[
        Optional(), Length(max=60, message=_l("At most 60 characters.")), NO_CONTROL_CHARS], filters=[strip])
    organisation = StringField(_l("Organisation (optional)"), validators=[
        Optional(), Length(max=120, message=_l("At most 120 characters.")), NO_CONTROL_CHARS], filters=[strip])
    is_contact_person = BooleanField(_l("I am my municipality's NGO contact person"))
    names_consented = BooleanField(_l("My first name may appear in the workshop's report and exports"))

    def __init__(self, *args, municipality_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = choices(municipality_choices)


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


class RoundForm(FlaskForm):
    strategy = ChoiceField(_l("How to group"), validators=[InputRequired(_l("Choose how to group."))])
    size_mode = ChoiceField(_l("Group size or number of groups"), validators=[
        InputRequired(_l("Choose group size or number of groups."))])
    size = IntegerField(_l("Number"), validators=[
        InputRequired(_l("Give a number between 1 and 60.")),
        NumberRange(min=1, max=60, message=_l("Give a number between 1 and 60."))])
    merge_small = BooleanField(_l("Home groups: merge a municipality with fewer than 3 people into another group"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .labels import SIZE_MODE_LABELS, STRATEGY_LABELS
        self.strategy.choices = choices(STRATEGY_LABELS.items())
        self.size_mode.choices = choices(SIZE_MODE_LABELS.items())


class TableLabelForm(FlaskForm):
    label = StringField(_l("Table or place"), validators=[
        Optional(), Length(max=60, message=_l("At most 60 characters.")), NO_CONTROL_CHARS], filters=[strip])


class PollForm(FlaskForm):
    kind = ChoiceField(_l("Kind"), validators=[InputRequired(_l("Choose the kind of poll."))])
    question = TextAreaField(_l("Question"), validators=[
        InputRequired(_l("Write the question.")),
        Length(max=300, message=_l("Write a question of at most 300 characters.")), NO_CONTROL_CHARS],
        filters=[strip])
    options = TextAreaField(_l("Options, one per line (multiple choice only)"), validators=[
        Length(max=2000, message=_l("Give 2–8 options, one per line.")), NO_CONTROL_CHARS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .labels import POLL_KIND_LABELS
        self.kind.choices = choices(POLL_KIND_LABELS.items())

    def validate_options(self, field):
        from .labels import POLL_ERRORS
        from .polls import PollError, clean_options
        self.parsed_options = []
        if self.kind.data != "choice":
            return
        try:
            self.parsed_options = clean_options((field.data or "").splitlines())
        except PollError as exc:
            raise ValidationError(POLL_ERRORS[exc.args[0]]) from None
