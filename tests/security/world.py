"""A small world for route-wide security tests: organisations A and B (one owner each), an
animator, and one object of every kind that a route can take by id, owned by A."""

from dataclasses import dataclass, field

from app.services.api_tokens import create_token
from models import Consortium, ConsortiumMember, Match, Membership, Message, Notification, Thread
from tests.factories import PASSWORD, make_membership, make_organisation, make_posting

ROLES = ("anonymous", "member_a", "member_b", "animator")
EMAILS = {"member_a": "a@example.org", "member_b": "b@example.org",
          "animator": "animateur@example.org"}


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)

    def url(self, rule: str) -> str:
        """`rule` with every `<…:name>` replaced by the id of A's object of that kind."""
        return rule.format(**self.ids)


def _add(db, row):
    db.add(row)
    db.commit()
    return row


def build_world(db, auth) -> World:
    """A's objects: need (with a lot), draft, thread with B, notification, pending join request,
    match, groupement; B's organisation for the cross-organisation cases."""
    a = make_organisation(db, "Organisation A", filieres=["reemploi"], email="a@orga.example")
    b = make_organisation(db, "Organisation B", filieres=["reemploi"], email="b@orgb.example")
    users = {role: auth.create_user(email, PASSWORD, is_animator=role == "animator")
             for role, email in EMAILS.items()}
    make_membership(db, users["member_a"].id, a, role="owner")
    make_membership(db, users["member_b"].id, b, role="owner")
    joiner = auth.create_user("candidat@example.org", PASSWORD)
    pending = _add(db, Membership(user_id=joiner.id, organisation_id=a.id, role="member",
                                  status="pending"))
    need = make_posting(db, a, "Collecte de mobilier", filieres=["reemploi"], type="tender",
                        lots=[{"number": 1, "title": "Collecte"}])
    draft = make_posting(db, a, "Brouillon", status="draft")
    thread = _add(db, Thread(subject="Bonjour", initiator_id=a.id, recipient_id=b.id))
    _add(db, Message(thread_id=thread.id, sender_organisation_id=a.id, body="Bonjour B"))
    notification = _add(db, Notification(organisation_id=a.id, kind="message", text="Nouveau",
                                         url=f"/messages/{thread.id}"))
    match = _add(db, Match(need_id=need.id, organisation_id=b.id, score=0.5))
    consortium = _add(db, Consortium(name="Groupement A", posting_id=need.id,
                                     created_by_id=a.id))
    member = _add(db, ConsortiumMember(consortium_id=consortium.id, organisation_id=a.id,
                                       role="lead", invitation_status="accepted",
                                       lot_numbers=[1]))
    _add(db, ConsortiumMember(consortium_id=consortium.id, organisation_id=b.id,
                              role="co_contractor", invitation_status="invited"))
    api_token = create_token(db, a, "Outil de A", ["read"], None).token
    db.commit()
    return World({"org": a.id, "org_b": b.id, "posting": need.id, "draft": draft.id,
                  "api_token": api_token.id, "thread": thread.id,
                  "notification": notification.id, "match": match.id,
                  "consortium": consortium.id, "member": member.id, "membership": pending.id})


def log_in(auth, role: str) -> None:
    auth.logout()
    if role != "anonymous":
        response = auth.login(EMAILS[role], PASSWORD)
        assert response.status_code == 302, role
