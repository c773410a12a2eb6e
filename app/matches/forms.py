"""« Cette suggestion vous a-t-elle été utile ? »: yes/no, a reason, a free comment."""

from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from app.labels import FEEDBACK_REASONS
from app.organisations.formkit import FrenchForm, optional, required
from app.services.feedback import MAX_COMMENT, Answer


class FeedbackForm(FrenchForm):
    useful = RadioField("Cette suggestion vous a-t-elle été utile ?", validators=[required()],
                        choices=[("oui", "Oui"), ("non", "Non")])
    reason = SelectField("Pourquoi ?", validators=[optional()],
                         choices=[("", "— Choisir (facultatif) —"), *FEEDBACK_REASONS.items()])
    comment = TextAreaField("Commentaire (facultatif)", validators=[optional(), Length(
        max=MAX_COMMENT, message=f"{MAX_COMMENT} caractères au plus.")])

    def to_answer(self) -> Answer:
        return Answer(self.useful.data == "oui", self.reason.data or "",
                      (self.comment.data or "").strip())
