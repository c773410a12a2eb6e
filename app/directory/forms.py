"""Directory filter form (GET: shareable URLs)."""

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SearchField
from wtforms.validators import Optional

from app.forms import FilterForm, FilterSelectField, any_choice
from app.labels import FLAGS, KINDS
from app.services.directory import OrganisationFilters, ReferenceChoices


class OrganisationFilterForm(FilterForm):
    q = SearchField("Mots-clés", validators=[Optional()])
    filiere = FilterSelectField("Filière")
    commune = FilterSelectField("Commune")
    forme = FilterSelectField("Forme juridique")
    type = FilterSelectField("Type d'organisation")
    esus = BooleanField(FLAGS["esus"])
    siae = BooleanField(FLAGS["siae"])
    ea_esat = BooleanField(FLAGS["ea_esat"])
    qpv = BooleanField(FLAGS["qpv"])

    @classmethod
    def from_args(cls, args: MultiDict, choices: ReferenceChoices) -> "OrganisationFilterForm":
        form = cls(formdata=args)
        form.filiere.choices = any_choice("Toutes les filières") + [
            (f.id, f.name) for f in choices.filieres]
        form.commune.choices = any_choice("Toutes les communes") + [
            (c.insee, c.name) for c in choices.communes]
        form.forme.choices = any_choice("Toutes les formes") + [
            (lf.code, lf.label) for lf in choices.legal_forms]
        form.type.choices = any_choice("Tous les types") + list(KINDS.items())
        return form

    def filters(self) -> OrganisationFilters:
        return OrganisationFilters(
            q=self.value(self.q), filiere=self.choice("filiere"), commune=self.choice("commune"),
            legal_form=self.choice("forme"), kind=self.choice("type"),
            flags=tuple(flag for flag in FLAGS if self[flag].data),
        )
