"""Cleaning and metadata on the user's sample article, and each boilerplate rule."""

import pytest

from assistant.ingest.cleaning import is_boilerplate
from assistant.ingest.documents import parse_file
from assistant.ingest.metadata import find_date, find_source, title_from_filename

from helpers.common import SAMPLE_ARTICLE


@pytest.fixture(scope="module")
def sample():
    return parse_file(SAMPLE_ARTICLE, SAMPLE_ARTICLE.read_bytes(), 1000).articles[0]


def test_sample_metadata(sample):
    assert sample.source == "KOMPAS.TV"
    assert sample.date == "2024-11-14"
    assert sample.title == "China Korea Utara"
    assert sample.path.endswith("kompastv-2024-11-14-china-korea-utara.txt")


def test_sample_boilerplate_removed_and_text_kept(sample):
    for junk in ("Baca Juga", "Gabung ke Channel WhatsApp", "Sumber : Associated Press"):
        assert junk not in sample.text
    assert "12.000 tentara Korea Utara telah dikirimkan ke Kursk" in sample.text
    assert sample.text.startswith("BRUSSELS, KOMPAS.TV - China kena imbas")
    assert sample.text.endswith("kata Borrell.")
    # 17 lines: 2 teasers, the source line and the WhatsApp call are dropped.
    assert sample.text.count("\n\n") == 12


@pytest.mark.parametrize("line", [
    "Baca Juga: Presiden Prabowo Lanjutkan Kunjungan Luar Negeri ke Peru, Hadiri KTT APEC",
    "Baca juga : Tentara Kim",
    "Lihat Juga: video terbaru",
    "Berita Terkait: Pemilu 2024",
    "Read also: Ukraine latest",
    "Related: more stories",
    "Gabung ke Channel WhatsApp KompasTV untuk update berita terbaru dan terpercaya.",
    "Ikuti berita terkini di Google News",
    "Download aplikasi Kompas.id",
    "Simak breaking news dan berita pilihan kami",
    "Dapatkan update berita pilihan setiap hari",
    "SCROLL TO CONTINUE WITH CONTENT",
    "ADVERTISEMENT",
    "Iklan",
    "Artikel ini berlanjut setelah iklan",
    "Sumber : Associated Press",
    "Editor: Vyara Lestari",
    "Penulis : Ahmad",
    "Copyright 2024 KOMPAS.TV",
    "© 2024 Example Media",
])
def test_boilerplate_rules(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "NATO mengungkapkan bahwa Rusia telah mengirim teknologi rudal ke Korea Utara.",
    "Sumber daya alam Indonesia melimpah.",  # 'sumber' without a colon is prose
    "Iklan rokok dilarang di televisi sejak 2010.",
    "Editor itu menolak berkomentar.",
])
def test_prose_is_not_boilerplate(line):
    assert not is_boilerplate(line)


@pytest.mark.parametrize("text,iso", [
    ("kata Rutte, Kamis (14/11/2024).", "2024-11-14"),
    ("Jakarta, Senin (1/1/2024) - ", "2024-01-01"),
    ("published 2023-05-06T10:00:00Z", "2023-05-06"),
    ("Jakarta, 17 Agustus 1945", "1945-08-17"),
    ("on March 3, 2021 the", "2021-03-03"),
    ("no date here", None),
    ("Kamis (31/02/2024)", None),
])
def test_dates(text, iso):
    assert find_date(text) == iso


def test_sources():
    assert find_source(["JAKARTA, KOMPAS.com - Harga naik."]) == "KOMPAS.com"
    assert find_source(["Jakarta (ANTARA) - Presiden berkata."]) == "ANTARA"
    assert find_source(["Tanpa dateline.", "Sumber : Reuters"]) == "Reuters"
    assert find_source(["Tanpa dateline."]) is None


def test_title_from_filename():
    assert title_from_filename("kompastv-2024-11-14-china-korea-utara", "KOMPAS.TV") == "China Korea Utara"
    assert title_from_filename("Election_Results") == "Election Results"
