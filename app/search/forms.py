from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SearchField
from wtforms.validators import Optional

from app.forms import FilterForm, FilterSelectField
from app.labels import DIRECTIONS, FLAGS, POSTING_TYPES
from app.services.directory import ReferenceChoices

ANY = ("", "Toutes")
SCOPES = [("organisations", "Organisations"), ("annonces", "Besoins et offres")]
STATES = [("open", "Ouvertes"), ("closed", "Closes"), ("all", "Toutes")]


class SearchForm(FilterForm):
    """One search box with the directory's and the postings' filters."""

    q = SearchField("Rechercher", validators=[Optional()])
    sur = FilterSelectField("Chercher parmi", choices=SCOPES)
    filiere = FilterSelectField("Filière")
    commune = FilterSelectField("Commune")
    forme = FilterSelectField("Forme juridique")
    esus = BooleanField(FLAGS["esus"])
    siae = BooleanField(FLAGS["siae"])
    ea_esat = BooleanField(FLAGS["ea_esat"])
    qpv = BooleanField(FLAGS["qpv"])
    type = FilterSelectField("Type d'annonce", choices=[("", "Tous"), *POSTING_TYPES.items()])
    sens = FilterSelectField("Sens", choices=[("", "Besoins et offres"), *DIRECTIONS.items()])
    statut = FilterSelectField("État", choices=STATES)

    @classmethod
    def from_args(cls, args: MultiDict, choices: ReferenceChoices) -> "SearchForm":
        form = cls(formdata=args)
        form.filiere.choices = [ANY, *((f.id, f.name) for f in choices.filieres)]
        form.commune.choices = [ANY, *((c.insee, c.name) for c in choices.communes)]
        form.forme.choices = [ANY, *((lf.code, lf.label) for lf in choices.legal_forms)]
        return form
