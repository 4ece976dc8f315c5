#!/usr/bin/env python3
"""Writes an MLIR module that decodes llama.cpp's golden bytes for all twelve
GGUF formats with lowbit.dequantize and counts elements whose bits equal
llama.cpp's own dequantization. main prints, per format, that count."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bitcompare import module  # noqa: E402

data = sys.argv[1]
formats = ["q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_K", "q3_K", "q4_K",
           "q5_K", "q6_K", "iq4_nl", "iq4_xs"]
cases = []
for fmt in formats:
    variants = [""] if fmt == "q8_0" else ["", ".imatrix"]
    packed, expected = b"", b""
    for d in ["gauss", "heavy", "edge"]:
        for v in variants:
            packed += open(os.path.join(data, f"{fmt}.{d}{v}.quant.bin"), "rb").read()
            expected += open(os.path.join(data, f"{fmt}.{d}{v}.dequant.f32"), "rb").read()
    cases.append((fmt.lower(), fmt.lower(), packed, expected,
                  len(expected) // (512 * 4)))
print(module(cases))
