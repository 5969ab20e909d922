"""Modality and attribution of a fact from the clause around its trigger word.

- negated: the trigger (or the verb it depends on) has a negation ("did not train", "never met").
- hypothetical: a modal of possibility ("could", "may", "might", "would") or an "if" clause.
- planned: a future or an intention ("will arrive", "plans to deploy", "is expected to meet").
- reported: the clause is the complement of a saying verb ("X said ...") or "according to X".
The source of a reported fact (``attributed_to``) is the subject of the saying verb or the
object of "according to".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from kg.extract.lexicon import Lexicon

FUTURE = frozenset({"will", "shall", "'ll", "’ll"})
_POSSIBLE = frozenset({"could", "may", "might", "would", "should", "can"})
INTEND = frozenset(
    {
        "plan",
        "expect",
        "intend",
        "aim",
        "schedule",
        "prepare",
        "seek",
        "propose",
        "hope",
        "want",
        "intention",
        "proposal",
        "set",
    }
)
_NEG = frozenset({"not", "n't", "never", "no"})
_DENY = frozenset({"deny", "reject", "refuse", "rule"})
#: Confidence multiplier per modality.
FACTOR: dict[str, float] = {
    "asserted": 1.0,
    "reported": 0.97,
    "planned": 0.92,
    "hypothetical": 0.6,
    "negated": 0.9,
}


#: Clauses with a modality of their own: a relative or adverbial clause does not take the
#: main verb's ("The Navy, which trained with X last year, will host Y": the training happened).
OWN_CLAUSE = frozenset({"ccomp", "parataxis", "relcl", "advcl", "csubj", "ROOT"})
#: Finite verb tags: a coordinated verb with its own tense does not share the first verb's
#: auxiliary ("will train with X, and Y trained with Z").
FINITE = frozenset({"VBD", "VBZ", "VBP"})


def _chain(tok: Token, limit: int = 4) -> list[Token]:
    """The token and the words it hangs from, up to the root of its clause (few steps)."""
    out = [tok]
    cur = tok
    for _ in range(limit):
        if cur.head is cur or cur.dep_ in OWN_CLAUSE:
            break
        if cur.dep_ == "conj" and cur.tag_ in FINITE:
            break
        cur = cur.head
        out.append(cur)
    return out


def modality_of(
    tok: Token | None, sent: Span, lex: Lexicon, text: str | None = None
) -> tuple[str, str | None]:
    """Return ``(modality, attributed_to)`` of the fact evoked at ``tok`` in ``sent``.

    ``text`` is the sentence's text when the caller has it (it saves a walk over the tokens).
    """
    attributed = _attribution(tok, sent, lex, text)
    if tok is None:
        return ("reported" if attributed else "asserted"), attributed
    chain = _chain(tok)
    for t in chain:
        kids = list(t.children)
        if any(
            k.dep_ == "neg" or (k.text.lower() in _NEG and k.dep_ in ("neg", "advmod"))
            for k in kids
        ):
            return "negated", attributed
        if t.lemma_ in _DENY and t is not tok:
            return "negated", attributed
    for t in chain:
        kids = list(t.children)
        if any(k.dep_ == "mark" and k.text.lower() in ("if", "unless") for k in kids):
            return "hypothetical", attributed
        if any(k.dep_ == "aux" and k.text.lower() in _POSSIBLE for k in kids):
            return "hypothetical", attributed
    for t in chain:
        kids = list(t.children)
        if any(k.dep_ in ("aux", "auxpass") and k.text.lower() in FUTURE for k in kids):
            return "planned", attributed
        if t is not tok and t.lemma_ in INTEND:
            return "planned", attributed
        if any(k.text.lower() == "going" and k.dep_ == "aux" for k in kids):
            return "planned", attributed
    return ("reported" if attributed else "asserted"), attributed


def _attribution(tok: Token | None, sent: Span, lex: Lexicon, text: str | None) -> str | None:
    # "according to X" (looked for token by token only when the words are there)
    for t in sent if text is None or "according" in text.lower() else ():
        if (
            t.text.lower() == "according"
            and t.i + 1 < len(t.doc)
            and t.doc[t.i + 1].text.lower() == "to"
        ):
            objs = [c for c in t.doc[t.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return _phrase(objs[0])
    # a saying verb whose complement holds the trigger, or the sentence's saying root
    root = sent.root
    say = None
    if tok is not None:
        for anc in [tok, *tok.ancestors]:
            if anc.lemma_.lower() in lex.say_verbs and anc.pos_ == "VERB":
                say = anc
                break
    if say is None and root.lemma_.lower() in lex.say_verbs and tok is not None and tok is not root:
        say = root
    if say is None:
        return None
    subj = [c for c in say.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subj and subj[0].pos_ != "PRON":
        return _phrase(subj[0])
    return subj[0].text if subj else None


def _phrase(tok: Token) -> str:
    left = min(t.i for t in tok.subtree)
    right = max(t.i for t in tok.subtree)
    span = tok.doc[left : right + 1]
    text = span.text
    return text if len(text) <= 120 else tok.text
