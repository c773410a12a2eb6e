"""Import awarded public contracts (DECP) as closed tenders with their winners (awards).

Each record becomes a tender need, status closed (awarded), owned by its buyer (created as a
public buyer from its SIRET and name when Essaim does not know it), with its CPV code and the
filières that code implies. Its winners become `Award` rows, linked to the organisation of the
same SIRET when there is one; unknown winners are kept by SIRET and name, not invented as
organisations (DECP gives no address), and their references appear as soon as they register.

Idempotent: a contract's key is `decp:<id>:<fingerprint of buyer, subject and CPV>`, so the
several records of a multi-holder contract share one tender, and importing the Pays de la
Loire extract and then the national file does not duplicate anything.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.organisations import OrganisationData, create_organisation, find_by_siret
from app.services.references import link_awards
from matching.cpv import cpv8, fold_text
from matching.sectors import filieres_for_cpv
from models import Award, CpvCode, Filiere, Organisation, Posting
from models.validators import normalise_siret, siret_error
from seed.importers.common import (
    ImportReport,
    Outcome,
    RowSkipped,
    assign,
    parse_amount,
    parse_date,
    run_rows,
)
from seed.importers.decp_places import (
    Place,
    buyer_commune,
    execution_place,
    has_place,
)
from seed.importers.decp_records import DecpRecord, Holder, read_decp
from seed.importers.legal import public_legal_form
from seed.importers.places import commune_index

SOURCE = "decp"
TITLE_LENGTH = 200


def import_decp(session: Session, path: Path,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    return import_decp_records(session, read_decp(path), progress)


def import_decp_records(session: Session, records: list[tuple[int, DecpRecord]],
                        progress: Callable[[int], None] | None = None,
                        title: str = "Marchés publics attribués (DECP)") -> ImportReport:
    importer = DecpImporter(session, ImportReport(title))
    # Located records first: a buyer is then created from a record that says where it works,
    # and its records placed only « FR » attach to it whatever their order in the file.
    ordered = sorted(records, key=lambda item: not has_place(importer.index, item[1]))
    report = run_rows(session, ordered, importer.handle, importer.report, progress)
    return with_linked_awards(session, report)


def with_linked_awards(session: Session, report: ImportReport) -> ImportReport:
    """Link earlier awards to organisations this import created (same SIRET)."""
    linked = link_awards(session)
    session.commit()  # the import is its own unit of work (run_rows committed the rows)
    if linked:
        report.figures["attributions reliées à une organisation créée depuis"] += linked
    return report


def external_id(record: DecpRecord) -> str:
    code = cpv8(record.cpv) or record.cpv
    digest = hashlib.sha1(f"{normalise_siret(record.buyer_siret)}|{fold_text(record.objet)}|"
                          f"{code}".encode()).hexdigest()[:12]
    return f"{SOURCE}:{record.id[:60]}:{digest}"


def _title(objet: str) -> str:
    if len(objet) <= TITLE_LENGTH:
        return objet
    return objet[:TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _instant(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


def _description(record: DecpRecord, notified: date | None) -> str:
    facts = [record.nature, record.procedure.lower() if record.procedure else ""]
    if notified:
        facts.append(f"notifié le {notified:%d/%m/%Y}")
    if record.duree_mois and record.duree_mois not in ("0", "0.0"):
        facts.append(f"durée {record.duree_mois} mois")
    details = ", ".join(fact for fact in facts if fact)
    return (f"{record.objet}\n\nMarché public attribué (données essentielles de la commande "
            f"publique, DECP){' : ' + details if details else ''}.")


class DecpImporter:
    """One import run: caches buyers and remembers the contracts already seen in this file."""

    def __init__(self, session: Session, report: ImportReport):
        self.session, self.report = session, report
        self.index = commune_index()
        self.seen: set[str] = set()
        self.touched: set[tuple[int, str]] = set()  # awards already set in this run

    def handle(self, line: int, record: DecpRecord) -> Outcome:
        self._check(record)
        place = execution_place(self.index, record)
        buyer = self._buyer(line, record, place)
        notified = self._date(line, record.date_notification, "date de notification invalide")
        amount = self._amount(line, record.montant)
        posting, outcome = self._posting(line, record, buyer, place, notified, amount)
        if self._awards(line, record, posting, amount, notified) and outcome == "unchanged":
            outcome = "updated"
        return outcome

    def _check(self, record: DecpRecord) -> None:
        if record.looks_like_test:
            raise RowSkipped("ligne de test de la source")
        if not record.id:
            raise RowSkipped("identifiant du marché manquant")
        if not record.objet:
            raise RowSkipped("objet du marché manquant")
        if siret_error(record.buyer_siret):
            raise RowSkipped("SIRET de l'acheteur invalide", record.buyer_siret or "vide")

    def _date(self, line: int, value: str, reason: str) -> date | None:
        try:
            return parse_date(value)
        except ValueError:
            self.report.warn(line, reason + " : date ignorée", value)
            return None

    def _amount(self, line: int, value: str):
        try:
            return parse_amount(value)
        except ValueError:
            self.report.warn(line, "montant invalide : ignoré", value)
            return None

    def _buyer(self, line: int, record: DecpRecord, place: Place) -> Organisation:
        buyer = find_by_siret(self.session, record.buyer_siret)
        if buyer is not None:
            return buyer
        if not record.buyer_name:
            raise RowSkipped("nom de l'acheteur manquant", record.buyer_siret)
        insee, how = buyer_commune(self.index, record, place)
        if insee is None:
            raise RowSkipped("commune de l'acheteur introuvable", record.lieu_code or "vide")
        if how:
            self.report.warn(line, f"commune de l'acheteur supposée : {how}", insee)
        siret = normalise_siret(record.buyer_siret)
        buyer = create_organisation(self.session, OrganisationData(
            kind="public_buyer", name=record.buyer_name[:200], siret=siret, commune_insee=insee,
            legal_form_code=public_legal_form(siret, record.buyer_name)))
        buyer.source = SOURCE
        self.report.figures["acheteurs créés"] += 1
        return buyer

    def _posting(self, line: int, record: DecpRecord, buyer: Organisation, place: Place,
                 notified: date | None, amount) -> tuple[Posting, Outcome]:
        key = external_id(record)
        posting = self.session.scalar(select(Posting).where(
            Posting.source == SOURCE, Posting.external_id == key))
        if posting is not None and key in self.seen:
            return posting, "unchanged"  # another holder or lot record of the same contract
        self.seen.add(key)
        values = self._values(line, record, buyer, place, notified, amount)
        if posting is None:
            posting = Posting(direction="need", type="tender", status="closed",
                              close_reason="awarded", source=SOURCE, external_id=key,
                              organisation=buyer, **values)
            self.session.add(posting)
            self.session.flush()
            return posting, "created"
        return posting, "updated" if assign(posting, values) else "unchanged"

    def _values(self, line: int, record: DecpRecord, buyer: Organisation, place: Place,
                notified: date | None, amount) -> dict:
        codes = self._cpv_codes(line, record.cpv)
        filiere_ids = sorted({f for code in codes for f in filieres_for_cpv(code.code)})
        return {
            "title": _title(record.objet), "description": _description(record, notified),
            "commune_insee": place.insee if place.precise else buyer.commune_insee,
            "budget_max": amount, "closed_at": _instant(notified),
            "published_at": _instant(notified), "cpv_codes": codes,
            "filieres": [self.session.get(Filiere, f) for f in filiere_ids],
        }

    def _cpv_codes(self, line: int, raw: str) -> list[CpvCode]:
        code = cpv8(raw)
        row = self.session.get(CpvCode, code) if code else None
        if row is None:
            self.report.warn(line, "code CPV invalide : ignoré", raw or "vide")
            return []
        return [row]

    def _awards(self, line: int, record: DecpRecord, posting: Posting, amount,
                notified: date | None) -> bool:
        """Create or refresh one award per holder; True when anything changed."""
        existing = {_award_key(a.winner_siret, a.winner_name): a for a in self.session.scalars(
            select(Award).where(Award.posting_id == posting.id))}
        changed = False
        for holder in record.holders:
            siret = self._holder_siret(line, holder)
            if siret or holder.name:
                award_values = {"winner_name": (holder.name or siret)[:200], "amount": amount,
                                "notified_on": notified}
                changed = self._award(posting, existing, siret, award_values) or changed
        return changed

    def _award(self, posting: Posting, existing: dict[str, Award], siret: str | None,
               values: dict) -> bool:
        """One holder's award; within a file the first record of a contract sets it."""
        values["organisation"] = find_by_siret(self.session, siret) if siret else None
        self._count_holder(values["organisation"], siret)
        key = _award_key(siret, values["winner_name"])
        first_time = (posting.id, key) not in self.touched
        self.touched.add((posting.id, key))
        if key not in existing:
            existing[key] = Award(posting=posting, winner_siret=siret, source=SOURCE, **values)
            self.session.add(existing[key])
            return True
        return first_time and assign(existing[key], values)

    def _holder_siret(self, line: int, holder: Holder) -> str | None:
        if holder.id_type.upper() not in ("", "SIRET"):
            return None
        siret = normalise_siret(holder.identifier)
        if siret and siret_error(siret):
            self.report.warn(line, "SIRET de titulaire invalide : gardé par son nom", siret)
            return None
        return siret or None

    def _count_holder(self, organisation: Organisation | None, siret: str | None) -> None:
        if organisation is not None:
            self.report.figures["titulaires reliés à une organisation d'Essaim"] += 1
        elif siret:
            self.report.figures["titulaires hors Essaim (gardés par SIRET)"] += 1
        else:
            self.report.figures["titulaires sans SIRET (nom seul)"] += 1


def _award_key(siret: str | None, name: str) -> str:
    return siret or f"nom:{fold_text(name)}"
