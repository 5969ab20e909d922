"""Data loaders, a small training run and cross-validation on the project's own sample
articles (``data/``: our own writing with gold files), so CI exercises the training code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg import errors
from kg.eval.training import find_annotated

DATA = Path(__file__).resolve().parents[2] / "data"


def _sample(tmp_path: Path, names: list[str]) -> Path:
    (tmp_path / "gold").mkdir()
    (tmp_path / "articles").mkdir()
    for n in names:
        shutil.copy(DATA / "gold" / f"{n}.json", tmp_path / "gold")
        shutil.copy(DATA / "articles" / f"{n}.txt", tmp_path / "articles")
    return tmp_path


NAMES = [p.stem for p in sorted((DATA / "gold").glob("*.json"))]


def test_annotated_articles_are_paired_by_the_name_the_gold_gives(tmp_path: Path) -> None:
    folder = _sample(tmp_path, NAMES[:2])
    items = find_annotated([str(folder)])
    assert [a.document.id for a in items] == NAMES[:2]
    assert all(a.gold.triples for a in items)


def test_an_article_that_changed_since_it_was_annotated_is_refused(tmp_path: Path) -> None:
    folder = _sample(tmp_path, NAMES[:1])
    article = folder / "articles" / f"{NAMES[0]}.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.", "utf-8")
    with pytest.raises(errors.InputError) as err:
        find_annotated([str(folder)])
    assert "text_sha256 does not match" in str(err.value)
    assert str(article) in str(err.value)


def test_a_gold_file_without_its_article_is_refused(tmp_path: Path) -> None:
    folder = _sample(tmp_path, NAMES[:1])
    (folder / "articles" / f"{NAMES[0]}.txt").unlink()
    with pytest.raises(errors.InputError) as err:
        find_annotated([str(folder)])
    assert "was not found" in str(err.value)


def test_a_folder_without_annotations_says_what_is_expected(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError) as err:
        find_annotated([str(tmp_path)])
    assert str(err.value) == (
        f"no annotated articles found in {tmp_path}. Give folders that hold gold/*.json files "
        "and the articles they name (in articles/ or beside them), e.g. ../shared/train."
    )


@pytest.mark.slow
def test_a_small_training_run_gives_models_the_extractor_uses(tmp_path: Path, nlp) -> None:
    from kg.eval.training import parse_all, save_models, train_models
    from kg.extract.extractor import extract_document
    from kg.extract.model import load_models

    parsed = parse_all(find_annotated([str(_sample(tmp_path, NAMES[:5]))]), nlp)
    models = train_models(parsed)
    assert models.relations is not None and models.relations.properties
    save_models(models, tmp_path / "m.json")
    loaded = load_models(tmp_path / "m.json")
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data["relations"]["info"]["articles"] == [p.item.document.source for p in parsed]
    ex = extract_document(parsed[0].doc, parsed[0].item.document, loaded)
    kept = [r for r in ex.relations if not r.literal]
    assert kept, "the trained model keeps facts of an article it was trained on"
    assert all(r.evidence.rule.startswith("model.v1") for r in kept)
    assert all(0.0 < r.evidence.confidence <= 1.0 for r in kept)


@pytest.mark.slow
def test_kg_eval_cv_reports_each_fold_and_the_rules_alone(tmp_path: Path, nlp, capsys) -> None:
    from kg.cli import main

    folder = _sample(tmp_path, NAMES[:4])
    assert main(["eval", "--cv", "2", "--rules-only", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2-fold cross-validation over 4 articles")
    assert "fold 1 (2 articles)" in out and "fold 2 (2 articles)" in out
    assert "macro F1 (over" in out


@pytest.mark.slow
def test_kg_train_writes_a_model_kg_build_uses(tmp_path: Path, capsys, monkeypatch) -> None:
    from kg.cli import main

    folder = _sample(tmp_path, NAMES[:3])
    model = tmp_path / "out" / "model.json"
    assert main(["train", str(folder), "--out", str(model)]) == 0
    data = json.loads(model.read_text(encoding="utf-8"))
    assert data["format"] == "kg-model/1"
    assert len(data["relations"]["info"]["articles"]) == 3
    monkeypatch.setenv("KG_MODEL", str(model))
    article = sorted((folder / "articles").glob("*.txt"))[0]
    assert main(["build", str(article), "-o", str(tmp_path / "g.trig")]) == 0
    assert "model.v1" in (tmp_path / "g.trig").read_text(encoding="utf-8")


def test_kg_eval_cv_refuses_more_folds_than_articles(tmp_path: Path, nlp, capsys) -> None:
    from kg.cli import main

    folder = _sample(tmp_path, NAMES[:2])
    assert main(["eval", "--cv", "5", str(folder)]) == 2
    assert "--cv must be between 2 and 2 (the number of articles); got 5." in (
        capsys.readouterr().err
    )


def test_cross_validation_names_its_parameter_in_the_library() -> None:
    from kg.eval.cv import cross_validate

    with pytest.raises(errors.ArgumentError) as err:
        cross_validate([], k=3)
    assert str(err.value) == "k must be between 2 and 0 (the number of articles); got 3."


def test_scoring_without_gold_files_names_the_parameter() -> None:
    from kg.eval.gold import evaluate_files

    with pytest.raises(errors.ArgumentError) as err:
        evaluate_files([], [])
    assert str(err.value) == (
        "no gold file found: give gold_paths gold files (.json), folders or globs."
    )


def test_thresholds_keep_a_rules_fact_below_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of fold, the rules' facts of this property are wrong more often than right: the F1-best
    choice drops them (a threshold above the rules' scores), unless ``MAX_RULED_THRESHOLD`` caps
    the threshold a rule's fact may be given."""
    from collections import Counter

    from kg.eval import training

    # (probability, right?, a rule stated it): two right rule facts scored high, three wrong
    # ones scored low, one right fact no rule stated
    scored = {
        "trainsWith": [(0.9, 1, True), (0.8, 1, True), (0.2, 0, True), (0.15, 0, True)]
        + [(0.1, 0, True), (0.7, 1, False)]
    }
    gold = Counter({"trainsWith": 3})
    monkeypatch.setattr(training, "MIN_POSITIVES_OWN_THRESHOLD", 1)
    monkeypatch.setattr(training, "MIN_NEW_FACTS", 1)  # the one right fact no rule stated
    ruled, new = training.choose_thresholds(scored, gold)["trainsWith"]
    assert 0.2 < ruled <= 0.8 and new <= 0.7
    monkeypatch.setattr(training, "MAX_RULED_THRESHOLD", 0.0)
    ruled, new = training.choose_thresholds(scored, gold)["trainsWith"]
    assert ruled == 0.0 and new <= 0.7


def test_a_property_with_few_examples_adds_no_fact_no_rule_stated() -> None:
    """The pooled thresholds would let "authorizes" keep a fact no rule stated at 0.9; with so
    few training positives it keeps only the rules' facts (and needs no candidates beyond
    them), while the well-populated property keeps its own choice."""
    from collections import Counter

    from kg.eval import training

    many = [(0.9, 1, False)] * 20 + [(0.3, 0, False)] * 20 + [(0.8, 1, True)] * 5
    few = [(0.95, 1, False), (0.8, 1, True), (0.1, 0, True)]
    scored = {"trainsWith": many, "authorizes": few}
    gold = Counter({"trainsWith": 25, "authorizes": 2})
    thresholds = training.choose_thresholds(scored, gold)
    assert thresholds["trainsWith"][1] <= 0.9  # adds what the model finds
    ruled, new = thresholds["authorizes"]
    assert new > 1.0 and ruled <= 0.8  # NEVER


def test_a_lone_peak_of_the_threshold_curve_loses_to_a_broad_one() -> None:
    """F1 on the threshold grid, smoothed over each pair's neighbours: a single grid step that
    scores best (the noise of a few articles) loses to a plateau that is nearly as good."""
    from kg.eval import training

    grid = training.THRESHOLDS
    curve = {(a, b): 0.0 for a in grid for b in grid if b >= a}
    curve[(0.5, 0.5)] = 0.9  # a spike
    for a in (0.1, 0.15, 0.2):
        for b in (0.6, 0.65, 0.7):
            curve[(a, b)] = 0.8  # a plateau
    smoothed = training._smoothed(curve)
    assert max(curve, key=lambda p: curve[p]) == (0.5, 0.5)
    assert max(smoothed, key=lambda p: smoothed[p]) == (0.15, 0.65)


def test_a_threshold_that_adds_few_right_facts_adds_none() -> None:
    """Three right facts no rule stated, out of fold, do not pay for making every pair of the
    right classes a candidate; thirty do."""
    from collections import Counter

    from kg.eval import training

    ruled = [(0.8, 1, True)] * 20 + [(0.2, 0, True)] * 5
    few = {"locatedIn": ruled + [(0.97, 1, False)] * 3 + [(0.1, 0, False)] * 50}
    many = {"locatedIn": ruled + [(0.97, 1, False)] * 30 + [(0.1, 0, False)] * 50}
    gold = Counter({"locatedIn": 60})
    assert training.choose_thresholds(few, gold)["locatedIn"][1] == training.NEVER
    assert training.choose_thresholds(many, gold)["locatedIn"][1] <= 0.95
