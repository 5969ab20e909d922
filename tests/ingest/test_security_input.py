# ruff: noqa: F811 - pytest fixtures are imported by name from the kit modules
"""Hostile and broken input files: XML bombs, external entities, nesting, look-alike paths,
bad files.

Rows of issue 7 covered here:
- a string that looks like a path or URL given to a parser -> parsed as content, never opened;
- XML entity expansion, external entities, deeply nested markup in RDF/XML, RSS, HTML -> rejected
  quickly with a clear error, memory bounded, store unchanged;
- deeply nested Turtle and JSON-LD, remote JSON-LD contexts -> a typed error, no request;
- empty, binary, huge, wrongly encoded, truncated files and unreadable files in a folder -> a
  per-document status, the batch goes on, the exit code says whether anything failed;
- literals with lone surrogates, NUL and other C0 controls -> sanitised at ingest.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

import pytest
from test_security_kit import Listener, listener, run_kg  # noqa: F401
from test_store_kit import doc_quads, make_extraction

from kg import errors
from kg.rdf import safety
from kg.records import DocumentStatus
from kg.store import open_graph, open_store

SECRET = "TOP-SECRET-4711"


def laughs(levels: int = 9, root: str = "rdf:RDF") -> str:
    """A DOCTYPE whose entity &e{levels}; expands to 10**levels * 40 characters."""
    lines = ['<!ENTITY e0 "' + "lol" * 13 + 'x">']
    lines += [f'<!ENTITY e{i} "' + f"&e{i - 1};" * 10 + '">' for i in range(1, levels + 1)]
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(lines) + "\n]>\n"


RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="http://x/">'
    '<rdf:Description rdf:about="http://x/a">'
)
RDF_CLOSE = "</rdf:Description></rdf:RDF>"


def rdfxml_bomb(levels: int = 9) -> bytes:
    return (laughs(levels) + RDF_OPEN + f"<s:p>&e{levels};</s:p>" + RDF_CLOSE).encode()


def rdfxml_xxe(secret_file: Path, url: str) -> bytes:
    dtd = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        f'<!ENTITY x SYSTEM "file://{secret_file}">\n<!ENTITY y SYSTEM "{url}/entity">\n]>\n'
    )
    return (dtd + RDF_OPEN + "<s:p>&x;</s:p><s:q>&y;</s:q>" + RDF_CLOSE).encode()


def rss(title: str, body: str, prolog: str = '<?xml version="1.0"?>\n') -> bytes:
    return (
        prolog + '<rss version="2.0"><channel><title>Feed</title>'
        f"<item><title>{title}</title><link>https://example.org/a</link>"
        f"<description>{body}</description></item></channel></rss>"
    ).encode()


def _limited_memory() -> None:  # pragma: no cover - runs in the child
    # 3 GiB of address space: a bomb that expands has to fail here instead of swapping the box.
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


# ---------------------------------------------------------------- kg.rdf.safety helpers


def test_check_xml_rejects_bombs_and_external_entities(tmp_path: Path, listener: Listener) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    for data in (rdfxml_bomb(), rdfxml_xxe(secret, listener.url)):
        with pytest.raises(errors.InputError) as exc:
            safety.check_xml(data, source="in.rdf")
        assert str(exc.value).startswith("refusing to parse in.rdf: it declares XML entities")
    with pytest.raises(errors.InputError, match="nested more than 64 levels"):
        safety.check_xml(b"<a>" * 100 + b"</a>" * 100, source="deep.xml")
    assert safety.check_xml(rss("Hello", "World"), source="ok.rss") is None
    assert safety.parse_xml(b"<a><b>unclosed", source="broken.xml") is None  # left to the parser
    assert listener.connections() == 0


def test_check_jsonld_refuses_remote_contexts_only() -> None:
    inline = {"@context": {"name": "http://schema.org/name"}, "@id": "http://x/a", "name": "n"}
    safety.check_jsonld(json.dumps(inline), source="ok.jsonld")
    for ctx in ("http://127.0.0.1:9/ctx", ["http://127.0.0.1:9/ctx"], {"@import": "http://h/c"}):
        doc = {"@context": ctx, "@id": "http://x/a"}
        with pytest.raises(errors.InputError, match="would be fetched from the network"):
            safety.check_jsonld(json.dumps(doc), source="bad.jsonld")
    nested = {"@graph": [{"@id": "http://x/a", "http://x/p": {"@context": "http://h/c"}}]}
    with pytest.raises(errors.InputError):
        safety.check_jsonld(json.dumps(nested), source="bad.jsonld")
    with pytest.raises(errors.InputError, match="nested more than"):
        safety.check_jsonld("[" * 5000 + "]" * 5000, source="deep.jsonld")


def test_check_rdf_bounds_turtle_nesting() -> None:
    deep = "@prefix : <http://x/> . :a :p " + "[ :p " * 1000 + ":b" + " ]" * 1000 + " ."
    with pytest.raises(errors.InputError, match="nested more than 64 levels"):
        safety.check_rdf(deep, "ttl", source="deep.ttl")
    brackets_in_strings = '@prefix : <http://x/> . :a :p "' + "[" * 1000 + '" .'
    safety.check_rdf(brackets_in_strings, "text/turtle", source="ok.ttl")


def test_links_are_http_or_https_only() -> None:
    assert safety.is_safe_link("https://example.org/a?b=c")
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:x",
        "data:text/html,x",
        "file:///etc/passwd",
        "vbscript:x",
        "//evil.org/x",
        "http:/x",
        "java\nscript:x",
    ):
        assert not safety.is_safe_link(bad), bad


# ---------------------------------------------------------------- RDF files given to kg


@pytest.mark.parametrize("levels", [9, 12])
def test_rdfxml_bomb_is_refused_quickly_with_memory_bounded(tmp_path: Path, levels: int) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_bytes(rdfxml_bomb(levels))
    import subprocess
    import time

    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", "--graph", str(bomb), "ASK { ?s ?p ?o }"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited_memory,
        cwd=Path(__file__).resolve().parents[2],
    )
    elapsed = time.perf_counter() - started
    assert proc.returncode == 2, proc.stderr[-400:]
    assert proc.stderr.startswith(f"error: refusing to parse {bomb}: it declares XML entities")
    print(f"RDF/XML bomb ({levels} levels) refused in {elapsed:.2f}s (including interpreter start)")


def test_rdfxml_external_entities_are_not_resolved(tmp_path: Path, listener: Listener) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    bad = tmp_path / "xxe.rdf"
    bad.write_bytes(rdfxml_xxe(secret, listener.url))
    with pytest.raises(errors.InputError, match="declares XML entities"):
        open_graph(graph_file=str(bad))
    assert listener.connections() == 0


def test_shapes_file_is_checked_before_rdflib_parses_it(tmp_path: Path, listener: Listener) -> None:
    from kg.views.validate import validate

    data = tmp_path / "g.trig"
    from kg.store import write_quads

    write_quads(doc_quads(make_extraction())[1], data)
    cases = {
        "bomb.rdf": rdfxml_bomb(),
        "remote.jsonld": json.dumps(
            {"@context": listener.url + "/ctx", "@id": "http://x/a"}
        ).encode(),
        "deep.ttl": (
            "@prefix : <http://x/> . :a :p " + "[ :p " * 2000 + ":b" + " ]" * 2000 + " ."
        ).encode(),
    }
    for name, content in cases.items():
        shapes = tmp_path / name
        shapes.write_bytes(content)
        with open_graph(graph_file=str(data)) as source, pytest.raises(errors.InputError):
            validate(source, shapes=str(shapes))
    assert listener.connections() == 0


def test_remote_jsonld_context_in_a_graph_file_is_not_fetched(
    tmp_path: Path, listener: Listener
) -> None:
    f = tmp_path / "remote.jsonld"
    f.write_text(json.dumps({"@context": listener.url + "/ctx", "@id": "http://x/a", "n": 1}))
    with pytest.raises(errors.InputError):
        open_graph(graph_file=str(f))
    assert listener.connections() == 0


def test_deeply_nested_turtle_is_loaded_or_refused_never_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "deep.ttl"
    f.write_text(
        "@prefix : <http://x/> . :a :p " + "[ :p " * 100_000 + ":b" + " ]" * 100_000 + " ."
    )
    proc = run_kg(
        "query", "--graph", str(f), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"
    )
    assert proc.returncode in (0, 2), proc.stderr[-400:]
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    if proc.returncode == 0:
        assert proc.stdout.splitlines()[1] == "100001"


# ---------------------------------------------------------------- articles: feeds, pages, archives


def _ingest(paths: list[str]) -> tuple[list[object], list[DocumentStatus]]:
    from kg.ingest import iter_documents

    statuses: list[DocumentStatus] = []
    docs = list(iter_documents(paths, on_skip=statuses.append))
    return docs, statuses


def test_rss_bomb_and_xxe_fail_with_a_reason_and_the_batch_goes_on(
    tmp_path: Path,
    listener: Listener,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.rss").write_bytes(rss("&e9;", "&e9;", laughs(9, "rss")))
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">'
        f'<!ENTITY y SYSTEM "{listener.url}/e">]>\n'
    )
    (folder / "xxe.rss").write_bytes(rss("&x;", "&y; story", xxe))
    (folder / "deep.rss").write_bytes(rss("Deep", "<b>" * 5000 + "x" + "</b>" * 5000))
    (folder / "good.txt").write_text("The FOES trained with U.S. Special Forces.\n")
    docs, statuses = _ingest([str(folder)])
    assert [Path(d.source).name for d in docs] == ["good.txt"]  # type: ignore[attr-defined]
    by_name = {Path(s.source.split("#")[0]).name: s for s in statuses}
    for name in ("bomb.rss", "xxe.rss"):
        assert by_name[name].status == "failed", by_name[name]
        assert "declares XML entities" in by_name[name].reason
    assert by_name["deep.rss"].status == "failed"
    assert "nested more than" in by_name["deep.rss"].reason
    assert all(SECRET not in d.text for d in docs)  # type: ignore[attr-defined]
    assert listener.connections() == 0


def test_html_with_a_bomb_or_deep_nesting_is_bounded(tmp_path: Path) -> None:
    body = "<p>The FOES trained with U.S. Special Forces in Lima on Tuesday, officials said.</p>"
    (tmp_path / "bomb.html").write_text(
        laughs(9, "html") + f"<html><body><article><h1>&e9;</h1>{body * 3}</article></body></html>"
    )
    (tmp_path / "deep.html").write_text(
        "<html><body>" + "<div>" * 50_000 + body + "</div>" * 50_000
    )
    docs, statuses = _ingest([str(tmp_path)])
    for d in docs:
        assert len(d.text) < 10_000  # type: ignore[attr-defined]  # no expansion
        assert "lollol" not in d.text  # type: ignore[attr-defined]
    assert len(docs) + len(statuses) == 2
    assert all(s.status in ("skipped", "failed") and s.reason for s in statuses)


def test_strings_that_look_like_paths_or_urls_are_content(
    tmp_path: Path, listener: Listener
) -> None:
    from kg.ingest import feeds
    from kg.ingest import html as htmltext

    secret = tmp_path / "secret.rss"
    secret.write_bytes(rss("Secret", SECRET))
    for content in (str(secret), f"{listener.url}/feed.rss", f"file://{secret}"):
        raw = content.encode()
        assert not feeds.is_feed(raw)
        statuses: list[tuple[str, ...]] = []
        items = list(feeds.read_feed(raw, source="x.rss", skip=lambda *a, s=statuses: s.append(a)))
        assert all(SECRET not in i.text for i in items)
        page = htmltext.extract_page(raw)
        assert SECRET not in (page.text or "")
        f = tmp_path / "looks-like-a-path.rss"
        f.write_bytes(raw)
        docs, _ = _ingest([str(f)])
        assert all(SECRET not in d.text for d in docs)  # type: ignore[attr-defined]
    assert listener.connections() == 0


def test_jsonl_with_surrogates_controls_and_deep_nesting(tmp_path: Path) -> None:
    lines = [  # JSON escapes: lone surrogates and controls arrive through json.loads
        r'{"id": "a", "text": "FOES trained \ud800 with\u0000 the \u001b[31mArmy\u0007."}',
        "[" * 100_000 + "]" * 100_000,
        r'{"id": "b", "text": "Lone \udfff surrogate at the end \ud83d"}',
        '{"id": "c", "text": "A clean story about Peru."}',
    ]
    f = tmp_path / "archive.jsonl"
    f.write_text("\n".join(lines), encoding="ascii")
    docs, statuses = _ingest([str(f)])
    assert [d.id.split("-")[0] for d in docs] == ["a", "b", "c"]  # type: ignore[attr-defined]
    for d in docs:
        d.text.encode("utf-8")  # type: ignore[attr-defined]  # no lone surrogate survives
        assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in d.text)  # type: ignore[attr-defined]
    assert [(s.source.rsplit(":", 1)[1], s.status) for s in statuses] == [("2", "failed")]


# ---------------------------------------------------------------- bad files in a folder, kg build


def test_huge_file_gets_a_status_and_the_batch_goes_on(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("w", encoding="utf-8") as fh:
        line = "The FOES trained with U.S. Special Forces in Lima. " * 20 + "\n"
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line)
    (tmp_path / "small.txt").write_text("A small story about Peru.\n")
    from kg.ingest import iter_documents

    statuses: list[DocumentStatus] = []
    sizes = [
        (Path(d.source).name, len(d.text))
        for d in iter_documents([str(tmp_path)], on_skip=statuses.append)
    ]
    assert ("small.txt", len("A small story about Peru.\n")) in sizes
    assert [Path(s.source).name for s in statuses] == ["huge.txt"]
    assert statuses[0].status in ("skipped", "failed") and "larger than" in statuses[0].reason


BAD_FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 4,
    "latin1.txt": "Caf\u00e9 M\u00fcnchen: the FOES trained with the Army.".encode("latin-1"),
    "utf16.txt": "The FOES trained with the Army in M\u00fcnchen.".encode("utf-16"),
    "truncated.html": b"<html><head><title>Cut</title></head><body><article><p>The FOES trai",
    "truncated.rss": rss("A", "The FOES trained with the Army.")[:60],
    "invalid-utf8.txt": b"The FOES \xff\xfe\xfd trained \xc3 with the Army.",
    "good.txt": b"The FOES trained with U.S. Special Forces in Lima, Peru.\n",
}


@pytest.mark.slow
def test_kg_build_reports_each_bad_file_and_exit_code_says_failed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in BAD_FILES.items():
        (folder / name).write_bytes(data)
    store = tmp_path / "s"
    with open_store(str(store)) as s:
        s.replace_document(*doc_quads(make_extraction("already-there")))
        before = len(s)
    proc = run_kg("build", str(folder), "--store", str(store), timeout=300)
    assert "Traceback" not in proc.stderr
    lines = {
        ln.split("] ", 1)[1].split(":", 1)[0].rsplit("/", 1)[-1]: ln.split("]")[0].strip(" [")
        for ln in proc.stderr.splitlines()
        if ln.strip().startswith("[")
    }
    assert lines["good.txt"] == "ok" and lines["latin1.txt"] == "ok" and lines["utf16.txt"] == "ok"
    assert lines["empty.txt"] == "skipped" and lines["binary.txt"] == "skipped"
    assert lines["truncated.rss"] == "failed"
    assert set(lines) == set(BAD_FILES)  # every input has its own status line
    assert proc.returncode == 1  # something failed
    with open_graph(store=str(store)) as s:
        assert len(s) > before  # the good ones were added, the old document kept
    # Only skipped inputs (nothing failed): exit 0.
    ok_folder = tmp_path / "ok"
    ok_folder.mkdir()
    (ok_folder / "empty.txt").write_bytes(b"")
    (ok_folder / "good.txt").write_bytes(BAD_FILES["good.txt"])
    proc = run_kg("build", str(ok_folder), "--store", str(store), timeout=300)
    assert proc.returncode == 0, proc.stderr[-400:]
