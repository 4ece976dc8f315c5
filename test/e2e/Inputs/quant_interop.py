#!/usr/bin/env python3
"""Module decoding llama.cpp's golden q8_0 / q4_0 / q5_0 bytes with
lowbit.dequantize and counting elements bit-equal to llama.cpp's own
dequantization; main prints one count per format."""
import os
import sys

data = sys.argv[1]
formats = ["q8_0", "q4_0", "q5_0"]
funcs, resources, calls = [], [], []
for i, fmt in enumerate(formats):
    packed = open(os.path.join(data, f"{fmt}.heavy.quant.bin"), "rb").read()
    expected = open(os.path.join(data, f"{fmt}.heavy.dequant.f32"), "rb").read()
    rb = len(packed) // 4
    resources.append(f'      p_{fmt}: "0x01000000{packed.hex()}"')
    resources.append(f'      e_{fmt}: "0x04000000{expected.hex()}"')
    funcs.append(f"""
func.func @{fmt}() -> tensor<i32> {{
  %p = arith.constant dense_resource<p_{fmt}> : tensor<4x{rb}xi8>
  %e = arith.constant dense_resource<e_{fmt}> : tensor<4x512xf32>
  %d = lowbit.dequantize %p scheme(#lowbit.scheme<format = {fmt}>) : tensor<4x{rb}xi8> -> tensor<4x512xf32>
  %zero = arith.constant 0 : i32
  %init = tensor.empty() : tensor<i32>
  %acc = linalg.fill ins(%zero : i32) outs(%init : tensor<i32>) -> tensor<i32>
  %n = linalg.generic {{indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> ()>],
                       iterator_types = ["reduction", "reduction"]}}
      ins(%d, %e : tensor<4x512xf32>, tensor<4x512xf32>) outs(%acc : tensor<i32>) {{
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
    calls.append(f"""  %r{i} = call @{fmt}() : () -> tensor<i32>
  %v{i} = tensor.extract %r{i}[] : tensor<i32>
  vector.print %v{i} : i32""")
print("\n".join(funcs))
print("func.func @main() {\n" + "\n".join(calls) + "\n  return\n}")
print("{-#\n  dialect_resources: {\n    builtin: {\n" + ",\n".join(resources) +
      "\n    }\n  }\n#-}")
