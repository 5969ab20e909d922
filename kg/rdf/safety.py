"""Shared defences against hostile input: text, SPARQL, XML, JSON-LD and nested RDF.

Every function here either returns a safe value or raises a ``kg.errors.KGError`` that names the
input and says what to do; none of them evaluates, opens or fetches what it is given.

- ``sanitize_text``: literals without lone surrogates, NUL, C0/C1 controls or XML-illegal
  code points, NFC-normalised, so that every RDF serializer (RDF/XML included) can write them.
- ``check_sparql``: parses the query with rdflib's SPARQL grammar and walks the parse tree, so
  ``SERVICE``, ``LOAD``, updates and ``FROM <file:…>`` are found as syntax, never by matching text
  (a name that merely contains the word SERVICE is not rejected). rdflib reads the text as
  pyoxigraph, which runs it, does (see ``screen_views``). Size and bracket nesting are
  bounded first, because pyoxigraph overflows its stack (a crash, not an exception) on a few
  thousand nested groups and rdflib's parser recurses.
- ``check_xml`` / ``parse_xml``: defusedxml with entity declarations and external references
  forbidden, and a depth limit: "billion laughs" fails in microseconds instead of expanding to
  gigabytes (pyoxigraph's RDF/XML parser does expand internal entities; rdflib's hangs).
- ``check_jsonld``: refuses remote ``@context`` / ``@import`` (rdflib would fetch them).
- ``check_rdf``: dispatches on the format, for any RDF bytes a user gives.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import Any

from kg import errors
from kg.rdf.sparql import PREFIXES
from kg.rdf.vocab import BASE

#: Largest query text accepted (characters); larger ones are refused before parsing.
MAX_QUERY_CHARS = 100_000
#: Deepest bracket nesting ({ ( [) accepted in a query. rdflib's grammar recurses ~25 levels
#: of parentheses before Python's recursion limit; real queries rarely pass 8.
MAX_QUERY_NESTING = 20
#: Most triple patterns accepted in one query: pyoxigraph's join planning grows about as n**4
#: (64 patterns: 0.2 s; 100: 1.3 s; 200: 20 s on an almost empty store).
MAX_TRIPLE_PATTERNS = 64
#: Most operators in one chain of a query: the operators between two of ``. ; { }``, brackets
#: included (``!!!…!true``, ``1+1+…``, ``a || b || …``, ``p1|p2|…``). pyoxigraph parses and
#: evaluates such a chain recursively, one stack frame or more per operator: ~10,000 (8,000 in a
#: thread) overflow its stack and kill the process (exit 139), and a 5,000-term sum takes 2 s.
#: A bracket depth limit does not see them: the chain is flat. Long lists belong in ``IN (…)``
#: or ``VALUES``.
MAX_OPERATOR_CHAIN = 128
#: Most steps (``/``) in one property path (or division chain): evaluation grows as the cube
#: of the steps (100: 0.1 s, 200: 1.3 s, 500: 15 s on an empty store; 1,000 crash).
MAX_PATH_STEPS = 32
#: Deepest nesting accepted in RDF input (Turtle brackets, XML elements, JSON objects).
MAX_NESTING = 64
#: Graph IRIs a ``FROM`` / ``FROM NAMED`` clause may name: the store's own graphs.
ALLOWED_GRAPH_PREFIXES: tuple[str, ...] = (BASE,)
#: Link schemes that may become a clickable link in a page.
SAFE_LINK_SCHEMES: tuple[str, ...] = ("http", "https")

# C0 controls except TAB LF CR, DEL, C1 controls, and the XML-illegal noncharacters U+FFFE/FFFF.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Tokens that can hide brackets: strings, IRIs, comments. Only used to count bracket depth; the
# decisions about SERVICE / LOAD / FROM are made on rdflib's parse tree.
_SKIP = re.compile(
    r"""
    \#[^\r\n]*
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*'''
  | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'
  | <[^<>"{}|^`\\\x00-\x20]*>
  | [{}()\[\]]
    """,
    re.VERBOSE | re.DOTALL,
)

# One token of SPARQL, for counting operators. What can hide an operator character is one token
# (comments, strings, variables, language tags, numbers, the local part of a name, which may hold
# - and .), read as pyoxigraph reads it, so that only real operators are counted; a keyword is
# letters and digits only (``true-true`` is two operands and a minus, as for pyoxigraph). An IRI
# is a token of its own, and counted as a chain of its own, for in an expression pyoxigraph may
# also read ``<`` as "less than" and what follows as operators. Anything else is skipped.
_NAME_CHAR = r"[\w\-:%\u00b7-\uffff]|\\."
_TOKEN = re.compile(
    rf"""
    (?P<skip>
        \#[^\r\n]*
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '\''(?:[^'\\]|\\.|'(?!''))*'\''
      | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'
      | [?$][\w\u00b7-\uffff]+
      | @[A-Za-z]+(?:-[A-Za-z0-9]+)*
      | [0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?
      | [A-Za-z_\u00c0-\uffff][\w\u00b7-\uffff]*
      | :(?:(?:[\w:%\u00b7-\uffff]|\\.)(?:{_NAME_CHAR}|\.+(?={_NAME_CHAR}))*)?
      | \^\^
    )
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<open>[(\[]) | (?P<close>[)\]])
  | (?P<end>[;{{}}] | \.(?!{_NAME_CHAR}))
  | (?P<op>\|\||&&|!=|<=|>=|[!=<>+\-*/|^?])
    """,
    re.VERBOSE | re.DOTALL,
)
_OPERATOR = re.compile(r"\|\||&&|!=|<=|>=|[!=<>+\-*/|^?]")

# Parse-tree node names that are updates (SPARQL 1.1 Update grammar, rdflib's CompValue names).
_UPDATE_NODES = frozenset(
    {
        "Load",
        "Clear",
        "Drop",
        "Create",
        "Add",
        "Move",
        "Copy",
        "InsertData",
        "DeleteData",
        "DeleteWhere",
        "Modify",
    }
)


# ---------------------------------------------------------------- text


def sanitize_text(
    text: str | bytes,
    *,
    keep_newlines: bool = True,
    normalize: bool = True,
    keep_length: bool = False,
) -> str:
    """Return ``text`` safe to store as an RDF literal in any serialization.

    Lone surrogates become U+FFFD (a valid surrogate pair becomes its character), NUL, C0 and C1
    controls and U+FFFE/U+FFFF are removed, and the text is NFC-normalised. TAB, LF and CR are
    kept unless ``keep_newlines`` is false, when each becomes a space.

    Args:
        text: Any string (or UTF-8 bytes, decoded with replacement).
        keep_newlines: Keep line breaks and tabs (article text) or fold them (labels).
        normalize: Apply NFC (ingest keeps the text as decoded, so offsets match the file).
        keep_length: Replace one for one (a control becomes a space, each surrogate U+FFFD) so
            that character offsets into the original text stay valid.

    Returns:
        The cleaned string.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if _SURROGATE.search(text):
        if keep_length:
            text = _SURROGATE.sub("\ufffd", text)
        else:
            # Round-trip through UTF-16 joins surrogate pairs and replaces lone halves.
            text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if normalize:
        text = unicodedata.normalize("NFC", text)
    text = _UNSAFE_CHARS.sub(" " if keep_length else "", text)
    if not keep_newlines:
        text = _LINE_BREAKS.sub(" ", text)
    return text


def is_safe_link(url: str) -> bool:
    """Return whether ``url`` may be shown as a clickable link (absolute http or https only)."""
    from urllib.parse import urlsplit

    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in SAFE_LINK_SCHEMES and bool(parts.netloc)


# ---------------------------------------------------------------- nesting and size


def bracket_depth(text: str) -> int:
    """Return the deepest nesting of ``{ ( [`` in SPARQL or Turtle text (strings, IRIs skipped)."""
    return _deepest((m.group() for m in _SKIP.finditer(text)), "{([", "})]")


def _deepest(tokens: Iterable[str], opening: str, closing: str) -> int:
    """The deepest nesting of ``tokens`` (a token in ``opening`` goes one level down, one in
    ``closing`` one up; other tokens, such as the strings a scanner skips, change nothing)."""
    depth = deepest = 0
    for ch in tokens:
        if ch in opening:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in closing:
            depth = max(depth - 1, 0)
    return deepest


def operator_chains(text: str) -> tuple[int, int]:
    """Return the longest chain of operators in SPARQL ``text`` and the most ``/`` in one chain.

    A chain ends at ``. ; { }`` outside brackets: inside ``( )`` or ``[ ]`` nothing ends one, so
    ``(1+1)+(1+1)+…``, ``f(…;…) + f(…;…) + …`` and ``EXISTS {…} + EXISTS {…} + …`` are one chain
    each (pyoxigraph holds the whole expression on its stack). Brackets are bounded on their own
    (``MAX_QUERY_NESTING``). A token scan, linear in the text and without recursion: it runs
    before any parser, since what it bounds is what crashes the parsers.
    """
    longest = steps = chain = slashes = depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "op":
            chain += 1
            slashes += match.group() == "/"
            longest, steps = max(longest, chain), max(steps, slashes)
        elif kind == "iri":
            longest = max(longest, len(_OPERATOR.findall(match.group(), 1)))
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "end" and depth == 0:
            chain = slashes = 0
    return longest, steps


def check_operators(text: str, source: str) -> None:
    """Refuse a query with a longer operator chain or property path than pyoxigraph survives.

    Raises:
        QueryError: ``expression_too_long`` or ``path_too_long``.
    """
    longest, steps = operator_chains(text)
    if steps > MAX_PATH_STEPS:
        raise errors.path_too_long(source, steps, MAX_PATH_STEPS)
    if longest > MAX_OPERATOR_CHAIN:
        raise errors.expression_too_long(source, longest, MAX_OPERATOR_CHAIN)


def check_size(data: str | bytes, limit: int, source: str) -> None:
    """Raise ``InputError`` when ``data`` is longer than ``limit``."""
    if len(data) > limit:
        raise errors.too_large(source, limit)


# ---------------------------------------------------------------- SPARQL


def harden_rdflib() -> None:
    """Stop rdflib's SPARQL engine from fetching graphs named in ``FROM`` (it does by default)."""
    import rdflib.plugins.sparql as rsparql

    rsparql.SPARQL_LOAD_GRAPHS = False


def check_sparql(
    query: str,
    *,
    source: str = "the query",
    allow_update: bool = False,
    allowed_graphs: Iterable[str] = ALLOWED_GRAPH_PREFIXES,
    strict: bool = True,
) -> str:
    """Refuse a query that could reach outside the store or change it.

    Rejected: ``SERVICE`` (anywhere, also in sub-queries and ``EXISTS``), ``LOAD``, any update
    unless ``allow_update``, and ``FROM`` / ``FROM NAMED`` naming a graph outside
    ``allowed_graphs`` (``file:``, ``http:`` …). Too long or too deeply nested queries are refused
    before parsing.

    Args:
        query: The SPARQL text (parameters already bound).
        source: How to name the query in messages (a file name, "the query text").
        allow_update: Accept INSERT/DELETE/CLEAR/DROP… (LOAD and SERVICE are refused regardless).
        allowed_graphs: IRI prefixes a FROM clause may name.
        strict: Refuse a query rdflib's grammar cannot parse (``bad_query``). With ``False`` such
            a query passes: for a caller whose own parser already rejected it with its message.

    Returns:
        ``"query"`` or ``"update"``.

    Raises:
        QueryError: ``query_not_allowed``, ``query_too_complex`` or ``bad_query``.
    """
    harden_rdflib()
    if not allow_update and is_blank_query(query):  # the grammar would call it an empty update
        raise errors.empty_query(source)
    if len(query) > MAX_QUERY_CHARS:
        raise errors.query_too_complex(source, f"{len(query)} characters, limit {MAX_QUERY_CHARS}")
    views = screen_views(query)
    for view in views:  # before any parser: these chains crash pyoxigraph and rdflib recurses
        check_operators(view, source)
    depth = max(bracket_depth(view) for view in views)
    if depth > MAX_QUERY_NESTING:
        raise errors.query_too_complex(source, f"nesting depth {depth}, limit {MAX_QUERY_NESTING}")
    kind, failure = "query", None
    nodes: tuple[tuple[str, Any], ...] = ()
    try:
        kind, nodes = _parse_sparql(views[0], source)
    except errors.QueryError as err:
        if "too large or too deeply nested" in err.message:
            raise
        failure = err  # said after the other reading, which may show why (\u0053ERVICE)
    patterns = 0
    for _, node in nodes:
        for triples in dict.get(node, "triples") or ():
            patterns += len(triples) // 3  # s p o, or s p o1 p o2 … flattened by ; and ,
    if patterns > MAX_TRIPLE_PATTERNS:
        raise errors.query_too_complex(
            source, f"{patterns} triple patterns, limit {MAX_TRIPLE_PATTERNS}"
        )
    for view in views[1:]:  # what a server that decodes escapes first would run: also screened
        with contextlib.suppress(errors.QueryError):  # not a query there: such a server refuses
            nodes = nodes + _parse_sparql(view, source)[1]
    prefixes = tuple(allowed_graphs)
    declared = {
        str(dict.get(n, "prefix") or ""): str(dict.get(n, "iri"))
        for k, n in nodes
        if k == "PrefixDecl"
    }
    for name, node in nodes:
        if name == "ServiceGraphPattern":
            raise errors.query_not_allowed(
                f"SERVICE in {source}: kg never sends a query to another endpoint. "
                "Query that endpoint directly, or load its data into the store."
            )
        if name == "Load":
            raise errors.query_not_allowed(
                f"LOAD in {source}: kg never fetches data from a query. "
                "Download the data and add it with kg build."
            )
        if name == "DatasetClause":
            target = dict.get(node, "default") or dict.get(node, "named")
            iri = _resolve(target, declared)
            if not iri.startswith(prefixes):
                raise errors.query_not_allowed(
                    f"FROM <{iri}> in {source}: a query may only name the store's own graphs "
                    f"(IRIs starting with {' or '.join(prefixes)}). "
                    "Remove the FROM clause to query the whole store."
                )
    if failure is not None:
        if strict:
            raise failure
        return "query"
    if kind == "update" and not allow_update:
        raise errors.query_not_allowed(
            f"{source} is an update; kg query only reads. "
            "Use kg build or kg remove to change a store."
        )
    return kind


_BLANK_QUERY = re.compile(r"(?:\s|#[^\r\n]*)*")


def is_blank_query(text: str) -> bool:
    """True when ``text`` holds only white space and comments (ended by CR or LF, as pyoxigraph
    ends them): no query at all, though SPARQL's grammar reads it as an empty update."""
    return _BLANK_QUERY.fullmatch(text) is not None


def _resolve(term: Any, declared: dict[str, str]) -> str:
    """Return the IRI of a FROM target: an IRI, or a prefixed name (kg's prefixes as fallback)."""
    if getattr(term, "name", None) == "pname":
        prefix = str(dict.get(term, "prefix") or "")
        base = declared.get(prefix, PREFIXES.get(prefix, prefix + ":"))
        return base + str(dict.get(term, "localname") or "")
    return str(term)


def screen_views(query: str) -> list[str]:
    """Return ``query`` as the screen must parse it: as pyoxigraph reads it, then as others do.

    rdflib's grammar and pyoxigraph (which runs the query) part in two places, and each let a
    SERVICE through a screen that parsed the text as given:

    - pyoxigraph ends a comment at CR as well as LF; rdflib only at LF. In the first view every CR
      is an LF: a raw CR is legal only in whitespace, a comment or a long string, where an LF
      ends or means the same tokens for both (in a short string or an IRI both refuse it).
    - pyoxigraph decodes ``\\u``/``\\U`` escapes only inside strings and IRIs, as one character
      of their content; rdflib decodes them anywhere before parsing, so ``'a\\u0027 "'`` is a
      whole string for one and a string ending early for the other. In the first view every
      escape is the letter ``x``: one content character wherever pyoxigraph accepts an escape,
      and anywhere else pyoxigraph refuses the query, so what rdflib makes of it cannot matter.
      A doubled backslash is passed over first (``"\\\\u0041"`` is a backslash, then text).

    When the text has escapes, a second view decodes them everywhere first, as SPARQL 1.1 says
    and other servers (behind a ``sparql+http`` store) do, then turns CRs into LFs likewise.
    """
    oxigraph = _ESCAPE_OR_PAIR.sub(_neutral_escape, query).replace("\r", "\n")
    if not _CODEPOINT_ESCAPE.search(query):
        return [oxigraph]
    decoded = _CODEPOINT_ESCAPE.sub(_decode_escape, query).replace("\r", "\n")
    return [oxigraph, decoded]


# SPARQL 1.1 code point escapes (section 19.2); a doubled backslash is matched first, as a unit.
_CODEPOINT_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_ESCAPE_OR_PAIR = re.compile(r"\\\\|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")


def _neutral_escape(match: re.Match[str]) -> str:
    return match.group() if match.group() == "\\\\" else "x"


def _decode_escape(match: re.Match[str]) -> str:
    code = int(match.group()[2:], 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


#: rdflib's SPARQL grammar is not safe to run from two threads at once (``kg validate`` runs its
#: queries from a thread pool, and the store screens some of them with this parser).
_GRAMMAR = threading.Lock()


@functools.lru_cache(maxsize=512)
def _parse_sparql(query: str, source: str) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """Parse with rdflib's grammar; return the request kind and every named parse-tree node.

    ``query`` is one of ``screen_views``: escapes are already dealt with, so the grammar is
    called directly (rdflib's ``parseQuery`` would decode them once more). Cached, so a query
    run many times is parsed once (rdflib's parser takes ~10 ms).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    kind, tree, first_error = "query", None, ""
    for name, grammar in (("query", Query), ("update", UpdateUnit)):
        try:
            with _GRAMMAR:  # pyparsing keeps parse state in the grammar: one parse at a time
                tree = grammar.parse_string(query, parse_all=True)
            kind = name
            break
        except RecursionError:
            raise errors.query_too_complex(source, "too deeply nested for the parser") from None
        except ParseException as err:
            first_error = first_error or f"{err.msg} at line {err.lineno}, column {err.col}"
        except Exception as err:  # noqa: BLE001 - rdflib raises plain Exceptions for bad prefixes
            first_error = first_error or str(err)
    if tree is None:
        raise errors.bad_query(source, first_error)
    return kind, tuple(_named_nodes(tree))


def _named_nodes(tree: Any) -> Iterable[tuple[str, Any]]:
    """Yield ``(name, node)`` for every CompValue in a parse tree, iteratively (no recursion)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node.name, node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(list(node))


# ---------------------------------------------------------------- XML, JSON-LD, RDF


def check_xml(data: bytes | str, *, source: str, max_depth: int = MAX_NESTING) -> None:
    """Refuse XML with entity declarations, external references or nesting past ``max_depth``.

    Raises:
        InputError: ``unsafe_xml`` or ``too_deep``; malformed XML is left to the real parser.
    """
    parse_xml(data, source=source, max_depth=max_depth)


def parse_xml(data: bytes | str, *, source: str, max_depth: int = MAX_NESTING) -> Any:
    """Parse XML safely with defusedxml and return the root element (None if malformed).

    Raises:
        InputError: entity declarations, external references, or nesting past ``max_depth``.
    """
    import io
    import xml.etree.ElementTree as ET

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    raw = data.encode("utf-8") if isinstance(data, str) else data
    depth = 0
    root = None
    try:
        for event, elem in iterparse(
            io.BytesIO(raw),
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                depth += 1
                root = root if root is not None else elem
                if depth > max_depth:
                    raise errors.too_deep(source, max_depth)
            else:
                depth -= 1
    except DefusedXmlException as err:
        ref = getattr(err, "sysid", None)
        name = getattr(err, "name", None)
        detail = f"external reference {ref}" if ref else f"entity {name}" if name else str(err)
        raise errors.unsafe_xml(source, detail) from None
    except ET.ParseError:
        return None
    return root


def check_jsonld(data: bytes | str, *, source: str, max_depth: int = MAX_NESTING) -> None:
    """Refuse JSON-LD whose ``@context`` or ``@import`` names a remote document, or too deep.

    Raises:
        InputError: ``remote_context`` or ``too_deep``; malformed JSON is left to the parser.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if bracket_depth_json(text) > max_depth:
        raise errors.too_deep(source, max_depth)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            raise errors.remote_context(source, ctx)
                        stack.append(ctx)
                elif key == "@import" and isinstance(value, str):
                    raise errors.remote_context(source, value)
                else:
                    stack.append(value)


def bracket_depth_json(text: str) -> int:
    """Return the deepest ``{``/``[`` nesting of JSON text (strings skipped)."""
    tokens = re.finditer(r'"(?:[^"\\]|\\.)*"|[{}\[\]]', text)
    return _deepest((m.group() for m in tokens), "{[", "}]")


#: Format names (file extensions, rdflib names, pyoxigraph MIME types) grouped by family.
_XML_FORMATS = {"xml", "rdf", "rdf/xml", "application/rdf+xml", "owl", "trix"}
_JSONLD_FORMATS = {"json-ld", "jsonld", "application/ld+json"}
_TURTLE_FORMATS = {"turtle", "ttl", "trig", "n3", "text/turtle", "application/trig", "text/n3"}


def check_rdf(data: bytes | str, fmt: Any, *, source: str, max_depth: int = MAX_NESTING) -> None:
    """Check RDF input before any parser sees it (format by extension, rdflib name or MIME type).

    Args:
        data: The file's content.
        fmt: ``"ttl"``, ``".rdf"``, ``"xml"``, a MIME type, or a ``pyoxigraph.RdfFormat``.
        source: How to name the input in messages.
        max_depth: Deepest nesting accepted.

    Raises:
        InputError: ``unsafe_xml``, ``remote_context`` or ``too_deep``.
    """
    name = str(getattr(fmt, "media_type", fmt)).lower().lstrip(".")
    if name in _XML_FORMATS:
        check_xml(data, source=source, max_depth=max_depth)
    elif name in _JSONLD_FORMATS:
        check_jsonld(data, source=source, max_depth=max_depth)
    elif name in _TURTLE_FORMATS:
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        if bracket_depth(text) > max_depth:
            raise errors.too_deep(source, max_depth)


def parse_feed(data: bytes, *, source: str) -> Any:
    """Parse RSS/Atom bytes with feedparser after ``check_xml``; never opens a path or URL.

    feedparser treats a ``str`` that looks like a URL as something to fetch, and any ``str`` or
    ``bytes`` that names an existing file as something to open; a stream is always content.

    Raises:
        InputError: ``unsafe_xml`` or ``too_deep``.
    """
    import io

    import feedparser

    check_xml(data, source=source)
    return feedparser.parse(io.BytesIO(data))
