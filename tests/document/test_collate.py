"""Sort keys as a reader sees the text: letter by letter, accents folded, articles and quotes ignored."""

from pipeline.document.collate import sort_key


def ordered(*texts: str) -> list[str]:
    return sorted(texts, key=sort_key)


def test_accents_are_folded():
    assert ordered("Zhang, Wei", "Öztürk, Ayşe", "Oliver, Ann") == [
        "Oliver, Ann",
        "Öztürk, Ayşe",
        "Zhang, Wei",
    ]
    assert ordered("Østergaard, L.", "Oslo Group", "Orr, J.") == ["Orr, J.", "Oslo Group", "Østergaard, L."]


def test_accents_decide_only_between_names_otherwise_the_same():
    assert ordered("Öztürk, Ayşe", "Ozturk, Berk") == ["Öztürk, Ayşe", "Ozturk, Berk"]


def test_leading_articles_markup_and_opening_quotes_are_ignored():
    entries = [
        "<i>The New Arab</i>. “Arab League.”",
        "“Assad Regime Anti-Normalization Act of 2023.” H.R. 3202.",
        "<i>A Strategy to End the Systematic Theft</i>. Memo.",
        "Enab Baladi. “Biden Signs.”",
        "Mediterranean Research Group.",
        "Rose, C. <i>Conflict</i>.",
    ]
    assert ordered(*entries) == [entries[1], entries[3], entries[4], entries[0], entries[5], entries[2]]


def test_letter_by_letter_up_to_each_comma():
    # Chicago 16.58: spaces do not count ("Newark" before "New York"), but a comma ends the first element
    assert ordered("New York Times", "Newark Ledger") == ["Newark Ledger", "New York Times"]
    assert ordered("Smithers, Anne", "Smith, John") == ["Smith, John", "Smithers, Anne"]
    assert ordered("Hall, N., K. Shaar, and M. Agha", "Hall, N.") == [
        "Hall, N.",
        "Hall, N., K. Shaar, and M. Agha",
    ]


def test_case_does_not_decide_the_order():
    assert ordered("de Waal, A.", "Dean, B.", "DEAN, C.") == ["Dean, B.", "DEAN, C.", "de Waal, A."]


def test_text_without_letters_has_no_key():
    assert sort_key("<i></i> “ ”") is None
