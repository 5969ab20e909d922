#!/usr/bin/env bash
# The quick start from the built wheel in a fresh virtualenv, run outside the source tree: a
# non-editable install must find its ontology, shapes, saved queries, lexicons and models (issue 12).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m pip wheel -q --no-deps -w "$work/dist" "$repo"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q -U pip  # as the README says (extras read right)
"$work/venv/bin/pip" install -q "$work"/dist/kg-*.whl

cd "$work"  # not the repository: only the installed wheel can answer
"$work/venv/bin/kg" build "$repo/data/articles" -o out/graph.trig --html out/graph.html | tee build.txt
facts="$(sed -n 's/.* entities, \([0-9]*\) facts.*/\1/p' build.txt | tail -1)"
if [ "${facts:-0}" -lt 100 ]; then
  echo "wheel quick start: only ${facts:-0} facts from the sample articles" >&2
  exit 1
fi
"$work/venv/bin/kg" validate --graph out/graph.trig
"$work/venv/bin/kg" query --graph out/graph.trig units-training-with-us --format csv | tee query.txt
if [ "$(wc -l < query.txt)" -lt 2 ]; then
  echo "wheel quick start: the saved query units-training-with-us answered nothing" >&2
  exit 1
fi
echo "wheel quick start: ok ($facts facts)"
