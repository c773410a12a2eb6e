"""Claiming an organisation that has no member yet (imported from open data, created by
someone else): the requester asks, an animator approves — or the claim is approved at once
when the requester's verified e-mail address is on the organisation's own website domain."""

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.moderation import ItemLink, grant_ownership, has_members, queue
from models import ModerationItem, Organisation, User, ValidationError

# Addresses anyone can open: they prove nothing about an organisation.
WEBMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com",
    "outlook.fr", "outlook.com", "live.fr", "live.com", "msn.com", "icloud.com", "me.com",
    "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "laposte.net", "bbox.fr",
    "aol.com", "aol.fr", "gmx.fr", "gmx.com", "protonmail.com", "proton.me", "yandex.com",
    "mailo.com", "numericable.fr", "club-internet.fr", "aliceadsl.fr", "tutanota.com",
})
# Site builders and hosts: a sub-domain there says nothing about who owns the e-mail domain.
HOSTED_SITE_DOMAINS = frozenset({
    "wixsite.com", "wordpress.com", "over-blog.com", "blogspot.com", "jimdofree.com",
    "webnode.fr", "e-monsite.com", "github.io", "netlify.app", "facebook.com", "linkedin.com",
    "helloasso.com",
})


def email_domain(email: str) -> str:
    """The lower-case domain of an address (IDN in its ASCII form), '' when there is none."""
    _, _, domain = (email or "").strip().rpartition("@")
    return _normalise_host(domain)


def website_domain(website: str) -> str:
    """The host of a website typed any way (« www.Exemple.fr/ », « https://exemple.fr:443 »),
    without « www. »; '' when there is none."""
    text = (website or "").strip()
    if not text:
        return ""
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = _normalise_host(host)
    return host[4:] if host.startswith("www.") else host


def _normalise_host(host: str) -> str:
    host = host.strip().strip(".").lower()
    try:
        return host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        return ""


def domain_matches(email: str, website: str) -> bool:
    """The address is on the site's domain (or a sub-domain of it); webmail never matches."""
    mail, site = email_domain(email), website_domain(website)
    if not mail or not site or "." not in site or mail in WEBMAIL_DOMAINS:
        return False
    if any(site == host or site.endswith("." + host) for host in HOSTED_SITE_DOMAINS):
        return False
    return mail == site or mail.endswith("." + site)


def proven_by_domain(user: User, organisation: Organisation) -> bool:
    return user.email_verified_at is not None and domain_matches(user.email, organisation.website)


def open_claim(session: Session, user: User, organisation: Organisation) -> ModerationItem | None:
    return session.scalar(select(ModerationItem).where(
        ModerationItem.kind == "claim", ModerationItem.status == "open",
        ModerationItem.user_id == user.id, ModerationItem.organisation_id == organisation.id))


def request_claim(session: Session, user: User, organisation: Organisation, note: str,
                  link: ItemLink) -> ModerationItem:
    """Ask to manage a memberless organisation. Approved at once (status `approved`) when the
    verified address is on the organisation's website domain; otherwise queued for an animator."""
    if has_members(session, organisation.id):
        raise ValidationError("Cette structure a déjà des responsables sur Essaim : demandez "
                              "plutôt à la rejoindre.")
    if open_claim(session, user, organisation) is not None:
        raise ValidationError("Votre demande est déjà en attente : l'équipe d'animation "
                              "l'examine.")
    item = queue(session, "claim", organisation, user, note=note)
    if proven_by_domain(user, organisation):
        item.note = (item.note + "\n" if item.note else "") + (
            f"Approuvée automatiquement : adresse vérifiée sur le domaine "
            f"{email_domain(user.email)}.")
        grant_ownership(session, item, None, link)
    return item


def approve_proven_claims(session: Session, user: User, link: ItemLink) -> list[Organisation]:
    """After the user verified their address: their open claims on organisations whose
    website is on that domain are approved (nobody else became member meanwhile)."""
    claims = session.scalars(select(ModerationItem).where(
        ModerationItem.kind == "claim", ModerationItem.status == "open",
        ModerationItem.user_id == user.id))
    approved = []
    for item in list(claims):
        organisation = item.organisation
        if proven_by_domain(user, organisation) and not has_members(session, organisation.id):
            grant_ownership(session, item, None, link)
            approved.append(organisation)
    return approved
