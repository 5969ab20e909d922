"""``killed`` read by the CoNLL04 relation model over two people of one sentence (issue 11:
rule ``conll04.kill.v1``). Rules alone (``Models()``); hand-written sentences, made-up people."""

from __future__ import annotations

import pytest
from facts_kit import rules_by_pair

from kg.records import Extraction

pytestmark = pytest.mark.slow


def killings(ex: Extraction) -> dict[tuple[str, str], str]:
    return rules_by_pair(ex, "killed")


def test_a_conviction_for_a_murder_is_a_killing_by_the_model(rules_alone) -> None:
    ex = rules_alone("Tomas Ruiz was convicted of the murder of Daniel Ortega.")
    assert killings(ex) == {("Tomas Ruiz", "Daniel Ortega"): "conll04.kill.v1"}


def test_the_killer_of_a_passive_killing_is_the_agent(rules_alone) -> None:
    ex = rules_alone("Daniel Ortega was shot dead by Tomas Ruiz.")
    assert list(killings(ex)) == [("Tomas Ruiz", "Daniel Ortega")]


def test_two_people_who_met_did_not_kill(rules_alone) -> None:
    ex = rules_alone("Tomas Ruiz met Daniel Ortega in Lima.")
    assert killings(ex) == {}


def test_the_shipped_classifier_scores_a_pair_in_the_news_parse(nlp) -> None:
    from kg.extract.conll04.features import pair_features
    from kg.extract.conll04.model import shipped_relations

    doc = nlp("Tomas Ruiz killed Daniel Ortega in 1990.")
    ents = [(0, 2, "Peop"), (3, 5, "Peop")]
    clf = shipped_relations()
    forward, backward = clf.probabilities(
        [pair_features(doc, ents[0], ents[1], ents), pair_features(doc, ents[1], ents[0], ents)]
    )
    assert forward >= clf.threshold > backward


def test_a_build_reads_killings_without_importing_scikit_learn(tmp_path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kg.records import Document\n"
        "from kg.extract import extract_document\n"
        "from kg.run.extraction import load_nlp\n"
        "t = 'Tomas Ruiz killed Daniel Ortega in 1990.'\n"
        "ex = extract_document(load_nlp()(t), Document('t', t, 't.txt'))\n"
        "print(sorted({r.predicate for r in ex.relations}), 'sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("] ")[1].strip() == "False"
    assert "'killed'" in out.stdout
