"""Stop words for the languages the text is written in: found, named, or missing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.errors import OptionError
from qualcode.model import Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, StrategyResult
from qualcode.strategies.inductive import InductiveStrategy
from qualcode.strategies.inductive import languages as langs

DIARIES = Path(__file__).resolve().parent / "diaries"
TEXTS = {
    language: (DIARIES / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    for language in ("en", "es", "hu")
}
"""The same three topics in three languages, one sentence a line (see diaries/README.md)."""
ENGLISH, SPANISH, HUNGARIAN = TEXTS["en"], TEXTS["es"], TEXTS["hu"]

FUNCTION_WORDS = {
    "en": {"the", "a", "and", "that", "in", "for", "with", "my", "was", "is", "it", "me"},
    "es": {"el", "la", "los", "del", "de", "que", "en", "con", "mis", "para", "a", "y", "se"},
    "hu": {"a", "az", "és", "hogy", "nem", "volt", "de", "után", "minden", "nagyon", "alatt"},
}
"""Words that must never name a suggestion, written here, not taken from any stop-word list."""


def diary_project(*texts: str) -> Project:
    project = Project()
    for number, text in enumerate(texts, 1):
        project.add_document(Document(id=f"doc-{number}", name=f"entry {number}", text=text))
    return project


def clusters(project: Project, **options: object) -> StrategyResult:
    return InductiveStrategy().run(
        project, SerialRunner(), method="clusters", clusters=3, min_cluster_size=2, **options
    )


def label_words(result: StrategyResult) -> set[str]:
    """The words that name the suggested groups."""
    words: set[str] = set()
    for code in result.codes:
        if code.name.startswith("Group "):
            words.update(w.strip() for w in code.name.partition(": ")[2].split(","))
    return words


@pytest.fixture
def without_the_extra(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if ``qualcode[stopwords]`` were not installed."""
    langs.stop_word_lists.cache_clear()
    monkeypatch.setitem(sys.modules, "stopwordsiso", None)
    yield
    langs.stop_word_lists.cache_clear()


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_the_language_of_a_text_is_found(language: str) -> None:
    lists = langs.stop_word_lists()
    assert langs.detect_languages([" ".join(TEXTS[language])], lists).languages == (language,)


def test_each_document_and_a_document_in_two_languages_is_read() -> None:
    lists = langs.stop_word_lists()
    separate = [" ".join(TEXTS[language]) for language in ("hu", "en", "es")]
    assert set(langs.detect_languages(separate, lists).languages) == {"en", "es", "hu"}
    mixed = " ".join(s for pair in zip(ENGLISH, SPANISH, strict=True) for s in pair)
    assert set(langs.detect_languages([mixed], lists).languages) == {"en", "es"}


def test_one_word_shared_with_another_language_is_no_second_language() -> None:
    text = "The van came at nine. The van was full. We cleaned the van and drove home."
    assert langs.detect_languages([text], langs.stop_word_lists()).languages == ("en",)


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_groups_are_not_named_after_function_words(language: str) -> None:
    project = diary_project(" ".join(TEXTS[language]))
    result = clusters(project)
    words = label_words(result)
    assert words, "no group suggested"
    assert not words & FUNCTION_WORDS[language]
    (source,) = {c.provenance.parameters["stop_words"] for c in result.codings}
    assert "Stopwords ISO" in source
    assert {c.provenance.parameters["languages"] for c in result.codings} == {language}


def test_a_corpus_in_three_languages_uses_the_stop_words_of_all_three() -> None:
    project = diary_project(*(" ".join(TEXTS[language]) for language in ("en", "es", "hu")))
    result = InductiveStrategy().run(
        project, SerialRunner(), method="clusters", clusters=9, min_cluster_size=2
    )
    words = label_words(result)
    assert words
    assert not words & set().union(*FUNCTION_WORDS.values())
    (languages,) = {c.provenance.parameters["languages"] for c in result.codings}
    assert set(languages.split(",")) == {"en", "es", "hu"}


def test_languages_can_be_named_and_words_kept() -> None:
    project = diary_project(" ".join(HUNGARIAN))
    named = clusters(project, languages="hu")
    assert {c.provenance.parameters["languages"] for c in named.codings} == {"hu"}
    assert not label_words(named) & FUNCTION_WORDS["hu"]
    english = diary_project(" ".join(ENGLISH))
    assert "group" in langs.stop_word_lists().words["en"]  # the list is that broad
    kept = clusters(english, keep_words="group")
    assert "group" in label_words(kept)
    assert "group" not in label_words(clusters(english))


def test_a_language_without_a_list_is_one_clear_error() -> None:
    project = diary_project(" ".join(ENGLISH))
    with pytest.raises(OptionError, match=r"no stop words for the language.*xx"):
        clusters(project, languages="en,xx")


def test_without_the_extra_english_still_works(without_the_extra: None) -> None:
    lists = langs.stop_word_lists()
    assert lists.source == "built-in"
    result = clusters(diary_project(" ".join(ENGLISH)))
    assert not label_words(result) & FUNCTION_WORDS["en"]
    assert {c.provenance.parameters["stop_words"] for c in result.codings} == {"built-in"}


def test_without_the_extra_other_languages_say_what_to_install(without_the_extra: None) -> None:
    with pytest.raises(OptionError, match=r"qualcode\[stopwords\]"):
        clusters(diary_project(" ".join(HUNGARIAN)))
    with pytest.raises(OptionError, match=r"qualcode\[stopwords\]"):
        clusters(diary_project(" ".join(HUNGARIAN)), languages="hu")
    # with their own stop words instead, it runs
    own = ",".join(FUNCTION_WORDS["hu"])
    result = clusters(diary_project(" ".join(HUNGARIAN)), stop_words=False, extra_stop_words=own)
    assert not label_words(result) & FUNCTION_WORDS["hu"]


def test_text_in_no_known_language_is_noted_but_chinese_is_not() -> None:
    made_up = " ".join(
        f"{a}{b}{c}." for a in ("ka", "lo", "mi") for b in ("ru", "sa") for c in "xyz"
    )
    english = " ".join(ENGLISH)
    result = clusters(diary_project(english, made_up * 3))
    (note,) = [w for w in result.warnings if "could not tell the language of" in w]
    assert "languages=" in note
    alone = clusters(diary_project(made_up * 3, made_up * 2), min_words=1)
    assert any("could not tell which language" in w for w in alone.warnings)
    chinese = "我们做汤要放盐。汤里放盐和胡椒。先尝汤再放盐。前锋踢进一个进球。比赛最后的进球。"
    quiet = clusters(diary_project(chinese, chinese), min_words=2)
    assert not any("could not tell" in w for w in quiet.warnings)
    assert not any("could not tell" in w for w in clusters(diary_project(english)).warnings)


def test_words_given_are_spelt_as_the_text_is_read() -> None:
    decomposed = "kezele\u0301s"  # kezelés with a combining accent
    project = diary_project(" ".join(HUNGARIAN))
    assert "kezelés" in label_words(clusters(project))
    assert "kezelés" not in label_words(clusters(project, extra_stop_words=decomposed.upper()))
