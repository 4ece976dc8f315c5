//===- GgufWriter.cpp - GGUF v3 writer ------------------------------------===//

#include "lowbit/Model/Gguf.h"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace lowbit::model {

//===-- Writer
//-------------------------------------------------------------===//

namespace {
class Sink {
public:
  std::vector<uint8_t> bytes;
  template <typename T> void put(T v) {
    const auto *p = reinterpret_cast<const uint8_t *>(&v);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
  void putString(const std::string &s) {
    put<uint64_t>(s.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void pad(uint32_t alignment) {
    while (bytes.size() % alignment)
      bytes.push_back(0);
  }
};

void putValue(Sink &s, const GgufValue &v) {
  switch (v.type) {
  case GgufType::U8:
    s.put<uint8_t>(uint8_t(v.u));
    break;
  case GgufType::I8:
    s.put<int8_t>(int8_t(v.i));
    break;
  case GgufType::U16:
    s.put<uint16_t>(uint16_t(v.u));
    break;
  case GgufType::I16:
    s.put<int16_t>(int16_t(v.i));
    break;
  case GgufType::U32:
    s.put<uint32_t>(uint32_t(v.u));
    break;
  case GgufType::I32:
    s.put<int32_t>(int32_t(v.i));
    break;
  case GgufType::U64:
    s.put<uint64_t>(v.u);
    break;
  case GgufType::I64:
    s.put<int64_t>(v.i);
    break;
  case GgufType::F32:
    s.put<float>(float(v.f));
    break;
  case GgufType::F64:
    s.put<double>(v.f);
    break;
  case GgufType::Bool:
    s.put<uint8_t>(v.u ? 1 : 0);
    break;
  case GgufType::String:
    s.putString(v.s);
    break;
  case GgufType::Array:
    s.put<uint32_t>(uint32_t(v.elemType));
    s.put<uint64_t>(v.items.size());
    for (const GgufValue &item : v.items)
      putValue(s, item);
    break;
  }
}
} // namespace

namespace {
/// Everything before the data section (header, metadata, tensor infos,
/// padding).
std::vector<uint8_t>
serializeHeader(const std::vector<std::pair<std::string, GgufValue>> &metadata,
                const std::vector<GgufWriterTensor> &tensors,
                uint32_t alignment) {
  Sink s;
  s.put<uint32_t>(0x46554747);
  s.put<uint32_t>(3);
  s.put<uint64_t>(tensors.size());
  bool hasAlignment = false;
  for (const auto &kv : metadata)
    hasAlignment |= kv.first == "general.alignment";
  s.put<uint64_t>(metadata.size() + (hasAlignment || alignment == 32 ? 0 : 1));
  for (const auto &[key, value] : metadata) {
    s.putString(key);
    s.put<uint32_t>(uint32_t(value.type));
    putValue(s, value);
  }
  if (!hasAlignment && alignment != 32) {
    s.putString("general.alignment");
    s.put<uint32_t>(uint32_t(GgufType::U32));
    s.put<uint32_t>(alignment);
  }
  uint64_t offset = 0;
  for (const GgufWriterTensor &t : tensors) {
    s.putString(t.name);
    s.put<uint32_t>(uint32_t(t.dims.size()));
    for (int64_t d : t.dims)
      s.put<uint64_t>(uint64_t(d));
    s.put<uint32_t>(t.type);
    s.put<uint64_t>(offset);
    offset += (t.size() + alignment - 1) / alignment * alignment;
  }
  s.pad(alignment);
  return s.bytes;
}

size_t padding(size_t n, uint32_t alignment) {
  return (alignment - n % alignment) % alignment;
}
} // namespace

std::vector<uint8_t>
serializeGguf(const std::vector<std::pair<std::string, GgufValue>> &metadata,
              const std::vector<GgufWriterTensor> &tensors,
              uint32_t alignment) {
  std::vector<uint8_t> out = serializeHeader(metadata, tensors, alignment);
  for (const GgufWriterTensor &t : tensors) {
    out.insert(out.end(), t.bytes(), t.bytes() + t.size());
    out.resize(out.size() + padding(t.size(), alignment), 0);
  }
  return out;
}

std::string
writeGguf(const std::string &path,
          const std::vector<std::pair<std::string, GgufValue>> &metadata,
          const std::vector<GgufWriterTensor> &tensors, uint32_t alignment) {
  std::ofstream out(path, std::ios::binary);
  if (!out)
    return path + ": cannot open for writing";
  std::vector<uint8_t> header = serializeHeader(metadata, tensors, alignment);
  out.write(reinterpret_cast<const char *>(header.data()),
            std::streamsize(header.size()));
  static const char zeros[64] = {};
  for (const GgufWriterTensor &t : tensors) {
    out.write(reinterpret_cast<const char *>(t.bytes()),
              std::streamsize(t.size()));
    for (size_t pad = padding(t.size(), alignment); pad && out;) {
      size_t n = std::min(pad, sizeof zeros);
      out.write(zeros, std::streamsize(n));
      pad -= n;
    }
  }
  return out ? "" : path + ": write failed";
}

} // namespace lowbit::model
