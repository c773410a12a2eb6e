"""`flask` commands: thin click wrappers over services."""

import click
from flask import Flask

from app.extensions import db


def register(app: Flask) -> None:
    from app.cli_data import register as register_data
    from app.cli_flows import register as register_flows
    from app.cli_ops import register as register_ops

    register_flows(app)
    register_data(app)
    register_ops(app)

    @app.cli.command("init-db")
    def init_db() -> None:
        """Apply the migrations and load the reference data."""
        from seed.database import initialise_database

        added = initialise_database(db.engine, db.session)
        click.echo("Base de données à jour. Référentiels ajoutés : "
                   + ", ".join(f"{table} {count}" for table, count in added.items()))

    @app.cli.command("demo")
    @click.option("--seed", default=2026, show_default=True)
    def demo(seed: int) -> None:
        """Create the demo territory (idempotent: a second run changes nothing)."""
        from seed.demo import load_demo

        summary = load_demo(db.session, seed=seed)
        click.echo(summary.describe())
