"""`flask backup` and `flask restore`: SQLite through its online backup API (a consistent copy
while the app runs); for PostgreSQL, the pg_dump / pg_restore commands to run."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import URL

from app.extensions import db


def sqlite_path(url: URL) -> Path | None:
    """The database file, or None when the database is not a SQLite file."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def copy_sqlite(source: Path, target: Path) -> None:
    """Page-by-page copy with sqlite3's backup API: safe while other connections write."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def check_backup(path: Path) -> None:
    """Refuse a file that is not a sound Essaim database (before overwriting the live one)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        connection.close()
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{path} n'est pas une base SQLite lisible : {error}") from error
    if not ok or not {"alembic_version", "organisations"} <= tables:
        raise click.ClickException(f"{path} n'est pas une sauvegarde d'Essaim.")


def postgres_command(tool: str, url: URL, file: str) -> str:
    """The pg_dump / pg_restore command line (the password stays out: use PGPASSWORD)."""
    target = url.set(drivername="postgresql").render_as_string(hide_password=True)
    if tool == "pg_dump":
        return f"pg_dump --format=custom --no-owner --file={file} '{target}'"
    return f"pg_restore --clean --if-exists --no-owner --dbname='{target}' {file}"


def default_backup_file() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(current_app.config["INSTANCE_DIR"]) / "backups" / f"essaim-{stamp}.sqlite3"


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                  help="Fichier de sauvegarde (défaut : instance/backups/essaim-<date>.sqlite3).")
    def backup(output: Path | None) -> None:
        """Back up the database (SQLite online backup; the pg_dump command for PostgreSQL)."""
        source = sqlite_path(db.engine.url)
        if source is None:
            click.echo(postgres_command("pg_dump", db.engine.url, "essaim.dump"))
            return
        target = output or default_backup_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_sqlite(source, target)
        click.echo(f"Sauvegarde écrite : {target}")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
    def restore(file: Path, yes: bool) -> None:
        """Replace the database with a backup (stop the web server and workers first)."""
        target = sqlite_path(db.engine.url)
        if target is None:
            click.echo(postgres_command("pg_restore", db.engine.url, str(file)))
            return
        check_backup(file)
        if not yes:
            click.confirm(f"Remplacer {target} par {file} ?", abort=True)
        db.engine.dispose()
        copy_sqlite(file, target)
        click.echo(f"Base restaurée depuis {file}.")
