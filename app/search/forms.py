from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SearchField, SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from app.labels import DIRECTIONS, FLAGS, POSTING_TYPES
from models import Commune, Filiere, LegalForm

ANY = ("", "Toutes")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SearchForm(FlaskForm):
    """GET form: shareable URLs, no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField("Rechercher")
    sur = SelectField("Chercher parmi", choices=[("organisations", "Organisations"),
                                                 ("annonces", "Besoins et offres")])
    filiere = SelectField("Filière")
    commune = SelectField("Commune")
    forme = SelectField("Forme juridique")
    drapeaux = CheckboxesField("Statuts", choices=list(FLAGS.items()))
    type = SelectField("Type d'annonce", choices=[("", "Tous"), *POSTING_TYPES.items()])
    sens = SelectField("Sens", choices=[("", "Besoins et offres"), *DIRECTIONS.items()])
    statut = SelectField("État", choices=[("open", "Ouvertes"), ("closed", "Closes"),
                                          ("all", "Toutes")])

    def load_choices(self, session) -> None:
        self.filiere.choices = [ANY, *session.execute(
            select(Filiere.id, Filiere.name).order_by(Filiere.position))]
        self.commune.choices = [ANY, *session.execute(
            select(Commune.insee, Commune.name).where(Commune.in_metropole)
            .order_by(Commune.name))]
        self.forme.choices = [ANY, *session.execute(
            select(LegalForm.code, LegalForm.label).order_by(LegalForm.position))]
