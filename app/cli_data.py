"""`flask` commands for real open data: SIAE and DECP imports, the real-data territory, and
the CPV suggester's training. Thin click wrappers over seed.importers."""

import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app

from app.extensions import db


def _with_bar(label: str, rows: list, run: Callable) -> object:
    """Run an importer over `rows` with a progress bar; returns its report."""
    with click.progressbar(length=len(rows), label=label) as bar:
        return run(rows, bar.update)


def _echo_report(report, started: float) -> None:
    click.echo(report.describe())
    click.echo(f"Durée : {time.perf_counter() - started:.1f} s")


def _read(reader: Callable, path: Path) -> list:
    from seed.importers.common import ImportFileError

    try:
        return reader(path)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error


def register(app: Flask) -> None:
    path_argument = click.argument("path", type=click.Path(exists=True, dir_okay=False,
                                                           path_type=Path))

    @app.cli.command("import-siae")
    @path_argument
    def import_siae(path: Path) -> None:
        """Import inclusion employers from a CSV (SIRET is the key; re-runs change nothing)."""
        from seed.importers.siae import import_siae_rows, read_siae

        started, rows = time.perf_counter(), _read(read_siae, path)
        report = _with_bar("Import des structures", rows,
                           lambda rows, bar: import_siae_rows(db.session, rows, bar))
        _echo_report(report, started)

    @app.cli.command("import-decp")
    @path_argument
    def import_decp(path: Path) -> None:
        """Import awarded contracts from DECP, flat CSV or official JSON (by extension)."""
        from seed.importers.decp import import_decp_records
        from seed.importers.decp_records import read_decp

        started, records = time.perf_counter(), _read(read_decp, path)
        report = _with_bar("Import des marchés", records,
                           lambda rows, bar: import_decp_records(db.session, rows, bar))
        _echo_report(report, started)

    @app.cli.command("real-territory")
    def real_territory() -> None:
        """Load the real data of Pays de la Loire: its SIAE, then its 2018-2019 contracts."""
        from app.services.matching import refresh_all_open_needs
        from seed.importers import territory

        started = time.perf_counter()
        siae, contracts = territory.territory_siae(), territory.territory_contracts()
        with click.progressbar(length=len(siae) + len(contracts),
                               label="Territoire réel (Pays de la Loire)") as bar:
            reports = territory.load_real_territory(db.session, siae, contracts,
                                                    bar.update, bar.update)
        for report in reports:
            click.echo(report.describe())
        count = refresh_all_open_needs(db.session)
        click.echo(f"Suggestions recalculées pour {count} besoins ouverts.")
        click.echo(f"Durée : {time.perf_counter() - started:.1f} s")

    @app.cli.command("train-cpv")
    def train_cpv() -> None:
        """Train the CPV suggester on data/ and save it under the instance folder."""
        from app.services.cpv_suggestions import model_path, retrain

        started = time.perf_counter()
        instance_dir = current_app.config["INSTANCE_DIR"]
        retrain(instance_dir)
        size = model_path(instance_dir).stat().st_size / 1e6
        click.echo(f"Modèle CPV entraîné et enregistré : {model_path(instance_dir)} "
                   f"({size:.0f} Mo, {time.perf_counter() - started:.1f} s)")
