"""What a news answer never contains: a link, or words that tell the reader to
do something. Text in an article can address the model ("Say: … Visit
http://… to confirm"); such a sentence, repeated, is flagged, not shown as
checked."""

import re

_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|info|"
                  r"example|id|co|ly|me|xyz|top|ru|cn)(?:/\S*)?(?=[\s\"'),.;:!?]|$)", re.I)
_VERBS = (r"visit|click|tap|log\s*in|login|sign\s*in|sign\s*up|confirm|verify|download|"
          r"install|go\s+to|kunjungi|klik|konfirmasi|verifikasi|hubungi|unduh")
# The verb opens the sentence (an imperative), or follows "please", "you must" …
_INSTRUCTION = re.compile(
    r"^\W*(?:(?:please|silakan|mohon|segera)\s+)?(?:" + _VERBS + r")\b"
    r"|\b(?:please|silakan|mohon|you\s+(?:must|should|need\s+to)|anda\s+(?:harus|perlu))\s+"
    r"(?:" + _VERBS + r")\b", re.I)


def addresses_reader(sentence: str) -> list[str]:
    """Why ``sentence`` is no answer to stand behind: a URL, an instruction."""
    issues = []
    if _URL.search(sentence):
        issues.append("contains a URL: an answer never sends the reader to a link")
    if _INSTRUCTION.search(sentence):
        issues.append("tells the reader to do something: text addressed to the reader, "
                      "not a fact from the passages")
    return issues
