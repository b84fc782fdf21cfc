"""The rule pass that needs no model: sentences, candidates, quotations, grounding, actor names, speakers."""

from __future__ import annotations

import pytest
from support.texts import ARTICLE

from stance.text.actors import canonicalise, guess_type, tidy_name
from stance.text.attribution import find_candidates, is_clause, may_voice, speaker_for
from stance.text.grounding import align
from stance.text.sentences import is_heading_question, quoted_spans, split_sentences


def test_sentences_slice_the_text_and_respect_abbreviations():
    text = "U.S. Secretary of State Antony Blinken spoke. Mr. Smith agreed, the official said.\nNew line here."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "U.S. Secretary of State Antony Blinken spoke.",
        "Mr. Smith agreed, the official said.",
        "New line here.",
    ]
    for s in sentences:
        assert text[s.start:s.end] == s.text


def test_candidates_skip_headline_and_narration_and_follow_quotes():
    sentences = split_sentences(ARTICLE)
    numbers = {s.text[:20]: s.n for s in sentences}
    candidates = find_candidates(sentences, headline=True)
    assert numbers["Council delays bus l"] not in candidates  # headline
    assert numbers["The plan was first d"] not in candidates  # narration
    assert numbers["Traffic has grown ev"] not in candidates
    assert numbers["Mayor Dana Ortiz sai"] in candidates
    assert numbers["“The city needs this"] in candidates  # second sentence of a quotation
    assert numbers["Council member Raj P"] in candidates  # position taken by acting (rejected)

    # positions taken by deciding, suspecting or challenging are candidates too
    decided = split_sentences("Headline\nIndia has banned use of the app.\nHis supporters suspect poison was placed in "
                              "his tea.\nTikTok has gone to court to challenge a ban.\nPublic health experts are urging "
                              "caution.\nThe weather was mild.")
    assert find_candidates(decided, headline=True) == {2, 3, 4, 5}


def test_quoted_spans_and_grounding_fallbacks():
    sentence = split_sentences("“We will not wait another year,” Ortiz said.")[0]
    assert quoted_spans(sentence) == [(1, 30)]
    text = "He said: “We’ll see by their actions,” and left —  quickly."
    assert align(text, "We'll see by their actions").alignment == "normalized"
    fuzzy = align(text, "We will see by their actions")
    assert fuzzy.alignment == "fuzzy" and text[fuzzy.start:fuzzy.end].startswith("We")
    assert align(text, "nothing like this at all").alignment == "none"


def test_actor_names_are_tidied_and_typed():
    assert tidy_name("senior U. S. official") == "senior U.S. official"
    mapping, actors = canonicalise(["Blinken", "Secretary of State Antony Blinken", "U. S."], "Antony Blinken spoke.")
    assert mapping["Blinken"] == mapping["Secretary of State Antony Blinken"] == "Antony Blinken"
    assert {a.name: a.type for a in actors}["U.S."] == "country"
    assert guess_type("State Department") == "government" and guess_type("Gannett Co.") == "organization"
    # two people sharing a surname are not merged
    mapping, _ = canonicalise(["Joe Biden", "Hunter Biden", "Biden"], "")
    assert mapping["Biden"] == "Biden"


def test_descriptor_resolves_to_the_name_the_article_gives():
    text = "“No updates,” State Department spokesperson Matthew Miller told journalists. A senior official said so."
    mapping, _ = canonicalise(["State Department spokesperson", "Miller", "senior official"], text)
    assert mapping["State Department spokesperson"] == mapping["Miller"] == "Matthew Miller"
    assert mapping["senior official"] == "senior official"  # no name follows it: stays a description


def test_the_name_next_to_the_speech_verb_overrides_a_speaker_the_sentence_does_not_name():
    from stance.text.attribution import speaker_for, stated_speaker

    def first(text: str):
        return split_sentences(text)[0]

    dimaggio = first("“This is what we could call a timeout,” Suzanne DiMaggio, a senior fellow at the Carnegie "
                     "Endowment, who leads track 2 dialogues, told a panel.")
    assert stated_speaker(dimaggio) == "Suzanne DiMaggio"
    assert speaker_for("Antony Blinken", dimaggio) == "Suzanne DiMaggio"
    ryabkov = first("Deputy Foreign Minister Sergei Ryabkov said last month that Moscow will respect the ban.")
    assert speaker_for("Vladimir Putin", ryabkov) == "Sergei Ryabkov"  # the person, not the role before the name
    assert speaker_for("Ryabkov", ryabkov) == "Ryabkov"  # the same person: the model's form stays
    assert stated_speaker(first("“We are fine,” said Mayor Dana Ortiz on Monday.")) == "Dana Ortiz"
    walsh = first("Willie Walsh, the chief executive of BA's parent company IAG, emphasized this week in a letter to "
                  "Parliament that no decision had been made.")
    assert stated_speaker(walsh) == "Willie Walsh"  # any verb that frames speech, not only "said"
    # no override without one plain speaker: pronouns, quoted speech verbs, two speakers, reporting sources
    for text in ("He said it would work.", "“I said we would win,” the official told reporters.",
                 "Ortiz said the plan works and Patel said it fails.",
                 "Marmorato called it “heartbreaking,” according to the Bronx Times."):
        assert stated_speaker(first(text)) is None, text
        assert speaker_for("Antony Blinken", first(text)) == "Antony Blinken"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # an apposition: the name between the role and the verb
        ("The authority’s chair, Henrik Solberg, said he was confident the fine would stand.", "Henrik Solberg"),
        ("A spokeswoman for Calloway Logistics, Erin Bass, said the company was pleased.", "Erin Bass"),
        # the verb's "said" is not read again as an inverted "said the Tallis case"
        ("Lars Eriksen, the member of parliament who introduced the bill, said the Tallis case showed why.",
         "Lars Eriksen"),
        # a name after a preposition is an object; the speaker is the name in the aside
        ("Operations had been geared to the Gold Standard, under questioning Josenrique Cueto, the department’s "
         "deputy director, acknowledged.", "Josenrique Cueto"),
        ("But critics, including a number of Tory MPs, warned it risks damaging the UK.", None),
        ("A diplomat, speaking about a meeting last week in Doha, Qatar, said the EU is interested.", None),
        # a descriptor before an inverted speaker's name, and a role before a person's name
        ("“Not one year of revenue gain,” says veteran industry analyst Ken Doctor.", "Ken Doctor"),
        ("American Federation of Government Employees President J. David Cox Sr., who also represents Energy "
         "employees, warned against it.", "J. David Cox Sr"),
        ("Secretary of State Antony Blinken said so.", "State Antony Blinken"),  # "of" inside one name
        # one subject for two verbs
        # a parenthesis after the name
        ("“The bill is dead,” Sen. Ann Lee (D-N.Y.) said.", "Ann Lee"),
        ("Reyes-Hale called the charge “baseless” and said no drivers had been hired.", "Reyes-Hale"),
        ("Marta Kowal, director of Data Rights Now, welcomed the fine but said it did not go far enough.",
         "Marta Kowal"),
        ("Commissioners Teresa Munoz and James Holloway voted no. Munoz called it a step backward and said more.",
         None),  # two subjects: the rule does not say which one spoke
        # "asked" and "has said" are speech; a contracted pronoun is no name
        ("After trust member Peggy Bell asked last week “Why has this taken four months?”", "Peggy Bell"),
        ("The deal may not help; Reed has said that he expects big savings.", "Reed"),
        ("“We’ve asked for it and they don’t give it to us.” We’ve asked twice.", None),
        # a title alone names nobody
        ("The President of the European Commission hit out and said the accord cannot be changed.", None),
        ("“It is wrong,” says former British foreign secretary Malcolm Rifkind.", None),
        ("The EU said it would do everything in its power.", "EU"),
        # denying or rejecting is speaking
        ("The Kremlin has always denied involvement.", "Kremlin"),
        ("Moscow rejected the claims as baseless.", "Moscow"),
        ("Minister Tomas Varga accused Serania of spying on the naval base.", "Tomas Varga"),
        ("Trump was accused of lying.", None),  # the accused does not speak
        ("Vasek declined to comment on the expulsions as he left the ministry.", "Vasek"),
        # a name's capital from any Latin-script language
        ("Mr Šefčovič said that if the bill were adopted, it would be a violation.", "Mr Šefčovič"),
        ("“It is over,” said Łukasz Nowak.", "Łukasz Nowak"),
        # what "he said" reports names no speaker of the sentence: "he" speaks, found in the sentences before
        ("But he said the listing could only take place when the UK explained its biosecurity rules.", None),
        ("Mr Barnier said the listing could only take place when the UK explained its rules.", None),
    ],
)
def test_who_a_sentence_says_is_speaking(text: str, speaker: str | None) -> None:
    from stance.text.attribution import stated_speaker

    assert stated_speaker(split_sentences(text)[0]) == speaker


def test_a_person_named_after_a_role_is_the_canonical_actor():
    from stance.text.actors import person_behind_role

    assert person_behind_role("Calloway Logistics spokeswoman Erin Bass") == "Erin Bass"
    assert person_behind_role("American Federation of Government Employees President J. David Cox") == "J. David Cox"
    assert person_behind_role("Throgs Neck resident Dennise Laboy") == "Dennise Laboy"
    for not_a_person in ("Port Calder Riders Alliance", "senior Ostrovian security official",
                         "Transit Operators Union Local 914", "Dana Ortiz"):
        assert person_behind_role(not_a_person) is None, not_a_person
    mapping, actors = canonicalise(["Interior Minister Pavel Dorn", "Dorn"], "Interior Minister Pavel Dorn said so.")
    assert set(mapping.values()) == {"Pavel Dorn"}
    assert actors[0].aliases == ["Interior Minister Pavel Dorn", "Dorn"]
    # a word that opens a sentence is no first name
    text = "In Serania, opposition leader Tomas Varga disagreed. If Ostrovia wants talks, it can call."
    mapping, _ = canonicalise(["Serania", "Ostrovia"], text)
    assert mapping == {"Serania": "Serania", "Ostrovia": "Ostrovia"}


def test_she_said_is_the_person_last_named_as_speaking_unless_the_model_names_someone_near():
    from stance.text.attribution import pronoun_speaks, speaker_for_pronoun

    text = ("Iran talks stall\nSuzanne DiMaggio, a senior fellow, said the channel is useful. "
            "The talks continue in Oman. “So the focus is on a pause,” she said. "
            "His office said he was travelling.")
    sentences = split_sentences(text)
    she = sentences[3]
    assert pronoun_speaks(she)
    assert speaker_for_pronoun("Antony Blinken", she, sentences[:3]) == "Suzanne DiMaggio"  # Blinken: named nowhere near
    assert speaker_for_pronoun("DiMaggio", she, sentences[:3]) == "DiMaggio"  # the same person, the model's form
    assert speaker_for_pronoun("The talks", she, sentences[:3]) == "The talks"  # named nearby: the model's choice stays
    assert not pronoun_speaks(sentences[4])  # "said he was ...": what was said, not who said it
    assert speaker_for_pronoun("Antony Blinken", she, []) == "Antony Blinken"  # nobody named before: the model's
    # a name that only says whose someone is ("Theresa May's former legal chief") is not named as "he"
    cox = split_sentences("Rebels\nTheresa May's former legal chief Geoffrey Cox said it would be wrong. "
                          "He said he could not support a bill which risked the reputation of Britain.")
    assert speaker_for_pronoun("Theresa May", cox[2], cox[:2]) == "Geoffrey Cox"
    german = split_sentences("Titel\nMinisterin Anna Weber sagte, das Gesetz komme. „Wir handeln jetzt“, sagte sie.", "de")
    assert speaker_for_pronoun("Olaf Scholz", german[2], german[:2]) == "Anna Weber"


def test_he_is_never_an_organisation_whatever_his_verb():
    from stance.text.actors import named_as_person
    from stance.text.attribution import no_person, pronoun_acts, speaker_for_pronoun

    text = ("TikTok sues\nThe video-sharing app TikTok said the order was unlawful. Mr Trump said the ban stands. "
            "He has also demanded that the government receive a cut from the sale. The EU was alarmed.")
    sentences = split_sentences(text)
    he = sentences[3]
    assert pronoun_acts(he)  # "demanded": not a speech verb, a position all the same
    assert not named_as_person("TikTok", text) and named_as_person("Trump", text)  # "Mr Trump"
    assert no_person("TikTok", text) and no_person("EU", text) and not no_person("Mr Trump", text)
    assert speaker_for_pronoun("TikTok", he, sentences[:3], text) == "Mr Trump"  # named nearby, but no "he"
    assert speaker_for_pronoun("EU", he, sentences[:3], text) == "Mr Trump"
    assert speaker_for_pronoun("Donald Trump", he, sentences[:3], text) == "Donald Trump"  # a person: kept
    assert speaker_for_pronoun("TikTok", he, sentences[:1], text) == "TikTok"  # no person named as speaking
    assert speaker_for_pronoun("TikTok", sentences[4], sentences[:4], text) == "TikTok"  # no "he" in the sentence


def test_a_quotation_that_goes_on_after_its_speaker_was_named_is_theirs():
    from stance.text.attribution import quotation_continuations, speaker_for_quotation

    text = ("Rezoning splits the Bronx\n"
            "“It’s safe over here and people want a safe area,” said Lopiano, 52. “I wasn’t in favor of that housing "
            "at all. It has always been a commercial area over here.”\n"
            "“We need the homes,” a flyer read.\n")
    sentences = split_sentences(text)
    continued = quotation_continuations(sentences, headline=True)
    opens, runs_on, next_paragraph = sentences[2], sentences[3], sentences[4]
    assert speaker_for_quotation("Marjorie Velázquez", opens, sentences[:2], text, continued=False) == "Lopiano"
    assert runs_on.n in continued
    assert speaker_for_quotation("Marjorie Velázquez", runs_on, sentences[:3], text,
                                 continued=True) == "Lopiano"  # two sentences back, the same paragraph
    assert speaker_for_quotation("Michael Lopiano", opens, sentences[:2], text,
                                 continued=False) == "Michael Lopiano"  # the same person: the model's form
    # a new paragraph is not the last speaker's; a sentence that names its own speaker keeps it
    assert speaker_for_quotation("Kristy Marmorato", next_paragraph, sentences[:4], text,
                                 continued=False) == "Kristy Marmorato"
    assert speaker_for_quotation("Marjorie Velázquez", sentences[1], sentences[:1], text,
                                 continued=False) == "Marjorie Velázquez"  # "said Lopiano" is speaker_for's


def test_straight_quotation_marks_go_on_after_their_speaker_too():
    from stance.text.attribution import speaker_for_quotation

    text = ('Residents vow to keep fighting\n'
            '"The master plan is not a suggestion," said Dana Whitlock, the group\'s co-founder. '
            '"They rewrote the rules for one developer.\n')
    sentences = split_sentences(text)
    assert speaker_for_quotation("Keep Dunmore Rural", sentences[2], sentences[:2], text,
                                 continued=False) == "Dana Whitlock"


def test_a_quotation_after_a_possessive_lead_in_is_the_one_just_named():
    from stance.text.attribution import speaker_for_quotation

    text = ("Tornado-Einsatz\n"
            "Oskar Lafontaine, Fraktionschef der Linkspartei, sprach sich kategorisch gegen den Bundeswehreinsatz aus. "
            "Seine Begründung: „Dann holen wir uns den Terrorismus nach Deutschland.“\n")
    sentences = split_sentences(text, "de")
    assert speaker_for_quotation("Frank-Walter Steinmeier", sentences[2], sentences[:2], text,
                                 continued=False) == "Oskar Lafontaine"
    text = ("Council split\n"
            "Councillor Ann Reyes, who chairs the committee, said the levy was unfair. "
            "Her reasoning: “Families pay twice for the same road.” Talks went on.\n")
    sentences = split_sentences(text)
    assert speaker_for_quotation("Mayor Ortiz", sentences[2], sentences[:2], text, continued=False) == "Councillor Ann Reyes"
    # no possessive, no lead-in: a heading-like "The verdict: “…”" keeps the model's speaker
    text = "Council split\nAnn Reyes said the levy was unfair. The verdict: “Families pay twice.”\n"
    sentences = split_sentences(text)
    assert speaker_for_quotation("Mayor Ortiz", sentences[2], sentences[:2], text, continued=False) == "Mayor Ortiz"


def test_a_quotation_that_goes_on_after_a_described_speaker_is_theirs():
    from stance.text.attribution import quotation_continuations, speaker_for_quotation

    text = ('Airlines challenge quarantine\n'
            'The Home Office has said it believes the measures will help.\n\n'
            'A government spokesperson said: "As we get the virus under control, we must manage the risk.\n\n'
            '"These measures are informed by science and will keep us all safe.\n')
    sentences = split_sentences(text)
    assert sentences[3].n in quotation_continuations(sentences, headline=True)
    assert speaker_for_quotation("British Airways", sentences[3], sentences[:3], text,
                                 continued=True) == "government spokesperson"


def test_a_described_speaker_is_the_body_the_article_named_before_or_the_description() -> None:
    from stance.text.attribution import speaker_for_descriptor
    text = ("Jammie Dodgers production under threat\n"
            "The GMB union accused Burton's Biscuits of making a derisory pay offer.\n"
            "The Austrian Consumer Protection Association (VSV) has filed a complaint.\n"
            "The union said a strike will start tomorrow.\n"
            "The association, however, said nobody can be held liable.\n"
            "A government spokesperson said: \"We must manage the risk of cases being imported.\"\n"
            "\"We will work with allies,\" an NSC spokesman said.\n"
            "The union said it was ready to talk to Burton's Biscuits.\n")
    s = split_sentences(text)
    assert speaker_for_descriptor("Burton's Biscuits", s[3], s[:3]) == "GMB union"
    assert speaker_for_descriptor("Günther Platter", s[4], s[:4]) == "Austrian Consumer Protection Association"
    assert speaker_for_descriptor("BA", s[5], s[:5]) == "government spokesperson"  # no government named before
    # the model's speaker is the described one: kept
    assert speaker_for_descriptor("US National Security Council", s[6], s[:6]) == "US National Security Council"
    assert speaker_for_descriptor("GMB union", s[3], s[:3]) == "GMB union"
    # a named speaker wins over any description ("A spokeswoman for Calloway, Erin Bass, said")
    named = split_sentences("A spokeswoman for Calloway Logistics, Erin Bass, said the company was pleased.")[0]
    assert speaker_for_descriptor("Erin Bass", named, []) == "Erin Bass"
    # a body's act, described in two words or more, is the body's; "the firm" alone is left to the model
    acts = split_sentences("Pardon for US marine\nMcClatchy made an offer.\n"
                           "In December 2006, a lower court sentenced him to 40 years in prison.\n"
                           "In December, the firm bid $16.50 per share for Tribune.\n")
    assert speaker_for_descriptor("Mr Duterte", acts[2], acts[:2]) == "lower court"
    assert speaker_for_descriptor("McClatchy", acts[3], acts[:3]) == "McClatchy"
    # a common noun of the sentence does not name the model's speaker ("biscuits" is not Burton's Biscuits)
    warned = split_sentences("Production of Jammie Dodger biscuits could be halted this month as staff strike over "
                             "pay, a union has warned.")[0]
    assert speaker_for_descriptor("Burton's Biscuits", warned, []) == "union"


def test_a_quotation_goes_on_across_paragraphs_that_are_all_quotation():
    from stance.text.attribution import speaker_for_quotation
    text = ("Pilots' talks hang by a thread\n"
            "\"We have been consulting in good faith,\" Mr Strutton said in a statement.\n\n"
            "\"Then, on Wednesday evening, a letter from BA added another 125 job losses.\n\n"
            "\"I'm appalled at the cavalier attitude shown by BA.\"\n\n"
            "\"We need the homes,\" a flyer read.\n\n"
            "\"They will not listen.\"\n")
    s = split_sentences(text)
    assert speaker_for_quotation("BA", s[2], s[:2], text, continued=False) == "Mr Strutton"
    assert speaker_for_quotation("BA", s[3], s[:3], text, continued=False) == "Mr Strutton"  # two paragraphs back
    # a paragraph with words outside its quotation is not crossed, so the quotation after it is left to the model
    assert speaker_for_quotation("Dana Ortiz", s[5], s[:5], text, continued=False) == "Dana Ortiz"


def test_added_after_a_quotation_names_its_speaker():
    from stance.text.attribution import stated_speaker
    (sentence,) = split_sentences("\"This looks like a scare tactic,\" added Rep. Elijah E. Cummings, the top Democrat.")
    assert stated_speaker(sentence) is not None and "Cummings" in stated_speaker(sentence)


def test_a_quotation_named_where_it_closes_is_that_speakers_from_its_first_sentence():
    from stance.text.attribution import speaker_for_quotation, stated_speaker
    text = ("Pardon row\n\n"
            "Mr Duterte's decision took even his critics by surprise.\n\n"
            "\"What is the basis of granting absolute pardon to Pemberton? Why pre-empt the court process? "
            "It is a betrayal,\" said Mr Renato Reyes, spokesman of a group.\n\n"
            "\"The pardon stands. It is final,\" a statement read.\n")
    s = split_sentences(text)
    assert stated_speaker(s[4]) is not None and "Reyes" in stated_speaker(s[4])  # after the run-on's close
    for i in (2, 3):
        assert "Reyes" in speaker_for_quotation("Rodrigo Duterte", s[i], s[:i], text, continued=i > 2,
                                                later=s[i + 1:i + 4])
    # a quotation that closes with no name where it closes, in a paragraph with words outside it, is the model's
    assert speaker_for_quotation("Harry Roque", s[5], s[:5], text, continued=False, later=s[6:]) == "Harry Roque"


def test_a_lone_straight_quotation_mark_is_read_as_opening_or_closing():
    from stance.text.attribution import stated_speaker
    opens = split_sentences('GMB organiser Benny Rankin said: "Burton\'s stance is an insult to staff.')[0]
    closes = split_sentences('It is a betrayal," said Mr Renato Reyes.')[0]
    assert stated_speaker(opens) == "Benny Rankin"  # the quotation runs on to the next sentence
    assert stated_speaker(closes) is not None and "Reyes" in stated_speaker(closes)


@pytest.mark.parametrize(("text", "speaker"), [
    ("Democratic Whip Dick Durbin of Illinois said he hopes McConnell will think twice.", "Dick Durbin"),
    ("Sen. Ann Lee of Ohio said the bill would pass.", "Ann Lee"),
    ("Secretary of State Antony Blinken said no deal was near.", "Antony Blinken"),  # a title, not a place
])
def test_a_person_of_a_place_is_the_person(text: str, speaker: str) -> None:
    from stance.text.attribution import stated_speaker
    (sentence,) = split_sentences(text)
    named = stated_speaker(sentence)
    assert named is not None and named.endswith(speaker)


@pytest.mark.parametrize(("who", "lang", "clause"), [
    ("Manque de substance, manque de vision, sujets-clés non abordés", "fr", True),  # a comma
    ("Brexit back in crisis: EU warns UK over divorce pact", "en", True),  # the headline
    ("Los últimos sondeos muestran que la mayoría de los catalanes", "es", True),  # a complementizer
    ("Irish Prime Minister Micheal Martin said he would speak to", "en", True),  # a speech verb
    ("Theresa May's former legal chief Geoffrey Cox", "en", False),
    ("senior U.S. official", "en", False),
    ("Department of Health and Human Services", "en", False),
    ("Le ministre des Finances", "fr", False),
    # appositions, numbers and quoted names are names (the fixtures' own aliases)
    ("The authority’s chair, Henrik Solberg", "en", False), ("Josenrique Cueto, the deputy director", "en", False),
    ("as many as 2,500 tourists", "en", False), ("„Mitteldeutsche Zeitung“", "de", False),
    ("El presidente del gobierno español, Mariano Rajoy", "es", False),
])
def test_a_speaker_that_is_a_copied_clause(who: str, lang: str, clause: bool) -> None:
    assert is_clause(who, lang) is clause


def test_a_copied_clause_gives_way_to_the_speaker_the_sentence_names() -> None:
    (sentence,) = split_sentences("Irish Prime Minister Micheal Martin said he would speak to Johnson on Monday.")
    assert speaker_for("Irish Prime Minister Micheal Martin said he would speak to", sentence) == "Micheal Martin"


def test_a_group_that_takes_a_position_is_the_speaker_not_the_main_actor():
    from stance.text.attribution import speaker_for_group

    def first(text: str, lang: str = "en"):
        return split_sentences("Headline\n" + text, lang)[1]

    critics = first("But critics, including a number of Tory MPs, warned it risks damaging the UK.")
    assert speaker_for_group("Boris Johnson", critics) == "critics"  # "But" is no part of the name
    assert speaker_for_group("Critics", critics) == "Critics"  # the model's own form of the group
    supporters = first("Rudolph's supporters have stated that Rudolph had no choice.")
    assert speaker_for_group("Mason Rudolph", supporters) == "Rudolph's supporters"
    which = first("It overrides the deal, which critics also argue would wreck the UK's reputation.")
    assert speaker_for_group("Boris Johnson", which) == "critics"
    complain = first("However, critics complain that the move would breach international law.")
    assert speaker_for_group("European Commission", complain) == "critics"  # a plural verb no cue word lists
    holcomb = first("Holcomb and GOP legislative leaders touted the plan.")
    assert speaker_for_group("Eric Holcomb", holcomb) == "Eric Holcomb"  # named first: maybe theirs
    # named in a clause before the group's, which has no subject of its own: the group's ("..., a move critics see as")
    move = first("Hong Kong passed a bill that criminalises disrespect of the anthem, a move critics see as a sign of "
                 "Beijing’s grip.")
    assert speaker_for_group("Hong Kong legislature", move) == "critics"
    # a hyphened modifier belongs to the group; the model's body named only in lower case after a preposition is
    # no subject before it
    vetoed = first("The disruption in the legislature came after pro-establishment lawmakers vetoed most amendments.")
    assert speaker_for_group("Hong Kong legislature", vetoed) == "pro-establishment lawmakers"
    holm = first("Annika Holm, the council's chair, said she had spoken to both foreign ministers and offered talks.")
    assert speaker_for_group("Annika Holm", holm) == "Annika Holm"  # "she" is the clause's subject
    # a place after the group is part of it
    washington = first("Officials in Washington are concerned that the firm could pass users' data to Beijing.")
    assert speaker_for_group("ByteDance", washington) == "Officials in Washington"
    urged = first("The association has urged lawmakers to reject it.")
    assert speaker_for_group("Digital Commerce Association", urged) == "Digital Commerce Association"  # an object
    plain = first("Boris Johnson said the critics are wrong.")
    assert speaker_for_group("Boris Johnson", plain) == "Boris Johnson"  # the critics are no subject here
    german = first("Kritiker warnten vor dem Gesetz.", "de")
    assert speaker_for_group("Olaf Scholz", german) == "Olaf Scholz"  # no group nouns for German: the rule is off


def test_a_second_speaker_joined_by_but_or_while_is_read_with_what_they_said():
    from stance.text.attribution import second_speaker

    def first(text: str, lang: str = "en"):
        return split_sentences("Headline\n" + text, lang)[1]

    trust = first("Mr. Cueto told the trust that it could see the scorecard in a presentation, but trust members "
                  "said they wanted a copy in their hands.")
    found = second_speaker(trust, "Josenrique Cueto")
    assert found is not None and found.who == "trust members"
    assert found.content == "they wanted a copy in their hands."
    assert trust.text[found.start:].startswith(", but trust members")
    quoted = first("Cleckley pledged that the line “would meet the standard,” but critics said it never would.")
    found = second_speaker(quoted, "Eulois Cleckley")  # the quotation's comma, blanked, still ends the clause
    assert found is not None and found.who == "critics"
    found = second_speaker(first("Buckland has faced calls to quit, with critics saying the move breaks his oath."),
                           "Robert Buckland")
    assert found is not None and (found.who, found.content) == ("critics", "the move breaks his oath.")
    council = first("Velázquez opted to back the rezoning when unions backed the plan — and fellow councilmembers warned "
                    "they had the votes to override her objection.")
    found = second_speaker(council, "Marjorie Velázquez")
    assert found is not None and found.who == "fellow councilmembers"
    assert second_speaker(first("It slipped, with the White House adding to the confusion."), "Trump") is None
    assert second_speaker(first("Reed said the deal is good, and Reed also said it will close soon."), "Michael Reed") is None
    assert second_speaker(first("Ortiz said the plan works, but he said it costs too much."), "Dana Ortiz") is None
    assert second_speaker(first("Martin wrote to Johnson while Leo Varadkar called it a threat."), "Martin") is None
    assert second_speaker(first("Teresa Munoz and James Holloway said no to the plan."), "Teresa Munoz") is None


def test_members_speaking_are_their_body_when_the_article_names_it_once():
    text = ("Trust meets\nThe Citizens’ Independent Transportation Trust met on Monday. Trust members said they "
            "wanted a copy.")
    mapping, _ = canonicalise(["trust members", "Josenrique Cueto"], text)
    assert mapping["trust members"] == "Citizens’ Independent Transportation Trust"
    assert canonicalise(["union members"], text)[0]["union members"] == "union members"  # no union named


def test_two_subjects_joined_by_and_both_take_the_position():
    from stance.text.attribution import co_speakers

    def first(text: str, lang: str = "en"):
        return split_sentences("Headline\n" + text, lang)[1]

    holcomb = first("Holcomb and GOP legislative leaders touted the plan as making strides toward better pay.")
    assert co_speakers(holcomb, "Eric Holcomb") == ["GOP legislative leaders"]
    votes = first("Commissioners Teresa Munoz and James Holloway voted no.")
    assert co_speakers(votes, "Teresa Munoz") == ["James Holloway"]
    assert co_speakers(votes, "Dana Ortiz") == []  # the model's speaker is neither: nothing to add
    assert co_speakers(first("Munoz said the vote and the plan were wrong."), "Teresa Munoz") == []
    assert co_speakers(first("SPD und Grüne unterstützen Gauck.", "de"), "SPD") == ["Grüne"]  # German: "und"
    # ... with an article and a description before the last name
    sobek = first("Das Bahnprojekt Stuttgart-Ulm und der beauftragte Ingenieur Werner Sobek wiesen die Vorwürfe "
                  "von Otto als fachlich nicht fundiert zurück.", "de")
    assert co_speakers(sobek, "Werner Sobek") == ["Bahnprojekt Stuttgart-Ulm"]
    listed = first("It passed a security law, which the United States, Britain, Australia and Canada, as well as "
                   "international human rights groups, say will erode freedoms.")
    assert co_speakers(listed, "United States") == ["Britain", "Australia", "Canada", "international human rights groups"]
    assert co_speakers(listed, "Canada") == ["United States", "Britain", "Australia", "international human rights groups"]
    # "the Bill" is what the aside ", Scotland and Wales say," is about, not one of its speakers
    aside = first("MPs voiced anger, and the Bill, Scotland and Wales say, will weaken the Union.")
    assert co_speakers(aside, "Scotland") == ["Wales"]


def test_a_plural_subject_speaks_in_the_verbs_plain_form():
    from stance.text.attribution import stated_speaker

    def first(text: str):
        return split_sentences("Headline\n" + text)[1]

    assert stated_speaker(first("While Republicans are urging quick action, Democrats argue that the bill favours "
                                "industry.")) == "Democrats"
    assert stated_speaker(first("Ministers say it contains vital safeguards.")) == "Ministers"
    assert stated_speaker(first("The Government insists it needs the powers.")) == "Government"  # not "insisted"
    assert stated_speaker(first("Others say it's too small.")) is None  # a group a speaker cites, not a name
    from stance.text.sentences import Sentence

    joined = "Senators McCain and Feingold. Let's say it plainly: schools must change."  # one "sentence" the
    assert stated_speaker(Sentence(n=1, start=0, end=len(joined), text=joined)) is None  # splitter left joined


def test_both_companies_are_the_two_the_sentence_before_named():
    from stance.text.attribution import may_voice, pair_speakers

    sentences = split_sentences("Merger\nDoctor asserts that talks have resumed between McClatchy and Tribune. Both "
                                "companies declined to comment on the assertion. Both sides met on Monday.")
    both = sentences[2]
    assert pair_speakers(both, sentences[1]) == ["McClatchy", "Tribune"]
    assert may_voice("McClatchy", both, continued=False)  # "Both companies" stands for the pair
    assert pair_speakers(sentences[3], sentences[2]) == []  # no cue word; and the sentence before names no pair
    assert pair_speakers(sentences[1], sentences[0]) == []  # no "both" subject


def test_declining_a_detail_in_a_relative_clause_is_not_declining_the_point():
    from stance.text.polarity import noncommittal

    def first(text: str):
        return split_sentences(text)[0]

    assert not noncommittal(first("He added that investigators were examining two other apps, which he declined to name."))
    assert not noncommittal(first("A spokesman, who declined to be named, said the plan works."))
    assert noncommittal(first("A spokeswoman for the company declined to comment."))


def test_a_main_clause_in_the_mood_of_reported_speech_goes_on_with_a_report():
    from stance.text.attribution import continues_a_report

    def first(text: str, lang: str = "de"):
        return split_sentences("Überschrift\n" + text, lang)[1]

    assert continues_a_report(first("Es seien in Stuttgart schon andere Tunnel gebaut worden, ohne dass etwas passiert sei."))
    assert continues_a_report(first("Vielmehr habe sich Merkel bereits für Wulff entschieden."))
    assert not continues_a_report(first("Gabriel kritisierte, die Kanzlerin habe sich für Wulff entschieden."))  # a frame's
    assert not continues_a_report(first("Der Dienst ist zu dem Ergebnis gekommen, dass der Einsatz erlaubt sei."))
    assert not continues_a_report(first("„Ich habe das nie gesagt“, sagte Koch."))  # inside the quotation, and a speaker
    assert not continues_a_report(first("Am Freitag demonstrierten 30.000 Menschen gegen das Projekt."))
    assert not continues_a_report(first("He said it would be fine, and it is.", "en"))  # no such mood in English data


def test_a_body_that_is_the_subject_before_a_second_place_verb_takes_the_position():
    from stance.text.attribution import speaker_for_subject

    def first(text: str, lang: str = "de"):
        return split_sentences("Überschrift\n" + text, lang)[1]

    coalition = first("Die schwarz-gelbe Koalition hat sich darauf verständigt, den Ministerpräsidenten Christian "
                      "Wulff vorzuschlagen.")
    assert speaker_for_subject("Christian Wulff", coalition) == "schwarz-gelbe Koalition"
    fdp = first("Doch auch die FDP war mit einer Kandidatur Ursula von der Leyens nicht glücklich.")
    assert speaker_for_subject("Ursula von der Leyen", fdp) == "FDP"
    assert speaker_for_subject("FDP", fdp) == "FDP"  # the model's speaker is the subject
    results = first("Die Ergebnisse haben gezeigt, dass der Einsatz möglich ist.")
    assert speaker_for_subject("Bundesregierung", results) == "Bundesregierung"  # results are no body
    said = first("Die Regierung hat erklärt, Scholz sagte, der Plan komme.")
    assert speaker_for_subject("Olaf Scholz", said) == "Olaf Scholz"  # a stated speaker is speaker_for's
    english = first("The coalition has agreed to nominate Christian Wulff.", "en")
    assert speaker_for_subject("Christian Wulff", english) == "Christian Wulff"  # no subject_verbs in English


def test_a_title_the_model_translated_is_the_person_the_article_gave_that_title():
    from stance.text.attribution import speaker_for_title

    text = ("Sapin accuse la CGT\n"
            "Le ministre des Finances, Michel Sapin, a accusé lundi la CGT de prendre les Français en otages.\n"
            "Le ministre des Finances a mis en cause la CGT, un syndicat qui s'est durci.\n"
            "Northern Ireland Secretary Brandon Lewis said yes.\n"
            "Northern Ireland rules were published on Monday, a spokesman said.\n")
    sentences = split_sentences(text, "fr")
    assert speaker_for_title("Minister of Finance", sentences[2], text) == "Michel Sapin"
    assert speaker_for_title("Michel Sapin", sentences[2], text) == "Michel Sapin"  # the model's is in the article
    english = split_sentences(text)
    # "Northern Ireland" is a place, no title: the model's speaker stays
    assert speaker_for_title("Stormont official", english[4], text) == "Stormont official"


def test_spanish_accusing_and_maintaining_name_their_speaker():
    from stance.text.attribution import stated_speaker

    def first(text: str):
        return split_sentences("Titular\n" + text, "es")[1]

    assert stated_speaker(first("Rajoy acusó al equipo de Mas de proclamar los encantos de la independencia.")) == "Rajoy"
    assert stated_speaker(first("Los sindicatos rechazaron la propuesta, dijeron sus portavoces.")) is None


def test_french_speakers_after_an_adverb_inverted_or_set_up_as_the_topic():
    from stance.text.attribution import stated_speaker

    def first(text: str):
        return split_sentences("Titre\n" + text, "fr")[1]

    assert stated_speaker(first("Claude Wiseler a notamment regretté l’absence de certains sujets.")) == "Claude Wiseler"
    assert stated_speaker(first("«C’est naïf», a par exemple résumé à Paperjam.lu Claude Wiseler, chef de la fraction.")) == (
        "Claude Wiseler")
    assert stated_speaker(first("Quant à Fernand Kartheiser (ADR), il a regretté un discours «très faible».")) == (
        "Fernand Kartheiser")
    assert stated_speaker(first("Quant à la réforme, elle entre en vigueur en mai.")) is None  # no person, no speech


def test_also_between_a_name_and_its_speech_verb():
    from stance.text.attribution import stated_speaker

    assert stated_speaker(split_sentences("Headline\nReed also said the deal was good.")[1]) == "Reed"
    assert stated_speaker(split_sentences("Titular\nKenneth Roth también insistió en el perdón.", "es")[1]) == "Kenneth Roth"
    # ... and a time adverb ("Mr Barnier yesterday said", "Blinken today denied"): the Mail's "Mr Barnier" had been
    # the model's "Brussels"
    text = ("Headline\nMr Barnier yesterday said he was 'not refusing to list' Britain as a third country. "
            "Blinken today denied that there was any agreement.")
    assert [stated_speaker(s) for s in split_sentences(text)[1:]] == ["Mr Barnier", "Blinken"]
    # ... a time phrase, and speech acts that hint or signal ("… but Justice Secretary Robert Buckland this morning
    # hinted ministers were prepared to move", "But Mr Buckland signalled this morning …": Buckland, not Mr Johnson)
    text = ("Headline\nIt is not yet clear what the Government may have proposed but Justice Secretary Robert Buckland "
            "this morning hinted ministers were prepared to move on the issue. But Mr Buckland signalled this morning "
            "the Government could move. Mr. Ruano last week said signal preemption remains his major issue.")
    assert [stated_speaker(s) for s in split_sentences(text)[1:]] == ["Robert Buckland", "Mr Buckland", "Mr. Ruano"]


def test_a_quotation_that_closes_with_he_said_is_the_person_last_named():
    from stance.text.attribution import quotation_continuations, speaker_for_quotation

    text = ("Piden clemencia para Snowden\n"
            "El director de Human Rights Watch, Kenneth Roth, insistió en la necesidad de perdón para Snowden.\n\n"
            "“Snowden expuso una grave mala conducta. Otros fueron ignorados. Él debe ser indultado”, tuiteó.\n")
    sentences = split_sentences(text, "es")
    continued = quotation_continuations(sentences, headline=True)
    assert speaker_for_quotation("The Guardian", sentences[2], sentences[:2], text, continued=sentences[2].n in continued,
                                 later=sentences[3:]) == "Kenneth Roth"
    assert speaker_for_quotation("Edward Snowden", sentences[3], sentences[:3], text,
                                 continued=sentences[3].n in continued, later=sentences[4:]) == "Kenneth Roth"


def test_german_subjects_after_the_verb_each_take_the_position():
    from stance.text.attribution import co_speakers, inverted_subjects, speaker_for_subject

    def first(text: str):
        return split_sentences("Überschrift\n" + text, "de")[1]

    nominated = first("Als Gegenkandidat haben SPD und Grüne/Bündnis 90 gemeinsam Joachim Gauck aufgestellt.")
    assert inverted_subjects(nominated) == ["SPD", "Grüne/Bündnis 90"]
    assert speaker_for_subject("Guido Westerwelle", nominated) == "SPD"  # named nowhere in it: the first subject
    assert co_speakers(nominated, "SPD") == ["Grüne/Bündnis 90"]
    struck = first("Entgegen früheren Äußerungen hat sich der SPD-Fraktionschef Peter Struck nun dafür ausgesprochen.")
    assert inverted_subjects(struck) == ["SPD-Fraktionschef Peter Struck"]
    assert speaker_for_subject("Peter Struck", struck) == "Peter Struck"
    # no body after the verb: works, an election
    assert inverted_subjects(first("Am Mittwoch haben trotz Protesten Abrissarbeiten begonnen.")) == []
    assert inverted_subjects(first("Anhand der Verteilung ist die Wahl Wulffs wahrscheinlich.")) == []


def test_the_person_named_after_a_title_that_follows_the_verb_is_the_speaker():
    from stance.text.attribution import stated_speaker

    french = split_sentences("Titre\n\"Aucun navire n'est opéré\", a dit à Reuters le secrétaire général CGT du port "
                             "de Marseille, Pascal Galéoté.", "fr")[1]
    assert stated_speaker(french) == "Pascal Galéoté"
    english = split_sentences("Headline\n\"We will fight,\" said the company's chief executive, Martin Reyes-Hale.")[1]
    assert stated_speaker(english) == "Martin Reyes-Hale"
    assert stated_speaker(split_sentences("Headline\n\"We will fight,\" said Ortiz, the mayor.")[1]) == "Ortiz"


def test_whoever_asked_is_not_the_speaker():
    from stance.text.attribution import speaker_for_asked

    asked = split_sentences("Titular\nConsultada por la Afp, la Casa Blanca hizo referencia a declaraciones de Obama.",
                            "es")[1]
    assert speaker_for_asked("Afp", asked) == "Casa Blanca"
    assert speaker_for_asked("Obama", asked) == "Obama"  # not the asker: the model's stays
    english = split_sentences("Headline\nAsked by reporters, Johnson said the plan was fine.")[1]
    assert speaker_for_asked("reporters", english) == "Johnson"


def test_subjects_before_an_auxiliary_and_they_after_them_take_the_position():
    from stance.text.attribution import co_speakers, plural_co_speakers

    text = ("Airlines sue\n"
            "Separately, BA, Easyjet and Ryanair have made inroads towards a legal challenge to the quarantine.\n"
            "The three have written a letter to the government.\n"
            "In it, they argue the rules will be more stringent than those for the sick.\n"
            "They were late, the report said.\n")
    sentences = split_sentences(text)
    assert co_speakers(sentences[1], "BA") == ["Easyjet", "Ryanair"]  # "Separately" is no subject
    assert plural_co_speakers(sentences[3], sentences[:3], "BA") == ["Easyjet", "Ryanair"]
    assert plural_co_speakers(sentences[3], sentences[:3], "Unite") == []  # the model's is none of them
    assert plural_co_speakers(sentences[4], sentences[:4], "BA") == []  # "they" do not speak there
    # an auxiliary ends the subjects: "Holloway have" is no name
    assert co_speakers(split_sentences("H\nMunoz and Holloway have repeatedly said no.")[1], "Munoz") == ["Holloway"]


def test_a_dropped_subject_goes_on_from_the_sentence_before():
    from stance.text.attribution import speaker_for_pronoun

    text = ("Clemencia para Snowden\n"
            "El director de Human Rights Watch, Kenneth Roth, insistió en la necesidad de perdón para Snowden.\n"
            "Durante su última conferencia de prensa, el presidente Barack Obama eludió la cuestión.\n"
            "“El debate es importante y necesario”, dijo.\n")
    sentences = split_sentences(text, "es")
    assert speaker_for_pronoun("Kenneth Roth", sentences[3], sentences[:3], text) == "Barack Obama"
    english = split_sentences(text.replace("dijo", "he said"))  # English keeps its subject pronoun: no such rule
    assert speaker_for_pronoun("Kenneth Roth", english[3], english[:3], text) == "Kenneth Roth"


def test_a_passive_side_is_held_by_whoever_the_verb_names_after_it() -> None:
    from stance.text.attribution import speaker_for_agent

    def first(text: str):
        return split_sentences(text)[0]

    criticised = first("The proposals have been roundly criticised across the travel industry.")
    assert speaker_for_agent("UK government", criticised) == "travel industry"
    assert speaker_for_agent("travel industry", criticised) == "travel industry"  # the model's: kept
    assert speaker_for_agent("Ronald Reagan", first("This legislation is supported by a majority of you.")) == (
        "majority of you")
    assert speaker_for_agent("BA", first("The app is viewed by some as a threat.")) == "BA"  # "some" names no one
    assert speaker_for_agent("BA", first("The plan, backed by MPs, was criticised, Ryanair said.")) == "BA"
    # approval after a passive verb, and whoever introduced a measure in an aside, hold its side
    assert speaker_for_agent("Michael Reed", first("The deal was approved by shareholders of both companies.")) == (
        "shareholders of both companies")
    measure = first("The measure, introduced by Commissioner Wade Prentiss, directs the utility to halt fluoridation.")
    assert speaker_for_agent("Ashford County Board of Commissioners", measure) == "Commissioner Wade Prentiss"
    # ... not a thing named as someone else's in passing: the sentence is about what is done to it
    vetoed = first("Lawmakers vetoed most amendments to the anthem bill proposed by democrats.")
    assert speaker_for_agent("pro-establishment lawmakers", vetoed) == "pro-establishment lawmakers"


def test_a_question_on_a_line_of_its_own_is_a_subheading() -> None:
    text = ("Navalny poisoning\n\nWhat has Germany said?\n\nGermany said the evidence was unequivocal.\n"
            "The minister was blunt. Why would anyone believe that?\n\n“Who benefits from this?”\n")
    by = {s.text: s for s in split_sentences(text)}
    assert is_heading_question(by["What has Germany said?"], text)
    # a statement, a question inside a paragraph, a quoted question: none is a subheading
    assert not is_heading_question(by["Germany said the evidence was unequivocal."], text)
    assert not is_heading_question(by["Why would anyone believe that?"], text)  # ends a paragraph, not a line
    assert not any(is_heading_question(s, text) for s in by.values() if "Who benefits" in s.text)


@pytest.mark.parametrize(("text", "who", "voiced"), [
    # "it" as a preposition's object stands for a thing, not for the speaker
    ("The vote was delayed until 6 p.m. as Democrats dug in against it and to allow more time.", "Senators", False),
    ("The vote was delayed as Democrats dug in against it.", "Senators", False),
    # a possessive after a preposition, a source, a subject: the speaker may be meant
    ("Ostrovia’s government stood by its decision.", "Ostrovia", True),
    ("The plan is sound, according to him.", "Tom Reed", True),
    ("It said the plan was sound.", "Calloway Logistics", True),
])
def test_a_pronoun_that_may_stand_for_the_speaker(text: str, who: str, voiced: bool) -> None:
    assert may_voice(who, split_sentences(text)[0], continued=False) is voiced


@pytest.mark.parametrize(("text", "lang", "speaker"), [
    ("Strike\nOn CNN, the union's general secretary, Sharon Graham, said the offer was an insult.\n", "en",
     "Sharon Graham"),  # was "CNN": a sentence's opening "On CNN" is where, not who
    ("Grève\nSur RTL, le secrétaire général de la CGT, Philippe Martinez, a mis en cause le gouvernement.\n", "fr",
     "Philippe Martinez"),
])
def test_the_name_after_an_opening_place_and_a_description_speaks(text: str, lang: str, speaker: str) -> None:
    from stance.text.attribution import stated_speaker

    assert stated_speaker(split_sentences(text, lang)[1]) == speaker


def test_he_said_is_the_last_named_speaker_when_the_models_was_named_before_them() -> None:
    from stance.text.attribution import speaker_for_pronoun

    text = ("Fuel strike\n"
            "Michel Sapin said the blockades were not legitimate. "
            "Union leader Philippe Martinez said the government had chosen force. "
            "“Let the government listen rather than choose force,” he said.\n")
    sentences = split_sentences(text)
    assert speaker_for_pronoun("Michel Sapin", sentences[3], sentences[:3], text) == "Philippe Martinez"
    # named after the last speaker (or in the sentence itself), the model's speaker stays
    assert speaker_for_pronoun("Philippe Martinez", sentences[3], sentences[:3], text) == "Philippe Martinez"
    assert speaker_for_pronoun("Michel Sapin", sentences[2], sentences[:2], text) == "Michel Sapin"


def test_a_full_name_in_the_aside_after_a_description_speaks() -> None:
    from stance.text.attribution import stated_speaker

    text = ("Clemencia\n"
            "El director de la organización de defensa de los derechos humanos Human Rights Watch, Kenneth Roth, "
            "también insistió en la necesidad de perdón para Snowden. John Smith, Labour MP, said no.\n")
    sentences = split_sentences(text, "es")
    assert stated_speaker(sentences[1]) == "Kenneth Roth"  # was "Human Rights Watch"
    assert stated_speaker(split_sentences("Row\nJohn Smith, Labour MP, said the levy was unfair.\n")[1]) == "John Smith"


def test_a_name_that_believes_or_points_out_is_the_speaker_a_quotation_goes_on_from() -> None:
    from stance.text.attribution import speaker_for_quotation, stated_speaker

    text = ("Backfire\n"
            "Cheeseman believes that the UK's move could affect the country's ability to influence events. "
            "\"What are the big stories at the moment? Opposition leaders are getting poisoned in Russia.\"\n")
    sentences = split_sentences(text)
    assert stated_speaker(sentences[1]) == "Cheeseman"
    assert speaker_for_quotation("Boris Johnson", sentences[2], sentences[:2], text, continued=False) == "Cheeseman"
    pointed = split_sentences("Row\nNic Cheeseman, a professor of democracy, points out that the bill breaks the law.\n")
    assert stated_speaker(pointed[1]) == "Nic Cheeseman"
    text = ("Pardon\nForeign Secretary Teodoro Locsin first broke the news on his Twitter account that Pemberton could "
            "walk free.\n\n\"The President has granted an absolute pardon to Pemberton,\" he said.\n")
    sentences = split_sentences(text)
    assert stated_speaker(sentences[1]) == "Teodoro Locsin"


@pytest.mark.parametrize(("text", "content"), [
    # the narration quotes a phrase of its own before "said:": what was said is the quotation after the colon ...
    ("Dismissing one official's plea to not \"ignore the science\" on climate change, Mr Trump said: \"It'll start "
     "getting cooler, you just watch...", "It'll start getting cooler, you just watch."),
    ("Asked about the “so-called deal”, Ms Ortiz replied: “Is the council going to change its ways?”",
     "Is the council going to change its ways?"),
    # ... not when more narration or another quotation follows it
    ("Ms Ortiz said: “We will appeal,” and the council said: “So will we.”", None),
])
def test_what_follows_said_and_a_colon_is_what_was_said(text: str, content: str | None) -> None:
    from stance.text.reported import report_of

    got = report_of(split_sentences("Headline\n" + text + "\n")[1]).content
    if content is None:
        assert got not in ("So will we.", "We will appeal.")
    else:
        assert got == content


@pytest.mark.parametrize(("text", "lang", "speaker"), [
    ("The New York State Attorney General (NYAG) is investigating WeWork, according to two people familiar with the "
     "matter, adding to a mounting series of problems.", "en", "two people familiar with the matter"),
    ("Nearly 300 school districts closed because of the rally, according to teachers unions.", "en", "teachers unions"),
    # someone speaking before the source: the source reports their words, which stay theirs
    ("House Speaker Nancy Pelosi sounded an ominous warning Sunday that she may not support the bill, according to "
     "two people directly involved in the talks.", "en", "Nancy Pelosi"),
    ("Mr Reed said the merger would close, according to a filing.", "en", "Nancy Pelosi"),
    # a record is no source to credit
    ("Rents rose by a fifth in two years, according to city data.", "en", "Nancy Pelosi"),
    ("Plusieurs centaines de militants ont bloqué le dépôt, prélude, selon le syndicat, à des actions plus larges.",
     "fr", "syndicat"),
])
def test_the_source_a_sentence_cites_after_its_statement_speaks(text: str, lang: str, speaker: str) -> None:
    from stance.text.attribution import speaker_for_source

    assert speaker_for_source("Nancy Pelosi", split_sentences("Headline\n" + text + "\n", lang)[1]) == speaker


def test_the_source_keeps_the_articles_spelling_over_the_models() -> None:
    from stance.text.attribution import speaker_for_source

    sentence = split_sentences("Headline\nThere have been more than 10,000 coronavirus cases in Austria, according to "
                               "the Austrian Health Ministry.\n")[1]
    assert speaker_for_source("Austria Health Ministry", sentence) == "Austrian Health Ministry"
    assert speaker_for_source("Austrian Health Ministry", sentence) == "Austrian Health Ministry"


@pytest.mark.parametrize(("text", "lang", "said"), [
    ('The Northern Ireland secretary replied: "Yes.', "en", "Yes."),
    ("Mr Trump said: “It'll start getting cooler, you just watch.", "en", "It'll start getting cooler, you just watch."),
    ("Er sagte: „Dann holen wir uns den Terrorismus", "de", "Dann holen wir uns den Terrorismus"),
    ("“We will appeal,” she said.", "en", None),  # closed in the sentence
    ("Nobody spoke.", "en", None),
])
def test_the_quotation_a_sentence_ends_inside(text: str, lang: str, said: str | None) -> None:
    from stance.text.sentences import unclosed_quotation

    assert unclosed_quotation(split_sentences("Headline\n" + text + "\n", lang)[1]) == said


def test_a_name_the_model_spelled_otherwise_is_the_articles() -> None:
    from stance.text.actors import as_written, canonicalise

    text = ("Vaccine doubts\nThe US Centres for Disease Control and Prevention told states to prepare. "
            "Dr Albertson, political psychologist Bethany Albertson, and a NYAG spokesperson were asked. "
            "A spokesperson declined to comment.\n")
    assert as_written("Centers for Disease Control and Prevention", text) == "Centres for Disease Control and Prevention"
    assert as_written("NYAG spokesperson", text) == "NYAG spokesperson"  # in the text as written
    assert as_written("NYAG spokesman", text) == "NYAG spokesman"  # no word-for-word match: "A spokesperson" is not it
    mapping, _ = canonicalise(["Centers for Disease Control and Prevention", "Dr. Albertson", "Bethany Albertson"], text)
    assert mapping["Centers for Disease Control and Prevention"] == "Centres for Disease Control and Prevention"
    assert mapping["Dr. Albertson"] == "Bethany Albertson"  # a title and a surname: the full name, as before
