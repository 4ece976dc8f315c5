//===- ExternalWeights.h - Large constants to a mapped file -----*- C++ -*-===//
//
// Above a size threshold, the lowered module's large constant globals (the
// packed weights) leave the object: their bytes go to a weights file (each
// at a 64-byte aligned offset) and every use loads the address from
// the WeightSlots array (ModelABI.def), which the program fills after
// mapping the file (the C header's lowbit_model_map_weights, or lowbit-run).
// The object keeps the offsets, the file size and its checksum to check the
// mapping.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_CPU_EXTERNALWEIGHTS_H
#define LOWBIT_TARGET_CPU_EXTERNALWEIGHTS_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace lowbit::cpu {

struct ExternalWeights {
  std::vector<uint64_t> offsets; ///< one per slot, into the file
  std::vector<uint8_t> bytes;    ///< the file's contents
  uint64_t checksum = 0;
  std::string fileName; ///< base name, recorded in the object
};

/// Bytes of constant data the module's referenced globals hold.
uint64_t constantBytes(mlir::ModuleOp module);

/// Moves every referenced constant global of at least `minBytes` out of
/// the LLVM-dialect module into `out`. Returns an empty string or an error.
std::string externalizeWeights(mlir::ModuleOp module, uint64_t minBytes,
                               ExternalWeights &out);

/// For a JIT in the same process: moves the same globals out, but instead of
/// copying their bytes records where the bytes already are (the blobs of
/// the module's context), one address per slot, to be stored into the
/// WeightSlots array once the module is loaded. The blobs must outlive the
/// compiled code. LLVM then never holds (or copies) the weights. `sizes`,
/// when given, receives each slot's byte count.
std::string referenceWeightsInPlace(mlir::ModuleOp module, uint64_t minBytes,
                                    std::vector<const void *> &addresses,
                                    std::vector<uint64_t> *sizes = nullptr);

/// Adds the weights file's size, checksum, name and offsets (ModelABI.def)
/// to the translated module.
void addExternalWeightsInfo(llvm::Module &module, const ExternalWeights &w);

} // namespace lowbit::cpu

#endif
