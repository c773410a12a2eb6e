"""Who is looking, as the use cases see it: no Flask here, the web layer builds it per request."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    """Anonymous (no user), a member of these organisations, and/or an animator."""

    user_id: int | None = None
    organisation_ids: frozenset[int] = frozenset()
    animator: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def is_member(self, organisation_id: int | None) -> bool:
        """A member of that organisation (animators count as members everywhere)."""
        return organisation_id is not None and (
            self.animator or organisation_id in self.organisation_ids)


ANONYMOUS = Viewer()
