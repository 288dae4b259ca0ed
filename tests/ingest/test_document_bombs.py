"""Compression bombs in PDF and Word files are skipped with the reason, in
bounded memory (issue 25, items 5 and 12), through the real CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers.common import SAMPLE_ARTICLE, write
from helpers.documents import make_docx_bomb, make_flate_bomb_pdf

# Runs the CLI in a process of its own and prints its peak RSS: RUSAGE_CHILDREN
# of the test process would also count every child that earlier tests ran.
_MEASURED = ("import json, resource, subprocess, sys\n"
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "print(json.dumps({'rc': r.returncode, 'out': r.stdout, 'err': r.stderr,\n"
             "    'mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n")


def _skipped(tmp_path: Path, name: str) -> tuple[str, float]:
    """The reason ``name`` was skipped, and the update's peak memory in MB."""
    write(tmp_path / "docs" / SAMPLE_ARTICLE.name, SAMPLE_ARTICLE.read_text(encoding="utf-8"))
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1", "ASSISTANT_CONFIG": "none"}
    run = subprocess.run([sys.executable, "-c", _MEASURED, sys.executable, "-m", "assistant", "index",
                          str(tmp_path / "docs"), "--index-dir", str(tmp_path / "ix"), "--model", "hash",
                          "--json"], capture_output=True, text=True, env=env, timeout=120)
    measured = json.loads(run.stdout)
    assert measured["rc"] == 0, measured["err"]
    summary = json.loads(measured["out"])
    assert summary["articles"] == 1
    reason = next(s["reason"] for s in summary["skipped"] if s["path"].endswith(name))
    return reason, measured["mb"]


def test_flate_bomb_pdf_is_skipped_as_over_the_decompression_limit(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bomb.pdf").write_bytes(make_flate_bomb_pdf(120))
    reason, _ = _skipped(tmp_path, "bomb.pdf")
    assert "decompress" in reason and "scanned" not in reason, reason


def test_docx_whose_xml_inflates_far_is_skipped_in_bounded_memory(tmp_path):
    make_docx_bomb(tmp_path / "docs" / "big.docx", inflated_mb=60)
    assert (tmp_path / "docs" / "big.docx").stat().st_size < 2_000_000
    reason, peak_mb = _skipped(tmp_path, "big.docx")
    assert "too large once unpacked" in reason and "document.xml" in reason, reason
    assert peak_mb < 700


def test_docx_whose_headers_understate_a_part_is_skipped_in_bounded_memory(tmp_path):
    make_docx_bomb(tmp_path / "docs" / "liar.docx", inflated_mb=300, understate=True)
    reason, peak_mb = _skipped(tmp_path, "liar.docx")
    assert "too large once unpacked" in reason and "header says 0.0 MB" in reason, reason
    assert peak_mb < 700
