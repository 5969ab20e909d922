"""The relation rules over the dependency parse, one module a family; each reads a document's
``kg.extract.relations.Context`` and states facts through ``Context.emit``.

- ``names``: what a name says by itself (country, prefix organisation, armed-forces branch, a
  ship's navy), and what a byline or credit says of its author (the outlet they work for).
- ``titles``: titles before or after a person's name, with the body or state they name.
- ``frames``: verb and noun frames (train, meet, deploy, authorize, cooperate, ...).
- ``lists``: membership lists, agencies acting jointly, allies.
- ``places``: where places and bodies are.
- ``exercise``: an exercise with its participants.
- ``inference``: facts read from facts (affiliation through partOf/worksFor/leads, defaults).

``kg.extract.extractor.apply_rules`` runs them in their order.
"""
