"""News datelines: "JAKARTA, KOMPAS.TV - ", "Jakarta (ANTARA) - ", "(Reuters) -",
"ENREKANG, Indonesia (AP) — ", "ANTARA - ", "TRIBUN-TORAJA.COM, MAKALE - ",
"Cirebon - ".

Ingestion reads the source from them; the question pipeline never takes an
answer from them. Both import this module, which imports neither.
"""

import re
from dataclasses import dataclass
from functools import cache

# Wire agencies that open a story with their name alone ("ANTARA - ...").
_WIRES = r"ANTARA|Antara|REUTERS|Reuters|AP|AFP|BERNAMA|Bernama|XINHUA|Xinhua|KYODO|Kyodo|" \
         r"YONHAP|Yonhap|DPA|dpa|UPI|EFE|ANSA|TASS"
_DASH = r"\s*(?:[-–—]{1,2})\s+(?=\S)"


@dataclass(frozen=True)
class Dateline:
    end: int  # where the story's own text starts
    source: str | None  # the outlet or agency it names, if any


@cache
def _patterns() -> list[re.Pattern]:
    return [re.compile(p) for p in (
        # "Dumai (ANTARA) - ", "PALANGKA RAYA, Indonesia, Sept 21 (Reuters) - ", "(AP) — "
        r"^(?:[A-Z][^()\n]{0,60}?)?\s*\((?P<source>[A-Za-z][\w. ]{0,30})\)" + _DASH,
        # "JAKARTA, KOMPAS.TV - ", "BOGOR, RADAR BOGOR - ", "TRIBUN-TORAJA.COM, MAKALE - "
        r"^(?P<a>[A-Z][\w .'’-]{1,40}),\s*(?P<b>[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)?)" + _DASH,
        # "ANTARA - ", "BOLASPORT.COM - "
        rf"^(?P<source>(?:{_WIRES})\b|[A-Z][\w-]*\.(?:[A-Za-z]{{2,3}}\.)?[A-Za-z]{{2,3}})" + _DASH,
        # "Cirebon - ", "PORT MORESBY - ": a place only
        r"^[A-Z][\w.'’]*(?:\s[A-Z][\w.'’]*){0,3}" + _DASH,
    )]


def _looks_like_outlet(name: str) -> bool:
    """A web address ("TRIBUN-TORAJA.COM") names an outlet, not a place."""
    return bool(re.search(r"\.[A-Za-z]{2,}", name))


def dateline(text: str) -> Dateline | None:
    """The dateline that opens ``text``, if any."""
    for pattern in _patterns():
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        if "a" in groups:
            a, b = groups["a"].strip(), groups["b"].strip()
            source = a if _looks_like_outlet(a) and not _looks_like_outlet(b) else b
        else:
            source = (groups.get("source") or "").strip() or None
        return Dateline(m.end(), source)
    return None
