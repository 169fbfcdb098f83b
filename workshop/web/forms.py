"""Shared form pieces: the text policy as a validator, stripping, choice fields with clear messages."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from workshop.core.text import has_forbidden
from workshop.sessions.service import allowed_municipalities
from workshop.web.labels import municipality_label


class NoControlChars:
    """core.text's policy on invisible and control characters, for form fields."""

    message = _l("Remove control characters.")

    def __call__(self, form, field):
        if isinstance(field.data, str) and has_forbidden(field.data):
            raise ValidationError(self.message)


NO_CONTROL_CHARS = NoControlChars()


def strip(value):
    return value.strip() if isinstance(value, str) else value


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def municipality_choices(session) -> list[tuple[str, str]]:
    """The workshop's municipalities (and "other") as (code, name in the user's language)."""
    lang = str(get_locale())
    return [(code, municipality_label(code, lang)) for code in allowed_municipalities(session)]


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


class OptionalChoiceField(ChoiceField):
    """A radio group that may be left unanswered (an unknown value is still refused)."""

    def pre_validate(self, form):
        if self.data not in (None, "", "None") and self.data not in {c.value for c in self.choices}:
            raise ValidationError(_l("Choose one of the options."))


def text_field(label, limit: int, required_message=None):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return StringField(label, validators=validators + [
        Length(max=limit, message=_l("At most %(max)d characters.")), NO_CONTROL_CHARS], filters=[strip])


def area_field(label, limit: int, required_message=None):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return TextAreaField(label, validators=validators + [
        Length(max=limit, message=_l("At most %(max)d characters.")), NO_CONTROL_CHARS], filters=[strip])
