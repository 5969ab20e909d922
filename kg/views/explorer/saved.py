"""The saved queries (``kg/ontology/queries/*.rq``) as forms: title, description, parameters.

Each file starts with a comment header (see any of them): the first line is its question, and a
``Parameters:`` entry names the parameters (``none``, one on the same line, or one per indented
line), each ``NAME [(required)] - description``. Values typed in the form are bound as literals
(``kg.rdf.sparql.bind``), never formatted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "force (required): text" (current headers) or "force (required) - text" (older ones)
_PARAM = re.compile(r"^(\w+)\s*(?:\((required|optional)\))?\s*(?::|\s-)\s+(.*)$")
_KEY = re.compile(r"^([A-Z][A-Za-z ]*?)(\s*\([^)]*\))?:\s*(.*)$")


@dataclass
class Parameter:
    name: str
    required: bool
    description: str


@dataclass
class SavedQuery:
    name: str
    title: str
    text: str
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)


def parse(name: str, text: str) -> SavedQuery:
    """Read a saved query's header."""
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        header.append(line[1:].rstrip())
    title = header[0].strip() if header else name
    query = SavedQuery(name, title, text)
    key = ""
    for line in header[1:]:
        stripped = line.strip()
        if not stripped:
            continue
        indented = line.startswith("  ")
        match = _KEY.match(stripped) if not indented else None
        if match:
            key, rest = match.group(1).lower(), match.group(3)
            if key == "answers":
                query.description = rest
            elif key == "parameters" and rest and rest.lower() != "none.":
                param = _PARAM.match(rest)
                if param:
                    query.parameters.append(
                        Parameter(param.group(1), param.group(2) == "required", param.group(3))
                    )
            continue
        if key == "parameters":
            param = _PARAM.match(stripped)
            if param and line.startswith("   ") and not line.startswith("     "):
                query.parameters.append(
                    Parameter(param.group(1), param.group(2) == "required", param.group(3))
                )
            elif query.parameters:
                query.parameters[-1].description += " " + stripped
        elif key == "answers":
            query.description += " " + stripped
    return query


def saved() -> dict[str, SavedQuery]:
    """Every saved query by name."""
    from kg.views.query import saved_queries

    return {
        name: parse(name, path.read_text(encoding="utf-8"))
        for name, path in saved_queries().items()
    }
