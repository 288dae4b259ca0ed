"""The figure, date and name normaliser behind checked citations: table-driven."""

import pytest

from assistant.llm.facts import Date, Evidence, extract, figure_readings, unsupported_facts


@pytest.mark.parametrize("written, scale, value", [
    ("12.000", None, 12000), ("12,000", None, 12000), ("12 000", None, 12000),
    ("12", "ribu", 12000), ("12", "thousand", 12000),
    ("3,2", "miliar", 3.2e9), ("3.2", "billion", 3.2e9),
    ("1.234.567", None, 1234567), ("1,234,567", None, 1234567),
    ("1.234,5", None, 1234.5), ("1,234.5", None, 1234.5),
    ("2,5", "juta", 2.5e6), ("0.5", None, 0.5), ("11", None, 11),
])
def test_a_figure_reads_the_same_in_both_languages(written, scale, value):
    assert value in figure_readings(written, scale)


@pytest.mark.parametrize("written, not_value", [
    ("3,2", 32), ("12", 12000), ("1.5", 15),
])
def test_a_figure_does_not_read_as_another(written, not_value):
    assert not_value not in figure_readings(written)


@pytest.mark.parametrize("text, date", [
    ("Kamis (14/11/2024)", Date(2024, 11, 14)),
    ("on 14 November 2024", Date(2024, 11, 14)),
    ("pada 14 November 2024", Date(2024, 11, 14)),
    ("on November 14, 2024", Date(2024, 11, 14)),
    ("2024-11-14", Date(2024, 11, 14)),
    ("pada 3 Desember", Date(None, 12, 3)),
    ("in March 2023", Date(2023, 3, None)),
])
def test_dates_are_read_in_either_writing(text, date):
    assert date in [d for _, d in extract(text).dates]


@pytest.mark.parametrize("sentence, passage, missing", [
    # figures across separators, scale words and currencies
    ("North Korea sent 12,000 troops to Kursk.", "12.000 tentara Korea Utara dikirim ke Kursk.", []),
    ("About 12 000 soldiers went.", "12 ribu tentara dikirim.", []),
    ("The budget is 3.2 billion rupiah.", "Anggaran Rp3,2 miliar disiapkan.", []),
    ("North Korea sent 15,000 troops.", "12.000 tentara Korea Utara dikirim.", ["15,000"]),
    ("It cost 32 billion rupiah.", "Anggaran Rp3,2 miliar disiapkan.", ["32 billion"]),
    # dates across writings, and a year that the passage gives inside a date
    ("It happened on 14 November 2024.", "Kamis (14/11/2024) terjadi.", []),
    ("It happened in 2024.", "Kamis (14/11/2024) terjadi.", []),
    ("It happened on 15 November 2024.", "Kamis (14/11/2024) terjadi.", ["15 November 2024"]),
    # names: loosely across languages, absent names are caught
    ("Troops went to Ukraine and Russia.", "Tentara ke Ukraina dan Rusia.", []),
    ("The envoy met Joe Biden.", "Tentara ke Ukraina dan Rusia.", ["Joe Biden"]),
    ("The US said so.", "AS mengatakan demikian.", []),  # short acronyms differ by language
])
def test_unsupported_facts(sentence, passage, missing):
    assert unsupported_facts(sentence, Evidence.of([passage])) == missing
