"""Short claims by rule (issue 15): each cut on its own, then the whole of ``short_claim``, on invented sentences."""

from __future__ import annotations

import pytest

from stance.text.claims import (
    MAX_WORDS,
    cap_length,
    content_words,
    name_reported_subject,
    name_subject,
    no_comment_topic,
    no_proposition,
    said_besides,
    short_claim,
    strip_frame,
    strip_inner,
    strip_leading,
    strip_time,
    strip_trailing,
)


@pytest.mark.parametrize(
    ("content", "claim"),
    [
        # a reporting frame the sentence-level rules left in
        ("The Harbor Gazette reported on Friday that the port authority is auditing its pilots",
         "the port authority is auditing its pilots"),
        ("Councillor Mira Osei, however, weighed in on Tuesday, saying that the depot should close at night",
         "the depot should close at night"),
        ("Analysts at Brightwater estimated this year that a 7% levy was needed to keep the ferries running",
         "a 7% levy was needed to keep the ferries running"),
        # not a frame: a passive, a relative "that" after a comma, "the United States"
        ("Cuts will be announced next week in units that do not support the core business",
         "Cuts will be announced next week in units that do not support the core business"),
        ("An official indicated he considers it a useful channel, that might lead to talks",
         "An official indicated he considers it a useful channel, that might lead to talks"),
        ("Talks between the United States and Ostrovia that began in May have stalled",
         "Talks between the United States and Ostrovia that began in May have stalled"),
    ],
)
def test_strip_frame(content: str, claim: str) -> None:
    assert strip_frame(content) == claim


def test_strip_leading_drops_markers_and_hedges_but_keeps_enough_words() -> None:
    assert strip_leading("At the same time, we have been building up our reserves") == "we have been building up our reserves"
    assert strip_leading("So I think the levy is fair to every household") == "the levy is fair to every household"
    assert strip_leading("It also has been clear for some time that the bridge is unsafe") == "the bridge is unsafe"
    assert strip_leading("Well, then that would be different") == "that would be different"
    assert strip_leading("But it works") == "But it works"  # three words would be left: too few
    assert strip_leading("I repeat: not one single dime of new taxes") == "not one single dime of new taxes"
    assert strip_leading("Let me be absolutely clear: the plan will pass this year") == "the plan will pass this year"
    assert strip_leading("Simply put, the proliferation risk is steadily becoming more acute") == (
        "the proliferation risk is steadily becoming more acute")


def test_strip_inner_and_trailing_and_time() -> None:
    assert strip_inner("Osei, who chairs the transport board, opposed the fare rise") == "Osei opposed the fare rise"
    assert strip_inner("The depot (opened in 1998) is too small for the fleet") == "The depot is too small for the fleet"
    assert (strip_inner("The Bill, if approved, would give ministers the power to ignore parts of that protocol")
            == "The Bill would give ministers the power to ignore parts of that protocol")
    long_condition = "Fares, if the council agrees to the plan, will rise by a third"
    assert strip_inner(long_condition) == long_condition  # a condition of more than a few words is part of the claim
    assert (strip_inner("The union — which has 900 members — will strike on Monday")
            == "The union will strike on Monday")
    assert (strip_trailing("There is no deal on the table, even as we keep talking to them")
            == "There is no deal on the table")
    assert strip_trailing("Bus fares will rise, given the fuel costs") == "Bus fares will rise"
    assert strip_trailing("Yes, so it goes") == "Yes, so it goes"  # the cut would leave one word
    assert strip_time("The council approved the budget on Thursday") == "The council approved the budget"
    assert strip_time("The mayor changed her mind last October and backed the plan") == "The mayor changed her mind and backed the plan"
    assert strip_time("Earlier this year the port laid off staff") == "the port laid off staff"
    assert strip_time("Fares rose in July") == "Fares rose in July"  # three words would be left: too few
    # after a modal the date is what is predicted or demanded, not when it was said
    assert strip_time("A coronavirus vaccine could be ready in October") == "A coronavirus vaccine could be ready in October"
    assert strip_time("The union will strike by Friday unless paid") == "The union will strike by Friday unless paid"
    assert strip_time("The union will strike, it said on Friday") == "The union will strike, it said"


def test_a_leading_concession_is_not_the_claim() -> None:
    conceded = "Though officials insist no corners are being cut, the timetable is simply too short for safety checks"
    assert strip_leading(conceded) == "the timetable is simply too short for safety checks"
    assert strip_leading("While it rained, we won") == "While it rained, we won"  # two words would be left: too few
    # a time before the proposition, or where it was said
    assert (strip_leading("When approached for comment, the medical authority referred CNN to the statement")
            == "the medical authority referred CNN to the statement")
    assert (strip_leading("In a statement to CNN last week, the prosecutor's office opened an investigation")
            == "the prosecutor's office opened an investigation")
    assert strip_leading("If the bill passes, fares will rise by a third") == "If the bill passes, fares will rise by a third"


def test_cap_length_cuts_at_a_clause_boundary_then_at_a_comma() -> None:
    long = ("The authority will extend the tram line to the airport by 2030, and the city will pay for "
            "the new stations from the parking levy")
    assert cap_length(long, 15) == "The authority will extend the tram line to the airport by 2030"
    listed = ("The plan covers the harbour, the old rail yards, the market district and the three new housing "
              "estates north of the river")
    assert cap_length(listed, 15) == "The plan covers the harbour, the old rail yards"
    # never between a subject and its name in apposition ("El presidente del gobierno español, Mariano Rajoy.")
    apposed = ("El presidente del gobierno español, Mariano Rajoy, reiteró este sábado en Barcelona su rechazo al "
               "desafío independentista")
    assert cap_length(apposed, 15) == apposed
    places = "Les ordres sont donnés face à cette violence, à Paris, à Nantes, à Rennes, à Toulouse"
    assert cap_length(places, 15) == "Les ordres sont donnés face à cette violence, à Paris, à Nantes, à Rennes"
    # a spaced hyphen is a dash, as British papers set one: a clause boundary alone, an aside in pairs
    assert cap_length('It would only make "minor clarifications in extremely specific areas" - but it worried some in '
                      "Brussels and Westminster", 15) == 'It would only make "minor clarifications in extremely specific areas"'
    assert short_claim("The practicalities of the protocol - which will deal with issues of state aid and customs checks "
                       "- is still being negotiated by a joint committee.") == (
        "The practicalities of the protocol is still being negotiated by a joint committee.")
    assert short_claim("The well-known Brexit-related row is far from over.") == "The well-known Brexit-related row is far from over."
    # ... and where no boundary falls within the limit, a dash past it still ends the claim's first clause
    assert cap_length("The EU issued a statement that was about as furious as any I've ever seen in this kind of context "
                      "- demanding that the UK government withdraw the plans", 15) == (
        "The EU issued a statement that was about as furious as any I've ever seen in this kind of context")
    # never where a short aside after the subject and its auxiliary closes ("Il n’a, à aucun moment.")
    aside = ("Il n’a, à aucun moment, développé une vision d’ensemble pour le Luxembourg ni montré aucune "
             "compréhension de ce qu’est le Luxembourg")
    assert cap_length(aside, 15) == aside
    assert cap_length("He has, at no point, developed a vision for the country or shown any understanding of what it "
                      "is", 15).startswith("He has, at no point, developed")
    no_boundary = " ".join(["word"] * 20)
    assert cap_length(no_boundary, 15) == no_boundary  # nothing to cut at: left whole
    assert cap_length("Short and sweet, as it is", 15) == "Short and sweet, as it is"
    adjectives = "She had no confidence that a safe, effective vaccine would be ready for use by Halloween this year"
    assert cap_length(adjectives, 15) == adjectives  # never "... that a safe"
    assert (cap_length("The episode showed how things could go off the rails, how a full blown conflict could erupt", 15)
            == "The episode showed how things could go off the rails")
    # an opening participle's phrase alone says nothing: the main clause is kept; a list of gerunds is not one
    assert cap_length("Breaking with their usual policy of political neutrality, HSBC and Standard Chartered banks "
                      "gave their backing to the new law", 15) == (
        "HSBC and Standard Chartered banks gave their backing to the new law")
    # ... nor does an opening phrase of any preposition ("Against the backdrop of growing economic uncertainty.")
    assert cap_length("Against the backdrop of growing economic uncertainty, we have made a series of very fair and "
                      "reasonable offers to the union", 15) == "We have made a series of very fair and reasonable offers to the union"
    # ... nor does who asked the speaker, in any language's words
    assert cap_length("Consultada por la Afp, la Casa Blanca hizo referencia a declaraciones anteriores de Obama y "
                      "funcionarios del gobierno sobre Snowden", 15) == (
        "La Casa Blanca hizo referencia a declaraciones anteriores de Obama y funcionarios del gobierno sobre Snowden")
    gerunds = "Freezing progress on the nuclear program; reducing tensions in the region; and securing the release of prisoners"
    assert cap_length(gerunds, 15) == "Freezing progress on the nuclear program; reducing tensions in the region"
    assert cap_length("Nothing could be further from the truth, and everyone in this building knows it very well indeed", 15) == (
        "Nothing could be further from the truth")
    # the same in German, French and Spanish: "Durante su última conferencia de prensa de 2013." is no claim
    assert cap_length("Durante su última conferencia de prensa de 2013, Obama eludió la cuestión de una posible "
                      "amnistía para Snowden", 15) == "Obama eludió la cuestión de una posible amnistía para Snowden"
    assert cap_length("Considerando el enorme valor de la información que ha revelado, Snowden merece más que una "
                      "vida de exilio", 15) == "Snowden merece más que una vida de exilio"
    # a date after the opening phrase is no claim either, nor an opening phrase longer than a claim
    assert cap_length("Durante su última conferencia de prensa de 2013, el 20 de diciembre, Obama eludió la cuestión "
                      "de una posible amnistía para Snowden", 15) == (
        "Obama eludió la cuestión de una posible amnistía para Snowden")
    assert cap_length("En una entrevista con The Washington Post y una intervención televisiva sin precedente en junio, "
                      "Snowden llamó a poner fin a la vigilancia masiva", 15) == (
        "Snowden llamó a poner fin a la vigilancia masiva")


def test_an_opening_date_is_no_claim() -> None:
    assert no_proposition("El 24 de diciembre") and no_proposition("On Monday") and no_proposition("Am 3. Oktober")
    assert not no_proposition("The bill passed") and not no_proposition("Snowden merece más")
    assert short_claim("El 24 de diciembre, Snowden llamó a los ciudadanos del mundo entero a poner fin a la "
                       "vigilancia masiva, y estimó que ha cumplido con su misión.") == (
        "Los ciudadanos del mundo entero deben poner fin a la vigilancia masiva.")  # (a request: as_request)


def test_a_named_speakers_inner_frame_with_an_apposition_is_cut() -> None:
    assert short_claim("Michel Barnier, the EU's top negotiator, said Mr Johnson had sparked the row to distract.") == (
        "Mr Johnson had sparked the row to distract.")


def test_a_cut_that_would_leave_a_subject_and_its_apposition_drops_the_apposition() -> None:
    assert short_claim("Tallis Health, the maker of one of the most widely used fitness-tracking apps, sued the national "
                       "Consumer Data Authority, seeking to overturn a record fine over its sharing of users’ data.") == (
        "Tallis Health sued the national Consumer Data Authority.")
    assert short_claim("The measure, introduced by Commissioner Wade Prentiss, directs the county water utility to halt "
                       "fluoridation within 90 days.") == (
        "The measure directs the county water utility to halt fluoridation within 90 days.")
    # ... not an opening phrase set off by commas, nor a list
    against = ("Against the backdrop of growing economic uncertainty, the country entering a depression and rising "
               "levels of unemployment, we have made what we consider to be a series of very fair offers.")
    assert not short_claim(against).startswith("Against the backdrop of growing economic uncertainty we")
    assert short_claim("Democrats, the unions and the Greens, and many small businesses, oppose the plan.") == (
        "Democrats, the unions and the Greens, and many small businesses, oppose the plan.")


def test_a_long_claim_with_no_cut_within_the_limit_ends_before_a_second_clause_of_its_own() -> None:
    pledged = ("The department “would be able to track towards that Gold Standard for the whole of the new line,” but "
               "trust members questioned whether just applying for gold certification was sufficient")
    assert cap_length(pledged, 15) == "The department “would be able to track towards that Gold Standard for the whole of the new line"
    # ... not a relative clause, which may say what the claim is about
    relative = ("BA, Easyjet and Ryanair have made inroads towards a legal challenge to the government's plans for "
                "arriving travellers, which they say are unworkable")
    assert cap_length(relative, 15) == relative


def test_a_bracketed_sentence_whose_opening_went_with_its_frame_loses_its_closing_bracket() -> None:
    assert short_claim("It had become the largest shareholder of Tribune by acquiring the stake held by Michael Ferro.)") == (
        "It had become the largest shareholder of Tribune by acquiring the stake held by Michael Ferro.")
    from stance.text.claims import _finish

    assert _finish("The levy would fund the ferries (and the night buses)", "") == (
        "The levy would fund the ferries (and the night buses).")  # a balanced bracket stays


@pytest.mark.parametrize(("content", "claim"), [
    # German „…“: “ closes „, so nothing is added (it was closed again with an English ”)
    ("die rechtlichen Grundlagen des Einsatzes „eindeutig“ sein müssten",
     "Die rechtlichen Grundlagen des Einsatzes „eindeutig“ sein müssten."),
    ("es sei politisch „klüger", "Es sei politisch „klüger“."),  # cut inside: closed with its own mark
    ("Wir haben „keine Wahl“", "Wir haben „keine Wahl“."),
    # French «…»: the full stop after the closing mark, not inside and again after it
    ("il a regretté un discours «très faible» et «insignifiant.»", "Il a regretté un discours «très faible» et «insignifiant»."),
    ("la situation est « moins bonne", "La situation est « moins bonne »."),
    ("Die Lage sei »ernst«", "Die Lage sei »ernst«."),  # German »…«
    ("They weren’t “asking for the moon.”", "They weren’t “asking for the moon.”"),  # English: inside
    ("the firm will be “stronger", "The firm will be “stronger.”"),
    ("said the plan was “wrong” and “unworkable", "Said the plan was “wrong” and “unworkable.”"),
    ("wrong,” he said", "“Wrong,” he said."),  # a quotation whose opening was cut off
    # straight quotes: a space after a mark that opens is no padding
    ('damaged trust" and it would not be "shy" of legal action', 'Damaged trust" and it would not be "shy" of legal action."'),
])
def test_quotation_marks_are_balanced_in_the_articles_own_style(content: str, claim: str) -> None:
    assert short_claim(content) == claim


def test_a_request_is_stated_as_what_should_be_done() -> None:
    assert short_claim("He urged the government to withdraw the bill by the end of the month.") == (
        "The government should withdraw the bill by the end of the month.")
    assert short_claim("Residents urged the board not to approve the rezoning.") == "The board should not approve the rezoning."
    assert short_claim("The CDC asked governors late last month to be prepared for a vaccine.") == (
        "Governors should be prepared for a vaccine.")
    # ... after an opening phrase the length cap cuts
    assert short_claim("In a joint article with Sir John, Mr Blair urged MPs to reject the 'shaming' legislation.") == (
        "MPs should reject the 'shaming' legislation.")
    for unchanged in ("Trump advisers have urged him to fire feds faster.", "She asked not to be named.",
                      "He asked about the timing."):
        assert short_claim(unchanged) == unchanged
    # ... in each language's words, with its modal for one or many
    assert short_claim("Snowden llamó a los ciudadanos del mundo entero a “poner fin a la vigilancia masiva.”") == (
        "Los ciudadanos del mundo entero deben “poner fin a la vigilancia masiva.”")
    assert short_claim("El ministro instó al gobierno a retirar la ley de inmediato.") == (
        "El gobierno debe retirar la ley de inmediato.")
    assert short_claim("Le Premier ministre a appelé les syndicats à « prendre leurs responsabilités »") == (
        "Les syndicats doivent « prendre leurs responsabilités ».")
    for unchanged in ("El ministro llamó a la calma.", "Il a appelé à la grève générale."):
        assert short_claim(unchanged) == unchanged


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        # a lone condition or opening phrase is no claim: the main clause is kept instead
        ("If the bill were to be adopted, it would constitute an extremely serious violation of the agreement and of "
         "international law",
         "It would constitute an extremely serious violation of the agreement and of international law"),
        ("In the case of the Northern Ireland Protocol, the government is proposing to give ministers powers to "
         "disapply parts of the treaty",
         "The government is proposing to give ministers powers to disapply parts of the treaty"),
        # within the limit: whole
        ("If Marmorato maintains her lead, she will become the only Republican councilmember",
         "If Marmorato maintains her lead, she will become the only Republican councilmember"),
        # "whether ... or ...": one question, cut as before
        ("Whether Iran chooses itself to take actions, or maybe better put, not to take actions that further escalate "
         "the tensions", "Whether Iran chooses itself to take actions"),
    ],
)
def test_cap_length_keeps_the_main_clause_not_a_lone_condition(text: str, claim: str) -> None:
    assert cap_length(text, 15) == claim


def test_short_claim_is_the_proposition_in_the_articles_words() -> None:
    content = ("At the same time, the Harbor Gazette reported on Friday that the port authority, which runs "
               "the ferries, is auditing its pilots, even as the union objects.")
    claim = short_claim(content)
    assert claim == "The port authority is auditing its pilots."
    assert len(claim.split()) <= MAX_WORDS
    # every word kept is the sentence's: a claim never invents wording
    assert set(content_words(claim)) <= set(content_words(content))
    assert short_claim("The ferry is “unsafe at any speed") == "The ferry is “unsafe at any speed.”"  # quotes closed
    assert short_claim('Fluoride - "it is a scam."') == 'Fluoride - "it is a scam."'
    assert short_claim("a danger to swimmers,”") == "A danger to swimmers."  # quotation marks at the edges go
    assert short_claim("Why has this taken four months?") == "Why has this taken four months?"
    # a participle's aside goes like a relative clause's, and no cut or dropped date leaves a conjunction at the end
    assert short_claim("There was no proof that Mr Pemberton, having been detained with special privileges inside a "
                       "special jail, merited a commuted sentence") == (
        "There was no proof that Mr Pemberton merited a commuted sentence.")
    assert short_claim("The entire Paznaun valley was quarantined on March 13 and on March 18, Tyrol issued a "
                       "quarantine order for all 279 municipalities in the province") == (
        "The entire Paznaun valley was quarantined.")
    assert short_claim("This is exactly what the law was written for") == "This is exactly what the law was written for."


def test_name_subject() -> None:
    assert name_subject("I like the fact that we lost.", "Dana Ortiz", person=True) == "Dana Ortiz likes the fact that we lost."
    assert name_subject("I’m not against the depot.", "Dana Ortiz", person=True) == "Dana Ortiz is not against the depot."
    assert name_subject("I also worry about fares.", "Dana Ortiz", person=True) == "Dana Ortiz also worries about fares."
    assert name_subject("I respectfully disagree.", "Bush", person=True) == "Bush respectfully disagrees."
    assert name_subject("I suffer no illusions that this will be easy.", "Obama", person=True) == (
        "Obama suffers no illusions that this will be easy.")
    assert name_subject("I can’t recall a vote like it.", "Dana Ortiz", person=True) == "Dana Ortiz can’t recall a vote like it."
    assert name_subject("I received the letter.", "Dana Ortiz", person=True) == "Dana Ortiz received the letter."
    # a person's "we" is their team or government, which the sentence does not name: left alone
    assert name_subject("We will not wait.", "Dana Ortiz", person=True) == "We will not wait."
    assert name_subject("We are going to respect the ruling.", "Port Authority", person=False) == (
        "Port Authority is going to respect the ruling.")
    assert name_subject("Iran is ready.", "Dana Ortiz", person=True) == "Iran is ready."  # "I" only as a word


def test_name_reported_subject() -> None:
    text = "Dana Ortiz said he expects the depot to open. Mrs Hale said he was the victim."

    def named(claim: str, sentence: str, speaker: str, person: bool = True) -> str:
        return name_reported_subject(claim, sentence, speaker, text, person=person)

    assert named("He expects the depot to open.", "Reed told investors he expects the depot to open.",
                 "Michael Reed") == "Michael Reed expects the depot to open."
    assert named("She would not wait.", "She said on Tuesday that she would not wait.", "Dana Ortiz") == (
        "Dana Ortiz would not wait.")
    assert named("They don't expect to act.", "Leaders said they don't expect to act.", "GOP leaders",
                 person=False) == "GOP leaders don't expect to act."
    assert named("It believes the rules help.", "The Home Office said it believes the rules help.", "Home Office",
                 person=False) == "Home Office believes the rules help."
    # an acronym, an adverb between commas, a bracket before the subject; a common noun takes its article
    assert named("They would not seek a suspension.", "But EU sources told Reuters they would not seek a suspension.",
                 "EU", person=False) == "EU would not seek a suspension."
    assert named("It couldn’t answer.", "The department, however, said it couldn’t answer.", "department",
                 person=False) == "The department couldn’t answer."
    assert named("It had become the largest shareholder.", "(Alden on Tuesday announced that it had become the largest "
                 "shareholder.", "Alden Capital", person=False) == "Alden Capital had become the largest shareholder."
    # the frame's subject is someone else, the article titles the speaker with the other gender, or a quotation
    assert named("He was poisoned.", "Ms Yarmysh said he was poisoned.", "Dana Ortiz") == "He was poisoned."
    assert named("He was the victim.", "Mrs Hale said he was the victim.", "Ann Hale") == "He was the victim."
    assert named("He is a liar.", "“He is a liar,” said Ortiz.", "Dana Ortiz") == "He is a liar."
    # "it" of a person, "he" of an organisation: not the speaker
    assert named("It would damage trust.", "Ortiz said it would damage trust.", "Dana Ortiz") == (
        "It would damage trust.")
    assert named("He will resign.", "The ministry said he will resign.", "Ministry", person=False) == (
        "He will resign.")


def test_content_words_ignore_function_words_and_negation() -> None:
    assert content_words("The lanes will not cut commute times.") == content_words("The lanes will cut commute times")
    assert content_words("Ostrovia's ministry didn't act") == {"ostrovia", "ministry", "act"}


def test_no_comment_topic_and_said_besides() -> None:
    assert no_comment_topic("The ministry declined to comment on the report.") == "the report"
    assert no_comment_topic("Tallis would not say whether the fine would be appealed.") == "the fine would be appealed"
    assert no_comment_topic("Asked twice, she had no updates, when asked about a possible fare freeze") == "a possible fare freeze"
    assert no_comment_topic("The board did not respond to a request for comment.") is None  # names no topic
    assert no_comment_topic("A spokesperson declined to comment.") is None
    assert (said_besides("A spokesman declined to comment on the talks, saying the lawsuit was a parallel process.")
            == "the lawsuit was a parallel process")
    assert said_besides("A spokesman declined to comment on the talks.") is None


def test_a_claim_leaves_the_dateline_out() -> None:
    assert short_claim("LONDON (REUTERS) – Britain plunged Brexit trade talks into crisis by explicitly acknowledging "
                       "it could break international law.") == (
        "Britain plunged Brexit trade talks into crisis by explicitly acknowledging it could break international law.")


@pytest.mark.parametrize(("content", "claim"), [
    ("The entire Paznaun valley was quarantined and", "The entire Paznaun valley was quarantined."),
    # a speech participle whose words were cut off
    ("Irish Foreign Affairs Minister, Simon Coveney, called Mr Lewis' comments gravely concerning, adding",
     "Irish Foreign Affairs Minister, Simon Coveney, called Mr Lewis' comments gravely concerning."),
    ("Le texte est injuste, ajoutant", "Le texte est injuste."),
    ("The majority of rebels are expected to hold fire until", "The majority of rebels are expected to hold fire."),
    # a preposition or "that" may end a claim
    ("This is exactly what the law was written for", "This is exactly what the law was written for."),
])
def test_no_claim_ends_on_a_dangling_word(content: str, claim: str) -> None:
    assert short_claim(content) == claim


def test_what_a_concern_or_a_reason_is_is_the_claim() -> None:
    assert short_claim("A greater concern would be that selected employees could be marginalized, i.e., ignored, by new "
                       "leadership") == "Selected employees could be marginalized by new leadership."
    assert short_claim("The reason for the time requirement was that the county made the video presentation") == (
        "The county made the video presentation.")
    assert short_claim("The problem is that nobody listens") == "The problem is that nobody listens."  # too few left
