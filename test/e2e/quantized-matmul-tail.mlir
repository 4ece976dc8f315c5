// The whole path on a weight whose rows (40 = 2 blocks of 16 + a tail of 8)
// do not fill their last block: lowbit-select-block-scales quantizes it,
// convert-lowbit-to-linalg and upstream passes lower it, the JIT runs it.
// Weights are multiples of 1/8 with -1 as every block's extreme, so a 4-bit
// symmetric f32-scale scheme holds them exactly and the product is exact.
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=b4:g16:sym:f32" --convert-lowbit-to-linalg %lower_to_llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%runner_libs | FileCheck %s
// Through llama.cpp's own layout (q8_0, padded tail block): close, not exact.
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q8_0" --convert-lowbit-to-linalg %lower_to_llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%runner_libs | FileCheck %s --check-prefix=Q8

// CHECK: {{^}}30.75{{$}}
// CHECK-NEXT: {{^}}2.625{{$}}
// CHECK-NEXT: {{^}}-10.5{{$}}
// Q8: {{^}}30.7{{[0-9]*$}}
// Q8-NEXT: {{^}}2.6{{[0-9]*$}}
// Q8-NEXT: {{^-10\.(4|5)[0-9]*$}}

func.func @layer(%x: tensor<1x40xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[-1.0, -1.0, -1.0], [-0.5, 0.125, 0.75], [-0.125, 0.5, -0.75], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0], [-0.875, -0.25, 0.375], [-0.5, 0.125, 0.75], [-0.125, 0.5, -0.75], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0], [-0.875, -0.25, 0.375], [-0.5, 0.125, 0.75], [-0.125, 0.5, -0.75], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0], [-0.875, -0.25, 0.375], [-1.0, -1.0, -1.0], [-0.125, 0.5, -0.75], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0], [-0.875, -0.25, 0.375], [-0.5, 0.125, 0.75], [-0.125, 0.5, -0.75], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0], [-0.875, -0.25, 0.375], [-0.5, 0.125, 0.75], [-0.125, 0.5, -0.75], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0], [-0.875, -0.25, 0.375], [-0.5, 0.125, 0.75], [-1.0, -1.0, -1.0], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0], [-0.875, -0.25, 0.375], [-0.5, 0.125, 0.75], [-0.125, 0.5, -0.75], [0.25, 0.875, -0.375], [0.625, -0.625, 0.0]]> : tensor<40x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<1x40xf32>, tensor<40x3xf32>) outs(%i : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

func.func @main() {
  %x = arith.constant dense<[[-2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0]]> : tensor<1x40xf32>
  %y = call @layer(%x) : (tensor<1x40xf32>) -> tensor<1x3xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %y0 = tensor.extract %y[%c0, %c0] : tensor<1x3xf32>
  %y1 = tensor.extract %y[%c0, %c1] : tensor<1x3xf32>
  %y2 = tensor.extract %y[%c0, %c2] : tensor<1x3xf32>
  vector.print %y0 : f32
  vector.print %y1 : f32
  vector.print %y2 : f32
  return
}
