"""Sources → Documents: files, folders, HTML pages, feeds, JSON Lines, URLs, stdin; dates.

``iter_documents`` is the entry point (``kg.ingest.documents``); ``sources`` picks a reader per
input (``text``, ``html``, ``feeds``, ``jsonl``; ``web`` fetches URLs), and every reader yields
``items.RawItem``. ``dates`` reads and resolves dates (also used by extraction for event dates).
"""

from kg.ingest.documents import iter_documents
from kg.ingest.items import IngestOptions

__all__ = ["IngestOptions", "iter_documents"]
