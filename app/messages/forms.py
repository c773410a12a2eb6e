"""Write to another organisation, and answer in a thread."""

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from app.organisations.formkit import FrenchForm, optional, text_limit
from app.services.messaging import MAX_BODY

EMPTY_MESSAGE = "Le message ne peut pas être vide."


class ReplyForm(FrenchForm):
    body = TextAreaField("Votre message", validators=[
        DataRequired(EMPTY_MESSAGE),
        text_limit("Le message", MAX_BODY)])


class NewThreadForm(ReplyForm):
    subject = StringField("Objet", validators=[optional(), text_limit("L'objet", 200)])
