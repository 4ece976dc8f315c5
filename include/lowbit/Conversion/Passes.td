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
    materialised.

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
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertLowBitToVectorPass : Pass<"convert-lowbit-to-vector", "::mlir::ModuleOp"> {
  let summary = "Fused dequantize-and-multiply vector kernels per CPU target";
  let description = [{
    Replaces every `lowbit.matmul` whose packed weight is a constant with a
    call to a generated kernel (vector/arith/scf/memref, plus one LLVM
    intrinsic for int8 dot products). At compile time the weight is
    repacked for the target (KernelLayout.h): codes as nibbles or bytes,
    one scale (and offset) per group of 32/16/8, R rows interleaved, so the
    kernel decodes nibbles with and/shift and never materialises float
    weights. On targets with int8 dot products (`vpdpbusd`, `sdot`,
    `usdot`) activations are quantized per group to int8 on the fly;
    `float-path` forces decoding to f32 (also used for float codebooks such
    as NF4, which have no integer levels). The kernel is register-tiled over
    up to 4 tokens for prefill and spreads row groups over threads
    (`omp.parallel` + `omp.wsloop`, the OpenMP runtime) for large weights; every row is
    computed by one thread in a fixed order, so results do not depend on
    the thread count.

    The rewrite in tensor land:

    ```mlir
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>)
        : tensor<1x64xf32>, tensor<8x36xi8> -> tensor<1x8xf32>
    // becomes
    %xm = bufferization.to_buffer %x read_only : ...
    %wm = bufferization.to_buffer %w_repacked read_only : ...
    %ym = memref.alloc() : memref<1x8xf32>
    call @lowbit_kernel_...(%xm, %wm, %ym)
    %y = bufferization.to_tensor %ym restrict writable : ...
    ```

    Weights that are not constants, and batches with their own weights
    (3-D packed), are left for convert-lowbit-to-linalg; with `report` set
    the pass remarks on each such op.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Target description name (x86-64, x86-64-v3, x86-64-v3-vnni, "
           "x86-64-v4, x86-64-v4-vnni, aarch64, aarch64-dotprod, "
           "aarch64-i8mm) or host">,
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
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def LowBitEmitKernelsPass : Pass<"lowbit-emit-kernels", "::mlir::ModuleOp"> {
  let summary = "Generate the bodies of kernels declared by convert-lowbit-to-vector";
  let description = [{
    convert-lowbit-to-vector declares each kernel with its parameters in a
    `lowbit.kernel` dictionary; this pass, run after bufferization and
    buffer deallocation (which cannot see through the LLVM intrinsics the
    bodies use), writes the bodies: memref/vector/scf/arith/math plus
    `llvm.call_intrinsic` for int8 dot products. Kernels manage their own
    scratch buffers.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
