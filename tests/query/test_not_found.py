"""Not found on a small collection of neighbouring stories: a question about a
place no article covers is not found, with the nearest passages listed as weak."""

import pytest

from helpers.common import hash_index, json_lines, run_cli

FLOOD = """Banjir Rendam Semarang, 1.200 Warga Mengungsi

SEMARANG, KOMPAS.TV - Banjir merendam lima kecamatan di Kota Semarang pada Jumat (7/3/2025)
setelah hujan deras sejak malam.

Sebanyak 1.200 warga mengungsi ke masjid dan sekolah. Ketinggian air mencapai satu meter di beberapa titik.
"""
ELECTION = """Petahana Kalah di Pilkades Sukaraja

BOGOR, KOMPAS.TV - Kepala desa petahana di Sukaraja kalah dalam pemilihan kepala desa serentak
pada Minggu (8/12/2025).

Penantang, Rina Hartati, meraih 2.315 suara, unggul 410 suara dari petahana.
"""

WAGE = """UMK Bekasi 2026 Naik 6,5 Persen

BEKASI, KOMPAS.TV - Upah minimum Kota Bekasi tahun 2026 ditetapkan sebesar Rp5.921.340 per bulan.

Serikat pekerja sebelumnya menuntut kenaikan 10 persen.
"""


@pytest.fixture(scope="module")
def two_topics(tmp_path_factory):
    return hash_index(tmp_path_factory.mktemp("two-topics"),
                      {"banjir-semarang.txt": FLOOD, "pilkades-sukaraja.txt": ELECTION,
                       "umk-bekasi.txt": WAGE})


def ask(ix, question):
    r = run_cli("ask", question, "--json", "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    return json_lines(r.stdout)[0]


@pytest.mark.parametrize("question", [
    "Berapa warga yang mengungsi akibat banjir di Kendal?",
    "How many people fled the flood in Pekalongan?",
    "Siapa pemenang pilkades di Cibinong?",
    # "Kota" is in every city's story: it does not make "Kota Kendal" known.
    "Berapa warga yang mengungsi akibat banjir di Kota Kendal?",
])
def test_a_neighbouring_topic_is_not_found_but_lists_the_nearest(two_topics, question):
    out = ask(two_topics, question)
    assert out["found"] is False
    assert out["citations"]  # still listed, as weak


@pytest.mark.parametrize("question", [
    "Berapa warga yang mengungsi akibat banjir di Semarang?",
    "Siapa pemenang pilkades di Sukaraja?",
    # Indexed as "bekas" (the Indonesian stemmer takes -i for a suffix), asked whole.
    "What is the minimum wage in Bekasi?",
])
def test_the_covered_topic_is_found(two_topics, question):
    assert ask(two_topics, question)["found"] is True


def test_question_names_are_capitalised_words_after_the_first():
    from assistant.text.analysis import question_names

    assert question_names("How many people fled the flood in Pekalongan?") == [["pekalongan"]]
    assert question_names("Berapa UMK Kota Medan tahun 2026?") == [["umk", "kota", "medan"]]
    assert question_names("who is the NATO Secretary General in Brussels?") == [
        ["nato", "secretary", "general"], ["brussels"]]
    assert question_names("Siapa juara?") == []


def test_names_have_their_other_keyword_form():
    from assistant.text.analysis import name_variants

    assert name_variants("What is the minimum wage in Bekasi city?") == {"bekasi": "bekas"}
    assert name_variants("Berapa UMK Bekasi?") == {"bekas": "bekasi"}
    assert name_variants("berapa upah minimum?") == {}
