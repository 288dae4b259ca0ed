"""News metadata: bylines and date lines are metadata, never ¶1's text; the
date comes from metadata, the header, the dateline sentence or the file name,
never from a date inside the story; wire datelines give the source."""

import pytest

from assistant.ingest.cleaning import is_boilerplate
from assistant.ingest.documents import parse_file
from assistant.ingest.metadata import find_source, is_byline, is_date_line
from assistant.text.datelines import dateline


def parse(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, path.read_bytes(), 1000).articles[0]


def test_english_byline_is_metadata_and_gives_the_date(tmp_path):
    art = parse(tmp_path, "hiker.txt",
                "Hiker found alive on Indonesian mountain\n\n"
                "By Daniel Tan · 8 July 2025\n\n"
                "ENREKANG, Indonesia (AP) — Rescuers found a hiker alive on Tuesday.\n\n"
                "She was born on 3 March 1997 in Perth.\n")
    assert art.title == "Hiker found alive on Indonesian mountain"
    assert (art.date, art.source) == ("2025-07-08", "AP")
    assert art.text.startswith("ENREKANG, Indonesia (AP) — Rescuers")
    assert "Daniel Tan" not in art.text


def test_indonesian_date_line_credits_and_teasers_never_reach_the_text(tmp_path):
    art = parse(tmp_path, "sabu.txt",
                "BNN gagalkan penyelundupan sabu\n\n"
                "Rabu, 20 Agustus 2025 16:30 WIB\n\n"
                "Dumai (ANTARA) - BNN menggagalkan penyelundupan 42 kilogram sabu.\n\n"
                "Foto: Petugas memeriksa barang bukti (ANTARA/Aswaddy)\n\n"
                "Penindakan dilakukan pada Sabtu (16/8/2025) malam.\n\n"
                "Baca Juga: BNN Sita 10 Kg Sabu di Batam\n\n"
                "Penulis: Ahmad\n\nEditor: Budi\n")
    assert (art.date, art.source) == ("2025-08-20", "ANTARA")  # not Sabtu (16/8/2025) below
    assert art.text.startswith("Dumai (ANTARA) - BNN")
    for junk in ("20 Agustus 2025", "Foto:", "Baca Juga", "Penulis", "Editor", "Ahmad"):
        assert junk not in art.text


def test_a_name_and_outlet_line_above_the_story_is_a_byline(tmp_path):
    art = parse(tmp_path, "longsor.txt",
                "Korban longsor bertambah\n\nDian Utoro - detikJateng\n\n"
                "Sabtu, 15 Nov 2025 17:25 WIB\n\n"
                "Banjarnegara - Tim SAR menemukan empat jenazah korban longsor.\n")
    assert art.date == "2025-11-15"
    assert art.text.startswith("Banjarnegara - Tim SAR")


def test_body_dates_are_never_the_article_date(tmp_path):
    art = parse(tmp_path, "profil.txt",
                "Profil kepala desa terpilih\n\n"
                "BOGOR, RADAR BOGOR - Kepala desa terpilih dilantik pekan lalu.\n\n"
                "Ia lahir pada 3 Maret 1960 di Bogor.\n\n"
                "Pelantikan berikutnya digelar Kamis (14/11/2024).\n")
    assert art.date is None
    assert art.source == "RADAR BOGOR"
    # the dateline sentence's own date counts (the Indonesian dateline convention)
    art = parse(tmp_path, "lebak.txt",
                "LEBAK, KOMPAS.TV - Dinkes mencatat 214 kasus hingga Rabu (22/1/2025).\n\n"
                "Ia lahir pada 3 Maret 1960.\n")
    assert art.date == "2025-01-22"


@pytest.mark.parametrize("line,source", [
    ("Dumai (ANTARA) - Badan Narkotika Nasional menggagalkan penyelundupan.", "ANTARA"),
    ("Jakarta (ANTARA) - Presiden berkata.", "ANTARA"),
    ("ANTARA - Presiden berkata.", "ANTARA"),
    ("(Reuters) - Stocks fell.", "Reuters"),
    ("PALANGKA RAYA, Indonesia, Sept 21 (Reuters) - Thick haze forced schools shut.", "Reuters"),
    ("ENREKANG, Indonesia (AP) — Rescuers found a hiker.", "AP"),
    ("JAKARTA, KOMPAS.TV - Harga naik.", "KOMPAS.TV"),
    ("TRIBUN-TORAJA.COM, MAKALE - Tanah longsor melanda.", "TRIBUN-TORAJA.COM"),
    ("BOLASPORT.COM - Pelita Jaya juara.", "BOLASPORT.COM"),
    ("PORT MORESBY - Agnes Morea won.", None),
])
def test_wire_datelines_give_the_source(line, source):
    assert find_source([line]) == source
    assert dateline(line) is not None


@pytest.mark.parametrize("line", [
    "By Daniel Tan · 8 July 2025", "By Sarah Lim · Associated Press ·", "Oleh: Ahmad Yani",
    "Dian Utoro - detikJateng", "By Maria Tebay | 10 March 2026",
])
def test_bylines(line):
    assert is_byline(line)


@pytest.mark.parametrize("line", [
    "Rabu, 20 Agustus 2025 16:30 WIB", "September 21, 2024 · 4:40 PM GMT+7", "15 February 2026",
    "Selasa, 07 Apr 2026 16:22 WIB",
])
def test_date_lines(line):
    assert is_date_line(line)


@pytest.mark.parametrize("line", [
    "Banjir merendam 12 desa pada 14 November 2024.", "Byzantine art returns to Istanbul",
    "Cirebon - Kereta api Argo Cheribon anjlok di petak jalan antara dua stasiun.",
])
def test_story_lines_are_neither_bylines_nor_date_lines(line):
    assert not is_byline(line) and not is_date_line(line)


@pytest.mark.parametrize("line,junk", [
    ("Foto: Petugas memeriksa barang bukti (ANTARA/Aswaddy)", True),
    ("ANTARA FOTO/Aswaddy Hamid", True),
    ("Warga melintasi banjir di Demak. (Foto: Dok. BPBD)", True),
    ("Foto itu viral di media sosial.", False),
])
def test_photo_captions(line, junk):
    assert is_boilerplate(line) is junk
