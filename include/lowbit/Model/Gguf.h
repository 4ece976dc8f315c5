//===- Gguf.h - GGUF v2/v3 reader and writer --------------------*- C++ -*-===//
//
// The reader maps the file and validates everything before handing out a
// pointer: magic, version, counts against the bytes left, string and array
// lengths, value types, tensor dims (overflow-checked products), types,
// offsets and sizes inside the data section, alignment, unique names.
// A bad file gives one message; nothing is read out of bounds.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODEL_GGUF_H
#define LOWBIT_MODEL_GGUF_H

#include "lowbit/Model/MappedFile.h"
#include "lowbit/Quant/Scheme.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lowbit::model {

enum class GgufType : uint32_t {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
};

/// One metadata value. Integers are widened into `u`/`i`, floats into `f`.
struct GgufValue {
  GgufType type = GgufType::U32;
  GgufType elemType = GgufType::U32; ///< for arrays
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<GgufValue> items; ///< for arrays

  static GgufValue ofU32(uint32_t v);
  static GgufValue ofI32(int32_t v);
  static GgufValue ofU64(uint64_t v);
  static GgufValue ofF32(float v);
  static GgufValue ofBool(bool v);
  static GgufValue ofString(std::string v);
  static GgufValue ofArray(GgufType elemType, std::vector<GgufValue> items);
  std::optional<int64_t> asInt() const;
  std::optional<double> asFloat() const;
};

/// ggml tensor types lowbit reads and writes.
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  IQ4_NL = 20,
  IQ4_XS = 23,
  BF16 = 30,
};

/// Name of a ggml type id ("q4_K", "f16"; "type 16" for unknown ones).
std::string ggmlTypeName(uint32_t type);
/// The block format of a quantized ggml type, if it is one lowbit knows.
std::optional<quant::Format> ggmlTypeFormat(uint32_t type);
std::optional<GgmlType> formatGgmlType(quant::Format format);

struct GgufTensor {
  std::string name;
  std::vector<int64_t> dims; ///< ggml order: dims[0] is the row length
  uint32_t type = 0;
  uint64_t offset = 0; ///< from the start of the data section
  uint64_t bytes = 0;
  const uint8_t *data = nullptr;
  int64_t rows() const; ///< product of dims[1..]
};

class GgufFile {
public:
  /// Returns an empty string or one error message naming the file.
  std::string open(const std::string &path);
  /// Parses bytes that stay alive as long as this object (tests).
  std::string parse(const uint8_t *data, size_t size);

  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  const std::vector<std::pair<std::string, GgufValue>> &metadata() const {
    return metadata_;
  }
  const GgufValue *find(const std::string &key) const;
  const std::vector<GgufTensor> &tensors() const { return tensors_; }
  const GgufTensor *findTensor(const std::string &name) const;

private:
  MappedFile file_;
  uint32_t version_ = 0, alignment_ = 32;
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::vector<GgufTensor> tensors_;
};

/// Bytes of a tensor of `type` with row length `rowLength` and `rows` rows,
/// or nullopt for an unknown type or a row that does not fill its blocks.
std::optional<uint64_t> ggmlTensorBytes(uint32_t type, int64_t rowLength,
                                        int64_t rows);

struct GgufWriterTensor {
  std::string name;
  std::vector<int64_t> dims; ///< ggml order
  uint32_t type = 0;
  std::vector<uint8_t> data;
  /// Instead of `data`: bytes owned elsewhere that outlive the write (a
  /// mapped file, a resource blob), so big tensors are never copied.
  const uint8_t *view = nullptr;
  size_t viewBytes = 0;
  const uint8_t *bytes() const { return view ? view : data.data(); }
  size_t size() const { return view ? viewBytes : data.size(); }
};

/// Writes a GGUF v3 file, streaming tensor data. Returns "" or an error.
std::string
writeGguf(const std::string &path,
          const std::vector<std::pair<std::string, GgufValue>> &metadata,
          const std::vector<GgufWriterTensor> &tensors,
          uint32_t alignment = 32);
/// The same into memory (tests).
std::vector<uint8_t>
serializeGguf(const std::vector<std::pair<std::string, GgufValue>> &metadata,
              const std::vector<GgufWriterTensor> &tensors,
              uint32_t alignment = 32);

} // namespace lowbit::model

#endif
