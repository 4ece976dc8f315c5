// RUN: lowbit-opt %s -split-input-file --lowbit-decode-weights | FileCheck %s
// RUN: lowbit-opt %s -split-input-file --lowbit-decode-weights="threads=1" | FileCheck %s
// Decoded weights are float weights again: lowbit-select-block-scales
// requantizes them, and the lookup follows the classifier.
// RUN: lowbit-opt %s -split-input-file --lowbit-decode-weights --lowbit-select-block-scales="scheme=q4_0" | FileCheck %s --check-prefix=REQUANT
// Without decoding, pre-quantized weights are kept with a warning.
// RUN: lowbit-opt %s -split-input-file --lowbit-select-block-scales="scheme=q4_0 report=-" 2>&1 | FileCheck %s --check-prefix=KEPT

// Two q8_0 rows: scale 1 with codes 1..32, scale 2 with codes -1..-32.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[W:.*]] = arith.constant {lowbit.name = "blk.0.ffn_up.weight"} dense_resource<[[BLOB:.*]]> : tensor<2x32xf32>
// CHECK-NOT: lowbit.matmul
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[W]] : tensor<1x32xf32>, tensor<2x32xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// 1.0, 2.0, 3.0 ... then -2.0, -4.0 (little-endian f32).
// CHECK: [[BLOB]]: "0x040000000000803F0000004000004040
// CHECK-SAME: 000000C0000080C0
// REQUANT-LABEL: func.func @matmul
// REQUANT: lowbit.matmul %arg0, %{{.*}} scheme(#lowbit.scheme<format = q4_0>) : tensor<1x32xf32>, tensor<2x18xi8> -> tensor<1x2xf32>
// KEPT: warning: lowbit-select-block-scales: 1 weight (q8_0: 1) arrived quantized and are kept as they are
// KEPT: blk.0.ffn_up.weight  2x32   q8_0  8.5000  arrived quantized, kept as it is
func.func @matmul(%x: tensor<1x32xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "blk.0.ffn_up.weight"} dense<[[0, 60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32], [0, 64, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20, -21, -22, -23, -24, -25, -26, -27, -28, -29, -30, -31, -32]]> : tensor<2x34xi8>
  %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>) : tensor<1x32xf32>, tensor<2x34xi8> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A tied table: the classifier and the lookup share one packed blob; both
// read the one decoded f32 table.
// CHECK-LABEL: func.func @tied
// CHECK: %[[T:.*]] = arith.constant {lowbit.lookup = "token_embd.weight"} dense_resource<[[TBLOB:.*]]> : tensor<2x32xf32>
// CHECK-NOT: lowbit.dequantize
// CHECK: tensor.extract_slice %[[T]]
// CHECK: arith.constant {lowbit.name = "token_embd.weight"} dense_resource<[[TBLOB]]> : tensor<2x32xf32>
// REQUANT-LABEL: func.func @tied
// REQUANT: %[[P:.*]] = arith.constant {lowbit.lookup = "token_embd.weight"} dense_resource<[[PBLOB:.*]]> : tensor<2x18xi8>
// REQUANT: lowbit.dequantize %[[P]] scheme(#lowbit.scheme<format = q4_0>)
// REQUANT: arith.constant {lowbit.name = "token_embd.weight", lowbit.scheme = #lowbit.scheme<format = q4_0>} dense_resource<[[PBLOB]]>
func.func @tied(%x: tensor<1x32xf32>, %i: index) -> (tensor<1x2xf32>, tensor<1x32xf32>) {
  %t = arith.constant {lowbit.lookup = "token_embd.weight"} dense_resource<tied> : tensor<2x34xi8>
  %f = lowbit.dequantize %t scheme(#lowbit.scheme<format = q8_0>) : tensor<2x34xi8> -> tensor<2x32xf32>
  %row = tensor.extract_slice %f[%i, 0] [1, 32] [1, 1] : tensor<2x32xf32> to tensor<1x32xf32>
  %w = arith.constant {lowbit.name = "token_embd.weight"} dense_resource<tied> : tensor<2x34xi8>
  %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>) : tensor<1x32xf32>, tensor<2x34xi8> -> tensor<1x2xf32>
  return %y, %row : tensor<1x2xf32>, tensor<1x32xf32>
}

{-#
  dialect_resources: {
    builtin: {
      tied: "0x01000000003C0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2000400102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20"
    }
  }
#-}
