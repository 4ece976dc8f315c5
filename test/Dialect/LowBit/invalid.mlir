// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

func.func @wrong_row_bytes(%x: tensor<1x64xf32>, %w: tensor<8x36xi8>) -> tensor<1x8xf32> {
  // expected-error @+1 {{a row of 64 weights in #lowbit.scheme<format = q4_k> takes 40 bytes, but packed rows have 36}}
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_k>) : tensor<1x64xf32>, tensor<8x36xi8> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @wrong_result(%x: tensor<2x64xf32>, %w: tensor<8x36xi8>) -> tensor<2x7xf32> {
  // expected-error @+1 {{result shape must be [2, 8], got [2, 7]}}
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>) : tensor<2x64xf32>, tensor<8x36xi8> -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

// Only the rows (tokens) may be dynamic.
func.func @dynamic_reduction(%x: tensor<2x?xf32>, %w: tensor<8x36xi8>) -> tensor<2x8xf32> {
  // expected-error @+1 {{only the leading (token) dimension may be dynamic, got 'tensor<2x?xf32>'}}
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>) : tensor<2x?xf32>, tensor<8x36xi8> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @dynamic_kernel_weight(%x: memref<?x64xf32>, %w: memref<?xi8>, %y: memref<?x8xf32>) {
  // expected-error @+1 {{shapes must be static but for the rows of the input and init}}
  lowbit.kernel_matmul ins(%x, %w : memref<?x64xf32>, memref<?xi8>) outs(%y : memref<?x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>)
  return
}

// -----

func.func @not_bytes(%x: tensor<64xf32>, %w: tensor<8x36xi16>) -> tensor<8xf32> {
  // expected-error @+1 {{packed weights must be i8 bytes, got 'i16'}}
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>) : tensor<64xf32>, tensor<8x36xi16> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @batch_mismatch(%x: tensor<2x1x64xf32>, %w: tensor<3x8x68xi8>) -> tensor<2x1x8xf32> {
  // expected-error @+1 {{input batch 2 must equal weight batch 3}}
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>) : tensor<2x1x64xf32>, tensor<3x8x68xi8> -> tensor<2x1x8xf32>
  return %0 : tensor<2x1x8xf32>
}

// -----

func.func @dequantize_rows(%w: tensor<8x36xi8>) -> tensor<4x64xf32> {
  // expected-error @+1 {{result rows 4 must match packed rows 8}}
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = q4_0>) : tensor<8x36xi8> -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// expected-error @+1 {{invalid scheme: bits must be in [2, 8], got 9}}
func.func private @bad_bits() attributes {s = #lowbit.scheme<bits = 9>}

// -----

// expected-error @+1 {{invalid scheme: block size must be a multiple of 8 in [16, 256], got 20}}
func.func private @bad_block() attributes {s = #lowbit.scheme<block = 20>}

// -----

// expected-error @+1 {{invalid scheme: codebook nf4 has 16 levels and needs bits = 4, got 3}}
func.func private @bad_codebook() attributes {s = #lowbit.scheme<bits = 3, codebook = nf4>}

// -----

// expected-error @+1 {{invalid scheme: a custom codebook needs 2^bits = 4 levels, got 3}}
func.func private @bad_levels() attributes {s = #lowbit.scheme<bits = 2, codebook = custom, levels = [1.0, 2.0, 3.0]>}

// -----

// expected-error @+1 {{invalid scheme: super-blocks take offset sub_min (quantized mins), not min}}
func.func private @bad_super_min() attributes {s = #lowbit.scheme<offset = min, super_block = 256, sub_scale_bits = 6>}

// -----

// expected-error @+1 {{invalid scheme: codebook schemes are symmetric (value = scale x level); offset must be none}}
func.func private @asym_codebook() attributes {s = #lowbit.scheme<offset = min, codebook = nf4>}

// -----

// expected-error @+1 {{parameter 'bits' disagrees with format q4_k, which fixes it; drop it or use format = generic}}
func.func private @gguf_override() attributes {s = #lowbit.scheme<format = q4_k, bits = 3>}

// -----

// #lowbit.kernel_layout holds every assumption the vector kernels make.
// expected-error @+1 {{invalid kernel layout: code_bits must be 2, 4, 5, 6 or 8, got 3}}
func.func private @bad_code_bits() attributes {l = #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, code_bits = 3, zero_point = 8>}

// -----

// expected-error @+1 {{invalid kernel layout: super_groups must be 0 (one level) or in [2, 4096]}}
func.func private @one_group_super_block() attributes {l = #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, scale_f16 = false, has_min = true, min_f16 = false, super_groups = 1, super_f16 = true>}

// -----

// expected-error @+1 {{invalid kernel layout: a lookup needs 16 entries, 4-bit codes and a table of <= 16}}
func.func private @short_lookup() attributes {l = #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 127, table = [-127.0, -104.0, -83.0], lookup = [0, 23, 45]>}

// -----

// k-quads need one row per i32 lane (rows_per_group = vector_bytes / 4).
// expected-error @+1 {{invalid kernel layout: k-quads need one row per i32 lane (rows_per_group = vector_bytes / 4) and integer codes}}
func.func private @quad_rows() attributes {l = #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8, quad = true>}

// -----

// expected-error @+1 {{invalid kernel layout: group must be 8, 16 or 32, got 24}}
func.func private @bad_group() attributes {l = #lowbit.kernel_layout<rows = 6, cols = 64, group = 24, rows_per_group = 4, vector_bytes = 64>}

// -----

// expected-error @+1 {{lookup entries must be in [0, 255], got 300}}
func.func private @lookup_range() attributes {l = #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, table = [0.0, 1.0], lookup = [0, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>}

// -----

// expected-error @+2 {{expected 'true' or 'false'}}
// expected-error @+1 {{failed to parse LowBit_KernelLayoutAttr parameter 'quad'}}
func.func private @flag_spelling() attributes {l = #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, quad = 1>}

// -----

// #lowbit.target mirrors an entry of the target table.
// expected-error @+1 {{unknown target 'riscv64' (known: x86-64, x86-64-v3, x86-64-v3-vnni, x86-64-v4, x86-64-v4-vnni, aarch64, aarch64-dotprod, aarch64-i8mm)}}
module attributes {lowbit.target = #lowbit.target<name = "riscv64", vector_bytes = 16, dot = none, lookup = none, rows_per_group = 4>} {}

// -----

// expected-error @+1 {{fields do not match the table's 'x86-64-v3': vector_bytes = 32, dot = vpmaddubsw_ymm, lookup = vpshufb_ymm, rows_per_group = 4}}
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v3", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>} {}

// -----

// expected-error @+2 {{unknown kind 'vpdpbssd'}}
// expected-error @+1 {{failed to parse LowBit_TargetAttr parameter 'dot'}}
module attributes {lowbit.target = #lowbit.target<name = "x86-64-v3", vector_bytes = 32, dot = vpdpbssd, lookup = vpshufb_ymm, rows_per_group = 4>} {}

// -----

// lowbit.kernel_matmul: shapes follow from the layout.
func.func @kernel_weight_bytes(%x: tensor<1x64xf32>, %w: tensor<100xi8>, %y: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{the layout takes 288 bytes (1-D i8), got 'tensor<100xi8>'}}
  %r = lowbit.kernel_matmul ins(%x, %w : tensor<1x64xf32>, tensor<100xi8>) outs(%y : tensor<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// -----

func.func @kernel_init_rows(%x: tensor<1x64xf32>, %w: tensor<288xi8>, %y: tensor<1x6xf32>) -> tensor<1x6xf32> {
  // expected-error @+1 {{init must be 1 x 8 f32 (rows padded to whole row groups), got 'tensor<1x6xf32>'}}
  %r = lowbit.kernel_matmul ins(%x, %w : tensor<1x64xf32>, tensor<288xi8>) outs(%y : tensor<1x6xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) -> tensor<1x6xf32>
  return %r : tensor<1x6xf32>
}

// -----

func.func @kernel_input_cols(%x: tensor<1x32xf32>, %w: tensor<288xi8>, %y: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{input must be T x 64 f32 with T >= 1, got 'tensor<1x32xf32>'}}
  %r = lowbit.kernel_matmul ins(%x, %w : tensor<1x32xf32>, tensor<288xi8>) outs(%y : tensor<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// -----

func.func @kernel_mixed(%x: tensor<1x64xf32>, %w: memref<288xi8>, %y: memref<1x8xf32>) {
  // expected-error @+1 {{operands must be all ranked tensors or all memrefs}}
  lowbit.kernel_matmul ins(%x, %w : tensor<1x64xf32>, memref<288xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>)
  return
}

// -----

func.func @kernel_memref_result(%x: memref<1x64xf32>, %w: memref<288xi8>, %y: memref<1x8xf32>) {
  // expected-error @+1 {{on memrefs returns nothing}}
  %r = lowbit.kernel_matmul ins(%x, %w : memref<1x64xf32>, memref<288xi8>) outs(%y : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, zero_point = 8>) -> tensor<1x8xf32>
  return
}

// -----

func.func @kernel_quad_float(%x: tensor<3x64xf32>, %w: tensor<576xi8>, %y: tensor<3x16xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{k-quad layouts run only on int8 dot products, not the float path}}
  %r = lowbit.kernel_matmul ins(%x, %w : tensor<3x64xf32>, tensor<576xi8>) outs(%y : tensor<3x16xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 16, vector_bytes = 64, zero_point = 8, quad = true>) float_path -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

func.func @kernel_float_codebook(%x: tensor<1x64xf32>, %w: tensor<160xi8>, %y: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{a float codebook runs only on the float path}}
  %r = lowbit.kernel_matmul ins(%x, %w : tensor<1x64xf32>, tensor<160xi8>) outs(%y : tensor<1x4xf32>) layout(#lowbit.kernel_layout<rows = 4, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64, has_min = true, table = [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5]>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

func.func @column_matmul_unsorted(%x: tensor<1x64xf32>, %w: tensor<8x2xf16>) -> tensor<1x8xf32> {
  // expected-error @+1 {{columns must be strictly increasing (sorted, no duplicates): 17 then 3}}
  %0 = lowbit.column_matmul %x, %w columns [17, 3] : tensor<1x64xf32>, tensor<8x2xf16> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @column_matmul_duplicate(%x: tensor<1x64xf32>, %w: tensor<8x2xf16>) -> tensor<1x8xf32> {
  // expected-error @+1 {{columns must be strictly increasing (sorted, no duplicates): 5 then 5}}
  %0 = lowbit.column_matmul %x, %w columns [5, 5] : tensor<1x64xf32>, tensor<8x2xf16> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @column_matmul_out_of_range(%x: tensor<1x64xf32>, %w: tensor<8x2xf16>) -> tensor<1x8xf32> {
  // expected-error @+1 {{column 64 is outside the input's 64 columns}}
  %0 = lowbit.column_matmul %x, %w columns [3, 64] : tensor<1x64xf32>, tensor<8x2xf16> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @column_matmul_count(%x: tensor<1x64xf32>, %w: tensor<8x2xf16>) -> tensor<1x8xf32> {
  // expected-error @+1 {{has 3 columns but the weight has 2}}
  %0 = lowbit.column_matmul %x, %w columns [1, 2, 3] : tensor<1x64xf32>, tensor<8x2xf16> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @column_matmul_result(%x: tensor<2x64xf32>, %w: tensor<8x2xf16>) -> tensor<1x8xf32> {
  // expected-error @+1 {{result shape must be [2, 8], got [1, 8]}}
  %0 = lowbit.column_matmul %x, %w columns [1, 2] : tensor<2x64xf32>, tensor<8x2xf16> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @column_matmul_int_weight(%x: tensor<1x64xf32>, %w: tensor<8x2xi8>) -> tensor<1x8xf32> {
  // expected-error @+1 {{weight must be f32, f16 or bf16, got 'i8'}}
  %0 = lowbit.column_matmul %x, %w columns [1, 2] : tensor<1x64xf32>, tensor<8x2xi8> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @sparse_unsorted(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  // expected-error @+4 {{row 0: columns must be strictly increasing (sorted, no duplicates): 17 then 3}}
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf16>
  %c = arith.constant dense<[17, 3, 40]> : tensor<3xi16>
  %o = arith.constant dense<[0, 2, 2, 3, 3]> : tensor<5xi32>
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_duplicate(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  // expected-error @+4 {{row 0: columns must be strictly increasing (sorted, no duplicates): 5 then 5}}
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf16>
  %c = arith.constant dense<[5, 5, 40]> : tensor<3xi16>
  %o = arith.constant dense<[0, 2, 2, 3, 3]> : tensor<5xi32>
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_column_range(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  // expected-error @+4 {{row 2 has column 64 outside the input's 64 columns}}
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf16>
  %c = arith.constant dense<[3, 17, 64]> : tensor<3xi16>
  %o = arith.constant dense<[0, 2, 2, 3, 3]> : tensor<5xi32>
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_offsets_start(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  // expected-error @+4 {{offsets must start at 0, got 1}}
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf16>
  %c = arith.constant dense<[3, 17, 40]> : tensor<3xi16>
  %o = arith.constant dense<[1, 2, 2, 3, 3]> : tensor<5xi32>
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_offsets_order(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  // expected-error @+4 {{offsets must be nondecreasing: row 1 spans [2, 1)}}
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf16>
  %c = arith.constant dense<[3, 17, 40]> : tensor<3xi16>
  %o = arith.constant dense<[0, 2, 1, 3, 3]> : tensor<5xi32>
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_offsets_end(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  // expected-error @+4 {{the last offset must be the number of values, 3, got 2}}
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf16>
  %c = arith.constant dense<[3, 17, 40]> : tensor<3xi16>
  %o = arith.constant dense<[0, 1, 2, 2, 2]> : tensor<5xi32>
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_counts(%x: tensor<2x64xf32>, %v: tensor<3xf16>, %c: tensor<2xi16>, %o: tensor<5xi32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{has 3 values but 2 columns}}
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<2xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_column_type(%x: tensor<2x64xf32>, %v: tensor<3xf16>, %c: tensor<3xi8>, %o: tensor<5xi32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{columns must be 1-D i16 or i32, got 'tensor<3xi8>'}}
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi8>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @sparse_result(%x: tensor<2x64xf32>, %v: tensor<3xf16>, %c: tensor<3xi16>, %o: tensor<5xi32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{result shape must be [2, 4], got [2, 5]}}
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @kernel_sparse_init(%x: memref<2x64xf32>, %v: memref<3xf16>, %c: memref<3xi16>, %o: memref<5xi32>, %y: memref<2x3xf32>) {
  // expected-error @+1 {{input must be T x K f32 and init T x N f32 with N + 1 offsets}}
  lowbit.kernel_sparse_matmul ins(%x, %v, %c, %o : memref<2x64xf32>, memref<3xf16>, memref<3xi16>, memref<5xi32>) outs(%y : memref<2x3xf32>)
  return
}
