// The arrows that must never exist (docs/Architecture.md), checked on the
// sources: each grep must find nothing.
//
// The numerics core (Quant, Codegen, Model) knows no MLIR.
// RUN: not grep -rln "include \"mlir/" %src/lib/Quant %src/lib/Codegen %src/lib/Model %src/include/lowbit/Quant %src/include/lowbit/Codegen %src/include/lowbit/Model
// The dialect and its passes read no files: importance is IR data
// (lowbit-attach-importance in lib/Calibration reads calibration files).
// RUN: not grep -rln "include \"lowbit/Model/" %src/lib/Dialect %src/include/lowbit/Dialect
// The dialect does not know its lowerings, pipelines or targets.
// RUN: not grep -rln "include \"lowbit/\(Conversion\|Pipelines\|Target\|Harness\|InitAll\)" %src/lib/Dialect %src/include/lowbit/Dialect
// The conversions do not know the pipelines, the compile driver or tools.
// RUN: not grep -rln "include \"lowbit/\(Pipelines\|Target\|Harness\|InitAll\)" %src/lib/Conversion %src/include/lowbit/Conversion
// Libraries never reach into tools.
// RUN: not grep -rln "include \"\.\./\|tools/" %src/lib %src/include --include=*.cpp --include=*.h
// No ABI symbol is spelled as a string outside lib/Target/CPU (ModelABI.def).
// RUN: not grep -rn "\"lowbit_model_\|\"_mlir_ciface_forward\"" %src/lib %src/include %src/tools --include=*.cpp --include=*.h
