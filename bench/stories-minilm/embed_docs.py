"""Embeds the 772 ECB+ documents (topics 1-35) with all-MiniLM-L6-v2 in several variants.
Writes /tmp/embed/ecbplus-minilm.tsv (whole text: 254-piece chunks embedded, averaged,
re-normalised), ecbplus-minilm-<variant>.tsv for the others, and emb.npz with all of them plus
per-sentence embeddings."""
import os
WORK = os.environ.get("MINILM_WORK", "/tmp/embed")  # the wheel, embeddings and results, outside the repository
import time

import numpy as np

from ecb import documents
from minilm import MiniLM


def real(sents, min_tokens=6):
    # dateline / byline lines ("May 03 , 2013") are not the lede
    return [s for s in sents if len(s.split()) >= min_tokens]


def norm(v):
    return v / max(np.linalg.norm(v), 1e-12)


def write_tsv(path, docs, E):
    with open(path, "w") as f:
        for d, e in zip(docs, E):
            f.write(d["name"] + "\t" + "\t".join(f"{x:.6f}" for x in e) + "\n")


def main():
    docs = documents()
    m = MiniLM()
    m.encode(["warm up"])
    out = {}

    # whole text, chunked; timed (tokenise + chunk + forward), single thread
    t0 = time.process_time(); w0 = time.time()
    whole, first = [], []
    chunk_texts, owner = [], []
    for i, d in enumerate(docs):
        text = "\n".join(([d["headline"]] if d["headline"] else []) + d["sents"])
        for c in m.chunks(text):
            chunk_texts.append(c); owner.append(i)
    CE = m.encode(chunk_texts)
    owner = np.array(owner)
    for i in range(len(docs)):
        rows = CE[owner == i]
        whole.append(norm(rows.mean(0)))
        first.append(rows[0])
    cpu, wall = time.process_time() - t0, time.time() - w0
    print(f"whole: {len(docs)} docs, {len(chunk_texts)} chunks, cpu {cpu:.1f}s wall {wall:.1f}s "
          f"-> {len(docs)/cpu:.1f} docs/s (cpu), {len(docs)/wall:.1f} docs/s (wall)")
    out["whole"] = np.array(whole); out["first256"] = np.array(first)

    # per-sentence embeddings (headline as sentence 0 when present)
    sent_texts, sowner, sidx, shead = [], [], [], []
    for i, d in enumerate(docs):
        items = ([(d["headline"], True)] if d["headline"] else []) + [(s, False) for s in d["sents"]]
        for j, (s, h) in enumerate(items):
            sent_texts.append(s); sowner.append(i); sidx.append(j); shead.append(h)
    t0 = time.process_time()
    SE = m.encode(sent_texts, batch=32)
    print(f"sentences: {len(sent_texts)} in cpu {time.process_time()-t0:.1f}s")
    sowner = np.array(sowner)
    out["sentmean"] = np.array([norm(SE[sowner == i].mean(0)) for i in range(len(docs))])

    for k in (1, 2, 3):
        texts = [" ".join(([d["headline"]] if d["headline"] else []) + real(d["sents"])[:k] or d["sents"][:1])
                 for d in docs]
        out[f"lede{k}"] = m.encode(texts)
    # lede without the headline: checks that the ecb/ecbplus headline asymmetry is not the signal
    out["body_lede2"] = m.encode([" ".join(real(d["sents"])[:2] or d["sents"][:1]) for d in docs])
    out["headline_or_lede1"] = m.encode([d["headline"] or (real(d["sents"])[:1] or d["sents"][:1])[0] for d in docs])

    np.savez(f"{WORK}/emb.npz", names=np.array([d["name"] for d in docs]),
             sent_emb=SE, sent_owner=sowner, sent_idx=np.array(sidx), sent_head=np.array(shead), **out)
    write_tsv(f"{WORK}/ecbplus-minilm.tsv", docs, out["whole"])
    for k, v in out.items():
        if k != "whole":
            write_tsv(f"{WORK}/ecbplus-minilm-{k}.tsv", docs, v)


if __name__ == "__main__":
    main()
