"""ECB+ documents of topics 1-35 rebuilt from their tokens the way
crates/corpus/src/stories/ecbplus.rs does (read-only copy of its logic), in the eval's stream
order (topics numerically, files by path within a topic)."""
import html
import os
import re

ROOT = os.path.join(os.environ.get("SHARED", "../shared"), "data/ecbplus/ECB+")
TOKEN = re.compile(r"<token\b([^>]*)>(.*?)</token>", re.S)
SENT = re.compile(r"""sentence\s*=\s*["']([^"']*)["']""")


def digits(t):
    return t != "" and t.isascii() and t.isdigit()


def read_doc(path):
    xml = open(path, encoding="utf-8").read()
    lines, current = [], None
    for attrs, text in TOKEN.findall(xml):
        m = SENT.search(attrs)
        try:
            sent = int(m.group(1)) if m else 0
        except ValueError:
            sent = 0
        text = html.unescape(text).strip()
        if lines and current == sent:
            toks = lines[-1]
            n = len(toks)
            if n >= 2 and toks[-1] == "." and digits(toks[-2]) and digits(text):
                toks.pop()
                toks[-1] = toks[-1] + "." + text
            else:
                toks.append(text)
        else:
            lines.append([text])
        current = sent
    url = headline = None
    if lines and lines[0] and lines[0][0].startswith("http"):
        url = "".join(lines.pop(0))
        if lines:
            headline = " ".join(lines.pop(0))
    sents = [" ".join(l) for l in lines]
    return url, headline, sents


def documents():
    topics = sorted(int(t) for t in os.listdir(ROOT) if t.isdigit() and os.path.isdir(os.path.join(ROOT, t)))
    docs = []
    for t in topics:
        folder = os.path.join(ROOT, str(t))
        for p in sorted(os.path.join(folder, f) for f in os.listdir(folder)):
            name = os.path.basename(p)
            if name.endswith("ecbplus.xml"):
                sub = "ecbplus"
            elif name.endswith("ecb.xml"):
                sub = "ecb"
            else:
                continue
            url, headline, sents = read_doc(p)
            docs.append(dict(name=name, topic=t, gold=f"{t}/{sub}", url=url, headline=headline, sents=sents))
    return docs


if __name__ == "__main__":
    d = documents()
    print(len(d), len({x["gold"] for x in d}))
    print(sum(1 for x in d if x["headline"]), "with headline")
    for x in d[:3]:
        print(x["name"], x["gold"], x["headline"], x["sents"][:2])
