"""Form building blocks shared by the write-side blueprints: French WTForms messages, checkbox
lists, amounts typed the French way (« 12 000,50 »), and the validate-then-write step (the
request commits: see app/transaction.py)."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms import DecimalField, Form, SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.extensions import db
from app.forms import apply_errors
from models import ValidationError
from models.validators import too_long

T = TypeVar("T")
FRENCH = ("fr_FR", "fr")
REQUIRED = "Ce champ est obligatoire."
INVALID_AMOUNT = "Montant en chiffres, par exemple 50 000 ou 12 000,50."


class FrenchMeta(DefaultMeta):
    locales = FRENCH


class FrenchForm(FlaskForm):
    """A FlaskForm whose built-in messages (« N'est pas un entier valide. ») are in French."""

    class Meta:
        locales = FRENCH

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class FrenchSubForm(Form):
    """A sub-form (FormField rows): no CSRF token of its own, French messages."""

    Meta = FrenchMeta


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EuroField(DecimalField):
    """Accepts « 12 000,50 », « 12000.5 » or « 12 000 € » (a text input: number inputs refuse
    the French spaces and commas)."""

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].replace("€", "").replace("\u00a0", "").replace(" ", "")
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:
            amount = None
        self.data = amount if amount is not None and amount.is_finite() else None
        if self.data is None:  # « NaN », « sNaN », « Infinity » parse but are no amount
            raise ValueError(INVALID_AMOUNT)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data, "f")


class AmountRange(NumberRange):
    """A range check that stays quiet when the amount could not be read (its French message
    « Montant en chiffres… » is already shown: « doit être positif » would mislead)."""

    def __call__(self, form, field):
        if field.data is None:
            return
        super().__call__(form, field)


def text_limit(what: str, limit: int) -> "TextLimit":
    return TextLimit(what, limit)


class TextLimit(Length):
    """Length at most `limit`, with the message that says by how much (never a silent cut)."""

    def __init__(self, what: str, limit: int):
        super().__init__(max=limit)
        self.what = what

    def __call__(self, form, field):
        text = (field.data or "").strip()  # measured as it is stored (the services strip)
        if len(text) > self.max:
            raise StopValidation(too_long(self.what, text, self.max))


def required() -> DataRequired:
    return DataRequired(REQUIRED)


def optional() -> Optional:
    return Optional()


def submit(form: FlaskForm, write: Callable[[], T],
           problems: Callable[[], list[ValidationError]] | None = None) -> tuple[bool, T | None]:
    """Validate the posted form and run the write service; a rule the service refuses undoes
    its writes and is shown next to its field, the form keeping what the user typed.
    `problems` lists the service's rules broken by what was typed: run too when the form's
    own fields fail, so that every error shows at once. Returns (saved, what `write`
    returned); the request commits when saved."""
    if not form.validate_on_submit():
        if problems is not None and form.is_submitted() and "csrf_token" not in form.errors:
            for problem in problems():
                apply_errors(form, problem)
        return False, None
    try:
        result = write()
    except ValidationError as error:
        db.session.rollback()
        apply_errors(form, error)
        return False, None
    return True, result
