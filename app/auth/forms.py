from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.services.accounts import MIN_PASSWORD_LENGTH

REQUIRED = "Ce champ est obligatoire."


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED),
                                                     Email("Adresse e-mail invalide.")])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])


class RegisterForm(FlaskForm):
    name = StringField("Nom et prénom", validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED),
                                                     Email("Adresse e-mail invalide.")])
    password = PasswordField("Mot de passe", validators=[
        DataRequired(REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH,
               message=f"Au moins {MIN_PASSWORD_LENGTH} caractères."),
    ])
    confirm = PasswordField("Confirmation du mot de passe", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Les deux mots de passe diffèrent."),
    ])
