// RUN: lowbit-opt %s --split-input-file --lowbit-expand-kernels --verify-diagnostics | FileCheck %s

// A decode kernel for AVX-512 VNNI on a weight large enough for threads:
// activations quantized per group, row groups on OpenMP, vpdpbusd; two row
// groups (two memory streams) per iteration.
// CHECK-LABEL: func.func @k(
// CHECK-NOT: lowbit.kernel_matmul
// CHECK: call @lowbit_kernel_u4g32r4hz8_4096x4096_t1_i8(%{{.*}}, %{{.*}}, %{{.*}}) : (memref<1x4096xf32, strided<[?, 1], offset: ?>>, memref<9437184xi8>, memref<1x4096xf32>) -> ()
// CHECK-LABEL: func.func private @lowbit_kernel_u4g32r4hz8_4096x4096_t1_i8(
// CHECK: math.roundeven
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: omp.loop_nest (%{{.*}}) : index = (%{{.*}}) to (%c512)
// CHECK: memref.prefetch
// CHECK: arith.andi {{.*}} : vector<64xi8>
// CHECK: arith.shrui {{.*}} : vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: memref.prefetch
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: vector.reduction <add>, {{.*}} fastmath<reassoc>
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @k(%x: memref<1x4096xf32, strided<[?, 1], offset: ?>>, %w: memref<9437184xi8>, %y: memref<1x4096xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<1x4096xf32, strided<[?, 1], offset: ?>>, memref<9437184xi8>) outs(%y : memref<1x4096xf32>) layout(#lowbit.kernel_layout<rows = 4096, cols = 4096, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) parallel
  return
}
}

// -----

// NEON dotprod: codes made signed (-8) for sdot; small weight: no threads.
// CHECK-LABEL: func.func private @lowbit_kernel_
// CHECK-NOT: omp.parallel
// CHECK: arith.subi {{.*}} : vector<16xi8>
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"
module attributes {lowbit.target = #lowbit.target<name = "aarch64-dotprod", vector_bytes = 16, dot = sdot, lookup = tbl, rows_per_group = 4>} {
func.func @k(%x: memref<1x64xf32, strided<[?, 1], offset: ?>>, %w: memref<288xi8>, %y: memref<1x8xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 16, zero_point = 8>)
  return
}
}

// -----

// A float codebook (NF4-like) runs on the float path with a gather.
// CHECK-LABEL: memref.global "private" constant @lowbit_codebook_
// CHECK-LABEL: func.func private @lowbit_kernel_
// CHECK: vector.gather
// CHECK: vector.fma
// CHECK-NOT: llvm.call_intrinsic
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @k(%x: memref<2x64xf32, strided<[?, 1], offset: ?>>, %w: memref<160xi8>, %y: memref<2x4xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<2x64xf32, strided<[?, 1], offset: ?>>, memref<160xi8>) outs(%y : memref<2x4xf32>) layout(#lowbit.kernel_layout<rows = 4, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, has_min = true, table = [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5]>) float_path
  return
}
}

// -----

// Two-level scales (q4_k): byte sub-scales times a half per super-block,
// whose index is the group divided by super_groups.
// CHECK-LABEL: func.func private @lowbit_kernel_
// CHECK: arith.divui %{{.*}}, %c8
// CHECK: vector.load {{.*}} : memref<320xi8>, vector<4xi8>
// CHECK: arith.uitofp {{.*}} : vector<4xi8> to vector<4xf32>
// CHECK: vector.bitcast {{.*}} : vector<8xi8> to vector<4xf16>
// CHECK: arith.extf
// CHECK: arith.mulf {{.*}} : vector<4xf32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @k(%x: memref<1x64xf32, strided<[?, 1], offset: ?>>, %w: memref<320xi8>, %y: memref<1x8xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<320xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, scale_f16 = false, has_min = true, min_f16 = false, super_groups = 8, super_f16 = true>)
  return
}
}

// -----

// An integer codebook (IQ4_NL's levels): 4-bit indices, one vpshufb
// through the replicated lookup, then vpdpbusd as for 8-bit codes.
// CHECK-LABEL: func.func private @lowbit_kernel_
// CHECK: arith.andi {{.*}} : vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.pshuf.b.512"(%{{.*}}, %{{.*}}) : (vector<64xi8>, vector<64xi8>) -> vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-NOT: vector.gather
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @k(%x: memref<1x64xf32, strided<[?, 1], offset: ?>>, %w: memref<288xi8>, %y: memref<1x8xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 127, table = [-127.0, -104.0, -83.0, -65.0, -49.0, -35.0, -22.0, -10.0, 1.0, 13.0, 25.0, 38.0, 53.0, 69.0, 89.0, 113.0], lookup = [0, 23, 45, 66, 85, 102, 117, 130, 140, 152, 164, 177, 191, 207, 223, 240]>)
  return
}
}

// -----

// 6-bit codes (q6_k, q5_*): nibbles, then the top two bits from a plane of
// W/2 bytes per chunk pair, moved to bits 4-5 and joined into registers.
// CHECK-LABEL: func.func private @lowbit_kernel_
// CHECK: arith.andi {{.*}} : vector<64xi8>
// CHECK: arith.shrui {{.*}} : vector<64xi8>
// CHECK: vector.load {{.*}} : memref<416xi8>, vector<32xi8>
// CHECK: arith.shli {{.*}} : vector<32xi8>
// CHECK: vector.shuffle {{.*}} : vector<32xi8>, vector<32xi8>
// CHECK: arith.ori {{.*}} : vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @k(%x: memref<1x64xf32, strided<[?, 1], offset: ?>>, %w: memref<416xi8>, %y: memref<1x8xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<416xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, code_bits = 6, zero_point = 32>)
  return
}
}

// -----

// Prefill on k-quads: the zero-point correction starts one i32 register
// per token, four activations are broadcast to every lane per chunk, and
// rows are lanes, so the result is stored without a reduction.
// CHECK-LABEL: func.func private @lowbit_kernel_
// CHECK: vector.reduction <add>, {{.*}} : vector<32xi32> into i32
// CHECK: vector.load {{.*}} : memref<{{[0-9]+}}xi8>, vector<4xi8>
// CHECK: vector.bitcast {{.*}} : vector<4xi8> to vector<1xi32>
// CHECK: vector.broadcast {{.*}} : i32 to vector<16xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.reduction <add>, {{.*}} fastmath<reassoc>
// CHECK: vector.store {{.*}} : memref<3x16xf32>, vector<16xf32>
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @k(%x: memref<3x64xf32, strided<[?, 1], offset: ?>>, %w: memref<576xi8>, %y: memref<3x16xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<3x64xf32, strided<[?, 1], offset: ?>>, memref<576xi8>) outs(%y : memref<3x16xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 16, vector_bytes = 64, zero_point = 8, quad = true>)
  return
}
}

// -----

// Plain AVX2: vpmaddubsw pairs then vpmaddwd with ones give vpdpbusd's
// lanes; 8-bit codes are made signed and multiplied as |code| x sign.
// CHECK-LABEL: func.func private @lowbit_kernel_
// CHECK: arith.subi {{.*}} : vector<32xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.psign.b"
// CHECK: math.absi {{.*}} : vector<32xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"({{.*}}) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"({{.*}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: arith.addi {{.*}} : vector<8xi32>
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v3", vector_bytes = 32, dot = vpmaddubsw_ymm, lookup = vpshufb_ymm, rows_per_group = 4>} {
func.func @k(%x: memref<1x64xf32, strided<[?, 1], offset: ?>>, %w: memref<544xi8>, %y: memref<1x8xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<544xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 32, code_bits = 8, zero_point = 128>)
  return
}
}

// -----

// Two ops with the same layout, flags and tokens share one kernel; an
// operand of another layout is passed through memref.cast.
// CHECK-LABEL: func.func @shared(
// CHECK: %[[C:.*]] = memref.cast %{{.*}} : memref<1x64xf32> to memref<1x64xf32, strided<[?, 1], offset: ?>>
// CHECK: call @lowbit_kernel_u4g32r4hz8_6x64_t1_i8(%[[C]],
// CHECK: call @lowbit_kernel_u4g32r4hz8_6x64_t1_i8(
// CHECK-NOT: call
// CHECK-COUNT-1: func.func private @lowbit_kernel_
// CHECK-NOT: func.func private @lowbit_kernel_
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @shared(%x: memref<1x64xf32>, %w: memref<288xi8>, %y: memref<1x8xf32>, %z: memref<1x8xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32>, memref<288xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>)
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32>, memref<288xi8>) outs(%z : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>)
  return
}
}

// -----

// Rows (tokens) known only at run time, as in a model's weight functions:
// one _tN_ kernel that runs the decode mat-vec body for one row (input and
// output cast to one row) and the token-tiled loops (tiles of 4, then
// single tokens) for more.
// CHECK-LABEL: func.func @dynamic_rows(
// CHECK: call @lowbit_kernel_u4g32r4hz8_6x64_tN_i8(%{{.*}}, %{{.*}}, %{{.*}}) : (memref<?x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<?x8xf32>) -> ()
// CHECK-LABEL: func.func private @lowbit_kernel_u4g32r4hz8_6x64_tN_i8(
// CHECK: %[[T:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?x64xf32, strided<[?, 1], offset: ?>>
// CHECK: %[[ONE:.*]] = arith.cmpi eq, %[[T]], %{{.*}} : index
// CHECK: scf.if %[[ONE]] {
// CHECK: memref.cast %{{.*}} : memref<?x64xf32, strided<[?, 1], offset: ?>> to memref<1x64xf32, strided<[?, 1], offset: ?>>
// CHECK: memref.cast %{{.*}} : memref<?x8xf32> to memref<1x8xf32>
// CHECK: } else {
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK: arith.divui %{{.*}}, %c4
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @dynamic_rows(%x: memref<?x64xf32, strided<[?, 1], offset: ?>>, %w: memref<288xi8>, %y: memref<?x8xf32>) {
  lowbit.kernel_matmul ins(%x, %w : memref<?x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>) outs(%y : memref<?x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>)
  return
}
}

// -----

// The target comes from the module; without one there is nothing to
// generate for.
func.func @no_target(%x: memref<1x64xf32>, %w: memref<288xi8>, %y: memref<1x8xf32>) {
  // expected-error @+1 {{lowbit-expand-kernels: the module has no #lowbit.target}}
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32>, memref<288xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>)
  return
}

// -----

module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @tensors(%x: tensor<1x64xf32>, %w: tensor<288xi8>, %y: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{lowbit-expand-kernels: bufferize the kernel op first (it still works on tensors)}}
  %r = lowbit.kernel_matmul ins(%x, %w : tensor<1x64xf32>, tensor<288xi8>) outs(%y : tensor<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}
}

// -----

// A layout for 64-byte registers does not run on a 16-byte target.
module attributes {lowbit.target = #lowbit.target<name = "aarch64-dotprod", vector_bytes = 16, dot = sdot, lookup = tbl, rows_per_group = 4>} {
func.func @wrong_width(%x: memref<1x64xf32>, %w: memref<288xi8>, %y: memref<1x8xf32>) {
  // expected-error @+1 {{lowbit-expand-kernels: the layout does not run on aarch64-dotprod: the layout is for 64-byte vectors, the target has 16}}
  lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32>, memref<288xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>)
  return
}
}

// -----

// The sparse side path in place: rows on OpenMP (parallel), per token a
// loop over whole vectors of the row's CSR range (16 lanes at 64 vector
// bytes: load columns and values, widen, gather x, fma), one masked step
// for the rest, and a reduction per output.
// CHECK-LABEL: func.func @s(
// CHECK-NOT: lowbit.kernel_sparse_matmul
// CHECK: omp.parallel
// CHECK: omp.loop_nest
// CHECK: vector.create_mask %{{.*}} : vector<16xi1>
// CHECK: scf.for
// CHECK: vector.load %arg2[%{{.*}}] : memref<40xi16>, vector<16xi16>
// CHECK: arith.extui {{.*}} : vector<16xi16> to vector<16xi32>
// CHECK: arith.extf {{.*}} : vector<16xf16> to vector<16xf32>
// CHECK: vector.gather %arg0[%{{.*}}, %{{.*}}] [%{{.*}}], %{{.*}}, %{{.*}} : memref<3x300xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.maskedload %arg2
// CHECK: vector.reduction <add>, {{.*}} fastmath<reassoc>
// CHECK: memref.store
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @s(%x: memref<3x300xf32>, %v: memref<40xf16>, %c: memref<40xi16>, %o: memref<9xi32>, %y: memref<3x8xf32>) {
  lowbit.kernel_sparse_matmul ins(%x, %v, %c, %o : memref<3x300xf32>, memref<40xf16>, memref<40xi16>, memref<9xi32>) outs(%y : memref<3x8xf32>) parallel
  return
}
}

// -----

// Still on tensors: bufferize first.
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @t(%x: tensor<3x300xf32>, %v: tensor<40xf16>, %c: tensor<40xi16>, %o: tensor<9xi32>, %e: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{lowbit-expand-kernels: bufferize the kernel op first}}
  %0 = lowbit.kernel_sparse_matmul ins(%x, %v, %c, %o : tensor<3x300xf32>, tensor<40xf16>, tensor<40xi16>, tensor<9xi32>) outs(%e : tensor<3x8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
}
