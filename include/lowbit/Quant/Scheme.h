//===- Scheme.h - Quantization schemes: GGUF formats and parametric -*- C++
//-*-===//
//
// A Scheme says how one row of weights becomes bytes. Every scheme decodes as
//
//   value = (d x s) x L(v) [+ m | - (dmin x mc)]
//
// where d (and dmin or m) is a per-block float header in `scaleType`, s is the
// integer sub-scale of the sub-block (1 without super-blocks), v the integer
// code of the element and L(v) its level: v itself (uniform), v - z (integer
// zero point) or codebook[v]. The GGUF formats are fixed instances with
// ggml's byte layouts; `Format::Generic` uses lowbit's own compact layout.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_QUANT_SCHEME_H
#define LOWBIT_QUANT_SCHEME_H

#include <optional>
#include <string>
#include <vector>

namespace lowbit::quant {

/// The byte layout. Each GGUF entry is byte-identical to ggml's block type.
enum class Format {
  Generic,
  Q8_0,
  Q4_0,
  Q4_1,
  Q5_0,
  Q5_1,
  Q2_K,
  Q3_K,
  Q4_K,
  Q5_K,
  Q6_K,
  IQ4_NL,
  IQ4_XS,
};

enum class ScaleType { F32, F16, BF16 };

/// How an asymmetric block shifts its levels.
enum class Offset {
  None,      ///< symmetric: value = scale x level
  FloatMin,  ///< value = d x v + m, m a float in scaleType (q4_1)
  ZeroPoint, ///< value = d x (v - z), z an integer code per block
  SubMin,    ///< K-quant: value = (d x s) x v - (dmin x mc), mc >= 0
};

enum class Codebook { None, NF4, IQ4NL, Custom };

struct Scheme {
  Format format = Format::Generic;
  unsigned bits = 4;
  /// Elements per block; with super-blocks, per sub-block.
  unsigned blockSize = 32;
  Offset offset = Offset::None;
  ScaleType scaleType = ScaleType::F16;
  /// 0 without super-blocks; else elements per super-block.
  unsigned superBlockSize = 0;
  /// Bits of each quantized sub-scale (and sub-min) in a super-block.
  unsigned subScaleBits = 0;
  Codebook codebook = Codebook::None;
  /// Levels of a Custom codebook, 2^bits ascending values.
  std::vector<float> levels;

  bool hasSuperBlocks() const { return superBlockSize != 0; }
  bool isSymmetric() const { return offset == Offset::None; }
  /// Elements covered by one header (super-block or block).
  unsigned groupSize() const {
    return hasSuperBlocks() ? superBlockSize : blockSize;
  }
  bool operator==(const Scheme &o) const {
    return format == o.format && bits == o.bits && blockSize == o.blockSize &&
           offset == o.offset && scaleType == o.scaleType &&
           superBlockSize == o.superBlockSize &&
           subScaleBits == o.subScaleBits && codebook == o.codebook &&
           levels == o.levels;
  }
};

/// The parameters of a GGUF format (its semantics; its layout is `format`).
Scheme ggufScheme(Format format);

/// All twelve GGUF formats, in GGUF type-id order.
const std::vector<Format> &allGgufFormats();

/// Lower-case name: "q4_k", "iq4_nl", "generic".
const char *formatName(Format format);
std::optional<Format> parseFormatName(const std::string &name);
/// GGUF type id of a GGUF format (q4_0 = 2, ...), or -1 for Generic.
int ggufTypeId(Format format);

const char *scaleTypeName(ScaleType t);
const char *offsetName(Offset o);
const char *codebookName(Codebook c);

/// Checks that a scheme can exist. Returns an empty string when valid, else
/// a precise message naming the offending parameter.
std::string validateScheme(const Scheme &scheme);

/// Parses a command-line spelling: a GGUF name ("q4_k") or a parametric list
/// "b3:g64:asym:f16:sb256x6:nf4" (see docs/Schemes.md). On failure returns
/// nullopt and sets `error`.
std::optional<Scheme> parseScheme(const std::string &text, std::string &error);
/// Inverse of parseScheme: the shortest spelling of a valid scheme.
std::string printScheme(const Scheme &scheme);

/// The levels a codebook scheme decodes codes to (size 2^bits).
std::vector<float> codebookLevels(const Scheme &scheme);

} // namespace lowbit::quant

#endif // LOWBIT_QUANT_SCHEME_H
