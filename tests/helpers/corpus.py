"""Corpora for the crash tests of both stores: built, then changed between runs."""

import random

WORDS = ("pemerintah kota warga banjir gempa pasar harga beras kereta sekolah rumah sakit "
         "presiden menteri jalan tol pelabuhan kapal nelayan petani panen hujan sungai "
         "jembatan listrik air bersih pemilu partai suara desa gunung hutan api asap").split()


def article(rng: random.Random, n: int, tag: str = "") -> str:
    paras = []
    for _ in range(rng.randint(2, 5)):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()
                     + f" nomor {n} {tag}." for _ in range(rng.randint(2, 4))]
        paras.append(" ".join(sentences))
    return f"Berita nomor {n}\n\n" + "\n\n".join(paras) + "\n"


def make_corpus(folder, count: int, rng: random.Random, tag: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"berita-{n:04d}.txt").write_text(article(rng, n, tag), encoding="utf-8")


def mutate_corpus(docs, rng: random.Random, round_) -> int:
    """Change a third, delete some, add some: every update has work to do.
    Returns how many files the folder gained."""
    names = sorted(p.name for p in docs.glob("*.txt"))
    for name in rng.sample(names, len(names) // 3):
        (docs / name).write_text(article(rng, rng.randint(0, 10**6), f"ronde {round_}"))
    for name in rng.sample(names, 5):
        (docs / name).unlink()
    for n in range(7):
        (docs / f"baru-{round_}-{n}.txt").write_text(article(rng, 10**6 + n, "baru"))
    return 2
