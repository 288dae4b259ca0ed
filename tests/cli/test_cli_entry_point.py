"""The real entry point, in subprocesses: JSON output, stdin batches, exit codes."""

import json

import pytest

from assistant.errors import ExitCode
from assistant.present.schema import AskOutput

from helpers.common import json_lines, run_cli, write


@pytest.fixture(scope="module")
def hash_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    docs = root / "docs"
    write(docs / "banjir.txt", "JAKARTA, KOMPAS.com - Banjir merendam 20 kelurahan pada Jumat (2/2/2024).\n"
          "Sebanyak 3.000 warga mengungsi ke masjid dan sekolah.\n")
    write(docs / "feed.jsonl", json.dumps({"id": "gempa-1", "title": "Gempa", "text":
          "Gempa bermagnitudo 5,6 mengguncang Cianjur. Ratusan rumah rusak berat."}) + "\n")
    index_dir = root / "index"
    r = run_cli("index", docs, "--index-dir", index_dir, "--model", "hash", "--json")
    assert r.returncode == 0, r.stderr
    return index_dir, docs


def test_index_json_summary(hash_index):
    index_dir, docs = hash_index
    r = run_cli("index", docs, "--index-dir", index_dir, "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["unchanged"] == 2 and summary["added"] == 0 and summary["embedded"] == 0
    assert summary["model"] == "hash"
    assert set(summary) >= {"added", "updated", "removed", "unchanged", "skipped", "passages", "seconds"}


def test_ask_json_matches_schema(hash_index):
    index_dir, _ = hash_index
    r = run_cli("ask", "berapa warga mengungsi?", "--json", "-k", "2", "--index-dir", index_dir)
    assert r.returncode == 0, r.stderr
    out = AskOutput.model_validate_json(r.stdout)
    assert out.question == "berapa warga mengungsi?"
    assert len(out.citations) == 2
    c = out.citations[0]
    assert c.n == 1 and "3.000 warga" in c.text
    assert c.article.source == "KOMPAS.com" and c.article.date == "2024-02-02"
    assert out.answer is not None and out.answer.citation >= 1


def test_ask_json_article_id_is_the_jsonl_id(hash_index):
    index_dir, _ = hash_index
    r = run_cli("ask", "gempa Cianjur rumah rusak", "--json", "--index-dir", index_dir)
    top = json.loads(r.stdout)["citations"][0]
    assert top["article"]["id"] == "gempa-1"
    assert top["article"]["title"] == "Gempa"


def test_stdin_batch_one_json_line_per_question(hash_index):
    index_dir, _ = hash_index
    r = run_cli("ask", "--json", "--index-dir", index_dir,
                stdin="banjir kelurahan\n\ngempa Cianjur\nmasjid sekolah\n")
    assert r.returncode == 0, r.stderr
    rows = json_lines(r.stdout)
    assert [row["question"] for row in rows] == ["banjir kelurahan", "gempa Cianjur", "masjid sekolah"]
    for row in rows:
        AskOutput.model_validate(row)


def test_human_output_has_answer_and_numbered_citations(hash_index):
    index_dir, _ = hash_index
    r = run_cli("ask", "gempa Cianjur", "-k", "2", "--index-dir", index_dir)
    assert r.returncode == 0
    assert "[1] Gempa" in r.stdout and "[2]" in r.stdout
    assert "\x1b" not in r.stdout  # not a terminal: no colour codes


def test_keyword_dense_and_hybrid_modes_rank_differently(hash_index):
    index_dir, _ = hash_index
    cited = {}
    for mode in ("keyword", "dense", "hybrid"):
        r = run_cli("ask", "gempa Cianjur", "--json", "--mode", mode, "--index-dir", index_dir)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert out["mode"] == mode
        cited[mode] = [(c["article"]["id"], c["score"]) for c in out["citations"]]
    # Keyword search cites only passages that share a word with the question;
    # dense search ranks every passage by cosine; hybrid adds a keyword bonus.
    assert [a for a, _ in cited["keyword"]] == ["gempa-1"]
    assert len(cited["dense"]) == 2 and cited["dense"][0][0] == "gempa-1"
    assert cited["hybrid"][0][0] == "gempa-1" and cited["hybrid"][0][1] > cited["dense"][0][1]


def test_info_json(hash_index):
    index_dir, _ = hash_index
    r = run_cli("info", "--json", "--index-dir", index_dir, "--check")
    info = json.loads(r.stdout)
    assert (info["articles"], info["model"], info["problems"]) == (2, "hash", [])


def test_empty_question_is_a_usage_error(hash_index):
    index_dir, _ = hash_index
    r = run_cli("ask", "   ", "--index-dir", index_dir)
    assert r.returncode == ExitCode.USAGE
    assert "empty" in r.stderr and "Traceback" not in r.stderr and r.stdout == ""


def test_rerank_takes_a_count_or_auto_and_rejects_anything_else(hash_index):
    index_dir, _ = hash_index
    for value in ("auto", "0", "3"):
        r = run_cli("ask", "how many people were evacuated?", "--json", "--rerank", value,
                    "--index-dir", index_dir)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["citations"]
    for args, env in ((("--rerank", "lots"), None), (("--rerank", "500"), None),
                      ((), {"ASSISTANT_RERANK": "lots"})):
        r = run_cli("ask", "gempa Cianjur", *args, "--index-dir", index_dir, env=env)
        assert r.returncode == ExitCode.USAGE, r.stderr
        assert "rerank must be 'auto' or a number" in r.stderr
        assert "Traceback" not in r.stderr and r.stdout == ""


@pytest.mark.parametrize("variable,value,message", [
    ("ASSISTANT_K", "abc", "k must be a whole number"),
    ("ASSISTANT_K", "100000", "must be within 1–100"),
    ("ASSISTANT_K", "0", "must be within 1–100"),
    ("ASSISTANT_MODE", "psychic", "unknown mode 'psychic'"),
    ("ASSISTANT_RERANK", "lots", "rerank must be 'auto' or a number"),
])
def test_a_bad_setting_is_a_usage_error_naming_its_variable(hash_index, variable, value, message):
    index_dir, _ = hash_index
    r = run_cli("ask", "gempa Cianjur", "--index-dir", index_dir, env={variable: value})
    assert r.returncode == ExitCode.USAGE, r.stderr
    assert f"{variable}='{value}'" in r.stderr and message in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_bad_option_is_a_usage_error():
    r = run_cli("ask", "x", "--mode", "psychic")
    assert r.returncode == ExitCode.USAGE


def test_no_index_exit_code(tmp_path):
    r = run_cli("ask", "anything", "--index-dir", tmp_path / "none")
    assert r.returncode == ExitCode.NO_INDEX
    assert "assistant index" in r.stderr and "Traceback" not in r.stderr


def test_missing_path_exit_code(tmp_path):
    r = run_cli("index", tmp_path / "nope", "--index-dir", tmp_path / "ix", "--model", "hash")
    assert r.returncode == ExitCode.INPUT
    assert "no such file" in r.stderr


def test_model_mismatch_exit_code(hash_index):
    index_dir, _ = hash_index
    r = run_cli("ask", "gempa", "--model", "hash-32", "--index-dir", index_dir)
    assert r.returncode == ExitCode.MODEL_MISMATCH
    assert "--rebuild" in r.stderr and "Traceback" not in r.stderr


def test_corrupt_index_exit_code_and_debug_traceback(tmp_path, hash_index):
    import shutil

    index_dir, _ = hash_index
    broken = tmp_path / "broken"
    shutil.copytree(index_dir, broken)
    for f in broken.glob("vectors.*.faiss"):
        f.write_bytes(b"\x00" * 64)
    r = run_cli("ask", "gempa", "--index-dir", broken)
    assert r.returncode == ExitCode.CORRUPT_INDEX
    assert "--rebuild" in r.stderr and "Traceback" not in r.stderr
    assert "vectors." in r.stderr  # names the damaged file
    r = run_cli("--debug", "ask", "gempa", "--index-dir", broken)
    assert "Traceback" in r.stderr


def test_markup_and_escapes_in_articles_are_shown_literally(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "evil.txt", "Berita [bold red]INJECT[/] tentang \x1b]0;owned\x07 pemilu.\n")
    ix = tmp_path / "ix"
    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    r = run_cli("ask", "INJECT pemilu", "--index-dir", ix)
    assert "[bold red]INJECT[/]" in r.stdout
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    r = run_cli("ask", "INJECT pemilu", "--json", "--index-dir", ix)
    assert "[bold red]INJECT[/]" in json.loads(r.stdout)["citations"][0]["text"]


def test_help_and_version():
    assert "index" in run_cli("--help").stdout
    assert run_cli("--version").stdout.startswith("assistant, version")


def test_eval_reports_retrieval_answers_and_not_found(hash_index, tmp_path):
    index_dir, _ = hash_index
    questions = [
        {"question": "gempa Cianjur rumah rusak", "gold_article_id": "gempa-1",
         "answers": ["rusak berat"]},
        {"question": "warga mengungsi ke masjid", "gold_text": "3.000 warga mengungsi",
         "answers": ["3.000"]},
        {"question": "zebra xylophone quantum", "unanswerable": True},
    ]
    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(json.dumps(q) for q in questions))
    r = run_cli("eval", f, "--index-dir", index_dir, "--json", "--details")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert (rep["questions"], rep["answerable"], rep["unanswerable"]) == (3, 2, 1)
    assert rep["r_at_1"] == 1.0 and rep["mrr"] == 1.0
    assert rep["answer_accuracy"] == 1.0
    assert rep["not_found_recall"] == 1.0 and rep["not_found_precision"] == 1.0
    assert [d["rank"] for d in rep["details"]] == [1, 1, None]
    human = run_cli("eval", f, "--index-dir", index_dir, "--mode", "keyword")
    assert "R@1 1.000" in human.stdout and "not found" in human.stdout


def test_eval_rejects_a_bad_file_with_line_numbers(hash_index, tmp_path):
    index_dir, _ = hash_index
    f = tmp_path / "bad.jsonl"
    f.write_text('{"question": "ok", "gold_text": "x"}\n{"question": "no gold"}\nnot json\n')
    r = run_cli("eval", f, "--index-dir", index_dir)
    assert r.returncode == ExitCode.INPUT
    assert "bad.jsonl:2" in r.stderr and "bad.jsonl:3" in r.stderr and "Traceback" not in r.stderr


def test_chat_without_a_terminal_is_a_usage_error(tmp_path):
    for args in ([], ["chat"]):
        r = run_cli(*args, "--index-dir", tmp_path / "ix") if args else run_cli(stdin="")
        assert r.returncode == 2
        assert "needs a terminal" in r.stderr and "assistant ask" in r.stderr
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("damage", ["garbage", "truncated", "newer-schema"])
def test_damaged_database_exit_code_names_file_and_recovery(tmp_path, hash_index, damage):
    import shutil
    import sqlite3

    index_dir, docs = hash_index
    broken = tmp_path / "broken"
    shutil.copytree(index_dir, broken)
    db = broken / "index.sqlite3"
    if damage == "garbage":
        db.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[:len(data) // 3])
    else:
        conn = sqlite3.connect(db)
        conn.execute("UPDATE manifest SET value = '99' WHERE key = 'schema_version'")
        conn.commit()
        conn.close()
    for f in broken.glob("index.sqlite3-*"):
        f.unlink()
    r = run_cli("ask", "gempa", "--index-dir", broken)
    assert r.returncode == ExitCode.CORRUPT_INDEX, (r.returncode, r.stderr)
    assert "index.sqlite3" in r.stderr and "--rebuild" in r.stderr
    assert "Traceback" not in r.stderr
    r = run_cli("index", docs, "--rebuild", "--index-dir", broken, "--model", "hash")
    assert r.returncode == 0, r.stderr
    assert run_cli("ask", "gempa", "--index-dir", broken).returncode == 0
