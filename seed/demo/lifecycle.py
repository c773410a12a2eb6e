"""Status, dates and money of a demo posting, relative to the day the demo is loaded."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from models.posting import CLOSE_REASONS

DRAFT_SHARE = 0.08
CLOSED_SHARE = 0.09
BUDGET_SHARE = 0.85  # some needs state no budget
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


@dataclass(frozen=True)
class Lifecycle:
    status: str
    deadline: date | None = None
    close_reason: str | None = None
    published_at: datetime | None = None
    closed_at: datetime | None = None


def morning(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def french_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def lifecycle(rng: Random, window: list[int] | None, today: date) -> Lifecycle:
    """Mostly published with a future deadline; some drafts; some closed with a reason."""
    roll = rng.random()
    deadline = today + timedelta(days=rng.randint(*window)) if window else None
    if roll < DRAFT_SHARE:
        return Lifecycle("draft", deadline)
    if roll < DRAFT_SHARE + CLOSED_SHARE:
        closed = today - timedelta(days=rng.randint(1, 30))
        published = closed - timedelta(days=rng.randint(20, 90))
        past = closed - timedelta(days=rng.randint(0, 10)) if window else None
        return Lifecycle("closed", past, rng.choice(CLOSE_REASONS), morning(published),
                         morning(closed))
    published = today - timedelta(days=rng.randint(1, 45))
    return Lifecycle("published", deadline, published_at=morning(published))


def rounded(amount: float) -> float:
    step = 100 if amount < 20000 else 1000
    return float(round(amount / step) * step)


def budget(rng: Random, bounds: list[int] | None,
           always: bool) -> tuple[float | None, float | None]:
    """(min, max); the minimum is often left open."""
    if not bounds or (not always and rng.random() > BUDGET_SHARE):
        return None, None
    high = rounded(rng.uniform(*bounds))
    low = rounded(high * rng.uniform(0.4, 0.8)) if rng.random() < 0.5 else None
    return low, high
