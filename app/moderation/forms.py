from wtforms import TextAreaField

from app.organisations.formkit import FrenchForm, required, text_limit
from models.moderation import REPORT_MAX


class ReportForm(FrenchForm):
    note = TextAreaField("Ce qui pose problème", validators=[
        required(), text_limit("Le motif", REPORT_MAX)], render_kw={"rows": 3})


class DecisionForm(FrenchForm):
    """Only the CSRF token: the decision is in the URL."""
