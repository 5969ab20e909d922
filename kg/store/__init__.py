"""Where graphs live: the embedded Oxigraph store, SPARQL 1.1 servers, RDF files, locks."""
