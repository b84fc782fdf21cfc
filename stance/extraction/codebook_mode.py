"""Codebook mode: the user names the claims; the model says which actors take which stance on each.

The model answers in the same cheap way as open mode: per item a sentence
number, an actor, a claim id and a stance (``CodebookAnswer``, bounded). Ids
the codebook does not have are dropped; an actor who does not address a claim
gets no stance. Evidence is the quotation in the sentence pointed at (or the
sentence itself), exact by construction (``stance.extraction.merging``).
Every result claim carries the codebook id (``Claim.id == Claim.codebook_id``)
and the codebook text.

The prompt identity recorded in provenance (and compared by batch resume)
hashes the templates together with the codebook's canonical JSON, and the
codebook text is part of every request (so of every response-cache key): runs
with different codebooks never mix. Long articles are split into
paragraph-aligned chunks with a small overlap.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from stance.config import Settings
from stance.extraction.answers import MAX_NAME_CHARS
from stance.extraction.article import Request, SplitArticle
from stance.extraction.codebook import MAX_ID_CHARS, Codebook, CodebookError, load_codebook, one_line, validation_message
from stance.extraction.merging import PointedStatement, combine_with_open, merge_stances
from stance.extraction.open_mode import OpenMode, OpenPlan, merge_statements
from stance.extraction.pointing import repoint
from stance.extraction.prompts import Prompt, PromptError, fence_text, load_prompt
from stance.extraction.retrieval import MIN_OVERLAP, CodebookIndex, Coded, content_words, side_on_proposal
from stance.extraction.sharing import LEDE_SENTENCES
from stance.results import Actor, Claim, PromptInfo, StanceLabel
from stance.text.attribution import (
    in_authors_voice,
    phrase_head,
    proposes,
    side_of,
)
from stance.text.polarity import noncommittal
from stance.text.sentences import Sentence, number_sentences, split_sentences

CODEBOOK_PROMPT = "codebook"  # prompts/codebook/
# Sentences a pointer may move per point of word overlap: in codebook mode the
# claim text is the user's, not the model's paraphrase of the sentence, so a
# number is trusted more than in open mode. Measured on the dev fixtures with
# gold pointers: 163/185 correct numbers kept (88%, vs 134 with open mode's
# 2 per sentence) and 141/185 off-by-one numbers repaired (vs 131).
POINTER_DISTANCE_PENALTY = 12
# Items per answer: 8 + 3 per codebook claim, at most 40 (~25 tokens each, within max_tokens 1200).
# Open mode's 24 cut off 7 of the 185 dev-fixture pairs with gold codebooks (two articles hold 27 and 28).
MAX_CODEBOOK_STATEMENTS = 40
CHARS_PER_TOKEN = 4.0
OVERLAP_SENTENCES = 2


# ---------------------------------------------------------------------------
# What the model answers (bounded, generated from these models)
# ---------------------------------------------------------------------------


class CodebookStatement(BaseModel):
    """One actor taking one stance on one codebook claim, pointing at a numbered sentence."""

    model_config = ConfigDict(extra="forbid")

    s: int = Field(ge=1, le=9999, description="number of the sentence where the actor takes the position")
    who: str = Field(min_length=1, max_length=MAX_NAME_CHARS, description="the actor, full name")
    c: str = Field(min_length=1, max_length=MAX_ID_CHARS, description="id of the codebook claim")
    stance: StanceLabel


class CodebookAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statements: list[CodebookStatement] = Field(default_factory=list, max_length=MAX_CODEBOOK_STATEMENTS)


def max_statements(n_claims: int) -> int:
    """The bound on items for a codebook of ``n_claims``: small codebooks get a tight one (small models loop)."""
    return min(MAX_CODEBOOK_STATEMENTS, 8 + 3 * n_claims)


@functools.lru_cache(maxsize=256)
def answer_model(ids: tuple[str, ...]) -> type[CodebookAnswer]:
    """``CodebookAnswer`` whose schema lists the codebook's ids as an enum for ``c`` (items: ``max_statements``).

    Endpoints that honour json_schema can then only write known ids; the
    validation itself accepts any short string, so an unknown id from an
    endpoint that ignores the schema is dropped instead of costing a re-ask.
    """
    statement = create_model(
        "CodebookStatement",
        __base__=CodebookStatement,
        c=(str, Field(min_length=1, max_length=MAX_ID_CHARS, description="id of the codebook claim",
                      json_schema_extra={"enum": list(ids)})),
    )
    return create_model(
        "CodebookAnswer",
        __base__=CodebookAnswer,
        statements=(list[statement], Field(default_factory=list, max_length=max_statements(len(ids)))),
    )


# ---------------------------------------------------------------------------
# The prompt: templates + codebook, with one identity over both
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodebookPrompt(Prompt):
    """A codebook prompt folder bound to one codebook.

    ``name``/``hash`` (what provenance records and batch resume compares) cover
    the templates, the codebook content and, with ``open_prompt``, the open
    prompt too. ``template_hash`` is the folder's own hash.
    """

    codebook: Codebook
    template_hash: str = ""
    example_messages: tuple[tuple[str, str], ...] = ()
    open_prompt: Prompt | None = None

    @property
    def answer_model(self) -> type[CodebookAnswer]:
        return answer_model(tuple(self.codebook.ids))

    def messages(self, numbered_sentences: str, **variables: Any) -> list[dict[str, str]]:
        """System prompt, few-shot turns (each with its own small codebook), then codebook + article."""
        messages = [{"role": "system", "content": self.system_template.render().strip()}]
        for user, assistant in self.example_messages:
            messages.append({"role": "user", "content": user})
            messages.append({"role": "assistant", "content": assistant})
        note = str(variables.get("context_note") or "")
        messages.append({"role": "user", "content": _render_user(self.user_template, self.codebook, numbered_sentences, note)})
        return messages



def prompt_names(settings: Settings) -> tuple[str, str]:
    """(codebook prompt folder, open prompt folder): ``--prompt codebook*`` picks the codebook prompt."""
    if settings.prompt and settings.prompt.startswith(CODEBOOK_PROMPT):
        return settings.prompt, settings.model_copy(update={"prompt": None}).prompt_name
    return CODEBOOK_PROMPT, settings.prompt_name


# Like prompts.fence_text for the <codebook> fence: an article cannot open or close it.
_CODEBOOK_TAGS = re.compile(r"<(?=\s*/?\s*codebook\b)", re.IGNORECASE)


def fence(text: str) -> str:
    """Text that cannot break the prompt's <article> or <codebook> fences or forge a chat turn."""
    return _CODEBOOK_TAGS.sub("\u2039", fence_text(text))


def _render_user(template: Any, codebook: Codebook, numbered_sentences: str, context_note: str) -> str:
    """user.j2 gets ``claims`` (CodebookClaim list), ``ids``, ``numbered_sentences`` (fenced) and ``context_note``.

    The codebook is the user's own text; the article is not, so only it is fenced.
    """
    return template.render(
        claims=codebook.claims, ids=", ".join(codebook.ids), numbered_sentences=fence(numbered_sentences),
        context_note=context_note,
    ).strip()


def _example_messages(base: Prompt) -> tuple[tuple[str, str], ...]:
    """Few-shot turns from examples.json: ``[{codebook: [claims], article, answer: {statements}}]``."""
    turns = []
    for i, example in enumerate(base.examples, start=1):
        where = f"prompt {base.name!r}: examples.json example {i}"
        if not isinstance(example, dict) or not {"codebook", "article", "answer"} <= set(example):
            raise PromptError(f"{where}: needs 'codebook', 'article' and 'answer'")
        try:
            codebook = Codebook.model_validate({"claims": example["codebook"]})
        except ValidationError as exc:
            raise PromptError(f"{where}: codebook: {validation_message(exc, {'claims': example['codebook']})}") from None
        try:
            answer = answer_model(tuple(codebook.ids)).model_validate(example["answer"])
        except ValidationError as exc:
            raise PromptError(f"{where}: answer does not match the schema: {exc.errors()[0]['msg']}") from None
        unknown = sorted({st.c for st in answer.statements if codebook.get(st.c) is None})
        if unknown:
            raise PromptError(f"{where}: answer uses ids not in its codebook: {', '.join(unknown)}")
        numbered = number_sentences(split_sentences(example["article"]))
        user = _render_user(base.user_template, codebook, numbered, "")
        turns.append((user, json.dumps(example["answer"], ensure_ascii=False)))
    return tuple(turns)


def prompt_identity(template_hash: str, codebook: Codebook, open_prompt: Prompt | None) -> str:
    """16 hex digits over the template hash, the codebook's canonical JSON and the open prompt (if any)."""
    digest = hashlib.sha256()
    digest.update(b"codebook\0" + template_hash.encode() + b"\0" + codebook.canonical_json().encode("utf-8"))
    if open_prompt is not None:
        digest.update(b"\0open\0" + open_prompt.name.encode() + b"\0" + open_prompt.hash.encode())
    return digest.hexdigest()[:16]


def load_codebook_prompt(settings: Settings, codebook: Codebook | None = None) -> CodebookPrompt:
    """The codebook prompt for ``settings.codebook`` (or ``codebook``); raises ``CodebookError``/``PromptError``."""
    if codebook is None:
        if settings.codebook is None:
            raise CodebookError("no codebook given (--codebook FILE)")
        codebook = load_codebook(settings.codebook)
    cb_name, open_name = prompt_names(settings)
    base = load_prompt(cb_name, settings.prompts_dir)
    open_prompt = load_prompt(open_name, settings.prompts_dir) if settings.also_open else None
    try:
        examples = _example_messages(base)
        base.system_template.render()
        _render_user(base.user_template, codebook, "[1] (test)", "")
    except jinja2.TemplateError as exc:  # e.g. a variable the templates do not get
        raise PromptError(f"prompt {base.name!r} does not render: {one_line(str(exc))}") from None
    return CodebookPrompt(
        name=base.name + (f"+{open_prompt.name}" if open_prompt is not None else ""),
        folder=base.folder,
        hash=prompt_identity(base.hash, codebook, open_prompt),
        system_template=base.system_template,
        user_template=base.user_template,
        examples=base.examples,
        codebook=codebook,
        template_hash=base.hash,
        example_messages=examples,
        open_prompt=open_prompt,
    )


# ---------------------------------------------------------------------------
# One article: chunks, pointing, claims keyed by codebook id
# ---------------------------------------------------------------------------


def chunk_sentences(
    sentences: list[Sentence], text: str, max_tokens: int, overlap: int = OVERLAP_SENTENCES
) -> list[list[Sentence]]:
    """Paragraph-aware chunks of at most ~max_tokens, each repeating the last ``overlap`` sentences."""
    budget = max(200, int(max_tokens * CHARS_PER_TOKEN))
    total = sum(len(s.text) + 8 for s in sentences)
    if total <= budget:
        return [sentences]
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
    return [c for c in chunks if c]


def point_statements(
    sentences: Sequence[Sentence], statements: Sequence[CodebookStatement], codebook: Codebook, *, headline: bool
) -> list[PointedStatement]:
    """Resolve one chunk's answer: unknown ids and numbers far outside the chunk are dropped, repeats removed."""
    points: list[PointedStatement] = []
    seen: set[tuple[int, str, str, str]] = set()
    for st in statements:
        claim = codebook.get(st.c)
        who = st.who.strip()
        if claim is None or not who:
            continue
        sentence = repoint(sentences, st.s, who, claim.text, headline=headline,
                           distance_penalty=POINTER_DISTANCE_PENALTY)
        if sentence is None:
            continue
        key = (sentence.n, who.casefold(), claim.id, st.stance)
        if key not in seen:
            seen.add(key)
            points.append(PointedStatement(sentence=sentence, who=who, claim=claim.text, stance=st.stance,
                                           codebook_id=claim.id))
    return points


@dataclass
class CodebookClaims:
    """Codebook mode's claims: one per codebook id, in codebook order; claims nobody addressed are left out.

    The same actor with different labels on one claim (say, support in one
    chunk and oppose in another) keeps both stances with their evidence;
    tables show such a cell as ``mixed``.
    """

    codebook: Codebook
    _by_id: dict[str, Claim] = field(default_factory=dict)

    def claim_for(self, statement: PointedStatement) -> Claim:
        cid = statement.codebook_id or ""
        return self._by_id.setdefault(cid, Claim(id=cid, text=statement.claim, codebook_id=cid))

    def claims(self) -> list[Claim]:
        return [self._by_id[c.id] for c in self.codebook.claims if c.id in self._by_id]


@dataclass(frozen=True)
class CodebookPlan:
    """One article's chunks; with ``--also-open``, the open plan's windows are asked after them."""

    article: SplitArticle
    chunks: list[list[Sentence]]
    requests: list[Request]
    codebook: Codebook
    open_plan: OpenPlan | None

    def merge(self, answers: Sequence[BaseModel]) -> tuple[list[Actor], list[Claim]]:
        points: list[PointedStatement] = []
        for chunk, answer in zip(self.chunks, answers[:len(self.chunks)], strict=True):  # the open plan's come after
            points.extend(point_statements(chunk, answer.statements, self.codebook,  # type: ignore[attr-defined]
                                           headline=self.article.headline))
        merged = merge_stances(self.article.text, points, CodebookClaims(self.codebook))
        if self.open_plan is None:
            return merged
        return combine_with_open(self.article.text, merged, self.open_plan.merge(answers[len(self.chunks):]))

    def params(self, response_format: str) -> dict[str, object]:
        codebook = self.codebook
        return {"chunks": len(self.chunks), "response_format": response_format,
                "codebook_claims": len(codebook.claims), "codebook_sha256": codebook.digest()[:16],
                "also_open": self.open_plan is not None}


class CodebookMode:
    """Codebook extraction with one codebook prompt (and its open prompt, with ``--also-open``)."""

    def __init__(self, prompt: CodebookPrompt, chunk_tokens: int, window_candidates: int) -> None:
        self.prompt = prompt
        self.chunk_tokens = chunk_tokens
        self.open_mode = OpenMode(prompt.open_prompt, window_candidates) if prompt.open_prompt is not None else None
        self.base_prompt = PromptInfo(name=prompt.name.split("+")[0], hash=prompt.template_hash)

    @property
    def prompt_info(self) -> PromptInfo:
        return PromptInfo(name=self.prompt.name, hash=self.prompt.hash)

    def plan(self, article: SplitArticle) -> CodebookPlan:
        chunks = chunk_sentences(article.sentences, article.text, self.chunk_tokens)
        answer_model = self.prompt.answer_model
        requests = []
        for chunk in chunks:
            note = ""
            if len(chunks) > 1:
                note = f"(This is part of a longer article: sentences {chunk[0].n} to {chunk[-1].n}.)"
            messages = self.prompt.messages(number_sentences(chunk), context_note=note)
            requests.append(Request(messages=messages, answer_model=answer_model, sentences=chunk))
        open_plan = self.open_mode.plan(article) if self.open_mode is not None else None
        if open_plan is not None:
            requests.extend(open_plan.requests)
        return CodebookPlan(article=article, chunks=chunks, requests=requests, codebook=self.prompt.codebook,
                            open_plan=open_plan)


# ---------------------------------------------------------------------------
# The default: statements found as in open mode, coded against the codebook without the model
# ---------------------------------------------------------------------------

RETRIEVE_METHOD_VERSION = "retrieve-7"  # part of the prompt identity: change it when coding changes results


@functools.lru_cache(maxsize=4096)
def _proposal_words(claim: str, lang: str) -> frozenset[str] | None:
    """A codebook claim's content words when it proposes something (``attribution.proposes``), else None: what a
    side taken by a verb can be on. Read once per claim, not per statement that takes a side."""
    return content_words(claim) if proposes(claim, lang) else None


@dataclass(frozen=True)
class RetrievalPlan:
    """Open mode's requests for one article; their statements coded against the codebook by ``CodebookIndex``."""

    article: SplitArticle
    open_plan: OpenPlan
    codebook: Codebook
    index: CodebookIndex
    also_open: bool

    @property
    def requests(self) -> list[Request]:
        return self.open_plan.requests

    def merge(self, answers: Sequence[BaseModel]) -> tuple[list[Actor], list[Claim]]:
        statements = self.open_plan.shared_statements(answers)
        lang = self.article.language
        coded: list[PointedStatement] = []
        lede = self._lede_claim()
        # a sentence the sharing rules split between two statements of one speaker ("declined to comment on the sale
        # talks, saying the lawsuit was a parallel process") is coded by each statement's own claim, not the sentence
        per_sentence = Counter((st.sentence.n, st.who) for st in statements)
        for st in statements:
            context = st.sentence.text if per_sentence[st.sentence.n, st.who] == 1 else st.claim
            hits = self.index.code_statement(st.claim, context, st.stance, lang=lang)
            # a side taken by a verb, read in the sentence: the short claim may have cut it ("..., seeking to overturn")
            taken = side_of(st.sentence, st.who)
            side, thing = (taken.on_claim(context) if taken is not None else None) or (None, None)
            if side is not None and thing is not None:
                hits = [self._side_on(side, thing, hit, lang) for hit in hits]
                hits += self._side_named(side, thing, {hit.claim_id for hit in hits}, lang)
            if not hits and lede is not None:  # "said he would vote for it": for or against what the article is about
                proposal = self.codebook.get(lede)
                side, governed = (taken.side, taken.governed) if taken is not None else (None, None)
                if side is not None and governed is not None and proposal is not None:
                    side = side_on_proposal(side, governed, proposal.text, lang)  # "campaigned against fluoridation"
                hits = [Coded(claim_id=lede, stance=side, score=0.0)] if side is not None else []
            coded += self._statements(st.sentence, st.who, hits)
        if self.article.author:
            coded += self._authors_own(self.article.author, {st.sentence.n for st in statements})
        merged = merge_stances(self.article.text, coded, CodebookClaims(self.codebook))
        if not self.also_open:
            return merged
        return combine_with_open(self.article.text, merged, merge_statements(self.article.text, statements))

    def _side_on(self, side: str, thing: str, hit: Coded, lang: str) -> Coded:
        """``hit`` with the side the speaker takes by a verb on a thing the codebook claim names: "filed a lawsuit
        against the president's ban on WeChat" opposes "WeChat should be banned", whatever the statement's own
        stance (the claim it was given is its own sentence, which it "supports"). Only for a claim that proposes
        something: a lawsuit against a fine does not deny "the fine is unjustified"."""
        claim = self.codebook.get(hit.claim_id)
        words = _proposal_words(claim.text, lang) if claim is not None else None
        if claim is None or words is None or not content_words(thing) & words:
            return hit
        return Coded(claim_id=hit.claim_id, stance=side_on_proposal(side, thing, claim.text, lang), score=hit.score)

    def _side_named(self, side: str, thing: str, coded: set[str], lang: str) -> list[Coded]:
        """The proposing claim that the thing a side is taken on names by its head word ("backed the rezoning" →
        "The Bruckner Boulevard rezoning ... should go ahead"), when the statement's words were closer to another
        claim or to none: a long codebook claim shares few words with a short sentence. Only one claim may hold
        the head word; none already coded for the statement."""
        head = phrase_head(thing, lang)
        if head is None:
            return []
        named = content_words(head)
        found = [c for c in self.codebook.claims
                 if (words := _proposal_words(c.text, lang)) is not None and named <= words]
        if len(found) != 1 or found[0].id in coded:
            return []
        return [Coded(claim_id=found[0].id, stance=side_on_proposal(side, thing, found[0].text, lang), score=0.0)]

    def _statements(self, sentence: Sentence, who: str, hits: Sequence[Coded]) -> list[PointedStatement]:
        out = []
        for hit in hits:
            claim = self.codebook.get(hit.claim_id)
            if claim is not None:
                out.append(PointedStatement(sentence=sentence, who=who, claim=claim.text, stance=hit.stance,
                                            codebook_id=claim.id))
        return out

    def _lede_claim(self) -> str | None:
        """The codebook claim the article opens with (its headline or first sentences), if one is coded there and
        proposes something: what a decision, a vote or "it" in a sentence that only takes a side refers to, the way
        a news story states its subject first."""
        for sentence in self.article.sentences[:LEDE_SENTENCES]:
            hit = self.index.code(sentence.text, "support", lang=self.article.language)
            if hit is not None:
                claim = self.codebook.get(hit.claim_id)
                return hit.claim_id if claim is not None and proposes(claim.text, self.article.language) else None
        return None

    def _authors_own(self, author: str, answered: set[int]) -> list[PointedStatement]:
        """In a document that speaks for ``author``, the sentences no statement came from and no one else is
        credited with ("Red tape needs to be cut."), coded as the author's: the model is asked only about
        sentences with a cue word or a first person, and a speech's plain assertions have neither."""
        out: list[PointedStatement] = []
        for sentence in self.article.sentences:
            if sentence.n in answered or (self.article.headline and sentence.n == 1):
                continue
            if not in_authors_voice(sentence, continued=sentence.n in self.open_plan.continued):
                continue
            stance = "neutral" if noncommittal(sentence) else "support"
            out += self._statements(sentence, author,
                                    self.index.code_statement(sentence.text, sentence.text, stance,
                                                              lang=self.article.language))
        return out

    def params(self, response_format: str) -> dict[str, object]:
        return {**self.open_plan.params(response_format), "codebook_method": "retrieve",
                "codebook_claims": len(self.codebook.claims), "codebook_sha256": self.codebook.digest()[:16],
                "min_overlap": self.index.min_overlap, "min_margin": self.index.min_margin,
                "also_open": self.also_open}


class RetrievalCodebookMode:
    """Codebook mode by retrieval: the open prompt's requests (cached like open mode's), coded against the codebook.

    The prompt identity covers the open prompt, the codebook's content and the
    coding method, so resume and the response cache never mix codebooks (the
    requests themselves are open mode's, so their answers are shared with it).
    """

    def __init__(self, open_prompt: Prompt, codebook: Codebook, window_candidates: int,
                 *, also_open: bool = False, min_overlap: float = MIN_OVERLAP) -> None:
        self.open_mode = OpenMode(open_prompt, window_candidates)
        self.codebook = codebook
        self.index = CodebookIndex(codebook, min_overlap)
        self.also_open = also_open
        self.base_prompt = PromptInfo(name=open_prompt.name, hash=open_prompt.hash)
        digest = hashlib.sha256(f"{RETRIEVE_METHOD_VERSION}\0{min_overlap}\0{also_open}".encode())
        self._hash = prompt_identity(digest.hexdigest()[:16], codebook, open_prompt)

    @property
    def prompt_info(self) -> PromptInfo:
        return PromptInfo(name=f"codebook-retrieve+{self.open_mode.prompt.name}", hash=self._hash)

    def plan(self, article: SplitArticle) -> RetrievalPlan:
        return RetrievalPlan(article=article, open_plan=self.open_mode.plan(article), codebook=self.codebook,
                             index=self.index, also_open=self.also_open)


def load_retrieval_mode(settings: Settings, codebook: Codebook | None = None) -> RetrievalCodebookMode:
    """Codebook mode by retrieval for ``settings.codebook`` (or ``codebook``) with the settings' open prompt."""
    if codebook is None:
        if settings.codebook is None:
            raise CodebookError("no codebook given (--codebook FILE)")
        codebook = load_codebook(settings.codebook)
    open_prompt = load_prompt(settings.prompt_name, settings.prompts_dir)
    return RetrievalCodebookMode(open_prompt, codebook, settings.window_candidates, also_open=settings.also_open)
