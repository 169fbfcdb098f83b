"""Forms of registration: sign-up, the organiser's settings, matching at the door."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    StringField,
    TelField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from workshop.models import DIETS
from workshop.web.forms import (
    NO_CONTROL_CHARS,
    ChoiceField,
    MultiChoiceField,
    area_field,
    choices,
    strip,
    text_field,
)
from workshop.web.labels import BACKGROUND_LABELS, DIET_LABELS


class RegistrationForm(FlaskForm):
    name = text_field(_l("Name"), 120, _l("Enter your name."))
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254),
                                                Email(_l("Enter a valid email address."))], filters=[strip])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40, message=_l("At most %(max)d characters.")),
                                              NO_CONTROL_CHARS], filters=[strip])
    municipality = ChoiceField(_l("Municipality"), validators=[InputRequired(_l("Choose your municipality."))])
    organisation = text_field(_l("Organisation (optional)"), 120)
    background = ChoiceField(_l("Background"), choices=choices(BACKGROUND_LABELS.items()),
                            validators=[InputRequired(_l("Choose your background."))])
    diets = MultiChoiceField(_l("Dietary needs"), choices=choices((d, DIET_LABELS[d]) for d in DIETS),
                             validators=[Optional()], unknown_message=_l("Choose dietary needs from the list."))
    diet_other = text_field(_l("Other dietary needs or allergies"), 200)
    accessibility = area_field(_l("Accessibility needs (optional)"), 500)
    consent = BooleanField(_l("I agree that my details are used to organise this workshop"),
                           validators=[InputRequired(_l("Agree to the use of your details to register."))])

    def __init__(self, *args, municipality_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = choices(municipality_choices)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:  # Optional() on both would skip a field validator
            self.phone.errors = [*self.phone.errors,
                                 _l("Give an email address or a phone number, so we can send you reminders.")]
            return False
        return ok


class RegistrationSettingsForm(FlaskForm):
    closes_at = DateTimeLocalField(_l("Registration closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    capacity = IntegerField(_l("Capacity (empty = no limit; others go on a waiting list)"), validators=[
        Optional(), NumberRange(min=1, max=5000,
                                message=_l("Give the capacity as a number between 1 and 5000, or leave it empty."))])


class DoorMatchForm(FlaskForm):
    lookup = StringField(_l("Registration code"), validators=[
        InputRequired(_l("Enter the code from your confirmation.")), Length(max=20)],
        filters=[strip])
