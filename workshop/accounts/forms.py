"""Forms of facilitator accounts: first-run set-up, login, and a new account's name and password (also
asked of someone who joins a workshop's team by an invitation link)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from workshop.web.forms import NO_CONTROL_CHARS, strip


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email.")), Length(max=254)],
                       filters=[strip])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")),
                                                         Length(max=200)])


class NewAccountForm(FlaskForm):
    """A new account's name and password (the address comes from the set-up form or the invitation)."""
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120),
                                                    NO_CONTROL_CHARS], filters=[strip])
    password = PasswordField(_l("Password (at least 10 characters)"), validators=[
        InputRequired(_l("Choose a password.")),
        Length(min=10, max=200, message=_l("The password must be 10–200 characters long."))])
    password2 = PasswordField(_l("Password again"), validators=[
        EqualTo("password", message=_l("The passwords do not match."))])


class SetupForm(NewAccountForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email.")), Length(max=254),
                                                Email(_l("Enter a valid email address."))], filters=[strip])
