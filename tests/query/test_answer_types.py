"""Answer types and spans over news text as Indonesian and English outlets write it."""

import pytest

from assistant.query.answer_types import answer_span, best_answer, question_type


def span_of(question: str, sentence: str) -> str | None:
    span = answer_span(question, sentence)
    return sentence[span[0]:span[1]] if span else None


# Real number formats of both languages: the whole figure is the span, with its
# currency, scale and unit.
@pytest.mark.parametrize("question,sentence,expected", [
    # Indonesian: thousands with dots, decimal commas, Rp glued to the figure
    ("Berapa UMK Bekasi 2026?", "UMK Bekasi 2026 ditetapkan sebesar Rp5.921.340 per bulan.",
     "Rp5.921.340"),
    ("Berapa nilai proyek itu?", "Nilai proyek itu mencapai Rp3,2 miliar.", "Rp3,2 miliar"),
    ("Berapa harga cabai?", "Harga cabai naik menjadi Rp15.800 per kilogram.", "Rp15.800"),
    ("Berapa inflasi Oktober?", "Inflasi Oktober tercatat 2,1 persen secara tahunan.", "2,1 persen"),
    ("Berapa kekuatan gempa itu?", "Gempa berkekuatan magnitudo 6,4 mengguncang Garut.", "6,4"),
    ("Berapa luas lahan yang terbakar?", "Luas lahan yang terbakar mencapai 1.250 hektare.",
     "1.250 hektare"),
    ("Berapa wisman yang datang?", "Jumlah wisman mencapai sekitar 312.000 orang.", "312.000 orang"),
    ("Berapa anggaran bantuan?", "Pemerintah menyiapkan anggaran Rp 1,5 triliun untuk bantuan.",
     "Rp 1,5 triliun"),
    ("Berapa dalam lapisan gambut?", "Api berada di lapisan gambut sedalam dua hingga tiga meter.",
     "dua hingga tiga meter"),
    ("Berapa korban meninggal?", "Enam orang meninggal dunia dalam peristiwa itu.", "Enam orang"),
    ("Berapa sabu yang disita?", "Petugas menyita 42 kilogram sabu di Pelabuhan Dumai.", "42 kilogram"),
    # English: thousands with commas, decimal points, currency words and signs
    ("How many votes did she get?", "She received 21,346 votes after the distribution of preferences.",
     "21,346 votes"),
    ("What level did the index close at?", "The index rose 1.4% to close at 7,982.35.", "7,982.35"),
    ("What is the new interest cap?", "The regulator set a daily cap of 0.2% on loan interest.", "0.2%"),
    ("How much did foreign investors buy?",
     "Foreign investors bought a net 2.3 trillion rupiah ($141 million) of shares.",
     "2.3 trillion rupiah"),
    ("How much was the loan?", "The bank lent US$1.2 billion to the developer.", "US$1.2 billion"),
    ("How many people died?", "The crash killed seven people and injured 29.", "seven people"),
    ("What was the score in the final?", "Jakarta won the final 3-1 (25-22, 23-25, 25-19, 25-21).",
     "3-1"),
    # The figure tied to the question's words, not the first one in the sentence
    ("How much will each pilgrim pay?",
     "The total cost is Rp93.4 million, of which each pilgrim pays Rp55.4 million.",
     "Rp55.4 million"),
    ("Berapa persen kenaikan UMK?",
     "UMK naik Rp361.000 atau 6,5 persen dibanding tahun lalu.", "6,5 persen"),
    # Years, dates, times and ages are not counts
    ("Berapa warga mengungsi?", "Sebanyak 3.400 warga mengungsi, Senin (14/11/2024) pukul 14.05 WIB.",
     "3.400 warga"),
    ("How many homes were buried?", "In 2025 the slide buried 17 homes.", "17"),
])
def test_number_spans_as_news_writes_them(question, sentence, expected):
    assert span_of(question, sentence) == expected


@pytest.mark.parametrize("question,sentence,expected", [
    ("Kapan longsor terjadi?", "Longsor terjadi Kamis (13/11/2025) dini hari.", "Kamis (13/11/2025)"),
    ("When was she found?", "She was found on 8 July 2025 in a ravine.", "8 July 2025"),
    ("When does the fee rise?", "The fee rises on March 1, 2026, officials said.", "March 1, 2026"),
    ("Kapan UMK berlaku?", "UMK berlaku mulai 1 Januari 2026 bagi pekerja baru.", "1 Januari 2026"),
    ("Kapan imunisasi dimulai?", "Imunisasi dimulai 14 November di 11 kecamatan.", "14 November"),
    ("Pukul berapa longsor terjadi?", "Longsor terjadi sekitar pukul 02.30 WIB.", "02.30 WIB"),
    ("What time did the bus crash?", "The bus crashed at about 4:40 p.m. local time.", "4:40 p.m."),
])
def test_date_and_time_spans(question, sentence, expected):
    assert span_of(question, sentence) == expected


def test_a_relative_day_is_not_a_date():
    assert answer_span("Kapan rapat digelar?", "Rapat digelar pekan lalu di Jakarta.") is None


@pytest.mark.parametrize("question,sentence,expected", [
    # persons are names, not job titles
    ("Siapa yang mengumumkan UMK?",
     "Kepala Dinas Ketenagakerjaan Kota Bekasi, Ikhwanudin Saleh, mengatakan kenaikan itu wajar.",
     "Ikhwanudin Saleh"),
    ("Who won the by-election?", "Former schoolteacher Agnes Morea has won the by-election.",
     "Agnes Morea"),
    ("Who led the operation?", "Direktur BNN, Brigjen Pol Hendro Siswanto, memimpin operasi.",
     "Hendro Siswanto"),
    # places, with their heads and lists
    ("Which city has the lowest wage?", "The lowest wage is in Kota Banjar, West Java.", "Kota Banjar"),
    ("Di kecamatan mana kasus terbanyak?",
     "Kasus terbanyak ditemukan di Kecamatan Cibeber dan Cilograng.", "Kecamatan Cibeber dan Cilograng"),
    ("Where were the cases found?",
     "The cases, confirmed in January and February, were found in Jayapura regency, Nabire and Mimika.",
     "Jayapura regency, Nabire and Mimika"),
    # organisations: the acronym news uses again
    ("Which agency is investigating the derailment?",
     "Penyebab anjlok masih diselidiki Komite Nasional Keselamatan Transportasi (KNKT).", "KNKT"),
    # a named thing
    ("Kereta apa yang anjlok?", "Kereta api Argo Cheribon relasi Gambir-Tegal anjlok di Cirebon.",
     "Argo Cheribon"),
])
def test_name_spans(question, sentence, expected):
    assert span_of(question, sentence) == expected


def test_a_byline_or_dateline_is_never_the_span():
    assert span_of("Who won?", "By Grace Kila. Agnes Morea won the seat.") == "Agnes Morea"
    assert span_of("Where did it happen?",
                   "PORT MORESBY - The vote was held in Hohola on Saturday.") == "Hohola"
    assert span_of("Berapa UMK?",
                   "TRIBUNNEWS.COM, BEKASI - UMK ditetapkan sebesar Rp5.921.340.") == "Rp5.921.340"


def test_question_types_take_the_leading_question_word():
    assert question_type("What level did the index close at when it hit a record?") == "number"
    assert question_type("What is the 2026 minimum wage in Bekasi?") == "number"
    assert question_type("Which West Java city has the lowest minimum wage?") == "place"
    assert question_type("Which agency is investigating?") == "org"
    assert question_type("Tim mana yang juara?") == "org"
    assert question_type("What time did the landslide hit?") == "time"
    assert question_type("Kereta apa yang anjlok?") == "name"


def test_an_agent_after_by_is_a_person_not_a_byline():
    assert span_of("Who opened the bridge?",
                   "The new bridge in Esteka, opened by Bagus Halim, cost 3698 million.") == "Bagus Halim"


# "Why" and "what triggered it": the clause after a cause, an occasion news
# gives as one, or a purpose; at most REASON_CHARS characters.
@pytest.mark.parametrize("question,sentence,expected", [
    ("Mengapa harga beras naik?",
     "Harga beras naik karena pasokan dari daerah sentra berkurang.",
     "pasokan dari daerah sentra berkurang"),
    ("Apa penyebab kebakaran itu?", "Kebakaran itu diduga disebabkan oleh korsleting listrik.",
     "korsleting listrik"),
    ("and what triggered it?",
     "Longsor terjadi sekitar pukul 02.30 WIB setelah hujan deras mengguyur wilayah itu selama "
     "hampir 12 jam.", "hujan deras mengguyur wilayah itu selama"),
    ("why did they burn the land?",
     "Polisi menangkap tiga petani yang diduga membakar lahan untuk menanam padi.",
     "menanam padi"),
    ("What caused the crash?", "The bus crashed because its brakes failed on a steep road.",
     "its brakes failed on a steep road"),
    ("Why were schools closed?", "Schools were closed due to thick haze, officials said.",
     "thick haze"),
])
def test_reason_spans(question, sentence, expected):
    assert question_type(question) == "reason"
    assert span_of(question, sentence) == expected


def test_a_reason_prefers_a_stated_cause_to_a_purpose():
    sentence = "Warga mengungsi untuk sementara karena air terus naik."
    assert span_of("Mengapa warga mengungsi?", sentence) == "air terus naik"


@pytest.mark.parametrize("question,better,worse", [
    # a figure of the asked quantity, or of what the question counts, fits
    # better than a count of something else
    ("How many people died in the landslide?", "Enam orang meninggal dunia dalam peristiwa itu.",
     "Seluruh korban meninggal merupakan satu keluarga besar."),
    ("berapa penumpang yang terluka?", "Empat penumpang mengalami luka ringan.",
     "Penumpang dipindahkan menggunakan 12 bus."),
    ("How many passengers were on the train?", "Total penumpang di dalam kereta sebanyak 386 orang.",
     "Penumpang dipindahkan menggunakan 12 bus."),
    # "65 unit hunian": the unit stands between the figure and what it counts
    ("Berapa hunian sementara yang akan dibangun untuk korban longsor?",
     "Sebanyak 65 unit hunian sementara ditargetkan selesai dalam dua bulan.",
     "Pemerintah menyiapkan 40 tenda di lapangan desa."),
    # a figure of another quantity than the one asked fits not at all
    ("How much is the drug haul worth?", "Nilai sabu yang disita mencapai Rp63 miliar.",
     "Petugas menggagalkan penyelundupan 42 kilogram sabu."),
])
def test_a_figure_of_what_was_asked_fits_better_than_another_count(question, better, worse):
    assert best_answer(question, better)[1] == 1.0
    assert best_answer(question, worse)[1] < 1.0


def test_a_figure_of_another_quantity_fits_not_at_all():
    assert best_answer("How much is the drug haul worth?",
                       "Petugas menggagalkan penyelundupan 42 kilogram sabu.")[1] == 0.0


def test_a_venue_is_not_a_person():
    sentence = "Gim ketiga final digelar di GOR Britama Arena, Minggu (12/7/2026) malam."
    assert span_of("Who was the finals MVP?", sentence) is None
