"""A question word that no article uses is searched as the article word that
differs from it only in its ending, when the question is asked in another
language than the articles (an English question over Indonesian news:
"gesture" / "gestur", "geologic" / "geologi")."""

import pytest

from assistant.query.retrieval import endings_as_indexed, same_stem
from assistant.store.open import open_reader

from helpers.common import hash_index, json_lines, run_cli

GESTURE = """Arti Lambaian Tangan di Malaysia

Di Malaysia, melambaikan tangan dengan telapak ke bawah adalah gestur yang berarti "kemarilah".
Wisatawan sering salah paham.
"""
FOOD = """Kuliner Malam di Malaysia

Wisatawan di Malaysia menikmati sate dan nasi lemak di pasar malam kota.
"""
MOON = """Bulan Menyusut Perlahan

Ilmuwan menemukan lereng curam di permukaan bulan yang menunjukkan aktivitas geologi baru-baru ini.
"""


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    return hash_index(tmp_path_factory.mktemp("endings"),
                      {"gestur.txt": GESTURE, "kuliner.txt": FOOD, "bulan.txt": MOON})


def test_the_indexed_word_with_another_ending_is_found(collection):
    reader = open_reader(str(collection))
    with reader.snapshot():
        assert reader.terms_starting("geolog") == {"geologi": 1}
        assert same_stem(reader, "geologic") == "geologi"
        assert same_stem(reader, "gesture") == "gestur"
        assert same_stem(reader, "gestation") is None  # "gest" is too short a beginning
        # An English question: most of its words are not the articles'.
        assert endings_as_indexed(reader, ["gesture", "means", "malaysia"]) == \
            ["gestur", "means", "malaysia"]
        # A question in the articles' own language keeps its words.
        assert endings_as_indexed(reader, ["gesture", "tangan", "lereng", "curam"]) == \
            ["gesture", "tangan", "lereng", "curam"]
    reader.close()


@pytest.mark.parametrize("question, article", [
    ("Which gesture means come here in Malaysia?", "gestur"),
    ("Is there geologic activity on the moon?", "bulan"),
])
def test_an_english_question_finds_the_indonesian_word_by_keyword(collection, question, article):
    r = run_cli("ask", question, "--json", "--mode", "keyword", "--index-dir", collection)
    assert r.returncode == 0, r.stderr
    out = json_lines(r.stdout)[0]
    assert out["citations"][0]["article"]["path"].endswith(f"{article}.txt"), out["citations"][0]


def test_postgres_lists_the_same_terms_by_beginning(tmp_path, pg_url, collection):
    docs = collection.parent / "docs"
    r = run_cli("index", docs, "--store", pg_url, "--model", "hash", "-q")
    assert r.returncode == 0, r.stderr
    local, pg = open_reader(str(collection)), open_reader(pg_url)
    with local.snapshot(), pg.snapshot():
        for prefix in ("geolog", "gest", "malay", "zzz"):
            assert pg.terms_starting(prefix) == local.terms_starting(prefix)
        assert pg.terms_starting("malay") == {"malaysia": 2}
    local.close()
    pg.close()
