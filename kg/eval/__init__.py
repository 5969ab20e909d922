"""Measuring extraction: scoring against gold triples, the CoNLL04 benchmark."""
