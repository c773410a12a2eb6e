from wtforms import TextAreaField
from wtforms.validators import Length

from app.organisations.formkit import FrenchForm, required
from models.moderation import REPORT_MAX


class ReportForm(FrenchForm):
    note = TextAreaField("Ce qui pose problème", validators=[
        required(), Length(max=REPORT_MAX, message=f"{REPORT_MAX} caractères au plus.")],
        render_kw={"maxlength": REPORT_MAX, "rows": 3})


class DecisionForm(FrenchForm):
    """Only the CSRF token: the decision is in the URL."""
