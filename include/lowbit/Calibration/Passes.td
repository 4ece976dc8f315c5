//===- Passes.td - Calibration and importance passes -------*- tablegen -*-===//
#ifndef LOWBIT_CALIBRATION_PASSES_TD
#define LOWBIT_CALIBRATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowBitAttachImportancePass
    : Pass<"lowbit-attach-importance", "::mlir::ModuleOp"> {
  let summary = "Puts calibration statistics beside the weights as IR data";
  let description = [{
    The one step that reads a calibration file: a llama.cpp imatrix GGUF
    (`<weight>.in_sum2` / `<weight>.counts`) or one `lowbit-run calibrate`
    wrote. Each named weight constant with an entry gets
    `lowbit.importance`: the mean squared activation of each input column
    (in_sum2 / counts), f32, one value per column of its rows. Later passes
    (lowbit-assign-schemes' budget, lowbit-select-block-scales) weight each
    column's error by it and never open a file. An entry whose length is
    not the weight's row length is an error naming both. A file from
    `lowbit-run calibrate --gram` also gives each weight `lowbit.gram`, its
    input's XᵀX (f32 upper triangle, K(K+1)/2 values), one blob per input
    shared by its weights, mapping the file rather than copying it.

    Before:

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.attn_q.weight"} dense_resource<blk.0.attn_q.weight> : tensor<64x64xf32>
    ```

    After (`file=imatrix.gguf`):

    ```mlir
    %w = arith.constant {lowbit.importance = dense_resource<importance.blk.0.attn_q.weight> : tensor<64xf32>,
                         lowbit.name = "blk.0.attn_q.weight"} dense_resource<blk.0.attn_q.weight> : tensor<64x64xf32>
    ```
  }];
  let dependentDialects = ["::lowbit::LowBitDialect"];
  let options = [
    Option<"file", "file", "std::string", "\"\"",
           "calibration file (llama.cpp imatrix GGUF or lowbit-run calibrate)">
  ];
}

def LowBitInstrumentActivationsPass
    : Pass<"lowbit-instrument-activations", "::mlir::ModuleOp"> {
  let summary = "Records the activations each weight multiplies (calibration)";
  let description = [{
    Before every contraction on a named constant weight (float, or packed by
    lowbit.matmul), inserts a call that hands the activation rows to the
    calibration recorder: `@lowbit_record_activations(id, rows)` with the
    rows as `memref<*xf32>`, declared with `llvm.emit_c_interface` so the
    JIT (or a linked program) provides `_mlir_ciface_lowbit_record_activations`.
    Weights whose functions are called with the same value (q/k/v and
    gate/up in the importer's IR) share one id, so their input is recorded
    once. The module gets `lowbit.recorded`: per id, the weights' names. The
    activation's last dimension must be the weight's row length K (the
    importer's layout); other layouts are left alone with a warning.
    `layers=a-b` instruments only weights of layers a..b (blk.N.*), so large
    models can be calibrated in ranges.

    Before:

    ```mlir
    %0 = linalg.generic {...} ins(%x, %w : tensor<1x64xf32>, tensor<64x64xf32>) ...
    ```

    After:

    ```mlir
    %id = arith.constant 0 : i64
    %b = bufferization.to_buffer %x : tensor<1x64xf32> to memref<1x64xf32>
    %u = memref.cast %b : memref<1x64xf32> to memref<*xf32>
    func.call @lowbit_record_activations(%id, %u) : (i64, memref<*xf32>) -> ()
    %0 = linalg.generic {...} ins(%x, %w : tensor<1x64xf32>, tensor<64x64xf32>) ...
    ```
  }];
  let dependentDialects = [
    "::lowbit::LowBitDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::memref::MemRefDialect"
  ];
  let options = [
    Option<"layers", "layers", "std::string", "\"\"",
           "only layers a-b (e.g. 0-15; default: every weight)">
  ];
}

#endif // LOWBIT_CALIBRATION_PASSES_TD
