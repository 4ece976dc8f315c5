#!/usr/bin/env python3
"""Writes an MLIR module that decodes llama.cpp's golden bytes for all twelve
GGUF formats with lowbit.dequantize and counts elements whose bits equal
llama.cpp's own dequantization. main prints, per format, that count."""
import os
import sys

data = sys.argv[1]
formats = ["q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_K", "q3_K", "q4_K",
           "q5_K", "q6_K", "iq4_nl", "iq4_xs"]
dists = ["gauss", "heavy", "edge"]


def read(name):
    with open(os.path.join(data, name), "rb") as f:
        return f.read()


funcs, resources, calls = [], [], []
for i, fmt in enumerate(formats):
    variants = [""] if fmt == "q8_0" else ["", ".imatrix"]
    packed, expected = b"", b""
    for d in dists:
        for v in variants:
            packed += read(f"{fmt}.{d}{v}.quant.bin")
            expected += read(f"{fmt}.{d}{v}.dequant.f32")
    rows = len(expected) // (512 * 4)
    row_bytes = len(packed) // rows
    name = fmt.lower()
    resources.append(f'      p_{name}: "0x01000000{packed.hex()}"')
    resources.append(f'      e_{name}: "0x04000000{expected.hex()}"')
    funcs.append(f"""
func.func @{name}() -> tensor<i32> {{
  %p = arith.constant dense_resource<p_{name}> : tensor<{rows}x{row_bytes}xi8>
  %e = arith.constant dense_resource<e_{name}> : tensor<{rows}x512xf32>
  %d = lowbit.dequantize %p scheme(#lowbit.scheme<format = {name}>) : tensor<{rows}x{row_bytes}xi8> -> tensor<{rows}x512xf32>
  %zero = arith.constant 0 : i32
  %init = tensor.empty() : tensor<i32>
  %acc = linalg.fill ins(%zero : i32) outs(%init : tensor<i32>) -> tensor<i32>
  %n = linalg.generic {{indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> ()>],
                       iterator_types = ["reduction", "reduction"]}}
      ins(%d, %e : tensor<{rows}x512xf32>, tensor<{rows}x512xf32>) outs(%acc : tensor<i32>) {{
  ^bb0(%a: f32, %b: f32, %s: i32):
    %ai = arith.bitcast %a : f32 to i32
    %bi = arith.bitcast %b : f32 to i32
    %eq = arith.cmpi eq, %ai, %bi : i32
    %one = arith.extui %eq : i1 to i32
    %t = arith.addi %s, %one : i32
    linalg.yield %t : i32
  }} -> tensor<i32>
  return %n : tensor<i32>
}}""")
    calls.append(f"""  %r{i} = call @{name}() : () -> tensor<i32>
  %v{i} = tensor.extract %r{i}[] : tensor<i32>
  vector.print %v{i} : i32""")

print("\n".join(funcs))
print("func.func @main() {")
print("\n".join(calls))
print("  return\n}")
print("{-#\n  dialect_resources: {\n    builtin: {")
print(",\n".join(resources))
print("    }\n  }\n#-}")
