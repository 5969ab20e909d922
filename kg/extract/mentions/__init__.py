"""Entity mentions: spaCy's entities cleaned up, capitalised names typed by their head word,
gazetteer names, demonym-qualified forces ("Peruvian forces"), distributed coordinations ("the
first, third, and sixth Special Forces Brigades"), and acronyms defined in the text.

``finder.MentionFinder.find`` gives a list of ``cand.Cand`` (candidate mentions over token
indices); ``kg.extract.resolve`` groups them into entities. The finder is built of one class a
stage, each using only the stages below it: ``naming.NameTyper`` (lookups, word tests, typing) →
``people`` → ``coordination`` → the sources ``names``, ``generics``, ``ner``; ``acronyms`` and
``states`` stand on ``naming`` alone; ``finder.MentionFinder`` joins them and runs the passes.
"""
