"""Helpers shared by every blueprint's forms."""

from flask_wtf import FlaskForm

from models import ValidationError


def apply_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's ValidationError next to its field (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
