"""Forms of the phone's door: the workshop code and joining."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from workshop.web.forms import NO_CONTROL_CHARS, ChoiceField, choices, strip
from workshop.web.labels import BACKGROUND_LABELS


class CodeForm(FlaskForm):
    code = StringField(_l("Workshop code"), validators=[
        InputRequired(_l("Enter the 6-digit code.")),
        Regexp(r"^\d{6}$", message=_l("The code has 6 digits."))],
        filters=[lambda v: re.sub(r"\s", "", v) if isinstance(v, str) else v])


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
