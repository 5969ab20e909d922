"""From a parsed article to resolved entities and relations with evidence.

Flow (one pass over the parse, no reparsing): ``kg.extract.mentions`` finds mentions →
``kg.extract.resolve`` groups them into entities → the class model re-reads their classes
(``kg.extract.decide.retype``) → the rules of ``kg.extract.rules`` and the patterns of
``kg/data/patterns`` read facts → every candidate fact (``kg.extract.candidates``) is scored by
the relation model and kept above its threshold (``kg.extract.decide.decide``) → event dates.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING

from kg.extract.candidates import candidates
from kg.extract.clauses import harmonise_modality
from kg.extract.decide import decide, retype
from kg.extract.eventdates import attach_dates
from kg.extract.lexicon import load
from kg.extract.mentions.finder import MentionFinder
from kg.extract.model import Models, shipped_models
from kg.extract.patterns import pattern_rules, runner_for
from kg.extract.relations import Context
from kg.extract.resolve import resolve
from kg.extract.rules.exercise import exercise_frame
from kg.extract.rules.frames import frame_rules, tweet_rules
from kg.extract.rules.inference import inherit_rules, state_rules
from kg.extract.rules.killings import kill_rules
from kg.extract.rules.lists import ally_rules, joint_action_rules, list_rules
from kg.extract.rules.names import layout_rules, name_rules, of_rules
from kg.extract.rules.places import default_place_rules, deploy_country_rules, place_rules
from kg.extract.rules.titles import title_rules
from kg.nlp.tokens import token_view
from kg.records import Document, Extraction, Relation

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from kg.extract.mentions.cand import Cand

#: Version of the extractor as a whole, recorded nowhere else; bump when rules change.
VERSION = "1"


def add_components(nlp: Language) -> None:
    """Adjust the tokenizer so that dashes glued to words split ("Brigades-", "-specifically"),
    and start a sentence at every line break (headlines, datelines and paragraphs are never
    one sentence with what follows; the parser keeps preset boundaries).

    Called once by ``kg.nlp.load_nlp``; the statistical components are unchanged.
    """
    from spacy.language import Language
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    if "kg_line_breaks_v1" not in Language.factories:

        @Language.component("kg_line_breaks_v1")
        def line_breaks(doc: Doc) -> Doc:
            toks = list(doc)  # one Token object each: doc[i] makes a new one on every call
            for i in range(1, len(toks)):
                tok, prev = toks[i], toks[i - 1]
                gap = prev.whitespace_ + (prev.text if prev.is_space else "")
                if "\n" not in gap or tok.is_space:
                    continue
                if prev.is_space:
                    prev = toks[i - 2] if i >= 2 else prev
                # a hard-wrapped line goes on; a headline, a dateline or a paragraph does not
                if (
                    gap.count("\n") > 1
                    or prev.text in (".", "!", "?", ":", "”", '"', ")")
                    or (tok.text[:1].isupper() or tok.text[:1] in '—–-“"')
                    and not (prev.is_stop or prev.text == ",")
                ):
                    tok.is_sent_start = True
            return doc

    if "kg_line_breaks_v1" not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe("kg_line_breaks_v1", before=before) if before else nlp.add_pipe(
            "kg_line_breaks_v1"
        )

    # abbreviated ranks keep their period ("Brig. Gen. Laura Kessler" is not two sentences)
    from spacy.symbols import ORTH

    for rank in load().ranks:
        if rank.endswith(".") and rank[:-1].isalpha():
            for form in (rank, rank.capitalize(), rank.upper()):
                nlp.tokenizer.add_special_case(form, [{ORTH: form}])  # type: ignore[union-attr]

    # the pattern rules' matcher, built now: inside a memory zone its strings would not last
    runner_for(nlp.vocab)

    prefixes = [*nlp.Defaults.prefixes, r"-(?=[A-Za-z]{3,})"]  # type: ignore[misc]
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[A-Za-z]{3})-$"]  # type: ignore[misc]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search  # type: ignore[union-attr]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search  # type: ignore[union-attr]


@functools.lru_cache(maxsize=1)
def _finder() -> MentionFinder:
    return MentionFinder(load())


def main_country(cands: list[Cand]) -> str | None:
    """The country the article is mostly about: the one named most often (a name counts twice,
    a demonym or a qualified name once).

    The United States counts half: in this domain it is usually the visiting partner and its
    bodies are named explicitly ("U.S. Southern Command"), while the host's units are often
    named without their state ("the Anti-Drug Directorate").
    """
    lex = _finder().lex
    counts: Counter[str] = Counter()
    for c in cands:
        if c.cls == "Country":
            counts[c.key or c.name] += 2
        elif c.cls == "Place" and c.key and lex.places.get(c.key.lower()):
            container = lex.places[c.key.lower()][1]
            if container in lex.modifier:
                counts[container] += 1  # "Culiacán", "Mexico City": places of that country
        elif c.country and c.source == "gazetteer":
            counts[c.country] += 0.5  # type: ignore[assignment]  # an agency says less
        elif c.country:
            counts[c.country] += 1
    if not counts:
        return None
    weighted = {k: v * (0.5 if k == "United States" else 1.0) for k, v in counts.items()}
    # ties go to the state named first (headlines and first sentences say what a story is about)
    first = {k: i for i, k in reversed(list(enumerate(c.key or c.country for c in cands)))}
    return max(sorted(weighted, key=lambda k: first.get(k, 1 << 30)), key=lambda k: weighted[k])


def extract_document(sdoc: Doc, document: Document, models: Models | None = None) -> Extraction:
    """Extract resolved entities and relations with evidence from one parsed document.

    ``models``: the learned models (the shipped ones by default; ``Models()`` runs the rules
    alone, whose facts are then kept as they are).
    """
    models = shipped_models() if models is None else models
    ctx = read_entities(sdoc, document)
    if models.classes is not None:
        retype(ctx, models.classes)
    apply_rules(ctx)
    if models.relations is None:
        return finish(ctx, ctx.relations)
    cands = candidates(ctx, ctx.relations, models.relations.may_keep)
    return finish(ctx, decide(ctx, cands, models.relations))


def read_entities(sdoc: Doc, document: Document) -> Context:
    """Mentions and resolved entities of one parsed document, in a fresh rule context."""
    lex = load()
    sdoc = token_view(sdoc)  # every rule below revisits the tokens: build them once
    cands = _finder().find(sdoc)
    default = main_country(cands)
    res = resolve(cands, document.text, lex, default, scope=document.id)
    return Context(sdoc, document, lex, cands, res.keys, res.entities, res.info, default)


def apply_rules(ctx: Context) -> Context:
    """Run the relation rules over a context; their facts accumulate in ``ctx.relations``."""
    name_rules(ctx)
    layout_rules(ctx)
    title_rules(ctx)
    training = frame_rules(ctx)
    listed = list_rules(ctx)
    place_rules(ctx)
    default_place_rules(ctx)
    of_rules(ctx)
    joint_action_rules(ctx)
    pattern_rules(ctx)  # the rules kept as data: kg/data/patterns/*.jsonl
    tweet_rules(ctx)
    kill_rules(ctx)
    ally_rules(ctx)
    inherit_rules(ctx)
    exercise_frame(ctx, training, listed)
    inherit_rules(ctx)
    deploy_country_rules(ctx)
    state_rules(ctx)
    return ctx


def finish(ctx: Context, relations: list[Relation]) -> Extraction:
    """Titles pruned, event dates attached, entities kept when named or used."""
    sdoc, document = ctx.doc, ctx.document
    relations = _prune_titles(relations)
    relations = harmonise_modality(relations, sdoc, ctx.entities)
    # dates of events and event-like facts (kg.extract.eventdates): one pass, only when dates occur
    relations = attach_dates(sdoc, document, ctx.cands, ctx.keys, ctx.entities, relations)
    used = {r.subject for r in relations} | {r.object for r in relations if not r.literal}
    entities = [e for e in ctx.entities.values() if e.mentions or e.key in used]
    for ent in entities:  # keep the reason of every merge with the entity, for the graph
        inf = ctx.info.get(ent.key)
        ent.merges = (
            [m for m in dict.fromkeys(inf.merges) if m.split(" -> ")[0] != repr(ent.key)]
            if inf
            else []
        )
    return Extraction(document, entities, relations)


def _prune_titles(relations: list[Relation]) -> list[Relation]:
    """Drop a title that is part of a longer title of the same person ("Minister" when
    "Minister of National Security" is also read)."""
    titles: dict[str, list[str]] = {}
    for r in relations:
        if r.predicate == "hasTitle":
            titles.setdefault(r.subject, []).append(r.object.lower())
    out = []
    for r in relations:
        if r.predicate == "hasTitle":
            low = r.object.lower()
            if any(low != t and set(low.split()) < set(t.split()) for t in titles[r.subject]):
                continue
        out.append(r)
    return out
