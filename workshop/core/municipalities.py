"""Finland's municipalities, shipped with the package (no network needed)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str
    region_fi: str

    def name(self, lang: str = "fi") -> str:
        return self.name_sv if lang == "sv" else self.name_fi


@lru_cache(maxsize=1)
def _load() -> dict[str, Municipality]:
    text = resources.files("workshop").joinpath("data/municipalities.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter=";")
    return {r["code"]: Municipality(r["code"], r["name_fi"], r["name_sv"], r["region_fi"]) for r in rows}


def all_municipalities(lang: str = "fi") -> list[Municipality]:
    """Every municipality, sorted by its name in `lang`."""
    return sorted(_load().values(), key=lambda m: m.name(lang).casefold())


def get(code: str) -> Municipality | None:
    return _load().get(code)


def exists(code: str) -> bool:
    return code in _load()
