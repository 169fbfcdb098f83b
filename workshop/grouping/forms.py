"""Forms of grouping rounds: how to group, and a group's table label."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from workshop.web.forms import NO_CONTROL_CHARS, ChoiceField, choices, strip


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
        from workshop.web.labels import SIZE_MODE_LABELS, STRATEGY_LABELS
        self.strategy.choices = choices(STRATEGY_LABELS.items())
        self.size_mode.choices = choices(SIZE_MODE_LABELS.items())


class PlanForm(FlaskForm):
    """How many mixed rounds to plan together, and how big their groups are."""
    rounds = IntegerField(_l("Mixed rounds this evening"), validators=[
        InputRequired(_l("Give a number between 1 and 12.")),
        NumberRange(min=1, max=12, message=_l("Give a number between 1 and 12."))])
    plan_size_mode = ChoiceField(_l("Group size or number of groups"), validators=[
        InputRequired(_l("Choose group size or number of groups."))])
    plan_size = IntegerField(_l("Number"), validators=[
        InputRequired(_l("Give a number between 1 and 60.")),
        NumberRange(min=1, max=60, message=_l("Give a number between 1 and 60."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from workshop.web.labels import SIZE_MODE_LABELS
        self.plan_size_mode.choices = choices(SIZE_MODE_LABELS.items())


class TableLabelForm(FlaskForm):
    label = StringField(_l("Table or place"), validators=[
        Optional(), Length(max=60, message=_l("At most 60 characters.")), NO_CONTROL_CHARS], filters=[strip])
