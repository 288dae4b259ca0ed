"""`ask --json` prints exactly the stored output for the same index.

The index holds the sample article plus ~1,000 articles generated here from a
fixed seed, embedded with the hash model, so the output depends only on the
code. A refactoring must leave it byte-for-byte unchanged. When a change to
ranking or answers is meant to change it, regenerate the stored output with:

    ASSISTANT_REGENERATE_GOLDEN=1 python -m pytest -q tests/cli/test_ask_golden.py

and review the diff of tests/data/ask_golden.jsonl before committing it. The
same index's `index --json` summary, `info --json` and, through a real `serve`,
`GET /articles` and `GET /articles/ID` are stored beside it (tests/data/
*_golden.json), what varies between runs masked: the typed results at the
service's face must turn into exactly the same JSON.
"""

import json
import os
import random
import re
import shutil
from pathlib import Path

import pytest

from assistant.ingest.documents import article_id
from assistant.present.schema import AskOutput

from helpers.common import SAMPLE_ARTICLE, run_cli
from helpers.serve import client, running_server

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN = DATA / "ask_golden.jsonl"
ROOT_MARK = "<ROOT>"  # the temporary folder, which differs between runs
SAMPLE_ID_MARK = "<SAMPLE-ID>"  # a file's article id is derived from its path

TOWNS = ["Arunda", "Belitar", "Corvena", "Dalmaru", "Esteka", "Fovani", "Gardola", "Hulmira"]
PEOPLE = ["Rina Sumarto", "Bagus Halim", "Maya Lestiani", "Tomas Reiner", "Ana Kovic"]
EVENTS_ID = [
    ("banjir", "{n} warga {town} mengungsi akibat banjir pada {d}/{m}/{y}."),
    ("gempa", "Gempa bermagnitudo {mag} mengguncang {town} dan merusak {n} rumah."),
    ("pemilu", "{person} terpilih sebagai wali kota {town} dengan {n} suara."),
    ("panen", "Petani di {town} memanen {n} ton padi tahun {y}."),
]
EVENTS_EN = [
    ("festival", "About {n} visitors came to the {town} festival on {d}/{m}/{y}."),
    ("bridge", "The new bridge in {town}, opened by {person}, cost {n} million."),
    ("storm", "A storm left {n} homes in {town} without power for two days."),
]
FILLER = [
    "Pemerintah daerah menyatakan akan memberikan bantuan kepada warga.",
    "Petugas masih mendata kerugian yang ditimbulkan.",
    "Officials said the situation was under control by the evening.",
    "Residents were asked to follow the instructions of the local authorities.",
]

QUESTIONS = [
    "how many troops were sent?",
    "siapa Sekjen NATO?",
    "berapa warga Arunda mengungsi akibat banjir?",
    "kapan banjir di Belitar?",
    "siapa wali kota Corvena?",
    "how many visitors came to the Dalmaru festival?",
    "who opened the bridge in Esteka?",
    "gempa Fovani",
    "zebra xylophone quantum",
]
FOLLOW_UPS = "how many troops were sent?\nand where were they sent?\n\nbanjir Gardola\nlalu kapan?\n"


def _article(rng: random.Random, i: int) -> dict:
    paragraphs = []
    for _ in range(rng.randint(2, 4)):
        topic, template = rng.choice(EVENTS_ID + EVENTS_EN)
        sentence = template.format(n=rng.randint(2, 9000), town=rng.choice(TOWNS),
                                   person=rng.choice(PEOPLE), d=rng.randint(1, 28),
                                   m=rng.randint(1, 12), y=rng.randint(2015, 2024),
                                   mag=f"{rng.randint(3, 7)},{rng.randint(0, 9)}")
        paragraphs.append(" ".join([sentence] + rng.sample(FILLER, rng.randint(0, 2))))
    return {"id": f"gen-{i:04d}", "title": f"{topic.title()} {i}", "source": "GENERATED",
            "date": f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "text": "\n\n".join(paragraphs)}


def _corpus(folder: Path) -> None:
    rng = random.Random(12)
    folder.mkdir(parents=True)
    shutil.copy(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    # The same text again is skipped (the summary lists it), citing nothing new.
    shutil.copy(SAMPLE_ARTICLE, folder / "zz-copy.txt")
    with open(folder / "generated.jsonl", "w", encoding="utf-8") as f:
        for i in range(1000):
            f.write(json.dumps(_article(rng, i), ensure_ascii=False) + "\n")


def _ask_all(root: Path, index_dir: Path) -> str:
    runs = [(["--mode", mode], "\n".join(QUESTIONS) + "\n")
            for mode in ("hybrid", "dense", "keyword")]
    runs += [(["--rerank", "3", "-k", "3"], "\n".join(QUESTIONS[:4]) + "\n"),
             (["--follow-up", "-k", "2"], FOLLOW_UPS)]
    out = []
    for options, stdin in runs:
        r = run_cli("ask", "--json", "--index-dir", index_dir, *options, stdin=stdin)
        assert r.returncode == 0, r.stderr
        out.append(r.stdout)
    # Article paths are absolute: name the temporary root the same in every run.
    sample_id = article_id(str(root / "articles" / SAMPLE_ARTICLE.name))
    return ("".join(out).replace(json.dumps(str(root))[1:-1], ROOT_MARK)
            .replace(f'"{sample_id}"', f'"{SAMPLE_ID_MARK}"'))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(temporary root, index folder, the `index --json` output) of the golden index."""
    root = tmp_path_factory.mktemp("golden")
    _corpus(root / "articles")
    index_dir = root / "index"
    r = run_cli("index", root / "articles", "--index-dir", index_dir, "--model", "hash",
                "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["articles"] == 1001
    return root, index_dir, r.stdout


def test_ask_json_is_unchanged(built):
    tmp_path, index_dir, _ = built
    output = _ask_all(tmp_path, index_dir)
    for line in output.splitlines():
        AskOutput.model_validate_json(line)
    if os.environ.get("ASSISTANT_REGENERATE_GOLDEN"):
        GOLDEN.write_text(output, encoding="utf-8")
        pytest.skip(f"regenerated {GOLDEN}")
    assert output == GOLDEN.read_text(encoding="utf-8")


def _masked(text: str, root: Path) -> str:
    """``text`` with what differs between runs named the same: the temporary
    root, the sample's path-derived id, times, sizes and durations."""
    sample_id = article_id(str(root / "articles" / SAMPLE_ARTICLE.name))
    text = (text.replace(json.dumps(str(root))[1:-1], ROOT_MARK)
            .replace(f'"{sample_id}"', f'"{SAMPLE_ID_MARK}"'))
    text = re.sub(r'"(created_at|updated_at)": "[^"]*"', r'"\1": "<TIME>"', text)
    text = re.sub(r'"(size_bytes|seconds)": [0-9.e+-]+', r'"\1": "<N>"', text)
    return re.sub(r'"(created_at|updated_at)":"[^"]*"', r'"\1":"<TIME>"', text)


def _face_outputs(root: Path, index_dir: Path, index_json: str) -> dict[str, str]:
    """The stored name of each output and its masked text, exactly as printed or sent."""
    info = run_cli("info", "--json", "--index-dir", index_dir)
    assert info.returncode == 0, info.stderr
    sample_id = article_id(str(root / "articles" / SAMPLE_ARTICLE.name))
    with running_server("--index-dir", index_dir, env={"ASSISTANT_CONFIG": "none"}) as (url, _, _):
        with client(url) as http:
            listed = http.get("/articles")
            one = [http.get(f"/articles/{i}") for i in (sample_id, "gen-0007")]
    assert listed.status_code == 200 and all(r.status_code == 200 for r in one)
    assert len(listed.json()) == 1001
    return {"index_golden.json": index_json, "info_golden.json": info.stdout,
            "articles_golden.json": listed.text,
            "article_golden.json": "\n".join(r.text for r in one) + "\n"}


def test_index_info_and_articles_json_are_unchanged(built):
    root, index_dir, index_json = built
    outputs = {name: _masked(text, root)
               for name, text in _face_outputs(root, index_dir, index_json).items()}
    if os.environ.get("ASSISTANT_REGENERATE_GOLDEN"):
        for name, text in outputs.items():
            (DATA / name).write_text(text, encoding="utf-8")
        pytest.skip(f"regenerated {', '.join(outputs)}")
    for name, text in outputs.items():
        assert text == (DATA / name).read_text(encoding="utf-8"), name
