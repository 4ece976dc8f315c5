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
    not the weight's row length is an error naming both.

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

#endif // LOWBIT_CALIBRATION_PASSES_TD
