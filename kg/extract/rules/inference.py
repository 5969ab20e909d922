"""Rules ``inherit.*`` and ``default.*``: facts read from facts. Affiliation through partOf,
worksFor and leads; states whose forces train or work together cooperate; the article's main
country for people and state bodies that name none (low confidence)."""

from __future__ import annotations

from kg.extract.relations import ORGS, Context, country_of_place


def state_rules(ctx: Context) -> None:
    """Forces of two states training or working together: the states cooperate. Training counts
    between two states, or in a multinational exercise between the host and each guest (every
    pair of guests would follow otherwise, which is not what such a story reports)."""
    training_states = {
        s
        for r in ctx.relations
        if r.predicate == "trainsWith"
        for s in (ctx.country(r.subject), ctx.country(r.object))
        if s
    }
    for r in list(ctx.relations):
        if r.predicate not in ("trainsWith", "cooperatesWith") or r.evidence.modality == "negated":
            continue
        if r.predicate == "cooperatesWith" and "Country" in (ctx.cls(r.subject), ctx.cls(r.object)):
            continue
        a, b = ctx.country(r.subject), ctx.country(r.object)
        multinational = r.predicate == "trainsWith" and len(training_states) > 2
        if multinational and ctx.default_country not in (a, b):
            continue  # two guests of a multinational exercise
        if a and b and a != b and a in ctx.entities and b in ctx.entities:
            sent = ctx.doc.char_span(r.evidence.start, r.evidence.end, alignment_mode="expand")
            if sent is not None:
                rule = "train" if r.predicate == "trainsWith" else "coop"
                ctx.emit(a, "cooperatesWith", b, sent, f"inherit.{rule}.states.v1")


def _serves_stateless(ctx: Context, person: str) -> bool:
    """Whether a person works for or leads an international body (NATO, the EU, a UN agency)."""
    for r in ctx.relations:
        if r.subject != person or r.predicate not in ("worksFor", "leads"):
            continue
        known = ctx.lex.orgs.get(r.object.lower())
        if (known and not known[2]) or ctx.cls(r.object) == "Organization":
            return True
    return False


def _visiting(ctx: Context, key: str) -> bool:
    """Whether a body (or a unit of it) is deployed to the article's main country or to a place
    inside it."""
    main = ctx.default_country
    children = {r.subject for r in ctx.relations if r.predicate == "partOf" and r.object == key}
    return any(
        r.subject in children | {key}
        and r.predicate == "deployedTo"
        and r.evidence.modality != "negated"
        and (r.object == main or country_of_place(ctx, r.object) == main)
        for r in ctx.relations
    )


def inherit_rules(ctx: Context) -> None:
    """Affiliation through partOf, worksFor and leads; the article's country as a last resort."""
    rels = list(ctx.relations)
    affil: dict[str, str] = {}
    for r in rels:
        if r.predicate == "affiliatedWith":
            affil.setdefault(r.subject, r.object)
    by_sent = {r.subject: r.evidence for r in rels}
    changed = True
    rounds = 0
    while changed and rounds < 4:
        changed = False
        rounds += 1
        for r in list(ctx.relations):
            if r.predicate in ("partOf", "worksFor", "leads") and r.subject not in affil:
                target = affil.get(r.object) or (
                    r.object if ctx.cls(r.object) == "Country" else None
                )
                if target is None:
                    continue
                sent = ctx.doc.char_span(r.evidence.start, r.evidence.end, alignment_mode="expand")
                if sent is None:
                    continue
                if ctx.emit(r.subject, "affiliatedWith", target, sent, f"inherit.{r.predicate}.v1"):
                    affil[r.subject] = target
                    changed = True
    del by_sent
    if not ctx.default_country:
        return
    officials = {
        r.subject for r in ctx.relations if r.predicate in ("hasTitle", "worksFor", "leads")
    }
    for key in sorted(officials):
        ent = ctx.entities[key]
        if key in affil or ent.cls != "Person" or not ent.mentions:
            continue
        if _serves_stateless(ctx, key):
            continue  # "NATO director Stephen Smith": an international official has no state
        m = ent.mentions[0]
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            ctx.emit(
                key,
                "affiliatedWith",
                ctx.country_entity(ctx.default_country),
                span.sent,
                "default.person.v1",
            )
    for key, ent in list(ctx.entities.items()):
        if key in affil or ent.cls not in ORGS or not ent.mentions:
            continue
        inf = ctx.info[key]
        if ctx.lex.orgs.get(key.lower()) and not ctx.lex.orgs[key.lower()][2]:
            continue  # an international body: no state
        if ent.cls == "Organization":
            continue
        if not inf.country and _visiting(ctx, key):
            continue  # a unit sent to the story's country comes from elsewhere
        m = ent.mentions[0]
        sent = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if sent is None:
            continue
        country = inf.country or ctx.default_country
        ctx.emit(
            key, "affiliatedWith", ctx.country_entity(country), sent.sent, "default.country.v1"
        )
