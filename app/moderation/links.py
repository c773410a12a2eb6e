"""Where an organisation reads a delivered moderation item (used by services via callbacks)."""

from flask import url_for

from models import ModerationItem


def item_link(item: ModerationItem) -> str:
    if item.kind == "message" and item.thread_id:
        return url_for("messages.show", thread_id=item.thread_id)
    return url_for("organisations.members", organisation_id=item.organisation_id)
