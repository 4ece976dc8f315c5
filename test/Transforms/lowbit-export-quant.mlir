// RUN: lowbit-opt %s -split-input-file --lowbit-export-quant -verify-diagnostics | FileCheck %s

// q4_0 (symmetric, fp16 scales) becomes a signed 4-bit sub-channel type
// with f32 scales; one block of 32 per row here. Codes are nibble - 8:
// low nibbles of bytes 2..17 first (0 1 2 ... E 0), then high nibbles
// (1 8 3 A 5 C 7 E 9 B F 1 3 5 7 F).
// CHECK-LABEL: func @q4_0
// CHECK: %[[C:.*]] = arith.constant dense<{{\[\[}}-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, -8, -7, 0, -5, 2, -3, 4, -1, 6, 1, 3, 7, -7, -5, -3, -1, 7]]> : tensor<1x32xi4>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<1x32xi4> to tensor<1x32x!quant.uniform<i4:f32:{0:1, 1:32}, {{\{\{}}5.000000e-01}}>>
// CHECK: %[[F:.*]] = quant.dcast %[[Q]] : {{.*}} to tensor<1x32xf32>
// CHECK: return %[[F]]
func.func @q4_0() -> tensor<1x32xf32> {
  %w = arith.constant dense_resource<w0> : tensor<1x18xi8>
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = q4_0>) : tensor<1x18xi8> -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w0: "0x010000000038108132A354C576E798B9FA1B3C5D7EF0"
    }
  }
#-}

// -----

// Schemes without a !quant.uniform form are left alone, saying why.
func.func @tail(%w: tensor<2x36xi8>) -> tensor<2x40xf32> {
  // expected-warning @+1 {{not expressible as !quant.uniform: rows of 40 leave a partial block of 32}}
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = q4_0>) : tensor<2x36xi8> -> tensor<2x40xf32>
  return %0 : tensor<2x40xf32>
}

// -----

func.func @k_quant(%w: tensor<1x144xi8>) -> tensor<1x256xf32> {
  // expected-warning @+1 {{not expressible as !quant.uniform: super-block sub-scales have no !quant.uniform form}}
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = q4_k>) : tensor<1x144xi8> -> tensor<1x256xf32>
  return %0 : tensor<1x256xf32>
}

// -----

func.func @codebook(%w: tensor<1x18xi8>) -> tensor<1x32xf32> {
  // expected-warning @+1 {{not expressible as !quant.uniform: codebook levels are not uniform}}
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = iq4_nl>) : tensor<1x18xi8> -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}

// -----

func.func @float_min(%w: tensor<1x20xi8>) -> tensor<1x32xf32> {
  // expected-warning @+1 {{not expressible as !quant.uniform: a float min per block is not an integer zero point}}
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = q4_1>) : tensor<1x20xi8> -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}
