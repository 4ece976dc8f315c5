// A function named @forward is the model's entry point only with the Llama
// model IR's signature; anything else is one clear error, never a header
// with dimensions read past the argument list.
// RUN: not lowbit-compile %s -o %t.o --emit-header %t.h 2>&1 | FileCheck %s
// RUN: not lowbit-compile %s -o %t.o 2>&1 | FileCheck %s
// CHECK: lowbit-compile: error: @forward must be (index token, index pos, tensor<LxCxDxf32> kcache, vcache of the same type) -> tensor<1xVxf32>, got (tensor<4xf32>) -> tensor<4xf32>
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
