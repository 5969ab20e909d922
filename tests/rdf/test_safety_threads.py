"""The SPARQL screen may run from several threads at once (kg validate's thread pool)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kg.rdf.safety import check_sparql


def test_check_sparql_from_several_threads() -> None:
    # distinct texts: the parse is cached per text (before the lock, some threads got
    # "Expected SelectQuery" for a valid query)
    queries = [
        f"SELECT ?s ?o WHERE {{ ?s <https://w3id.org/newskg/ontology#p{i}> ?o ."
        f" OPTIONAL {{ ?o ?p ?x }} FILTER (?o != {i}) }} LIMIT {i + 1}"
        for i in range(400)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        kinds = list(pool.map(check_sparql, queries))
    assert kinds == ["query"] * len(queries)
