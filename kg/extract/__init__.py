"""Extraction: from a parsed article to resolved entities and typed relations with evidence.

``extractor`` runs the stages on one spaCy ``Doc``: ``entities`` finds mentions, ``resolve``
groups them into entities, ``relations`` (with ``modality`` and ``eventdates``) reads the facts.
``lexicon`` loads the word lists these stages share.
"""

from __future__ import annotations

from kg.extract.extractor import VERSION, add_components, extract_document, main_country

__all__ = ["VERSION", "add_components", "extract_document", "main_country"]
