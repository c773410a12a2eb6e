from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

REQUIRED = "Ce champ est obligatoire."


def _email_field() -> EmailField:
    return EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED),
                                                    Email("Adresse e-mail invalide.")])


def _new_password_fields(label: str = "Mot de passe") -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation (the strength policy is checked by the service)."""
    password = PasswordField(label, validators=[
        DataRequired(REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
               message=f"Au moins {MIN_PASSWORD_LENGTH} caractères."),
    ])
    confirm = PasswordField("Confirmation du mot de passe", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Les deux mots de passe diffèrent."),
    ])
    return password, confirm


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])


class RegisterForm(FlaskForm):
    name = StringField("Nom et prénom", validators=[DataRequired(REQUIRED), Length(max=120)])
    email = _email_field()
    password, confirm = _new_password_fields()


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class NewPasswordForm(FlaskForm):
    password, confirm = _new_password_fields("Nouveau mot de passe")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])
    password, confirm = _new_password_fields("Nouveau mot de passe")
