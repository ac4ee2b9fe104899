"""The response cache key: what must and must not change it."""

from server.cache import cache_key, normalise

KEY = cache_key("When does my CKA expire?", [], "answer.v1-aaaa", "corpus-1")


def test_case_punctuation_and_spacing_do_not_change_the_key() -> None:
    assert normalise("  When does MY cka expire?!  ") == "when does my cka expire"
    assert cache_key("when does my CKA expire", [], "answer.v1-aaaa", "corpus-1") == KEY


def test_everything_that_could_change_the_answer_changes_the_key() -> None:
    question = "When does my CKA expire?"
    others = [
        cache_key("When does my CKA renew?", [], "answer.v1-aaaa", "corpus-1"),
        cache_key(question, ["Which cert?", "The CKA."], "answer.v1-aaaa", "corpus-1"),
        cache_key(question, [], "answer.v2-bbbb", "corpus-1"),
        cache_key(question, [], "answer.v1-aaaa", "corpus-2"),
    ]
    assert len({KEY, *others}) == 5
    assert all(k.startswith("rag:answer:") for k in others)
