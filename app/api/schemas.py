"""Marshmallow schemas of the API: what it reads (query strings, JSON bodies) and writes.

Public fields only: the same columns as the open-data directory (no address, e-mail,
phone or coordinates, which profile pages show to people in touch only).
"""

from datetime import UTC, datetime

import marshmallow as ma
from marshmallow import fields, validate

from app.services.publishing import USER_CLOSE_REASONS
from models.api_token import API_SCOPES
from models.organisation import ORGANISATION_KINDS
from models.posting import DIRECTIONS, POSTING_TYPES, RESERVED_MARKETS

MAX_PAGE, MAX_PER_PAGE, PER_PAGE = 10_000, 100, 20
MAX_AMOUNT = 10**11  # Numeric(14, 2) holds up to 10^12
FLAGS = ("esus", "siae", "ea_esat", "qpv")


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error="Valeur inconnue : {choices} attendu.")


def length(maximum: int, minimum: int = 0) -> validate.Length:
    return validate.Length(min=minimum, max=maximum, error=(
        f"Longueur attendue : de {minimum} à {maximum} caractères."))


def between(low, high) -> validate.Range:
    return validate.Range(min=low, max=high, error=f"Valeur attendue entre {low} et {high}.")


class Text(fields.String):
    """A string the database can store: no NUL character, no lone surrogate."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ma.ValidationError("Caractère nul interdit.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ma.ValidationError("Texte non valide en UTF-8.") from None
        return text


class UtcDateTime(fields.DateTime):
    """ISO 8601 with its offset (SQLite gives naive UTC datetimes back)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Amount(fields.Float):
    """A euro amount: a JSON number, at most 100 billion."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, validate=between(0, MAX_AMOUNT), **kwargs)


# -- query strings ---------------------------------------------------------------------------
class PageArgs(ma.Schema):
    page = fields.Integer(load_default=1, validate=between(1, MAX_PAGE))
    per_page = fields.Integer(load_default=PER_PAGE, validate=between(1, MAX_PER_PAGE))


class OrganisationArgs(PageArgs):
    q = Text(load_default="", validate=length(200),
             metadata={"description": "Mots du nom ou de la présentation (accents ignorés)"})
    filiere = Text(validate=length(40), metadata={"description": "Identifiant de filière"})
    commune = Text(validate=length(10), metadata={"description": "Code INSEE"})
    legal_form = Text(validate=length(30))
    kind = Text(validate=one_of(ORGANISATION_KINDS))
    flag = fields.List(Text(validate=one_of(FLAGS)), load_default=list,
                       metadata={"description": "Drapeaux exigés (répétable)"})


class PostingArgs(PageArgs):
    direction = Text(load_default="need", validate=one_of(DIRECTIONS))
    q = Text(load_default="", validate=length(200))
    type = Text(validate=one_of(POSTING_TYPES))
    filiere = Text(validate=length(40))
    lever = Text(validate=length(40))
    commune = Text(validate=length(10))
    reserved = Text(validate=one_of(("siae", "ea_esat")))
    open_only = fields.Boolean(load_default=False)


class SearchArgs(PageArgs):
    q = Text(required=True, validate=length(200, 1), metadata={"description": "Texte libre"})
    scope = Text(load_default="organisations", validate=one_of(("organisations", "postings")))


class CpvArgs(ma.Schema):
    text = Text(required=True, validate=length(2000, 3),
                metadata={"description": "Objet du besoin, en français"})


# -- bodies ------------------------------------------------------------------------------------
class LotIn(ma.Schema):
    title = Text(required=True, validate=length(200, 1))
    description = Text(load_default="", validate=length(2000))
    estimated_amount = Amount(load_default=None)


class PostingIn(ma.Schema):
    direction = Text(required=True, validate=one_of(DIRECTIONS))
    type = Text(required=True, validate=one_of(POSTING_TYPES))
    title = Text(required=True, validate=length(200, 1))
    description = Text(load_default="", validate=length(10_000))
    commune_insee = Text(required=True, validate=length(60, 1),
                         metadata={"description": "Code INSEE (ou nom) de la commune"})
    max_km = fields.Integer(load_default=None, allow_none=True, validate=between(1, 1000))
    budget_min = Amount(load_default=None)
    budget_max = Amount(load_default=None)
    deadline = fields.Date(load_default=None, allow_none=True)
    reserved = Text(load_default="none", validate=one_of(RESERVED_MARKETS))
    insertion_hours = fields.Integer(load_default=None, allow_none=True,
                                     validate=between(0, 10_000_000))
    filiere_ids = fields.List(Text(validate=length(40)), load_default=list,
                              validate=length(30))
    lever_ids = fields.List(Text(validate=length(40)), load_default=list, validate=length(30))
    cpv_codes = fields.List(Text(validate=length(12)), load_default=list, validate=length(50),
                            metadata={"description": "Codes CPV (8 chiffres, clé facultative)"})
    lots = fields.List(fields.Nested(LotIn), load_default=list, validate=length(30))
    publish = fields.Boolean(load_default=False,
                             metadata={"description": "Publier tout de suite (sinon brouillon)"})


class CloseIn(ma.Schema):
    reason = Text(required=True, validate=one_of(USER_CLOSE_REASONS))


# -- answers -----------------------------------------------------------------------------------
class PaginationOut(ma.Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    links = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True),
                        required=True, metadata={"description": "self, first, last, prev, next"})


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The schema of a page of `item`s (app/api/pagination.py builds it)."""
    return ma.Schema.from_dict({"items": fields.List(fields.Nested(item), required=True),
                                "pagination": fields.Nested(PaginationOut, required=True)},
                               name=name)


class CommuneOut(ma.Schema):
    insee = fields.String(required=True)
    name = fields.String(required=True)


class OrganisationOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    siret = fields.String(required=True)
    legal_form = fields.String(allow_none=True, attribute="legal_form_code")
    commune = fields.Nested(CommuneOut, required=True)
    filieres = fields.Method("_filieres", required=True,
                             metadata={"type": "array", "items": {"type": "string"}})
    esus = fields.Boolean(required=True)
    siae = fields.Boolean(required=True)
    ea_esat = fields.Boolean(required=True)
    qpv = fields.Boolean(required=True)
    naf_code = fields.String(allow_none=True)
    website = fields.String(required=True)
    description = fields.String(required=True)
    capacities = fields.String(required=True)
    sdg = fields.List(fields.Integer(), required=True)

    def _filieres(self, organisation) -> list[str]:
        return [f.id for f in organisation.filieres]


class OrganisationRef(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class LotOut(ma.Schema):
    number = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    estimated_amount = fields.Float(allow_none=True)
    reserved = fields.String(required=True)


class PostingOut(ma.Schema):
    id = fields.Integer(required=True)
    organisation = fields.Nested(OrganisationRef, required=True)
    direction = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    commune = fields.Nested(CommuneOut, required=True)
    max_km = fields.Float(allow_none=True)
    budget_min = fields.Float(allow_none=True)
    budget_max = fields.Float(allow_none=True)
    deadline = fields.Date(allow_none=True)
    reserved = fields.String(required=True)
    insertion_hours = fields.Integer(allow_none=True)
    close_reason = fields.String(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    is_open = fields.Boolean(required=True)
    filieres = fields.Method("_filieres", required=True,
                             metadata={"type": "array", "items": {"type": "string"}})
    levers = fields.Method("_levers", required=True,
                           metadata={"type": "array", "items": {"type": "string"}})
    cpv_codes = fields.Method("_cpv", required=True,
                              metadata={"type": "array", "items": {"type": "string"}})
    lots = fields.List(fields.Nested(LotOut), required=True)

    def _filieres(self, posting) -> list[str]:
        return [f.id for f in posting.filieres]

    def _levers(self, posting) -> list[str]:
        return [lever.id for lever in posting.levers]

    def _cpv(self, posting) -> list[str]:
        return [code.code for code in posting.cpv_codes]


OrganisationPage = page_of(OrganisationOut, "OrganisationPage")


PostingPage = page_of(PostingOut, "PostingPage")


class MatchOut(ma.Schema):
    id = fields.Integer(required=True)
    need_id = fields.Integer(required=True)
    need_title = fields.String(required=True)
    target_kind = fields.String(required=True, validate=one_of(("organisation", "offer")))
    target_id = fields.Integer(required=True)
    target_name = fields.String(required=True)
    score = fields.Float(required=True)
    explanation = fields.String(required=True)
    status = fields.String(required=True)


MatchPage = page_of(MatchOut, "MatchPage")


class SearchHitOut(ma.Schema):
    kind = fields.String(required=True, validate=one_of(("organisation", "posting")))
    id = fields.Integer(required=True)
    label = fields.String(required=True)
    score = fields.Float(required=True)
    explanation = fields.String(required=True)


SearchPage = page_of(SearchHitOut, "SearchPage")


class CpvOut(ma.Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)
    score = fields.Float(required=True)


class TokenOut(ma.Schema):
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    scopes = fields.List(fields.String(validate=one_of(API_SCOPES)), required=True,
                         attribute="scope_list")
    created_at = UtcDateTime(required=True)


class MeOut(ma.Schema):
    organisation = fields.Nested(OrganisationRef, required=True)
    token = fields.Nested(TokenOut, required=True)


class FiguresOut(ma.Schema):
    organisations = fields.Integer(required=True)
    needs = fields.Integer(required=True, metadata={"description": "Besoins publiés"})
    offers = fields.Integer(required=True, metadata={"description": "Offres publiées"})
