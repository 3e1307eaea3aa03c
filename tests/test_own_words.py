"""The book tells the source review's story in its own words (mrcreview.own_words)."""

import pytest

from helpers import ROOT
from mrcreview.own_words import RUN, main, shared_runs, source_review

SOURCE = "Watch and wait may be offered to patients with a clinical complete response after chemoradiotherapy."


def test_a_run_of_twelve_words_from_the_source_is_found_whole_and_eleven_are_not():
    copied = "As the review puts it, watch and wait may be offered to patients with a clinical complete response."
    assert shared_runs(SOURCE, copied) == [
        "watch and wait may be offered to patients with a clinical complete response"
    ]
    eleven = " ".join(SOURCE.split()[:11]) + " in some centres."
    assert RUN == 12 and shared_runs(SOURCE, eleven) == []
    # case and punctuation do not hide a copy
    assert len(shared_runs(SOURCE, SOURCE.upper().replace(" ", " , "))) == 1


def test_the_command_names_the_file_and_fails_on_a_copied_sentence(tmp_path, monkeypatch, capsys):
    (tmp_path / "book").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "book" / "chapter.md").write_text(f"# A chapter\n\n{SOURCE}\n", encoding="utf-8")
    review = tmp_path / "review.txt"
    review.write_text(f"Some words first. {SOURCE} More after.", encoding="utf-8")
    monkeypatch.setenv("MRCREVIEW_SOURCE_REVIEW", str(review))
    assert main(tmp_path) == 1
    assert "book/chapter.md: 15 words as in the source review" in capsys.readouterr().out


def test_the_command_says_when_the_review_is_not_there(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MRCREVIEW_SOURCE_REVIEW", str(tmp_path / "absent.txt"))
    assert main(tmp_path) == 2
    assert "nothing was compared" in capsys.readouterr().err


def test_no_passage_of_the_book_or_data_is_copied_from_the_source_review(capsys):
    review = source_review(ROOT)
    if not review.is_file():  # a clone checked out alone, as on GitHub's runners: the review is not public
        pytest.skip(f"the source review's text is not beside this clone ({review}); own words not compared")
    assert main(ROOT) == 0, capsys.readouterr().out
