"""Compression bombs in PDF and Word files are skipped with the reason, in
bounded memory (issue 25, items 5 and 12), through the real CLI."""

import json
import resource

from helpers.common import SAMPLE_ARTICLE, run_cli, write
from helpers.documents import make_docx_bomb, make_flate_bomb_pdf


def _skipped(tmp_path, name):
    write(tmp_path / "docs" / SAMPLE_ARTICLE.name, SAMPLE_ARTICLE.read_text(encoding="utf-8"))
    r = run_cli("index", tmp_path / "docs", "--index-dir", tmp_path / "ix", "--model", "hash",
                "--json", timeout=120)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["articles"] == 1
    return next(s["reason"] for s in summary["skipped"] if s["path"].endswith(name))


def _peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def test_flate_bomb_pdf_is_skipped_as_over_the_decompression_limit(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bomb.pdf").write_bytes(make_flate_bomb_pdf(120))
    reason = _skipped(tmp_path, "bomb.pdf")
    assert "decompress" in reason and "scanned" not in reason, reason


def test_docx_whose_xml_inflates_far_is_skipped_in_bounded_memory(tmp_path):
    make_docx_bomb(tmp_path / "docs" / "big.docx", inflated_mb=60)
    assert (tmp_path / "docs" / "big.docx").stat().st_size < 2_000_000
    reason = _skipped(tmp_path, "big.docx")
    assert "too large once unpacked" in reason and "document.xml" in reason, reason
    assert _peak_child_mb() < 700


def test_docx_whose_headers_understate_a_part_is_skipped_in_bounded_memory(tmp_path):
    make_docx_bomb(tmp_path / "docs" / "liar.docx", inflated_mb=300, understate=True)
    reason = _skipped(tmp_path, "liar.docx")
    assert "too large once unpacked" in reason and "header says 0.0 MB" in reason, reason
    assert _peak_child_mb() < 700
