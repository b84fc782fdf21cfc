"""Matching rules: actor names, evidence overlap, paraphrase, codebook ids, one-to-one."""

from __future__ import annotations

import hashlib

import pytest

from stance.evals import (
    Fixture,
    GoldFile,
    ScoreOptions,
    actor_match,
    match_fixture,
    name_tokens,
)
from stance.evals._matching import ActorForms, max_bipartite_matching
from stance.results import Actor, ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance

TEXT = (
    "Senate vote looms\n"
    "Senator Jane Roe said the bill will cut taxes. "
    "The White House denied that the bill cuts taxes. "
    "Acme Corp declined to comment on the bill.\n"
)


def fixture(claims: list[dict], actors: list[dict], text: str = TEXT) -> Fixture:
    gold = GoldFile.model_validate({"article": "t.txt", "actors": actors, "claims": claims})
    return Fixture(name="t", text=text, gold=gold, sha256=hashlib.sha256(text.encode()).hexdigest())


def ev(quote: str, text: str = TEXT, alignment: str = "exact") -> Evidence:
    i = text.find(quote)
    assert i >= 0, quote
    return Evidence(quote=quote, start=i, end=i + len(quote), alignment=alignment)


def result(claims: list[Claim], actors: list[Actor] | None = None) -> ArticleResult:
    return ArticleResult(
        article=ArticleInfo(id="t.txt", path="t.txt", sha256="-", title="t"),
        actors=actors or [],
        claims=claims,
        provenance=Provenance(model="m", endpoint="none", prompt=PromptInfo(name="p", hash="h")),
    )


def forms(name: str, aliases: list[str] = (), person: bool = True) -> ActorForms:  # type: ignore[assignment]
    return ActorForms.of(name, list(aliases), person)


# --- actor names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("The White House", ("white", "house")),
        ("Sen. Jane Roe", ("jane", "roe")),
        ("Marjorie Velázquez", ("marjorie", "velazquez")),
        ("U.S. officials", ("us", "officials")),
        ("Iran's foreign ministry", ("iran", "foreign", "ministry")),
        ("President", ("president",)),  # a title alone is kept, not erased
    ],
)
def test_name_tokens(name: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(name) == tokens


def test_actor_rules_in_order_of_strength() -> None:
    gold = forms("Antony Blinken", ["Secretary of State Antony Blinken"])
    assert actor_match(forms("antony blinken"), gold) == "name"
    assert actor_match(forms("Mr. Antony Blinken"), gold) == "name"  # title dropped
    assert actor_match(forms("A. Blinken", ["Secretary of State Antony Blinken"]), gold) == "alias"
    assert actor_match(forms("Blinken"), gold) == "surname"
    assert actor_match(forms("Secretary Antony Blinken of the U.S."), gold) == "tokens"
    assert actor_match(forms("Tony Blinkin"), gold) is None


def test_surname_rule_needs_a_person() -> None:
    # Not a person: a lone last word still matches, but only by token containment.
    assert actor_match(forms("Sachs"), forms("Goldman Sachs", person=False)) == "tokens"
    assert actor_match(forms("Sachs"), forms("Goldman Sachs", person=True)) == "surname"
    assert actor_match(forms("Goldman"), forms("Goldman Sachs", person=True)) == "tokens"


def test_token_containment_either_way_ignoring_the() -> None:
    gold = forms("American officials", person=False)
    assert actor_match(forms("officials", person=False), gold) == "tokens"
    assert actor_match(forms("the American officials in Washington", person=False), gold) == "tokens"
    assert actor_match(forms("European officials", person=False), gold) is None


# --- pairs -------------------------------------------------------------------

ACTORS = [
    {"name": "Jane Roe", "type": "person"},
    {"name": "White House", "type": "government"},
    {"name": "Acme Corp", "type": "organization"},
]
C1 = {
    "id": "c1",
    "text": "The bill will cut taxes.",
    "stances": [
        {"actor": "Jane Roe", "stance": "support", "evidence": ["the bill will cut taxes"]},
        {"actor": "White House", "stance": "oppose", "evidence": ["denied that the bill cuts taxes"]},
    ],
}


def test_evidence_overlap_matches_despite_different_claim_text() -> None:
    fx = fixture([C1], ACTORS[:2])
    pred = result([Claim(id="x", text="Taxes go down", stances=[
        Stance(actor="Roe", stance="support", evidence=[ev("Jane Roe said the bill will cut taxes.")])])])
    m = match_fixture(fx, pred)
    assert [(p.gold.actor, p.claim_rule, p.actor_rule) for p in m.matched] == [("Jane Roe", "evidence", "surname")]
    assert [g.actor for g in m.missed] == ["White House"]
    assert m.spurious == []


def test_overlap_below_min_chars_does_not_match() -> None:
    fx = fixture([C1], ACTORS[:2])
    # "said the" overlaps gold "the bill will cut taxes" by 3 characters ("the")
    pred = result([Claim(id="x", text="Something else entirely", stances=[
        Stance(actor="Jane Roe", stance="support", evidence=[ev("Roe said the")])])])
    assert match_fixture(fx, pred).matched == []
    assert len(match_fixture(fx, pred, ScoreOptions(min_overlap_chars=3)).matched) == 1


def test_paraphrase_matches_without_evidence_and_threshold_is_an_option() -> None:
    fx = fixture([C1], ACTORS[:2])
    # token_set_ratio("The legislation will cut taxes", "The bill will cut taxes.") = 0.878
    pred = result([Claim(id="x", text="The legislation will cut taxes", stances=[
        Stance(actor="White House", stance="oppose", evidence=[Evidence(quote="not in text")])])])
    m = match_fixture(fx, pred)
    assert [(p.gold.actor, p.claim_rule) for p in m.matched] == [("White House", "paraphrase")]
    assert match_fixture(fx, pred, ScoreOptions(paraphrase_threshold=0.9)).matched == []


def test_short_claim_is_no_paraphrase_even_if_its_tokens_are_contained() -> None:
    fx = fixture([C1], ACTORS[:2])
    pred = result([Claim(id="x", text="the bill", stances=[Stance(actor="White House", stance="oppose")])])
    assert match_fixture(fx, pred).matched == []


def test_actor_must_match_even_when_evidence_overlaps() -> None:
    fx = fixture([C1], ACTORS[:2])
    pred = result([Claim(id="x", text="The bill will cut taxes.", stances=[
        Stance(actor="Acme Corp", stance="support", evidence=[ev("the bill will cut taxes")])])])
    m = match_fixture(fx, pred)
    assert m.matched == [] and len(m.spurious) == 1 and len(m.missed) == 2


def test_one_to_one_duplicate_predictions_match_once() -> None:
    fx = fixture([C1], ACTORS[:2])
    st = Stance(actor="Jane Roe", stance="support", evidence=[ev("the bill will cut taxes")])
    pred = result([Claim(id="a", text="The bill will cut taxes.", stances=[st]),
                   Claim(id="b", text="The bill will cut taxes.", stances=[st])])
    m = match_fixture(fx, pred)
    assert len(m.matched) == 1 and len(m.spurious) == 1


def test_augmenting_path_maximises_matches() -> None:
    # pred 0 prefers gold 0 but can take gold 1; pred 1 can only take gold 0.
    assert max_bipartite_matching([[0, 1], [0]]) == {0: 1, 1: 0}
    assert max_bipartite_matching([[0, 1], [0]], order=[1, 0]) == {1: 0, 0: 1}
    assert max_bipartite_matching([[0], [0], []]) in ({0: 0}, {1: 0})


def test_augmenting_path_in_a_real_fixture() -> None:
    # Both gold stances share the same evidence; pred A overlaps it and paraphrases c1
    # best, pred B only has the evidence. A maximal matching pairs both.
    text = "Head\nJane Roe said taxes must fall and the deficit must shrink.\n"
    q = "taxes must fall and the deficit must shrink"
    fx = fixture(
        [
            {"id": "c1", "text": "Taxes must fall.", "stances": [{"actor": "Jane Roe", "stance": "support", "evidence": [q]}]},
            {"id": "c2", "text": "The deficit must shrink.", "stances": [{"actor": "Jane Roe", "stance": "support", "evidence": [q]}]},
        ],
        ACTORS[:1],
        text,
    )
    pred = result([
        Claim(id="a", text="Taxes must fall.", stances=[Stance(actor="Jane Roe", stance="support", evidence=[ev(q, text)])]),
        Claim(id="b", text="Unrelated words here", stances=[Stance(actor="Jane Roe", stance="oppose", evidence=[ev(q, text)])]),
    ])
    m = match_fixture(fx, pred)
    assert sorted((p.pred.claim_id, p.gold.claim_id) for p in m.matched) == [("a", "c1"), ("b", "c2")]


def test_stance_label_never_changes_which_pairs_match() -> None:
    fx = fixture([C1], ACTORS[:2])
    claims = [Claim(id="x", text="The bill will cut taxes.", stances=[
        Stance(actor="Jane Roe", stance=s, evidence=[ev("the bill will cut taxes")]),
        Stance(actor="White House", stance=s, evidence=[ev("denied that the bill")])]) for s in ["support"]]
    flipped = [c.model_copy(deep=True) for c in claims]
    for c in flipped:
        for s in c.stances:
            s.stance = "neutral"
    a, b = match_fixture(fx, result(claims)), match_fixture(fx, result(flipped))
    assert [(p.gold.actor, p.pred.actor) for p in a.matched] == [(p.gold.actor, p.pred.actor) for p in b.matched]
    assert len(a.matched) == 2


def test_codebook_mode_matches_by_id_only() -> None:
    fx = fixture([C1], ACTORS[:2])
    pred = result([
        Claim(id="k1", text="Tax cut", codebook_id="c1", stances=[Stance(actor="Jane Roe", stance="support")]),
        Claim(id="k2", text="The bill will cut taxes.", codebook_id="c9", stances=[Stance(actor="White House", stance="oppose")]),
    ])
    cb = match_fixture(fx, pred, ScoreOptions(mode="codebook"))
    assert [(p.gold.actor, p.claim_rule) for p in cb.matched] == [("Jane Roe", "codebook")]
    assert [p.actor for p in cb.spurious] == ["White House"]  # wrong id, even though the text is identical
    op = match_fixture(fx, pred, ScoreOptions(mode="open"))
    assert [(p.gold.actor, p.claim_rule) for p in op.matched] == [("White House", "paraphrase")]


def test_exact_evidence_with_wrong_offsets_is_relocated_and_counted() -> None:
    fx = fixture([C1], ACTORS[:2])
    good = ev("the bill will cut taxes")
    shifted = Evidence(quote=good.quote, start=good.start + 40, end=good.end + 40, alignment="exact")  # type: ignore[operator]
    pred = result([Claim(id="x", text="zz yy xx ww", stances=[Stance(actor="Jane Roe", stance="support", evidence=[shifted])])])
    m = match_fixture(fx, pred)
    assert m.offset_mismatches == 1 and len(m.matched) == 1


def test_actor_precision_recall_counts_distinct_stance_actors() -> None:
    fx = fixture([C1], ACTORS[:2])
    pred = result(
        [Claim(id="x", text="a b c d", stances=[Stance(actor="Roe", stance="support"), Stance(actor="Roe", stance="oppose"),
                                                Stance(actor="Mayor Smith", stance="oppose")])],
        actors=[Actor(name="Roe", type="person"), Actor(name="Mayor Smith", type="person")],
    )
    m = match_fixture(fx, pred)
    assert (m.pred_actors, m.gold_actors, m.matched_actors) == (2, 2, 1)


def test_predicted_actor_aliases_are_used() -> None:
    fx = fixture([C1], ACTORS[:2])
    pred = result(
        [Claim(id="x", text="The bill will cut taxes.", stances=[Stance(actor="Administration", stance="oppose")])],
        actors=[Actor(name="Administration", type="government", aliases=["the White House"])],
    )
    m = match_fixture(fx, pred)
    assert [(p.gold.actor, p.actor_rule) for p in m.matched] == [("White House", "alias")]
