"""Forms for registration, feedback and campaigns (translated messages, like forms.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .forms import NO_CONTROL_CHARS, ChoiceField, MultiChoiceField, choices, strip
from .labels import BACKGROUND_LABELS, COME_AGAIN_LABELS, DIET_LABELS
from .models import DIETS


def _text(label, limit: int, required_message=None):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return StringField(label, validators=validators + [
        Length(max=limit, message=_l("At most %(max)d characters.")), NO_CONTROL_CHARS], filters=[strip])


def _area(label, limit: int, required_message=None):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return TextAreaField(label, validators=validators + [
        Length(max=limit, message=_l("At most %(max)d characters.")), NO_CONTROL_CHARS], filters=[strip])


class RegistrationForm(FlaskForm):
    name = _text(_l("Name"), 120, _l("Enter your name."))
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254),
                                                Email(_l("Enter a valid email address."))], filters=[strip])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40, message=_l("At most %(max)d characters.")),
                                              NO_CONTROL_CHARS], filters=[strip])
    municipality = ChoiceField(_l("Municipality"), validators=[InputRequired(_l("Choose your municipality."))])
    organisation = _text(_l("Organisation (optional)"), 120)
    background = ChoiceField(_l("Background"), choices=choices(BACKGROUND_LABELS.items()),
                            validators=[InputRequired(_l("Choose your background."))])
    diets = MultiChoiceField(_l("Dietary needs"), choices=choices((d, DIET_LABELS[d]) for d in DIETS),
                             validators=[Optional()], unknown_message=_l("Choose dietary needs from the list."))
    diet_other = _text(_l("Other dietary needs or allergies"), 200)
    accessibility = _area(_l("Accessibility needs (optional)"), 500)
    consent = BooleanField(_l("I agree that my details are used to organise this workshop"),
                           validators=[InputRequired(_l("Agree to the use of your details to register."))])

    def __init__(self, *args, municipality_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = choices(municipality_choices)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:  # Optional() on both would skip a field validator
            self.phone.errors = [*self.phone.errors, _l("Give an email address or a phone number, so we can send you reminders.")]
            return False
        return ok


class RegistrationSettingsForm(FlaskForm):
    closes_at = DateTimeLocalField(_l("Registration closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    capacity = IntegerField(_l("Capacity (empty = no limit; others go on a waiting list)"), validators=[
        Optional(), NumberRange(min=1, max=5000, message=_l("Give the capacity as a number between 1 and 5000, or leave it empty."))])


class DoorMatchForm(FlaskForm):
    lookup = StringField(_l("Registration code or email"), validators=[
        InputRequired(_l("Enter the code from your confirmation, or your email.")), Length(max=254)],
        filters=[strip])


class OptionalChoiceField(ChoiceField):
    """A radio group that may be left unanswered (an unknown value is still refused)."""

    def pre_validate(self, form):
        if self.data not in (None, "", "None") and self.data not in {c.value for c in self.choices}:
            raise ValidationError(_l("Choose one of the options."))


class FeedbackForm(FlaskForm):
    overall = OptionalChoiceField(_l("Overall"), choices=choices((str(i), str(i)) for i in range(1, 6)),
                                  validators=[Optional()])
    most_useful = _area(_l("What was most useful?"), 1000)
    should_change = _area(_l("What should change?"), 1000)
    come_again = OptionalChoiceField(_l("Would you come again?"), choices=choices(COME_AGAIN_LABELS.items()),
                                     validators=[Optional()])
    extra = _area(_l("Anything else"), 1000)

    def __init__(self, *args, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .labels import FEEDBACK_QUESTION_LABELS
        self.questions = questions or {}
        for key in ("overall", "most_useful", "should_change", "come_again"):
            q = self.questions.get(key) or {}
            self[key].label.text = q.get("text") or str(FEEDBACK_QUESTION_LABELS[key])
        if self.questions.get("extra"):
            self.extra.label.text = self.questions["extra"]

    def asked(self, key: str) -> bool:
        if key == "extra":
            return bool(self.questions.get("extra"))
        return bool((self.questions.get(key) or {}).get("on", True))


class FeedbackSettingsForm(FlaskForm):
    overall_on = BooleanField(_l("Ask: overall rating 1–5"))
    overall_text = _text(_l("Wording (empty = default)"), 300)
    most_useful_on = BooleanField(_l("Ask: what was most useful"))
    most_useful_text = _text(_l("Wording (empty = default)"), 300)
    should_change_on = BooleanField(_l("Ask: what should change"))
    should_change_text = _text(_l("Wording (empty = default)"), 300)
    come_again_on = BooleanField(_l("Ask: would you come again"))
    come_again_text = _text(_l("Wording (empty = default)"), 300)
    extra = _text(_l("An extra open question (optional)"), 300)
    closes_at = DateTimeLocalField(_l("The feedback link works until"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])


class CarpoolForm(FlaskForm):
    name = _text(_l("Name of your car (e.g. the drivers' names or your village)"), 80,
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
    nominee = _text(_l("Nominee: a person, group or association"), 120, _l("Name the person or group you nominate."))
    deed = _area(_l("The good deed: how did they advance cooperation between associations and the municipality?"),
                 1000, _l("Describe the good deed."))
    municipality = SelectField(_l("Your municipality"), validators=[Optional()])

    def __init__(self, *args, municipality_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [SelectChoice("", _l("Choose…"))] + choices(municipality_choices)


class CampaignSettingsForm(FlaskForm):
    carpool = BooleanField(_l("Carpool contest"))
    good_deed = BooleanField(_l("Good deed award nominations"))
