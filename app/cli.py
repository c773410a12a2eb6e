"""`flask` commands: thin click wrappers over services."""

import click
from flask import Flask

from app.extensions import db


def _encoder():
    from flask import current_app

    from matching.encoder import get_encoder

    return get_encoder(current_app.config["ENCODER"], current_app.config["ENCODER_MODEL"])


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
        from seed.demo.vectors import load_shipped_vectors

        summary = load_demo(db.session, seed=seed)
        click.echo(summary.describe())
        shipped = load_shipped_vectors(db.session, _encoder())
        db.session.commit()
        click.echo(f"Vecteurs de la démo fournis : {shipped}")

    @app.cli.command("export-demo-vectors")
    def export_demo_vectors() -> None:
        """Write the stored vectors to data/demo/ (after `demo` and `run-jobs`; maintainers)."""
        from app.services.indexing import vector_samples
        from seed.demo.vectors import export_vectors

        encoder = _encoder()
        count = export_vectors(db.session, encoder.name, vector_samples(db.session, encoder))
        click.echo(f"Vecteurs exportés : {count}")

    @app.cli.command("train-ranker")
    @click.option("--dataset", "datasets", multiple=True, type=click.Path(exists=True),
                  help="labelled BEIR folder to learn from too (repeatable): DEV, decp_train…")
    @click.option("--out", type=click.Path(), default=None,
                  help="ranker file (default: RANKER_FILE, in the instance folder)")
    def train_ranker(datasets: tuple[str, ...], out: str | None) -> None:
        """Learn the ranker from outcomes (awards, shortlists, contacts) and labelled sets."""
        from pathlib import Path

        from flask import current_app

        from app.services.ranker_training import train
        from matching.ranker import SHIPPED, Ranker, load_ranker

        try:
            ranker, sizes, fit = train(db.session, [Path(d) for d in datasets],
                                       load_ranker(SHIPPED))
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        path = Path(out or current_app.config["RANKER_FILE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        Ranker(dict(ranker.weights), "marketplace", {"trained_on": sizes, "fit": fit}).save(path)
        click.echo(f"Classement appris ({', '.join(f'{k} : {v}' for k, v in sizes.items())})"
                   f" écrit dans {path}")

