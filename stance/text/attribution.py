"""Find the sentences where someone takes a position: quotations, speech, cognition and action verbs.

A rule pass is cheap and keeps the small model on task: it only has to read
the marked sentences, so it cannot walk every sentence of the article, copy
narration as claims, or point at a headline. Recall matters more than
precision here: the model drops candidates that carry no position.
"""

from __future__ import annotations

import re

from stance.text.sentences import Sentence

# Verbs and phrases that attribute a statement or a position to someone.
_CUE_WORDS = r"""
said|says|say|saying|told|tells|tell|added|adds|argued|argues|argue|warned|warns|warn|denied|denies|deny|
claimed|claims|claim|stated|states|noted|notes|wrote|writes|believes|believe|believed|thinks|think|thought|
called|calls|urged|urges|urge|announced|announces|insisted|insists|suggested|suggests|indicated|indicates|
acknowledged|acknowledges|according|characterized|characterised|characterizes|signaled|signalled|signals|
agreed|agrees|agree|disagreed|disagrees|rejected|rejects|reject|opposed|opposes|oppose|opposing|opposition|
backed|backs|back|supported|supports|support|supporting|approved|approves|approve|signed|signs|voted|votes|
vote|criticized|criticised|criticizes|criticism|praised|praises|defended|defends|accused|accuses|vowed|
vows|promised|promises|pledged|pledges|demanded|demands|demand|asked|asks|sued|sues|alleged|alleges|
allegation|allegations|predicted|predicts|expects|expected|hopes|hoped|fears|feared|questioned|questions|
declined|refused|refuses|maintains|maintained|contends|contended|countered|responded|responds|explained|
explains|emphasized|emphasised|stressed|stresses|asserted|asserts|confirmed|confirms|conceded|admitted|
admits|recommended|recommends|proposed|proposes|endorsed|endorses|campaigned|campaigns|threatened|
threatens|condemned|condemns|welcomed|welcomes|blamed|blames|described|describes|considers|considered|
insisting|announcing|arguing|warning|calling|noting|adding|telling|statement|statements|testified|
testifies|complained|complains|objected|objects|protested|protests|rallied|rally|lawsuit|filed|
investigating|investigation|concluded|concludes|found|finds|believes|doubts|doubted|hailed|slammed|
blasted|touted|lauded|dismissed|dismisses|reiterated|reiterates|declared|declares|acknowledging|
answered|answers|replied|wants|wanted|want|intends|intend|plans|planned|seeks|sought|committed|
announcement|position|view|views|opinion|interview|spokesperson|spokesman|spokeswoman|
reported|reports|reporting|cited|cites|requested|requests|request|bid|offered|offers
"""
_CUES = re.compile(r"\b(?:" + re.sub(r"\s+", "", _CUE_WORDS) + r")\b", re.IGNORECASE)
_QUOTE_CHARS = "“”\"‘’"
_QUOTED_WORDS = re.compile(r"[“\"]\s*\S+(?:\s+\S+){2,}")


_NAMED_SPEAKER = re.compile(
    r"\b[A-Z][\w’'.-]+(?: [A-Z][\w’'.-]+)*,?(?: [a-z]+)? (?:said|says|told|added|wrote|argued|noted|explained|continued)\b"
    r"|\b(?:said|says|told|added|according to) (?:[a-z]+ )*[A-Z][\w’'.-]+"
)


def names_a_speaker(sentence: Sentence) -> bool:
    """True when the sentence attributes speech to a capitalised name ("DiMaggio said", "said Mayor Ortiz")."""
    return bool(_NAMED_SPEAKER.search(sentence.text))


def is_candidate(sentence: Sentence) -> bool:
    text = sentence.text
    return bool(_QUOTED_WORDS.search(text) or _CUES.search(text))


def quotation_continuations(sentences: list[Sentence], *, headline: bool) -> set[int]:
    """Numbers of sentences that begin inside a quotation opened in an earlier sentence."""
    continued: set[int] = set()
    inside_quote = False
    for sentence in sentences:
        if headline and sentence.n == 1:
            continue
        if inside_quote:
            continued.add(sentence.n)
        # an opening “ without its closing ” carries the quotation into the next sentence
        opens, closes = sentence.text.count("“"), sentence.text.count("”")
        if opens > closes or (opens == closes == 0 and sentence.text.count('"') % 2 == 1 and not inside_quote):
            inside_quote = True
        elif closes > opens or (opens == closes == 0 and sentence.text.count('"') % 2 == 1):
            inside_quote = False
    return continued


def find_candidates(sentences: list[Sentence], *, headline: bool) -> set[int]:
    """Numbers of sentences that may carry a position; a quotation's continuation sentences count too."""
    continued = quotation_continuations(sentences, headline=headline)
    return {s.n for s in sentences if not (headline and s.n == 1) and (is_candidate(s) or s.n in continued)}


# Words that can stand for a speaker named earlier: pronouns and the usual descriptors.
_STAND_IN = re.compile(
    r"\b(?:he|she|they|it|we|i|his|her|their|its|our|him|them)\b|\bthe (?:\w+ )?(?:officials?|company|department|"
    r"agency|group|union|spokes(?:man|woman|person)|government|ministry|board|firm|authority|mayor|governor|"
    r"president|minister|committee|council|senator|lawmakers?|organi[sz]ation|campaign|administration|person|"
    r"sources?|diplomats?|analysts?|experts?|statement|lawsuit|report|letter|filing|complaint|ruling)\b",
    re.IGNORECASE,
)


def may_voice(who: str, sentence: Sentence, *, continued: bool) -> bool:
    """False for a sentence that cannot carry ``who``'s words: no quotation, not inside one, and neither the
    speaker's name nor a pronoun or descriptor that could stand for them ("The approval faced furious
    opposition from locals." is narration, whoever the model credits it to).
    """
    text = sentence.text
    return (
        continued
        or any(q in text for q in "“”\"")
        or bool(_name_words(who) & _name_words(text))
        or bool(_STAND_IN.search(text))
    )


def render_lines(sentences: list[Sentence], numbered: set[int], headline: str | None = None) -> str:
    """The text the model reads: sentences it may cite as ``[n] text``, context sentences as plain lines."""
    lines = [f"Headline: {headline}"] if headline else []
    lines.extend(f"[{s.n}] {s.text}" if s.n in numbered else s.text for s in sentences)
    return "\n".join(lines)


# "DiMaggio said", "Sergei Ryabkov, the deputy minister, said", "said Mayor Ortiz". Not "according to":
# it names reporting sources as often as speakers ("..., according to the Bronx Times").
_SPEECH_VERB = (
    r"(?:said|says|told|tells|added|adds|wrote|writes|argued|argues|noted|notes|explained|warned|warns|"
    r"asserted|asserts|stated|answered|replied|continued|insisted|recalled|acknowledged|testified)"
)
_NAME_RUN = r"[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|de|del|da|van|von|al|bin))*"
_SPEAKER_BEFORE = re.compile(rf"({_NAME_RUN})(?:,[^“”\"]{{1,200}}?,)?\s+{_SPEECH_VERB}\b")
# "..., said Mayor Ortiz" and "“...,” said Ortiz" (the quotation is blanked to spaces), not "but said the Biden
# administration was ...", where the name begins what was said.
_SPEAKER_AFTER = re.compile(rf"(?:^|[,;]\s*|\s{{2,}})(?:said|says)\s+((?:[a-z.]+\s+){{0,2}}?{_NAME_RUN})")
_NOT_A_SPEAKER = {
    "the", "a", "an", "but", "and", "however", "in", "on", "at", "as", "yet", "still", "so", "also", "then",
    "he", "she", "they", "it", "we", "i", "you", "this", "that", "his", "her", "their", "its", "our",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "last", "earlier", "later", "previously",
}


def _speaker_name(run: str) -> str | None:
    words = run.split()
    while words and words[0].lower().strip(",.") in _NOT_A_SPEAKER:
        words = words[1:]
    while words and words[-1].lower().strip(",.") in _NOT_A_SPEAKER:
        words = words[:-1]
    name = " ".join(words).strip(" ,.")
    return name if name and name[0].isupper() else None


def stated_speaker(sentence: Sentence) -> str | None:
    """The one capitalised name the sentence attributes speech to, read outside its quotations; else None."""
    text = re.sub(r"“[^”]*”?|\"[^\"]*\"", lambda m: " " * len(m.group(0)), sentence.text)
    runs = [m.group(1) for m in _SPEAKER_BEFORE.finditer(text)] + [m.group(1) for m in _SPEAKER_AFTER.finditer(text)]
    names = {name for name in map(_speaker_name, runs) if name}
    return names.pop() if len(names) == 1 else None


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[\w’'-]+", name.lower()) if len(w) > 2 and w not in _NOT_A_SPEAKER}


def speaker_for(who: str, sentence: Sentence) -> str:
    """The model's speaker, unless the sentence names a different one next to a speech verb.

    Small models credit a quotation to the article's main actor ("Blinken")
    even when the sentence ends "..., DiMaggio said"; the name next to the
    speech verb wins. A surname is enough: actors.canonicalise resolves it.
    """
    stated = stated_speaker(sentence)
    if stated is None or _name_words(stated) & _name_words(who):
        return who
    return stated
