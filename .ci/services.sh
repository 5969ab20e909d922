#!/usr/bin/env bash
# Services the tests need, sourced by .ci/run before pytest (so the export below reaches pytest).
# A real SPARQL 1.1 server for the remote-store suite: `oxigraph serve` (PyPI package "oxigraph",
# a binary wheel) on 127.0.0.1 with an empty store in a temporary folder. tests/test_store_kit.py
# uses $KG_TEST_SPARQL_URL; without it the tests start their own server, or skip with a reason.

python -m pip install -q "oxigraph>=0.4" "SPARQLWrapper>=2.0" "pandas>=2.1"

if command -v oxigraph >/dev/null 2>&1; then
  kg_ox_dir="$(mktemp -d)"
  kg_ox_port="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  oxigraph serve --location "$kg_ox_dir/db" --bind "127.0.0.1:$kg_ox_port" >"$kg_ox_dir/server.log" 2>&1 &
  kg_ox_pid=$!
  if python - "$kg_ox_port" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/query?query=ASK%7B%7D"
for _ in range(150):
    try:
        urllib.request.urlopen(url, timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PY
  then
    export KG_TEST_SPARQL_URL="sparql+http://127.0.0.1:$kg_ox_port"
    echo "oxigraph serve (pid $kg_ox_pid) at $KG_TEST_SPARQL_URL"
  else
    echo "oxigraph serve did not start; the remote store tests will start their own or skip" >&2
    cat "$kg_ox_dir/server.log" >&2 || true
    kill "$kg_ox_pid" 2>/dev/null || true
  fi
else
  echo "oxigraph is not on PATH; the remote store tests will be skipped" >&2
fi
