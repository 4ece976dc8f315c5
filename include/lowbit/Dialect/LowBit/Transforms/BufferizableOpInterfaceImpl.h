//===- BufferizableOpInterfaceImpl.h - lowbit ops in bufferization -*- C++
//-*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H

#include "mlir/IR/DialectRegistry.h"

namespace lowbit {
/// lowbit.kernel_matmul bufferizes with upstream's destination-style model
/// (registered lazily: the dialect promises the interface).
void registerBufferizableOpInterfaceExternalModels(
    mlir::DialectRegistry &registry);
} // namespace lowbit

#endif
