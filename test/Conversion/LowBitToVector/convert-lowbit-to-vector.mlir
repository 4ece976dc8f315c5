// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q4_0" --lowbit-attach-target="triple=x86_64-unknown-linux-gnu cpu=x86-64-v4 features=+avx512vnni" --convert-lowbit-to-vector="report=1" 2>&1 | FileCheck %s
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q4_0" --lowbit-attach-target="triple=aarch64-unknown-linux-gnu features=+dotprod" --convert-lowbit-to-vector="float-path=1" | FileCheck %s --check-prefix=FLOAT
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q4_k" --lowbit-attach-target="triple=x86_64-unknown-linux-gnu cpu=x86-64-v4 features=+avx512vnni" --convert-lowbit-to-vector="report=1" 2>&1 | FileCheck %s --check-prefix=TWOLEVEL
// RUN: not lowbit-opt %s --lowbit-select-block-scales="scheme=q4_0" --convert-lowbit-to-vector 2>&1 | FileCheck %s --check-prefix=NOTARGET

// The matmul becomes a kernel op on the weight repacked for the module's
// target (q4_0: nibbles + f16 scales, 4 rows interleaved) in its own blob;
// the result is padded to whole row groups and sliced. Bufferization is
// left to upstream.
// CHECK: remark: q4_0 6x64 x 1 token(s): vpdpbusd zmm, layout u4g32r4hz8, 288 bytes
// CHECK: remark: q4_0 6x64 x 3 token(s): vpdpbusd zmm, layout u4g32r16hqz8, 576 bytes
// CHECK: remark: q4_0 6x64 x T token(s): vpdpbusd zmm, layout u4g32r4hz8, 288 bytes
// CHECK: module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "x86-64-v4", features = <["+avx512vnni"]>>, lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>}
// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %[[X:.*]]: tensor<1x64xf32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<lowbit.vector.weight> : tensor<288xi8>
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<1x8xf32>
// CHECK: %[[Y:.*]] = lowbit.kernel_matmul ins(%[[X]], %[[W]] : tensor<1x64xf32>, tensor<288xi8>) outs(%[[E]] : tensor<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) -> tensor<1x8xf32>
// CHECK: tensor.extract_slice %[[Y]][0, 0] [1, 6] [1, 1]
// CHECK-NOT: lowbit.matmul
// CHECK-NOT: bufferization
// Three tokens: k-quads (16 rows, one lane per row).
// CHECK-LABEL: func.func @prefill(
// CHECK: lowbit.kernel_matmul {{.*}} layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 16, vector_bytes = 64, zero_point = 8, quad = true>) -> tensor<3x16xf32>
// Rows known at run time (a model's weight functions): the decode layout
// (one copy of the weight serves decode and prefill), the init and the
// slice sized by the input's rows.
// CHECK-LABEL: func.func @dynamic(
// CHECK: %[[E:.*]] = tensor.empty(%[[T:.*]]) : tensor<?x8xf32>
// CHECK: %[[Y:.*]] = lowbit.kernel_matmul ins(%arg0, %{{.*}} : tensor<?x64xf32>, tensor<288xi8>) outs(%[[E]] : tensor<?x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) -> tensor<?x8xf32>
// CHECK: tensor.extract_slice %[[Y]][0, 0] [%[[T]], 6] [1, 1] : tensor<?x8xf32> to tensor<?x6xf32>
// The sparse side path becomes its kernel op on the [T, K] view (a vector
// input gains a unit T).
// CHECK-LABEL: func.func @sparse(
// CHECK: %[[X:.*]] = tensor.expand_shape %arg0 {{\[\[}}0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
// CHECK: %[[Y:.*]] = lowbit.kernel_sparse_matmul ins(%[[X]], %arg1, %arg2, %arg3 : tensor<1x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32>) outs(%{{.*}} : tensor<1x4xf32>) -> tensor<1x4xf32>
// CHECK: tensor.collapse_shape %[[Y]] {{\[\[}}0, 1]] : tensor<1x4xf32> into tensor<4xf32>

// FLOAT: lowbit.target = #lowbit.target<name = "aarch64-dotprod", vector_bytes = 16, dot = sdot, lookup = tbl, rows_per_group = 4>
// FLOAT-LABEL: func.func @decode(
// FLOAT: lowbit.kernel_matmul {{.*}} layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 16, zero_point = 8>) float_path -> tensor<1x8xf32>

// K-quants keep their two-level scales: a byte per group and row, and a
// half per super-block (8 groups of 32) and row: 320 bytes instead of 384.
// TWOLEVEL: remark: q4_k 6x64 x 1 token(s): vpdpbusd zmm, layout u4g32r4s8u8hmz0, 320 bytes
// TWOLEVEL: layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, scale_f16 = false, has_min = true, min_f16 = false, super_groups = 8, super_f16 = true>)

// NOTARGET: error: convert-lowbit-to-vector: the module has no #lowbit.target; set one with lowbit-attach-target (the host by default) or lowbit-compile's -mtriple/-mcpu/-mattr

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

func.func @dynamic(%x: tensor<?x64xf32>) -> tensor<?x6xf32> {
  %w = arith.constant dense<-0.5> : tensor<6x64xf32>
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x64xf32>
  %e = tensor.empty(%t) : tensor<?x6xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<?x6xf32>) -> tensor<?x6xf32>
  %0 = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<?x64xf32>, tensor<6x64xf32>) outs(%i : tensor<?x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

func.func @sparse(%x: tensor<64xf32>, %v: tensor<3xf16>, %c: tensor<3xi16>, %o: tensor<5xi32>) -> tensor<4xf32> {
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
