// RUN: lowbit-opt %s --lowbit-instrument-activations | FileCheck %s
// RUN: lowbit-opt %s --lowbit-instrument-activations="layers=1-1" | FileCheck %s --check-prefix=LAYER
// Nothing to record is an error, not an empty calibration.
// RUN: echo "func.func @f() { return }" | not lowbit-opt --lowbit-instrument-activations 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: error: lowbit-instrument-activations: no named weight's contraction to record
// RUN: not lowbit-opt %s --lowbit-instrument-activations="layers=3-1" 2>&1 | FileCheck %s --check-prefix=BADRANGE
// BADRANGE: error: lowbit-instrument-activations: layers '3-1' is not a range a-b

// Each named weight's input is handed to the recorder before its
// contraction (float or packed); the module lists the names by id.
// CHECK: module attributes {lowbit.recorded = {{\[}}["blk.0.attn_q.weight"], ["blk.1.ffn_up.weight"]]}
// CHECK-LABEL: func.func @float_weight
// CHECK: %[[ID:.*]] = arith.constant 0 : i64
// CHECK: %[[B:.*]] = bufferization.to_buffer %arg0 read_only : tensor<1x32xf32> to memref<1x32xf32>
// CHECK: %[[U:.*]] = memref.cast %[[B]] : memref<1x32xf32> to memref<*xf32>
// CHECK: call @lowbit_record_activations(%[[ID]], %[[U]]) : (i64, memref<*xf32>) -> ()
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @packed_weight
// CHECK: arith.constant 1 : i64
// CHECK: call @lowbit_record_activations
// CHECK: lowbit.matmul
// CHECK: func.func private @lowbit_record_activations(i64, memref<*xf32>) attributes {llvm.emit_c_interface}
// LAYER: module attributes {lowbit.recorded = {{\[}}["blk.1.ffn_up.weight"]]}
func.func @float_weight(%x: tensor<1x32xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "blk.0.attn_q.weight"} dense<1.0> : tensor<2x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<1x32xf32>, tensor<2x32xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
func.func @packed_weight(%x: tensor<1x32xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "blk.1.ffn_up.weight"} dense<0> : tensor<2x34xi8>
  %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>) : tensor<1x32xf32>, tensor<2x34xi8> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
