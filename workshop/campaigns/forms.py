"""Forms of the campaigns: carpool entries, nominations and settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from workshop.web.forms import area_field, choices, text_field


class CarpoolForm(FlaskForm):
    name = text_field(_l("Name of your car (e.g. the drivers' names or your village)"), 80,
                      _l("Give your car a name, e.g. the drivers' names or your village."))
    municipality = SelectField(_l("Where you came from"), validators=[Optional()])
    passengers = IntegerField(_l("People in the car, the driver included"), validators=[
        InputRequired(_l("Give the number of people in the car (1–9), the driver included.")),
        NumberRange(min=1, max=9, message=_l("Give the number of people in the car (1–9), the driver included."))])
    kilometres = IntegerField(_l("Kilometres driven to the workshop"), validators=[
        InputRequired(_l("Give the kilometres as a whole number between 1 and 1000.")),
        NumberRange(min=1, max=1000, message=_l("Give the kilometres as a whole number between 1 and 1000."))])

    def __init__(self, *args, municipality_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [SelectChoice("", _l("Choose…"))] + choices(municipality_choices)


class NominationForm(FlaskForm):
    nominee = text_field(_l("Nominee: a person, group or association"), 120,
                         _l("Name the person or group you nominate."))
    deed = area_field(_l("The good deed: how did they advance cooperation between associations and the municipality?"),
                      1000, _l("Describe the good deed."))
    municipality = SelectField(_l("Your municipality"), validators=[Optional()])

    def __init__(self, *args, municipality_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [SelectChoice("", _l("Choose…"))] + choices(municipality_choices)


class CampaignSettingsForm(FlaskForm):
    carpool = BooleanField(_l("Carpool contest"))
    good_deed = BooleanField(_l("Good deed award nominations"))
