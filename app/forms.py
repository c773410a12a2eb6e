"""Helpers shared by every blueprint's forms."""

from functools import lru_cache

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, Field, SelectField
from wtforms.fields.choices import Choice
from wtforms.widgets import Select

from app.services.directory import MAX_QUERY_LENGTH
from models import ValidationError


def apply_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's ValidationError (or each of a ValidationErrors) next to its field, or
    at the top of the form; a message already shown there is not repeated."""
    for one in getattr(error, "errors", None) or [error]:
        field = getattr(form, one.field, None) if one.field else None
        shown = field.errors if field is not None else form.form_errors
        if one.message in shown:
            continue
        if field is not None:
            field.errors = [*field.errors, one.message]
        else:
            form.form_errors.append(one.message)


UNKNOWN_VALUE = "Valeur inconnue : ce filtre est ignoré."


def any_choice(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class MemoisedSelect(Select):
    """wtforms' Select with each plain <option> memoised: a filter form renders ~60 reference
    options (filières, communes, legal forms) on every page view, always the same ones."""

    @classmethod
    def render_option(cls, choice, **kwargs) -> Markup:
        if kwargs or choice.render_kw or not isinstance(choice.value, str) or not isinstance(
                choice.label, str):
            return super().render_option(choice, **kwargs)
        return _option(choice.value, choice.label, bool(choice.selected))


@lru_cache(maxsize=2048)
def _option(value: str, label: str, selected: bool) -> Markup:
    return Select.render_option(Choice(value, label, selected, None))


class FilterSelectField(SelectField):
    """A filter's select: an unknown value is ignored and flagged (see `FilterForm.choice`)."""

    widget = MemoisedSelect()

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(label, validate_choice=False, **kwargs)


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
