from concurrent.futures import ThreadPoolExecutor

from stance.text.claims import word_stems


def test_word_stems_from_many_threads_at_once() -> None:
    """A run codes articles in threads: each must get the stems one thread alone gets (a shared Snowball stemmer
    keeps the word it works on in itself, and raised IndexError or mixed words up)."""
    words = ("negotiations nationalisation internationally responsibilities organisational abandoned "
             "withdrawal agreement protection devolution jeopardises reputational conditionality").split()
    expected = word_stems(words, "en")

    def stem_many(_: int) -> bool:
        return all(word_stems(words, "en") == expected for _ in range(100))

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(stem_many, range(8)))
