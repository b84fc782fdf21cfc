"""The run summary's rate reads as a real number (never "0.0 articles/s")."""

from __future__ import annotations

import pytest

from stance.runs.summary import throughput


@pytest.mark.parametrize(
    ("articles", "seconds", "shown"),
    [
        (1, 99.0, "99 s per article"),  # the seed article on two cores: was "0.0 articles/s"
        (10, 300.0, "2.0 articles/min"),
        (100, 20.0, "5.0 articles/s"),
        (3, 1.0, "3.0 articles/s"),
    ],
)
def test_throughput_reads_as_a_real_number(articles: int, seconds: float, shown: str) -> None:
    assert throughput(articles, seconds) == shown
    assert not shown.startswith("0.0")
