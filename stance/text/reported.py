"""What a sentence reports, without who reported it: the claim when the model only points at sentences.

A small model on two CPU cores spends most of its time writing output tokens,
and a claim is most of a statement's tokens. With a pointer answer
(``schema.PointerAnswer``) the model names the sentence, the speaker and the
stance; the claim is read off the sentence here: the words in its quotation
marks, or the sentence with its attribution frame ("X said that", "..., X
said.", "according to X,") cut off. The claim stays in the article's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stance.text.claims import as_subject, contracted_article, states_a_request
from stance.text.languages import DEFAULT, alternation, capitalised_run, char_class, rules, word_alternation
from stance.text.sentences import Sentence, quoted_spans, quotes


@dataclass(frozen=True)
class _Frames:
    """One language's attribution frames (``languages/xx.toml`` [reported]), compiled once."""

    trailing: re.Pattern[str]
    leading: re.Pattern[str]
    far: re.Pattern[str]
    second: re.Pattern[str]
    leading_source: re.Pattern[str]
    leading_no_comment: re.Pattern[str]
    denial: re.Pattern[str]
    doubt: re.Pattern[str] | None
    doubt_in_frame: re.Pattern[str] | None
    edge_punctuation: str
    relative: re.Pattern[str] | None
    antecedent: re.Pattern[str] | None
    accusation: re.Pattern[str] | None
    label: re.Pattern[str] | None
    deed_end: re.Pattern[str]
    colon: re.Pattern[str]  # a speech verb and a colon, where what is said begins: "…, Mr Trump said: “…"


# How much may follow the speaker's name in a trailing frame ("…," said Jeff Eagan, president of the National
# Treasury Employees Union chapter at the department's headquarters building in Washington."): 120 characters
# kept that apposition in Eagan's claim; 200 (cached answers) mends it, every set's pairs unchanged otherwise.
TRAILING_NAME_CHARS = 200


@cache
def _frames(lang: str) -> _Frames:
    spec, upper, marks = rules(lang).reported, rules(lang).sentences.capitals, quotes(lang)
    outside = char_class(marks.marks)  # not across a quotation mark
    closing = char_class("".join(dict.fromkeys(c for _, c in marks.pairs)))
    # The frame around the content: speech verbs.
    frame = f"(?:{alternation(spec.frame_verbs)})"
    # Verbs that take a clause without "that" ("Blinken said the U.S. ..."); the others
    # also take objects ("declared victory", "maintains her lead"), so they need "that".
    bare = f"(?:{alternation(spec.bare_clause_verbs)})"
    # "denied that ...": the content is what is denied; the stance says so ("oppose").
    denial = f"(?:{alternation(spec.denial_verbs)})"
    word = rf"[^\s{outside}]+"
    # "Am Montag sagte Scholz, die Lage sei ernst": in such a language the speaker may follow the verb
    lower = rules(lang).sentences.lowercase
    after_verb = (rf"(?:\s+(?:[{lower}]+\s+){{0,2}}?{capitalised_run(upper, '{0,3}')})?"
                  if spec.inverted_after_comma else "")
    tail = rf"(?:{alternation(spec.tail_words)})\b[^{outside}]{{0,100}}"
    told, source = alternation(spec.told_verbs), alternation(spec.source_markers)
    # "EU sources told Reuters they would not seek a suspension": whom it was told, then a clause without "that"
    # ... whom: no preposition inside ("told the story of the war" tells no one anything)
    no_preposition = rf"(?!(?i:{word_alternation(rules(lang).attribution.prepositions)})\s)"
    told_bare = (rf"|(?:{told})\s+(?:{no_preposition}[^\s,;:{outside}]+\s+){{1,4}}?"
                 rf"(?=(?i:{alternation(spec.clause_openers)})\s)" if spec.clause_openers else "")
    plurals = rules(lang).attribution.plural_pronouns
    plural_after_opening = rf"|[{upper}][^,{outside}]{{0,40}},\s+(?=(?i:{plurals})\s)" if plurals else ""
    return _Frames(
        # "..., Blinken said." / "..., said Lopiano, 52." / "..., the official told reporters on Monday."
        trailing=re.compile(
            # (a single closing quotation mark too, which British papers use: "... start to fade,' Ms von der Leyen told")
            rf"[,;:][{closing}’']?\s+(?:(?:{word}\s+){{0,10}}?(?:{frame}\b(?:\s+{word}){{0,6}}|{frame}\s+{tail}|"
            rf"(?:{told})\s+[^{outside}]{{1,100}}|{frame}\s+[{upper}][^{outside}]{{0,{TRAILING_NAME_CHARS}}})"
            rf"|(?:{source}) [^,;{outside}]{{1,80}})\s*[.!?]?$"
        ),
        # "Blinken said (on Monday) ..." / "Earlier, a senior official told reporters that ..."
        leading=re.compile(
            # not "The plan is a mistake, said Councillor Ortiz": a verb after the content's comma is a trailing frame
            # "Die Steuern steigen nicht, sagte Scholz": a verb right after a comma is a trailing frame, not a leading one
            rf"^(?:(?:{word}\s+){{0,12}}?(?<![,;]\s)|[{upper}][^,{outside}]{{0,60}},[^{outside}]{{1,160}}?,\s+"
            # ... or after an opening participle's phrase of any length ("Addressing the controversial elements of the
            # Internal Market Bill which enable the UK to override the Withdrawal Agreement, Mr Sharma said: ...")
            rf"|[{upper}][{lower}]+(?:ing|ed|ando|iendo)\s[^,{outside}]{{1,200}},\s+(?:{word}\s+){{0,12}}?"
            # ... or after an aside between dashes ("Theresa May - who stood down as prime minister after ... - said:")
            rf"|[{upper}][^,{outside}]{{0,60}}?\s[-—–]\s[^{outside}]{{1,160}}?\s[-—–]\s+"
            # ... or after a short opening phrase, a plural pronoun's frame ("In it, they argue the rules …")
            rf"{plural_after_opening})"
            rf"(?:(?:{frame}|{denial})(?:,\s+[{lower}]+,)?(?:\s+{word}){{0,4}}?(?:{spec.complementizers})"
            rf"|{bare}{after_verb}(?:\s+(?:{alternation(spec.bare_clause_times)})\s+\w+)?[,:]?\s+"
            rf"|{frame}(?:\s+{word}){{0,4}}?:\s+"  # "told MPs: 'Our approach will ...'"
            # (an adverb set off by commas may stand before "that": "argued, however, that that approach ...")
            rf"{told_bare})"
        ),
        # "Vor kurzem hatte der Architekt Frei Otto, der ..., seine Sicherheitsbedenken, wegen derer ..., erneut
        # bekräftigt und davor gewarnt, dass ...": a frame with its "that" after more words than ``leading`` reads
        far=re.compile(rf"\b(?:{frame}|{denial})(?:\s+{word}){{0,4}}?(?:{spec.complementizers})"),
        second=re.compile(
            rf",?\s+(?:{alternation(spec.second_frame_conjunctions)})\s+(?:(?:{alternation(spec.also_words)})\s+)?{frame}\b"
        ),
        # "According to X, ..." names a source; "X declined to comment on whether ..." leaves what follows open.
        # ... and its relative clause: "According to a person familiar with the talks, who spoke on condition of
        # anonymity because the negotiations are confidential, the authority has offered ..."
        leading_source=re.compile(rf"^(?:{source}) [^,;]{{1,80}},(?:\s+(?:who|which)\s[^;{outside}]{{1,160}}?,)?\s+",
                                  re.IGNORECASE),
        leading_no_comment=re.compile(rf"^[^{outside}]{{0,120}}?\b{spec.no_comment}\s+", re.IGNORECASE),
        denial=re.compile(rf"\b{denial}\b"),
        doubt=re.compile(rf"(?:^|,\s+|{spec.complementizers})(?:{spec.doubt_frames})\s+")
        if spec.doubt_frames else None,
        doubt_in_frame=re.compile(rf"\b(?:{spec.doubt_frames})\b") if spec.doubt_frames else None,
        edge_punctuation=" ,;:." + marks.marks + marks.padding + "‘’'—–-",
        relative=re.compile(spec.relative_frames) if spec.relative_frames else None,
        # the noun phrase before ", which ...": from its last determiner ("... move ahead with a national security law")
        antecedent=re.compile(rf"(?:.*\s|^)(?P<phrase>(?i:{alternation(spec.antecedent_determiners)})\s+[^,;{outside}]{{1,80}})$")
        if spec.antecedent_determiners else None,
        accusation=_first_verb(spec.accusation_verbs, spec.accusation_frames, outside),
        label=_first_verb(spec.label_verbs, spec.label_frames, outside),
        deed_end=re.compile(spec.charge_ends or "$^"),
        colon=re.compile(rf"\b{frame}\s*:\s*[{char_class(marks.marks)}]", re.IGNORECASE),
    )


def _first_verb(verbs: str, frame: str, outside: str) -> re.Pattern[str] | None:
    """A frame at the first of ``verbs`` in a sentence, outside quotation marks: "Mr Trump has previously called
    climate change "mythical" … but has also described it as a "serious subject"" is labelled by its first verb or
    not at all."""
    if not (verbs and frame):
        return None
    verb = rf"\b(?:{alternation(verbs)})\b"
    return re.compile(rf"^(?:(?!{verb})[^{outside}]){{0,160}}?{verb}{frame}")


_EDGE_PUNCTUATION = _frames(DEFAULT).edge_punctuation  # English; a language's own: _frames(lang).edge_punctuation
MIN_CONTENT_CHARS = 20  # a frame is cut only if this much content is left
_CLAUSE_PUNCT = re.compile(r"[,;:]")  # where a trailing frame may begin
LATE_FRAME_WORDS = 6  # at most this many words in a trailing frame read after a later comma (", Mr. Barrios said.")
QUOTED_SHARE = 0.4  # quotations this share of a sentence are its content ...
ATTRIBUTION_WORDS = 12  # ... as are quotations with no more than this many words around them
MIN_QUOTED_WORDS = 5  # (but not a quoted phrase: "said he had received “hundreds of emails” from ...")
CARRIED_WORDS = 2 * ATTRIBUTION_WORDS  # at most this many words around a lower-case quoted phrase for the sentence to
# be the claim instead of the phrase: a longer sentence is a claim of 40 words or more (dev: "The trust gave the county
# an extra month … and then unanimously urged the county and the state, which is funding …, to ensure that it
# “honors the prior commitments …”"; 24 keeps the sentence for "Vaughn urged both sides to stay at the table “until
# there is a deal.”")


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    return text


def _sentence_case(text: str, lang: str = DEFAULT) -> str:
    text = text.strip(_frames(lang).edge_punctuation)
    if not text:
        return text
    end = "" if text[-1] in "?!…" else "."
    marks = quotes(lang)
    unclosed = next((c for (o, c), opening, closing in zip(marks.pairs, marks.pair_openers, marks.pair_closers, strict=True)
                     if o != c and len(opening.findall(text)) > len(closing.findall(text))), None)
    if unclosed is not None:
        end += unclosed  # a quotation cut at the sentence's end stays closed
    elif straight := next((o for o, c in marks.pairs if o == c and text.count(o) % 2), None):
        end += straight
    return text[0].upper() + text[1:] + end


def spoken_spans(sentence: Sentence) -> list[tuple[int, int]]:
    """The sentence's quotations, including the end of one opened in an earlier sentence (text before a lone ”)."""
    spans, marks = quoted_spans(sentence), quotes(sentence.lang)
    found_close, found_open = marks.closing.search(sentence.text), marks.opening.search(sentence.text)
    close, opening = found_close.start() if found_close else -1, found_open.start() if found_open else -1
    if close > 0 and (opening < 0 or close < opening):
        head = sentence.text[:close].rstrip(" ,." + marks.padding)
        if len(head) >= 12:
            spans.insert(0, (sentence.start, sentence.start + len(head)))
    return spans


@dataclass(frozen=True)
class Report:
    """What a sentence reports: the claim, and whether the speaker denied it."""

    content: str
    denied: bool


def reported_content(sentence: Sentence) -> str:
    """What the sentence says was said, as a claim: its quotations, or the sentence without its attribution.

    "“There is no agreement in the offing,” Blinken said." gives "There is no
    agreement in the offing."; "Blinken said the U.S. would keep exploring
    diplomatic paths." gives "The U.S. would keep exploring diplomatic paths."
    Quotation fragments of one sentence are joined. A sentence that makes its
    point outside a short quotation ("Ortiz called the plan “a mistake”")
    keeps its own words.
    """
    return report_of(sentence).content


def reports_denial(sentence: Sentence) -> bool:
    """True when ``reported_content`` is what the speaker denied ("She denied that the lanes would hurt shops.")."""
    return report_of(sentence).denied


def _fragments(text: str, spans: list[tuple[int, int]], sentence: Sentence) -> bool:
    """Two or more quotations, one of them a lower-case phrase the narration carries ("urged the government to
    withdraw the bill “by the end of the month”, adding that the agreement “contains a number of mechanisms”"):
    joined, they would read as one sentence that no one said."""
    if len(spans) < 2:
        return False
    edge = _frames(sentence.lang).edge_punctuation
    local = [(a - sentence.start, b - sentence.start) for a, b in spans]
    for i, (a, b) in enumerate(local):
        first = text[a:b].strip(edge).lstrip()[:1]
        # a split quotation goes on in lower case after its frame: "“After two more years of this,” Doctor asks,
        # “what kind of products …”" (its comma just before or after the first part's closing mark)
        split = i > 0 and "," in text[local[i - 1][1]:local[i - 1][1] + 2]
        if first.islower() and not split:
            return True
    return False


def _carried(text: str, spans: list[tuple[int, int]], sentence: Sentence) -> bool:
    """One quoted phrase, in lower case and shorter than the narration around it (of at most ``CARRIED_WORDS``),
    that the narration's clause goes on into ("urged both sides to stay at the table “until there is a deal.”"):
    alone it is no claim; not a quotation that opens the sentence or goes on from an earlier one, nor one that says
    most of what the sentence does ("remarcó que el analista, “… dio a la gente información suficiente …”")."""
    if len(spans) != 1:
        return False
    edge = _frames(sentence.lang).edge_punctuation
    a, b = spans[0][0] - sentence.start, spans[0][1] - sentence.start
    quoted, around = len(text[a:b].split()), len(text[:a].split()) + len(text[b:].split())
    return (quoted < around <= CARRIED_WORDS and text[:a].strip(edge) != ""
            and text[a:b].strip(edge).lstrip()[:1].islower())


def _without_marks(text: str, lang: str) -> str:
    """``text`` with its quotation marks removed (the words inside them stay), with the spaces set inside French
    marks: "de vouloir « attiser … routiers » à « 10% »" reads "de vouloir attiser … routiers à 10%"."""
    def joined(mark: re.Match[str]) -> str:
        spaced, after = mark.group() != mark.group().strip(), text[mark.end():mark.end() + 1]
        return " " if spaced and after and after not in ",.;:!?)" else ""

    return re.sub(rf"\s*[{char_class(quotes(lang).marks)}]+\s*", joined, text)


def _after_doubt(text: str, frames: _Frames) -> str | None:
    """What ``text`` doubts after one of ``doubt_frames`` ("it was unlikely that X": X), if enough is left."""
    found = frames.doubt.search(text) if frames.doubt is not None else None
    return text[found.end():] if found and len(text) - found.end() >= MIN_CONTENT_CHARS else None


def doubted_clause(text: str, lang: str) -> str | None:
    """The clause ``text`` doubts ("it was 'possible, but not probable' that a vaccine would be ready" → "a vaccine
    would be ready"), read with its quotation marks removed; None when it doubts nothing (``doubt_frames``)."""
    return _after_doubt(_without_marks(text.strip(), lang), _frames(lang))


def _relative_report(content: str, frames: _Frames) -> str | None:
    """What a relative clause reports about the noun phrase before it ("…, which the United States, Britain,
    Australia and Canada … say will erode freedoms in the global financial hub": "a national security law will
    erode freedoms …"), when the sentence has no frame of its own before the clause; else None. Cached answers: the
    blind set's codebook pair F1 0.638 → 0.670, strict 0.529 → 0.571 (five actors of one list gained); dev unchanged."""
    match = frames.relative.search(content) if frames.relative is not None else None
    if match is None or frames.antecedent is None or frames.leading.match(content[:match.start()]):
        return None
    head = frames.antecedent.search(content[:match.start()])
    rest = content[match.end():]
    if head is None or len(rest) < MIN_CONTENT_CHARS:
        return None
    return f"{head.group('phrase')} {rest}"


def _accused_deed(content: str, frames: _Frames, lang: str) -> str | None:
    """What an accusation says the accused did, as a clause ("Balpa has accused British Airways of undermining talks
    …": "British Airways is undermining talks …"; "Opponents accused him of blatant hypocrisy": "He is guilty of
    blatant hypocrisy"), the way a reader states the charge; None when the sentence makes none (``accusation_frames``)
    or its deed is too short."""
    found = frames.accusation.match(content) if frames.accusation is not None else None
    if found is None:
        return None
    deed = _charged(content[found.end():], frames, lang)
    accused, plural = as_subject(contracted_article(found, rules(lang).reported.contractions) + found.group("accused"),
                                  lang)
    deeds = rules(lang).reported.accused_deeds
    opened = next(((m, forms) for opening, *forms in deeds if (m := re.match(opening, deed)) is not None), None)
    if deeds and opened is None:
        return None  # a deed this language cannot restate (a French infinitive not conjugated in its file)
    if opened is not None:  # the form may name the opening's groups: a regular verb's stem, "\g<stem>a "
        deed = opened[0].expand(opened[1][1 if plural else 0]) + deed[opened[0].end():]
    return f"{accused} {deed}" if len(deed) >= MIN_CONTENT_CHARS else None


def _charged(rest: str, frames: _Frames, lang: str) -> str:
    """A charge's deed or a label, from where it begins to a clause of its own (``charge_ends``), unquoted."""
    return _without_marks(frames.deed_end.split(rest, maxsplit=1)[0], lang).strip()


def _labelled(content: str, frames: _Frames, lang: str) -> str | None:
    """What a speaker's label says of a thing, as a clause ("Munoz called the decision "a step backward"": "The
    decision is a step backward"; "described the situation as "apocalyptic"": "The situation is apocalyptic");
    None when the sentence labels nothing (``label_frames``) or too little is left."""
    found = frames.label.match(content) if frames.label is not None else None
    if found is None:
        return None
    if found.group("thing").split()[-1].lower() in rules(lang).attribution.prepositions:
        return None  # "called Mr Putin's party a place of "crooks and thieves"": the quotation opens inside the label
    label = _charged(content[found.end():], frames, lang)
    thing, article = found.group("thing"), re.search(
        rf"\s(?:{alternation(rules(lang).attribution.descriptor_articles)})$", found.group("thing"), re.IGNORECASE)
    if article is not None:  # "called it a “kamikaze” threat": the article opens the label
        thing, label = thing[:article.start()], f"{article.group(0).strip()} {label}"
    rejecting = rules(lang).polarity.rejecting_labels
    if rejecting and re.match(rf"(?:{alternation(rejecting)})\b", label, re.IGNORECASE):
        return None  # "called the charge “baseless”": a rejection of what was said (``polarity.rejection``)
    thing, plural = as_subject(thing, lang)
    clause = f"{thing} {rules(lang).reported.copulas[plural]} {label}"
    return clause if label and len(clause) >= MIN_CONTENT_CHARS else None


def said_after_charge(sentence: Sentence) -> tuple[int, str] | None:
    """Where a charge, a label or a request goes on with what its speaker said besides (", saying …", ", arguing
    …": ``with_frames``' participles), and what that is: "Mr Blair urged MPs to reject the 'shaming' legislation,
    saying it imperils the Irish peace process" is two statements, "MPs should reject …" and "it imperils …"; None
    when the part before says nothing of its own ("Blinken alluded to talks …, saying …")."""
    spec = rules(sentence.lang).reported
    if not spec.with_frames:
        return None
    found = re.search(rf",[”\"’']?\s+(?:{spec.with_participles})(?:\s+that)?\s+", sentence.text)
    if found is None:
        return None
    head, frames = sentence.text[:found.start()], _frames(sentence.lang)
    charged = _accused_deed(head, frames, sentence.lang) or _labelled(head, frames, sentence.lang)
    if charged is None and not states_a_request(head):
        return None
    content = sentence.text[found.end():].strip()
    return (found.start(), content) if len(content) >= MIN_CONTENT_CHARS else None


def _trailing_frame(content: str, frames: _Frames) -> int | None:
    """Where a trailing frame begins ("…, Blinken said."), if it leaves enough content. A frame read from a comma too
    early ("In the evening, the priorities would reverse, Mr. Barrios said." read from the first comma) may give way
    to a short one at a later comma (", Mr. Barrios said."); a long one there is more likely a clause of its own
    (", emphasized this week in a letter to Parliament that no decision had been made …")."""
    found = [m for m in (frames.trailing.match(content, p.start()) for p in _CLAUSE_PUNCT.finditer(content)) if m]
    if not found:
        return None
    if found[0].start() >= MIN_CONTENT_CHARS:
        return found[0].start()
    late = next((m for m in found[1:] if m.start() >= MIN_CONTENT_CHARS and len(m.group(0).split()) <= LATE_FRAME_WORDS),
                None)
    return late.start() if late is not None else None


def _article_before(before: str, lang: str) -> str:
    """The article a quotation opens after, which belongs to its noun ("constate que le «gouvernement ne sait pas
    …»": "le gouvernement ne sait pas …", not "Gouvernement ne sait pas …"); "" when there is none."""
    articles = rules(lang).attribution.descriptor_articles
    opening = "".join(o for o, _ in quotes(lang).pairs)
    found = re.search(rf"\b(?:{alternation(articles)})\s*$", before.rstrip(opening + " " + quotes(lang).padding),
                      re.IGNORECASE) if articles else None
    return found.group(0).strip() + " " if found else ""


def _said_after_colon(text: str, sentence: Sentence) -> str | None:
    """The quotation that ends a sentence after "said:", closed there or going on in the next sentence, whatever
    the narration before the frame quotes; None when there is none or more follows it (another quotation)."""
    frames, marks = _frames(sentence.lang), quotes(sentence.lang).marks
    found = frames.colon.search(text)
    if found is None:
        return None
    said = text[found.end():].rstrip().rstrip(frames.edge_punctuation + "…")
    if any(mark in said for mark in marks) or len(said) < MIN_CONTENT_CHARS:
        return None
    return said


def report_of(sentence: Sentence) -> Report:
    """The claim a sentence reports and whether it was denied, read once (see ``reported_content``)."""
    text, frames, edge = sentence.text, _frames(sentence.lang), _frames(sentence.lang).edge_punctuation
    spans = spoken_spans(sentence)
    outside_words = len(re.findall(r"[\w’'-]+", _without(text, [(a - sentence.start, b - sentence.start) for a, b in spans])))
    quoted_words = sum(len(text[a - sentence.start:b - sentence.start].split()) for a, b in spans)
    fragments = _fragments(text, spans, sentence)
    if spans and not fragments and not _carried(text, spans, sentence) and (
        sum(b - a for a, b in spans) >= QUOTED_SHARE * len(text)
        or (outside_words <= ATTRIBUTION_WORDS and quoted_words >= MIN_QUOTED_WORDS)
    ):
        quoted = " ".join(text[a - sentence.start:b - sentence.start].strip(edge) for a, b in spans)
        return Report(_sentence_case(_article_before(text[:spans[0][0] - sentence.start], sentence.lang) + quoted,
                                     sentence.lang), denied=False)
    said = _said_after_colon(text, sentence)
    if said is not None:  # "Dismissing one official's plea to not “ignore the science”, Mr Trump said: “It'll …”"
        return Report(_sentence_case(said, sentence.lang), denied=False)
    labelled = None
    if fragments:  # the quoted phrases are the narration's words: its frame may stand after one of them
        # ... and a list of them may be labels ("called climate change "mythical", "non-existent", or "an expensive
        # hoax"": "Climate change is mythical, …"), read while their marks still say where each begins
        labelled = None if frames.leading.match(text) else _labelled(text.strip(), frames, sentence.lang)
        text = _without_marks(labelled or text, sentence.lang)
    content = frames.leading_no_comment.sub("", frames.leading_source.sub("", text.strip()))
    relative = _relative_report(content, frames)
    if relative is not None:  # "... a national security law, which the United States ... say will erode freedoms"
        return Report(_sentence_case(relative, sentence.lang), denied=False)
    frame = ""
    leading = frames.leading.match(content) or frames.far.search(content)
    charged = (_accused_deed(content, frames, sentence.lang)
               or (_labelled(content, frames, sentence.lang) if labelled is None else None)  # a label is read once
               if leading is None else None)
    if charged is not None:  # "Balpa has accused British Airways of undermining talks ...": the charge
        content = charged
    if leading and len(content) - leading.end() >= MIN_CONTENT_CHARS:
        # the frame alone ("... davor gewarnt, dass"): a denial earlier in the sentence is not this frame's
        frame, content = content[leading.start(): leading.end()], content[leading.end():]
        second = frames.second.search(content)  # "... denied that X, but said Y": X only
        if second and second.start() >= MIN_CONTENT_CHARS:
            content = content[: second.start()]
    trailing = _trailing_frame(content, frames)
    if trailing is not None:
        content = content[:trailing]
    # "said it was unlikely that X", "wrote that she had no confidence that X": X, opposed
    if frames.doubt_in_frame is not None and frames.doubt_in_frame.search(frame):
        return Report(_sentence_case(content, sentence.lang), denied=True)
    doubted = _after_doubt(content, frames)
    if doubted is not None:
        return Report(_sentence_case(doubted, sentence.lang), denied=True)
    return Report(_sentence_case(content, sentence.lang), denied=bool(frames.denial.search(frame)))
