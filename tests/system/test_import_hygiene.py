"""The core imports no UI library, and the default ask path no torch or textual."""

import ast
import subprocess
import sys

from helpers.common import REPO, write

HEAVY = ("textual", "rich", "torch", "sentence_transformers", "transformers",
         "httpx", "httpx_sse", "openai", "assistant.llm.client", "dask", "distributed",
         # Read only when a PDF or Word file is, and only while watching folders.
         "pypdf", "docx", "watchfiles",
         "psycopg", "pgvector", "pgserver", "assistant.store.postgres",
         "fastapi", "starlette", "uvicorn", "assistant.api",
         # An embedding server (--model openai:…) and OCR (scans, images) load only when used.
         "assistant.embedders.remote", "assistant.ingest.ocr", "pytesseract", "pypdfium2", "PIL",
         # The MCP server (the mcp extra) only in `assistant mcp` and `serve`.
         "mcp", "mcp_types", "assistant.mcp_server",
         # serve's web page is tested through Selenium; nothing of the package loads it.
         "selenium")


def loaded_after(code: str) -> set[str]:
    probe = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('LOADED=' + ','.join(m for m in {HEAVY + ('click',)!r} "
        "if m in sys.modules), file=sys.stderr))\n" + code
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO)
    line = [ln for ln in r.stderr.splitlines() if ln.startswith("LOADED=")][-1]
    return set(filter(None, line[len("LOADED="):].split(",")))


def test_core_imports_no_shell_or_ui_library():
    loaded = loaded_after(
        "import assistant.app.service, assistant.indexing.update\n"
        "import assistant.query.retrieval, assistant.query.answers\n"
        "import assistant.app.conversation, assistant.app.history\n"
        "import assistant.ingest.documents, assistant.store.local.reader, assistant.embedders.nano\n"
        "import assistant.embedders.cluster\n")
    assert loaded == set()


def test_cli_ask_path_imports_no_torch_or_textual(tmp_path):
    docs = write(tmp_path / "docs" / "a.txt", "Banjir merendam kota pada hari Jumat.\n").parent
    ix = tmp_path / "ix"
    from helpers.common import run_cli

    assert run_cli("index", docs, "--index-dir", ix, "-q").returncode == 0  # default e5 model
    loaded = loaded_after(
        "from assistant.cli.main import main\n"
        f"main(['ask', 'banjir', '--json', '--index-dir', {str(ix)!r}])\n")
    assert loaded == {"click"}


def test_import_linter_contract():
    import os

    lint = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    r = subprocess.run([lint], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "8 kept, 0 broken" in r.stdout


def test_ask_with_an_llm_loads_the_http_client(tmp_path):
    """The other side of the test above: the probe sees the client when it loads."""
    from helpers.llm_server import free_port

    docs = write(tmp_path / "docs" / "a.txt", "Banjir merendam kota pada hari Jumat.\n").parent
    ix = tmp_path / "ix"
    from helpers.common import run_cli

    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    loaded = loaded_after(
        "from assistant.cli.main import main\n"
        "try:\n"
        f"    main(['ask', 'banjir', '--json', '--index-dir', {str(ix)!r}, "
        f"'--llm', 'http://127.0.0.1:{free_port()}/v1'])\n"
        "except SystemExit:\n    pass\n")
    assert {"httpx", "assistant.llm.client"} <= loaded
    assert "textual" not in loaded and "openai" not in loaded


def test_a_cluster_build_loads_dask(tmp_path):
    """The other side of the ask test: the probe sees Dask when --cluster uses it."""
    docs = write(tmp_path / "docs" / "a.txt", "Banjir merendam kota pada hari Jumat.\n").parent
    loaded = loaded_after(
        "from assistant.cli.main import main\n"
        "try:\n"
        f"    main(['index', {str(docs)!r}, '--index-dir', {str(tmp_path / 'ix')!r}, '-q', "
        "'--model', 'hash', '--cluster', 'local:1'])\n"
        "except SystemExit:\n    pass\n")
    assert {"dask", "distributed"} <= loaded


# Only assistant/store/ talks to SQLite and FAISS; the embedders need neither.
STORE_ONLY_MODULES = {"sqlite3", "faiss", "psycopg", "pgvector"}
STORE_ONLY_ATTRIBUTES = {"conn", "execute", "executemany", "executescript", "vectors"}


def test_only_the_store_touches_sqlite_faiss_or_postgres():
    offenders = []
    for path in sorted((REPO / "assistant").rglob("*.py")):
        if (REPO / "assistant" / "store") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                used = [node.module.split(".")[0]]
            elif isinstance(node, ast.Attribute) and node.attr in STORE_ONLY_ATTRIBUTES:
                used = [f".{node.attr}"]
            else:
                continue
            offenders += [f"{path.relative_to(REPO)}:{node.lineno} {name}" for name in used
                          if name in STORE_ONLY_MODULES or name.startswith(".")]
    assert offenders == []


def test_help_imports_no_textual():
    loaded = loaded_after(
        "from assistant.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n")
    assert loaded == {"click"}


def test_an_english_question_does_not_load_the_stemmer(tmp_path):
    docs = write(tmp_path / "docs" / "a.txt", "Banjir merendam kota pada hari Jumat.\n").parent
    ix = tmp_path / "ix"
    from helpers.common import run_cli

    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    probe = ("import sys\nfrom assistant.cli.main import main\n"
             "try:\n"
             f"    main(['ask', {{q!r}}, '--json', '--index-dir', {str(ix)!r}])\n"
             "except SystemExit:\n    pass\n"
             "print('SASTRAWI=' + str(any(m.startswith('Sastrawi') for m in sys.modules)), "
             "file=sys.stderr)\n")

    def stemmer_loaded(question: str) -> bool:
        r = subprocess.run([sys.executable, "-c", probe.format(q=question)], capture_output=True,
                           text=True, cwd=REPO)
        return "SASTRAWI=True" in r.stderr

    assert not stemmer_loaded("how many soldiers crossed the border?")
    assert not stemmer_loaded("how many troops were sent?")  # English: plurals only, no Sastrawi
    assert stemmer_loaded("berapa tentara dikirimkan?")  # Indonesian affixes need it


def test_ask_over_an_embedding_server_loads_its_client(tmp_path):
    """The other side of the ask test: an `openai:` index loads httpx and the
    remote embedder (the server is not there: the probe only sees the imports)."""
    from helpers.embed_server import fake_server

    docs = write(tmp_path / "docs" / "a.txt", "Banjir merendam kota pada hari Jumat.\n").parent
    ix = tmp_path / "ix"
    from helpers.common import run_cli

    with fake_server() as fake:
        assert run_cli("index", docs, "--index-dir", ix, "--model", "openai:fake-model",
                       "--embed-url", fake.url, "-q").returncode == 0
        loaded = loaded_after(
            "from assistant.cli.main import main\n"
            "try:\n"
            f"    main(['ask', 'banjir', '--json', '--index-dir', {str(ix)!r}, "
            f"'--embed-url', {fake.url!r}])\n"
            "except SystemExit:\n    pass\n")
    assert {"httpx", "assistant.embedders.remote"} <= loaded
    assert "assistant.llm.client" not in loaded and "assistant.ingest.ocr" not in loaded
