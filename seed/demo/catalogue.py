"""The demo territory's text catalogue, read from data/demo/*.json (plain data, French text)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
TRANSVERSE = "transverse"


@dataclass(frozen=True)
class Catalogue:
    common: dict
    archetypes: list[tuple[str, dict]]  # (primary filière or TRANSVERSE, archetype)
    public_buyers: dict
    networks: list[dict]
    featured: list[dict]
    templates: list[tuple[str, dict]]  # (filière, posting template)


def _read(path: Path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _by_file(folder: Path) -> list[tuple[str, dict]]:
    """Every entry of every file of a folder, tagged with the file's stem (its filière)."""
    return [
        (path.stem, entry)
        for path in sorted(folder.glob("*.json"))
        for entry in _read(path)
    ]


@cache
def load_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    return Catalogue(
        common=_read(data_dir / "common.json"),
        archetypes=_by_file(data_dir / "organisations"),
        public_buyers=_read(data_dir / "public_buyers.json"),
        networks=_read(data_dir / "networks.json"),
        featured=_read(data_dir / "featured.json"),
        templates=_by_file(data_dir / "postings"),
    )
