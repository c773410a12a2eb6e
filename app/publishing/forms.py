"""Forms to publish a need or an offer (with tender lots), and to close it."""

from dataclasses import fields

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange

from app.labels import CLOSE_REASONS as CLOSE_REASON_LABELS
from app.labels import DIRECTIONS, POSTING_TYPES, RESERVED
from app.organisations.formkit import (
    AmountRange,
    EuroField,
    FrenchForm,
    FrenchSubForm,
    MultiCheckboxField,
    optional,
    required,
    text_limit,
)
from app.services.closing import CLOSE_REASONS, Candidates, Outcome
from app.services.directory import ReferenceChoices
from app.services.publishing import LotData, PostingData
from models.posting import MAX_DESCRIPTION, MAX_TITLE

MAX_LOTS = 30
MAX_AMOUNT = 10**11  # Numeric(14, 2) holds up to 10^12
POSITIVE_AMOUNT = AmountRange(min=0, max=MAX_AMOUNT, message=(
    "Le montant doit être positif (et inférieur à 100 milliards d'euros)."))


class LotForm(FrenchSubForm):
    title = StringField("Intitulé du lot", validators=[
        optional(), text_limit("L'intitulé du lot", MAX_TITLE)])
    description = TextAreaField("Description du lot", validators=[
        optional(), text_limit("La description du lot", 2000)])
    estimated_amount = EuroField("Montant estimé (€ HT)", validators=[optional(), POSITIVE_AMOUNT])
    remove = BooleanField("Retirer ce lot")

    def is_blank(self) -> bool:
        return not ((self.title.data or "").strip() or (self.description.data or "").strip()
                    or self.estimated_amount.data is not None)

    def to_data(self) -> LotData:
        return LotData(title=(self.title.data or "").strip(),
                       description=(self.description.data or "").strip(),
                       estimated_amount=self.estimated_amount.data)


class PostingForm(FrenchForm):
    direction = RadioField("Je publie", choices=list(DIRECTIONS.items()), default="need")
    type = SelectField("Type d'annonce", choices=list(POSTING_TYPES.items()), default="tender")
    title = StringField("Titre", validators=[required(), text_limit("Le titre", MAX_TITLE)])
    description = TextAreaField("Description", validators=[
        optional(), text_limit("La description", MAX_DESCRIPTION)])
    commune_insee = StringField("Commune", validators=[required()],
                                render_kw={"list": "communes", "autocomplete": "off"})
    max_km = IntegerField("Distance maximale (km)", validators=[
        optional(), NumberRange(min=1, max=1000, message=(
            "La distance maximale doit être positive (1 000 km au plus)."))])
    budget_min = EuroField("Budget minimum (€ HT)", validators=[optional(), POSITIVE_AMOUNT])
    budget_max = EuroField("Budget maximum (€ HT)", validators=[optional(), POSITIVE_AMOUNT])
    deadline = DateField("Date limite de réponse", validators=[optional()])
    reserved = SelectField("Marché réservé", choices=list(RESERVED.items()), default="none")
    insertion_hours = IntegerField("Heures d'insertion (clause sociale)", validators=[
        optional(),
        NumberRange(min=0, max=10_000_000,
                    message="Le nombre d'heures d'insertion doit être positif.")])
    filiere_ids = MultiCheckboxField("Filières")
    lever_ids = MultiCheckboxField("Leviers de la feuille de route")
    cpv_codes = StringField("Codes CPV", validators=[optional(), Length(max=500)])
    lots = FieldList(FormField(LotForm), min_entries=2, max_entries=MAX_LOTS)
    filieres_confirmed = HiddenField()  # « 1 » once filières were proposed from the text
    save = SubmitField("Enregistrer")
    publish = SubmitField("Publier")
    add_lot = SubmitField("Ajouter un lot")

    def with_choices(self, choices: ReferenceChoices) -> "PostingForm":
        self.filiere_ids.choices = [(f.id, f.name) for f in choices.filieres]
        self.lever_ids.choices = [(lever.id, lever.name) for lever in choices.levers]
        self.communes = choices.communes
        return self

    def add_lot_row(self) -> bool:
        """« Ajouter un lot » was pressed: one more empty row, and the form is shown again."""
        if not self.add_lot.data:
            return False
        if len(self.lots) < MAX_LOTS:
            self.lots.append_entry()
        return True

    def to_data(self) -> PostingData:
        values = {f.name: self[f.name].data for f in fields(PostingData) if f.name != "lots"}
        values["title"] = values["title"] or ""
        for name in ("title", "description", "commune_insee", "cpv_codes"):
            values[name] = (values[name] or "").strip()
        for name in ("filiere_ids", "lever_ids"):
            values[name] = values[name] or []
        lots = [entry.form.to_data() for entry in self.lots
                if not entry.form.remove.data and not entry.form.is_blank()]
        return PostingData(**values, lots=lots)


class CloseForm(FrenchForm):
    """Close a posting; for an awarded need, name the titulaire(s), the amount and the date."""

    reason = RadioField("Motif de clôture", validators=[required()], choices=[
        (reason, CLOSE_REASON_LABELS[reason]) for reason in CLOSE_REASONS])
    organisation_ids = MultiCheckboxField("Titulaire(s) parmi les fournisseurs candidats",
                                          coerce=int)
    consortium_ids = MultiCheckboxField("Groupement(s) retenu(s)", coerce=int)
    outside_siret = StringField("SIRET d'un autre titulaire",
                                validators=[optional(), Length(max=20)])
    outside_name = StringField("Nom de cet autre titulaire",
                               validators=[optional(), Length(max=200, message=(
                                   "200 caractères au plus."))])
    amount = EuroField("Montant attribué (€ HT)", validators=[optional(), POSITIVE_AMOUNT])
    awarded_on = DateField("Date d'attribution", validators=[optional()])

    def with_candidates(self, candidates: Candidates) -> "CloseForm":
        self.organisation_ids.choices = [(o.id, o.name) for o in candidates.organisations]
        self.consortium_ids.choices = [(c.id, c.name) for c in candidates.consortia]
        return self

    def to_outcome(self) -> Outcome:
        return Outcome(self.reason.data, list(self.organisation_ids.data or []),
                       list(self.consortium_ids.data or []),
                       (self.outside_siret.data or "").strip(),
                       (self.outside_name.data or "").strip(), self.amount.data,
                       self.awarded_on.data)
