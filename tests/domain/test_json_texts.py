"""The texts inside a JSON value: with the names of its objects (what a personnummer could
hide in), or without them (the words a search should find)."""

from kvtui.domain.json_texts import texts_in

CHANGES = {"text": {"from": "Beslut saknas", "to": ["Beslut finns", 3]}, "nr": 2}


def test_the_names_of_objects_are_texts_unless_left_out() -> None:
    assert list(texts_in(CHANGES)) == ["text", "from", "Beslut saknas", "to", "Beslut finns",
                                       "nr"]
    assert list(texts_in(CHANGES, names=False)) == ["Beslut saknas", "Beslut finns"]
