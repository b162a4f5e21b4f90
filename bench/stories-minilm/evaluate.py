"""Pair AUCs and online single-pass clustering on ECB+ topics 1-35: sparse TF-IDF (stand-in
for the Rust vectors) against dense MiniLM embeddings and their mix."""
import os
WORK = os.environ.get("MINILM_WORK", "/tmp/embed")  # the wheel, embeddings and results, outside the repository
import math
import re
import sys
from collections import Counter

import numpy as np

from ecb import documents

HARD = [10, 27, 20, 35, 9, 5, 11]
DEV = {2, 5, 12, 18, 21, 23, 34, 35}
STOP = set("""a an the and or but if of to in on at by for with from as is are was were be been being
has have had do does did this that these those it its he she they them his her their we our you your i
me my not no so than then there here who whom which what when where why how all any each also into
about after before over under up down out off again more most some such only own same can will would
should could may might must just said says say told tell according """.split())
WORD = re.compile(r"[a-z0-9]+(?:[.'-][a-z0-9]+)*")


# ---------------------------------------------------------------- sparse stand-in
def sparse_vectors(docs, headline_w=3.0, lede_w=2.0):
    """TF-IDF, sublinear tf, headline words x3 and first real sentence x2 (as the Rust features
    do), IDF over the 772 documents, L2 normalised. Returns a dense matrix (docs x vocab)."""
    counts = []
    for d in docs:
        c = Counter()
        if d["headline"]:
            for w in WORD.findall(d["headline"].lower()):
                if w not in STOP:
                    c[w] += headline_w
        lede_done = False
        for s in d["sents"]:
            toks = [w for w in WORD.findall(s.lower()) if w not in STOP]
            wt = 1.0
            if not lede_done and len(s.split()) >= 6:
                wt, lede_done = lede_w, True
            for w in toks:
                c[w] += wt
        counts.append(c)
    vocab = {}
    for c in counts:
        for w in c:
            vocab.setdefault(w, len(vocab))
    df = np.zeros(len(vocab))
    for c in counts:
        for w in c:
            df[vocab[w]] += 1
    idf = np.log((len(docs) + 1) / (df + 1)) + 1
    X = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for i, c in enumerate(counts):
        for w, n in c.items():
            X[i, vocab[w]] = (1 + math.log(n)) * idf[vocab[w]] if n >= 1 else n * idf[vocab[w]]
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X


# ---------------------------------------------------------------- AUC
def auc(pos, neg):
    pos, neg = np.asarray(pos), np.asarray(neg)
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    allv = np.concatenate([pos, neg])
    ranks = rankdata(allv)
    rp = ranks[: len(pos)].sum()
    return (rp - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def rankdata(a):
    order = np.argsort(a, kind="mergesort")
    ranks = np.empty(len(a))
    sa = a[order]
    i = 0
    while i < len(a):
        j = i
        while j + 1 < len(a) and sa[j + 1] == sa[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pair_aucs(S, docs):
    topic = np.array([d["topic"] for d in docs])
    gold = np.array([d["gold"] for d in docs])
    iu = np.triu_indices(len(docs), 1)
    s = S[iu]
    same_t = topic[iu[0]] == topic[iu[1]]
    same_g = gold[iu[0]] == gold[iu[1]]
    within = auc(s[same_t & same_g], s[same_t & ~same_g])
    across = auc(s[same_t], s[~same_t])
    per = {}
    for t in sorted(set(topic)):
        m = same_t & (topic[iu[0]] == t)
        per[t] = auc(s[m & same_g], s[m & ~same_g])
    hard = auc(*[s[same_t & np.isin(topic[iu[0]], HARD) & k] for k in (same_g, ~same_g)])
    return dict(within=within, within_mean=float(np.nanmean(list(per.values()))), hard_pooled=hard,
                across=across, per=per)


# ---------------------------------------------------------------- clustering
def cluster(X, E, w, thr, order):
    """Single pass in stream order: each document joins the open cluster whose centroid has the
    highest mixed similarity (1-w)*cos_sparse + w*cos_dense, if that is >= thr, else starts one."""
    n = len(order)
    CS = np.zeros((n, X.shape[1]), dtype=np.float32) if w < 1 else None
    CD = np.zeros((n, E.shape[1]), dtype=np.float32) if w > 0 else None
    ns, nd = np.zeros(n), np.zeros(n)
    k = 0
    labels = {}
    for i in order:
        sim = np.zeros(k)
        if k:
            if w < 1:
                x = X[i]
                nz = np.nonzero(x)[0]
                dots = CS[:k, nz] @ x[nz]
                sim += (1 - w) * dots / np.sqrt(ns[:k])
            if w > 0:
                dd = CD[:k] @ E[i]
                sim += w * dd / np.sqrt(nd[:k])
        if k and sim.max() >= thr:
            c = int(sim.argmax())
        else:
            c = k
            k += 1
        if w < 1:
            x = X[i]
            nz = np.nonzero(x)[0]
            ns[c] += 2 * (CS[c, nz] @ x[nz]) + 1.0
            CS[c, nz] += x[nz]
        if w > 0:
            nd[c] += 2 * (CD[c] @ E[i]) + 1.0
            CD[c] += E[i]
        labels[i] = c
    return labels


def bcubed(labels, gold):
    items = list(labels)
    cl, gl = Counter(), Counter()
    both = Counter()
    for i in items:
        cl[labels[i]] += 1
        gl[gold[i]] += 1
        both[(labels[i], gold[i])] += 1
    p = np.mean([both[(labels[i], gold[i])] / cl[labels[i]] for i in items])
    r = np.mean([both[(labels[i], gold[i])] / gl[gold[i]] for i in items])
    return p, r, 2 * p * r / (p + r), len(cl)


def sweep(X, E, w, order, gold, grid):
    res = []
    for thr in grid:
        p, r, f, k = bcubed(cluster(X, E, w, thr, order), gold)
        res.append((f, thr, p, r, k))
    return res


def main():
    docs = documents()
    z = np.load(f"{WORK}/emb.npz")
    assert list(z["names"]) == [d["name"] for d in docs]
    X = sparse_vectors(docs)
    SS = X @ X.T
    variants = [v for v in ("whole", "first256", "sentmean", "lede1", "lede2", "lede3", "body_lede2",
                            "headline_or_lede1") if v in z]
    print("== pair AUCs (within topic: same vs other sub-topic, pooled / mean over topics / hard "
          "topics pooled; across: same topic vs other topic)")
    print(f"{'sparse tf-idf':22s}", fmt(pair_aucs(SS, docs)))
    dense = {}
    for v in variants:
        E = z[v].astype(np.float32)
        dense[v] = E
        print(f"{'dense ' + v:22s}", fmt(pair_aucs(E @ E.T, docs)))
    print("\n== mixes (1-w)*sparse + w*dense, within pooled / within mean / hard pooled / across")
    for v in variants:
        SD = dense[v] @ dense[v].T
        row = []
        for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7):
            a = pair_aucs((1 - w) * SS + w * SD, docs)
            row.append(f"w{w}:{a['within']:.4f}/{a['within_mean']:.4f}/{a['hard_pooled']:.4f}/{a['across']:.4f}")
        print(f"{v:18s}", " ".join(row))
    print("\n== per-topic within AUC (hard topics), sparse vs dense whole/lede2/sentmean, mix w=0.3 whole")
    ps = pair_aucs(SS, docs)["per"]
    pd = {v: pair_aucs(dense[v] @ dense[v].T, docs)["per"] for v in ("whole", "lede2", "sentmean")}
    pm = pair_aucs(0.7 * SS + 0.3 * (dense["whole"] @ dense["whole"].T), docs)["per"]
    for t in HARD:
        print(f"topic {t:2d}: sparse {ps[t]:.3f} whole {pd['whole'][t]:.3f} lede2 {pd['lede2'][t]:.3f} "
              f"sentmean {pd['sentmean'][t]:.3f} mix {pm[t]:.3f}")
    np.save(f"{WORK}/sparse_sim.npy", SS)
    if "--no-cluster" in sys.argv:
        return
    clustering(docs, X, dense)


def clustering(docs, X, dense, variants=("whole", "lede3", "lede2", "first256", "sentmean")):
    gold = {i: d["gold"] for i, d in enumerate(docs)}
    order_all = list(range(len(docs)))
    grid = np.round(np.arange(0.10, 0.96, 0.01), 3)
    print("\n== online single-pass clustering, BCubed F1 (best threshold on the 0.01 grid); "
          "all = topics 1-35 in one stream; dev = dev topics only; train = the others")
    subsets = {
        "all": order_all,
        "train": [i for i in order_all if docs[i]["topic"] not in DEV],
        "dev": [i for i in order_all if docs[i]["topic"] in DEV],
    }
    for v in variants:
        E = dense[v]
        for w in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0):
            if w == 0.0 and v != variants[0]:
                continue
            out = []
            best_train_thr = None
            for name in ("all", "train", "dev"):
                order = subsets[name]
                g = {i: gold[i] for i in order}
                res = sweep(X, E, w, order, g, grid)
                f, thr, p, r, k = max(res)
                # robustness: mean F1 over the best threshold +-0.03
                near = [x[0] for x in res if abs(x[1] - thr) <= 0.0301]
                if name == "train":
                    best_train_thr = thr
                if name == "dev":
                    fd = [x for x in res if abs(x[1] - best_train_thr) < 1e-9][0]
                    out.append(f"dev F1 {f:.4f}@{thr:.2f} (at train thr {best_train_thr:.2f}: {fd[0]:.4f})")
                else:
                    out.append(f"{name} F1 {f:.4f}@{thr:.2f} P {p:.4f} R {r:.4f} k {k} (+-0.03 mean {np.mean(near):.4f})")
            label = "sparse only" if w == 0 else ("dense only " + v if w == 1 else f"mix w={w} {v}")
            print(f"{label:24s} | " + " | ".join(out), flush=True)


def fmt(a):
    return (f"within {a['within']:.4f}  within-mean {a['within_mean']:.4f}  hard {a['hard_pooled']:.4f}  "
            f"across {a['across']:.4f}")


if __name__ == "__main__":
    main()
