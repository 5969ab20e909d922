"""Rules ``title.*``: titles before or after a person's name ("Peruvian Foreign Minister Hugo de
Zela", "X, assistant director of the Y", "the Commanding Officer of the Y (Lt. Z)"), with the
body or state the title names; ranks ("Col.", "major general") are skipped, not titles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon
from kg.extract.mentions.cand import Cand
from kg.extract.relations import ORGS, Context, definite
from kg.extract.rules.offices import (
    before_address,
    coordinated_office,
    is_leader_title,
    office_before_body,
    office_complement,
    skip_posting,
    title_role,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def title_rules(ctx: Context) -> None:
    doc, lex = ctx.doc, ctx.lex
    for i, c in enumerate(ctx.cands):
        key = ctx.keys[i]
        if key is None or ctx.cls(key) != "Person":
            continue
        sent = doc[c.start].sent
        _title_before(ctx, c, key, sent, lex)
        _title_after(ctx, c, key, sent, lex)
    _flush_leads_default(ctx)


def _office_of_a_body(ctx: Context, k: int, key: str, sent: Span, lex: Lexicon) -> bool:
    """ "Britain's Minister for the Armed Forces, James Hartley": an office whose name ends with
    a body is a title as written; the state in front is the person's."""
    doc = ctx.doc
    if k - 1 < sent.start or doc[k].text != "," or ctx.key_at(k - 1) is None:
        return False
    body = ctx.cands[ctx.tok2cand[k - 1]]
    j = body.start - 1
    while j >= sent.start and doc[j].lower_ == "the":
        j -= 1
    if j - 1 < sent.start or doc[j].lower_ not in ("for", "of"):
        return False
    first = j - 1
    if title_role(doc[first].text, lex) not in ("head", "leader") or ctx.key_at(first) is not None:
        return False
    while first - 1 >= sent.start and title_role(doc[first - 1].text, lex) == "mod":
        first -= 1
    trigger = doc[j - 1]
    office = doc[first:j].text
    body_key = ctx.key_at(k - 1) or ""
    if (title_role(trigger.text, lex) == "leader" or is_leader_title(office)) and ctx.cls(
        body_key
    ) in ORGS:
        # "the Commander of the Airborne Infantry Brigade, Maj. Gen. X": the person leads the
        # body; the title is the office without it, as after a name ("X, commander of the Y")
        ctx.emit(key, "hasTitle", office, sent, "title.office.v1", trigger, literal=True)
        ctx.emit(key, "worksFor", body_key, sent, "title.office.org.v1", trigger)
        ctx.emit(key, "leads", body_key, sent, "title.office.leads.v1", trigger)
    else:
        ctx.emit(key, "hasTitle", doc[first:k].text, sent, "title.office.v1", trigger, literal=True)
    left = first - 1
    if left > sent.start and doc[left].text in ("’s", "'s"):
        left -= 1
    owner = ctx.key_at(left) if left >= sent.start else None
    state = owner if owner is not None and ctx.cls(owner) == "Country" else None
    if state is None and left >= sent.start and lex.country_of(doc[left].text):
        state = ctx.country_entity(lex.country_of(doc[left].text) or "")
    if state is not None:
        ctx.emit(key, "affiliatedWith", state, sent, "title.office.country.v1", trigger)
    return True


def _title_before(ctx: Context, c: Cand, key: str, sent: Span, lex: Lexicon) -> None:
    doc = ctx.doc
    k = before_address(doc, c.start - 1, sent, lex)
    if k >= sent.start and doc[k].lower_ in ("and", "or", "&"):
        return  # "X, Minister of Security and Ms. Y": the title before "and" is X's
    # ranks right before the name are not titles ("major general", "Col.", "Commodore",
    # "Petty Officer Second Class")
    while (
        k >= sent.start
        and (
            doc[k].lower_ in lex.ranks
            or (
                doc[k].lower_ in lex.closing_ranks
                and k - 1 >= sent.start
                and doc[k - 1].lower_ in lex.ranks
            )
        )
        and ctx.key_at(k) is None
    ):
        if (
            title_role(doc[k].text, lex) in ("head", "leader")
            and k - 1 >= sent.start
            and title_role(doc[k - 1].text, lex) in ("mod", "head", "leader")
            and doc[k - 1].lower_ not in lex.ranks
        ):
            # "commanding general major general X", "Attorney General X": after a title word,
            # "general" is part of the office; alone ("General X") it is a rank
            break
        if title_role(doc[k].text, lex) == "leader" and not (
            k + 1 < c.start and doc[k + 1].lower_ in lex.inner_ranks
        ):
            # "chief" is a rank only where one goes on after it ("Chief Petty Officer X");
            # "Police chief Ana Ruiz", "Command chief Maj. Gen. X": the office
            break
        k -= 1
    if k < c.start - 1 and office_before_body(ctx, k, key, sent, lex):
        return
    if k >= sent.start and doc[k].text == "(":
        _title_parenthesis(ctx, k, key, sent, lex)
        return
    if _office_of_a_body(ctx, k, key, sent, lex):
        return
    if (
        k - 1 >= sent.start
        and doc[k].text == ","
        and title_role(doc[k - 1].text, lex) in ("head", "leader")
        and ctx.key_at(k - 1) is None
    ):
        k -= 1  # "Japan's ambassador, Kenji Morita"
    elif (
        k - 1 >= sent.start
        and doc[k].text == ","
        and office_complement(ctx, k - 1, sent, lex) <= k - 1
    ):
        k -= 1  # "signed by Secretary for Defence, Tom Reyes"
    k = skip_posting(ctx, k, sent, lex)
    lower_from = office_complement(ctx, k, sent, lex)
    words: list[Token] = []
    while k >= sent.start:
        t = doc[k]
        if k >= lower_from:
            words.insert(0, t)  # "defense forces" in "chief of defense forces"
            k -= 1
            continue
        ck = ctx.key_at(k)
        if ck is not None:
            # "Home Affairs Minister": a capitalised office name read as an organisation
            ci = ctx.tok2cand[k]
            cand = ctx.cands[ci]
            if (
                words
                and cand.source == "ner"
                and ctx.cls(ck) == "Organization"
                and not any(w.lower() in lex.heads for w in cand.name.split())
            ):
                words[0:0] = list(doc[cand.start : k + 1])
                k = cand.start - 1
                continue
            break
        role = title_role(t.text, lex)
        if role is not None or (t.lower_ in ("of", "for") and words):
            words.insert(0, t)
            k -= 1
            continue
        if (
            t.text in ("-", "–")
            and words
            and not t.whitespace_
            and k - 1 >= sent.start
            and not doc[k - 1].whitespace_
            and title_role(doc[k - 1].text, lex) is not None
        ):
            words[0:0] = [doc[k - 1], t]  # "Inspector-General of Police"
            k -= 2
            continue
        if t.text[:1].isupper() and words and doc[k - 1].lower_ == "of" if k > 0 else False:
            words.insert(0, t)
            k -= 1
            continue
        break
    if not words:
        return
    extra = 0
    while (
        k >= sent.start
        and extra < 2
        and ctx.key_at(k) is None
        and doc[k].text[:1].isupper()
        and doc[k].is_alpha
        and doc[k].lower_ not in ("the", "a", "an")  # a sentence's first word
        and not lex.country_of(doc[k].text)
        and doc[k].lower_ not in lex.ranks
        and any(title_role(w.text, lex) in ("head", "leader") for w in words)
    ):
        words.insert(0, doc[k])  # "Internal Security Minister", "Police Commissioner"
        k -= 1
        extra += 1
    while words and (words[0].lower_ in ("of", "for") or title_role(words[0].text, lex) == "skip"):
        words.pop(0)
    while (
        words
        and words[-1].i < lower_from
        and title_role(words[-1].text, lex) not in ("head", "leader")
        and not words[-1].text[:1].isupper()
    ):
        words.pop()
    roles = [title_role(w.text, lex) for w in words]
    if not words or not any(r in ("head", "leader") for r in roles):
        return
    # as written: "Inspector-General", not "Inspector - General"
    title = "".join(t.text + (" " if t.whitespace_ else "") for t in words[:-1]) + words[-1].text
    trigger = words[-1]
    low = trigger.lower_
    if low.endswith("s") and low[:-1] in lex.titles:
        return  # "the ministers X (Paraguay), Y (Peru)": a group's office, not X's title
    ctx.emit(key, "hasTitle", title, sent, "title.before.v1", trigger, literal=True)
    first = coordinated_office(ctx, words[0].i - 1, key, sent, lex)
    if first is not None:
        words = [*doc[first : words[0].i], *words]  # what precedes both offices, below
    leader = any(r == "leader" for r in roles) or is_leader_title(title)
    # what precedes the title: an organisation, a country or a demonym
    left = words[0].i - 1
    former = any(
        doc[x].lower_ in ("former", "ex", "then")
        for x in range(max(sent.start, left - 2), left + 1)
    )
    while left >= sent.start and doc[left].lower_ in ("former", "the", "’s", "'s", "then", "ex"):
        former = former or doc[left].lower_ in ("former", "then", "ex")
        left -= 1
    if former:
        leader = False
    of_body = _body_after_name(ctx, c, sent)
    if of_body is not None:
        # "Inspector General Ana Ruiz of the National Police": the office is held in that body
        ctx.emit(key, "worksFor", of_body, sent, "title.before.of.org.v1", trigger)
        if leader:
            ctx.emit(key, "leads", of_body, sent, "title.before.of.leads.v1", trigger)
    if left < sent.start:
        if of_body is None:
            _leads_default(ctx, key, title, sent, trigger)
        return
    if doc[left].text == ")" and left - 2 >= sent.start and doc[left - 2].text == "(":
        left -= 3  # "the Criminal Investigation Department (CID) director X": the acronym's body
    lk = ctx.key_at(left)
    possessive = left + 1 < len(doc) and doc[left + 1].text in ("’s", "'s")
    if lk is None and doc[left].lower_ in lex.heads and possessive:
        # "the committee's chairman": a description of a body named before
        found = definite(ctx, doc[left])
        lk = found[0] if len(found) == 1 else None
    if lk is not None and ctx.cls(lk) in ORGS:
        ctx.emit(key, "worksFor", lk, sent, "title.org.v1", trigger)
        if leader:
            ctx.emit(key, "leads", lk, sent, "title.org.leads.v1", trigger)
    elif lk is not None and ctx.cls(lk) == "Country":
        ctx.emit(key, "affiliatedWith", lk, sent, "title.country.v1", trigger)
        if _heads_state(title) and not former:
            ctx.emit(key, "leads", lk, sent, "title.country.leads.v1", trigger)
    else:
        country = lex.country_of(doc[left].text)
        if country:
            ck = ctx.country_entity(country)
            ctx.emit(key, "affiliatedWith", ck, sent, "title.demonym.v1", trigger)
            if _heads_state(title) and not former:
                ctx.emit(key, "leads", ck, sent, "title.country.leads.v1", trigger)
        elif not former and of_body is None:
            _leads_default(ctx, key, title, sent, trigger)
    _title_ministry(ctx, key, title, sent, trigger)


def _body_after_name(ctx: Context, c: Cand, sent: Span) -> str | None:
    """The organisation named by "of" right after a person's name ("X of the Y")."""
    doc = ctx.doc
    k = c.end
    if k + 1 >= sent.end or doc[k].lower_ != "of":
        return None
    k += 1
    while k < sent.end and doc[k].lower_ == "the":
        k += 1
    body = ctx.key_at(k) if k < sent.end else None
    return body if body is not None and ctx.cls(body) in ORGS else None


def _heads_state(title: str) -> bool:
    t = title.lower()
    return t in (
        "president",
        "prime minister",
        "premier",
        "king",
        "queen",
        "head of state",
        "head of government",
    )


def _leads_default(ctx: Context, key: str, title: str, sent: Span, trigger: Token) -> None:
    """ "President Jose Jeri" with no state named: decided after every title is read."""
    if _heads_state(title) and ctx.default_country and not ctx.info[key].country:
        if trigger.i > 0 and ctx.doc[trigger.i - len(title.split())].lower_ == "former":
            return
        ctx.pending.append((key, title, sent, trigger))


def _flush_leads_default(ctx: Context) -> None:
    for key, _title, sent, trigger in ctx.pending:
        known = any(
            r.subject == key and r.predicate in ("affiliatedWith", "leads") for r in ctx.relations
        )
        if not known and ctx.default_country:
            ck = ctx.country_entity(ctx.default_country)
            ctx.emit(key, "leads", ck, sent, "title.country.default.v1", trigger)
    ctx.pending.clear()


def _title_ministry(ctx: Context, key: str, title: str, sent: Span, trigger: Token) -> None:
    """ "Defense Minister X" works for the Defense Ministry when the text names it."""
    words = title.lower().split()
    if "minister" not in words:
        return
    topic = [w for w in words if w not in ("minister", "vice", "deputy", "of", "the", "prime")]
    if "prime" in words:
        return
    topic_word = topic[0] if topic else "\x00"
    for k2, ent in ctx.entities.items():
        if ent.cls != "GovernmentBody":
            continue
        names = [n.lower() for n in ctx.info[k2].names]
        mine, theirs = ctx.country(key), ctx.country(k2)
        if mine and theirs and mine != theirs:
            continue  # "Lithuanian Defence Minister" does not work for the German ministry
        if any("ministr" in n and topic_word in n for n in names):
            ctx.emit(key, "worksFor", k2, sent, "title.ministry.v1", trigger)
            if words[0] not in ("vice", "deputy", "assistant", "former"):
                ctx.emit(key, "leads", k2, sent, "title.ministry.leads.v1", trigger)
            return
    # no ministry named: a minister serves the government of the state
    home = ctx.country(key) or ctx.default_country
    govs = [
        k2
        for k2, inf in ctx.info.items()
        if inf.kind == "Government" and (home is None or inf.country == home)
    ]
    if len(govs) == 1:
        ctx.emit(key, "worksFor", govs[0], sent, "title.minister.government.v1", trigger)


def _title_after(ctx: Context, c: Cand, key: str, sent: Span, lex: Lexicon) -> None:
    """ "Marvin Dames, Minister of National Security"; "X, assistant director of the Y"."""
    doc = ctx.doc
    k = c.end
    if k >= sent.end:
        return
    if doc[k].text == ",":
        k += 1
    elif not (
        # "General Eduardo Zapateiro Commander of Colombia's Military": no comma, but a
        # capitalised office word and "of" right after the name
        doc[k].text[:1].isupper()
        and title_role(doc[k].text, lex) in ("head", "leader")
        and k + 1 < sent.end
        and doc[k + 1].lower_ == "of"
    ):
        return
    words: list[Token] = []
    org_before = None
    country = None
    while k < sent.end and doc[k].lower_ in ("the", "a", "an", "former"):
        k += 1
    kk = ctx.key_at(k) if k < sent.end else None
    if kk is not None:
        if ctx.cls(kk) == "Country" or lex.country_of(doc[k].text):
            country = kk
        elif ctx.cls(kk) in ORGS:
            org_before = kk
        while k < sent.end and ctx.key_at(k) == kk:
            k += 1
    elif k < sent.end and lex.country_of(doc[k].text):
        country = ctx.country_entity(lex.country_of(doc[k].text) or "")
        k += 1
    elif (
        k + 1 < sent.end
        and doc[k].lower_ in lex.heads
        and doc[k + 1].text in ("’s", "'s")
        and doc[k - 1].lower_ == "the"
    ):
        # "X, the battalion's commanding officer": a description of a body named before
        found = definite(ctx, doc[k])
        org_before = found[0] if len(found) == 1 else None
        k += 2
    start = k
    # "the exercise director": up to two plain modifiers before the title word
    look = k
    while (
        look < min(sent.end, k + 2)
        and doc[look].is_alpha
        and doc[look].text.islower()
        and (title_role(doc[look].text, lex) is None and not doc[look].is_stop)
    ):
        look += 1
    if look > k and look < sent.end and title_role(doc[look].text, lex) in ("head", "leader"):
        words.extend(doc[k:look])
        k = look
    while k < sent.end and (title_role(doc[k].text, lex) is not None or doc[k].text in ("’", "'")):
        if ctx.key_at(k) is not None:
            break
        words.append(doc[k])
        k += 1
    roles = [title_role(w.text, lex) for w in words]
    if not words or not any(r in ("head", "leader") for r in roles):
        return
    title_end = k
    org_after = None
    # "Commander Defence Force": an organisation written right after the title word
    at_k = ctx.key_at(k) if k < sent.end else None
    if at_k is not None and ctx.cls(at_k) in ORGS:
        org_after = at_k
        m = k
        while m < sent.end and ctx.key_at(m) == org_after:
            m += 1
        title_end = m
    elif (
        k + 1 < sent.end
        and doc[k].text == ","
        and (after := ctx.key_at(k + 1)) is not None
        and ctx.cls(after) in ORGS
    ):
        org_after = after  # "X, commanding general, 3rd Marine Division,"
    elif k + 1 < sent.end and doc[k].lower_ in ("of", "at", "for", "in", "with"):
        m = k + 1
        while m < sent.end and doc[m].lower_ == "the":
            m += 1
        ok = ctx.key_at(m) if m < sent.end else None
        if ok is None and m < sent.end and doc[k].lower_ == "of" and m > k + 1:
            # "the commander of the Iron Wolf brigade": a description of a body named before
            head = doc[m]
            while head.head is not head and head.head.i > head.i and head.head.i < sent.end:
                head = head.head
            if head.lower_ in lex.heads:
                found = definite(ctx, head)
                ok = found[0] if len(found) == 1 else None
        if ok is not None and ctx.cls(ok) in ORGS:
            org_after = ok
        elif ok is not None and ctx.cls(ok) == "Country":
            country = ok
        elif doc[k].lower_ == "of" and m == k + 1:
            # "Minister of National Security": the office's name continues the title
            e = m
            while e < sent.end and (doc[e].text[:1].isupper() or doc[e].lower_ in ("and", "of")):
                if ctx.key_at(e) is not None or doc[e].lower_ in (
                    "mr.",
                    "mrs.",
                    "ms.",
                    "dr.",
                    "mr",
                    "mrs",
                    "ms",
                    "dr",
                ):
                    break
                e += 1
            while e > m and doc[e - 1].lower_ in ("and", "of"):
                e -= 1
            if e > m:
                title_end = e
    title = doc[start:title_end].text
    trigger = words[-1]
    if title.lower().split()[0] in lex.ranks and len(words) == 1:
        return
    nxt = title_end
    while nxt < sent.end and (
        doc[nxt].lower_ in ("of", "the") or (org_after is not None and ctx.key_at(nxt) == org_after)
    ):
        nxt += 1  # "Deputy Director of Legal Affairs Charles Otiende": past the office's body
    following = ctx.key_at(nxt) if nxt < sent.end else None
    if following is not None and following != key and ctx.cls(following) == "Person":
        return  # "Mathew Kutoh, Director of Reforms John Kamau": the next person's title
    ctx.emit(key, "hasTitle", title, sent, "title.after.v1", trigger, literal=True)
    leader = any(r == "leader" for r in roles) or is_leader_title(title)
    for org in (org_before, org_after):
        if org is not None:
            ctx.emit(key, "worksFor", org, sent, "title.after.org.v1", trigger)
            if leader:
                ctx.emit(key, "leads", org, sent, "title.after.leads.v1", trigger)
    if country is not None:
        ctx.emit(key, "affiliatedWith", country, sent, "title.after.country.v1", trigger)
        if _heads_state(title):
            ctx.emit(key, "leads", country, sent, "title.country.leads.v1", trigger)
    _title_ministry(ctx, key, title, sent, trigger)


def _title_parenthesis(ctx: Context, k: int, key: str, sent: Span, lex: Lexicon) -> None:
    """ "the Commanding Officer of the Harbour Patrol Unit (Senior Lieutenant Andrew Bowe)"."""
    doc = ctx.doc
    j = k - 1
    org = ctx.key_at(j) if j >= sent.start else None
    if org is None or ctx.cls(org) not in ORGS:
        return
    while j >= sent.start and ctx.key_at(j) == org:
        j -= 1
    while j >= sent.start and doc[j].lower_ == "the":
        j -= 1
    if j < sent.start or doc[j].lower_ not in ("of", "at", "for"):
        return
    j -= 1
    words: list[Token] = []
    while j >= sent.start and title_role(doc[j].text, lex) is not None:
        words.insert(0, doc[j])
        j -= 1
    roles = [title_role(w.text, lex) for w in words]
    if not words or not any(r in ("head", "leader") for r in roles):
        return
    title = " ".join(w.text for w in words)
    trigger = words[-1]
    ctx.emit(key, "hasTitle", title, sent, "title.paren.v1", trigger, literal=True)
    ctx.emit(key, "worksFor", org, sent, "title.paren.org.v1", trigger)
    if any(r == "leader" for r in roles) or is_leader_title(title):
        ctx.emit(key, "leads", org, sent, "title.paren.leads.v1", trigger)
