#!/usr/bin/env python3
"""Writes a copy of a GGUF file with values patched in place, for tests of
what lowbit refuses. Sizes never change: a key keeps its type, a tensor its
bytes.

  gguf_patch.py in.gguf out.gguf [key=value ...] [tensor@index=float ...]
                                 [tensor+byte=hexbytes ...] [a:=b ...]

key=value      a scalar metadata value (integers or floats, by the key's type)
tensor@i=x     element i of an f32 tensor
tensor+o=hh..  raw bytes at byte offset o of a tensor's data
a:=b           tensor a's data offset set to tensor b's (aliasing)
"""
import struct
import sys

from gguf_read import SCALARS, read_str, skip_value


def main():
    src, dst, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
    b = bytearray(open(src, "rb").read())
    assert b[:4] == b"GGUF"
    n_tensors, n_kv = struct.unpack_from("<QQ", b, 8)
    o = 24
    keys, alignment = {}, 32
    for _ in range(n_kv):
        k, o = read_str(b, o)
        t = struct.unpack_from("<I", b, o)[0]
        o += 4
        keys[k] = (t, o)
        if k == "general.alignment":
            alignment = struct.unpack_from("<I", b, o)[0]
        o = skip_value(b, o, t)
    tensors, offset_at = {}, {}
    for _ in range(n_tensors):
        name, o = read_str(b, o)
        nd = struct.unpack_from("<I", b, o)[0]
        o += 4 + 8 * nd
        _, off = struct.unpack_from("<IQ", b, o)
        offset_at[name] = o + 4
        o += 12
        tensors[name] = off
    data = (o + alignment - 1) // alignment * alignment
    for e in edits:
        if ":=" in e:
            a, b_name = e.split(":=", 1)
            struct.pack_into("<Q", b, offset_at[a], tensors[b_name])
            continue
        target, value = e.split("=", 1)
        if "@" in target:
            name, i = target.split("@", 1)
            struct.pack_into("<f", b, data + tensors[name] + 4 * int(i),
                             float(value))
        elif "+" in target:
            name, off = target.split("+", 1)
            raw = bytes.fromhex(value)
            at = data + tensors[name] + int(off)
            b[at:at + len(raw)] = raw
        else:
            t, at = keys[target]
            fmt = SCALARS[t]
            struct.pack_into(fmt, b, at, float(value) if fmt in ("<f", "<d")
                             else int(value))
    open(dst, "wb").write(b)


if __name__ == "__main__":
    main()
