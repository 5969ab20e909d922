"""Reading a graph: query, export, serve, validate, reason, networkx, analytics, viz."""
