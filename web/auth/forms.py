"""Sign-in and password forms (Flask-WTF: every form carries its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length


class LoginForm(FlaskForm):
    """Sign in with a login and a password."""

    username = StringField(_l("Login"), validators=[InputRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    new = PasswordField(_l("New password"), validators=[InputRequired(), Length(min=12, max=1024)])
    confirm = PasswordField(_l("New password again"), validators=[
        InputRequired(), EqualTo("new", message=_l("The two new passwords differ."))])
