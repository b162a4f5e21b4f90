"""Single-thread embedding speed: whole documents (254-piece chunks, averaged) and lede3
(headline + first 3 real sentences, one input), first 200 documents, CPU time."""
import time
import numpy as np
from ecb import documents
from minilm import MiniLM
from embed_docs import real
docs = documents()[:200]
m = MiniLM(); m.encode(["warm up"])
t = time.process_time()
texts = [" ".join(([d["headline"]] if d["headline"] else []) + real(d["sents"])[:3] or d["sents"][:1]) for d in docs]
m.encode(texts)
c = time.process_time() - t
print(f"lede3: {len(docs)} docs cpu {c:.1f}s -> {len(docs)/c:.1f} docs/s")
t = time.process_time()
ch = [c for d in docs for c in m.chunks("\n".join(([d["headline"]] if d["headline"] else []) + d["sents"]))]
m.encode(ch)
c = time.process_time() - t
print(f"whole: {len(docs)} docs ({len(ch)} chunks) cpu {c:.1f}s -> {len(docs)/c:.1f} docs/s")
