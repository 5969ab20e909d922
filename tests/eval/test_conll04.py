"""CoNLL04 benchmark: strict scorer, file layout, learners, and a small end-to-end run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import errors
from kg.cli import main
from kg.eval import conll04
from kg.extract.conll04 import SIGNATURES
from kg.extract.conll04.features import pair_features
from kg.extract.conll04.model import Conll04Model

SHARED = Path(__file__).resolve().parents[3] / "shared" / "conll04"
DEV = SHARED / "conll04_dev.json"


def sent(
    entities: list[tuple[str, int, int]], relations: list[tuple[str, int, int]], n: int = 10
) -> dict:
    """A hand-made sentence of ``n`` placeholder tokens."""
    return {
        "tokens": [f"t{i}" for i in range(n)],
        "entities": [{"type": t, "start": s, "end": e} for t, s, e in entities],
        "relations": [{"type": t, "head": h, "tail": x} for t, h, x in relations],
    }


GOLD = sent([("Peop", 0, 2), ("Org", 4, 5), ("Loc", 7, 8)], [("Work_For", 0, 1), ("Live_In", 0, 2)])


# ---------------------------------------------------------------- strict scorer


def test_perfect_prediction_scores_one() -> None:
    s = conll04.score([GOLD], [GOLD])
    assert (s.relations.precision, s.relations.recall, s.relations.f1) == (1.0, 1.0, 1.0)
    assert s.entities.tp == 3 and s.entities.fp == 0 and s.entities.fn == 0


def test_wrong_boundary_fails_entity_and_its_relations() -> None:
    # the person ends one token early: the entity and both of its relations are wrong
    pred = sent(
        [("Peop", 0, 1), ("Org", 4, 5), ("Loc", 7, 8)], [("Work_For", 0, 1), ("Live_In", 0, 2)]
    )
    s = conll04.score([GOLD], [pred])
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (2, 1, 1)
    assert (s.relations.tp, s.relations.fp, s.relations.fn) == (0, 2, 2)
    assert s.relations.f1 == 0.0


def test_wrong_entity_type_fails_the_relation() -> None:
    pred = sent(
        [("Peop", 0, 2), ("Loc", 4, 5), ("Loc", 7, 8)], [("Live_In", 0, 1), ("Live_In", 0, 2)]
    )
    s = conll04.score([GOLD], [pred])
    assert (s.relations.tp, s.relations.fp, s.relations.fn) == (1, 1, 1)
    assert s.relations.precision == 0.5 and s.relations.recall == 0.5
    assert s.per_relation["Work_For"].fn == 1
    assert s.per_relation["Live_In"].tp == 1 and s.per_relation["Live_In"].fp == 1


def test_micro_average_over_sentences() -> None:
    # sentence 1: 2 of 2 right; sentence 2: 1 predicted, wrong direction, 1 missed
    other = sent([("Loc", 0, 1), ("Loc", 2, 3)], [("Located_In", 0, 1)])
    reversed_rel = sent([("Loc", 0, 1), ("Loc", 2, 3)], [("Located_In", 1, 0)])
    s = conll04.score([GOLD, other], [GOLD, reversed_rel])
    assert (s.relations.tp, s.relations.fp, s.relations.fn) == (2, 1, 1)
    assert s.relations.precision == pytest.approx(2 / 3)
    assert s.relations.recall == pytest.approx(2 / 3)
    assert s.relations.f1 == pytest.approx(2 / 3)


def test_empty_prediction_has_zero_scores_not_an_error() -> None:
    s = conll04.score([GOLD], [sent([], [])])
    assert s.relations.precision == 0.0 and s.relations.recall == 0.0 and s.relations.f1 == 0.0


def test_score_refuses_different_lengths() -> None:
    with pytest.raises(errors.InputError, match="same file"):
        conll04.score([GOLD], [])


def test_table_names_the_ontology_properties() -> None:
    table = conll04.format_scores(conll04.score([GOLD], [GOLD]))
    for prop in ("worksFor", "basedIn", "locatedIn", "livesIn", "killed"):
        assert prop in table
    assert "strict relation micro F1 1.0000" in table


# ---------------------------------------------------------------- file layout


def test_predictions_round_trip(tmp_path: Path) -> None:
    data = [GOLD | {"orig_id": 7}, sent([], [], n=3) | {"orig_id": 8}]
    out = tmp_path / "sub" / "pred.json"
    conll04.write_predictions(out, data)
    assert json.loads(out.read_text(encoding="utf-8")) == data
    assert conll04.load_split(out) == data


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(errors.InputError) as info:
        conll04.load_split(path)
    assert info.value.message == (
        f"CoNLL04 file not found: {path}. Give a split in SpERT's JSON layout, "
        "e.g. ../shared/conll04/conll04_dev.json."
    )


def test_entity_outside_tokens_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([sent([("Peop", 8, 12)], [])]), encoding="utf-8")
    with pytest.raises(errors.InputError, match="sentence 0 has an entity outside its tokens"):
        conll04.load_split(path)


def test_not_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(errors.InputError, match="invalid CoNLL04 file"):
        conll04.load_split(path)


def test_cli_missing_file_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "conll04", str(tmp_path / "x.json")]) == 2
    assert "error: CoNLL04 file not found" in capsys.readouterr().err


def test_cli_news_eval_still_needs_gold(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "article.txt"]) == 2
    assert "--gold" in capsys.readouterr().err


# ---------------------------------------------------------------- with the spaCy model


@pytest.mark.slow
def test_pair_features_see_the_words_between_and_the_path() -> None:
    words = ["John", "Smith", "works", "for", "Acme", "Corp", "."]
    docs = conll04.parse([{"tokens": words}])
    ents = [(0, 2, "Peop"), (4, 6, "Org")]
    feats = pair_features(docs[0], ents[0], ents[1], ents)
    assert "Work_For:bw=work" in feats
    assert "Work_For:order=ht" in feats
    assert any(f.startswith("Work_For:dpath=") for f in feats)


@pytest.mark.slow
@pytest.mark.shared
def test_end_to_end_on_first_dev_sentences(tmp_path: Path) -> None:
    if not DEV.is_file():
        pytest.skip(f"CoNLL04 dev split not found at {DEV} (../shared is absent)")
    first = json.loads(DEV.read_text(encoding="utf-8"))[:20]
    small = tmp_path / "dev20.json"
    small.write_text(json.dumps(first), encoding="utf-8")
    out = tmp_path / "pred.json"
    assert main(["eval", "conll04", str(small), "--predictions", str(out)]) == 0
    pred = json.loads(out.read_text(encoding="utf-8"))
    assert len(pred) == len(first)
    for g, p in zip(first, pred, strict=True):
        assert set(p) == {"tokens", "entities", "relations", "orig_id"}
        assert p["tokens"] == g["tokens"] and p["orig_id"] == g["orig_id"]
        for e in p["entities"]:
            assert set(e) == {"type", "start", "end"}
            assert e["type"] in conll04.ENTITY_TYPES
            assert 0 <= e["start"] < e["end"] <= len(p["tokens"])
        for r in p["relations"]:
            assert set(r) == {"type", "head", "tail"}
            head, tail = p["entities"][r["head"]], p["entities"][r["tail"]]
            assert SIGNATURES[(head["type"], tail["type"])] == r["type"]


def test_unwritable_predictions_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError) as info:
        conll04.write_predictions(tmp_path, [GOLD])  # a folder, not a file
    assert info.value.message.startswith(f"cannot write predictions to {tmp_path}: ")


@pytest.mark.slow
@pytest.mark.shared
def test_training_writes_models_that_load_and_predict(tmp_path: Path) -> None:
    train = SHARED / "conll04_train.json"
    if not train.is_file():
        pytest.skip(f"CoNLL04 train split not found at {train} (../shared is absent)")
    small = tmp_path / "train40.json"
    small.write_text(json.dumps(json.loads(train.read_text(encoding="utf-8"))[:40]), "utf-8")
    assert conll04.main(["train", str(small), str(tmp_path / "models")]) == 0
    model = Conll04Model.load(tmp_path / "models")
    assert model.relations.info["trained_on"] == "train40.json"
    assert model.relations.info["sentences"] == 40
    assert "B-Peop" in model.tagger.labels and len(model.relations.features) > 0
    first = conll04.load_split(small)
    docs = conll04.parse(first)
    pred = [model.predict(s, doc) for s, doc in zip(first, docs, strict=True)]
    # trained on these very sentences: most of their entities come back
    assert conll04.score(first, pred).entities.f1 > 0.8


@pytest.mark.slow
@pytest.mark.shared
def test_cross_validation_on_a_small_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = SHARED / "conll04_train.json"
    if not train.is_file():
        pytest.skip(f"CoNLL04 train split not found at {train} (../shared is absent)")
    small = tmp_path / "train30.json"
    small.write_text(json.dumps(json.loads(train.read_text(encoding="utf-8"))[:30]), "utf-8")
    assert (
        conll04.main(["cv", str(small), "--folds", "3", "--c2", "0.2", "--threshold", "0.6"]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith(f"3-fold cross-validation on {small}\n")
    assert "(30 sentences)" in out


def test_cross_validation_needs_as_many_sentences_as_folds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = tmp_path / "two.json"
    small.write_text(json.dumps([GOLD, GOLD]), "utf-8")
    assert conll04.main(["cv", str(small)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot cross-validate 2 sentences of {small} in 5 folds. "
        "Give a split with at least as many sentences as folds.\n"
    )


def test_calibration_table_compares_probability_and_outcome() -> None:
    pairs = [(0.05, 0), (0.15, 0), (0.12, 1), (0.95, 1), (1.0, 1), (0.91, 0)]
    table = conll04.format_calibration(pairs)
    lines = table.splitlines()
    assert lines[1].split() == ["bin", "pairs", "mean", "p", "related"]
    assert lines[2].split() == ["0.0-0.1", "1", "0.050", "0.000"]
    assert lines[3].split() == ["0.1-0.2", "2", "0.135", "0.500"]
    assert lines[4].split() == ["0.9-1.0", "3", "0.953", "0.667"]
    # (|0.05-0| + 2 |0.135-0.5| + 3 |0.9533-0.6667|) / 6 = 1.64 / 6
    assert lines[5].startswith("expected calibration error 0.2733   Brier score ")
    assert lines[5].endswith("(6 pairs)")


def test_module_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["train", "--help"], ["cv", "--help"], ["eval", "--help"]):
        with pytest.raises(SystemExit) as done:
            conll04.main(argv)
        assert done.value.code == 0
        assert "usage: python -m kg.eval.conll04" in capsys.readouterr().out


def test_cv_command_passes_the_entity_folds_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[conll04.Settings] = []

    def fake_cv(_path: str, _folds: int, settings: conll04.Settings, progress: object = None):  # type: ignore[no-untyped-def]
        seen.append(settings)
        return conll04.CrossValidation(conll04.score([GOLD], [GOLD]), [])

    monkeypatch.setattr(conll04, "cross_validate", fake_cv)
    split = str(tmp_path / "train.json")
    assert conll04.main(["cv", split]) == 0
    assert conll04.main(["cv", split, "--entity-folds", "0", "--threshold", "0.5"]) == 0
    assert [(s.entity_folds, s.threshold) for s in seen] == [(5, 0.35), (0, 0.5)]
    assert "(1 sentences)" in capsys.readouterr().out
