"""Forms of the feedback survey: the answers and the facilitator's questions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField
from wtforms.validators import Optional

from workshop.web.forms import OptionalChoiceField, area_field, choices, text_field
from workshop.web.labels import COME_AGAIN_LABELS, FEEDBACK_QUESTION_LABELS


class FeedbackForm(FlaskForm):
    overall = OptionalChoiceField(_l("Overall"), choices=choices((str(i), str(i)) for i in range(1, 6)),
                                  validators=[Optional()])
    most_useful = area_field(_l("What was most useful?"), 1000)
    should_change = area_field(_l("What should change?"), 1000)
    come_again = OptionalChoiceField(_l("Would you come again?"), choices=choices(COME_AGAIN_LABELS.items()),
                                     validators=[Optional()])
    extra = area_field(_l("Anything else"), 1000)

    def __init__(self, *args, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
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
    overall_text = text_field(_l("Wording (empty = default)"), 300)
    most_useful_on = BooleanField(_l("Ask: what was most useful"))
    most_useful_text = text_field(_l("Wording (empty = default)"), 300)
    should_change_on = BooleanField(_l("Ask: what should change"))
    should_change_text = text_field(_l("Wording (empty = default)"), 300)
    come_again_on = BooleanField(_l("Ask: would you come again"))
    come_again_text = text_field(_l("Wording (empty = default)"), 300)
    extra = text_field(_l("An extra open question (optional)"), 300)
    closes_at = DateTimeLocalField(_l("The feedback link works until"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])
