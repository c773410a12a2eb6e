"""The purchase-plan upload form (CSRF on, like every form)."""

from flask_wtf.file import FileAllowed, FileField, FileRequired

from app.organisations.formkit import FrenchForm

ACCEPTED = ("csv", "xlsx", "txt")


class PlanUploadForm(FrenchForm):
    fichier = FileField("Plan d'achats (CSV ou Excel .xlsx)", validators=[
        FileRequired("Choisissez le fichier de votre plan d'achats."),
        FileAllowed(ACCEPTED, "Déposez un fichier CSV ou Excel (.xlsx)."),
    ])
