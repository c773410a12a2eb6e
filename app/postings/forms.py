"""Filter form of the needs and offers lists (GET, shareable URLs)."""

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, SearchField
from wtforms.validators import Optional

from app.forms import FilterForm, FilterSelectField, any_choice
from app.labels import DIRECTIONS, POSTING_TYPES
from app.services.directory import ReferenceChoices
from app.services.postings import PostingFilters

RESERVED_CHOICES = [("siae", "Réservé aux SIAE (insertion)"),
                    ("ea_esat", "Réservé aux EA et ESAT (handicap)")]
DEFAULT_DIRECTION = "need"


class PostingFilterForm(FilterForm):
    direction = HiddenField()
    q = SearchField("Mots-clés", validators=[Optional()])
    type = FilterSelectField("Type d'annonce")
    filiere = FilterSelectField("Filière")
    levier = FilterSelectField("Levier d'action")
    commune = FilterSelectField("Commune")
    reserve = FilterSelectField("Marché réservé")
    ouvert = BooleanField("Seulement les annonces ouvertes (date limite non dépassée)")

    @classmethod
    def from_args(cls, args: MultiDict, choices: ReferenceChoices) -> "PostingFilterForm":
        form = cls(formdata=args)
        if form.direction.data not in DIRECTIONS:
            form.direction.data = DEFAULT_DIRECTION
        form.type.choices = any_choice("Tous les types") + list(POSTING_TYPES.items())
        form.filiere.choices = any_choice("Toutes les filières") + [
            (f.id, f.name) for f in choices.filieres]
        form.levier.choices = any_choice("Tous les leviers") + [
            (lever.id, lever.name) for lever in choices.levers]
        form.commune.choices = any_choice("Toutes les communes") + [
            (c.insee, c.name) for c in choices.communes]
        form.reserve.choices = any_choice("Réservé ou non") + RESERVED_CHOICES
        return form

    def filters(self) -> PostingFilters:
        return PostingFilters(
            direction=self.direction.data, q=self.value(self.q), type=self.choice("type"),
            filiere=self.choice("filiere"), lever=self.choice("levier"),
            commune=self.choice("commune"), reserved=self.choice("reserve"),
            open_only=bool(self.ouvert.data),
        )
