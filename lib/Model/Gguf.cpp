//===- Gguf.cpp - GGUF v2/v3 reader ---------------------------------------===//

#include "lowbit/Model/Gguf.h"
#include "lowbit/Quant/Quantizer.h"

#include <algorithm>
#include <cstring>
#include <set>

namespace lowbit::model {

//===-- Values
//-------------------------------------------------------------===//

GgufValue GgufValue::ofU32(uint32_t v) {
  GgufValue x;
  x.type = GgufType::U32;
  x.u = v;
  x.i = v;
  return x;
}
GgufValue GgufValue::ofI32(int32_t v) {
  GgufValue x;
  x.type = GgufType::I32;
  x.i = v;
  x.u = uint64_t(v);
  return x;
}
GgufValue GgufValue::ofU64(uint64_t v) {
  GgufValue x;
  x.type = GgufType::U64;
  x.u = v;
  x.i = int64_t(v);
  return x;
}
GgufValue GgufValue::ofF32(float v) {
  GgufValue x;
  x.type = GgufType::F32;
  x.f = v;
  return x;
}
GgufValue GgufValue::ofBool(bool v) {
  GgufValue x;
  x.type = GgufType::Bool;
  x.u = v;
  x.i = v;
  return x;
}
GgufValue GgufValue::ofString(std::string v) {
  GgufValue x;
  x.type = GgufType::String;
  x.s = std::move(v);
  return x;
}
GgufValue GgufValue::ofArray(GgufType elemType, std::vector<GgufValue> items) {
  GgufValue x;
  x.type = GgufType::Array;
  x.elemType = elemType;
  x.items = std::move(items);
  return x;
}

std::optional<int64_t> GgufValue::asInt() const {
  switch (type) {
  case GgufType::U8:
  case GgufType::I8:
  case GgufType::U16:
  case GgufType::I16:
  case GgufType::U32:
  case GgufType::I32:
  case GgufType::U64:
  case GgufType::I64:
  case GgufType::Bool:
    return i;
  default:
    return std::nullopt;
  }
}

std::optional<double> GgufValue::asFloat() const {
  if (type == GgufType::F32 || type == GgufType::F64)
    return f;
  if (auto v = asInt())
    return double(*v);
  return std::nullopt;
}

//===-- Types
//--------------------------------------------------------------===//

namespace {
struct TypeInfo {
  uint32_t id;
  const char *name;
  unsigned blockSize, blockBytes;
};
const TypeInfo kTypes[] = {
    {0, "f32", 1, 4},       {1, "f16", 1, 2},         {2, "q4_0", 32, 18},
    {3, "q4_1", 32, 20},    {6, "q5_0", 32, 22},      {7, "q5_1", 32, 24},
    {8, "q8_0", 32, 34},    {10, "q2_K", 256, 84},    {11, "q3_K", 256, 110},
    {12, "q4_K", 256, 144}, {13, "q5_K", 256, 176},   {14, "q6_K", 256, 210},
    {20, "iq4_nl", 32, 18}, {23, "iq4_xs", 256, 136}, {30, "bf16", 1, 2},
};
const TypeInfo *typeInfo(uint32_t id) {
  for (const TypeInfo &t : kTypes)
    if (t.id == id)
      return &t;
  return nullptr;
}
} // namespace

std::string ggmlTypeName(uint32_t type) {
  const TypeInfo *t = typeInfo(type);
  return t ? t->name : "type " + std::to_string(type);
}

std::optional<quant::Format> ggmlTypeFormat(uint32_t type) {
  for (quant::Format f : quant::allGgufFormats())
    if (quant::ggufTypeId(f) == int(type))
      return f;
  return std::nullopt;
}

std::optional<GgmlType> formatGgmlType(quant::Format format) {
  int id = quant::ggufTypeId(format);
  if (id < 0)
    return std::nullopt;
  return GgmlType(id);
}

std::optional<uint64_t> ggmlTensorBytes(uint32_t type, int64_t rowLength,
                                        int64_t rows) {
  const TypeInfo *t = typeInfo(type);
  if (!t || rowLength <= 0 || rows <= 0 || rowLength % t->blockSize != 0)
    return std::nullopt;
  unsigned __int128 bytes = (unsigned __int128)(rowLength / t->blockSize) *
                            t->blockBytes * (unsigned __int128)rows;
  if (bytes >> 63)
    return std::nullopt;
  return uint64_t(bytes);
}

int64_t GgufTensor::rows() const {
  int64_t r = 1;
  for (size_t i = 1; i < dims.size(); ++i)
    r *= dims[i];
  return r;
}

//===-- Reader
//-------------------------------------------------------------===//

namespace {

/// Bounds-checked reading from the mapped bytes; the first failure sticks.
class Cursor {
public:
  Cursor(const uint8_t *data, size_t size) : data(data), size(size) {}
  bool failed() const { return !error.empty(); }
  size_t offset() const { return pos; }
  size_t remaining() const { return size - pos; }
  void fail(const std::string &msg) {
    if (error.empty())
      error = msg + " (at byte " + std::to_string(pos) + ")";
  }
  template <typename T> T read(const char *what) {
    T v{};
    if (failed())
      return v;
    if (remaining() < sizeof(T)) {
      fail(std::string("truncated file: cannot read ") + what);
      return v;
    }
    std::memcpy(&v, data + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  std::string readString(const char *what) {
    uint64_t len = read<uint64_t>(what);
    if (failed())
      return "";
    if (len > remaining()) {
      fail(std::string(what) + " claims " + std::to_string(len) +
           " bytes but only " + std::to_string(remaining()) + " remain");
      return "";
    }
    std::string s(reinterpret_cast<const char *>(data + pos), size_t(len));
    pos += size_t(len);
    return s;
  }
  std::string error;

private:
  const uint8_t *data;
  size_t size;
  size_t pos = 0;
};

/// Fewest bytes a value of `t` can occupy (to bound counts before
/// allocating), 0 for unknown types.
size_t minBytes(GgufType t) {
  switch (t) {
  case GgufType::U8:
  case GgufType::I8:
  case GgufType::Bool:
    return 1;
  case GgufType::U16:
  case GgufType::I16:
    return 2;
  case GgufType::U32:
  case GgufType::I32:
  case GgufType::F32:
    return 4;
  case GgufType::U64:
  case GgufType::I64:
  case GgufType::F64:
  case GgufType::String:
    return 8;
  case GgufType::Array:
    return 12;
  }
  return 0;
}

GgufValue readValue(Cursor &c, GgufType type, const std::string &key,
                    int depth) {
  GgufValue v;
  v.type = type;
  switch (type) {
  case GgufType::U8:
    v.u = c.read<uint8_t>("u8");
    v.i = int64_t(v.u);
    break;
  case GgufType::I8:
    v.i = c.read<int8_t>("i8");
    v.u = uint64_t(v.i);
    break;
  case GgufType::U16:
    v.u = c.read<uint16_t>("u16");
    v.i = int64_t(v.u);
    break;
  case GgufType::I16:
    v.i = c.read<int16_t>("i16");
    v.u = uint64_t(v.i);
    break;
  case GgufType::U32:
    v.u = c.read<uint32_t>("u32");
    v.i = int64_t(v.u);
    break;
  case GgufType::I32:
    v.i = c.read<int32_t>("i32");
    v.u = uint64_t(v.i);
    break;
  case GgufType::U64:
    v.u = c.read<uint64_t>("u64");
    v.i = int64_t(v.u);
    break;
  case GgufType::I64:
    v.i = c.read<int64_t>("i64");
    v.u = uint64_t(v.i);
    break;
  case GgufType::F32:
    v.f = c.read<float>("f32");
    break;
  case GgufType::F64:
    v.f = c.read<double>("f64");
    break;
  case GgufType::Bool: {
    uint8_t b = c.read<uint8_t>("bool");
    if (b > 1)
      c.fail("metadata '" + key + "': bool value " + std::to_string(b));
    v.u = b;
    v.i = b;
    break;
  }
  case GgufType::String:
    v.s = c.readString("string length");
    break;
  case GgufType::Array: {
    if (depth >= 4) {
      c.fail("metadata '" + key + "': arrays nested deeper than 4");
      break;
    }
    uint32_t elem = c.read<uint32_t>("array element type");
    uint64_t count = c.read<uint64_t>("array length");
    if (c.failed())
      break;
    size_t min = minBytes(GgufType(elem));
    if (!min) {
      c.fail("metadata '" + key + "': unknown array element type " +
             std::to_string(elem));
      break;
    }
    if (count > c.remaining() / min) {
      c.fail("metadata '" + key + "': array of " + std::to_string(count) +
             " elements cannot fit in the " + std::to_string(c.remaining()) +
             " bytes left");
      break;
    }
    v.elemType = GgufType(elem);
    v.items.reserve(size_t(count));
    for (uint64_t i = 0; i < count && !c.failed(); ++i)
      v.items.push_back(readValue(c, GgufType(elem), key, depth + 1));
    break;
  }
  }
  return v;
}

} // namespace

std::string GgufFile::open(const std::string &path) {
  std::string err = file_.open(path);
  if (err.empty())
    err = parse(file_.data(), file_.size());
  return err.empty() ? "" : path + ": " + err;
}

std::string GgufFile::parse(const uint8_t *data, size_t size) {
  metadata_.clear();
  tensors_.clear();
  Cursor c(data, size);
  uint32_t magic = c.read<uint32_t>("magic");
  if (c.failed())
    return "not a GGUF file: " + c.error;
  if (magic != 0x46554747) // "GGUF" little-endian
    return "not a GGUF file (bad magic)";
  version_ = c.read<uint32_t>("version");
  if (!c.failed() && (version_ < 2 || version_ > 3))
    return "GGUF version " + std::to_string(version_) +
           " is not supported (lowbit reads versions 2 and 3)";
  uint64_t tensorCount = c.read<uint64_t>("tensor count");
  uint64_t kvCount = c.read<uint64_t>("metadata count");
  if (c.failed())
    return c.error;
  // Every entry takes at least 12 (metadata) or 28 (tensor info) bytes.
  if (kvCount > c.remaining() / 12)
    return "metadata count " + std::to_string(kvCount) +
           " cannot fit in the file";
  if (tensorCount > c.remaining() / 28)
    return "tensor count " + std::to_string(tensorCount) +
           " cannot fit in the file";

  std::set<std::string> keys;
  for (uint64_t k = 0; k < kvCount && !c.failed(); ++k) {
    std::string key = c.readString("metadata key length");
    uint32_t type = c.read<uint32_t>("metadata value type");
    if (c.failed())
      break;
    if (!minBytes(GgufType(type)))
      return "metadata '" + key + "' has unknown value type " +
             std::to_string(type);
    if (!keys.insert(key).second)
      return "duplicate metadata key '" + key + "'";
    GgufValue v = readValue(c, GgufType(type), key, 0);
    metadata_.emplace_back(key, std::move(v));
  }
  if (c.failed())
    return c.error;

  alignment_ = 32;
  if (const GgufValue *a = find("general.alignment")) {
    if (a->type != GgufType::U32 || a->u == 0 || (a->u & (a->u - 1)))
      return "general.alignment must be a power-of-two u32";
    alignment_ = uint32_t(a->u);
  }

  std::set<std::string> names;
  for (uint64_t t = 0; t < tensorCount && !c.failed(); ++t) {
    GgufTensor info;
    info.name = c.readString("tensor name length");
    uint32_t nDims = c.read<uint32_t>("tensor dimension count");
    if (c.failed())
      break;
    if (info.name.empty())
      return "tensor " + std::to_string(t) + " has an empty name";
    if (!names.insert(info.name).second)
      return "duplicate tensor name '" + info.name + "'";
    if (nDims == 0 || nDims > 4)
      return "tensor '" + info.name + "' has " + std::to_string(nDims) +
             " dimensions (1 to 4 allowed)";
    unsigned __int128 count = 1;
    for (uint32_t d = 0; d < nDims; ++d) {
      uint64_t dim = c.read<uint64_t>("tensor dimension");
      if (c.failed())
        break;
      if (dim == 0 || dim > (uint64_t(1) << 40))
        return "tensor '" + info.name + "' dimension " + std::to_string(d) +
               " is " + std::to_string(dim);
      count *= dim;
      if (count >> 62)
        return "tensor '" + info.name + "' has too many elements";
      info.dims.push_back(int64_t(dim));
    }
    info.type = c.read<uint32_t>("tensor type");
    info.offset = c.read<uint64_t>("tensor offset");
    if (c.failed())
      break;
    if (!typeInfo(info.type))
      return "tensor '" + info.name + "' has " + ggmlTypeName(info.type) +
             ", which lowbit does not read";
    auto bytes = ggmlTensorBytes(info.type, info.dims[0], info.rows());
    if (!bytes)
      return "tensor '" + info.name + "': rows of " +
             std::to_string(info.dims[0]) + " do not fill whole " +
             ggmlTypeName(info.type) + " blocks";
    info.bytes = *bytes;
    if (info.offset % alignment_ != 0)
      return "tensor '" + info.name + "' offset " +
             std::to_string(info.offset) + " is not a multiple of the " +
             std::to_string(alignment_) + "-byte alignment";
    tensors_.push_back(std::move(info));
  }
  if (c.failed())
    return c.error;

  uint64_t dataStart =
      (uint64_t(c.offset()) + alignment_ - 1) / alignment_ * alignment_;
  if (dataStart > size)
    return "truncated file: the data section would start at byte " +
           std::to_string(dataStart) + " of " + std::to_string(size);
  uint64_t dataSize = size - dataStart;
  for (GgufTensor &t : tensors_) {
    if (t.offset > dataSize || t.bytes > dataSize - t.offset)
      return "tensor '" + t.name + "' needs bytes [" +
             std::to_string(t.offset) + ", " +
             std::to_string(t.offset + t.bytes) + ") of a data section of " +
             std::to_string(dataSize) + " (truncated or lying file)";
    t.data = data + dataStart + t.offset;
  }
  // Tensors may not share bytes (as the safetensors reader requires):
  // aliased weights would be quantized, exported and edited twice.
  std::vector<std::pair<uint64_t, size_t>> ranges; // (offset, tensor index)
  for (size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].bytes)
      ranges.emplace_back(tensors_[i].offset, i);
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    const GgufTensor &prev = tensors_[ranges[i - 1].second];
    if (ranges[i].first < prev.offset + prev.bytes)
      return "tensors '" + prev.name + "' and '" +
             tensors_[ranges[i].second].name +
             "' overlap in the data section";
  }
  return "";
}

const GgufValue *GgufFile::find(const std::string &key) const {
  for (const auto &[k, v] : metadata_)
    if (k == key)
      return &v;
  return nullptr;
}

const GgufTensor *GgufFile::findTensor(const std::string &name) const {
  for (const GgufTensor &t : tensors_)
    if (t.name == name)
      return &t;
  return nullptr;
}

} // namespace lowbit::model
