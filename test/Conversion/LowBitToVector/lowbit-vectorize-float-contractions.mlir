// RUN: lowbit-opt %s --split-input-file --lowbit-vectorize-float-contractions="parallel-threshold=1000" | FileCheck %s
// RUN: not lowbit-opt %s --lowbit-vectorize-float-contractions="parallel-threshold=many" 2>&1 | FileCheck %s --check-prefix=BADOPT

// BADOPT: parallel-threshold

// End to end on the bundled f32 model: the vector path (this pass) and the
// reference path (strict order) agree to the printed digits of the mean NLL.
// RUN: lowbit-import %data/models/stories260K/stories260K.bin -o %t.mlirbc
// RUN: lowbit-run perplexity %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 | FileCheck %s --check-prefix=PPL
// RUN: lowbit-run perplexity %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 --reference-kernels | FileCheck %s --check-prefix=PPL
// PPL: stories 23, scored tokens 7289, mean NLL 1.237940 nats/token, perplexity 3.4485

// f16 weight, 100 columns on AVX-512 (16 lanes): one unrolled step of four
// vectors, two single vectors, a masked tail of 4; 800 elements stay on one
// thread.
// CHECK-LABEL: func.func @f16_tail(
// CHECK-NOT: linalg.generic
// CHECK-NOT: omp.parallel
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %c8
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %c2
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c64{{.*}} iter_args(
// CHECK-COUNT-4: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.for %{{.*}} = %c64{{.*}} to %c96{{.*}} step %c16
// CHECK: arith.extf {{.*}} : vector<16xf16> to vector<16xf32>
// CHECK: vector.transfer_read %arg0[%[[T]], %c96{{.*}}], %{{.*}} : memref<2x100xf32>, vector<16xf32>
// CHECK: vector.transfer_read %arg1[%[[N]], %c96{{.*}}], %{{.*}} : memref<8x100xf16>, vector<16xf16>
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK: memref.load %arg2[%[[T]], %[[N]]]
// CHECK: memref.store
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {
func.func @f16_tail(%x: memref<2x100xf32>, %w: memref<8x100xf16>, %y: memref<2x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<2x100xf32>, memref<8x100xf16>) outs(%y : memref<2x8xf32>) {
  ^bb0(%a: f32, %b: f16, %c: f32):
    %e = arith.extf %b : f16 to f32
    %m = arith.mulf %a, %e : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// f32 weight of 64x64 (above the threshold): rows on OpenMP threads. No
// target: 4 lanes; operands of mul and add in the other order.
// CHECK-LABEL: func.func @f32_threads(
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: omp.loop_nest (%{{.*}}) : index = (%{{.*}}) to (%c64)
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c16{{.*}} iter_args(
// CHECK-NOT: arith.extf
// CHECK: vector.fma {{.*}} : vector<4xf32>
// CHECK: vector.reduction <add>
func.func @f32_threads(%x: memref<1x64xf32>, %w: memref<64x64xf32>, %y: memref<1x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<1x64xf32>, memref<64x64xf32>) outs(%y : memref<1x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %b, %a : f32
    %s = arith.addf %m, %c : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: a weight laid out [K, N], a body that is not a plain
// multiply-accumulate, and tensors (not yet bufferized).
// CHECK-LABEL: func.func @left(
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: vector.fma
func.func @left(%x: memref<1x64xf32>, %w: memref<64x8xf32>, %w2: memref<8x64xf32>, %y: memref<1x8xf32>, %tx: tensor<1x64xf32>, %tw: tensor<8x64xf32>, %ty: tensor<1x8xf32>) -> tensor<1x8xf32> {
  linalg.generic {indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (k, n)>, affine_map<(t, n, k) -> (t, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<1x64xf32>, memref<64x8xf32>) outs(%y : memref<1x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w2 : memref<1x64xf32>, memref<8x64xf32>) outs(%y : memref<1x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %m2 = arith.mulf %m, %b : f32
    %s = arith.addf %c, %m2 : f32
    linalg.yield %s : f32
  }
  %r = linalg.generic {indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%tx, %tw : tensor<1x64xf32>, tensor<8x64xf32>) outs(%ty : tensor<1x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}
