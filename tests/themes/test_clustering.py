"""The clustering on hand-made Finnish notes: inflected forms of one word gather, unrelated notes do
not, a word of one group alone is no common theme, and the result does not depend on note order."""
from __future__ import annotations

import os
import random

import pytest

from workshop.polls import lemmas
from workshop.themes.clustering import NoteText, cluster, content_lemmas

NOTES = [
    NoteText(1, 1, "Nuorille lisää harrastuksia kylille"),
    NoteText(2, 2, "Nuorten harrastusmahdollisuudet paranevat yhteistyöllä"),
    NoteText(3, 3, "Harrastukset ja nuoret: yhteinen tapahtumakalenteri"),
    NoteText(4, 1, "Kyytipalvelu ikäihmisille iltaisin"),
    NoteText(5, 4, "Ikäihmisten kyydit kirjastoon"),
    NoteText(6, 2, "Kahvio torin laidalle"),
    NoteText(7, 3, "Metsästysseuran laavu kunnostetaan"),
]


@pytest.fixture(autouse=True)
def with_voikko():
    """These examples need real Finnish base forms (Voikko: required when CI=true)."""
    if not lemmas.available():
        if os.environ.get("CI") == "true":
            pytest.fail("Voikko is required in CI (apt-get install libvoikko1 voikko-fi)")
        pytest.skip("Voikko not installed")


def by_key(clusters):
    return {c.key: c for c in clusters}


def test_inflected_forms_of_one_word_make_one_theme_across_groups():
    found = by_key(cluster(NOTES, lemmas.lemma))
    assert set(found) == {"nuori", "ikäihminen"}
    # "Nuorille", "Nuorten", "nuoret": one word, in three groups; no form twice, so the base form names it
    assert found["nuori"].note_ids == [1, 2, 3] and found["nuori"].groups == [1, 2, 3]
    assert found["nuori"].label == "Nuori" and found["nuori"].related == ["harrastus"]
    assert found["ikäihminen"].note_ids == [4, 5] and found["ikäihminen"].groups == [1, 4]


def test_a_note_goes_to_one_theme_and_unrelated_notes_to_none():
    clusters = cluster(NOTES, lemmas.lemma)
    ids = [i for c in clusters for i in c.note_ids]
    assert len(ids) == len(set(ids))
    assert not {6, 7} & set(ids)  # the kiosk and the hunting lodge share nothing with anyone


def test_notes_of_one_group_alone_are_no_common_theme():
    same_group = [NoteText(1, 1, "Kirjastoauto kylille"), NoteText(2, 1, "Kirjastoauton reitit")]
    assert cluster(same_group, lemmas.lemma) == []


def test_stop_words_and_short_words_make_no_theme():
    assert content_lemmas("Kunnan ja alueen hyvä asia on se", lemmas.lemma) == {}


def test_the_same_notes_in_any_order_give_the_same_themes():
    expected = [(c.key, sorted(c.note_ids)) for c in cluster(NOTES, lemmas.lemma)]
    shuffled = NOTES[:]
    random.Random(4).shuffle(shuffled)
    assert [(c.key, sorted(c.note_ids)) for c in cluster(shuffled, lemmas.lemma)] == expected


def test_a_form_most_notes_wrote_names_the_theme():
    notes = [NoteText(1, 1, "Nuoret mukaan"), NoteText(2, 2, "Nuoret päättämään"), NoteText(3, 3, "Nuorten ääni")]
    assert [c.label for c in cluster(notes, lemmas.lemma)] == ["Nuoret"]


def test_the_theme_spanning_most_groups_comes_first():
    notes = [NoteText(i, g, t) for i, (g, t) in enumerate([
        (1, "Vapaaehtoiset tarvitsevat koulutusta"), (2, "Vapaaehtoisten koulutus"), (3, "Koulutusta yhdistyksille"),
        (1, "Liikenne kylille"), (2, "Liikenteen vuorot")], start=1)]
    clusters = cluster(notes, lemmas.lemma)
    assert clusters[0].key == "koulutus" and clusters[0].groups == [1, 2, 3]
