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
