//===- Imatrix.cpp - llama.cpp importance matrices ------------------------===//

#include "lowbit/Model/Imatrix.h"
#include "lowbit/Model/Gguf.h"

#include <cmath>
#include <cstring>

namespace lowbit::model {

std::string readImatrix(const std::string &path, ImportanceMap &out) {
  GgufFile file;
  if (std::string err = file.open(path); !err.empty())
    return err;
  const GgufValue *type = file.find("general.type");
  if (!type || type->s != "imatrix")
    return path + ": not an imatrix GGUF (general.type is not 'imatrix')";
  const std::string suffix = ".in_sum2";
  for (const GgufTensor &t : file.tensors()) {
    if (t.name.size() <= suffix.size() ||
        t.name.compare(t.name.size() - suffix.size(), suffix.size(), suffix))
      continue;
    std::string weight = t.name.substr(0, t.name.size() - suffix.size());
    const GgufTensor *counts = file.findTensor(weight + ".counts");
    if (!counts)
      return path + ": '" + t.name + "' has no matching '" + weight +
             ".counts'";
    if (t.type != uint32_t(GgmlType::F32) ||
        counts->type != uint32_t(GgmlType::F32))
      return path + ": imatrix entries for '" + weight + "' must be f32";
    // One count per expert; dense models have one expert.
    int64_t columns = t.dims[0], experts = t.rows();
    if (counts->dims[0] * counts->rows() != experts)
      return path + ": '" + weight + "' has " + std::to_string(experts) +
             " rows of sums but " +
             std::to_string(counts->dims[0] * counts->rows()) + " counts";
    std::vector<float> importance(size_t(columns * experts));
    for (int64_t e = 0; e < experts; ++e) {
      float n;
      std::memcpy(&n, counts->data + 4 * e, 4);
      if (!(n > 0) || !std::isfinite(n))
        return path + ": '" + weight + "' has count " + std::to_string(n);
      for (int64_t k = 0; k < columns; ++k) {
        float s;
        std::memcpy(&s, t.data + 4 * (e * columns + k), 4);
        if (!(s >= 0) || !std::isfinite(s))
          return path + ": '" + weight + "' has a negative or non-finite sum";
        importance[size_t(e * columns + k)] = s / n;
      }
    }
    out[weight] = std::move(importance);
  }
  if (out.empty())
    return path + ": no <weight>.in_sum2 entries";
  return "";
}

} // namespace lowbit::model
