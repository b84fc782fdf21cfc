"""A short article, and one-sentence texts, that the rule-pass, polarity and pipeline tests share."""

from __future__ import annotations

from stance.text.sentences import Sentence, split_sentences

ARTICLE = (
    "Council delays bus lane vote\n"
    "The plan was first drawn up in 2019.\n"
    "Mayor Dana Ortiz said the lanes would cut commute times.\n"
    "“We will not wait,” Ortiz told reporters. “The city needs this now.”\n"
    "Traffic has grown every year since 2015.\n"
    "Council member Raj Patel rejected the plan.\n"
    "“It will push traffic onto side streets,” he said.\n"
)


def sentence(text: str) -> Sentence:
    """The first sentence of ``text``, with its offsets."""
    return split_sentences(text)[0]
