"""French labels for the codes stored in the database (one place for the UI vocabulary)."""

KINDS = {
    "ess": "Acteur de l'ESS",
    "public_buyer": "Acheteur public",
    "company": "Entreprise",
    "network": "Réseau",
}
DIRECTIONS = {"need": "Besoin", "offer": "Offre"}
POSTING_TYPES = {
    "tender": "Appel d'offres (marché public)",
    "purchase": "Achat privé",
    "partnership": "Partenariat",
    "resource": "Ressource (locaux, matériel, matériaux)",
    "skills": "Compétences",
    "financing": "Financement",
}
STATUSES = {"draft": "Brouillon", "published": "Publiée", "closed": "Close"}
CLOSE_REASONS = {"awarded": "Attribuée", "cancelled": "Annulée", "expired": "Expirée"}
RESERVED = {
    "none": "Non réservé",
    "siae": "Réservé aux SIAE (art. L2113-13 du code de la commande publique)",
    "ea_esat": "Réservé aux EA et ESAT (art. L2113-12 du code de la commande publique)",
}
FLAGS = {
    "esus": "Agrément ESUS",
    "siae": "SIAE (insertion)",
    "ea_esat": "EA / ESAT (handicap)",
    "qpv": "Implanté en QPV",
}
MATCH_STATUSES = {
    "proposed": "Proposé",
    "seen": "Vu",
    "shortlisted": "Présélectionné",
    "interested": "Intéressé",
    "declined": "Pas pour nous",
    "contacted": "Contacté",
    "replied": "A répondu",
    "retained": "Retenu",
    "not_retained": "Non retenu",
}
FOLLOW_UP = {  # one step of the follow-up history, as the buyer's timeline says it
    "suggested": "suggéré par Essaim",
    "viewed": "a consulté le besoin",
    "shortlisted": "présélectionné",
    "contacted": "contacté (message envoyé)",
    "replied": "a répondu",
    "interested": "s'est dit intéressé",
    "not_interested": "a répondu « pas pour nous »",
    "dismissed": "écarté",
    "restored": "rétabli",
    "applied": "a candidaté",
    "retained": "retenu",
    "not_retained": "non retenu",
}
FEEDBACK_REASONS = {  # why a suggestion was (not) useful: ranker training labels
    "relevant": "Pertinente pour ce besoin",
    "already_known": "Déjà connue de nous",
    "off_topic": "Hors sujet",
    "too_far": "Trop loin",
    "not_eligible": "Ne remplit pas les conditions (marché réservé, statut)",
    "too_small_or_big": "Taille ou capacité inadaptée",
    "other": "Autre raison",
}
CONSORTIUM_OUTCOMES = {"retained": "Retenu", "not_retained": "Non retenu"}
SDG = {
    1: "Pas de pauvreté", 2: "Faim « zéro »", 3: "Bonne santé et bien-être",
    4: "Éducation de qualité", 5: "Égalité entre les sexes", 6: "Eau propre et assainissement",
    7: "Énergie propre et d'un coût abordable", 8: "Travail décent et croissance économique",
    9: "Industrie, innovation et infrastructure", 10: "Inégalités réduites",
    11: "Villes et communautés durables", 12: "Consommation et production responsables",
    13: "Lutte contre les changements climatiques", 14: "Vie aquatique",
    15: "Vie terrestre", 16: "Paix, justice et institutions efficaces",
    17: "Partenariats pour la réalisation des objectifs",
}
ALL = {
    "kinds": KINDS, "directions": DIRECTIONS, "posting_types": POSTING_TYPES,
    "statuses": STATUSES, "close_reasons": CLOSE_REASONS, "reserved": RESERVED, "flags": FLAGS,
    "match_statuses": MATCH_STATUSES, "sdg": SDG, "follow_up": FOLLOW_UP,
    "consortium_outcomes": CONSORTIUM_OUTCOMES, "feedback_reasons": FEEDBACK_REASONS,
}
