// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q4_0" --convert-lowbit-to-vector="target=x86-64-v4-vnni report=1" 2>&1 | FileCheck %s
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q4_0" --convert-lowbit-to-vector="target=aarch64-dotprod float-path=1" | FileCheck %s --check-prefix=FLOAT
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q4_k" --convert-lowbit-to-vector="target=x86-64-v4-vnni report=1" 2>&1 | FileCheck %s --check-prefix=TWOLEVEL
// RUN: not lowbit-opt %s --convert-lowbit-to-vector="target=riscv64" 2>&1 | FileCheck %s --check-prefix=BADTARGET

// The matmul becomes a call of a kernel declaration on memrefs; the weight
// is repacked (q4_0: nibbles + f16 scales, 4 rows interleaved) into its own
// blob; the result buffer is padded to whole row groups and sliced.
// CHECK: remark: q4_0 6x64 x 1 token(s): vpdpbusd zmm, layout u4g32r4hz8, 288 bytes
// CHECK: remark: q4_0 6x64 x 3 token(s): vpdpbusd zmm, layout u4g32r16hqz8, 576 bytes
// CHECK-LABEL: func.func @decode(
// CHECK: %[[X:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x64xf32> to memref<1x64xf32, strided<[?, 1], offset: ?>>
// CHECK: %[[WT:.*]] = arith.constant dense_resource<lowbit.vector.weight> : tensor<288xi8>
// CHECK: %[[W:.*]] = bufferization.to_buffer %[[WT]] read_only
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x8xf32>
// CHECK: call @lowbit_kernel_u4g32r4hz8_6x64_t1_i8(%[[X]], %[[W]], %[[Y]])
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[Y]] restrict writable
// CHECK: tensor.extract_slice %[[T]][0, 0] [1, 6] [1, 1]
// CHECK-NOT: lowbit.matmul
// Three tokens: a kernel of its own, register-tiled over tokens, on
// k-quads (16 rows, one lane per row).
// CHECK-LABEL: func.func @prefill(
// CHECK: call @lowbit_kernel_u4g32r16hqz8_6x64_t3_i8
// CHECK: func.func private @lowbit_kernel_u4g32r4hz8_6x64_t1_i8(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<1x8xf32>)
// CHECK-SAME: lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false
// CHECK-SAME: rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 8 : i64}
// CHECK: func.func private @lowbit_kernel_u4g32r16hqz8_6x64_t3_i8
// CHECK-SAME: quad = true
// CHECK-SAME: rows_per_group = 16 : i64
// CHECK-SAME: tokens = 3 : i64

// FLOAT: func.func private @lowbit_kernel_u4g32r4hz8_6x64_t1_f32({{.*}}memref<1x8xf32>)
// FLOAT-SAME: float_path = true
// FLOAT-SAME: target = "aarch64-dotprod"

// K-quants keep their two-level scales: a byte per group and row, and a
// half per super-block (8 groups of 32) and row: 320 bytes instead of 384.
// TWOLEVEL: remark: q4_k 6x64 x 1 token(s): vpdpbusd zmm, layout u4g32r4s8u8hmz0, 320 bytes
// TWOLEVEL: func.func private @lowbit_kernel_u4g32r4s8u8hmz0_6x64_t1_i8(
// TWOLEVEL-SAME: has_min = true, min_f16 = false
// TWOLEVEL-SAME: scale_f16 = false, sub_signed = false, super_f16 = true, super_groups = 8 : i64

// BADTARGET: error: convert-lowbit-to-vector: unknown target 'riscv64' (known: x86-64, x86-64-v3, x86-64-v3-vnni, x86-64-v4, x86-64-v4-vnni, aarch64, aarch64-dotprod, aarch64-i8mm, host)

#nk = affine_map<(m, n, k) -> (n, k)>
#mk = affine_map<(m, n, k) -> (m, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

func.func @decode(%x: tensor<1x64xf32>) -> tensor<1x6xf32> {
  %w = arith.constant dense<0.25> : tensor<6x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x6xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x6xf32>) -> tensor<1x6xf32>
  %0 = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<1x64xf32>, tensor<6x64xf32>) outs(%i : tensor<1x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x6xf32>
  return %0 : tensor<1x6xf32>
}

func.func @prefill(%x: tensor<3x64xf32>) -> tensor<3x6xf32> {
  %w = arith.constant dense<-0.5> : tensor<6x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x6xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<3x6xf32>) -> tensor<3x6xf32>
  %0 = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<3x64xf32>, tensor<6x64xf32>) outs(%i : tensor<3x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}
