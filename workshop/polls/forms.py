"""The poll form: kind, question, options and whether the projector shows the results live."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from workshop.web.forms import NO_CONTROL_CHARS, ChoiceField, choices, strip


class PollForm(FlaskForm):
    kind = ChoiceField(_l("Kind"), validators=[InputRequired(_l("Choose the kind of poll."))])
    question = TextAreaField(_l("Question"), validators=[
        InputRequired(_l("Write the question.")),
        Length(max=300, message=_l("Write a question of at most 300 characters.")), NO_CONTROL_CHARS],
        filters=[strip])
    # Left out (an older form, a script): the default, hidden until revealed.
    show_results = ChoiceField(_l("Results"), validators=[DataRequired(_l("Choose how the results are shown."))],
                               filters=[lambda value: value or "reveal"])
    options = TextAreaField(_l("Options, one per line (multiple choice only)"), validators=[
        Length(max=2000, message=_l("Give 2–8 options, one per line.")), NO_CONTROL_CHARS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from workshop.web.labels import POLL_KIND_LABELS, RESULTS_MODE_LABELS
        self.kind.choices = choices(POLL_KIND_LABELS.items())
        self.show_results.choices = choices(RESULTS_MODE_LABELS.items())

    def validate_options(self, field):
        from workshop.polls.service import PollError, clean_options
        from workshop.web.labels import POLL_ERRORS
        self.parsed_options = []
        if self.kind.data != "choice":
            return
        try:
            self.parsed_options = clean_options((field.data or "").splitlines())
        except PollError as exc:
            raise ValidationError(POLL_ERRORS[exc.args[0]]) from None
