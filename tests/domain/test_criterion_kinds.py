"""Every criterion kind is described completely, and each description works on a sample.

A kind added to ``CriterionKind`` without a description, or without a sample here, fails the
first test; a description whose template check, computed answer or explanation does not work
for its own sample fails the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from kvtui.domain.criterion_kinds import (
    CRITERION_KINDS,
    AnswerError,
    Basis,
    CriterionKind,
    Entry,
    criterion_kind,
)
from kvtui.domain.templates import Criterion, TemplateError, parse_template
from kvtui.domain.vocabulary import AnswerValue

HEADER = """\
title = "Testmall"
version = "1.0"
law = "SoL (2001:453)"
references_checked = 2026-11-01
sections = []
"""


@dataclass(frozen=True)
class Sample:
    """A criterion of the kind as a template writes it, an answer's basis, and what follows."""

    keys: str  # the kind's own keys, as TOML lines
    basis: Basis
    computed: str
    explained: str
    unusable: Basis | None = None  # a basis the kind must refuse, if it computes anything


SAMPLES: dict[str, Sample] = {
    CriterionKind.JUDGEMENT: Sample("", Basis(), "", ""),
    CriterionKind.DEADLINE: Sample(
        'start_label = "Anmälan inkom"\nend_label = "Utredning inledd"\nlimit_days = 14\n',
        Basis(start=date(2025, 3, 1), end=date(2025, 3, 20)), AnswerValue.NO,
        "2025-03-01 – 2025-03-20: 19 dagar, efter tidsfristen (senast 2025-03-15)",
        unusable=Basis(start=date(2025, 3, 20), end=date(2025, 3, 1))),
    CriterionKind.COUNT: Sample(
        'threshold = 4\nunit_label = "samtal"\n', Basis(number=5), AnswerValue.YES,
        "antal 5 (gräns: minst 4)", unusable=Basis(number=-1)),
}


def _template(kind: str, keys: str) -> str:
    return (HEADER + f'[[criteria]]\ncode = "K1"\nquestion = "Fråga?"\nkind = "{kind}"\n'
            + keys)


def _criterion(kind: str) -> Criterion:
    return parse_template(_template(kind, SAMPLES[kind].keys), "test.toml").criteria[0]


def test_every_kind_is_described_and_has_a_sample() -> None:
    assert set(CRITERION_KINDS) == set(CriterionKind)
    assert set(SAMPLES) == set(CriterionKind)
    for kind, info in CRITERION_KINDS.items():
        assert info.kind == kind
        assert info.label and info.label[0].isupper()
        assert bool(info.enter_hint) == (info.entry is not Entry.NONE)
    labels = [info.label for info in CRITERION_KINDS.values()]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("kind", list(CriterionKind))
def test_a_template_gives_the_kind_its_keys_and_no_other_kind(kind: CriterionKind) -> None:
    criterion = _criterion(kind)
    assert criterion.kind == kind
    for key in CRITERION_KINDS[kind].template_keys:
        value = '"Datum"' if key.endswith("label") else "6"
        with pytest.raises(TemplateError) as refused:
            parse_template(_template("judgement", f"{key} = {value}\n"), "test.toml")
        assert [p.message for p in refused.value.problems] == [
            f"gäller bara typen {kind}, men kriteriet har typen judgement"]


@pytest.mark.parametrize("kind", list(CriterionKind))
def test_a_template_without_the_kinds_keys_is_refused_by_key(kind: CriterionKind) -> None:
    info = CRITERION_KINDS[kind]
    missing = info.template_problems({})
    assert all(key in info.template_keys for key, _message in missing)
    if not missing:
        return
    with pytest.raises(TemplateError) as refused:
        parse_template(_template(kind, ""), "test.toml")
    assert {p.key for p in refused.value.problems} == {f"criteria[1].{key}" for key, _ in missing}


@pytest.mark.parametrize("kind", list(CriterionKind))
def test_another_kinds_keys_are_refused(kind: CriterionKind) -> None:
    for other, sample in SAMPLES.items():
        if other == kind or not sample.keys:
            continue
        with pytest.raises(TemplateError) as refused:
            parse_template(_template(kind, SAMPLES[kind].keys + sample.keys), "test.toml")
        assert any(f"gäller bara typen {other}" in p.message for p in refused.value.problems)


@pytest.mark.parametrize("kind", list(CriterionKind))
def test_the_kind_computes_and_explains_its_sample_answer(kind: CriterionKind) -> None:
    sample = SAMPLES[kind]
    criterion = _criterion(kind)
    info = criterion_kind(criterion.kind)
    basis = info.kept(sample.basis)
    assert basis == sample.basis, "the sample's basis is what the kind stores"
    assert info.computed(criterion, basis) == sample.computed
    assert info.explained(criterion, basis) == sample.explained
    # Nothing typed yet: nothing computed, nothing to explain.
    assert info.computed(criterion, Basis()) == ""
    assert info.explained(criterion, Basis()) == ""
    if sample.unusable is not None:
        with pytest.raises(AnswerError):
            info.computed(criterion, sample.unusable)


@pytest.mark.parametrize("kind", list(CriterionKind))
def test_the_kind_keeps_only_what_it_is_answered_with(kind: CriterionKind) -> None:
    everything = Basis(start=date(2025, 1, 1), end=date(2025, 1, 2), number=3)
    kept = CRITERION_KINDS[kind].kept(everything)
    entry = CRITERION_KINDS[kind].entry
    assert (kept.start is not None) == (entry is Entry.DATES)
    assert (kept.end is not None) == (entry is Entry.DATES)
    assert (kept.number is not None) == (entry is Entry.NUMBER)


def test_a_kind_changed_by_hand_in_the_store_is_named_and_answered_like_a_judgement() -> None:
    info = criterion_kind("okänd")
    assert info.label == "okänd"
    assert info.entry is Entry.NONE
    assert info.kept(Basis(number=3)) == Basis()
