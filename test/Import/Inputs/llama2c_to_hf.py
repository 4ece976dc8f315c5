#!/usr/bin/env python3
"""Writes a llama2.c checkpoint as a Hugging Face Llama checkpoint
(model.safetensors + config.json), independently of lowbit's C++: HF names,
q_proj/k_proj rows in rotate-half order (the inverse of llama.cpp's
convert_hf_to_gguf `permute`), tied embeddings. Usage: <in.bin> <out dir>
[f16] (f16: matrices stored as F16, norms stay F32)"""
import json
import os
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
half = len(sys.argv) > 3 and sys.argv[3] == "f16"
data = open(src, "rb").read()
dim, hidden, layers, heads, kv_heads, vocab, seq = struct.unpack_from("<7i", data, 0)
shared = vocab > 0
vocab = abs(vocab)
hs = dim // heads
kv_dim = hs * kv_heads
off = 28


def take(count):
    global off
    chunk = data[off:off + 4 * count]
    off += 4 * count
    return chunk


def rows(blob, n, k):
    return [blob[4 * k * r:4 * k * (r + 1)] for r in range(n)]


def to_rotate_half(blob, n, k, nh):
    """GGUF row h*hs + 2i + j  ->  HF row h*hs + j*hs/2 + i."""
    r = rows(blob, n, k)
    hd = n // nh
    out_rows = [None] * n
    for h in range(nh):
        for i in range(hd // 2):
            for j in range(2):
                out_rows[h * hd + j * (hd // 2) + i] = r[h * hd + 2 * i + j]
    return b"".join(out_rows)


tensors = []  # (name, shape, bytes)
emb = take(vocab * dim)
tensors.append(("model.embed_tokens.weight", [vocab, dim], emb))
per_layer = {}
for name, n, k in [("input_layernorm", 1, dim), ("q_proj", dim, dim),
                   ("k_proj", kv_dim, dim), ("v_proj", kv_dim, dim),
                   ("o_proj", dim, dim), ("post_attention_layernorm", 1, dim),
                   ("gate_proj", hidden, dim), ("down_proj", dim, hidden),
                   ("up_proj", hidden, dim)]:
    per_layer[name] = [(take(n * k), n, k) for _ in range(layers)]
final_norm = take(dim)
prefix = {"input_layernorm": "", "post_attention_layernorm": "",
          "q_proj": "self_attn.", "k_proj": "self_attn.", "v_proj": "self_attn.",
          "o_proj": "self_attn.", "gate_proj": "mlp.", "down_proj": "mlp.",
          "up_proj": "mlp."}
for l in range(layers):
    for name, items in per_layer.items():
        blob, n, k = items[l]
        if name == "q_proj":
            blob = to_rotate_half(blob, n, k, heads)
        elif name == "k_proj":
            blob = to_rotate_half(blob, n, k, kv_heads)
        shape = [k] if n == 1 else [n, k]
        tensors.append((f"model.layers.{l}.{prefix[name]}{name}.weight", shape, blob))
tensors.append(("model.norm.weight", [dim], final_norm))

header, body = {"__metadata__": {"format": "pt"}}, b""
for name, shape, blob in tensors:
    dtype = "F32"
    if half and len(shape) == 2:
        n = len(blob) // 4
        blob = struct.pack(f"<{n}e", *struct.unpack(f"<{n}f", blob))
        dtype = "F16"
    header[name] = {"dtype": dtype, "shape": shape,
                    "data_offsets": [len(body), len(body) + len(blob)]}
    body += blob
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + body)
with open(os.path.join(out, "config.json"), "w") as f:
    json.dump({"architectures": ["LlamaForCausalLM"], "hidden_size": dim,
               "intermediate_size": hidden, "num_hidden_layers": layers,
               "num_attention_heads": heads, "num_key_value_heads": kv_heads,
               "vocab_size": vocab, "max_position_embeddings": seq,
               "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
               "tie_word_embeddings": shared}, f, indent=1)
