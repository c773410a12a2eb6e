"""Forms of the groupements: create, invite, set a member's role and lots, pick a proposal."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.services.consortia.formation import ROLES


class ActingOrganisationForm(FlaskForm):
    """On behalf of which of the user's organisations (a select only when there are several)."""

    organisation_id = SelectField("Au nom de", coerce=int)

    def set_organisations(self, organisations) -> None:
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]


class NewConsortiumForm(ActingOrganisationForm):
    posting_id = HiddenField(validators=[DataRequired()])
    name = StringField("Nom du groupement", validators=[Optional(), Length(max=200)])


class ProposalForm(ActingOrganisationForm):
    """Echoes the proposal the user saw, so a recomputed list cannot swap it silently."""

    index = IntegerField(validators=[InputRequired()])
    composition = HiddenField(validators=[DataRequired()])
    chaine = HiddenField()
    reseau = HiddenField()


class InviteForm(FlaskForm):
    organisation = StringField(
        "Organisation à inviter", validators=[DataRequired("Indiquez une organisation."),
                                              Length(max=250)])
    role = SelectField("Rôle proposé", default="co_contractor",
                       choices=[(k, v) for k, v in ROLES.items() if k != "lead"])


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MemberForm(FlaskForm):
    role = SelectField("Rôle", choices=list(ROLES.items()))
    lots = CheckboxesField("Lots", coerce=int, validate_choice=False)

    def set_lots(self, lots) -> None:
        self.lots.choices = [(lot.number, f"Lot {lot.number} : {lot.title}") for lot in lots]
