"""Month and weekday names of Indonesian and English news, in one place.

Both ingestion (an article's date) and the question pipeline (date answers)
read them; this module imports nothing of either, so neither layer depends on
the other.
"""

MONTHS = {
    # Indonesian
    "januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
    "agu": 8, "agt": 8, "okt": 10, "des": 12, "peb": 2, "nop": 11, "nov": 11,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "dec": 12,
}
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def month_pattern() -> str:
    """A regex alternation of the month names, longest first (with an optional
    abbreviation dot)."""
    return "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"


def weekday_pattern() -> str:
    return "(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")"
