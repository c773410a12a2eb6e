"""Organisation profile, alert preferences and join-by-SIRET forms."""

from dataclasses import fields

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, Email, Length, NumberRange, Regexp, ValidationError

from app.labels import KINDS, SDG
from app.organisations.formkit import FrenchForm, MultiCheckboxField, optional, required
from app.services.directory import ReferenceChoices
from app.services.organisations import OrganisationData
from models.validators import siret_error

WEBSITE_ERROR = "Adresse web invalide : commencez par https://."
ALERT_FREQUENCIES = {
    "immediate": "Dès qu'une opportunité correspond (un e-mail par alerte)",
    "weekly": "Un récapitulatif par semaine",
    "none": "Jamais par e-mail (seulement dans Essaim)",
}


def valid_siret(_form, field) -> None:
    error = siret_error(field.data or "")
    if error:
        raise ValidationError(error)


class OrganisationForm(FrenchForm):
    kind = SelectField("Type d'organisation", choices=list(KINDS.items()))
    name = StringField("Nom", validators=[required(), Length(max=200)])
    siret = StringField("SIRET", validators=[required(), valid_siret])
    legal_form_code = SelectField("Forme juridique")
    commune_insee = StringField("Commune", validators=[required()],
                                render_kw={"list": "communes", "autocomplete": "off"})
    address = StringField("Adresse", validators=[optional(), Length(max=300)])
    headcount = IntegerField("Effectif (salariés)", validators=[
        optional(), NumberRange(min=0, max=1_000_000, message="L'effectif doit être positif.")])
    description = TextAreaField("Présentation", validators=[optional(), Length(max=5000)])
    capacities = TextAreaField("Savoir-faire et capacités", validators=[
        optional(), Length(max=5000)])
    website = StringField("Site web", validators=[
        optional(), URL(message=WEBSITE_ERROR), Regexp(r"^https?://", message=WEBSITE_ERROR),
        Length(max=300)])
    email = EmailField("E-mail de contact", validators=[
        optional(), Email("Adresse e-mail invalide."), Length(max=200)])
    phone = StringField("Téléphone", validators=[
        optional(), Regexp(r"^\+?[\d .()-]{6,20}$", message="Numéro de téléphone invalide.")])
    filiere_ids = MultiCheckboxField("Filières")
    esus = BooleanField("Agrément ESUS (entreprise solidaire d'utilité sociale)")
    qpv = BooleanField("Implantée dans un quartier prioritaire de la ville (QPV)")
    sdg = MultiCheckboxField("Objectifs de développement durable", coerce=int,
                             choices=list(SDG.items()))

    def with_choices(self, choices: ReferenceChoices) -> "OrganisationForm":
        self.legal_form_code.choices = [("", "— Non précisée —")] + [
            (lf.code, lf.label) for lf in choices.legal_forms]
        self.filiere_ids.choices = [(f.id, f.name) for f in choices.filieres]
        self.communes = choices.communes
        return self

    def to_data(self) -> OrganisationData:
        values = {f.name: self[f.name].data for f in fields(OrganisationData)}
        for name in ("name", "siret", "commune_insee", "address", "website", "email", "phone"):
            values[name] = (values[name] or "").strip()
        values["legal_form_code"] = values["legal_form_code"] or None
        for name in ("description", "capacities"):
            values[name] = values[name] or ""
        for name in ("filiere_ids", "sdg"):
            values[name] = values[name] or []
        return OrganisationData(**values)


class AlertForm(FrenchForm):
    alert_frequency = RadioField("Recevoir les alertes par e-mail",
                                 choices=list(ALERT_FREQUENCIES.items()))
    alert_filieres = MultiCheckboxField("Seulement pour ces filières (aucune cochée : toutes)")

    def with_choices(self, choices: ReferenceChoices) -> "AlertForm":
        self.alert_filieres.choices = [(f.id, f.name) for f in choices.filieres]
        return self


class JoinForm(FrenchForm):
    siret = StringField("SIRET de l'organisation", validators=[required(), valid_siret])


API_SCOPE_LABELS = {
    "read": "Lecture (ses mises en relation, les suggestions de ses besoins)",
    "write": "Écriture (créer, modifier, publier et clore ses annonces)",
}


class ApiTokenForm(FrenchForm):
    name = StringField("Nom du jeton", validators=[required(), Length(max=80)],
                       description="L'outil qui l'utilisera, par exemple « Progiciel achats ».")
    scopes = MultiCheckboxField("Permissions", choices=list(API_SCOPE_LABELS.items()),
                                default=["read"])
