"""Schema migrations (Alembic) and reference data, applied together."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.reference_data import load_reference_data
from models.session import ROOT


def migrate(engine: Engine) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def initialise_database(engine: Engine, session: Session) -> dict[str, int]:
    migrate(engine)
    return load_reference_data(session)
