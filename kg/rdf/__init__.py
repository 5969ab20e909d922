"""Records → RDF: the ontology's vocabulary, IRIs and quads, SPARQL text, safety screens."""
