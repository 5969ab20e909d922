"""kg eval takes folders and globs, and pairs each gold file with its article (issue 12, item 7).

Before: ``kg eval --gold data/gold/*.json data/articles/*.txt`` failed ("1 gold files for 19
articles": the shell gives --gold one file, the rest become articles), and a gold file paired
with the wrong article scored 0.000 without a word, although the gold names its document and
the sha256 of its text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import errors
from kg.cli import main
from kg.eval.gold import expand_paths, load_gold, pair_gold, read_article, split_inputs

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "data" / "gold"
ARTICLES = ROOT / "data" / "articles"
FIRST, SECOND = "01-colombia-us-riverine-drills", "02-ecuador-assembly-authorizes-training"


def _gold(stem: str) -> str:
    return str(GOLD / f"{stem}.json")


def _article(stem: str) -> str:
    return str(ARTICLES / f"{stem}.txt")


@pytest.mark.slow
def test_the_shell_expanded_command_of_the_issue_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """``--gold data/gold/0[12]*.json data/articles/0[12]*.txt`` as the shell passes it."""
    argv = ["eval", "--gold", _gold(FIRST), _gold(SECOND), _article(FIRST), _article(SECOND)]
    assert main(argv) == 0
    in_order = capsys.readouterr().out
    # the same report whatever the order: pairs come from the gold files, not positions
    argv = ["eval", "--gold", _gold(SECOND), _gold(FIRST), _article(FIRST), _article(SECOND)]
    assert main(argv) == 0
    assert capsys.readouterr().out == in_order
    assert "micro" in in_order


def test_folders_and_globs_expand() -> None:
    golds, articles = split_inputs([str(GOLD), str(ARTICLES)])
    assert len(expand_paths(golds, ".json")) == 10
    assert len(expand_paths(articles, ".txt")) == 10
    golds, articles = split_inputs([str(GOLD / "0[12]*.json"), str(ARTICLES / "0[12]*.txt")])
    assert expand_paths(golds, ".json") == [_gold(FIRST), _gold(SECOND)]
    assert expand_paths(articles, ".txt") == [_article(FIRST), _article(SECOND)]
    with pytest.raises(errors.InputError, match="input not found"):
        expand_paths([str(GOLD / "nothing-*.json")], ".json")


def test_pairs_by_document_name_in_any_order() -> None:
    golds = [load_gold(_gold(SECOND)), load_gold(_gold(FIRST))]
    docs = [read_article(_article(FIRST)), read_article(_article(SECOND))]
    pairs = pair_gold(golds, docs)
    assert [(Path(g.path).stem, Path(d.source).stem) for g, d in pairs] == [
        (FIRST, FIRST),
        (SECOND, SECOND),
    ]


def test_pairs_a_renamed_article_by_the_sha256_of_its_text(tmp_path: Path) -> None:
    copy = tmp_path / "renamed.txt"
    shutil.copy(_article(FIRST), copy)
    pairs = pair_gold([load_gold(_gold(FIRST))], [read_article(str(copy))])
    assert Path(pairs[0][1].source).name == "renamed.txt"


def test_a_gold_file_with_the_wrong_article_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["eval", "--gold", _gold(FIRST), _article(SECOND)]) == 2
    assert capsys.readouterr().err == (
        f"error: gold file {_gold(FIRST)} is for {FIRST}.txt, which is not among the articles "
        "given. Add that article, or leave the gold file out.\n"
    )


def test_an_article_whose_text_changed_is_refused(tmp_path: Path) -> None:
    changed = tmp_path / f"{FIRST}.txt"
    changed.write_text(Path(_article(FIRST)).read_text(encoding="utf-8") + "\nOne more line.\n")
    gold = load_gold(_gold(FIRST))
    doc = read_article(str(changed))
    with pytest.raises(errors.InputError) as caught:
        pair_gold([gold], [doc])
    assert caught.value.message == (
        f"gold file {_gold(FIRST)} was written for a text with sha256 {gold.text_sha256[:12]}…, "
        f"but {changed} has sha256 {doc.sha256[:12]}…: the article changed or is another one. "
        "Give the article the gold was written for, or update the gold's text_sha256."
    )


def test_an_article_without_gold_is_refused() -> None:
    with pytest.raises(errors.InputError) as caught:
        pair_gold(
            [load_gold(_gold(FIRST))],
            [read_article(_article(FIRST)), read_article(_article(SECOND))],
        )
    assert caught.value.message == (
        f"no gold file for {_article(SECOND)}: no gold names it (document) or its text "
        "(text_sha256). Give its gold file, or leave the article out."
    )
