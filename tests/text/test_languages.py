"""The rule pass per language (issue 21): data files, detection, and what the rules find in German, French
and Spanish sentences. Quotation offsets per mark style: test_quotation_offsets.py."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from babel import Locale
from pydantic import ValidationError

import stance.text.languages as languages_module
from stance.text import actors, attribution, names, polarity, reported, sentences
from stance.text.actors import canonicalise
from stance.text.attribution import (
    find_candidates,
    phrase_head,
    proposed,
    proposes,
    quotation_continuations,
    stated_speaker,
)
from stance.text.languages import LanguageRules, detect_language, language_name, languages, rules
from stance.text.names import person_key, strip_titles
from stance.text.polarity import bare_denial, negated, noncommittal, rejection, settle_stance, speaker_rejects
from stance.text.reported import report_of
from stance.text.sentences import split_sentences

FOLDER = Path(languages_module.__file__).parent


def first(text: str, lang: str) -> sentences.Sentence:
    return split_sentences(text, lang)[0]


# ---------------------------------------------------------------------------
# The data files
# ---------------------------------------------------------------------------


def test_every_language_has_a_data_file_that_loads_and_compiles() -> None:
    assert {"en", "de", "fr", "es"} <= set(languages())
    for code in languages():
        spec = rules(code)
        assert spec.code == code and spec.name
        # every pattern a rule builds from the lists compiles
        sentences._splitter(code), sentences.quotes(code), attribution._cues(code), reported._frames(code)
        polarity._cues(code), names._titles_longest_first(code)


def test_a_language_without_a_file_gets_the_english_rules() -> None:
    assert rules("it") is rules("en")  # today's behaviour for a language nobody wrote lists for
    assert language_name("it") == "it" and language_name("de") == "German"
    assert split_sentences("Il sindaco ha detto. Poi è andato via.", "it") == [
        s.__class__(n=s.n, start=s.start, end=s.end, text=s.text, lang="it")
        for s in split_sentences("Il sindaco ha detto. Poi è andato via.", "en")
    ]


def test_an_unknown_or_missing_key_fails_naming_what(tmp_path: Path) -> None:
    data = tomllib.loads((FOLDER / "de.toml").read_text(encoding="utf-8"))
    with pytest.raises(ValidationError, match="speach_verbs"):
        LanguageRules.model_validate({**data, "attribution": {**data["attribution"], "speach_verbs": "x"}})
    del data["polarity"]["rejection"]
    with pytest.raises(ValidationError, match="rejection"):
        LanguageRules.model_validate(data)


def test_adding_a_language_is_a_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new xx.toml beside the others is all a language needs: here Dutch, from a copy of en.toml."""
    for source in FOLDER.glob("*.toml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    english = (FOLDER / "en.toml").read_text(encoding="utf-8")
    dutch = english.replace('code = "en"', 'code = "nl"').replace('name = "English"', 'name = "Dutch"')
    dutch = dutch.replace('speech_verbs = """', 'speech_verbs = """\nzei|zegt|verklaarde|', 1)
    (tmp_path / "nl.toml").write_text(dutch, encoding="utf-8")
    monkeypatch.setattr(languages_module, "_folder", lambda: tmp_path)
    for cached in (languages_module.languages, languages_module.rules, attribution._cues):
        cached.cache_clear()
    try:
        assert "nl" in languages() and rules("nl").name == "Dutch"
        assert stated_speaker(first("De belasting gaat omhoog, verklaarde De Vries gisteren.", "nl")) is None
        assert stated_speaker(first("Minister Jansen zei dat de belasting omhoog gaat.", "nl")) == "Minister Jansen"
    finally:
        for cached in (languages_module.languages, languages_module.rules, attribution._cues):
            cached.cache_clear()


@pytest.mark.parametrize("code", ["de", "fr", "es"])
def test_weekdays_and_months_in_the_lists_are_cldrs(code: str) -> None:
    """Day and month names a rule must not take for a speaker, checked against CLDR (babel, via trafilatura)."""
    locale = Locale.parse(code)
    cldr = {n.lower() for n in [*locale.days["format"]["wide"].values(), *locale.months["format"]["wide"].values()]}
    assert cldr <= rules(code).attribution.not_a_speaker


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bundeskanzler Olaf Scholz hat am Montag eine Erhöhung der Steuern abgelehnt, sagte ein Sprecher.", "de"),
        ("Le président a déclaré lundi que la réforme des retraites était nécessaire pour le pays.", "fr"),
        ("El presidente del Gobierno afirmó este lunes que la reforma es necesaria para el país.", "es"),
        ("The mayor said on Monday that the bus lanes would cut commute times across the city.", "en"),
        ("", "en"),
        ("   \n ", "en"),
    ],
)
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Commissioners Munoz and Holloway voted no. Munoz called it a step backward. He lives at No. 10.",
         ["Commissioners Munoz and Holloway voted no.", "Munoz called it a step backward.", "He lives at No. 10."]),
        ("de", "Dr. Müller, u. a. Vorsitzender, sprach am 3. Oktober z. B. über Steuern. Er blieb.",
         ["Dr. Müller, u. a. Vorsitzender, sprach am 3. Oktober z. B. über Steuern.", "Er blieb."]),
        ("de", "„Wir schaffen das.“ Das sagte sie. »Nein.« Er ging.",
         ["„Wir schaffen das.“", "Das sagte sie.", "»Nein.«", "Er ging."]),
        ("fr", "M. Dupont et Mme Martin ont parlé. « Nous ne céderons pas. » Le maire a répondu.",
         ["M. Dupont et Mme Martin ont parlé.", "« Nous ne céderons pas. »", "Le maire a répondu."]),
        ("es", "El Sr. García habló. ¿Qué hará la oposición? ¡Nada! «No cederemos.» Fin.",
         ["El Sr. García habló.", "¿Qué hará la oposición?", "¡Nada!", "«No cederemos.»", "Fin."]),
    ],
)
def test_sentences_end_where_the_language_ends_them(lang: str, text: str, expected: list[str]) -> None:
    found = split_sentences(text, lang)
    assert [s.text for s in found] == expected
    assert all(text[s.start:s.end] == s.text and s.lang == lang for s in found)


# ---------------------------------------------------------------------------
# Candidates, speakers, reported content, stance cues
# ---------------------------------------------------------------------------

GERMAN = (
    "Scholz lehnt Steuererhöhung ab\n"
    "Die Inflation lag im Mai bei 6,1 Prozent.\n"
    "Bundeskanzler Olaf Scholz hat eine Steuererhöhung abgelehnt. „Das kommt nicht in Frage“, sagte Scholz in Berlin.\n"
    "„Wir werden die Bürger entlasten. Das haben wir versprochen“, fügte er hinzu.\n"
)


def test_german_candidates_and_quotation_continuations() -> None:
    found = split_sentences(GERMAN, "de")
    assert [s.n for s in found if s.n in find_candidates(found, headline=True)] == [3, 4, 5, 6]
    assert quotation_continuations(found, headline=True) == {6}  # the quotation opened in 5 goes on


@pytest.mark.parametrize(
    ("lang", "text", "speaker"),
    [
        ("de", "„Das kommt nicht in Frage“, sagte Scholz in Berlin.", "Scholz"),
        ("de", "Die Lage sei ernst, so Finanzminister Christian Lindner.", "Finanzminister Christian Lindner"),
        ("de", "Die Regierung sagte, die Lage sei ernst.", None),  # a noun after an article, not a name
        ("de", "Am Montag sagte der Kanzler, die Lage sei ernst.", None),
        ("de", "Merkel nannte die Entscheidung richtig.", "Merkel"),
        # a sentence's first adverb is no name: "Unterdessen ... und mahnte an" has no one as its subject
        ("de", "Unterdessen hat sich der Minister angeschlossen und mahnte an, dass die Lage ernst sei.", None),
        ("fr", "Le ministre Jean Dupont a martelé que la réforme passerait.", "Jean Dupont"),
        # whom it was said to is not who said it
        ("es", "«No vamos a dar marcha atrás», dijo a la Afp el ministro José Pérez.", "José Pérez"),
        ("fr", "« Aucun navire n'est opéré », a dit à Reuters le maire Jean Dupont.", "Jean Dupont"),
        ("fr", "« C'est une erreur historique », a estimé Marine Le Pen.", "Marine Le Pen"),
        ("fr", "M. Dupont, maire de Lyon, a déclaré que le texte était injuste.", "M. Dupont"),
        ("fr", "Marc Baum (Déi Lénk) explique lui aussi être resté sur sa faim.", "Marc Baum"),
        ("fr", "Claude Wiseler a regretté l’absence de certains grands sujets.", "Claude Wiseler"),
        ("es", "«No vamos a dar marcha atrás», dijo Sánchez en Madrid.", "Sánchez"),
        ("es", "El presidente del Gobierno, Pedro Sánchez, afirmó que la ley es necesaria.", "Pedro Sánchez"),
    ],
)
def test_the_speaker_next_to_a_speech_verb(lang: str, text: str, speaker: str | None) -> None:
    assert stated_speaker(first(text, lang)) == speaker


@pytest.mark.parametrize(
    ("lang", "text", "content", "denied"),
    [
        ("en", "Mr Gove said: the bill will pass next week without any changes.",
         "The bill will pass next week without any changes.", False),  # a colon after the verb, as a comma
        ("en", 'But Mr Gove said: "I\'m looking forward to the second reading of the bill next week.',
         "I'm looking forward to the second reading of the bill next week.", False),
        # a relative clause that says who holds the view: its content, about the noun phrase before it
        ("en", "The move comes after China gave the green light to a national security law, which the United States "
         "and Britain say will erode freedoms in the city.",
         "A national security law will erode freedoms in the city.", False),
        # ... not a relative clause that does something ("which circulated the letter, said ...")
        ("en", "Neil Ostrander, president of the Dental Society, which circulated the letter, said fluoride remained "
         "the cheapest prevention.", "Fluoride remained the cheapest prevention.", False),
        # ... not when the sentence has a frame of its own before it
        ("en", "Ortiz said the plan is a bill, which critics say will fail.", "The plan is a bill, which critics say will fail.",
         False),
        # a plural subject's frame in the verb's plain form ("Critics say", "Ministers say", "They argue")
        ("en", "Chinese authorities and the government in Hong Kong say there is no threat to the city’s autonomy.",
         "There is no threat to the city’s autonomy.", False),
        ("en", "Many senior Conservatives still believe that his plan is to create as much noise as possible.",
         "His plan is to create as much noise as possible.", False),
        ("en", "The move will damage the UK's reputation abroad, critics say.", "The move will damage the UK's reputation abroad.",
         False),
        ("es", "Los críticos dicen que la ley es inconstitucional y debe ser retirada.",
         "La ley es inconstitucional y debe ser retirada.", False),
        ("fr", "Les syndicats disent que le projet de loi va trop loin et doit être retiré.",
         "Le projet de loi va trop loin et doit être retiré.", False),
        ("de", "Kritiker warnen, die Reform werde die Mieten weiter steigen lassen.",
         "Die Reform werde die Mieten weiter steigen lassen.", False),
        # an opening participle's phrase, then a speaker of many words ("chair of the Justice Committee and Tory MP
        # Bob Neill said ...")
        ("en", 'Speaking during an urgent question on the bill, chair of the Justice Committee and Tory MP Bob Neill said '
         'the "adherence to the rule of law is not negotiable."', 'The "adherence to the rule of law is not negotiable."',
         False),
        # a fear or a concern is a frame like a belief: what is feared is the claim
        ("en", "Officials in Washington are concerned that the firm could pass American users' data to the Chinese "
         "government.", "The firm could pass American users' data to the Chinese government.", False),
        ("en", "Some fear that a failure to agree on border arrangements could jeopardise the peace process.",
         "A failure to agree on border arrangements could jeopardise the peace process.", False),
        ("en", "He worried about the cost of the plan.", "He worried about the cost of the plan.", False),  # no clause
        ("en", "Many in the UK are convinced that this is merely the latest bit of Brexit posturing.",
         "This is merely the latest bit of Brexit posturing.", False),
        # a list of quoted labels is a label too; not when the quotation opens inside the label ("a place of …")
        ("en", 'Mr Trump has previously called climate change "mythical", "non-existent", or "an expensive hoax".',
         "Climate change is mythical, non-existent, or an expensive hoax.", False),
        ("en", "He has called Mr Putin's party a place of \"crooks and thieves\" that is sucking the blood out of Russia.",
         "He has called Mr Putin's party a place of \"crooks and thieves\" that is sucking the blood out of Russia.", False),
        ("en", "Critics complain that the move would breach international law.", "The move would breach international law.",
         False),
        # "there is no evidence that X" doubts X, as "it is unlikely that X" does
        ("en", "There is no evidence that the vaccine causes autism, the agency said.", "The vaccine causes autism.", True),
        ("en", "They argued that there was no proof that Mr Pemberton merited a commuted sentence.",
         "Mr Pemberton merited a commuted sentence.", True),
        ("fr", "Le ministre a affirmé qu'il n'y a aucune preuve que la loi fera baisser les salaires.",
         "La loi fera baisser les salaires.", True),
        ("es", "El juez dijo que no hay pruebas de que el programa haya evitado un ataque.",
         "El programa haya evitado un ataque.", True),
        ("de", "Der Minister sagte, es gebe keine Beweise dafür, dass der Einsatz die Lage verbessert habe.",
         "Der Einsatz die Lage verbessert habe.", True),
        ("es", "Según la policía, es poco probable que los bloqueos terminen esta semana.",
         "Los bloqueos terminen esta semana.", True),
        ("de", "Kritiker befürchten, dass die Reform die Mieten weiter steigen lässt.",
         "Die Reform die Mieten weiter steigen lässt.", False),
        ("es", "Los vecinos temen que la empresa cierre la fábrica de Vigo.", "La empresa cierre la fábrica de Vigo.",
         False),
        # a quotation that opens after its noun's article keeps the article
        ("fr", "Fernand Kartheiser (ADR), lui aussi, constate que le «gouvernement ne sait pas maîtriser les "
         "conséquences de sa propre politique de croissance».",
         "Le gouvernement ne sait pas maîtriser les conséquences de sa propre politique de croissance.", False),
        ("en", 'Smith said the "government cannot control the consequences of its own growth policy".',
         "The government cannot control the consequences of its own growth policy.", False),
        # a long claim is not cut where a short aside closes: "Il n’a, à aucun moment." says nothing
        ("fr", "«Il n’a, à aucun moment, développé une vision d’ensemble pour le Luxembourg ni montré aucune "
         "compréhension de ce qu’est le Luxembourg.", "Il n’a, à aucun moment, développé une vision d’ensemble pour "
         "le Luxembourg ni montré aucune compréhension de ce qu’est le Luxembourg.", False),
        ("en", "In it, they argue the rules for incoming travellers will be more stringent than for the ill.",
         "The rules for incoming travellers will be more stringent than for the ill.", False),  # after an opening phrase
        # ... not a negated one, a concession's, "Let us say" or "Let's say"
        ("en", "Mr Trump doesn't think science knows actually.", "Mr Trump doesn't think science knows actually.", False),
        ("en", "Though officials insist no corners are being cut, the timetable is simply too short for any vaccine.",
         "Though officials insist no corners are being cut, the timetable is simply too short for any vaccine.", False),
        ("en", "Let us say to all Americans watching tonight that we will act.",
         "Let us say to all Americans watching tonight that we will act.", False),
        ("en", "Let's say to them: Stop promoting children who don't learn.",
         "Let's say to them: Stop promoting children who don't learn.", False),
        # a label says what the thing is (``label_frames``), with the copula of its number
        ("de", "Jürgen Koppelin bezeichnete die 52-Jährige zwar als durchsetzungsfähig, aber sie sei vor allem in der "
         "Selbstdarstellung gut.", "Die 52-Jährige ist durchsetzungsfähig.", False),
        ("fr", "Le député a qualifié ces propos d'inacceptables.", "Ces propos sont inacceptables.", False),
        ("es", "Mas tildó a los dirigentes del PP de irresponsables y mentirosos.",
         "Los dirigentes del PP son irresponsables y mentirosos.", False),
        ("en", "At a packed meeting on Tuesday night the mayor called these rules “unworkable and unfair”.",
         "These rules are unworkable and unfair.", False),
        ("de", "Scholz sagte am Montag, die Regierung werde die Steuern nicht erhöhen.",
         "Die Regierung werde die Steuern nicht erhöhen.", False),
        ("de", "Die Regierung erklärte, dass die Haushaltslage ernst sei.", "Die Haushaltslage ernst sei.", False),
        ("de", "Am Montag sagte der Kanzler in Berlin, die Lage in der Ukraine sei ernst.",
         "Die Lage in der Ukraine sei ernst.", False),  # the verb second, the speaker after it
        ("de", "Merz bestritt, dass die Union Steuererhöhungen plane.", "Die Union Steuererhöhungen plane.", True),
        ("de", "Die Steuern würden nicht erhöht, sagte Scholz der Zeitung am Sonntag.", "Die Steuern würden nicht erhöht.",
         False),
        ("de", "Das Ministerium wollte sich nicht dazu äußern, ob weitere Kürzungen geplant sind.",
         "Weitere Kürzungen geplant sind.", False),
        ("de", "Wie der Verkehrsclub, der Teil der Initiative ist, erläuterte, fehle dem Projekt jeder Nutzen.",
         "Fehle dem Projekt jeder Nutzen.", False),  # "Wie X erläuterte, ...": the frame first, between commas
        ("de", "Gabriel kritisierte, die Kanzlerin habe sich für eine parteipolitische Lösung entschieden.",
         "Die Kanzlerin habe sich für eine parteipolitische Lösung entschieden.", False),
        ("de", "Der Minister forderte die Einführung einer Steuer.", "Der Minister forderte die Einführung einer Steuer.",
         False),  # an object, not a clause: the sentence stays whole
        # a perfect tense's participle, after more words and asides than a frame at the start has
        ("de", "Vor kurzem hatte der Architekt Frei Otto, der am Entwurf beteiligt war, seine Bedenken, wegen derer er "
         "ausgestiegen war, erneut bekräftigt und davor gewarnt, dass ein Wassereinbruch nicht auszuschließen sei.",
         "Ein Wassereinbruch nicht auszuschließen sei.", False),
        ("en", "The architect Frei Otto, who helped design the station before he quit over safety, told a magazine "
         "this week and warned that a flood could not be ruled out.", "A flood could not be ruled out.", False),
        # ... whose denial is its own verb's only: "denied" earlier in the sentence frames nothing
        ("en", "On a long afternoon in the capital the minister, who has always denied the reports about her budget, "
         "met the press at the steps of the ministry and warned that the plan would fail.", "The plan would fail.", False),
        ("fr", "M. Dupont a répondu que le texte était injuste pour les familles.",
         "Le texte était injuste pour les familles.", False),
        # ... with adverbs between the auxiliary and its participle, but not a negation
        ("fr", "Michel Sapin a encore assuré que le projet de loi irait jusqu'au bout au Parlement.",
         "Le projet de loi irait jusqu'au bout au Parlement.", False),
        ("fr", "Le ministre a par ailleurs déclaré que la loi serait votée.", "La loi serait votée.", False),
        ("fr", "Le ministre n'a pas confirmé que le projet serait retiré.",
         "Le ministre n'a pas confirmé que le projet serait retiré.", False),
        ("fr", "Le texte sera examiné en commission le 3 mars, a-t-il précisé.",
         "Le texte sera examiné en commission le 3 mars.", False),
        ("fr", "La CGT a démenti qu'une négociation soit en cours avec le gouvernement.",
         "Une négociation soit en cours avec le gouvernement.", True),
        ("fr", "« Nous ne céderons jamais sur les retraites », a déclaré le ministre.",
         "Nous ne céderons jamais sur les retraites.", False),
        # after an opening participle's phrase of any length
        ("en", "Addressing the controversial elements of the Internal Market Bill which enable the UK to override the "
         "Withdrawal Agreement, Mr Sharma said: 'The reason is to protect the Good Friday Agreement.'",
         "The reason is to protect the Good Friday Agreement.", False),
        # ... after an aside between dashes, and before a trailing frame after a single closing quotation mark
        ("en", "Theresa May - who stood down as prime minister after her own Brexit deal failed to get the support of "
         "Parliament - said: \"The government has signed the agreement.\"",
         "The government has signed the agreement.", False),
        ("en", "The chances of a timely agreement do start to fade,' Ms von der Leyen told the European Parliament.",
         "The chances of a timely agreement do start to fade.", False),
        ("es", "Sánchez afirmó este lunes que la ley es necesaria para el país.", "La ley es necesaria para el país.", False),
        ("es", "El ministerio negó que haya recortes en la sanidad pública.", "Haya recortes en la sanidad pública.", True),
        ("es", "La reforma llegará antes del verano, según fuentes del Gobierno.", "La reforma llegará antes del verano.", False),
        # a phrase with its comma before the speaker: the frame is still the sentence's first ("Alabando X, Y dijo que")
        ("es", "Alabando el valor de Snowden, The Guardian dijo que espera un indulto del presidente.",
         "Espera un indulto del presidente.", False),
    ],
)
def test_what_a_sentence_reports(lang: str, text: str, content: str, denied: bool) -> None:
    report = report_of(first(text, lang))
    assert (report.content, report.denied) == (content, denied)


@pytest.mark.parametrize(
    ("lang", "rejects", "declines", "negation"),
    [
        ("de", "Der Minister wies die Vorwürfe entschieden zurück.", "Ein Sprecher wollte sich dazu nicht äußern.",
         "Die Regierung plant keine Steuererhöhung."),
        ("fr", "Le ministre a démenti ces informations.", "L'Élysée n'a pas souhaité commenter.",
         "Le gouvernement ne relèvera pas les impôts."),
        ("es", "El ministro rechazó las acusaciones.", "El portavoz declinó hacer comentarios.",
         "El Gobierno no subirá los impuestos."),
    ],
)
def test_rejection_no_comment_and_negation_cues(lang: str, rejects: str, declines: str, negation: str) -> None:
    assert speaker_rejects(first(rejects, lang)) and not noncommittal(first(rejects, lang))
    assert noncommittal(first(declines, lang))
    assert negated(negation, lang) and not negated(negation.replace(" keine ", " eine ").replace(" ne ", " ")
                                                    .replace(" pas ", " ").replace(" no ", " "), lang)
    sentence = first(declines, lang)
    assert settle_stance(sentence.text, "oppose", sentence) == "neutral"


@pytest.mark.parametrize(("lang", "text", "neutral"), [
    ("de", "Die Bundesregierung behält sich vor, erst danach eine endgültige Entscheidung zu treffen.", True),
    ("de", "Das Unternehmen behält sich rechtliche Schritte vor.", False),  # a threat, not an open decision
    ("fr", "Le gouvernement n'a pas encore tranché.", True),
    ("es", "El Gobierno aún no ha decidido si recurrirá.", True),
    # dodging the question takes no side either
    ("es", "Obama eludió la cuestión de una posible amnistía para Snowden.", True),
    ("fr", "Le ministre a éludé la question.", True),
    ("de", "Der Minister wich der Frage nach dem Einsatz aus.", True),
    # sending the reporter to a statement
    ("de", "Ein Sprecher verwies auf eine Erklärung des Ministeriums.", True),
    ("fr", "Le ministère a renvoyé à un communiqué.", True),
    ("es", "La Casa Blanca remitió a declaraciones anteriores.", True),
    ("es", "La Casa Blanca hizo referencia a declaraciones anteriores de Obama.", False),
])
def test_a_decision_not_yet_taken_is_neutral(lang: str, text: str, neutral: bool) -> None:
    assert noncommittal(first(text, lang)) is neutral


def test_declining_to_make_a_statement_in_spanish() -> None:
    assert noncommittal(first("Un vocero de la fiscalía federal rechazó hacer declaraciones al respecto.", "es"))


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "name", "display"),
    [
        ("de", "Bundeskanzler Olaf Scholz", "Olaf Scholz"),
        ("de", "Bundesgesundheitsminister Karl Lauterbach", "Karl Lauterbach"),
        ("de", "CDU-Chef Friedrich Merz", "Friedrich Merz"),
        ("de", "der Bundeskanzler Olaf Scholz", "Olaf Scholz"),
        ("de", "die Bundesregierung", "Bundesregierung"),
        ("fr", "le président Emmanuel Macron", "Emmanuel Macron"),
        ("fr", "M. Dupont", "Dupont"),
        ("fr", "Marine Le Pen", "Marine Le Pen"),  # "Le" is part of her name
        ("es", "El presidente del Gobierno, Pedro Sánchez", "Pedro Sánchez"),
        ("es", "la ministra Yolanda Díaz", "Yolanda Díaz"),
        ("en", "Chancellor Olaf Scholz", "Chancellor Olaf Scholz"),  # English display names stay as they were
    ],
)
def test_titles_are_stripped_per_language(lang: str, name: str, display: str) -> None:
    assert strip_titles(name, lang) == display


def test_one_person_across_languages_by_key() -> None:
    """The corpus key drops every language's titles: one Scholz, whatever the article's language."""
    keys = {person_key(n)[1] for n in ["Bundeskanzler Olaf Scholz", "Chancellor Olaf Scholz", "le chancelier Olaf Scholz",
                                       "el canciller Olaf Scholz", "Olaf Scholz"]}
    assert keys == {"olaf scholz"}
    assert person_key("Marine Le Pen")[1] == "marine le pen" and person_key("Le Pen")[1] == "le pen"


def test_canonical_actors_within_a_german_article() -> None:
    text = "Bundeskanzler Olaf Scholz sprach. Scholz sagte, das Bundesgesundheitsministerium prüfe die Lage."
    mapping, found = canonicalise(["Bundeskanzler Olaf Scholz", "Scholz", "das Bundesgesundheitsministerium"], text, "de")
    assert mapping == {"Bundeskanzler Olaf Scholz": "Olaf Scholz", "Scholz": "Olaf Scholz",
                       "das Bundesgesundheitsministerium": "Bundesgesundheitsministerium"}
    assert {a.name: a.type for a in found} == {"Olaf Scholz": "person", "Bundesgesundheitsministerium": "government"}
    assert actors.guess_type("Gewerkschaft Verdi", "de") == "organization"


def test_english_names_keep_their_corpus_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other languages' title words count for every article, but never cut an English name: every actor name
    and alias in the dev and eval fixtures gets the key it gets from the English words alone ("Frances
    Lindqvist" keeps "Frances", though francés is Spanish for French)."""
    import json

    from support.paths import DEV, REPO

    gold = [*DEV.glob("*.gold.json"), *(REPO / "evals" / "fixtures").glob("*.gold.json")]
    people = {n for path in gold for actor in json.loads(path.read_text(encoding="utf-8"))["actors"]
              for n in [actor["name"], *actor.get("aliases", [])]}
    people |= {"Frances Lindqvist", "Don Johnson", "Reina Smith", "Dona Edwards", "China Miéville", "Le Pen"}
    every_language = {n: person_key(n) for n in people}
    monkeypatch.setattr(names, "TITLE_WORDS", rules("en").names.title_words)
    monkeypatch.setattr(names, "TITLE_SUFFIXES", ())
    monkeypatch.setattr(names, "ARTICLES", frozenset())
    person_key.cache_clear()
    try:
        assert {n: person_key(n) for n in people} == every_language
    finally:
        person_key.cache_clear()


@pytest.mark.parametrize(
    ("lang", "text", "added"),
    [
        ("en", "The minister said the reform was needed, adding that it would pass before the summer.",
         "it would pass before the summer."),
        ("fr", "Le ministre a déclaré que la réforme était nécessaire, ajoutant qu’elle serait votée avant l’été.",
         "elle serait votée avant l’été."),
        ("es", "El ministro dijo que la reforma era necesaria y advirtió que no habrá más retrasos en el Congreso.",
         "no habrá más retrasos en el Congreso."),
        ("de", "Scholz sagte, die Reform sei nötig, und fügte hinzu, sie werde vor dem Sommer beschlossen.",
         "sie werde vor dem Sommer beschlossen."),
    ],
)
def test_a_second_statement_the_speaker_adds(lang: str, text: str, added: str) -> None:
    from stance.text.attribution import added_statement

    found = added_statement(first(text, lang))
    assert found is not None and found.content == added
    assert added_statement(first("The minister said the reform was needed before the summer.", "en")) is None


def test_a_spanish_speech_verb_without_a_subject_is_he_or_she_speaking() -> None:
    from stance.text.attribution import pronoun_speaks, speaker_for_pronoun

    sentences = split_sentences("Titular\nLa ministra Ana Ruiz dijo que la ley llegará pronto. "
                                "“El debate es importante y necesario”, dijo.", "es")
    assert pronoun_speaks(sentences[2])
    assert speaker_for_pronoun("Pedro Sánchez", sentences[2], sentences[:2]) == "Ana Ruiz"
    assert not pronoun_speaks(first("Obama dijo que el debate es importante.", "es"))
    assert not pronoun_speaks(first("“The debate matters,” said.", "en"))  # English names its speaker


def test_a_french_pronoun_joined_to_its_verb_speaks() -> None:
    from stance.text.attribution import pronoun_speaks, speaker_for_pronoun

    sentences = split_sentences("Titre\nFernand Kartheiser (ADR) constate que la croissance est sauvage. "
                                "«Mais pas un seul mot sur aucun dictateur dans le monde», s’étonne-t-il.", "fr")
    assert pronoun_speaks(sentences[2])
    assert speaker_for_pronoun("Jean Asselborn", sentences[2], sentences[:2]) == "Fernand Kartheiser"
    assert pronoun_speaks(first("«Nous ne céderons pas», dit-il.", "fr"))


@pytest.mark.parametrize(
    ("lang", "text", "head"),
    [
        ("en", "any form of pardon for Snowden", "pardon"),
        ("es", "cualquier forma de indulto para Snowden", "indulto"),
        ("fr", "toute forme de grâce pour Snowden", "grâce"),
        ("de", "jede Form von Begnadigung", "begnadigung"),
        ("en", "the Russian authorities", "authorities"),
    ],
)
def test_a_phrase_is_about_what_its_kind_word_names(lang: str, text: str, head: str) -> None:
    assert phrase_head(text, lang) == head


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The council should pass the levy."),
        ("de", "Die Regierung muss das Gesetz zurückziehen."),
        ("fr", "Le projet de loi doit être retiré."),
        ("es", "Estados Unidos debe conceder clemencia a Snowden."),
    ],
)
def test_what_should_be_done_is_read_in_every_language(lang: str, text: str) -> None:
    assert proposes(text, lang) and proposed(text, lang)


@pytest.mark.parametrize(
    ("lang", "denies", "affirms"),
    [
        ("en", "That is not true.", "That is true."),
        ("de", "Das stimmt nicht.", "Das ist richtig."),
        ("fr", "C'est faux.", "Ce n'est pas faux."),
        ("es", "Eso no es verdad.", "Eso es cierto."),
    ],
)
def test_a_bare_denial_is_read_in_every_language(lang: str, denies: str, affirms: str) -> None:
    assert bare_denial(denies, lang) and not bare_denial(affirms, lang)


@pytest.mark.parametrize(
    ("lang", "text", "thing"),
    [
        ("en", "The minister called the allegations “baseless”.", "the allegations"),
        ("de", "Der Minister nannte die Vorwürfe haltlos.", "die Vorwürfe"),
        ("fr", "Le ministre a qualifié ces accusations de mensonges.", "ces accusations"),
        ("es", "El gobierno calificó las acusaciones de falsas.", "las acusaciones"),
    ],
)
def test_labelling_a_thing_false_rejects_it_in_every_language(lang: str, text: str, thing: str) -> None:
    found = rejection(text, lang)
    assert found is not None and (found.thing, found.besides) == (thing, True)


def test_quotation_marks_read_out_of_the_narration_leave_no_double_spaces() -> None:
    text = ("Loi Travail\n"
            "Le Premier ministre a critiqué la CGT et FO, « qui sont minoritaires dans le transport routier », de "
            "vouloir « attiser les inquiétudes en faisant croire que la loi mènerait à baisser la rémunération » "
            "à « 10% au lieu de 25% ».\n")
    sentence = sentences.split_sentences(text, "fr")[1]
    content = reported.report_of(sentence).content
    assert "  " not in content and " ," not in content
    assert "FO, qui sont minoritaires dans le transport routier, de vouloir attiser les inquiétudes" in content
    # English: a word after a closing mark keeps its space
    assert reported._without_marks("the plan was “a disaster,” and “would never work” for farmers", "en") == (
        "the plan was a disaster, and would never work for farmers")


def test_a_german_conclusion_is_a_frame() -> None:
    text = ("Tornado\nDer wissenschaftliche Dienst des Bundestages ist zu dem Ergebnis gekommen, dass eine zeitlich "
            "limitierte Stationierung nicht an eine erneute Abstimmung im Parlament gebunden sei.\n")
    content = reported.report_of(sentences.split_sentences(text, "de")[1]).content
    assert content == "Eine zeitlich limitierte Stationierung nicht an eine erneute Abstimmung im Parlament gebunden sei."


@pytest.mark.parametrize(("text", "content"), [
    ("PARIS (Reuters) - Le ministre des Finances, Michel Sapin, a accusé lundi la CGT de prendre les Français en "
     "otages et assuré que le gouvernement agirait.", "La CGT prend les Français en otages."),
    ("Le Premier ministre a accusé la CGT et FO, « qui sont minoritaires », de vouloir « attiser les inquiétudes ».",
     "La CGT et FO veulent attiser les inquiétudes."),  # two subjects joined by "et": plural
    # an infinitive the French file does not conjugate: the sentence is left as it is, not "Le préfet mentir …"
    ("Le maire a accusé le préfet de mentir sur les chiffres du chômage.",
     "Le maire a accusé le préfet de mentir sur les chiffres du chômage."),
])
def test_a_french_accusation_states_the_charge_when_its_verb_is_conjugated(text: str, content: str) -> None:
    sentence = sentences.split_sentences("Grève\n" + text + "\n", "fr")[1]
    assert reported.report_of(sentence).content == content


@pytest.mark.parametrize(("text", "lang", "content"), [
    ("Le maire a accusé le préfet de manipuler les chiffres du chômage.", "fr", "Le préfet manipule les chiffres du chômage."),
    ("Rajoy acusó al equipo de Mas de proclamar los encantos de la independencia.", "es",
     "El equipo de Mas proclama los encantos de la independencia."),  # "al" holds the article (contractions)
    ("El alcalde acusó a los sindicatos de mentir sobre las cifras del paro.", "es",
     "Los sindicatos mienten sobre las cifras del paro."),  # a stem-changing verb the file lists
])
def test_a_regular_or_listed_infinitive_of_a_charge_is_conjugated(text: str, lang: str, content: str) -> None:
    assert reported.report_of(sentences.split_sentences("Titre\n" + text + "\n", lang)[1]).content == content
