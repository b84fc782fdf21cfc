"""Open mode: the model finds the claims itself, a few candidate sentences per request.

The model answers with sentence numbers (and, with the ``extract`` prompt, a
claim in its own words; with ``extract-pointers`` the claim is what the
sentence reports). Evidence is the quotation inside that sentence (or the
sentence), located by construction, so grounding is exact. What a small
model made up is dropped before the merge (``drop_unsupported``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pydantic import BaseModel
from rapidfuzz import fuzz

from stance.extraction.answers import MAX_STATEMENTS, ModelStatement, is_pointer, model_answer_for
from stance.extraction.article import Request, SplitArticle
from stance.extraction.merging import PointedStatement, merge_stances, norm_claim
from stance.extraction.pointing import POINTER_TRUST, repoint
from stance.extraction.prompts import Prompt, PromptError, author_note, claims_note, window_numbers
from stance.extraction.sharing import share_claims
from stance.results import Actor, Claim, PromptInfo
from stance.text.attribution import (
    PLURAL_REACH,
    PRONOUN_REACH,
    QUOTATION_PARAGRAPHS,
    QUOTATION_REACH,
    REPORT_REACH,
    added_statement,
    co_speakers,
    continues_a_report,
    describes_speaker,
    find_candidates,
    group_speaker,
    in_authors_voice,
    is_author,
    is_clause,
    may_voice,
    names_a_speaker,
    opening_mark,
    pair_speakers,
    plural_co_speakers,
    quotation_continuations,
    render_lines,
    second_side,
    second_speaker,
    speaker_for,
    speaker_for_agent,
    speaker_for_asked,
    speaker_for_descriptor,
    speaker_for_group,
    speaker_for_pronoun,
    speaker_for_quotation,
    speaker_for_source,
    speaker_for_subject,
    speaker_for_title,
    speaking_pronoun,
    stated_speaker,
    states_a_norm,
)
from stance.text.claims import MIN_WORDS, content_words, short_claim, states_a_request
from stance.text.languages import DEFAULT
from stance.text.narrator import dateline, is_narrator
from stance.text.polarity import bare_denial, settle_stance
from stance.text.reported import doubted_clause, report_of, reports_denial, spoken_spans
from stance.text.sentences import Sentence, is_heading_question, unclosed_quotation

CLAIM_MERGE_SCORE = 88.0
CONTEXT_SENTENCES = 2
MIN_CLAIM_SUPPORT = 40.0  # token-set similarity (0-100) between a claim and its sentence and neighbours


# ---------------------------------------------------------------------------
# Windows: a few candidate sentences per request
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A few candidate sentences for one request, with the sentences around them as context."""

    context: list[Sentence]  # preceding sentences, shown unnumbered (who "he" is)
    sentences: list[Sentence]
    candidates: set[int]


def candidate_windows(
    sentences: list[Sentence], candidates: set[int], per_window: int, context: int = CONTEXT_SENTENCES
) -> list[Window]:
    """Consecutive runs of sentences holding at most ``per_window`` candidates; none without a candidate.

    Small requests keep a small model on task and let parallel slots share an
    article; the shared system prompt and examples stay in the server's prompt
    cache, so each request only pays for its own few sentences.
    """
    windows: list[Window] = []
    current: list[Sentence] = []
    count = 0
    speakers = _LastSpeaker(sentences)
    for sentence in sentences:
        if sentence.n in candidates and count == per_window:
            windows.append(_window(sentences, current, candidates, context, speakers))
            current, count = [], 0
        if sentence.n in candidates:
            count += 1
        if count or sentence.n in candidates:
            current.append(sentence)
    if count:
        windows.append(_window(sentences, current, candidates, context, speakers))
    return windows


class _LastSpeaker:
    """The last sentence naming a speaker before an index, found by one forward scan over a whole document (windows
    ask in order), so a long text without named speakers (a testimony) costs linear time, not a scan per window."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self.scanned = 1  # sentence 1 (the headline, or the first line) never counts
        self.last: Sentence | None = None

    def before(self, index: int) -> Sentence | None:
        """The last sentence among ``sentences[1:index]`` that names a speaker."""
        if index < self.scanned:  # asked out of order: look back (windows ask in order, so this does not happen)
            return next((s for s in reversed(self.sentences[1:index]) if names_a_speaker(s)), None)
        while self.scanned < index:
            if names_a_speaker(self.sentences[self.scanned]):
                self.last = self.sentences[self.scanned]
            self.scanned += 1
        return self.last if index > 1 else None


def _window(
    all_sentences: list[Sentence], run: list[Sentence], candidates: set[int], context: int, speakers: _LastSpeaker
) -> Window:
    # trailing non-candidates add nothing
    while run and run[-1].n not in candidates:
        run = run[:-1]
    first = run[0].n - 1  # index of the run's first sentence
    before = [s for s in all_sentences[max(0, first - context):first] if s.n != 1]
    if not any(names_a_speaker(s) for s in [*before, run[0]]):
        # a quotation that started earlier: show who was speaking ("..., she said" needs a "she")
        speaker = speakers.before(max(0, first - context))
        if speaker is not None:
            before = [speaker, *before]
    return Window(context=before, sentences=run, candidates={s.n for s in run if s.n in candidates})


# ---------------------------------------------------------------------------
# Answers to statements
# ---------------------------------------------------------------------------


def reported_claim(sentence: Sentence, stance: str) -> tuple[str, str]:
    """A pointer's claim, what its sentence reports, and the stance on it: "oppose" when the sentence reports a
    denial (the claim is what the speaker denied), else ``stance``."""
    report = report_of(sentence)
    return short_claim(report.content), "oppose" if report.denied else stance


def point_statements(
    sentences: Sequence[Sentence], statements: Sequence[ModelStatement], *, headline: bool
) -> list[PointedStatement]:
    """Resolve one window's answer to sentences; a pointer's claim is what its sentence reports."""
    pointed: list[PointedStatement] = []
    seen: set[tuple[int, str, str]] = set()
    for st in statements:
        if st.claim is None:  # a pointer: trust its number, only mend one outside the window's sentences
            sentence = repoint(sentences, st.s, st.who, "", headline=headline, distance_penalty=POINTER_TRUST)
        else:
            sentence = repoint(sentences, st.s, st.who, st.claim, headline=headline)
        if sentence is None:
            continue  # a number far outside this window: nothing to ground it on
        if st.claim is None:
            claim, model_stance = reported_claim(sentence, st.stance)
        else:
            claim, model_stance = st.claim.strip(), st.stance
        who = speaker_for_subject(speaker_for_group(speaker_for(st.who.strip(), sentence), sentence), sentence)
        who = speaker_for_source(who, sentence)
        who = speaker_for_agent(speaker_for_asked(who, sentence), sentence)
        key = (sentence.n, who.lower(), norm_claim(claim))
        if key in seen:
            continue
        seen.add(key)
        stance = settle_stance(claim, model_stance, sentence)
        pointed.append(PointedStatement(sentence=sentence, who=who, claim=claim, stance=stance))
    return pointed


def statements_the_model_skipped(sentences: Sequence[Sentence], candidates: set[int],
                                 answered: set[int]) -> list[PointedStatement]:
    """Candidate sentences the model gave no row for but whose speaker the rules read ("..., said Suzanne
    DiMaggio ...", "Ostrander said fluoride remained ..."): that speaker's statement of what the sentence reports.

    The small model skips some plain "X said" sentences. Cached dev answers: pair F1 0.648 → 0.649 (one pair
    gained, one wrong); invented held-out 0.712 → 0.728 (three gained, none wrong); corpus 0.505 → 0.509. It
    skips "he"/"she" ones too ("He said the authority faces a $38 million shortfall ...", "She declined to
    comment on the lawsuit."): the pronoun is the speaker, for ``follow_speakers`` to name or drop. Cached
    answers: invented held-out 0.774 → 0.776 (two gained, one wrong), codebook 0.679 → 0.682 (strict 0.553 →
    0.561); real 0.752 → 0.757 (codebook strict 0.558 → 0.565), blind 0.595 → 0.602 (0.496 → 0.504); dev unchanged.
    """
    found = []
    for sentence in sentences:
        if sentence.n not in candidates or sentence.n in answered:
            continue
        who = stated_speaker(sentence) or group_speaker(sentence) or speaking_pronoun(sentence)
        if who is None:
            continue
        claim, stance = reported_claim(sentence, "support")
        found.append(PointedStatement(sentence=sentence, who=who, claim=claim,
                                      stance=settle_stance(claim, stance, sentence)))
    return found


def authors_norms(sentences: Sequence[Sentence], candidates: set[int], continued: set[int], author: str,
                  *, headline: bool) -> list[PointedStatement]:
    """In a document that speaks for ``author``, the author's sentences that say what should or must be ("There
    is redtape that needs to be cut.", "Congress should pass the act."): the author's statements, though no cue
    word made them candidates, so the model was never asked. Plain facts of the author's are not.

    Cached answers, open mode: our first-person fixture pair F1 0.468 → 0.500 (one pair gained, none wrong);
    the held-out speeches 0.521 → 0.532 (three gained, five wrong; evals/reports/codebook-clauses.md).
    """
    found = []
    for sentence in sentences:
        if sentence.n in candidates or (headline and sentence.n == 1):
            continue
        if not states_a_norm(sentence) or not in_authors_voice(sentence, continued=sentence.n in continued):
            continue
        claim = short_claim(sentence.text)
        found.append(PointedStatement(sentence=sentence, who=author, claim=claim,
                                      stance=settle_stance(claim, "support", sentence)))
    return found


def follow_speakers(statements: list[PointedStatement], sentences: list[Sentence], text: str,
                    continued: set[int]) -> list[PointedStatement]:
    """Speakers the sentence leaves to its context: "..., she said" is the person the article last named as
    speaking (``attribution.speaker_for_pronoun``), a quotation that goes on after "... said Lopiano." is
    Lopiano's (``attribution.speaker_for_quotation``), "The union said" is the union the article named before
    (``attribution.speaker_for_descriptor``; cached answers: dev pair F1 0.648 → 0.653, the second real held-out
    set 0.473 → 0.486, every other set unchanged)."""
    index = {s.n: i for i, s in enumerate(sentences)}
    out = []
    for st in statements:
        i = index.get(st.sentence.n)
        who = st.who
        if i is not None:
            earlier = sentences[max(0, i - max((QUOTATION_PARAGRAPHS + 1) * QUOTATION_REACH, PRONOUN_REACH)):i]
            who = speaker_for_pronoun(who, st.sentence, earlier, text)
            who = speaker_for_quotation(who, st.sentence, earlier, text, continued=st.sentence.n in continued,
                                        later=sentences[i + 1:i + 1 + QUOTATION_REACH])
            who = speaker_for_descriptor(who, st.sentence, sentences[:i])
            who = speaker_for_title(who, st.sentence, text)
        out.append(st if who == st.who else replace(st, who=who))
    return out


def _cut_before(sentence: Sentence, start: int) -> Sentence:
    """``sentence`` up to ``start`` (an offset in its text): the first statement of a sentence that goes on with a
    second speaker's or a second statement's clause."""
    return replace(sentence, text=sentence.text[:start], end=sentence.start + start)


def _claim_before(st: PointedStatement, start: int) -> PointedStatement:
    """``st`` with the claim of its sentence up to ``start``, where a second actor's clause begins."""
    return replace(st, claim=short_claim(report_of(_cut_before(st.sentence, start)).content))


def second_speakers(statements: list[PointedStatement]) -> list[PointedStatement]:
    """A sentence that joins a second speaker to its first ("..., but trust members said they wanted a copy";
    ``attribution.second_speaker``) gives the second their own statement of what follows their verb, and the
    first's claim stops where that clause begins.
    """
    out: list[PointedStatement] = []
    have = {(st.sentence.n, st.who.lower()) for st in statements}
    for st in statements:
        second = second_speaker(st.sentence, st.who)
        if second is None:
            side = second_side(st.sentence, st.who)
            if side is not None and st.stance == "support" and (st.sentence.n, side.who.lower()) not in have:
                # "Two senators introduced a resolution to amend the rules, but McConnell has consistently opposed
                # such a measure": the first clause is the claim, and the second actor takes a side on it
                have.add((st.sentence.n, side.who.lower()))
                st = _claim_before(st, side.start)
                out.extend([st, replace(st, who=side.who, stance=side.side)])
                continue
            out.append(st)
            continue
        if second.who in st.claim:  # the first speaker's claim ran on into the second's words: the part before
            st = _claim_before(st, second.start)
        out.append(st)
        if (st.sentence.n, second.who.lower()) not in have:
            have.add((st.sentence.n, second.who.lower()))
            claim = short_claim(second.content)
            out.append(PointedStatement(sentence=st.sentence, who=second.who, claim=claim,
                                        stance=settle_stance(claim, "support", st.sentence)))
    return out


def added_statements(statements: list[PointedStatement]) -> list[PointedStatement]:
    """A speaker who adds a second statement in one sentence (", adding that ...", "and vowed ...";
    ``attribution.added_statement``) gets it as a statement of its own, and the first claim stops where it begins:
    annotators code the two as two claims (19 of 36 such sentences in the English gold have two or more claims of
    one actor)."""
    out: list[PointedStatement] = []
    found = [(st, added_statement(st.sentence)) for st in statements]
    # claims the model's other rows already give (a row of the split sentence itself may hold the added part's words)
    have = {(st.sentence.n, st.who.lower(), norm_claim(st.claim)) for st, added in found if added is None}
    for st, added in found:
        if added is None:
            out.append(st)
            continue
        head = _cut_before(st.sentence, added.start)
        report = report_of(head)
        doubted = doubted_clause(added.content, st.sentence.lang)  # "adding that it was unlikely that ..."
        claim = short_claim(doubted or added.content)
        stance = settle_stance(claim, "oppose" if doubted else "support", st.sentence)
        if (norm_claim(report.content) == norm_claim(head.text) and not spoken_spans(head)
                and not states_a_request(report.content)):  # a request says something: "MPs should reject …"
            # no frame and no quotation before it ("The President of the European Commission hit out and said
            # ..."): only the added statement says something
            out.append(replace(st, claim=claim, stance=stance))
            continue
        # the first part's stance is its own: a doubt or denial in the added part is not the first claim's
        first_stance = "oppose" if report.denied else ("support" if reports_denial(st.sentence) else st.stance)
        first = short_claim(report.content)
        out.append(replace(st, claim=first, stance=settle_stance(first, first_stance, head)))
        if (st.sentence.n, st.who.lower(), norm_claim(claim)) not in have:
            have.add((st.sentence.n, st.who.lower(), norm_claim(claim)))
            out.append(replace(st, claim=claim, stance=stance))
    return out


def joined_subjects(statements: list[PointedStatement],
                    sentences: Sequence[Sentence] = ()) -> list[PointedStatement]:
    """Each subject joined by "and" takes the sentence's position (``attribution.co_speakers``: two, or a list
    such as "the United States, Britain, Australia and Canada ... say"): the model names one row's speaker, the
    others get the same claim and stance."""
    speakers: dict[int, list[set[str]]] = {}
    for st in statements:
        speakers.setdefault(st.sentence.n, []).append(content_words(st.who))
    index = {s.n: i for i, s in enumerate(sentences)}
    out: list[PointedStatement] = []
    for st in statements:
        out.append(st)
        i = index.get(st.sentence.n)
        earlier = sentences[max(0, i - PLURAL_REACH):i] if i is not None else []
        # "In it, they argue ...", two sentences after "BA, Easyjet and Ryanair have made inroads ...": theirs too
        for other in co_speakers(st.sentence, st.who) or plural_co_speakers(st.sentence, earlier, st.who):
            words = content_words(other)
            if not any(words & known for known in speakers[st.sentence.n]):  # "Commissioners Teresa Munoz" is
                speakers[st.sentence.n].append(words)  # "Teresa Munoz" already
                out.append(replace(st, who=other))
    return out


def reports_continued(statements: list[PointedStatement], reported: set[int]) -> list[PointedStatement]:
    """A sentence in the mood of reported speech that names no speaker (``attribution.continues_a_report``, German
    Konjunktiv I) is the statement of whoever spoke in the nearest earlier statement's sentence, at most
    ``REPORT_REACH`` sentences back, each of them if several did; the small model credits it to a name inside it
    ("Vielmehr habe sich Merkel ... für Wulff entschieden" after "CDU-Kreise verneinten diese Darstellung.").

    Statements in sentence order."""
    out: list[PointedStatement] = []
    have: set[tuple[int, str, str]] = set()
    for st in statements:
        n = st.sentence.n
        # the statements of the nearest earlier sentence, read back from the end of ``out`` (sentence order)
        i = len(out)
        while i and out[i - 1].sentence.n >= n:
            i -= 1
        last = out[i - 1].sentence.n if i and n in reported else None
        if last is not None and n - last <= REPORT_REACH:
            j = i
            while j and out[j - 1].sentence.n == last:
                j -= 1
            moved = [replace(st, who=who) for who in dict.fromkeys(o.who for o in out[j:i])]
        else:
            moved = [st]
        for m in moved:
            key = (n, m.who.lower(), norm_claim(m.claim))
            if key not in have:
                have.add(key)
                out.append(m)
    return out


def both_of_a_pair(statements: list[PointedStatement], sentences: Sequence[Sentence]) -> list[PointedStatement]:
    """A statement whose subject is "Both companies" or "The two sides" (``attribution.pair_speakers``) is the
    statement of each of the two actors the sentence before names, whoever the model credited it to."""
    index = {s.n: i for i, s in enumerate(sentences)}
    out: list[PointedStatement] = []
    done: set[int] = set()
    for st in statements:
        i = index.get(st.sentence.n)
        pair = pair_speakers(st.sentence, sentences[i - 1] if i else None)  # the first sentence has none before
        if not pair:
            out.append(st)
        elif st.sentence.n not in done:
            done.add(st.sentence.n)
            out.extend(replace(st, who=who) for who in pair)
    return out


# What a small model writes as the speaker when it finds none (in English, whatever the article's language).
NO_ONE = frozenset("unknown|unnamed|anonymous|none|n/a|nobody|no one|narrator|the narrator|author|the author|article|"
                   "the article|journalist|the journalist|reporter|the reporter".split("|"))


def names_someone(who: str, author: str | None = None, lang: str = DEFAULT) -> bool:
    """False for a speaker that is only function words ("When", "It", "They"): a small model's stray word, or a
    pronoun the speaker rules could not resolve. An acronym is a name ("US", "EU"). Checked after the speaker rules
    (``follow_speakers``) have had their chance; in a document with an author, "I" and "we" are the author's
    (``attribution.is_author``). Cached answers: the first real held-out set 0.648 → 0.653 open, 0.617 →
    0.623 codebook ("When" credited with two sentences of Mr Trump's); every other set unchanged."""
    if author is not None and is_author(who, author):
        return True
    if is_clause(who, lang):
        return False  # words copied from the sentence that the speaker rules could not replace by a name
    if who.strip(" .").lower() in NO_ONE:
        return False  # the model saying it does not know who speaks
    return bool(content_words(who)) or any(len(w) > 1 and w.isupper() for w in who.split())


def drop_unsupported(
    statements: list[PointedStatement], sentences: list[Sentence], example_claims: set[str], continued: set[int],
    author: str | None = None,
) -> list[PointedStatement]:
    """Drop what a small model made up: example claims echoed back, claims with no words from their sentence,
    and narration credited to an actor (a sentence that neither quotes, names nor refers to its speaker).
    ``continued``: the sentences that begin inside a quotation (``attribution.quotation_continuations``);
    ``author``: who a first-person document speaks for (they may voice any sentence no one else is credited with).
    """
    by_number = {s.n: s for s in sentences}
    index = {s.n: i for i, s in enumerate(sentences)}
    kept: list[PointedStatement] = []
    for st in statements:
        if st.sentence.n not in continued and describes_speaker(st.who, st.sentence):
            continue  # "Mr Navalny is an anti-corruption campaigner …", credited to Navalny: narration about him
        if not may_voice(st.who, st.sentence, continued=st.sentence.n in continued, author=author):
            # "The trial judge found that ...", credited to the man on trial: the described body speaks
            described = speaker_for_descriptor(st.who, st.sentence, sentences[:index.get(st.sentence.n, 0)])
            if described == st.who or not may_voice(described, st.sentence, continued=False):
                continue
            st = replace(st, who=described)
        near = " ".join(
            by_number[n].text for n in (st.sentence.n - 1, st.sentence.n, st.sentence.n + 1) if n in by_number
        )
        overlap = fuzz.token_set_ratio(norm_claim(st.claim), norm_claim(near))
        if norm_claim(st.claim) in example_claims and overlap < 80:
            continue
        if overlap < MIN_CLAIM_SUPPORT:
            continue
        kept.append(st)
    return kept


def join_continued_quotations(statements: list[PointedStatement], continued: set[int]) -> list[PointedStatement]:
    """A quotation that runs on into the next sentence is one statement: the later sentence joins the claim of the
    one before (same speaker, same stance), so its words become more evidence, not a claim of their own.

    For pointer answers, whose claims are sentence contents; statements sorted by sentence.
    """
    joined: list[PointedStatement] = []
    for st in statements:
        before = joined[-1] if joined else None
        if (
            before is not None
            and st.sentence.n in continued
            and opening_mark(st.sentence) is None  # a new paragraph of the quotation says a new thing
            and not bare_denial(before.claim, before.sentence.lang)  # "Nothing could be further from the truth."
            # what should be done is a claim of its own, if it can stand alone: "“Snowden expuso una grave mala
            # conducta. … Él debe ser indultado”, tuiteó." (not "It is time.")
            and not (states_a_norm(st.sentence, quoted=True) and not states_a_norm(before.sentence, quoted=True)
                     and len(st.claim.split()) >= MIN_WORDS)
            and st.sentence.n - before.sentence.n == 1
            and (st.who, st.stance) == (before.who, before.stance)
        ):
            if _a_reply(before.sentence):
                # 'The Northern Ireland secretary replied: "Yes.' then 'This does break international law …"': the
                # reply says nothing by itself, the quotation's next sentence is the claim of both
                joined[-1] = replace(before, claim=st.claim)
            else:
                st = PointedStatement(sentence=st.sentence, who=st.who, claim=before.claim, stance=st.stance)
        joined.append(st)
    return joined


REPLY_WORDS = 2  # a quotation this short that goes on in the next sentence is a reply ("Yes.", "No, no.")


def _a_reply(sentence: Sentence) -> bool:
    """The quotation the sentence ends in (it goes on in the next) has at most ``REPLY_WORDS`` words: the words
    after its last opening mark, or after a mark that opens and closes alike when it stands alone ('… replied:
    "Yes.')."""
    said = unclosed_quotation(sentence)
    return said is not None and 0 < len(said.split()) <= REPLY_WORDS


@dataclass
class SimilarClaims:
    """Open mode's claims: statements whose wording matches (``CLAIM_MERGE_SCORE``) are one claim, ids c1, c2, ..."""

    _claims: list[Claim] = field(default_factory=list)
    _keys: list[str] = field(default_factory=list)

    def claim_for(self, statement: PointedStatement) -> Claim:
        key = norm_claim(statement.claim)
        index = next(
            (i for i, k in enumerate(self._keys) if k == key or fuzz.token_set_ratio(k, key) >= CLAIM_MERGE_SCORE),
            None,
        )
        if index is None:
            self._claims.append(Claim(id=f"c{len(self._claims) + 1}", text=statement.claim.strip()))
            self._keys.append(key)
            index = len(self._claims) - 1
        return self._claims[index]

    def claims(self) -> list[Claim]:
        return self._claims


def merge_statements(text: str, statements: Sequence[PointedStatement]) -> tuple[list[Actor], list[Claim]]:
    """Canonical actors, then claims grouping equal propositions; no stance dropped, none duplicated."""
    return merge_stances(text, statements, SimilarClaims())


# ---------------------------------------------------------------------------
# The mode
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenPlan:
    """One article's windows and what their answers need to become claims."""

    article: SplitArticle
    windows: list[Window]
    requests: list[Request]
    candidates: set[int]
    continued: set[int]
    mode: OpenMode

    def merge(self, answers: Sequence[BaseModel]) -> tuple[list[Actor], list[Claim]]:
        return merge_statements(self.article.text, self.shared_statements(answers))

    def shared_statements(self, answers: Sequence[BaseModel]) -> list[PointedStatement]:
        """``statements``, with claims read off sentences shared within the article by rule (``share_claims``):
        a no-comment or a rejection then carries the claim it is about (codebook mode codes these too)."""
        statements = self.statements(answers)
        if is_pointer(self.mode.prompt.answer_shape):
            statements = share_claims(self.article.text, statements, author=self.article.author)
        return statements

    def statements(self, answers: Sequence[BaseModel]) -> list[PointedStatement]:
        """The answers' statements, pointed at sentences, checked and in sentence order (codebook mode codes these)."""
        pointed: list[PointedStatement] = []
        for request, window, answer in zip(self.requests, self.windows, answers, strict=True):
            found = point_statements(request.sentences, answer.items(), headline=self.article.headline)  # type: ignore[attr-defined]
            if self.mode.prompt.article_once:  # the model read the whole article: rows for other windows' sentences
                found = [st for st in found if st.sentence.n in window.candidates]  # are theirs to give
            pointed.extend(found)
        if self.article.author:
            pointed += authors_norms(self.article.sentences, self.candidates, self.continued, self.article.author,
                                     headline=self.article.headline)
        if is_pointer(self.mode.prompt.answer_shape):
            pointed += statements_the_model_skipped(self.article.sentences, self.candidates,
                                                    {st.sentence.n for st in pointed})
        # once for the whole article: each statement is checked on its own, and a long document stays linear
        reported = {s.n for s in self.article.sentences if s.n in self.candidates and continues_a_report(s)}
        statements = drop_unsupported(pointed, self.article.sentences, self.mode.example_claims,
                                      self.continued | reported, self.article.author)
        statements = [st for st in statements if not is_heading_question(st.sentence, self.article.text)]
        statements.sort(key=lambda s: s.sentence.n)
        statements = both_of_a_pair(statements, self.article.sentences)
        statements = follow_speakers(statements, self.article.sentences, self.article.text, self.continued)
        # "Berlin (CNN) — ...": the outlet narrates, it takes no side; "LONDON (REUTERS) –" was filed from London
        outlet, place = dateline(self.article.text)
        statements = [st for st in statements if names_someone(st.who, self.article.author, st.sentence.lang)
                      and not is_narrator(st.who, outlet) and not is_narrator(st.who, place)]
        statements = reports_continued(joined_subjects(second_speakers(statements), self.article.sentences), reported)
        if is_pointer(self.mode.prompt.answer_shape):  # claims in the sentence's words: a second one can be cut off
            statements = join_continued_quotations(added_statements(statements), self.continued)
        return statements

    @property
    def one_slot(self) -> bool:
        """Every request starts with the whole article: one server slot reads it once for all of them."""
        return self.mode.prompt.article_once and self.mode.pin_slot

    def params(self, response_format: str) -> dict[str, object]:
        claims_in = {"claims_in": self.mode.claims_in} if self.mode.claims_in else {}  # results say so only when set
        return {"windows": len(self.windows), "candidate_sentences": len(self.candidates),
                "response_format": response_format, **claims_in}


class OpenMode:
    """Open extraction with one prompt folder; ``window_candidates`` candidate sentences per request."""

    def __init__(self, prompt: Prompt, window_candidates: int, claims_in: str | None = None) -> None:
        if claims_in and is_pointer(prompt.answer_shape):
            raise PromptError(f"--claims-in needs a prompt where the model writes the claims (--prompt extract): "
                              f"with {prompt.name} the claims are the article's own sentences")
        self.prompt = prompt
        self.window_candidates = window_candidates
        self.claims_in = claims_in  # the language claims are written in; None: each article's own
        self.pin_slot = True  # article_once prompts: an article's requests in one slot (bench turns it off to compare)
        self.example_claims = {  # a small model echoing an example back is not a claim of the article
            norm_claim(st.claim)
            for ex in prompt.examples
            for st in prompt.answer_shape.model_validate(ex["answer"]).items()
            if st.claim is not None
        }

    @property
    def prompt_info(self) -> PromptInfo:
        return PromptInfo(name=self.prompt.name, hash=self.prompt.hash)

    def plan(self, article: SplitArticle) -> OpenPlan:
        sentences, headline = article.sentences, article.headline
        candidates = find_candidates(sentences, headline=headline, first_person=article.author is not None)
        windows = candidate_windows(sentences, candidates, self.window_candidates)
        headline_text = sentences[0].text if headline else None
        # "" for an English news article: its messages stay as they were. A pointer answer writes no claim.
        language = "" if is_pointer(self.prompt.answer_shape) else claims_note(article.language, self.claims_in)
        note = "\n".join(n for n in (author_note(article.author), language) if n)  # "" for a news article in English
        requests = []
        # article_once: the whole article, the same text in every request, so the server's prompt cache reads it once
        whole = render_lines(sentences[1:] if headline else sentences, candidates, headline_text)
        cited_all = [s for s in sentences if s.n in candidates]
        for window in windows:
            answer_model = model_answer_for(min(MAX_STATEMENTS, 2 * len(window.candidates) + 2), self.prompt.answer_shape)
            cited = [s for s in window.sentences if s.n in window.candidates]
            if self.prompt.article_once:
                messages = self.prompt.messages(whole, context_note=note, window=window_numbers(window.candidates))
                cited = cited_all  # a number is exact here; statements() keeps the window's own
            else:
                lines = render_lines([*window.context, *window.sentences], window.candidates, headline_text)
                messages = self.prompt.messages(lines, context_note=note)
            requests.append(Request(messages=messages, answer_model=answer_model, sentences=cited))
        continued = quotation_continuations(sentences, headline=headline)
        return OpenPlan(article=article, windows=windows, requests=requests, candidates=candidates,
                        continued=continued, mode=self)
