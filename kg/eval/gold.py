"""Score extraction against hand-made gold triples (``kg eval``).

Gold format (one file per article)::

    {"document": "name.txt", "text_sha256": "…",
     "entities": {"FOES": {"type": "MilitaryUnit",
                           "aliases": ["Naval Special Operations Forces", "FOES"]}},
     "triples": [["USSpecialForces", "trainsWith", "FOES"],
                 ["HugoDeZela", "hasTitle", "Foreign Minister"]]}

Matching: a predicted entity is a gold entity when one of its labels equals one of the gold
aliases after ``normalize_label``; symmetric properties match either direction; ``hasTitle``
objects are compared as normalised strings; a second predicted entity for the same gold entity
(a duplicate) maps to nothing, so its facts count against precision.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import errors
from kg.rdf.vocab import PROPERTIES, SYMMETRIC_PROPERTIES
from kg.records import Document, Entity, Extraction
from kg.run.extraction import extract_documents

THRESHOLDS: tuple[float, ...] = tuple(round(i / 10, 1) for i in range(10))

_US = re.compile(r"\bu\.\s?s\.(?=\s|$|[^a-z])|\bu\.s\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]|_")


def normalize_label(text: str) -> str:
    """Normalise a label for matching: case, accents, punctuation, a leading "the", U.S. = US.

    >>> normalize_label("The U.S. Army’s")
    'us armys'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _US.sub("us", text.lower())
    text = _NON_WORD.sub("", text.replace("-", " ").replace("–", " "))
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


@dataclass
class Gold:
    """One gold file: entity aliases and the set of expected triples."""

    path: str
    document: str
    entities: dict[str, dict[str, Any]]
    triples: list[tuple[str, str, str]]
    text_sha256: str = ""  # of the article text the gold was written for ("": not given)

    def alias_index(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = defaultdict(set)
        for key, ent in self.entities.items():
            for alias in [key, *ent.get("aliases", [])]:
                index[normalize_label(alias)].add(key)
        return index


def load_gold(path: str) -> Gold:
    """Read and check a gold file (raises ``InputError`` with the fix on a bad file)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise errors.no_such_input(path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.bad_gold(path, str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("triples"), list):
        raise errors.bad_gold(path, "no list of triples")
    ents = data.get("entities", {})
    if not isinstance(ents, dict):
        raise errors.bad_gold(path, "'entities' is not an object")
    triples = []
    for t in data["triples"]:
        if not (isinstance(t, list) and len(t) == 3 and all(isinstance(x, str) for x in t)):
            raise errors.bad_gold(path, f"triple {t!r} is not three strings")
        if t[1] not in PROPERTIES:
            raise errors.bad_gold(path, f"unknown property {t[1]!r} in {t!r}")
        triples.append((t[0], t[1], t[2]))
    sha = data.get("text_sha256", "")
    document = str(data.get("document", ""))
    return Gold(path, document, ents, triples, sha if isinstance(sha, str) else "")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Scored:
    """A predicted fact after mapping to gold keys (``gold`` is None when it maps to nothing)."""

    predicted: tuple[str, str, str]
    gold: tuple[str, str, str] | None
    confidence: float
    rule: str
    correct: bool = False
    sentence: str = ""


@dataclass
class DocScore:
    document: str
    gold_path: str
    scored: list[Scored] = field(default_factory=list)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    gold_properties: set[str] = field(default_factory=set)
    gold_counts: Counter[str] = field(default_factory=Counter)

    def counts(self, min_confidence: float = 0.0) -> dict[str, Counts]:
        out: dict[str, Counts] = defaultdict(Counts)
        matched: Counter[str] = Counter()
        for s in self.scored:
            if s.confidence + 1e-9 < min_confidence:
                continue
            c = out[s.predicted[1]]
            if s.correct:
                c.tp += 1
                matched[s.predicted[1]] += 1
            else:
                c.fp += 1
        for prop, n in self.gold_counts.items():
            out[prop].fn += n - matched[prop]
        return out


def _norm_title(text: str) -> str:
    return normalize_label(text)


def map_entities(gold: Gold, entities: Iterable[Entity]) -> dict[str, str | None]:
    """Map each predicted entity's key to one gold key (or ``None``).

    An entity matches a gold entity when one of its labels equals a gold alias after
    ``normalize_label``; the entity with most mentions wins a gold key, the others are
    duplicates and map to nothing (so their facts count against precision).
    """
    index = gold.alias_index()
    ents = sorted(entities, key=lambda e: (-len(e.mentions), e.key))
    owner: dict[str, str] = {}
    mapping: dict[str, str | None] = {}
    for ent in ents:
        labels = [ent.label, ent.key, *sorted(ent.aliases)]
        votes: Counter[str] = Counter()
        for i, lab in enumerate(labels):
            for g in index.get(normalize_label(lab), ()):
                votes[g] += 3 if i == 0 else 1
        choice = None
        for g, _ in votes.most_common():
            if g not in owner:
                choice = g
                break
        if choice is None and votes:
            choice = None  # a duplicate of an entity already matched
        mapping[ent.key] = choice
        if choice is not None:
            owner[choice] = ent.key
    return mapping


def gold_triples(gold: Gold) -> set[tuple[str, str, str]]:
    """The gold facts as scored: symmetric pairs sorted, titles normalised."""
    gold_set: set[tuple[str, str, str]] = set()
    for s, p, o in gold.triples:
        if p == "hasTitle":
            gold_set.add((s, p, _norm_title(o)))
        elif p in SYMMETRIC_PROPERTIES:
            gold_set.add((min(s, o), p, max(s, o)))
        else:
            gold_set.add((s, p, o))
    return gold_set


def score_extraction(gold: Gold, extraction: Extraction) -> DocScore:
    """Match one document's extraction against its gold file."""
    mapping = map_entities(gold, extraction.entities)
    gold_set = gold_triples(gold)
    best: dict[tuple[str, str, str], Scored] = {}
    for rel in extraction.relations:
        if rel.evidence.modality == "negated":
            continue
        subj, obj = rel.subject, rel.object
        if rel.predicate in SYMMETRIC_PROPERTIES and not rel.literal:
            subj, obj = sorted((subj, obj))
        pkey = (subj, rel.predicate, _norm_title(obj) if rel.literal else obj)
        gs = mapping.get(rel.subject)
        go: str | None = _norm_title(rel.object) if rel.literal else mapping.get(rel.object)
        gkey = None
        if gs is not None and go is not None:
            gkey = (gs, rel.predicate, go)
            if rel.predicate in SYMMETRIC_PROPERTIES:
                gkey = (min(gs, go), rel.predicate, max(gs, go))
        prev = best.get(pkey)
        if prev is None or rel.evidence.confidence > prev.confidence:
            best[pkey] = Scored(
                pkey,
                gkey,
                rel.evidence.confidence,
                rel.evidence.rule,
                sentence=rel.evidence.sentence,
            )
    # Each gold triple is matched once, by its most confident prediction.
    taken: set[tuple[str, str, str]] = set()
    for sc in sorted(best.values(), key=lambda s: -s.confidence):
        if sc.gold is not None and sc.gold in gold_set and sc.gold not in taken:
            sc.correct = True
            taken.add(sc.gold)
    doc = DocScore(gold.document or extraction.document.id, gold.path)
    doc.scored = sorted(best.values(), key=lambda s: (s.predicted[1], s.predicted))
    doc.missed = sorted(gold_set - taken, key=lambda t: (t[1], t))
    doc.gold_properties = {p for _, p, _ in gold_set}
    doc.gold_counts = Counter(p for _, p, _ in gold_set)
    return doc


@dataclass
class Report:
    """Scores of one or more documents; ``summary`` has the figures that are printed."""

    documents: list[DocScore]

    def counts(self, min_confidence: float = 0.0) -> dict[str, Counts]:
        total: dict[str, Counts] = defaultdict(Counts)
        for d in self.documents:
            for prop, c in d.counts(min_confidence).items():
                total[prop].add(c)
        return total

    @property
    def gold_properties(self) -> set[str]:
        return (
            set().union(*(d.gold_properties for d in self.documents)) if self.documents else set()
        )

    def summary(self) -> dict[str, Any]:
        return summarize(self.counts(), self.gold_properties) | {
            "curve": [
                {
                    "threshold": t,
                    **_micro(self.counts(t)).as_dict(),
                    "macro_f1": round(
                        summarize(self.counts(t), self.gold_properties)["macro_f1"], 4
                    ),
                }
                for t in THRESHOLDS
            ],
            "documents": [
                {
                    "document": d.document,
                    "gold": d.gold_path,
                    **{
                        k: v
                        for k, v in summarize(d.counts(), d.gold_properties).items()
                        if k in ("micro", "macro_f1")
                    },
                }
                for d in self.documents
            ],
        }


def _micro(counts: dict[str, Counts]) -> Counts:
    total = Counts()
    for c in counts.values():
        total.add(c)
    return total


def summarize(counts: dict[str, Counts], gold_properties: set[str]) -> dict[str, Any]:
    """Per-property counts, micro P/R/F1 and macro F1 over the properties present in the gold."""
    props = [p for p in PROPERTIES if p in counts or p in gold_properties]
    macro = [counts[p].f1 if p in counts else 0.0 for p in props if p in gold_properties]
    return {
        "properties": {
            p: counts[p].as_dict() if p in counts else Counts().as_dict() for p in props
        },
        "micro": _micro(counts).as_dict(),
        "macro_f1": sum(macro) / len(macro) if macro else 0.0,
        "macro_properties": sorted(p for p in props if p in gold_properties),
    }


def read_article(path: str) -> Document:
    """Read an article as plain UTF-8 text; its id is the file stem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise errors.no_such_input(path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.unreadable_input(path, str(exc)) from None
    return Document(id=p.stem, text=text, source=str(p))


def evaluate(golds: Sequence[Gold], extractions: Iterable[Extraction]) -> Report:
    """Score extractions (in the same order as ``golds``)."""
    return Report([score_extraction(g, ex) for g, ex in zip(golds, extractions, strict=True)])


def expand_paths(items: Iterable[str], suffix: str) -> list[str]:
    """Files named by ``items``: files, folders (their ``*suffix`` files) and glob patterns."""
    import glob

    found: list[str] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found += sorted(str(f) for f in p.iterdir() if f.suffix == suffix and f.is_file())
        elif glob.has_magic(item) and not p.exists():
            matches = sorted(glob.glob(item))
            if not matches:
                raise errors.no_such_input(item)
            found += matches
        else:
            found.append(item)
    return list(dict.fromkeys(found))


def split_inputs(items: Iterable[str]) -> tuple[list[str], list[str]]:
    """Sort ``kg eval``'s inputs into gold files and articles: ``.json`` files and patterns are
    gold, other files articles, a folder both (its ``.json`` and its ``.txt`` files). A shell
    expands ``--gold data/gold/*.json data/articles/*.txt`` into one list: this takes it apart."""
    golds: list[str] = []
    articles: list[str] = []
    for item in items:
        if Path(item).is_dir():
            golds.append(item)
            articles.append(item)
        elif item.lower().endswith(".json"):
            golds.append(item)
        else:
            articles.append(item)
    return golds, articles


def pair_gold(golds: Sequence[Gold], documents: Sequence[Document]) -> list[tuple[Gold, Document]]:
    """Pair each gold file with its article: the one its ``document`` names, else the one whose
    text has its ``text_sha256``; a gold that names neither pairs by position (equal counts).
    The pairs come in the articles' order.

    Raises:
        InputError: a gold's article has other text than the gold was written for, a gold's
            article is not among the articles, or an article has no gold file.
    """
    by_name = {Path(d.source).name: d for d in documents}
    by_sha = {d.sha256: d for d in documents}
    pairs: list[tuple[Gold, Document]] = []
    for i, gold in enumerate(golds):
        named = Path(gold.document).name if gold.document else ""
        doc = by_name.get(named) if named else None
        if doc is None and gold.text_sha256:
            doc = by_sha.get(gold.text_sha256)
        if doc is None and not named and not gold.text_sha256 and len(golds) == len(documents):
            doc = documents[i]  # a gold that does not say its article: the same order
        if doc is None:
            raise errors.gold_without_article(gold.path, gold.document or gold.text_sha256)
        if gold.text_sha256 and gold.text_sha256 != doc.sha256:
            raise errors.gold_mismatch(gold.path, gold.text_sha256, doc.source, doc.sha256)
        pairs.append((gold, doc))
    paired = {id(doc) for _, doc in pairs}
    unpaired = [d.source for d in documents if id(d) not in paired]
    if unpaired:
        raise errors.article_without_gold(unpaired)
    order = {id(d): i for i, d in enumerate(documents)}
    return sorted(pairs, key=lambda pair: order[id(pair[1])])  # the articles' order


def evaluate_files(gold_paths: list[str], article_paths: list[str]) -> Report:
    """Run the pipeline on the articles and score each against its gold file.

    Both lists may hold files, folders and glob patterns; gold files are paired with articles by
    the ``document`` and ``text_sha256`` they give (``pair_gold``), not by position.
    """
    golds = [load_gold(p) for p in expand_paths(gold_paths, ".json")]
    docs = [read_article(p) for p in expand_paths(article_paths, ".txt")]
    if not golds:
        raise errors.ArgumentError(
            "gold_paths", "no gold file found: give ", " gold files (.json), folders or globs."
        )
    pairs = pair_gold(golds, docs)
    return evaluate([g for g, _ in pairs], extract_documents([d for _, d in pairs]))


def format_report(report: Report, fmt: str = "table", errors_shown: bool = False) -> str:
    """Render a report as a text table or as JSON."""
    s = report.summary()
    if fmt == "json":
        if errors_shown:
            s["errors"] = _errors(report)
        return json.dumps(s, indent=1, ensure_ascii=False) + "\n"
    lines = [f"{'property':<16}{'gold':>6}{'pred':>6}{'tp':>5}{'P':>8}{'R':>8}{'F1':>8}"]
    for prop, c in s["properties"].items():
        star = "" if prop in s["macro_properties"] else "  (not in gold)"
        lines.append(
            f"{prop:<16}{c['tp'] + c['fn']:>6}{c['tp'] + c['fp']:>6}{c['tp']:>5}"
            f"{c['precision']:>8.3f}{c['recall']:>8.3f}{c['f1']:>8.3f}{star}"
        )
    m = s["micro"]
    lines.append(
        f"{'micro':<16}{m['tp'] + m['fn']:>6}{m['tp'] + m['fp']:>6}{m['tp']:>5}"
        f"{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}"
    )
    lines.append(
        f"macro F1 (over {len(s['macro_properties'])} gold properties): {s['macro_f1']:.3f}"
    )
    if len(s["documents"]) > 1:
        lines.append("")
        lines.append("per document: macro F1, micro F1")
        for d in s["documents"]:
            lines.append(f"  {d['document']:<40}{d['macro_f1']:>7.3f}{d['micro']['f1']:>7.3f}")
        mean = sum(d["macro_f1"] for d in s["documents"]) / len(s["documents"])
        lines.append(f"  {'mean of documents':<40}{mean:>7.3f}")
    lines.append("")
    lines.append("confidence curve (statements with confidence >= threshold)")
    lines.append(f"{'threshold':>10}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}{'macroF1':>9}")
    for row in s["curve"]:
        lines.append(
            f"{row['threshold']:>10.1f}{row['tp'] + row['fp']:>6}{row['precision']:>8.3f}"
            f"{row['recall']:>8.3f}{row['f1']:>8.3f}{row['macro_f1']:>9.3f}"
        )
    if errors_shown:
        lines.append("")
        lines.extend(_error_lines(report))
    return "\n".join(lines) + "\n"


def _errors(report: Report) -> list[dict[str, Any]]:
    out = []
    for d in report.documents:
        out.append(
            {
                "document": d.document,
                "false_positives": [
                    {
                        "triple": list(s.predicted),
                        "gold": list(s.gold) if s.gold else None,
                        "rule": s.rule,
                        "confidence": s.confidence,
                    }
                    for s in d.scored
                    if not s.correct
                ],
                "missed": [list(t) for t in d.missed],
            }
        )
    return out


def _error_lines(report: Report) -> list[str]:
    lines = []
    for d in report.documents:
        lines.append(f"== {d.document}")
        for s in d.scored:
            mark = "ok " if s.correct else "FP "
            lines.append(
                f"  {mark}{s.predicted[0]} {s.predicted[1]} {s.predicted[2]}"
                f"   [{s.rule} {s.confidence:.2f}] -> {s.gold}"
            )
        for t in d.missed:
            lines.append(f"  FN {t[0]} {t[1]} {t[2]}")
    return lines


def rule_precision(report: Report) -> dict[str, tuple[int, int]]:
    """``rule -> (correct, predicted)`` over every scored fact of the report."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in report.documents:
        for s in d.scored:
            out[s.rule][1] += 1
            if s.correct:
                out[s.rule][0] += 1
    return {r: (c[0], c[1]) for r, c in out.items()}


#: Beta prior of the calibration: a rule seen rarely stays near ``PRIOR_MEAN``.
PRIOR_MEAN = 0.6
PRIOR_WEIGHT = 4.0


def calibration_table(report: Report) -> str:
    """The calibration file: per rule, the smoothed empirical precision.

    Confidence = (correct + PRIOR_MEAN * PRIOR_WEIGHT) / (predicted + PRIOR_WEIGHT): rules seen
    often get their measured precision; rare ones stay near the prior.
    """
    lines = [
        "# rule\tbase confidence\tcorrect\tpredicted",
        "# Written by `kg eval ... --calibrate FILE` (smoothed empirical precision per rule,",
        f"# Beta prior mean {PRIOR_MEAN}, weight {PRIOR_WEIGHT}). Regenerate after changing rules.",
    ]
    for rule, (ok, n) in sorted(rule_precision(report).items()):
        conf = (ok + PRIOR_MEAN * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT)
        lines.append(f"{rule}\t{conf:.3f}\t{ok}\t{n}")
    return "\n".join(lines) + "\n"
