"""Claims shared within an article, by rule: the statements of one article that address one proposition.

A pointer answer gives each statement its own sentence's proposition, so each
speaker "supports" their own sentence and nobody opposes anything. Here, after
the statements of an article are known and before they are merged into
claims, three rules let actors share a claim:

* a first-person claim names its speaker ("I like ..." -> "Heyward likes ..."), and so does a
  pronoun from the speaker's own frame ("Reed said he expects ..." -> "Reed expects ..."); a person by
  surname, as news does after the first mention, a description ("One MP") whole;
* a speaker who declines to comment takes "neutral" on the claim they were
  asked about ("declined to comment on the report" -> the report's claim), or
  on the nearest earlier claim of another actor when the sentence names none
  or only refers back ("the report"); a topic no one else stated becomes the
  claim itself, and what the sentence says besides ("..., saying the lawsuit
  was a parallel process") is the speaker's second statement;
* a speaker who rejects what another actor proposed, requested or decided
  ("rejected the request", "signatures against the rezoning", "would oppose
  any suspension of its order") takes the opposite side of that actor's
  claim; a thing named in a mere assertion ("the bill would break
  international law") is not, since condemning the bill does not deny that;
* a speaker quoted citing an unnamed group ("There are some who believe the
  company is exaggerating") argues against what the group is said to hold,
  and a bare denial that follows ("Nothing could be further from the truth.")
  opposes the claim just before it;
* two actors whose claims are about the same thing (most content words
  shared, negation aside) share the earlier claim; when one of them negates
  what the other asserts, their stance is the other's reversed.

Word overlap finds few of the shared propositions a reader sees (most are
worded differently; evals/reports/issue-15-summary.md measures it), so the
thresholds are strict: a wrong merge costs more than a missed one.

The evidence of every statement stays its own sentence, so grounding is exact.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from stance.extraction.merging import REVERSED, PointedStatement
from stance.extraction.retrieval import side_on_proposal
from stance.text.actors import canonicalise, guess_type
from stance.text.attribution import cited_view, is_decision_noun, past_kind, phrase_head, proposed, side_of
from stance.text.claims import (
    content_words,
    name_reported_subject,
    name_subject,
    no_comment_topic,
    said_besides,
    short_claim,
    stems,
)
from stance.text.languages import DEFAULT, capitalised_run, rules
from stance.text.names import person_key
from stance.text.polarity import (
    bare_denial,
    before_preposition,
    negated,
    noncommittal,
    refers_to_what_was_said,
    rejection,
    takes_up,
)

SAME_PROPOSITION = 0.5  # Dice overlap of two claims' content words (negation aside) for one proposition ...
MIN_SHARED_WORDS = 4  # ... with at least this many words in common
# Swept on every fixture set (cached answers, evals/reports/sharing-thresholds-and-the-corpus-loop.md): 3 words share two more dev
# claims (multi-actor share 0.041 → 0.047) but join "The death toll could rise" to "Dozens of people are missing";
# 0.4 costs dev pair F1 (0.710 → 0.704); 0.3 with 3 words reaches a share of 0.070 (half the gold's is 0.083) with
# pair F1 0.704 and text_pair_f1 0.370 → 0.355, and most of what it joins are two propositions.
TOPIC_OVERLAP = 0.5  # share of a no-comment topic's content words an earlier claim must have
LEDE_SENTENCES = 2  # a sentence that only takes a side is about what the first sentences propose or decide
# (codebook mode: evals/reports/codebook-lede.md; open mode: evals/reports/rejecting-what-was-proposed.md); 3, past
# a deck line under the headline (with the first proposing statement there as the lede, "signed legislation" a
# decision and "approved" a side), gave open mode one more shared claim on dev and on the corpus (multi-actor share
# 0.041 -> 0.046, 0.045 -> 0.051) but cost the corpus codebook run a pair and its oppose recall 0.250 -> 0.167
# (cached answers; evals/reports/speakers-sources-and-the-lede.md)
TOPIC_OF_ITS_OWN = 3  # content words of a no-comment topic "the ..." that make it a topic, not a word for what was
# just said: "the status of sale talks" (3) is one, "the report" or "the figures" (1) refer back
NEAREST_CLAIM_SENTENCES = 3  # an unnamed no-comment topic (or rejected object) is the claim of another actor at most this many sentences back


def _overlap(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


_NOT_A_FIRST_NAME = frozenset("one two a an the another some".split())  # "One MP" describes, it does not name


# a name's capitals from any Latin-script language ("Élysée", "Ángel", "Île", "Šefčovič"): a claim does not know its
# language, and every language file holds the same capitals
_NAME_RUN = re.compile(capitalised_run(rules(DEFAULT).sentences.capitals, "+"))


def _proposition_words(claim: str) -> set[str]:
    """``content_words`` with a name of several words as one ("The New York State Attorney General is investigating
    WeWork" holds "new york state attorney general" once): two claims that name the same body say the same thing
    only if their other words agree ("WeWork received an inquiry from the office of the New York State Attorney
    General")."""
    names: set[str] = set()

    def one_word(run: re.Match[str]) -> str:
        words = [w for w in run.group(0).split() if content_words(w)]
        if len(words) < 2:
            return run.group(0)
        names.add(" ".join(words).lower())
        return " "

    return names | content_words(_NAME_RUN.sub(one_word, claim))


def _surname(person: str) -> str:
    """How a claim names a person, as news does after the first mention: "Michael Reed" -> "Reed", "Tory veteran
    Sir Roger Gale" -> "Gale"; a description ("One MP", "senior U.S. official") stays whole."""
    display, key = person_key(person)
    words = display.split()[:len(key.split())]
    first, last = words[-2:] if len(words) >= 2 else ("", "")
    if not (first[:1].isupper() and last[:1].isupper()) or last.isupper() or _NOT_A_FIRST_NAME & {
            w.lower() for w in words}:
        return person
    return last


def _claim_named(phrase: str, others: Sequence[tuple[PointedStatement, str]],
                 words_of: Callable[[str], set[str]], lang: str = DEFAULT) -> PointedStatement | None:
    """The earlier statement of another actor whose claim holds most of ``phrase``'s content words (compared on
    their stems; not the language's prepositions: "indulto para Snowden"), if it holds ``TOPIC_OVERLAP`` of them
    ("declined to comment on the SEC report", "rejected the levy")."""
    words = stems(words_of(phrase) - rules(lang).attribution.prepositions)
    scored = [(len(words & stems(words_of(o.claim))) / len(words), o) for o, _ in others] if words else []
    best = max(scored, key=lambda x: x[0], default=None)
    return best[1] if best is not None and best[0] >= TOPIC_OVERLAP else None


def _proposal_stems(statement: PointedStatement) -> frozenset[str]:
    """Stems of the words that say what ``statement``'s sentence proposes, requests or decides
    (``attribution.proposed``); empty when it does none of these. "voted 5-2 on Tuesday night to rezone" holds
    "rezon", which "the rezoning" names."""
    return stems(content_words(" ".join(proposed(statement.sentence.text, statement.sentence.lang))))


def _proposal_named(phrase: str, others: Sequence[tuple[PointedStatement, str]],
                    words_of: Callable[[str], set[str]], proposal_stems: Callable[[PointedStatement], frozenset[str]],
                    lang: str) -> PointedStatement | None:
    """``_claim_named`` among the statements that propose, request or decide what the phrase's head names
    (``proposal_stems``): "against the rezoning" names "voted to rezone", "any suspension of its order" names
    "asked the court to suspend"; "the bill" does not name "the bill will break international law", and "against
    the Russian authorities" names no claim at all."""
    last = phrase_head(phrase, lang)
    if last is None or guess_type(last) != "person":
        return None  # "protests against the Russian authorities": against actors, not what they said
    named = stems(content_words(last))
    return _claim_named(past_kind(phrase, lang), [(o, a) for o, a in others if named <= proposal_stems(o)], words_of,
                        lang)


def _claim_just_before(st: PointedStatement, others: Sequence[tuple[PointedStatement, str]]) -> PointedStatement | None:
    """The latest of the earlier statements ``others`` (another actor's, where the caller passes only those) at most
    ``NEAREST_CLAIM_SENTENCES`` sentences before ``st``."""
    near = [o for o, _ in others if st.sentence.n - o.sentence.n <= NEAREST_CLAIM_SENTENCES]
    return near[-1] if near else None


def _lede(others: Sequence[tuple[PointedStatement, str]]) -> PointedStatement | None:
    """The statement another actor makes in the article's first ``LEDE_SENTENCES`` sentences, if it proposes,
    requests or decides something ("The Planning Board voted 5-2 on Tuesday night to rezone 48 acres"): what a
    sentence that only takes a side refers to, the way a news story states its subject first."""
    first = next((o for o, _ in others if o.sentence.n <= LEDE_SENTENCES), None)
    if first is None or first.stance != "support" or not proposed(first.sentence.text, first.sentence.lang):
        return None
    return first


def _names_the_lede(object_: str | None, lede: PointedStatement,
                    proposal_stems: Callable[[PointedStatement], frozenset[str]]) -> bool:
    """A side taken on nothing ("voted no", "was deeply disappointed"), on "it", on a word for a decision ("the
    decision", "the plan"; data ``decision_nouns``) or on what the lede proposes ("opposed the rezoning") is taken
    on the lede; "welcomed the fine" after "sued to overturn a fine" is not."""
    if object_ is None:
        return True
    last = phrase_head(object_, lede.sentence.lang)
    if last is None:
        return True  # a pronoun: "would vote for it"
    if is_decision_noun(last, lede.sentence.lang):
        return True
    return stems(content_words(last)) <= proposal_stems(lede)


def _names_a_decision(phrase: str, lang: str) -> bool:
    """Whether a phrase is a word for a decision and no more ("the vote", "the decision"; data ``decision_nouns``)."""
    head = phrase_head(phrase, lang)
    return head is not None and is_decision_noun(head, lang) and len(content_words(phrase)) == 1


def _is_a_decision(object_: str, lang: str) -> bool:
    """Whether the thing a side is taken on is a decision, a proposal or a measure by its noun ("a ban imposed by US
    President Donald Trump", "the new law on Hong Kong"; data ``decision_nouns``), read up to its first preposition
    for the noun; not anything else ("the latest attack", "Smith"), nor a bare "the plan"."""
    if not any(is_decision_noun(w.strip(",.;:’'"), lang) for w in before_preposition(object_, lang)[1:]):
        return False
    return len(content_words(object_)) >= 2  # "the plan" alone says nothing a claim can hold


def share_claims(text: str, statements: Sequence[PointedStatement], *, author: str | None = None) -> list[PointedStatement]:
    """The statements, in sentence order, with first-person subjects named and shared propositions worded alike.

    ``author``: the document's author, whose citing of an unnamed group ``merging.attribute_to_author`` reverses;
    in an article without one, a speaker quoted citing a group ("There are some who believe ...") argues against
    what they cite here."""
    words_of = functools.cache(content_words)  # each claim's words once: every statement is compared with all earlier
    proposition_words = functools.cache(_proposition_words)
    proposal_stems = functools.cache(_proposal_stems)  # ... and each statement's proposal: a rejection reads them all
    mapping, actors = canonicalise([s.who for s in statements], text)
    persons = {a.name for a in actors if a.type == "person"}
    out: list[PointedStatement] = []
    for st in sorted(statements, key=lambda s: s.sentence.n):
        actor = mapping.get(st.who.strip(), st.who.strip())
        named = _surname(actor) if actor in persons else actor
        denies = bare_denial(st.claim, st.sentence.lang)  # "I respectfully disagree.", before "I" is named
        st = replace(st, claim=name_subject(st.claim, named, person=actor in persons))
        st = replace(st, claim=name_reported_subject(st.claim, st.sentence.text, named, text, person=actor in persons))
        view = cited_view(st.claim, actor, st.sentence.lang)
        if view is not None and st.stance != "neutral":  # "There are some who believe the company is exaggerating"
            # the claim is the view cited; a document's author argues against it, which attribute_to_author reads
            st = replace(st, claim=short_claim(view), stance=REVERSED[st.stance] if author is None else st.stance)
        earlier = [(o, mapping.get(o.who.strip(), o.who.strip())) for o in out]
        others = [(o, a) for o, a in earlier if a != actor and o.stance != "neutral"]
        # ... not what a co-subject's statement in this sentence became ("X und Y wiesen die Vorwürfe ... zurück")
        before = [(o, a) for o, a in others if o.sentence.n != st.sentence.n]
        lede = _lede(others)  # what the article opens by proposing or deciding, if another actor's
        denied = _claim_just_before(st, earlier) if denies else None
        if denied is not None:  # "Nothing could be further from the truth.": the claim before, the speaker's own too
            out.append(replace(st, claim=denied.claim, stance="oppose"))
            continue
        if noncommittal(st.sentence):
            topic = no_comment_topic(st.sentence.text)
            if topic is not None and lede is not None and _names_a_decision(topic, st.sentence.lang):
                target: PointedStatement | None = lede  # "declined to comment on the vote": the decision the article opens with
            else:
                target = _claim_named(topic, others, words_of, st.sentence.lang) if topic is not None else None
            refers_back = topic is None or (topic.lower().startswith(("the ", "this ", "that "))
                                            and len(words_of(topic)) < TOPIC_OF_ITS_OWN)
            if target is None and refers_back:
                target = _claim_just_before(st, others)
            if target is not None or (topic is not None and not refers_back):
                claim = target.claim if target is not None else short_claim(topic or "")  # no one else said it
                out.append(replace(st, claim=claim, stance="neutral"))
                said = said_besides(st.sentence.text)
                if said is not None:  # "..., saying the lawsuit was a parallel process": that is their claim
                    out.append(replace(st, claim=short_claim(said), stance="support"))
                continue
        rejected = rejection(st.sentence.text, st.sentence.lang)
        if rejected is not None and st.stance != "neutral":
            target = _proposal_named(rejected.thing, before, words_of, proposal_stems, st.sentence.lang)
            if target is None and refers_to_what_was_said(rejected.thing, st.sentence.lang):  # "dismissed the allegation": the one just stated
                target = _claim_just_before(st, before)
            if target is not None:  # what another actor said: rejecting it opposes it
                if rejected.besides:
                    out.append(st)  # "called Ostrovia’s allegations “a fabrication …”": that is a claim too
                out.append(replace(st, claim=target.claim, stance=REVERSED[target.stance]))
                continue
        taken_up = takes_up(st.sentence.text, st.sentence.lang) if st.stance != "neutral" else None
        if taken_up is not None:
            shared = _claim_just_before(st, before)
            if shared is not None:  # "Elizabeth Warren echoed that message, saying …": the claim just made (what
                if taken_up.besides:  # she says is how she echoes it), and a statement of one's own after it
                    out.append(st)
                out.append(replace(st, claim=shared.claim, stance=shared.stance))
                continue
        by_verb = side_of(st.sentence, st.who)
        taken = by_verb.on_claim(st.claim) if by_verb is not None else None
        if lede is not None and taken is not None and _names_the_lede(taken[1], lede, proposal_stems):
            # "said he would vote for it"; "campaigned against fluoridation" is for "… should stop adding fluoride"
            side = side_on_proposal(taken[0], taken[1], lede.claim, st.sentence.lang) if taken[1] else taken[0]
            out.append(replace(st, claim=lede.claim, stance=side))
            continue
        if taken is not None and taken[1] and _is_a_decision(taken[1], st.sentence.lang):
            # "has gone to court to challenge a ban imposed by ...": the side is on the ban
            out.append(replace(st, claim=short_claim(taken[1]), stance=taken[0]))
            continue
        words = proposition_words(st.claim)
        best_match = max(
            ((_overlap(words, proposition_words(o.claim)), len(words & proposition_words(o.claim)), o) for o, _ in others),
            key=lambda x: (x[0], x[1]), default=None,
        )
        if best_match is not None and best_match[0] >= SAME_PROPOSITION and best_match[1] >= MIN_SHARED_WORDS:
            other = best_match[2]
            stance = st.stance if negated(st.claim) == negated(other.claim) else REVERSED[st.stance]
            st = replace(st, claim=other.claim, stance=stance)
        out.append(st)
    return out
