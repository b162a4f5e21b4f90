#!/usr/bin/env python3
"""trafilatura on the wcxb_dev pages, scored exactly like `storyline eval extraction`.

Usage: python3 trafilatura_eval.py --data ../../../shared/data/wcxb_dev [--type article] [--comments]

Scoring (the same rules as crates/cli/src/extraction.rs):
- tokens: runs of word characters (letters, digits, underscore), lower-cased;
- shingles: every run of 4 consecutive tokens, counted as a multiset; a text with 1-3 tokens
  is a single shingle of all its tokens; a text with no tokens has no shingles;
- per page: precision = matched / extracted shingles, recall = matched / reference shingles;
  an empty extraction scores precision 0 and recall 0; pages without reference text are skipped;
- precision and recall are macro-averaged over pages; F1 is the harmonic mean of the averages.
Speed: time spent inside trafilatura.bare_extraction only (decompression, reading and scoring
are outside the clock), one process, one thread.
"""
import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter

import trafilatura

WORD = re.compile(r"\w+")


def shingles(text):
    tokens = WORD.findall(text.lower()) if text else []
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def score(extracted, reference):
    ext, ref = shingles(extracted), shingles(reference)
    if not ext:
        return 0.0, 0.0
    matched = sum((ext & ref).values())
    return matched / sum(ext.values()), matched / sum(ref.values())


def date_of(value):
    return (value or "")[:10] or None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--type", dest="page_type")
    parser.add_argument(
        "--comments",
        action="store_true",
        help="keep trafilatura's default include_comments=True (off by default: the reference text has no comments)",
    )
    args = parser.parse_args()

    rows = []
    with open(os.path.join(args.data, "ground_truth.jsonl"), encoding="utf-8") as f:
        for line in f:
            page = json.loads(line)
            if not page.get("has_main_text"):
                continue
            if args.page_type and page["page_type"] != args.page_type:
                continue
            rows.append(page)

    per_type = {}
    elapsed = 0.0
    dates_known = dates_matched = 0
    for page in rows:
        with gzip.open(os.path.join(args.data, page["html_file"]), "rb") as f:
            html = f.read().decode("utf-8", errors="replace")
        start = time.perf_counter()
        doc = trafilatura.bare_extraction(
            html,
            url=page["url"],
            include_comments=args.comments,
            with_metadata=True,
        )
        elapsed += time.perf_counter() - start
        text = doc.text if doc is not None else ""
        p, r = score(text or "", page["main_text"])
        bucket = per_type.setdefault(page["page_type"], [0.0, 0.0, 0])
        bucket[0] += p
        bucket[1] += r
        bucket[2] += 1
        if page.get("publish_date"):
            dates_known += 1
            found = date_of(doc.date if doc is not None else None)
            dates_matched += found == page["publish_date"][:10]

    def line(name, p, r, n):
        p, r = p / n, r / n
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:<14} {n:>5}  P {p:.4f}  R {r:.4f}  F1 {f1:.4f}")

    print(f"trafilatura {trafilatura.__version__}, include_comments={args.comments}")
    total = [0.0, 0.0, 0]
    for name in sorted(per_type):
        p, r, n = per_type[name]
        line(name, p, r, n)
        total = [total[0] + p, total[1] + r, total[2] + n]
    if len(per_type) > 1:
        line("all", *total)
    if dates_known:
        print(f"published date matches: {dates_matched}/{dates_known} ({dates_matched / dates_known:.1%})")
    print(f"speed: {len(rows) / elapsed:.1f} pages/s ({len(rows)} pages, {elapsed:.2f} s, one thread)")


if __name__ == "__main__":
    sys.exit(main())
