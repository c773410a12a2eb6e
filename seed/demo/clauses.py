"""Sentences that state a posting's conditions (reserved market, social clause, lots, distance,
deadline), appended to its description so that readers and the matcher both see them."""

from seed.demo.lifecycle import french_date
from seed.demo.specs import PostingSpec

RESERVED_TEXT = {
    "siae": "Marché réservé aux structures d'insertion par l'activité économique "
            "(article L2113-13 du code de la commande publique).",
    "ea_esat": "Marché réservé aux entreprises adaptées et aux ESAT "
               "(article L2113-12 du code de la commande publique).",
}
NEED_DISTANCE_TEXT = {
    "tender": "Prestataire situé à moins de {km} km de préférence.",
    "purchase": "Fournisseur situé à moins de {km} km de préférence.",
    "resource": "À moins de {km} km de nos locaux de préférence.",
}
DEFAULT_DISTANCE_TEXT = "Partenaire situé à moins de {km} km de préférence."
LOT_RESERVED_TEXT = {
    "siae": "aux structures d'insertion par l'activité économique",
    "ea_esat": "aux entreprises adaptées et aux ESAT",
}


def lot_sentences(posting: PostingSpec) -> list[str]:
    if not posting.lots:
        return []
    sentences = [f"La consultation est divisée en {len(posting.lots)} lots."]
    sentences += [
        f"Le lot {lot.number} est réservé {LOT_RESERVED_TEXT[lot.reserved]}."
        for lot in posting.lots if lot.reserved != "none"
    ]
    return sentences


def distance_sentence(posting: PostingSpec) -> list[str]:
    if posting.max_km is None:
        return []
    km = int(posting.max_km)
    if posting.direction == "offer":
        return [f"Nous intervenons dans un rayon de {km} km."]
    return [NEED_DISTANCE_TEXT.get(posting.type, DEFAULT_DISTANCE_TEXT).format(km=km)]


def deadline_sentence(posting: PostingSpec) -> list[str]:
    if posting.deadline is None or posting.status == "closed":
        return []
    if posting.type == "tender":
        return [f"Date limite de remise des offres : {french_date(posting.deadline)}."]
    return [f"Réponses souhaitées avant le {french_date(posting.deadline)}."]


def clause_sentences(posting: PostingSpec) -> list[str]:
    sentences = [RESERVED_TEXT[posting.reserved]] if posting.reserved in RESERVED_TEXT else []
    if posting.insertion_hours:
        sentences.append(
            f"Clause sociale d'insertion : {posting.insertion_hours} heures de travail "
            "réservées à des personnes éloignées de l'emploi."
        )
    return [*sentences, *lot_sentences(posting), *distance_sentence(posting),
            *deadline_sentence(posting)]
