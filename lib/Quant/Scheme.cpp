//===- Scheme.cpp - GGUF scheme table, validation, spelling ---------------===//

#include "lowbit/Quant/Scheme.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace lowbit::quant {

namespace {
struct FormatInfo {
  Format format;
  const char *name;
  int typeId;
  unsigned bits, block;
  Offset offset;
  unsigned superBlock, subBits;
  Codebook codebook;
};

const FormatInfo kFormats[] = {
    {Format::Q4_0, "q4_0", 2, 4, 32, Offset::None, 0, 0, Codebook::None},
    {Format::Q4_1, "q4_1", 3, 4, 32, Offset::FloatMin, 0, 0, Codebook::None},
    {Format::Q5_0, "q5_0", 6, 5, 32, Offset::None, 0, 0, Codebook::None},
    {Format::Q5_1, "q5_1", 7, 5, 32, Offset::FloatMin, 0, 0, Codebook::None},
    {Format::Q8_0, "q8_0", 8, 8, 32, Offset::None, 0, 0, Codebook::None},
    {Format::Q2_K, "q2_k", 10, 2, 16, Offset::SubMin, 256, 4, Codebook::None},
    {Format::Q3_K, "q3_k", 11, 3, 16, Offset::None, 256, 6, Codebook::None},
    {Format::Q4_K, "q4_k", 12, 4, 32, Offset::SubMin, 256, 6, Codebook::None},
    {Format::Q5_K, "q5_k", 13, 5, 32, Offset::SubMin, 256, 6, Codebook::None},
    {Format::Q6_K, "q6_k", 14, 6, 16, Offset::None, 256, 8, Codebook::None},
    {Format::IQ4_NL, "iq4_nl", 20, 4, 32, Offset::None, 0, 0, Codebook::IQ4NL},
    {Format::IQ4_XS, "iq4_xs", 23, 4, 32, Offset::None, 256, 6,
     Codebook::IQ4NL},
};

const FormatInfo *findInfo(Format f) {
  for (const FormatInfo &i : kFormats)
    if (i.format == f)
      return &i;
  return nullptr;
}

// NF4 levels (QLoRA, Dettmers et al. 2023): quantiles of N(0,1) scaled to
// [-1, 1], with an exact zero.
const float kNF4[16] = {-1.0f,
                        -0.6961928009986877f,
                        -0.5250730514526367f,
                        -0.39491748809814453f,
                        -0.28444138169288635f,
                        -0.18477343022823334f,
                        -0.09105003625154495f,
                        0.0f,
                        0.07958029955625534f,
                        0.16093020141124725f,
                        0.24611230194568634f,
                        0.33791524171829224f,
                        0.44070982933044434f,
                        0.5626170039176941f,
                        0.7229568362236023f,
                        1.0f};
const float kIQ4NL[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                          1,    13,   25,  38,  53,  69,  89,  113};
} // namespace

Scheme ggufScheme(Format format) {
  Scheme s;
  const FormatInfo *info = findInfo(format);
  if (!info)
    return s;
  s.format = format;
  s.bits = info->bits;
  s.blockSize = info->block;
  s.offset = info->offset;
  s.scaleType = ScaleType::F16;
  s.superBlockSize = info->superBlock;
  s.subScaleBits = info->subBits;
  s.codebook = info->codebook;
  return s;
}

const std::vector<Format> &allGgufFormats() {
  static const std::vector<Format> all = [] {
    std::vector<Format> v;
    for (const FormatInfo &i : kFormats)
      v.push_back(i.format);
    return v;
  }();
  return all;
}

const char *formatName(Format format) {
  const FormatInfo *info = findInfo(format);
  return info ? info->name : "generic";
}

std::optional<Format> parseFormatName(const std::string &name) {
  std::string lower;
  for (char c : name)
    lower += char(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "generic")
    return Format::Generic;
  for (const FormatInfo &i : kFormats)
    if (lower == i.name)
      return i.format;
  return std::nullopt;
}

int ggufTypeId(Format format) {
  const FormatInfo *info = findInfo(format);
  return info ? info->typeId : -1;
}

const char *scaleTypeName(ScaleType t) {
  switch (t) {
  case ScaleType::F32:
    return "f32";
  case ScaleType::F16:
    return "f16";
  case ScaleType::BF16:
    return "bf16";
  }
  return "?";
}

const char *offsetName(Offset o) {
  switch (o) {
  case Offset::None:
    return "none";
  case Offset::FloatMin:
    return "min";
  case Offset::ZeroPoint:
    return "zero_point";
  case Offset::SubMin:
    return "sub_min";
  }
  return "?";
}

const char *codebookName(Codebook c) {
  switch (c) {
  case Codebook::None:
    return "none";
  case Codebook::NF4:
    return "nf4";
  case Codebook::IQ4NL:
    return "iq4_nl";
  case Codebook::Custom:
    return "custom";
  }
  return "?";
}

std::vector<float> codebookLevels(const Scheme &scheme) {
  switch (scheme.codebook) {
  case Codebook::None:
    return {};
  case Codebook::NF4:
    return std::vector<float>(kNF4, kNF4 + 16);
  case Codebook::IQ4NL:
    return std::vector<float>(kIQ4NL, kIQ4NL + 16);
  case Codebook::Custom:
    return scheme.levels;
  }
  return {};
}

std::string validateScheme(const Scheme &s) {
  std::ostringstream os;
  if (s.format != Format::Generic) {
    Scheme expected = ggufScheme(s.format);
    if (!(expected == s)) {
      os << "format " << formatName(s.format) << " fixes its parameters (bits "
         << expected.bits << ", block " << expected.blockSize << ", offset "
         << offsetName(expected.offset) << ", scale f16, super-block "
         << expected.superBlockSize
         << "); use format generic for other parameters";
      return os.str();
    }
    return "";
  }
  if (s.bits < 2 || s.bits > 8)
    return "bits must be in [2, 8], got " + std::to_string(s.bits);
  if (s.blockSize < 16 || s.blockSize > 256 || s.blockSize % 8 != 0)
    return "block size must be a multiple of 8 in [16, 256], got " +
           std::to_string(s.blockSize);
  if (s.hasSuperBlocks()) {
    if (s.superBlockSize % s.blockSize != 0 || s.superBlockSize <= s.blockSize)
      return "super-block size " + std::to_string(s.superBlockSize) +
             " must be a multiple of the block size " +
             std::to_string(s.blockSize) + " holding at least two blocks";
    if (s.superBlockSize > 4096)
      return "super-block size must be at most 4096, got " +
             std::to_string(s.superBlockSize);
    if (s.subScaleBits < 2 || s.subScaleBits > 8)
      return "sub-scale bits must be in [2, 8], got " +
             std::to_string(s.subScaleBits);
    if (s.offset == Offset::FloatMin || s.offset == Offset::ZeroPoint)
      return std::string("super-blocks take offset sub_min (quantized mins), "
                         "not ") +
             offsetName(s.offset);
  } else {
    if (s.subScaleBits != 0)
      return "sub-scale bits need a super-block";
    if (s.offset == Offset::SubMin)
      return "offset sub_min needs a super-block";
  }
  if (s.codebook != Codebook::None) {
    if (s.offset != Offset::None)
      return "codebook schemes are symmetric (value = scale x level); offset "
             "must be none";
    if ((s.codebook == Codebook::NF4 || s.codebook == Codebook::IQ4NL) &&
        s.bits != 4)
      return std::string("codebook ") + codebookName(s.codebook) +
             " has 16 levels and needs bits = 4, got " + std::to_string(s.bits);
    if (s.codebook == Codebook::Custom) {
      if (s.levels.size() != (size_t(1) << s.bits))
        return "a custom codebook needs 2^bits = " +
               std::to_string(1u << s.bits) + " levels, got " +
               std::to_string(s.levels.size());
      for (size_t i = 0; i < s.levels.size(); ++i) {
        if (!std::isfinite(s.levels[i]))
          return "custom codebook level " + std::to_string(i) +
                 " is not finite";
        if (i && !(s.levels[i] > s.levels[i - 1]))
          return "custom codebook levels must be strictly ascending (level " +
                 std::to_string(i) + ")";
      }
    }
  } else if (!s.levels.empty()) {
    return "levels are only allowed with codebook = custom";
  }
  return "";
}

// Spelling: "q4_k" | fields separated by ':' — "b<bits>", "g<block>",
// "sym" | "asym" (float min; sub_min with super-blocks) | "zp",
// "f32" | "f16" | "bf16", "sb<super>x<subbits>", "nf4" | "iq4nl" |
// "cb=<v1>,<v2>,...".
std::optional<Scheme> parseScheme(const std::string &text, std::string &error) {
  if (auto f = parseFormatName(text); f && *f != Format::Generic)
    return ggufScheme(*f);
  Scheme s;
  s.format = Format::Generic;
  bool asym = false, zp = false, haveBits = false;
  std::stringstream ss(text);
  std::string tok;
  auto number = [&](const std::string &digits, unsigned &out) {
    if (digits.empty() || digits.size() > 6 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    out = unsigned(std::strtoul(digits.c_str(), nullptr, 10));
    return true;
  };
  while (std::getline(ss, tok, ':')) {
    if (tok.empty())
      continue;
    if (tok == "sym") {
      asym = false;
    } else if (tok == "asym") {
      asym = true;
    } else if (tok == "zp") {
      asym = zp = true;
    } else if (tok == "f32" || tok == "f16" || tok == "bf16") {
      s.scaleType = tok == "f32"   ? ScaleType::F32
                    : tok == "f16" ? ScaleType::F16
                                   : ScaleType::BF16;
    } else if (tok == "nf4") {
      s.codebook = Codebook::NF4;
    } else if (tok == "iq4nl") {
      s.codebook = Codebook::IQ4NL;
    } else if (tok.rfind("cb=", 0) == 0) {
      s.codebook = Codebook::Custom;
      std::stringstream ls(tok.substr(3));
      std::string v;
      while (std::getline(ls, v, ',')) {
        char *end = nullptr;
        float f = std::strtof(v.c_str(), &end);
        if (v.empty() || *end) {
          error = "bad codebook level '" + v + "' in '" + text + "'";
          return std::nullopt;
        }
        s.levels.push_back(f);
      }
    } else if (tok.rfind("sb", 0) == 0) {
      size_t x = tok.find('x');
      if (x == std::string::npos ||
          !number(tok.substr(2, x - 2), s.superBlockSize) ||
          !number(tok.substr(x + 1), s.subScaleBits)) {
        error = "bad super-block field '" + tok +
                "' (expected sb<size>x<sub-scale bits>, e.g. sb256x6)";
        return std::nullopt;
      }
    } else if (tok[0] == 'b' && number(tok.substr(1), s.bits)) {
      haveBits = true;
    } else if (tok[0] == 'g' && number(tok.substr(1), s.blockSize)) {
    } else {
      error = "unknown scheme field '" + tok + "' in '" + text +
              "' (expected a GGUF name such as q4_k, or fields like "
              "b4:g32:asym:f16:sb256x6:nf4)";
      return std::nullopt;
    }
  }
  // "f16", "sym" or "g32" alone are not schemes: quantizing them to a
  // default of 4 bits would silently answer another question (llama.cpp's
  // --tensor-type x=f16 means float storage).
  if (!haveBits && s.codebook == Codebook::None) {
    error = "'" + text +
            "' names no bit width: a parametric scheme needs bN (e.g. "
            "b4:g32:sym:f16); float weights are f32, f16, bf16 or keep (as "
            "the input)";
    return std::nullopt;
  }
  s.offset = !asym              ? Offset::None
             : zp               ? Offset::ZeroPoint
             : s.superBlockSize ? Offset::SubMin
                                : Offset::FloatMin;
  error = validateScheme(s);
  if (!error.empty())
    return std::nullopt;
  return s;
}

std::string printScheme(const Scheme &s) {
  if (s.format != Format::Generic)
    return formatName(s.format);
  std::ostringstream os;
  os << "b" << s.bits << ":g" << s.blockSize << ":"
     << (s.offset == Offset::None        ? "sym"
         : s.offset == Offset::ZeroPoint ? "zp"
                                         : "asym")
     << ":" << scaleTypeName(s.scaleType);
  if (s.hasSuperBlocks())
    os << ":sb" << s.superBlockSize << "x" << s.subScaleBits;
  if (s.codebook == Codebook::NF4)
    os << ":nf4";
  else if (s.codebook == Codebook::IQ4NL)
    os << ":iq4nl";
  else if (s.codebook == Codebook::Custom) {
    os << ":cb=";
    os.precision(9);
    for (size_t i = 0; i < s.levels.size(); ++i)
      os << (i ? "," : "") << s.levels[i];
  }
  return os.str();
}

} // namespace lowbit::quant
