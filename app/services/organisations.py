"""Creating and editing organisations: the rules that span several rows (unique SIRET, commune)."""

from dataclasses import dataclass, field, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.audit import record_changes
from app.services.races import added_once
from app.services.statuses import declare, recheck_after_status_change, status_snapshot
from models import Commune, Filiere, LegalForm, Membership, Organisation, User, ValidationError
from models.validators import normalise_siret, siret_error


@dataclass
class OrganisationData:
    """What a user submits for an organisation (forms and importers fill it)."""

    kind: str
    name: str
    siret: str
    commune_insee: str
    legal_form_code: str | None = None
    description: str = ""
    capacities: str = ""
    address: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    headcount: int | None = None
    esus: bool = False
    qpv: bool = False
    filiere_ids: list[str] = field(default_factory=list)
    sdg: list[int] = field(default_factory=list)

    @classmethod
    def from_organisation(cls, organisation: Organisation) -> "OrganisationData":
        """The current values, to pre-fill the edit form."""
        values = {f.name: getattr(organisation, f.name) for f in fields(cls)
                  if f.name != "filiere_ids"}
        return cls(**values, filiere_ids=[f.id for f in organisation.filieres])


def find_by_siret(session: Session, siret: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(
        Organisation.siret == normalise_siret(siret)))


def get_commune(session: Session, insee: str) -> Commune:
    """The commune of an INSEE code, or of a name (the metropole's communes first)."""
    text = (insee or "").strip()
    commune = session.get(Commune, text) if text else None
    if commune is None and text:
        commune = session.scalars(
            select(Commune).where(func.lower(Commune.name) == text.lower())
            .order_by(Commune.in_metropole.desc(), Commune.insee)).first()
    if commune is None:
        raise ValidationError("Commune inconnue : choisissez une commune de la liste.",
                              "commune_insee")
    return commune


def _legal_form(session: Session, code: str | None) -> LegalForm | None:
    if not code:
        return None
    legal_form = session.get(LegalForm, code)
    if legal_form is None:
        raise ValidationError("Forme juridique inconnue.", "legal_form_code")
    return legal_form


def apply_data(session: Session, organisation: Organisation, data: OrganisationData) -> None:
    """Copy the submitted data; SIAE, EA/ESAT (legal form) and ESUS are declared statuses."""
    commune = get_commune(session, data.commune_insee)
    legal_form = _legal_form(session, data.legal_form_code)
    for name in ("kind", "name", "description", "capacities", "address", "website", "email",
                 "phone", "headcount", "qpv", "sdg"):
        setattr(organisation, name, getattr(data, name))
    organisation.commune, organisation.lat, organisation.lon = commune, commune.lat, commune.lon
    organisation.legal_form = legal_form
    declare(organisation, legal_form, data.esus)
    organisation.filieres = list(session.scalars(
        select(Filiere).where(Filiere.id.in_(data.filiere_ids))))


def create_organisation(session: Session, data: OrganisationData,
                        owner: User | None = None) -> Organisation:
    """Create an organisation (its creator becomes owner); a taken SIRET is refused."""
    organisation = Organisation(siret=data.siret)
    if find_by_siret(session, organisation.siret):
        raise ValidationError(
            "Ce SIRET est déjà enregistré sur Essaim : demandez à rejoindre cette organisation.",
            "siret",
        )
    apply_data(session, organisation, data)

    def add() -> None:
        session.add(organisation)
        if owner is not None:
            session.add(Membership(user=owner, organisation=organisation, role="owner"))

    if not added_once(session, add):  # a concurrent creation won the race
        raise ValidationError("Ce SIRET est déjà enregistré sur Essaim.", "siret")
    return organisation


def onboard_organisation(session: Session, data: OrganisationData, owner: User) -> Organisation:
    """A user registers their organisation and becomes its owner; matching hears about it."""
    return create_organisation(session, data, owner)


def update_organisation(session: Session, organisation: Organisation,
                        data: OrganisationData, editor: User | None = None) -> Organisation:
    """Edit the profile; a SIRET already used by another organisation is refused. Each changed
    field is written to the audit log (who, what, when)."""
    profile_before = OrganisationData.from_organisation(organisation)
    other = find_by_siret(session, data.siret) if not siret_error(data.siret) else None
    if other is not None and other.id != organisation.id:
        raise ValidationError("Ce SIRET est déjà enregistré pour une autre organisation.",
                              "siret")
    organisation.siret = data.siret
    before = status_snapshot(organisation)
    apply_data(session, organisation, data)
    session.flush()  # the foreign keys (commune, legal form) follow the relationships
    record_changes(session, organisation, editor, profile_before,
                   OrganisationData.from_organisation(organisation))
    session.flush()
    if status_snapshot(organisation) != before:  # a declared status was added or dropped
        recheck_after_status_change(session, organisation)
    return organisation


def set_alert_preferences(session: Session, organisation: Organisation, frequency: str,
                          filiere_ids: list[str]) -> None:
    """How often the organisation is e-mailed, and which filières it wants to hear about."""
    known = set(session.scalars(select(Filiere.id).where(Filiere.id.in_(filiere_ids))))
    organisation.alert_frequency = frequency
    organisation.alert_filieres = [f for f in filiere_ids if f in known]
    session.flush()
