"""One article end to end: sentences -> chunks -> model -> grounded, merged ArticleResult.

The model answers with sentence numbers; evidence is the quotation inside
that sentence (or the sentence itself), located by construction, so grounding
is exact. Long articles are split into paragraph-aligned chunks with a small
overlap; chunk answers are merged without losing or duplicating a stance.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rapidfuzz import fuzz

from stance._version import __version__
from stance.text.actors import canonicalise
from stance.text.attribution import (
    find_candidates,
    may_voice,
    names_a_speaker,
    quotation_continuations,
    render_lines,
    speaker_for,
)
from stance.config import Settings
from stance.text.grounding import span_evidence
from stance.model.client import ChatResult, LLMClient, LLMError
from stance.text.polarity import settle_stance
from stance.extraction.prompts import Prompt
from stance.text.reported import report_of
from stance.extraction.answers import MAX_STATEMENTS, ModelStatement, PointerAnswer, model_answer_for
from stance.results import ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance, Usage
from stance.text.sentences import Sentence, quoted_spans, split_sentences

CHARS_PER_TOKEN = 4.0
OVERLAP_SENTENCES = 2
CLAIM_MERGE_SCORE = 88.0
CONTEXT_SENTENCES = 2
QUOTE_RELEVANCE = 50.0  # partial similarity (0-100) a quotation needs to the claim to be its evidence
ATTRIBUTION_WORDS = 8  # words outside the quotations beyond which a sentence says more than who spoke
MIN_CLAIM_SUPPORT = 40.0  # token-set similarity (0-100) between a claim and its sentence and neighbours


class ExtractionError(LLMError):
    """One article failed for good: a model call's ``LLMError`` carried over, or the text itself (``empty``)."""


@dataclass(frozen=True)
class Chunk:
    sentences: list[Sentence]

    @property
    def numbers(self) -> set[int]:
        return {s.n for s in self.sentences}


@dataclass(frozen=True)
class PointedStatement:
    """A model statement resolved to a sentence of the article."""

    sentence: Sentence
    who: str
    claim: str
    stance: str


def article_info(text: str, article_id: str, path: str, title: str | None = None) -> ArticleInfo:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return ArticleInfo(
        id=article_id,
        path=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=title if title is not None else first_line[:300],
    )


def chunk_sentences(sentences: list[Sentence], text: str, max_tokens: int, overlap: int = OVERLAP_SENTENCES) -> list[Chunk]:
    """Paragraph-aware chunks of at most ~max_tokens, each repeating the last ``overlap`` sentences."""
    budget = max(200, int(max_tokens * CHARS_PER_TOKEN))
    total = sum(len(s.text) + 8 for s in sentences)
    if total <= budget:
        return [Chunk(sentences)]
    # paragraphs = runs of sentences on the same line
    paragraphs: list[list[Sentence]] = []
    for sentence in sentences:
        if paragraphs and "\n" not in text[paragraphs[-1][-1].end:sentence.start]:
            paragraphs[-1].append(sentence)
        else:
            paragraphs.append([sentence])
    n_chunks = -(-total // budget)
    target = total / n_chunks  # balance chunk sizes so parallel slots finish together
    chunks: list[list[Sentence]] = [[]]
    size = 0
    for paragraph in paragraphs:
        p_size = sum(len(s.text) + 8 for s in paragraph)
        if chunks[-1] and size + p_size > target * 1.15 and len(chunks) < n_chunks + 2:
            chunks.append(list(chunks[-1][-overlap:]) if overlap else [])
            size = sum(len(s.text) + 8 for s in chunks[-1])
        chunks[-1].extend(paragraph)
        size += p_size
    return [Chunk(c) for c in chunks if c]


def _evidence_for(text: str, sentence: Sentence, claim: str) -> Evidence:
    """The quotation that carries the claim, else the whole sentence.

    A quotation that does not resemble the claim is still the evidence when the
    rest of the sentence is only the attribution ("..., he said."), but not when
    the sentence makes its point outside the quotation and quotes something else.
    """
    spans = quoted_spans(sentence)
    if not spans:
        return span_evidence(text, sentence.start, sentence.end)
    relevance, start, end = max((fuzz.partial_ratio(claim.lower(), text[a:b].lower()), a, b) for a, b in spans)
    outside = text[sentence.start:sentence.end]
    for a, b in sorted(spans, reverse=True):
        outside = outside[: a - sentence.start] + outside[b - sentence.start:]
    if relevance < QUOTE_RELEVANCE and len(outside.split()) > ATTRIBUTION_WORDS:
        return span_evidence(text, sentence.start, sentence.end)
    return span_evidence(text, start, end)


def _norm_claim(claim: str) -> str:
    return re.sub(r"[^\w\s]", "", claim.lower()).strip()


def merge_statements(text: str, statements: list[PointedStatement]) -> tuple[list, list[Claim]]:
    """Canonical actors, then claims grouping equal propositions; no stance dropped, none duplicated."""
    mapping, actors = canonicalise([s.who for s in statements], text)
    claims: list[Claim] = []
    claim_keys: list[str] = []
    for st in statements:
        actor = mapping.get(st.who.strip(), st.who.strip())
        key = _norm_claim(st.claim)
        index = next(
            (i for i, k in enumerate(claim_keys) if k == key or fuzz.token_set_ratio(k, key) >= CLAIM_MERGE_SCORE),
            None,
        )
        if index is None:
            claims.append(Claim(id=f"c{len(claims) + 1}", text=st.claim.strip()))
            claim_keys.append(key)
            index = len(claims) - 1
        claim = claims[index]
        evidence = _evidence_for(text, st.sentence, st.claim)
        existing = next((s for s in claim.stances if s.actor == actor and s.stance == st.stance), None)
        if existing is None:
            claim.stances.append(Stance(actor=actor, stance=st.stance, evidence=[evidence]))  # type: ignore[arg-type]
        elif all((e.start, e.end) != (evidence.start, evidence.end) for e in existing.evidence):
            existing.evidence.append(evidence)
    used = {s.actor for c in claims for s in c.stances}
    return [a for a in actors if a.name in used], claims


POINTER_WINDOW = 6
POINTER_TRUST = 30.0  # distance penalty for pointer answers: the speaker's name (+25) never outweighs a step


def _surname(name: str) -> str:
    words = re.findall(r"[\w’'-]+", name)
    return words[-1].lower() if words else ""


def _pointer_score(sentence: Sentence, previous: Sentence | None, who: str, claim: str) -> float:
    """How well a sentence carries (who, claim): word overlap with the claim, plus the speaker named nearby."""
    score = fuzz.token_set_ratio(claim.lower(), sentence.text.lower())
    surname = _surname(who)
    if surname and len(surname) > 2:
        if surname in sentence.text.lower():
            score += 25
        elif previous is not None and surname in previous.text.lower():
            score += 5
    return score


def repoint(
    sentences: Sequence[Sentence], number: int, who: str, claim: str, *, headline: bool, distance_penalty: float = 2.0
) -> Sentence | None:
    """The sentence a statement belongs to: small models miscount, so check the neighbours of the number given.

    ``distance_penalty`` per sentence away from the given number decides how far claim words and the
    speaker's name may pull a pointer (codebook claims share fewer words with their sentence, so it trusts
    the number more).
    """
    by_number = {s.n: s for s in sentences}
    candidates = [
        by_number[n]
        for n in range(number - POINTER_WINDOW, number + POINTER_WINDOW + 1)
        if n in by_number and not (headline and n == 1)
    ]
    if not candidates:
        return None
    def score(sentence: Sentence) -> float:
        distance = abs(sentence.n - number) * distance_penalty  # near the number the model gave wins ties
        return _pointer_score(sentence, by_number.get(sentence.n - 1), who, claim) - distance
    return max(candidates, key=score)


def _point(chunk: Chunk, statements: list[ModelStatement], *, headline: bool) -> list[PointedStatement]:
    pointed: list[PointedStatement] = []
    seen: set[tuple[int, str, str]] = set()
    for st in statements:
        if st.claim is None:  # a pointer: trust its number, only mend one outside the chunk's sentences
            sentence = repoint(chunk.sentences, st.s, st.who, "", headline=headline, distance_penalty=POINTER_TRUST)
        else:
            sentence = repoint(chunk.sentences, st.s, st.who, st.claim, headline=headline)
        if sentence is None:
            continue  # a number far outside this chunk: nothing to ground it on
        if st.claim is None:
            report = report_of(sentence)
            claim = report.content
            model_stance = "oppose" if report.denied else st.stance  # the claim is what the speaker denied
        else:
            claim, model_stance = st.claim.strip(), st.stance
        who = speaker_for(st.who.strip(), sentence)
        key = (sentence.n, who.lower(), _norm_claim(claim))
        if key in seen:
            continue
        seen.add(key)
        stance = settle_stance(claim, model_stance, sentence)
        pointed.append(PointedStatement(sentence=sentence, who=who, claim=claim, stance=stance))
    return pointed


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
    for sentence in sentences:
        if sentence.n in candidates and count == per_window:
            windows.append(_window(sentences, current, candidates, context))
            current, count = [], 0
        if sentence.n in candidates:
            count += 1
        if count or sentence.n in candidates:
            current.append(sentence)
    if count:
        windows.append(_window(sentences, current, candidates, context))
    return windows


def _window(all_sentences: list[Sentence], run: list[Sentence], candidates: set[int], context: int) -> Window:
    # trailing non-candidates add nothing
    while run and run[-1].n not in candidates:
        run = run[:-1]
    first = run[0].n - 1  # index of the run's first sentence
    before = [s for s in all_sentences[max(0, first - context):first] if s.n != 1]
    if not any(names_a_speaker(s) for s in [*before, run[0]]):
        # a quotation that started earlier: show who was speaking ("..., she said" needs a "she")
        speaker = next((s for s in reversed(all_sentences[1:max(0, first - context)]) if names_a_speaker(s)), None)
        if speaker is not None:
            before = [speaker, *before]
    return Window(context=before, sentences=run, candidates={s.n for s in run if s.n in candidates})


def drop_unsupported(
    statements: list[PointedStatement], sentences: list[Sentence], example_claims: set[str], continued: set[int]
) -> list[PointedStatement]:
    """Drop what a small model made up: example claims echoed back, claims with no words from their sentence,
    and narration credited to an actor (a sentence that neither quotes, names nor refers to its speaker).
    ``continued``: the sentences that begin inside a quotation (``attribution.quotation_continuations``).
    """
    by_number = {s.n: s for s in sentences}
    kept: list[PointedStatement] = []
    for st in statements:
        if not may_voice(st.who, st.sentence, continued=st.sentence.n in continued):
            continue
        near = " ".join(
            by_number[n].text for n in (st.sentence.n - 1, st.sentence.n, st.sentence.n + 1) if n in by_number
        )
        overlap = fuzz.token_set_ratio(_norm_claim(st.claim), _norm_claim(near))
        if _norm_claim(st.claim) in example_claims and overlap < 80:
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
            and st.sentence.n - before.sentence.n == 1
            and (st.who, st.stance) == (before.who, before.stance)
        ):
            st = PointedStatement(sentence=st.sentence, who=st.who, claim=before.claim, stance=st.stance)
        joined.append(st)
    return joined


def extract_text(
    text: str,
    article: ArticleInfo,
    *,
    llm: LLMClient,
    prompt: Prompt,
    settings: Settings,
) -> ArticleResult:
    """Extract one article. Raises ``ExtractionError`` with a kind and one-line message on failure."""
    if settings.codebook is not None:  # codebook mode (with --also-open, it runs this open mode too)
        from stance.extraction.codebook import extract_codebook_text

        return extract_codebook_text(text, article, llm=llm, prompt=prompt, settings=settings)
    started = time.monotonic()
    sentences = split_sentences(text)
    if not sentences:
        raise ExtractionError("empty", "the article has no text")
    has_headline = "\n" in text.strip()  # FORMAT: first line is the headline, never evidence
    headline = sentences[0].text if has_headline else None
    candidates = find_candidates(sentences, headline=has_headline)
    continued = quotation_continuations(sentences, headline=has_headline)
    windows = candidate_windows(sentences, candidates, settings.window_candidates)
    example_claims = {
        _norm_claim(st.claim)
        for ex in prompt.examples
        for st in prompt.answer_shape.model_validate(ex["answer"]).items()
        if st.claim is not None
    }

    def run_window(window: Window) -> ChatResult:
        lines = render_lines([*window.context, *window.sentences], window.candidates, headline)
        answer_model = model_answer_for(min(MAX_STATEMENTS, 2 * len(window.candidates) + 2), prompt.answer_shape)
        return llm.complete_json(prompt.messages(lines), answer_model)

    workers = max(1, min(len(windows), settings.parallel))
    try:
        if workers == 1:
            answers = [run_window(w) for w in windows]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                answers = list(pool.map(run_window, windows))
    except LLMError as exc:
        raise ExtractionError(exc.kind, exc.message, attempts=exc.attempts, raw_output=exc.raw_output) from None

    statements: list[PointedStatement] = []
    for window, answer in zip(windows, answers):
        cited = [s for s in window.sentences if s.n in window.candidates]
        pointed = _point(Chunk(cited), answer.answer.items(), headline=has_headline)  # type: ignore[attr-defined]
        statements.extend(drop_unsupported(pointed, sentences, example_claims, continued))
    statements.sort(key=lambda s: s.sentence.n)
    if prompt.answer_shape is PointerAnswer:
        statements = join_continued_quotations(statements, continued)
    actors, claims = merge_statements(text, statements)
    params = {
        **settings.request_params(),
        "windows": len(windows),
        "candidate_sentences": len(candidates),
        "response_format": llm.response_format_mode,
    }
    provenance = provenance_of(answers, llm=llm, prompt=PromptInfo(name=prompt.name, hash=prompt.hash),
                               params=params, started=started)
    return ArticleResult(article=article, actors=actors, claims=claims, provenance=provenance)


def provenance_of(
    answers: Sequence[ChatResult], *, llm: LLMClient, prompt: PromptInfo, params: dict, started: float
) -> Provenance:
    """Where one article's result came from: usage summed, the most attempts, cached only if every answer was."""
    return Provenance(
        model=llm.model_name,
        endpoint=llm.endpoint_label,
        prompt=prompt,
        params=params,
        usage=sum((a.usage for a in answers), Usage()),
        attempts=max((a.attempts for a in answers), default=1),
        seconds=round(time.monotonic() - started, 3),
        cached=all(a.cached for a in answers),
        stance_version=__version__,
    )
