"""Item 16: one masking rule for every URL and key that reaches a message."""

import pytest

from helpers.common import run_cli, write

SECRET = "sk-live-Xq7"


def test_a_wrongly_typed_api_key_in_the_file_is_not_printed(tmp_path):
    config = write(tmp_path / "assistant.toml", f'[llm]\napi_key = ["{SECRET}"]\n')
    r = run_cli("ask", "x", "--index-dir", tmp_path / "ix", env={"ASSISTANT_CONFIG": str(config)})
    assert r.returncode == 2 and "llm.api_key" in r.stderr
    assert SECRET not in r.stderr + r.stdout


def test_a_server_url_password_is_not_printed(tmp_path):
    r = run_cli("ask", "x", "--server", "http://u:pw-Secret9@127.0.0.1:1")
    assert r.returncode == 12, r.stderr
    assert "pw-Secret9" not in r.stderr and "http://u:***@127.0.0.1:1" in r.stderr


def test_an_llm_url_password_is_not_printed(tmp_path):
    r = run_cli("ask", "x", "--index-dir", tmp_path / "ix", "--llm", "ftp://me:pw-Secret9@h/v1")
    assert r.returncode == 2
    assert "pw-Secret9" not in r.stderr and "ftp://me:***@h/v1" in r.stderr


def test_a_cluster_address_password_is_not_printed(tmp_path):
    r = run_cli("index", tmp_path, "--index-dir", tmp_path / "ix", "--model", "hash",
                "--cluster", "foo://me:pw-Secret9@bar")
    assert r.returncode == 2 and "pw-Secret9" not in r.stderr


@pytest.mark.parametrize("url, shown", [
    ("postgresql://me:secret@host/db", "postgresql://me:***@host/db"),
    ("postgresql://me:p@ss@host/db", "postgresql://me:***@host/db"),
    ("postgresql://host/db?sslpassword=x&a=1", "postgresql://host/db?sslpassword=***&a=1"),
    ("http://h:8/x", "http://h:8/x"),
    ("not a url", "not a url"),
])
def test_one_rule_for_every_url(url, shown):
    from assistant.store.urls import redact
    from assistant.text.masking import mask, mask_url

    assert mask_url(url) == shown == redact(url)
    assert mask(f"cannot reach {url} (refused)") == f"cannot reach {shown} (refused)"


def test_the_store_scrubs_through_the_same_rule():
    from assistant.store.urls import scrub

    url = "postgresql://me:hunter2@host/db"
    assert scrub(f"failed for {url}: password hunter2 refused", url) == \
        "failed for postgresql://me:***@host/db: password *** refused"
