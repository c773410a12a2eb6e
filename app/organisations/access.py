"""Moved to app/access.py (access in one place); kept for app/organisations/notifications.py."""

from app.access import current_organisation, my_organisations

__all__ = ["current_organisation", "my_organisations"]
