//===- Passes.td - lowbit lowerings ------------------------*- tablegen -*-===//
#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLowBitToLinalgPass : Pass<"convert-lowbit-to-linalg"> {
  let summary = "Reference lowering: contractions that decode weights in place";
  let description = [{
    Lowers every lowbit op to upstream dialects so quantized IR runs through
    upstream MLIR (bufferization, linalg-to-loops, LLVM). Decoding is driven
    by the same layout tables as lowbit::quant: for each element a
    `linalg.generic` gathers its code, sub-scale and header bits from the
    packed bytes and evaluates the scheme's formula in the decoder's order,
    so results are bit-identical to lowbit::quant's dequantizer.
    `lowbit.dequantize` becomes such a decoding `linalg.generic`;
    `lowbit.matmul` becomes contractions (whole blocks, then the tail) that
    decode each weight inside their body, so float weights are never
    materialised. The outlier side paths become float IR too:
    `lowbit.column_matmul` a gather and a float contraction,
    `lowbit.sparse_matmul` a `linalg.generic` over [T, N] whose body sums
    its CSR row in order with `scf.for`.

    Before:

    ```mlir
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>)
        : tensor<1x64xf32>, tensor<8x36xi8> -> tensor<1x8xf32>
    ```

    After:

    ```mlir
    %y = linalg.generic {iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x : tensor<1x64xf32>) outs(%zero : tensor<1x8xf32>) {
      // linalg.index n, k; tensor.extract of the bytes of W[n, k], shifts,
      // masks, fp16 decode, (d * s) * level; then acc + x * w
    }
    ```

    This is the slow, obviously-correct path; fast vector code comes from
    convert-lowbit-to-vector.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def ConvertLowBitToVectorPass : Pass<"convert-lowbit-to-vector", "::mlir::ModuleOp"> {
  let summary = "Quantized matmuls as kernel ops on weights repacked for the target";
  let description = [{
    Rewrites every `lowbit.matmul` whose packed weight is a constant into a
    `lowbit.kernel_matmul` on the weight repacked, at compile time, for the
    module's `#lowbit.target` (set by `lowbit-attach-target` or the
    driver): codes as nibbles, 6-bit planes or bytes, one scale (and
    offset) per group of 32/16/8 or two-level scales, R rows interleaved
    (`#lowbit.kernel_layout`, see KernelLayout.h). On targets with int8 dot
    products (`vpdpbusd`, `vpmaddubsw`, `sdot`, `usdot`) the kernel
    quantizes activations per group to int8; `float-path` forces decoding
    to f32 (float codebooks such as NF4 always take it). Prefill (more than
    one token) on the integer path uses the k-quad layout. Weights of at
    least `parallel-threshold` elements mark the op `parallel` (row groups
    on OpenMP threads; each row is computed by one thread in a fixed order,
    so results do not depend on the thread count).

    Before:

    ```mlir
    module attributes {lowbit.target = #lowbit.target<name = "x86-64-v4-vnni",
        vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm,
        rows_per_group = 4>} {
      func.func @f(%x: tensor<1x64xf32>) -> tensor<1x6xf32> {
        %w = arith.constant dense_resource<weight> : tensor<6x36xi8>
        %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>)
            : tensor<1x64xf32>, tensor<6x36xi8> -> tensor<1x6xf32>
        return %y : tensor<1x6xf32>
      }
    }
    ```

    After (tensor land; bufferization is upstream's):

    ```mlir
    %w = arith.constant dense_resource<lowbit.vector.weight> : tensor<288xi8>
    %e = tensor.empty() : tensor<1x8xf32>
    %k = lowbit.kernel_matmul ins(%x, %w : tensor<1x64xf32>, tensor<288xi8>)
        outs(%e : tensor<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6,
        cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64,
        zero_point = 8>) -> tensor<1x8xf32>
    %y = tensor.extract_slice %k[0, 0] [1, 6] [1, 1]
        : tensor<1x8xf32> to tensor<1x6xf32>
    ```

    `lowbit.sparse_matmul` (the sparse outlier side path) becomes
    `lowbit.kernel_sparse_matmul` on the [T, K] view of its input, threaded
    like a dense weight of the same shape would be.

    Weights that are not constants, and batches with their own weights
    (3-D packed), are left for convert-lowbit-to-linalg; with `report` set
    the pass remarks on each kernel and each op it leaves. The patterns are
    available as `populateLowBitToVectorPatterns`.
  }];
  let options = [
    Option<"floatPath", "float-path", "bool", /*default=*/"false",
           "Decode weights to f32 even where int8 dot products exist">,
    Option<"parallelThreshold", "parallel-threshold", "int64_t",
           /*default=*/"1 << 20",
           "Weights with at least this many elements spread row groups over "
           "threads (0: never)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Remark on each kernel chosen and each op left to the reference "
           "lowering">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect"
  ];
}

def LowBitExpandKernelsPass : Pass<"lowbit-expand-kernels", "::mlir::ModuleOp"> {
  let summary = "Generate the vector kernels of bufferized lowbit.kernel_matmul ops";
  let description = [{
    Replaces each `lowbit.kernel_matmul` on memrefs with a call of a
    generated kernel for the module's `#lowbit.target`: memref/vector/scf/
    arith/math, `omp.parallel` + `omp.wsloop` for `parallel` ops, and
    `llvm.call_intrinsic` for the target's int8 dot product and byte lookup.
    Ops with the same layout, flags and token count share one kernel.
    `lowbit.kernel_sparse_matmul` is expanded in place: rows (on OpenMP
    threads when `parallel`), per token the row's CSR range in vectors of
    vector_bytes / 4 lanes (load columns and values, widen, `vector.gather`
    the input, fma), a masked step for the rest, one reduction per output.
    Kernels manage their own scratch buffers. It runs after bufferization
    and buffer deallocation (which cannot see through the LLVM intrinsics
    the bodies use).

    Before:

    ```mlir
    lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32>, memref<288xi8>)
        outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6,
        cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64,
        zero_point = 8>)
    ```

    After:

    ```mlir
    %xs = memref.cast %x : memref<1x64xf32>
        to memref<1x64xf32, strided<[?, 1], offset: ?>>
    call @lowbit_kernel_u4g32r4hz8_6x64_t1_i8(%xs, %w, %y) : (...) -> ()
    ...
    func.func private @lowbit_kernel_u4g32r4hz8_6x64_t1_i8(
        %x: memref<1x64xf32, strided<[?, 1], offset: ?>>,
        %w: memref<288xi8>, %y: memref<1x8xf32>) {
      // quantize x per group of 32 to int8; for each row group: load the
      // record, and/shift nibbles, vpdpbusd, scale, accumulate; reduce
      // lanes per row and store
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::omp::OpenMPDialect",
    "::mlir::omp::OpenMPDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}


def LowBitVectorizeFloatContractionsPass
    : Pass<"lowbit-vectorize-float-contractions", "::mlir::ModuleOp"> {
  let summary = "Vector code for float-weight contractions (x · Wᵀ) on memrefs";
  let description = [{
    Float weights (f32, and f16/bf16 converted in the body) reach the
    lowering as `linalg.generic` contractions y[t, n] += x[t, k] * W[n, k],
    rows of W contiguous along k. convert-linalg-to-loops turns them into a
    scalar dot product whose additions are in strict order: one add per
    FMA latency, several seconds per token on a 7B-shaped f16 model. This
    pass rewrites each such generic on memrefs into vector code for the
    module's `#lowbit.target` (lanes = vector_bytes / 4; 4 lanes without a
    target): four vector accumulators along k, a masked read for the tail
    (padding 0), one reduction per row. Each row is summed by one thread in
    a fixed order, so results do not depend on the thread count; weights of
    at least `parallel-threshold` elements spread rows over threads
    (`omp.parallel` + `omp.wsloop`). The sum is reassociated, as every
    SIMD dot product is; the reference lowering keeps the strict order.
    Before:
    ```mlir
    linalg.generic {indexing_maps = [affine_map<(t, n, k) -> (t, k)>,
        affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>],
        iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : memref<1x64xf32>, memref<8x64xf16>)
        outs(%y : memref<1x8xf32>) {
    ^bb0(%a: f32, %b: f16, %c: f32):
      %e = arith.extf %b : f16 to f32
      %m = arith.mulf %a, %e : f32
      %s = arith.addf %c, %m : f32
      linalg.yield %s : f32
    }
    ```
    After (16 lanes):
    ```mlir
    scf.for %n = %c0 to %c8 step %c1 {
      scf.for %t = %c0 to %c1 step %c1 {
        %acc:4 = scf.for %k = %c0 to %c64 step %c64 iter_args(...) {
          %xv = vector.transfer_read %x[%t, %k] ... : vector<16xf32>
          %wv = vector.transfer_read %w[%n, %k] ... : vector<16xf16>
          %we = arith.extf %wv : vector<16xf16> to vector<16xf32>
          %a0 = vector.fma %we, %xv, %acc#0 : vector<16xf32>
          ...
        }
        %sum = vector.reduction <add>, %all : vector<16xf32> into f32
        %old = memref.load %y[%t, %n]
        memref.store (%old + %sum), %y[%t, %n]
      }
    }
    ```
    Contractions of other shapes, types or bodies are left to
    convert-linalg-to-loops.
  }];
  let options = [
    Option<"parallelThreshold", "parallel-threshold", "int64_t",
           /*default=*/"1 << 20",
           "Weights with at least this many elements spread rows over "
           "threads (0: never)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
