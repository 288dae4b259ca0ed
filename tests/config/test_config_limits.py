"""Items 14 and 15: one rule for every timeout (finite, above 0), and a config
file nested too deeply is "not valid TOML" (exit 2), never an internal error."""

import pytest

from helpers.common import run_cli, write

BAD_NUMBERS = ["nan", "inf", "-inf", "1e309", "0", "-1"]


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("flag", ["--llm-timeout", "--llm-first-token-timeout"])
def test_a_timeout_flag_must_be_a_positive_number(tmp_path, flag, value):
    r = run_cli("ask", "x", "--index-dir", tmp_path / "ix", "--llm", "http://127.0.0.1:9/v1",
                flag, value)
    assert r.returncode == 2, r.stderr
    assert "must be a positive number" in r.stderr


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "soon"])
@pytest.mark.parametrize("variable", ["ASSISTANT_LLM_FIRST_TOKEN_TIMEOUT",
                                      "ASSISTANT_LLM_TOTAL_TIMEOUT",
                                      "ASSISTANT_LLM_CONNECT_TIMEOUT"])
def test_a_timeout_variable_must_be_a_positive_number(tmp_path, variable, value):
    r = run_cli("ask", "x", "--index-dir", tmp_path / "ix", "--llm", "http://127.0.0.1:9/v1",
                env={variable: value})
    assert r.returncode == 2, r.stderr
    assert variable in r.stderr and "must be a positive number" in r.stderr
    assert "LLM:" not in r.stdout


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-2.5"])
def test_a_timeout_in_the_file_must_be_a_positive_number(tmp_path, value):
    config = write(tmp_path / "assistant.toml", f"[llm]\ntotal_timeout = {value}\n")
    r = run_cli("ask", "x", "--index-dir", tmp_path / "ix", env={"ASSISTANT_CONFIG": str(config)})
    assert r.returncode == 2, r.stderr
    assert "llm.total_timeout" in r.stderr and "must be a positive number" in r.stderr


def test_a_good_timeout_is_taken(tmp_path):
    from assistant.config.layers import load_config
    from assistant.llm.config import LLMConfig

    config = write(tmp_path / "assistant.toml", "[llm]\ntotal_timeout = 7\n")
    llm = LLMConfig.from_env(environ={"ASSISTANT_LLM_FIRST_TOKEN_TIMEOUT": "3"},
                             config=load_config(str(config), {}), url="http://h/v1",
                             connect_timeout=0.5)
    assert llm is not None
    assert (llm.total_timeout, llm.first_token_timeout, llm.connect_timeout) == (7.0, 3.0, 0.5)


@pytest.mark.parametrize("nested", ["x = " + "[" * 5000 + "]" * 5000,
                                    "x = " + "{a = " * 5000 + "1" + "}" * 5000],
                         ids=["arrays", "tables"])
def test_a_deeply_nested_file_is_not_valid_toml(tmp_path, nested):
    config = write(tmp_path / "assistant.toml", nested + "\n")
    r = run_cli("info", "--index-dir", tmp_path / "ix", env={"ASSISTANT_CONFIG": str(config)})
    assert r.returncode == 2, r.stderr
    assert "not valid TOML" in r.stderr and "internal error" not in r.stderr
