// RUN: lowbit-opt %s --split-input-file --lowbit-emit-kernels --verify-diagnostics | FileCheck %s

// A decode kernel for AVX-512 VNNI on a weight large enough for threads:
// activations quantized per group, row groups on OpenMP, vpdpbusd; two row
// groups (two memory streams) per iteration.
// CHECK-LABEL: func.func private @k(
// CHECK-NOT: lowbit.kernel
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
func.func private @k(memref<1x4096xf32, strided<[?, 1], offset: ?>>, memref<9437184xi8>, memref<1x4096xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 4096 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 1048576 : i64, rows = 4096 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 8 : i64}}

// -----

// NEON dotprod: codes made signed (-8) for sdot; small weight: no threads.
// CHECK-LABEL: func.func private @k(
// CHECK-NOT: omp.parallel
// CHECK: arith.subi {{.*}} : vector<16xi8>
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 1048576 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "aarch64-dotprod", tokens = 1 : i64, vector_bytes = 16 : i64, zero_point = 8 : i64}}

// -----

// A float codebook (NF4-like) runs on the float path with a gather.
// CHECK-LABEL: memref.global "private" constant @lowbit_codebook_
// CHECK-LABEL: func.func private @k(
// CHECK: vector.gather
// CHECK: vector.fma
// CHECK-NOT: llvm.call_intrinsic
func.func private @k(memref<2x64xf32, strided<[?, 1], offset: ?>>, memref<160xi8>, memref<2x4xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = true, min_f16 = true, parallel_threshold = 0 : i64, rows = 4 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5], target = "x86-64-v4-vnni", tokens = 2 : i64, vector_bytes = 64 : i64, zero_point = 0 : i64}}

// -----

// Two-level scales (q4_k): byte sub-scales times a half per super-block,
// whose index is the group divided by super_groups.
// CHECK-LABEL: func.func private @k(
// CHECK: arith.divui %{{.*}}, %c8
// CHECK: vector.load {{.*}} : memref<320xi8>, vector<4xi8>
// CHECK: arith.uitofp {{.*}} : vector<4xi8> to vector<4xf32>
// CHECK: vector.bitcast {{.*}} : vector<8xi8> to vector<4xf16>
// CHECK: arith.extf
// CHECK: arith.mulf {{.*}} : vector<4xf32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<320xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = true, min_f16 = false, parallel_threshold = 1048576 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = false, sub_signed = false, super_f16 = true, super_groups = 8 : i64, table = [], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 0 : i64}}

// -----

// An integer codebook (IQ4_NL's levels): 4-bit indices, one vpshufb
// through the replicated lookup, then vpdpbusd as for 8-bit codes.
// CHECK-LABEL: func.func private @k(
// CHECK: arith.andi {{.*}} : vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.pshuf.b.512"(%{{.*}}, %{{.*}}) : (vector<64xi8>, vector<64xi8>) -> vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-NOT: vector.gather
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, lookup = [0, 23, 45, 66, 85, 102, 117, 130, 140, 152, 164, 177, 191, 207, 223, 240], min_f16 = true, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [-127.0, -104.0, -83.0, -65.0, -49.0, -35.0, -22.0, -10.0, 1.0, 13.0, 25.0, 38.0, 53.0, 69.0, 89.0, 113.0], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 127 : i64}}

// -----

// 6-bit codes (q6_k, q5_*): nibbles, then the top two bits from a plane of
// W/2 bytes per chunk pair, moved to bits 4-5 and joined into registers.
// CHECK-LABEL: func.func private @k(
// CHECK: arith.andi {{.*}} : vector<64xi8>
// CHECK: arith.shrui {{.*}} : vector<64xi8>
// CHECK: vector.load {{.*}} : memref<416xi8>, vector<32xi8>
// CHECK: arith.shli {{.*}} : vector<32xi8>
// CHECK: vector.shuffle {{.*}} : vector<32xi8>, vector<32xi8>
// CHECK: arith.ori {{.*}} : vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<416xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 6 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 32 : i64}}

// -----

// Prefill on k-quads: the zero-point correction starts one i32 register
// per token, four activations are broadcast to every lane per chunk, and
// rows are lanes, so the result is stored without a reduction.
// CHECK-LABEL: func.func private @k(
// CHECK: vector.reduction <add>, {{.*}} : vector<32xi32> into i32
// CHECK: vector.load {{.*}} : memref<{{[0-9]+}}xi8>, vector<4xi8>
// CHECK: vector.bitcast {{.*}} : vector<4xi8> to vector<1xi32>
// CHECK: vector.broadcast {{.*}} : i32 to vector<16xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.reduction <add>, {{.*}} fastmath<reassoc>
// CHECK: vector.store {{.*}} : memref<3x16xf32>, vector<16xf32>
func.func private @k(memref<3x64xf32, strided<[?, 1], offset: ?>>, memref<576xi8>, memref<3x16xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 1048576 : i64, quad = true, rows = 6 : i64, rows_per_group = 16 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", tokens = 3 : i64, vector_bytes = 64 : i64, zero_point = 8 : i64}}

// -----

// Plain AVX2: vpmaddubsw pairs then vpmaddwd with ones give vpdpbusd's
// lanes; 8-bit codes are made signed and multiplied as |code| x sign.
// CHECK-LABEL: func.func private @k(
// CHECK: arith.subi {{.*}} : vector<32xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.psign.b"
// CHECK: math.absi {{.*}} : vector<32xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"({{.*}}) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"({{.*}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: arith.addi {{.*}} : vector<8xi32>
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<544xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 8 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v3", tokens = 1 : i64, vector_bytes = 32 : i64, zero_point = 128 : i64}}

// -----

// expected-error @+1 {{invalid kernel declaration: missing or mistyped 'tokens'}}
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", vector_bytes = 64 : i64, zero_point = 8 : i64}}

// -----

// expected-error @+1 {{invalid kernel declaration: signature does not match its spec}}
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<100xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 8 : i64}}

// -----

// expected-error @+1 {{invalid kernel declaration: inconsistent layout}}
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 3 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 8 : i64}}

// -----

// expected-error @+1 {{invalid kernel declaration: inconsistent layout}}
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<320xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = true, min_f16 = false, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = false, sub_signed = false, super_f16 = true, super_groups = 1 : i64, table = [], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 0 : i64}}

// -----

// expected-error @+1 {{invalid kernel declaration: a lookup needs 16 entries, 4-bit codes and a table of <= 16}}
func.func private @k(memref<1x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<1x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, lookup = [0, 23, 45], min_f16 = true, parallel_threshold = 0 : i64, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [-127.0, -104.0, -83.0], target = "x86-64-v4-vnni", tokens = 1 : i64, vector_bytes = 64 : i64, zero_point = 127 : i64}}

// -----

// k-quads need one row per i32 lane (rows_per_group = vector_bytes / 4).
// expected-error @+1 {{invalid kernel declaration: inconsistent layout}}
func.func private @k(memref<3x64xf32, strided<[?, 1], offset: ?>>, memref<288xi8>, memref<3x8xf32>) attributes {lowbit.kernel = {code_bits = 4 : i64, cols = 64 : i64, float_path = false, group = 32 : i64, has_min = false, min_f16 = true, parallel_threshold = 0 : i64, quad = true, rows = 6 : i64, rows_per_group = 4 : i64, scale_f16 = true, table = [], target = "x86-64-v4-vnni", tokens = 3 : i64, vector_bytes = 64 : i64, zero_point = 8 : i64}}
