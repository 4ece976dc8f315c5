#!/usr/bin/env python3
"""Module decoding llama.cpp's golden q8_0 / q4_0 / q5_0 bytes ("heavy"
input) with lowbit.dequantize and counting elements bit-equal to
llama.cpp's own dequantization; main prints one count per format."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bitcompare import module  # noqa: E402

data = sys.argv[1]
cases = []
for fmt in ["q8_0", "q4_0", "q5_0"]:
    packed = open(os.path.join(data, f"{fmt}.heavy.quant.bin"), "rb").read()
    expected = open(os.path.join(data, f"{fmt}.heavy.dequant.f32"), "rb").read()
    cases.append((fmt, fmt, packed, expected, 4))
print(module(cases))
