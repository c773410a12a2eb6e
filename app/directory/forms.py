"""Directory filter form, and the base of every GET filter form (shareable URLs)."""

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, SearchField, SelectField
from wtforms.validators import Optional

from app.labels import FLAGS, KINDS
from app.services.directory import MAX_QUERY_LENGTH, OrganisationFilters, ReferenceChoices

UNKNOWN_VALUE = "Valeur inconnue : ce filtre est ignoré."


def any_choice(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class FilterForm(FlaskForm):
    """A GET filter form: no CSRF token; an unknown value is ignored and flagged in French."""

    class Meta:
        csrf = False

    def choice(self, name: str) -> str | None:
        field = self[name]
        if not field.data:
            return None
        if field.data in {value for value, _label in field.choices}:
            return field.data
        field.errors = [UNKNOWN_VALUE]
        return None

    def value(self, field: Field) -> str | bool | None:
        """The field's usable value: a known choice, a checkbox state, or trimmed text."""
        if isinstance(field, SelectField):
            return self.choice(field.name)
        if isinstance(field, BooleanField):
            return bool(field.data)
        return (field.data or "").strip()[:MAX_QUERY_LENGTH]

    def query_args(self) -> dict[str, str]:
        """The valid, non-empty filters, to keep them in pagination links."""
        values = {field.name: self.value(field) for field in self}
        return {name: "y" if value is True else value for name, value in values.items() if value}


class OrganisationFilterForm(FilterForm):
    q = SearchField("Mots-clés", validators=[Optional()])
    filiere = SelectField("Filière", validate_choice=False)
    commune = SelectField("Commune", validate_choice=False)
    forme = SelectField("Forme juridique", validate_choice=False)
    type = SelectField("Type d'organisation", validate_choice=False)
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
