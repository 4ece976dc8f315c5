#!/usr/bin/env python3
"""Compares the <w>.in_sum2 / <w>.counts tensors of two imatrix GGUF files.

  compare_imatrix.py reference.gguf candidate.gguf tolerance [regex=tol ...]

Every tensor of the reference must be in the candidate with the same shape
and each value within `tolerance` relative (of the largest |value| of that
tensor), or the tolerance of the first regex its name matches; prints the
worst relative difference per tolerance and exits 1 beyond one.
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Import", "Inputs"))
from gguf_read import SCALARS, read_str, skip_value  # noqa: E402


def tensors(path):
    b = open(path, "rb").read()
    n_t, n_kv = struct.unpack_from("<QQ", b, 8)
    o, meta = 24, {}
    for _ in range(n_kv):
        k, o = read_str(b, o)
        t = struct.unpack_from("<I", b, o)[0]
        o += 4
        if t in SCALARS:
            meta[k] = struct.unpack_from(SCALARS[t], b, o)[0]
        o = skip_value(b, o, t)
    infos = []
    for _ in range(n_t):
        name, o = read_str(b, o)
        nd = struct.unpack_from("<I", b, o)[0]
        dims = struct.unpack_from("<%dQ" % nd, b, o + 4)
        o += 4 + 8 * nd
        typ, off = struct.unpack_from("<IQ", b, o)
        o += 12
        infos.append((name, dims, typ, off))
    data = (o + 31) // 32 * 32
    out = {}
    for name, dims, typ, off in infos:
        assert typ == 0, name
        n = 1
        for d in dims:
            n *= d
        out[name] = struct.unpack_from("<%df" % n, b, data + off)
    return meta, out


def main():
    ref_meta, ref = tensors(sys.argv[1])
    cand_meta, cand = tensors(sys.argv[2])
    default = float(sys.argv[3])
    rules = [(re.compile(r.split("=")[0]), float(r.split("=")[1]))
             for r in sys.argv[4:]]
    for key in ("imatrix.chunk_count", "imatrix.chunk_size"):
        if ref_meta.get(key) != cand_meta.get(key):
            print("%s: %s vs %s" % (key, ref_meta.get(key), cand_meta.get(key)))
            sys.exit(1)
    worst = {}  # tolerance -> (difference, where)
    for name, values in ref.items():
        if name not in cand or len(cand[name]) != len(values):
            print("missing or resized: " + name)
            sys.exit(1)
        tol = next((t for r, t in rules if r.search(name)), default)
        scale = max(abs(v) for v in values) or 1.0
        for i, (a, c) in enumerate(zip(values, cand[name])):
            d = abs(a - c) / scale
            if d > worst.get(tol, (-1, ""))[0]:
                worst[tol] = (d, "%s[%d]" % (name, i))
    ok = True
    for tol, (d, where) in sorted(worst.items()):
        print("tolerance %g: worst relative difference %.3g at %s" %
              (tol, d, where))
        ok &= d <= tol
    print("tensors %d %s" % (len(ref), "OK" if ok else "FAIL"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
