// The one step that reads a calibration file: llama.cpp's imatrix for
// stories260K becomes lowbit.importance on each weight it covers (the mean
// squared activation per input column), which the quantization passes read.
// RUN: lowbit-import %data/models/stories260K-gguf/stories260K-f32.gguf -o %t.mlirbc
// RUN: lowbit-opt %t.mlirbc --lowbit-attach-importance="file=%data/models/stories260K-gguf/imatrix-stories1-23.gguf" | FileCheck %s
// CHECK: arith.constant {lowbit.importance = dense_resource<importance.blk.0.attn_k.weight> : tensor<64xf32>, lowbit.name = "blk.0.attn_k.weight"}
// CHECK: arith.constant {lowbit.importance = dense_resource<importance.blk.0.ffn_down.weight> : tensor<172xf32>, lowbit.name = "blk.0.ffn_down.weight"}
// in_sum2 / counts of blk.0.attn_k.weight's first column, 2983.0833 / 7168
// = 0.41617 (f32 0x3ED513CF, little-endian below).
// CHECK: importance.blk.0.attn_k.weight: "0x04000000CF13D53E

// Errors: no file, not an imatrix, an entry of the wrong length, a file
// that covers no weight of the model.
// RUN: not lowbit-opt %t.mlirbc --lowbit-attach-importance 2>&1 | FileCheck %s --check-prefix=NOFILE
// A lowbit calibration's max |x| per column is attached too, and a
// negative one is refused, naming weight and column.
// RUN: lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=1-2 --chunk=64 -o %t.cal.gguf
// RUN: lowbit-opt %t.mlirbc --lowbit-attach-importance="file=%t.cal.gguf" | FileCheck %s --check-prefix=MAXABS
// MAXABS: lowbit.max_abs = dense_resource<max_abs.blk.0.attn_q.weight> : tensor<64xf32>, lowbit.name = "blk.0.attn_q.weight"
// RUN: %python %S/../Import/Inputs/gguf_patch.py %t.cal.gguf %t.bad.gguf blk.0.attn_q.weight.lowbit.max_abs@3=-1
// RUN: not lowbit-opt %t.mlirbc --lowbit-attach-importance="file=%t.bad.gguf" 2>&1 | FileCheck %s --check-prefix=BADMAX
// BADMAX: error: lowbit-attach-importance: 'blk.0.attn_q.weight.lowbit.max_abs' in {{.*}}bad.gguf holds a negative or non-finite value at column 3
// NOFILE: error: lowbit-attach-importance: give file=
// RUN: not lowbit-opt %t.mlirbc --lowbit-attach-importance="file=%data/models/stories260K-gguf/stories260K-f32.gguf" 2>&1 | FileCheck %s --check-prefix=NOTIMATRIX
// NOTIMATRIX: error: lowbit-attach-importance: {{.*}}stories260K-f32.gguf: not an imatrix GGUF (general.type is not 'imatrix')
// RUN: not lowbit-opt %s --lowbit-attach-importance="file=%data/models/stories260K-gguf/imatrix-stories1-23.gguf" 2>&1 | FileCheck %s --check-prefix=LENGTH
// LENGTH: error: lowbit-attach-importance: 'blk.0.attn_k.weight' has 64 importance values in {{.*}}imatrix-stories1-23.gguf, its rows 32 columns
// RUN: sed 's/blk.0.attn_k.weight/no.such.weight/' %s | not lowbit-opt --lowbit-attach-importance="file=%data/models/stories260K-gguf/imatrix-stories1-23.gguf" 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: error: lowbit-attach-importance: {{.*}}imatrix-stories1-23.gguf has no entry for any weight of this model

func.func @wrong_width(%x: tensor<1x32xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "blk.0.attn_k.weight"} dense<1.0> : tensor<2x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<1x32xf32>, tensor<2x32xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// lowbit-import --calibration runs the same step.
// RUN: lowbit-import %data/models/stories260K/stories260K.bin --calibration %data/models/stories260K-gguf/imatrix-stories1-23.gguf --emit-text | FileCheck %s
