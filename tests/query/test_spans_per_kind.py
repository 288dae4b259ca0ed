"""The answer span per kind of question, on sentence forms that news writes,
in both languages (assistant/query/answer_types.py): places, causes, times,
organisations, persons, figures and dates."""

import pytest

from assistant.query.answer_types import answer_span

CASES = [
    # place
    ("Where was the bus found?", "The bus was found in a ravine near Sukapura, Probolinggo.", "Sukapura"),
    ("Di mana bus itu terguling?",
     "Bus terguling di Jalan Raya Bromo, Kecamatan Sukapura.", "Jalan Raya Bromo"),
    ("Di kecamatan mana kasus terbanyak?", "Kasus terbanyak ditemukan di Kecamatan Cibeber dan Cilograng.",
     "Cibeber dan Cilograng"),
    ("Which city has the lowest wage?", "UMK terendah di Jawa Barat adalah Kota Banjar, yakni Rp2.390.100.",
     "Kota Banjar"),
    # cause / reason
    ("Why was the road closed?", "The road was closed due to heavy rain and falling rocks.", "heavy rain"),
    ("Mengapa jalan ditutup?",
     "Jalan ditutup karena material longsor menimbun badan jalan.", "material longsor"),
    ("Apa penyebab banjir?", "Banjir terjadi setelah hujan deras mengguyur selama 12 jam.", "hujan deras"),
    # time
    ("What time did the landslide hit?",
     "Longsor terjadi sekitar pukul 02.30 WIB saat warga tidur.", "02.30 WIB"),
    ("Pukul berapa kereta anjlok?", "Kereta anjlok pada pukul 14.20 di petak Cirebon.", "14.20"),
    # organisation
    ("Which agency is investigating the crash?",
     "Penyebab kecelakaan masih diselidiki Komite Nasional Keselamatan Transportasi (KNKT).", "KNKT"),
    ("Tim mana yang juara?",
     "Gelar juara diraih Jakarta Elektrik PLN setelah menang 3-1.", "Jakarta Elektrik PLN"),
    # person
    ("Who was arrested?",
     "Polisi menangkap seorang petani, Budi Santoso, yang diduga membakar lahan.", "Budi Santoso"),
    ("Siapa yang ditemukan?", "Rescuers found Chloe Bennett, 28, alive on Tuesday.", "Chloe Bennett"),
    # number and date ("other" answers of figures: a score)
    ("How many people died?", "Enam orang tewas dan 20 lainnya luka-luka.", "Enam orang"),
    ("Berapa skor akhir?", "Tim tuan rumah menang dengan skor 3-1 atas tamunya.", "3-1"),
    ("When did the flood hit?", "Banjir merendam lima kecamatan pada Jumat (7/3/2025).", "7/3/2025"),
]


@pytest.mark.parametrize("question,sentence,expected", CASES)
def test_span_of_each_kind(question, sentence, expected):
    span = answer_span(question, sentence)
    assert span is not None, question
    assert expected in sentence[span[0]:span[1]], (question, sentence[span[0]:span[1]])
    assert span[1] - span[0] <= 40

