from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SearchField, SelectField
from wtforms.validators import Optional

from app.forms import FilterForm
from app.labels import DIRECTIONS, FLAGS, POSTING_TYPES
from app.services.directory import ReferenceChoices

ANY = ("", "Toutes")
SCOPES = [("organisations", "Organisations"), ("annonces", "Besoins et offres")]
STATES = [("open", "Ouvertes"), ("closed", "Closes"), ("all", "Toutes")]


class SearchForm(FilterForm):
    """One search box with the directory's and the postings' filters."""

    q = SearchField("Rechercher", validators=[Optional()])
    sur = SelectField("Chercher parmi", choices=SCOPES, validate_choice=False)
    filiere = SelectField("Filière", validate_choice=False)
    commune = SelectField("Commune", validate_choice=False)
    forme = SelectField("Forme juridique", validate_choice=False)
    esus = BooleanField(FLAGS["esus"])
    siae = BooleanField(FLAGS["siae"])
    ea_esat = BooleanField(FLAGS["ea_esat"])
    qpv = BooleanField(FLAGS["qpv"])
    type = SelectField("Type d'annonce", choices=[("", "Tous"), *POSTING_TYPES.items()],
                       validate_choice=False)
    sens = SelectField("Sens", choices=[("", "Besoins et offres"), *DIRECTIONS.items()],
                       validate_choice=False)
    statut = SelectField("État", choices=STATES, validate_choice=False)

    @classmethod
    def from_args(cls, args: MultiDict, choices: ReferenceChoices) -> "SearchForm":
        form = cls(formdata=args)
        form.filiere.choices = [ANY, *((f.id, f.name) for f in choices.filieres)]
        form.commune.choices = [ANY, *((c.insee, c.name) for c in choices.communes)]
        form.forme.choices = [ANY, *((lf.code, lf.label) for lf in choices.legal_forms)]
        return form
