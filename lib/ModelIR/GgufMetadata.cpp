//===- GgufMetadata.cpp - GGUF metadata <-> MLIR attributes ---------------===//

#include "lowbit/ModelIR/GgufMetadata.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace lowbit::model {

namespace {
struct TypeName {
  GgufType type;
  const char *name;
};
const TypeName kNames[] = {
    {GgufType::U8, "u8"},      {GgufType::I8, "i8"},
    {GgufType::U16, "u16"},    {GgufType::I16, "i16"},
    {GgufType::U32, "u32"},    {GgufType::I32, "i32"},
    {GgufType::F32, "f32"},    {GgufType::Bool, "bool"},
    {GgufType::String, "str"}, {GgufType::Array, "array"},
    {GgufType::U64, "u64"},    {GgufType::I64, "i64"},
    {GgufType::F64, "f64"}};

const char *typeName(GgufType t) {
  for (const TypeName &n : kNames)
    if (n.type == t)
      return n.name;
  return "?";
}

std::optional<GgufType> typeFromName(StringRef s) {
  for (const TypeName &n : kNames)
    if (s == n.name)
      return n.type;
  return std::nullopt;
}

unsigned intWidth(GgufType t) {
  switch (t) {
  case GgufType::U8:
  case GgufType::I8:
    return 8;
  case GgufType::U16:
  case GgufType::I16:
    return 16;
  case GgufType::U32:
  case GgufType::I32:
    return 32;
  case GgufType::U64:
  case GgufType::I64:
    return 64;
  default:
    return 0;
  }
}

bool isSigned(GgufType t) {
  return t == GgufType::I8 || t == GgufType::I16 || t == GgufType::I32 ||
         t == GgufType::I64;
}

Attribute valueToAttr(Builder &b, const GgufValue &v) {
  if (unsigned w = intWidth(v.type)) {
    auto type = IntegerType::get(b.getContext(), w,
                                 isSigned(v.type) ? IntegerType::Signed
                                                  : IntegerType::Unsigned);
    return IntegerAttr::get(
        type,
        APInt(w, isSigned(v.type) ? uint64_t(v.i) : v.u, isSigned(v.type)));
  }
  switch (v.type) {
  case GgufType::Bool:
    return b.getBoolAttr(v.u != 0);
  case GgufType::F32:
    return b.getF32FloatAttr(float(v.f));
  case GgufType::F64:
    return b.getF64FloatAttr(v.f);
  case GgufType::String:
    return b.getStringAttr(v.s);
  case GgufType::Array: {
    SmallVector<Attribute> items;
    for (const GgufValue &item : v.items)
      items.push_back(valueToAttr(b, item));
    return b.getDictionaryAttr(
        {b.getNamedAttr("elem", b.getStringAttr(typeName(v.elemType))),
         b.getNamedAttr("items", b.getArrayAttr(items))});
  }
  default:
    return {};
  }
}

std::string attrToValue(Attribute a, const std::string &key, GgufValue &v) {
  if (auto i = dyn_cast<IntegerAttr>(a)) {
    auto type = dyn_cast<IntegerType>(i.getType());
    if (!type)
      return "metadata '" + key + "': integer without an integer type";
    if (type.getWidth() == 1) {
      v = GgufValue::ofBool(i.getValue().getBoolValue());
      return "";
    }
    bool sign = type.isSigned();
    switch (type.getWidth()) {
    case 8:
      v.type = sign ? GgufType::I8 : GgufType::U8;
      break;
    case 16:
      v.type = sign ? GgufType::I16 : GgufType::U16;
      break;
    case 32:
      v.type = sign ? GgufType::I32 : GgufType::U32;
      break;
    case 64:
      v.type = sign ? GgufType::I64 : GgufType::U64;
      break;
    default:
      return "metadata '" + key + "': integer width not in GGUF";
    }
    v.i = sign ? i.getValue().getSExtValue()
               : int64_t(i.getValue().getZExtValue());
    v.u = sign ? uint64_t(v.i) : i.getValue().getZExtValue();
    return "";
  }
  if (auto b = dyn_cast<BoolAttr>(a)) {
    v = GgufValue::ofBool(b.getValue());
    return "";
  }
  if (auto f = dyn_cast<FloatAttr>(a)) {
    v.type = f.getType().isF64() ? GgufType::F64 : GgufType::F32;
    v.f = f.getValueAsDouble();
    return "";
  }
  if (auto s = dyn_cast<StringAttr>(a)) {
    v = GgufValue::ofString(s.str());
    return "";
  }
  if (auto d = dyn_cast<DictionaryAttr>(a)) {
    auto elem = d.getAs<StringAttr>("elem");
    auto items = d.getAs<ArrayAttr>("items");
    std::optional<GgufType> et =
        elem ? typeFromName(elem.getValue()) : std::nullopt;
    if (!et || !items)
      return "metadata '" + key + "': arrays need elem and items";
    std::vector<GgufValue> values(items.size());
    for (size_t i = 0; i < items.size(); ++i)
      if (std::string err = attrToValue(items[i], key, values[i]); !err.empty())
        return err;
    v = GgufValue::ofArray(*et, std::move(values));
    return "";
  }
  return "metadata '" + key + "': unsupported attribute";
}
} // namespace

ArrayAttr
metadataToAttr(MLIRContext *ctx,
               const std::vector<std::pair<std::string, GgufValue>> &metadata) {
  Builder b(ctx);
  SmallVector<Attribute> pairs;
  for (const auto &[key, value] : metadata)
    pairs.push_back(
        b.getArrayAttr({b.getStringAttr(key), valueToAttr(b, value)}));
  return b.getArrayAttr(pairs);
}

std::string
metadataFromAttr(Attribute attr,
                 std::vector<std::pair<std::string, GgufValue>> &metadata) {
  auto pairs = dyn_cast_or_null<ArrayAttr>(attr);
  if (!pairs)
    return LowBitDialect::GgufAttrHelper::getNameStr().str() +
           " must be an array of pairs";
  for (Attribute p : pairs) {
    auto pair = dyn_cast<ArrayAttr>(p);
    auto key =
        pair && pair.size() == 2 ? dyn_cast<StringAttr>(pair[0]) : StringAttr();
    if (!key)
      return LowBitDialect::GgufAttrHelper::getNameStr().str() +
             ": entries are [key, value]";
    GgufValue v;
    if (std::string err = attrToValue(pair[1], key.str(), v); !err.empty())
      return err;
    metadata.emplace_back(key.str(), std::move(v));
  }
  return "";
}

std::optional<Tokenizer> tokenizerFromMetadata(Attribute attr,
                                               std::string &error) {
  std::vector<std::pair<std::string, GgufValue>> meta;
  if (attr)
    error = metadataFromAttr(attr, meta);
  std::vector<std::string> tokens;
  std::vector<float> scores;
  int32_t bos = 1, eos = 2;
  for (const auto &[k, v] : meta) {
    if (k == "tokenizer.ggml.tokens")
      for (const auto &t : v.items)
        tokens.push_back(t.s);
    else if (k == "tokenizer.ggml.scores")
      for (const auto &t : v.items)
        scores.push_back(float(t.f));
    else if (k == "tokenizer.ggml.bos_token_id")
      bos = int32_t(v.i);
    else if (k == "tokenizer.ggml.eos_token_id")
      eos = int32_t(v.i);
  }
  if (tokens.empty() || tokens.size() != scores.size()) {
    if (error.empty())
      error = "the model IR carries no tokenizer (import it with one)";
    return std::nullopt;
  }
  return Tokenizer(std::move(tokens), std::move(scores), bos, eos);
}

Attribute ggufMetadataOf(Operation *module) {
  return module->getAttr(dialect(module).getGgufAttrHelper().getName());
}

void setGgufMetadata(Operation *module, ArrayAttr metadata) {
  dialect(module).getGgufAttrHelper().setAttr(module, metadata);
}

} // namespace lowbit::model
