"""Shared by the e2e generators: an MLIR module whose functions decode
packed GGUF bytes with lowbit.dequantize and count the elements whose bits
equal llama.cpp's dequantization; main prints one count per function."""


def compare_function(name, scheme, rows, row_bytes, cols=512):
    return f"""
func.func @{name}() -> tensor<i32> {{
  %p = arith.constant dense_resource<p_{name}> : tensor<{rows}x{row_bytes}xi8>
  %e = arith.constant dense_resource<e_{name}> : tensor<{rows}x{cols}xf32>
  %d = lowbit.dequantize %p scheme(#lowbit.scheme<format = {scheme}>) : tensor<{rows}x{row_bytes}xi8> -> tensor<{rows}x{cols}xf32>
  %zero = arith.constant 0 : i32
  %init = tensor.empty() : tensor<i32>
  %acc = linalg.fill ins(%zero : i32) outs(%init : tensor<i32>) -> tensor<i32>
  %n = linalg.generic {{indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> ()>],
                       iterator_types = ["reduction", "reduction"]}}
      ins(%d, %e : tensor<{rows}x{cols}xf32>, tensor<{rows}x{cols}xf32>) outs(%acc : tensor<i32>) {{
  ^bb0(%a: f32, %b: f32, %s: i32):
    %ai = arith.bitcast %a : f32 to i32
    %bi = arith.bitcast %b : f32 to i32
    %eq = arith.cmpi eq, %ai, %bi : i32
    %one = arith.extui %eq : i1 to i32
    %t = arith.addi %s, %one : i32
    linalg.yield %t : i32
  }} -> tensor<i32>
  return %n : tensor<i32>
}}"""


def module(cases):
    """cases: (name, scheme, packed bytes, expected float32 bytes, rows)."""
    funcs, calls, resources = [], [], []
    for i, (name, scheme, packed, expected, rows) in enumerate(cases):
        funcs.append(compare_function(name, scheme, rows, len(packed) // rows))
        calls.append(f"  %r{i} = call @{name}() : () -> tensor<i32>\n"
                     f"  %v{i} = tensor.extract %r{i}[] : tensor<i32>\n"
                     f"  vector.print %v{i} : i32")
        resources.append(f'      p_{name}: "0x01000000{packed.hex()}"')
        resources.append(f'      e_{name}: "0x04000000{expected.hex()}"')
    return ("\n".join(funcs) + "\nfunc.func @main() {\n" + "\n".join(calls) +
            "\n  return\n}\n{-#\n  dialect_resources: {\n    builtin: {\n" +
            ",\n".join(resources) + "\n    }\n  }\n#-}")
