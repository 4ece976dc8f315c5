//===- ThreadedLoop.cpp - An OpenMP work-sharing loop over [0, count) -------===//

#include "ThreadedLoop.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

using namespace mlir;

namespace lowbit::kernels {

void emitThreadedLoop(OpBuilder &b, Location loc, Value count,
                      llvm::function_ref<void(OpBuilder &, Value)> body) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto par = omp::ParallelOp::create(b, loc);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&par.getRegion().emplaceBlock());
  auto ws = omp::WsloopOp::create(b, loc);
  omp::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&ws.getRegion().emplaceBlock());
  auto nest = omp::LoopNestOp::create(
      b, loc, /*collapse_num_loops=*/1, ValueRange{zero}, ValueRange{count},
      ValueRange{one}, /*loop_inclusive=*/false, nullptr);
  Block &block = nest.getRegion().emplaceBlock();
  Value i = block.addArgument(b.getIndexType(), loc);
  b.setInsertionPointToStart(&block);
  body(b, i);
  omp::YieldOp::create(b, loc);
}

} // namespace lowbit::kernels
