"""ask --llm against a local scripted server: streaming, checked citations, and
every failure giving the extractive answer with a note, one stderr line, exit 0."""

import json

import pytest

from assistant.present.schema import AskOutput

from helpers.common import TROOPS, run_cli
from helpers.llm_server import chunk, free_port, stream, unresponsive_port

QUESTION = "berapa tentara Korea Utara dikirimkan ke Kursk"
# Citation [1] for this question over the sample article (hash model, k 3).
PASSAGE_1 = TROOPS


def ask(index_dir, url, *extra, question=QUESTION, env=None):
    return run_cli("ask", question, "--index-dir", index_dir, "-k", "3", "--llm", url,
                   "--llm-first-token-timeout", "2", "--llm-timeout", "20", *extra, env=env)


def ask_json(index_dir, server, *responses, extra=(), **kw):
    server.script(*responses)
    r = ask(index_dir, server.url, "--json", *extra, **kw)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    AskOutput.model_validate(data)
    return data, r


def test_a_supported_answer_is_checked_and_mapped_to_its_passage_sentence(index_dir, server):
    data, r = ask_json(index_dir, server,
                       stream("Korea Utara mengirim 12,000 tentara ke Kursk [1]."))
    g = data["generated"]
    assert g["text"] == "Korea Utara mengirim 12,000 tentara ke Kursk [1]."
    assert g["model"] == "scripted" and g["refused"] is False and g["error"] is None
    [s] = g["sentences"]
    assert s["supported"] is True and s["text"] == "Korea Utara mengirim 12,000 tentara ke Kursk."
    [c] = s["citations"]
    cited = data["citations"][c["n"] - 1]
    assert "12.000" in cited["text"][c["sentence"]["start"]:c["sentence"]["end"]]
    assert g["timings"]["first_token_s"] is not None and g["timings"]["total_s"] is not None
    assert data["found"] is True and data["answer"] is not None  # existing fields stay
    assert r.stderr == ""


def test_the_prompt_numbers_passages_with_title_source_and_date(index_dir, server):
    data, _ = ask_json(index_dir, server, stream("NOT FOUND"))
    body = server.requests[-1]["body"]
    assert body["stream"] is True
    prompt = body["messages"][-1]["content"]
    assert '<passage n="1">\nTitle: China Korea Utara | Source: KOMPAS.TV | Date: 2024-11-14' \
        in prompt
    assert PASSAGE_1 in prompt and '<passage n="3">' in prompt and '<passage n="4">' not in prompt
    assert "Indonesian" in body["messages"][0]["content"]  # answer in the question's language


def test_an_english_question_asks_for_an_english_answer(index_dir, server):
    ask_json(index_dir, server, stream("NOT FOUND"), question="how many North Korean troops went to Kursk?")
    assert "in English" in server.requests[-1]["body"]["messages"][0]["content"]


def test_a_marker_out_of_range_is_removed(index_dir, server):
    data, _ = ask_json(index_dir, server, stream("Korea Utara mengirim 12.000 tentara [1][7]."))
    [s] = data["generated"]["sentences"]
    assert [c["n"] for c in s["citations"]] == [1]
    assert s["supported"] is True
    assert any("[7]" in i for i in s["issues"])


def test_a_sentence_with_only_an_out_of_range_marker_is_unsupported(index_dir, server):
    data, _ = ask_json(index_dir, server, stream("Korea Utara mengirim 12.000 tentara [9]."))
    [s] = data["generated"]["sentences"]
    assert s["citations"] == [] and s["supported"] is False


def test_a_sentence_without_a_marker_is_unsupported_and_kept(index_dir, server):
    data, _ = ask_json(index_dir, server, stream(
        "Korea Utara mengirim 12.000 tentara ke Kursk [1]. Perang akan segera berakhir."))
    first, second = data["generated"]["sentences"]
    assert first["supported"] is True
    assert second["text"] == "Perang akan segera berakhir."
    assert second["supported"] is False and "no citation" in second["issues"]


def test_a_figure_not_in_the_cited_passage_is_unsupported(index_dir, server):
    data, _ = ask_json(index_dir, server, stream("Korea Utara mengirim 15.000 tentara [1]."))
    [s] = data["generated"]["sentences"]
    assert s["supported"] is False and "15.000" in s["issues"][0]


def test_12000_written_the_english_way_matches_12000_the_indonesian_way(index_dir, server):
    for written in ("12,000", "12 000", "12 ribu", "12 thousand"):
        data, _ = ask_json(index_dir, server, stream(f"North Korea sent {written} troops to Kursk [1]."))
        assert data["generated"]["sentences"][0]["supported"] is True, written


def test_markers_after_the_full_stop_belong_to_the_sentence_before(index_dir, server):
    data, _ = ask_json(index_dir, server, stream(
        "Korea Utara mengirim 12.000 tentara. [1] Mereka dikirim ke Kursk. [1]"))
    assert [s["supported"] for s in data["generated"]["sentences"]] == [True, True]


def test_a_refusal_makes_the_answer_not_found(index_dir, server):
    data, r = ask_json(index_dir, server, stream("NOT FOUND."))
    assert data["generated"]["refused"] is True and data["generated"]["sentences"] == []
    assert data["found"] is False and data["answer"] is None
    assert data["citations"]  # the nearest passages are still listed


def failure(index_dir, url, kind_words, extra=()):
    r = ask(index_dir, url, "--json", *extra)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    AskOutput.model_validate(data)
    assert data["found"] is True and TROOPS in data["answer"]["text"]  # the extractive answer
    assert data["generated"]["error"] and kind_words in data["generated"]["error"]
    assert "extractive answer stands" in data["note"]
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "showing the extractive answer" in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    return data


def test_server_down(index_dir):
    failure(index_dir, f"http://127.0.0.1:{free_port()}/v1", "cannot reach")


def test_connect_timeout(index_dir):
    listener, fillers, port = unresponsive_port()
    try:
        failure(index_dir, f"http://127.0.0.1:{port}/v1", "did not answer within",
                ("--llm-first-token-timeout", "2"))
    finally:
        for s in fillers + [listener]:
            s.close()


def test_http_500(index_dir, server):
    server.script({"status": 500})
    failure(index_dir, server.url, "HTTP 500")


def test_http_404(index_dir, server):
    server.script({"status": 404})
    failure(index_dir, server.url, "HTTP 404")


def test_slow_first_token(index_dir, server):
    server.script({"hang": True})
    failure(index_dir, server.url, "no first token")


def test_a_stall_after_some_tokens(index_dir, server):
    server.script({"events": [chunk("Korea Utara")], "stall": True})
    failure(index_dir, server.url, "next token")


def test_a_cut_stream(index_dir, server):
    server.script({"events": [chunk("Korea Utara mengirim")]})  # closes without finishing
    failure(index_dir, server.url, "before the answer was complete")


def test_malformed_json(index_dir, server):
    server.script({"events": [chunk("Korea"), "{not json"], "done": True})
    failure(index_dir, server.url, "malformed JSON")


def test_human_output_streams_then_shows_the_checked_answer(index_dir, server):
    server.script(stream("Korea Utara mengirim 12.000 tentara [1]. Perang usai pada 2020 [1]."))
    r = ask(index_dir, server.url)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith(f"Q: {QUESTION}\nLLM: Korea Utara mengirim 12.000 tentara [1]. "
                          "Perang usai pada 2020 [1].\n")
    assert "  - Korea Utara mengirim 12.000 tentara. [1]" in out
    assert "UNSUPPORTED: Perang usai pada 2020. [1] (not in the cited passages: 2020)" in out
    assert "Extractive answer: " in out and "[1] China Korea Utara" in out


def test_translate_adds_the_answer_sentence_in_the_question_language(index_dir, server):
    data, _ = ask_json(index_dir, server, stream("North Korea sent 12,000 troops [1]."),
                       stream("North Korea sent 12,000 troops to Kursk."),
                       # hash model: shared words
                       question="how many tentara Korea Utara dikirimkan to Kursk",
                       extra=("--translate",))
    assert data["generated"]["translation"] == "North Korea sent 12,000 troops to Kursk."
    sent = server.requests[-1]["body"]["messages"]
    assert "into English" in sent[0]["content"] and sent[1]["content"] == data["answer"]["text"]


def test_follow_ups_send_the_earlier_turns(index_dir, server):
    server.script(stream("Korea Utara mengirim 12.000 tentara [1]."),
                  stream("Mereka dikirim ke Kursk [1]."))
    r = run_cli("ask", "--index-dir", index_dir, "-k", "3", "--llm", server.url, "--json",
                "--follow-up", stdin=f"{QUESTION}\ndan ke mana mereka dikirim?\n")
    assert r.returncode == 0, r.stderr
    second = server.requests[-1]["body"]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == QUESTION
    assert second[2]["content"] == "Korea Utara mengirim 12.000 tentara [1]."


def test_api_key_from_the_environment(index_dir, server):
    ask_json(index_dir, server, stream("NOT FOUND"), env={"OPENAI_API_KEY": "sk-test"})
    assert server.requests[-1]["auth"] == "Bearer sk-test"
    ask_json(index_dir, server, stream("NOT FOUND"),
             env={"OPENAI_API_KEY": "sk-test", "ASSISTANT_LLM_API_KEY": "mine"})
    assert server.requests[-1]["auth"] == "Bearer mine"


def test_llm_settings_from_the_environment(index_dir, server):
    server.script(stream("NOT FOUND"))
    r = run_cli("ask", QUESTION, "--index-dir", index_dir, "--json",
                env={"ASSISTANT_LLM_URL": server.url, "ASSISTANT_LLM_MODEL": "gemma"})
    assert r.returncode == 0, r.stderr
    assert server.requests[-1]["body"]["model"] == "gemma"
    assert "generated" in json.loads(r.stdout)


def test_without_an_llm_the_output_has_no_generated_block(index_dir):
    r = run_cli("ask", QUESTION, "--index-dir", index_dir, "--json")
    assert "generated" not in json.loads(r.stdout)


@pytest.mark.parametrize("args", [["--llm", "localhost:8080"], ["--translate"],
                                  ["--llm", "http://x/v1", "--llm-timeout", "0"]])
def test_bad_llm_options_are_usage_errors(index_dir, args):
    r = run_cli("ask", QUESTION, "--index-dir", index_dir, *args)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
