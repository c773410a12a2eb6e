"""Write to another organisation, and answer in a thread."""

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.organisations.formkit import FrenchForm, optional
from app.services.messaging import MAX_BODY

EMPTY_MESSAGE = "Le message ne peut pas être vide."


class ReplyForm(FrenchForm):
    body = TextAreaField("Votre message", validators=[
        DataRequired(EMPTY_MESSAGE),
        Length(max=MAX_BODY, message=f"Le message est trop long ({MAX_BODY} caractères au plus).")])


class NewThreadForm(ReplyForm):
    subject = StringField("Objet", validators=[optional(), Length(max=200)])
