"""Synthetic news-like articles about security cooperation, of any number and size.

The text is built from this file's own sentence templates and the project's lexicons
(``kg/data/lexicons``: countries and demonyms, organisations, places), with a seeded random
generator: the same arguments always give the same corpus. It is meant for throughput and memory
benchmarks and for CI corpora, not for accuracy (no gold).

Usage::

    python benchmarks/generate.py OUT_DIR --count 1000            # one .txt per article
    python benchmarks/generate.py OUT.jsonl --count 10000         # a JSON Lines archive
    python benchmarks/generate.py OUT_DIR --count 50 --words 2000 --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.resources import lexicon_dir  # noqa: E402 - after the path set-up above

FIRST = [
    "Ana",
    "Luis",
    "María",
    "Jorge",
    "Carmen",
    "Pedro",
    "Lucía",
    "Andrés",
    "Sofía",
    "Diego",
    "Elena",
    "Tomás",
    "Isabel",
    "Rafael",
    "Paula",
    "Martín",
    "Julia",
    "Gabriel",
    "Rosa",
    "Iván",
    "James",
    "Sarah",
    "Michael",
    "Laura",
    "David",
    "Emily",
    "Robert",
    "Karen",
    "Daniel",
    "Grace",
]
LAST = [
    "Torres",
    "Quispe",
    "Mendoza",
    "Salazar",
    "Rojas",
    "Castillo",
    "Vargas",
    "Herrera",
    "Navarro",
    "Paredes",
    "Cordero",
    "Ibáñez",
    "Fuentes",
    "Delgado",
    "Whitfield",
    "Harper",
    "Collins",
    "Brennan",
    "Walsh",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Kowalski",
    "Tanaka",
]
TITLES = [
    "Defense Minister",
    "Foreign Minister",
    "Interior Minister",
    "Army Chief of Staff",
    "Navy Commander",
    "Police Chief",
    "Ambassador",
    "Deputy Defense Minister",
    "President",
]
FORCES = [
    "Army",
    "Navy",
    "Air Force",
    "Marines",
    "Special Forces",
    "National Police",
    "Coast Guard",
    "Naval Infantry",
    "Armed Forces",
]
EXERCISES = [
    "Shield",
    "Anchor",
    "Horizon",
    "Trident",
    "Condor",
    "Sentinel",
    "Resolute",
    "Tide",
    "Falcon",
    "Compass",
    "Harbor",
    "Summit",
]
UNITS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Ninth"]
UNIT_KINDS = [
    "Special Forces Brigade",
    "Infantry Battalion",
    "Riverine Battalion",
    "Marine Battalion",
    "Air Wing",
    "Engineer Company",
    "Police Division",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

HEADLINES = [
    "{d1} and {d2} forces hold joint {ex} drill",
    "{c1} authorizes entry of {d2} troops for training",
    "{title} of {c1} meets {d2} counterpart in {city}",
    "{c1} and {c2} sign security cooperation plan",
    "{d1} {force} deploys to {place}",
]
SENTENCES = [
    "The {d1} {force} trained with the {d2} {force2} near {place} on {weekday}.",
    "{d1} {title} {person} met with {d2} officials in {city} to discuss border security.",
    "The exercise, known as {ex} {year}, brought together troops from {c1}, {c2} and {c3}.",
    "The {unit} of the {d1} {force} took part in the drills alongside {d2} instructors.",
    "{c1}'s Congress authorized the entry of {d2} military personnel for joint training.",
    "Officials said the {d2} {force} would be deployed to {place} for {n} months.",
    "{org} said the agreement would expand intelligence sharing with {c2}.",
    "{person}, the {d1} {title}, said the training had improved coordination between the forces.",
    "The {unit} is based in {city}, in {c1}.",
    "Units such as the {unit}, the {unit2} and the {d1} {force} joined the operation.",
    "{c1} and {c2} agreed on {weekday} to hold further talks before the end of the year.",
    "The {d2} embassy in {city} confirmed that {n} instructors had arrived.",
    "Analysts in {city} noted that the cooperation had grown steadily since {year0}.",
    "The drills covered boarding operations, night navigation and casualty evacuation.",
    "Local residents watched as helicopters landed on the beach near the harbor.",
    "The ministry did not say how much the program would cost.",
    "Both governments described the visit as a routine part of a long-standing program.",
    "Crews practised search-and-rescue procedures in heavy rain during the second week.",
]


@dataclass(frozen=True)
class Lexicon:
    countries: list[tuple[str, str]]  # (name, demonym)
    organizations: list[str]
    places: list[tuple[str, str]]  # (place, container)


def load_lexicon(folder: Path | None = None) -> Lexicon:
    """Read countries, organisations and places from the project's lexicon files."""
    folder = folder or lexicon_dir()

    def rows(name: str) -> Iterator[list[str]]:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")

    countries = [
        (r[0], (r[2].split("|")[0] if len(r) > 2 and r[2] else r[0])) for r in rows("countries.tsv")
    ]
    organizations = [r[0] for r in rows("organizations.tsv")]
    places = [(r[0], r[1] if len(r) > 1 else "") for r in rows("places.tsv")]
    return Lexicon(countries, organizations, places)


def article(rng: random.Random, lex: Lexicon, words: int, day: date) -> tuple[str, str]:
    """Return (headline, text) of one article of about ``words`` words."""
    c1, c2, c3 = rng.sample(lex.countries, 3)
    cities = [p for p, container in lex.places if container == c1[0]] or [p for p, _ in lex.places]

    def fill(template: str) -> str:
        unit, unit2 = rng.sample([f"{u} {k}" for u in UNITS for k in UNIT_KINDS], 2)
        return template.format(
            c1=c1[0], c2=c2[0], c3=c3[0], d1=c1[1], d2=c2[1],
            force=rng.choice(FORCES), force2=rng.choice(FORCES),
            title=rng.choice(TITLES), person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            city=rng.choice(cities), place=rng.choice(lex.places)[0],
            org=rng.choice(lex.organizations), ex=rng.choice(EXERCISES),
            unit=unit, unit2=unit2, weekday=rng.choice(WEEKDAYS),
            n=rng.randint(2, 400), year=day.year, year0=day.year - rng.randint(2, 15),
        )  # fmt: skip

    headline = fill(rng.choice(HEADLINES))
    headline = headline[0].upper() + headline[1:]
    paragraphs: list[str] = []
    count = 0
    while count < words:
        para = " ".join(fill(rng.choice(SENTENCES)) for _ in range(rng.randint(2, 4)))
        paragraphs.append(para)
        count += len(para.split())
    when = f"{day:%B} {day.day}, {day.year}"
    return headline, f"{headline}\n\n{when}\n\n" + "\n\n".join(paragraphs) + "\n"


def generate(count: int, *, words: int = 400, seed: int = 0) -> Iterator[tuple[str, str, str]]:
    """Yield ``(name, headline, text)`` for ``count`` articles (deterministic for a seed)."""
    rng = random.Random(seed)
    lex = load_lexicon()
    start = date(2025, 1, 1)
    for i in range(count):
        day = start + timedelta(days=rng.randint(0, 364))
        headline, text = article(rng, lex, max(20, int(rng.gauss(words, words / 4))), day)
        yield f"gen-{seed}-{i:06d}", headline, text


def write_corpus(out: Path, count: int, *, words: int = 400, seed: int = 0) -> int:
    """Write a corpus as a folder of .txt files, or as a JSON Lines archive (``.jsonl``)."""
    total = 0
    if out.suffix in (".jsonl", ".ndjson"):
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for name, headline, text in generate(count, words=words, seed=seed):
                fh.write(json.dumps({"id": name, "title": headline, "text": text}) + "\n")
                total += len(text.split())
        return total
    out.mkdir(parents=True, exist_ok=True)
    for name, _, text in generate(count, words=words, seed=seed):
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
        total += len(text.split())
    return total


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("out", type=Path, help="a folder (one .txt per article) or a .jsonl file")
    p.add_argument("--count", type=int, default=100, help="number of articles")
    p.add_argument("--words", type=int, default=400, help="mean words per article")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    total = write_corpus(args.out, args.count, words=args.words, seed=args.seed)
    print(f"{args.count} articles, {total} words → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
