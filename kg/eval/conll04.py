"""Evaluation on the public CoNLL04 benchmark (entities and relations in news sentences).

``kg eval conll04 SPLIT.json --predictions OUT.json`` parses each sentence's given tokens with the
project's spaCy model (a ``Doc`` built from the tokens, so indices stay aligned), predicts entities
(Peop, Org, Loc, Other) and relations (Work_For, OrgBased_In, Located_In, Live_In, Kill), writes the
predictions in the input's JSON layout, and prints the strict scores: an entity counts when its
boundaries and type are right; a relation when both entities (boundaries and types) and the
relation type are right (micro-averaged, the measure used in the literature).

Two small models learned on the TRAIN split correct spaCy toward CoNLL04's conventions
(``kg.extract.relclf``): a BIO tagger that takes spaCy's NER labels as features, and a logistic
regression per candidate pair.
``python -m kg.eval.conll04 train ../shared/conll04/conll04_train.json`` rebuilds
``kg/data/models/conll04_*.json`` (deterministic); ``python -m kg.eval.conll04 cv …train.json``
gives held-out figures by 5-fold cross-validation on TRAIN, the only figure used to choose
features (the dev split is reported on, never tuned on). No corpus sentence is stored: only
feature weights.

The plain spaCy model (``kg.nlp.model.load_base_model``) is used, not the news pipeline of
``kg.extract``: the tagger was trained on the base model's labels, and news-specific components
would shift them.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import errors
from kg.eval.gold import Counts
from kg.extract.relclf import LogReg, Tagger, bio_spans, spans_to_bio
from kg.nlp.model import load_base_model
from kg.resources import models_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

    from kg.extract.relclf import LogReg, Tagger

ENTITY_TYPES: tuple[str, ...] = ("Peop", "Org", "Loc", "Other")

#: Each CoNLL04 relation has one type signature, so the entity types fix the candidate relation.
SIGNATURES: dict[tuple[str, str], str] = {
    ("Peop", "Org"): "Work_For",
    ("Org", "Loc"): "OrgBased_In",
    ("Loc", "Loc"): "Located_In",
    ("Peop", "Loc"): "Live_In",
    ("Peop", "Peop"): "Kill",
}
RELATION_TYPES: tuple[str, ...] = tuple(SIGNATURES.values())

#: The ontology property (``kg.rdf.vocab.KG``) each CoNLL04 relation corresponds to.
PROPERTY: dict[str, str] = {
    "Work_For": "worksFor",
    "OrgBased_In": "basedIn",
    "Located_In": "locatedIn",
    "Live_In": "livesIn",
    "Kill": "killed",
}

TAGGER_FILE = "conll04_tagger.json"
RELATIONS_FILE = "conll04_relations.json"

Sentence = dict[str, Any]
Progress = Callable[[str], None]


# ---------------------------------------------------------------- input / output


def load_split(path: str | Path) -> list[Sentence]:
    """Read a CoNLL04 file in SpERT's JSON layout, checking the fields the scorer relies on."""
    p = Path(path)
    if not p.is_file():
        raise errors.no_conll04(str(path))
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.bad_conll04(str(path), str(exc)) from None
    if not isinstance(data, list):
        raise errors.bad_conll04(str(path), "the top level is not a list of sentences")
    for i, s in enumerate(data):
        if not isinstance(s, dict) or not isinstance(s.get("tokens"), list):
            raise errors.bad_conll04(str(path), f"sentence {i} has no 'tokens' list")
        n = len(s["tokens"])
        ents = s.setdefault("entities", [])
        for e in ents:
            if not (isinstance(e, dict) and 0 <= e.get("start", -1) < e.get("end", -1) <= n):
                raise errors.bad_conll04(
                    str(path), f"sentence {i} has an entity outside its tokens"
                )
        for r in s.setdefault("relations", []):
            if not all(0 <= r.get(k, -1) < len(ents) for k in ("head", "tail")):
                raise errors.bad_conll04(str(path), f"sentence {i} has a relation to no entity")
    return data


def write_predictions(path: str | Path, sentences: Sequence[Sentence]) -> None:
    """Write predictions as a JSON list in the input's layout (one sentence per line)."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8") as out:
            out.write("[\n")
            for i, s in enumerate(sentences):
                out.write(json.dumps(s, ensure_ascii=False))
                out.write(",\n" if i < len(sentences) - 1 else "\n")
            out.write("]\n")
    except OSError as exc:
        raise errors.cannot_write_predictions(str(path), exc.strerror or str(exc)) from None


# ---------------------------------------------------------------- scoring


class PRF(Counts):
    """Counts and the derived precision, recall and F1, filled from gold and predicted sets."""

    def add(self, gold: set[Any], pred: set[Any]) -> None:  # type: ignore[override]
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)


@dataclass
class Scores:
    """Strict entity and relation scores over a split."""

    entities: PRF = field(default_factory=PRF)
    relations: PRF = field(default_factory=PRF)
    per_entity: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in ENTITY_TYPES})
    per_relation: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in RELATION_TYPES})
    sentences: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "entities": self.entities.as_dict(),
            "relations": self.relations.as_dict(),
            "per_entity": {k: v.as_dict() for k, v in self.per_entity.items()},
            "per_relation": {
                k: v.as_dict() | {"property": PROPERTY.get(k, "")}
                for k, v in self.per_relation.items()
            },
        }


def _entity_set(s: Sentence) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["type"]) for e in s["entities"]}


def _relation_set(s: Sentence) -> set[tuple[tuple[int, int, str], tuple[int, int, str], str]]:
    ents = s["entities"]

    def key(i: int) -> tuple[int, int, str]:
        e = ents[i]
        return (e["start"], e["end"], e["type"])

    return {(key(r["head"]), key(r["tail"]), r["type"]) for r in s["relations"]}


def score(gold: Sequence[Sentence], pred: Sequence[Sentence]) -> Scores:
    """Strict micro scores of ``pred`` against ``gold`` (sentence lists in the same order).

    An entity is correct when start, end and type match; a relation when its head and tail
    entities are both correct (boundaries and types) and its type matches.
    """
    if len(gold) != len(pred):
        raise errors.InputError(
            f"cannot score {len(pred)} predicted sentences against {len(gold)} gold sentences. "
            "Give predictions made on the same file."
        )
    scores = Scores(sentences=len(gold))
    for g, p in zip(gold, pred, strict=True):
        ge, pe = _entity_set(g), _entity_set(p)
        scores.entities.add(ge, pe)
        for t, prf in scores.per_entity.items():
            prf.add({e for e in ge if e[2] == t}, {e for e in pe if e[2] == t})
        gr, pr = _relation_set(g), _relation_set(p)
        scores.relations.add(gr, pr)
        for t in {r[2] for r in gr | pr}:
            prf = scores.per_relation.setdefault(t, PRF())
            prf.add({r for r in gr if r[2] == t}, {r for r in pr if r[2] == t})
    return scores


def format_scores(scores: Scores, title: str = "") -> str:
    """Render the scores as a plain-text table (relations first, with ontology properties)."""
    lines = []
    if title:
        lines.append(title)
    lines.append(
        f"{'relation':<12} {'property':<10} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'tp':>5} {'fp':>5} {'fn':>5}"
    )
    for name, prf in scores.per_relation.items():
        lines.append(_row(name, PROPERTY.get(name, "-"), prf))
    lines.append(_row("micro", "(strict)", scores.relations))
    lines.append("")
    lines.append(
        f"{'entity':<12} {'':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    )
    for name, prf in scores.per_entity.items():
        lines.append(_row(name, "", prf))
    lines.append(_row("micro", "(strict)", scores.entities))
    lines.append("")
    lines.append(
        f"strict relation micro F1 {scores.relations.f1:.4f}   "
        f"strict entity micro F1 {scores.entities.f1:.4f}   ({scores.sentences} sentences)"
    )
    return "\n".join(lines) + "\n"


def _row(name: str, prop: str, prf: PRF) -> str:
    return (
        f"{name:<12} {prop:<10} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} "
        f"{prf.tp:5d} {prf.fp:5d} {prf.fn:5d}"
    )


# ---------------------------------------------------------------- parsing


def parse(
    sentences: Sequence[Sentence], nlp: Language | None = None, progress: Progress | None = None
) -> list[Doc]:
    """Run the spaCy pipeline over each sentence's own tokens (indices stay aligned)."""
    from spacy.tokens import Doc

    if nlp is None:
        nlp = load_base_model()
    docs = []
    inputs = (
        Doc(nlp.vocab, words=[t if t.strip() else "_" for t in s["tokens"]] or ["_"])
        for s in sentences
    )
    for i, doc in enumerate(nlp.pipe(inputs, batch_size=64)):
        docs.append(doc)
        if progress and (i + 1) % 200 == 0:
            progress(f"parsed {i + 1}/{len(sentences)} sentences")
    return docs


# ---------------------------------------------------------------- entity features


def _shape(text: str) -> str:
    out: list[str] = []
    for ch in text:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c or len(out) < 2 or out[-2] != c:
            out.append(c)
    return "".join(out[:6])


def _word(doc: Doc, i: int) -> str:
    if i < 0:
        return "<s>"
    if i >= len(doc):
        return "</s>"
    return doc[i].lower_


def _ent(doc: Doc, i: int) -> str:
    if i < 0 or i >= len(doc):
        return "-"
    t = doc[i]
    return f"{t.ent_iob_}{t.ent_type_}" if t.ent_type_ else "O"


def token_features(doc: Doc) -> list[list[str]]:
    """Features of each token for the entity tagger (spaCy's labels, word form, context)."""
    feats = []
    for i, t in enumerate(doc):
        w = t.lower_
        shape = _shape(t.text)
        ent = _ent(doc, i)
        f = [
            "b",
            f"w={w}",
            f"lem={t.lemma_.lower()}",
            f"suf3={w[-3:]}",
            f"pre3={w[:3]}",
            f"shape={shape}",
            f"pos={t.pos_}",
            f"tag={t.tag_}",
            f"dep={t.dep_}",
            f"ent={ent}",
            f"etype={t.ent_type_ or 'O'}",
            f"ent+shape={ent}|{shape}",
            f"ent+pos={ent}|{t.pos_}",
            f"w-1={_word(doc, i - 1)}",
            f"w+1={_word(doc, i + 1)}",
            f"w-2={_word(doc, i - 2)}",
            f"w+2={_word(doc, i + 2)}",
            f"w-1,w={_word(doc, i - 1)}|{w}",
            f"w,w+1={w}|{_word(doc, i + 1)}",
            f"ent-1={_ent(doc, i - 1)}",
            f"ent+1={_ent(doc, i + 1)}",
            f"ent-1,ent={_ent(doc, i - 1)}|{ent}",
            f"head={t.head.lower_}",
            f"headpos={t.head.pos_}|{t.dep_}",
            f"title={t.is_title}|{i == 0}",
        ]
        if i > 0:
            f.append(f"shape-1={_shape(doc[i - 1].text)}")
        if i + 1 < len(doc):
            f.append(f"shape+1={_shape(doc[i + 1].text)}")
        feats.append(f)
    return feats


# ---------------------------------------------------------------- relation features


def _root(doc: Doc, start: int, end: int) -> Token:
    return doc[start:end].root


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token]] | None:
    """The dependency path: ``a`` up to the lowest common ancestor (included), and ``b`` up to
    (excluded) it; ``None`` when spaCy's parse puts them in different trees."""
    up_a = [a, *a.ancestors]
    where = {t.i: k for k, t in enumerate(up_a)}
    right: list[Token] = []
    for t in [b, *b.ancestors]:
        if t.i in where:
            return up_a[: where[t.i] + 1], right
        right.append(t)
    return None


def pair_features(
    doc: Doc,
    head: tuple[int, int, str],
    tail: tuple[int, int, str],
    entities: Sequence[tuple[int, int, str]],
) -> list[str]:
    """Features of an ordered entity pair; every feature is prefixed by the candidate relation."""
    rel = SIGNATURES[(head[2], tail[2])]
    first, second = (head, tail) if head[0] < tail[0] else (tail, head)
    order = "ht" if first is head else "th"
    between = [doc[i] for i in range(first[1], second[0])]
    gap = len(between)
    bucket = str(gap) if gap < 6 else "6-9" if gap < 10 else "10-19" if gap < 20 else "20+"
    f = [f"order={order}", f"gap={bucket}", f"order+gap={order}|{bucket}"]
    lemmas = [t.lemma_.lower() for t in between]
    f.extend(f"bw={lem}" for lem in set(lemmas))
    if gap <= 4:
        f.append(f"btw={order}|{' '.join(lemmas)}")
    if between:
        f.append(f"bw_first={lemmas[0]}")
        f.append(f"bw_last={lemmas[-1]}")
    inside = [e for e in entities if first[1] <= e[0] and e[1] <= second[0]]
    n_inside = len(inside)
    f.append(f"ents_between={min(n_inside, 3)}")
    f.extend(f"ent_between={e[2]}" for e in inside)
    same = sum(1 for e in inside if e[2] in (head[2], tail[2]))
    f.append(f"same_between={min(same, 2)}")

    # how many other candidates of the same type sit closer: the nearest one is usually meant
    def dist(a: tuple[int, int, str], b: tuple[int, int, str]) -> int:
        return b[0] - a[1] if a[0] < b[0] else a[0] - b[1]

    d = dist(head, tail)
    nearer_t = sum(
        1 for e in entities if e[2] == tail[2] and e != tail and e != head and dist(head, e) < d
    )
    nearer_h = sum(
        1 for e in entities if e[2] == head[2] and e != head and e != tail and dist(e, tail) < d
    )
    f.append(f"nearer_t={min(nearer_t, 2)}")
    f.append(f"nearer_h={min(nearer_h, 2)}")
    f.append(f"before={_word(doc, first[0] - 1)}")
    f.append(f"after={_word(doc, second[1])}")
    hroot, troot = _root(doc, head[0], head[1]), _root(doc, tail[0], tail[1])
    f.append(f"hroot={hroot.lemma_.lower()}")
    f.append(f"troot={troot.lemma_.lower()}")
    f.append(f"hent={hroot.ent_type_ or 'O'}|tent={troot.ent_type_ or 'O'}")
    # the entities' own words: some places are typical relation tails ("Calif.", "U.S.")
    f.append("htext=" + " ".join(t.lower_ for t in doc[head[0] : head[1]]))
    f.append("ttext=" + " ".join(t.lower_ for t in doc[tail[0] : tail[1]]))
    path = _path(hroot, troot)
    if path is not None:
        left, right = path
        lca = left[-1]
        up = [f"{t.dep_}>" for t in left[:-1]]
        down = [f"<{t.dep_}" for t in reversed(right)]
        mids = [t.lemma_.lower() for t in left[1:]] + [t.lemma_.lower() for t in right[1:]]
        length = len(up) + len(down)
        f.append(f"plen={min(length, 6)}")
        if length <= 6:
            f.append("dpath=" + " ".join([*up, lca.pos_, *down]))
            f.append("dpathl=" + " ".join([*up, lca.lemma_.lower(), *down]))
        f.append(f"lca={lca.lemma_.lower()}|{lca.pos_}")
        f.append(f"lca_is={'h' if lca.i == hroot.i else 't' if lca.i == troot.i else 'o'}")
        f.extend(f"pw={m}" for m in set(mids))
        f.extend(f"pdep={t.dep_}" for t in left[:-1] + right)
    else:
        f.append("nopath")
    # the pair's features conjoined with the relation, plus a few backed-off shared ones
    shared = [x for x in f if x.startswith(("gap=", "order=", "ents_between", "plen=", "nopath"))]
    return [f"{rel}:{x}" for x in f] + [f"*:{x}" for x in shared] + [f"rel={rel}"]


def candidate_pairs(entities: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Every ordered pair of distinct entities whose types fit a relation signature."""
    out = []
    for i, h in enumerate(entities):
        for j, t in enumerate(entities):
            if i != j and (h[2], t[2]) in SIGNATURES:
                out.append((i, j, SIGNATURES[(h[2], t[2])]))
    return out


# ---------------------------------------------------------------- the predictor


class Predictor:
    """Entity tagger plus relation classifier, loaded from ``kg/data/models/``."""

    def __init__(self, tagger: Tagger, relations: LogReg) -> None:
        self.tagger = tagger
        self.relations = relations

    @classmethod
    def load(cls, folder: Path | None = None) -> Predictor:
        folder = folder or models_dir()
        tagger_path, rel_path = folder / TAGGER_FILE, folder / RELATIONS_FILE
        for p in (tagger_path, rel_path):
            if not p.is_file():
                raise errors.no_conll04_model(str(p))
        tagger = Tagger.from_json(json.loads(tagger_path.read_text(encoding="utf-8")))
        relations = LogReg.from_json(json.loads(rel_path.read_text(encoding="utf-8")))
        return cls(tagger, relations)

    def entities(self, doc: Doc) -> list[tuple[int, int, str]]:
        return bio_spans(self.tagger.decode(token_features(doc)))

    def predict(self, sentence: Sentence, doc: Doc) -> Sentence:
        """Return a new sentence dict (same layout) with predicted entities and relations."""
        ents = self.entities(doc) if len(doc) == len(sentence["tokens"]) else []
        rels = []
        for i, j, rel in candidate_pairs(ents):
            p = self.relations.prob(pair_features(doc, ents[i], ents[j], ents))
            if p >= self.relations.threshold:
                rels.append({"type": rel, "head": i, "tail": j})
        out: Sentence = {
            "tokens": list(sentence["tokens"]),
            "entities": [{"type": t, "start": s, "end": e} for s, e, t in ents],
            "relations": rels,
        }
        if "orig_id" in sentence:
            out["orig_id"] = sentence["orig_id"]
        return out


def predict(
    sentences: Sequence[Sentence],
    predictor: Predictor | None = None,
    nlp: Language | None = None,
    progress: Progress | None = None,
) -> list[Sentence]:
    """Predict entities and relations for every sentence."""
    predictor = predictor or Predictor.load()
    docs = parse(sentences, nlp, progress)
    out = []
    for i, (s, doc) in enumerate(zip(sentences, docs, strict=True)):
        out.append(predictor.predict(s, doc))
        if progress and (i + 1) % 200 == 0:
            progress(f"predicted {i + 1}/{len(sentences)} sentences")
    return out


@dataclass
class EvalResult:
    scores: Scores
    predictions: list[Sentence]
    seconds: float


def evaluate(
    path: str | Path, predictions: str | Path | None = None, progress: Progress | None = None
) -> EvalResult:
    """Predict on a CoNLL04 file, optionally write the predictions, and score them."""
    start = time.perf_counter()
    gold = load_split(path)
    predictor = Predictor.load()
    if progress:
        progress(f"{len(gold)} sentences from {path}")
    pred = predict(gold, predictor, progress=progress)
    if predictions:
        write_predictions(predictions, pred)
    return EvalResult(score(gold, pred), pred, time.perf_counter() - start)


def run_cli(path: str, predictions: str | None, fmt: str = "table", quiet: bool = False) -> int:
    """Entry point of ``kg eval conll04``: print the scores table (or JSON) to stdout."""

    def progress(msg: str) -> None:
        if not quiet:
            print(f"  {msg}", file=sys.stderr)

    result = evaluate(path, predictions, progress)
    if fmt == "json":
        sys.stdout.write(
            json.dumps(result.scores.as_dict() | {"seconds": result.seconds}, indent=2) + "\n"
        )
    else:
        title = f"CoNLL04 strict scores on {path}"
        sys.stdout.write(format_scores(result.scores, title))
        where = f"; predictions → {predictions}" if predictions else ""
        sys.stdout.write(f"{result.seconds:.1f}s{where}\n")
    return 0


# ---------------------------------------------------------------- training


def _gold_spans(s: Sentence) -> list[tuple[int, int, str]]:
    return [(e["start"], e["end"], e["type"]) for e in s["entities"]]


def relation_examples(
    sentences: Sequence[Sentence], docs: Sequence[Doc]
) -> list[tuple[list[str], int]]:
    """Binary examples over gold entities: every signature-fitting pair, 1 if related."""
    data = []
    for s, doc in zip(sentences, docs, strict=True):
        ents = _gold_spans(s)
        gold = {(r["head"], r["tail"], r["type"]) for r in s["relations"]}
        for i, j, rel in candidate_pairs(ents):
            data.append((pair_features(doc, ents[i], ents[j], ents), int((i, j, rel) in gold)))
    return data


def _frequent(feature_lists: Iterable[list[str]], min_count: int) -> set[str]:
    """Features seen in at least ``min_count`` lists (rare ones only add noise and size)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for feats in feature_lists:
        counts.update(set(feats))
    return {f for f, c in counts.items() if c >= min_count}


def _tune_threshold(data: list[tuple[list[str], int]], folds: int, seed: int) -> float:
    """Pick the probability threshold with the best F1 in k-fold cross-validation on TRAIN."""
    scored: list[tuple[float, int]] = []
    for k in range(folds):
        train = [d for i, d in enumerate(data) if i % folds != k]
        test = [d for i, d in enumerate(data) if i % folds == k]
        model = LogReg()
        model.train(train, seed=seed)
        scored.extend((model.prob(f), y) for f, y in test)
    positives = sum(y for _, y in scored)
    best, best_f1 = 0.5, -1.0
    for step in range(10, 91, 5):
        th = step / 100
        tp = sum(1 for p, y in scored if p >= th and y)
        fp = sum(1 for p, y in scored if p >= th and not y)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / positives if positives else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f1 > best_f1:
            best, best_f1 = th, f1
    return best


def fit(
    sentences: Sequence[Sentence],
    docs: Sequence[Doc],
    seed: int = 0,
    epochs: int = 12,
    progress: Progress | None = None,
) -> Predictor:
    """Learn the tagger and the relation classifier from parsed training sentences."""
    say = progress or (lambda _msg: None)
    tags = ["O"] + [f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I")]
    ner_data = [
        (token_features(doc), spans_to_bio(len(doc), _gold_spans(s)))
        for s, doc in zip(sentences, docs, strict=True)
        if len(doc) == len(s["tokens"])
    ]
    keep = _frequent((tok for feats, _ in ner_data for tok in feats), 2)
    ner_data = [
        ([[x for x in tok if x in keep] for tok in feats], gold) for feats, gold in ner_data
    ]
    say(f"training the entity tagger on {len(ner_data)} sentences ({epochs} epochs)")
    tagger = Tagger(tags)
    tagger.train(ner_data, epochs=epochs, seed=seed)

    rel_data = relation_examples(sentences, docs)
    keep = _frequent((f for f, _ in rel_data), 2)
    rel_data = [([x for x in f if x in keep], y) for f, y in rel_data]
    say(f"training the relation classifier on {len(rel_data)} candidate pairs")
    relations = LogReg()
    relations.threshold = _tune_threshold(rel_data, folds=5, seed=seed)
    relations.train(rel_data, seed=seed)
    return Predictor(tagger, relations)


def train(
    path: str | Path, out_dir: Path | None = None, seed: int = 0, progress: Progress | None = None
) -> dict[str, Any]:
    """Learn both models from a TRAIN split and write them as JSON to ``kg/data/models/``."""
    say = progress or (lambda _msg: None)
    out_dir = out_dir or models_dir()
    sentences = load_split(path)
    docs = parse(sentences, progress=say)
    predictor = fit(sentences, docs, seed=seed, progress=say)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "trained_on": Path(path).name,
        "sentences": len(sentences),
        "seed": seed,
        "regenerate": "python -m kg.eval.conll04 train ../shared/conll04/conll04_train.json",
    }
    for name, model in ((TAGGER_FILE, predictor.tagger), (RELATIONS_FILE, predictor.relations)):
        payload = {"about": meta} | model.to_json()
        (out_dir / name).write_text(
            json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8"
        )
    th = predictor.relations.threshold
    say(f"wrote {out_dir / TAGGER_FILE} and {out_dir / RELATIONS_FILE} (threshold {th})")
    return {
        "tagger_features": len(predictor.tagger.weights),
        "relation_features": len(predictor.relations.weights),
        "threshold": th,
    }


def cross_validate(
    path: str | Path, folds: int = 5, seed: int = 0, progress: Progress | None = None
) -> Scores:
    """Held-out strict scores by k-fold cross-validation on a TRAIN split (never dev).

    This is the figure to compare design choices with: it needs no other split.
    """
    say = progress or (lambda _msg: None)
    sentences = load_split(path)
    docs = parse(sentences, progress=say)
    gold: list[Sentence] = []
    pred: list[Sentence] = []
    for k in range(folds):
        idx_train = [i for i in range(len(sentences)) if i % folds != k]
        idx_test = [i for i in range(len(sentences)) if i % folds == k]
        say(f"fold {k + 1}/{folds}")
        model = fit([sentences[i] for i in idx_train], [docs[i] for i in idx_train], seed=seed)
        for i in idx_test:
            gold.append(sentences[i])
            pred.append(model.predict(sentences[i], docs[i]))
    return score(gold, pred)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.eval.conll04 train|cv|eval FILE [OUT]``: rebuild, cross-validate, evaluate."""
    args = list(sys.argv[1:] if argv is None else argv)
    usage = (
        "usage: python -m kg.eval.conll04 {train TRAIN.json [OUT_DIR] | cv TRAIN.json "
        "| eval SPLIT.json [PRED.json]}"
    )
    if len(args) < 2 or args[0] not in ("train", "cv", "eval"):
        print(usage, file=sys.stderr)
        return 2

    def say(msg: str) -> None:
        print(f"  {msg}", file=sys.stderr)

    try:
        if args[0] == "train":
            out = Path(args[2]) if len(args) > 2 else None
            print(json.dumps(train(args[1], out, progress=say)))
            return 0
        if args[0] == "cv":
            start = time.perf_counter()
            scores = cross_validate(args[1], progress=say)
            sys.stdout.write(format_scores(scores, f"5-fold cross-validation on {args[1]}"))
            sys.stdout.write(f"{time.perf_counter() - start:.1f}s\n")
            return 0
        return run_cli(args[1], args[2] if len(args) > 2 else None)
    except errors.KGError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":
    sys.exit(main())
