"""What an undefined step probably meant: the closest wordings the step definitions allow.

A sentence and a wording are compared on the words around their values: quoted text, numbers
and names differ from one use to the next ("Bob deletes the "Desk lamp"" and "Alice removes the
"Oak shelf"" are worded alike), and a wording's placeholders, alternatives (`a/an`) and optional
text (`(s)`) stand for any such value. Each wording is compared in that form and through the real
sentences of the features it already matches, and the best of those counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import pytest
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.parser import Step
from pytest_bdd.parsers import StepParser
from pytest_bdd.steps import step_function_context_registry

from pytest_bdd_livingdoc import catalogue, options

VALUE = "\u2026"  # what any value reads as once normalised
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][a-z]+\b")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|<[^<>]*>")
_ALTERNATIVE = re.compile(r"(\w+)(?:/\w+)+")
_OPTIONAL = re.compile(r"\([^()]*\)")

# Sentences the suggestions quote as examples: every step of the features, read once a session.
_SENTENCES = pytest.StashKey[list[catalogue.FeatureStep]]()
EXAMPLES = 3

# Below this similarity a wording is not worth naming: it shares little but common words.
CUTOFF = 0.6
LIMIT = 3


@dataclass(frozen=True)
class Suggestion:
    wording: str
    example: str | None
    score: float

    def __str__(self) -> str:
        if self.example is None:
            return self.wording
        return f"{self.wording}  (e.g. {self.example!r})"


def sentence_form(text: str) -> str:
    text = _QUOTED.sub(VALUE, text)
    text = _NUMBER.sub(VALUE, text)
    return _NAME.sub(VALUE, text)


def wording_form(wording: str) -> str:
    text = _PLACEHOLDER.sub(VALUE, wording)
    text = _OPTIONAL.sub("", text)
    return sentence_form(_ALTERNATIVE.sub(r"\1", text))


def similarity(first: str, second: str) -> float:
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def closest(
    text: str,
    wordings: Mapping[str, Sequence[str]],
    *,
    limit: int = LIMIT,
    cutoff: float = CUTOFF,
) -> list[Suggestion]:
    """The wordings most like `text`, best first; `wordings` maps each to sentences it matches."""
    sentence = sentence_form(text)
    found = []
    for wording, examples in wordings.items():
        scored: Iterable[tuple[float, str | None]] = [
            (similarity(sentence, wording_form(wording)), None),
            *((similarity(sentence, sentence_form(example)), example) for example in examples),
        ]
        score, _ = max(scored, key=lambda pair: pair[0])
        if score >= cutoff:
            example = examples[0] if examples else None
            found.append(Suggestion(wording, example, score))
    found.sort(key=lambda suggestion: (-suggestion.score, suggestion.wording))
    return found[:limit]


def _visible_parsers(request: pytest.FixtureRequest, step_type: str) -> Iterator[StepParser]:
    """The parsers of the step definitions this test can see, for steps of `step_type`.

    Walked as pytest-bdd walks them to look a step up (its compat functions).
    """
    manager = request._fixturemanager
    for name in get_fixture_names(manager):
        for fixturedef in getfixturedefs(manager, name, request.node) or []:
            context = step_function_context_registry.get(fixturedef.func)
            if context is not None and context.type in (None, step_type):
                yield context.parser


def _sentences(config: pytest.Config) -> list[catalogue.FeatureStep]:
    if _SENTENCES not in config.stash:
        files = catalogue.feature_files(options.features_dir(config))
        config.stash[_SENTENCES] = catalogue.feature_steps(files, config.rootpath)
    return config.stash[_SENTENCES]


def suggestions_for(request: pytest.FixtureRequest, step: Step) -> list[Suggestion]:
    """The wordings closest to `step` among the definitions its test can see."""
    sentences = [s.text for s in _sentences(request.config) if s.type == step.type]
    wordings: dict[str, list[str]] = {}
    for parser in _visible_parsers(request, step.type):
        wording = catalogue.wording(parser)
        if wording not in wordings:
            matched = (text for text in sentences if parser.is_matching(text))
            wordings[wording] = list(dict.fromkeys(matched))[:EXAMPLES]
    return closest(step.name, wordings)
