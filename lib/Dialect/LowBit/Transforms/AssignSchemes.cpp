//===- AssignSchemes.cpp - Choose a scheme per weight ---------------------===//

#include "lowbit/Dialect/LowBit/Transforms/BudgetSolver.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Dialect/LowBit/Transforms/FloatStorage.h"
#include "lowbit/Dialect/LowBit/Transforms/Importance.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Dialect/LowBit/Transforms/SparseOutlierWeights.h"
#include "lowbit/Dialect/LowBit/Transforms/PreQuantizedWeights.h"
#include "lowbit/Dialect/LowBit/Transforms/Recipes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Regex.h"

#include <map>

namespace lowbit {
#define GEN_PASS_DEF_LOWBITASSIGNSCHEMESPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

struct Rule {
  std::string pattern;
  std::unique_ptr<llvm::Regex> regex;
  std::optional<quant::Scheme> scheme; ///< nullopt: keep float
  std::optional<FloatType> floatStorage; ///< f32/f16/bf16: keep as that
};

/// One weight to decide for (a constant may feed several contractions).
struct Decision {
  arith::ConstantOp constant;
  std::string name;
  int64_t rows = 0, rowLength = 0;
  std::optional<WeightRows> source; ///< for the budget solver
  std::optional<quant::Scheme> scheme;
  bool keep = false;
  std::optional<FloatType> floatStorage; ///< with keep: store as this type
  std::string why;
  std::string llamaCpp; ///< what llama.cpp would store, when it differs
};

struct AssignSchemes
    : public lowbit::impl::LowBitAssignSchemesPassBase<AssignSchemes> {
  using Base::Base;

  LogicalResult fail(const Twine &msg) {
    emitError(getOperation().getLoc(), "lowbit-assign-schemes: ") << msg;
    signalPassFailure();
    return failure();
  }

  std::optional<quant::Scheme> parse(const std::string &text,
                                     const std::string &what) {
    std::string error;
    auto s = quant::parseScheme(text, error);
    if (!s)
      (void)fail(what + " '" + text + "': " + error);
    return s;
  }

  void runOnOperation() override {
    // Options.
    unmatchedRules.clear();
    std::vector<Rule> parsedRules;
    for (const std::string &r : rules) {
      size_t eq = r.rfind('=');
      if (eq == std::string::npos || eq == 0)
        return (void)fail("rule '" + r + "' is not regex=scheme");
      Rule rule;
      rule.pattern = r.substr(0, eq);
      rule.regex = std::make_unique<llvm::Regex>(rule.pattern);
      std::string regexError;
      if (!rule.regex->isValid(regexError))
        return (void)fail("rule '" + r + "': bad regex: " + regexError);
      std::string target = r.substr(eq + 1);
      // f32/f16/bf16: float storage of that type (llama.cpp's
      // --tensor-type x=f16); keep: float as the input.
      rule.floatStorage = parseFloatStorage(target, &getContext());
      if (target != "keep" && !rule.floatStorage) {
        rule.scheme = parse(target, "rule scheme");
        if (!rule.scheme)
          return;
      }
      parsedRules.push_back(std::move(rule));
    }
    // Recipe names, like scheme names, are not case-sensitive (Q4_K_M).
    const std::string recipeName = llvm::StringRef(recipe).lower();
    if (!recipe.empty() &&
        llvm::find(recipeNames(), recipeName) == recipeNames().end()) {
      std::string known;
      for (const std::string &n : recipeNames())
        known += (known.empty() ? "" : ", ") + n;
      return (void)fail("unknown recipe '" + recipe + "' (known: " + known +
                        ")");
    }
    bool budget = bpw > 0 || bytes > 0;
    if (budget && !recipe.empty())
      return (void)fail("give a recipe or a budget (bpw/bytes), not both");
    if (bpw > 0 && bytes > 0)
      return (void)fail("give bpw or bytes, not both");
    std::optional<FloatType> defaultFloat =
        parseFloatStorage(defaultScheme, &getContext());
    std::optional<quant::Scheme> defaultParsed;
    if (!defaultFloat) {
      defaultParsed = parse(defaultScheme, "default scheme");
      if (!defaultParsed)
        return;
    }
    quant::Method m;
    if (!quant::parseMethod(method, m))
      return (void)fail("unknown method '" + method + "'");

    // Weights, in IR order, each constant once.
    std::vector<Decision> decisions;
    llvm::DenseMap<Operation *, size_t> seen;
    getOperation().walk([&](linalg::LinalgOp op) {
      std::string whyNot;
      auto w = matchContractionWeight(op, whyNot);
      if (!w || seen.count(w->weightConstant))
        return;
      seen[w->weightConstant] = decisions.size();
      Decision d;
      d.constant = w->weightConstant;
      d.name = w->name;
      d.rows = w->batch * w->n;
      d.rowLength = w->k;
      if (budget)
        d.source.emplace(*w);
      decisions.push_back(std::move(d));
    });

    RecipeContext context = recipeContext(decisions);
    std::vector<bool> ruleMatched(parsedRules.size(), false);
    for (Decision &d : decisions) {
      for (size_t i = 0; i < parsedRules.size(); ++i)
        if (parsedRules[i].regex->match(d.name)) {
          ruleMatched[i] = true;
          d.scheme = parsedRules[i].scheme;
          d.keep = !d.scheme;
          d.floatStorage = parsedRules[i].floatStorage;
          d.why = "rule " + parsedRules[i].pattern;
          break;
        }
      if (!d.why.empty() || budget)
        continue;
      if (!recipe.empty()) {
        RecipeTensor t{d.name, d.rowLength, layerOf(d.name)};
        RecipeChoice c = *recipeFormat(recipeName, t, context);
        d.scheme = quant::ggufScheme(c.format);
        d.why = "recipe " + recipeName;
        if (!c.llamaCppFallback.empty())
          d.llamaCpp = c.llamaCppFallback + " (rows of " +
                       std::to_string(d.rowLength) + " do not fill its blocks)";
      } else {
        d.scheme = defaultParsed;
        d.keep = !defaultParsed;
        d.floatStorage = defaultFloat;
        d.why = "default";
      }
    }
    if (budget && failed(solveBudget(decisions, m)))
      return;

    MLIRContext *ctx = &getContext();
    LowBitDialect &attrs = dialect(getOperation());
    for (Decision &d : decisions) {
      d.constant->removeAttr(attrs.getFloatStorageAttrHelper().getName());
      if (d.keep) {
        d.constant->setAttr(attrs.getKeepAttrHelper().getName(),
                            UnitAttr::get(ctx));
        d.constant->removeAttr(attrs.getSchemeAttrHelper().getName());
        if (d.floatStorage)
          attrs.getFloatStorageAttrHelper().setAttr(
              d.constant, TypeAttr::get(*d.floatStorage));
      } else {
        attrs.getSchemeAttrHelper().setAttr(d.constant,
                                            SchemeAttr::get(ctx, *d.scheme));
        d.constant->removeAttr(attrs.getKeepAttrHelper().getName());
      }
    }
    // A rule that matches nothing is most likely a misspelt tensor name.
    for (size_t i = 0; i < parsedRules.size(); ++i)
      if (!ruleMatched[i]) {
        unmatchedRules.push_back(parsedRules[i].pattern);
        emitWarning(getOperation().getLoc())
            << "lowbit-assign-schemes: rule '" << parsedRules[i].pattern
            << "' matches no weight";
      }
    if (!report.empty())
      writeReport(decisions);
  }

  /// Patterns of rules that matched no weight, for the report.
  std::vector<std::string> unmatchedRules;

  RecipeContext recipeContext(const std::vector<Decision> &decisions) {
    RecipeContext c;
    c.hasOutput = false;
    for (const Decision &d : decisions) {
      c.numLayers = std::max(c.numLayers, layerOf(d.name) + 1);
      c.hasOutput |= d.name == "output.weight";
    }
    if (DictionaryAttr info = dialect(getOperation())
                                  .getModelAttrHelper()
                                  .getAttr(getOperation())) {
      auto get = [&](StringRef key) -> int64_t {
        if (auto a = info.getAs<IntegerAttr>(key))
          return a.getInt();
        return 0;
      };
      if (get("block_count"))
        c.numLayers = int(get("block_count"));
      if (get("attention.head_count") && get("attention.head_count_kv"))
        c.gqa =
            int(get("attention.head_count") / get("attention.head_count_kv"));
    }
    return c;
  }

  LogicalResult solveBudget(std::vector<Decision> &decisions, quant::Method m) {
    std::vector<std::string> names(candidates.begin(), candidates.end());
    if (names.empty()) // every GGUF format: the cheapest good one depends on
      for (quant::Format f : quant::allGgufFormats()) // the row lengths
        names.push_back(quant::formatName(f));
    std::vector<quant::Scheme> schemes;
    for (const std::string &n : names) {
      auto s = parse(n, "candidate");
      if (!s)
        return failure();
      schemes.push_back(*s);
    }
    std::vector<BudgetItem> items;
    uint64_t fixedBytes = 0, totalWeights = 0;
    // Outlier side weights (lowbit-split-outliers) are part of what a
    // budget buys: their bytes are fixed costs.
    getOperation().walk([&](arith::ConstantOp c) {
      StringAttr name = dialect(c).getNameAttrHelper().getAttr(c);
      auto type = dyn_cast<RankedTensorType>(c.getType());
      if (name && type && name.getValue().ends_with(".outlier_columns"))
        fixedBytes += uint64_t(type.getNumElements()) *
                      type.getElementTypeBitWidth() / 8;
    });
    for (Decision &d : decisions) {
      uint64_t weights = uint64_t(d.rows * d.rowLength);
      if (d.keep)
        continue;
      totalWeights += weights;
      // Sparse outliers scale selection will keep (lowbit-split-outliers
      // mode=weights): their CSR bytes whatever the scheme.
      if (FloatAttr f = dialect(d.constant).getSparseOutliersAttrHelper()
                            .getAttr(d.constant))
        fixedBytes += sparseSideBytes(size_t(d.rows), unsigned(d.rowLength),
                                      f.getValueAsDouble());
      if (d.scheme) { // pinned by a rule
        fixedBytes += uint64_t(d.rows) *
                      quant::rowBytes(*d.scheme, unsigned(d.rowLength));
        continue;
      }
      if (!d.source || !d.source->valid())
        return fail("cannot read weight '" + d.name + "'");
      if (std::string e = checkWeightSize(d.name, weights, 0); !e.empty())
        return fail(e);
      BudgetItem item;
      item.name = d.name;
      std::string impError;
      const float *imp =
          importanceOf(d.constant, d.name, d.rowLength, impError);
      if (!impError.empty())
        return fail(impError);
      for (const quant::Scheme &s : schemes) {
        BudgetOption o;
        o.bytes = uint64_t(d.rows) * quant::rowBytes(s, unsigned(d.rowLength));
        std::string err = measureSquaredError(
            s, m, *d.source, d.rows, d.rowLength, d.name, imp, o.error);
        if (!err.empty())
          return fail(err);
        item.options.push_back(o);
      }
      items.push_back(std::move(item));
    }
    uint64_t target = bytes > 0 ? uint64_t(bytes)
                                : uint64_t(bpw * double(totalWeights) / 8.0);
    if (target < fixedBytes)
      return fail("the rules alone take " + std::to_string(fixedBytes) +
                  " bytes, more than the budget of " + std::to_string(target));
    std::vector<size_t> choice;
    std::string err = solveBudgetChoices(items, target - fixedBytes, choice);
    if (!err.empty())
      return fail(err);
    size_t next = 0;
    for (Decision &d : decisions)
      if (!d.keep && !d.scheme) {
        d.scheme = schemes[choice[next++]];
        d.why = "budget";
      }
    return success();
  }

  void writeReport(const std::vector<Decision> &decisions) {
    std::string text;
    llvm::raw_string_ostream os(text);
    uint64_t weights = 0, stored = 0;
    os << llvm::format("%-28s %-10s %-10s %-24s %s\n", "tensor", "rows x K",
                       "scheme", "why", "llama.cpp would store");
    for (const Decision &d : decisions) {
      std::string shape =
          std::to_string(d.rows) + "x" + std::to_string(d.rowLength);
      std::string scheme = !d.keep ? quant::printScheme(*d.scheme)
                           : d.floatStorage
                               ? floatTypeName(*d.floatStorage) + " (float)"
                               : "float";
      os << llvm::format("%-28s %-10s %-10s %-24s %s\n", d.name.c_str(),
                         shape.c_str(), scheme.c_str(), d.why.c_str(),
                         d.llamaCpp.c_str());
      if (!d.keep) {
        weights += uint64_t(d.rows * d.rowLength);
        stored += uint64_t(d.rows) *
                  quant::rowBytes(*d.scheme, unsigned(d.rowLength));
      }
    }
    for (const PreQuantizedWeight &w :
         findPreQuantizedWeights(getOperation())) {
      std::string shape =
          std::to_string(w.rows) + "x" + std::to_string(w.rowLength);
      os << llvm::format("%-28s %-10s %-10s %-24s\n", w.name.c_str(),
                         shape.c_str(), quant::printScheme(w.scheme).c_str(),
                         "arrived quantized, kept");
    }
    os << llvm::format("quantized weights: %llu, bytes: %llu, bits/weight: "
                       "%.4f\n",
                       (unsigned long long)weights, (unsigned long long)stored,
                       weights ? 8.0 * double(stored) / double(weights) : 0.0);
    for (const std::string &p : unmatchedRules)
      os << "warning: rule '" << p << "' matches no weight\n";
    if (report == "-") {
      llvm::outs() << text;
      llvm::outs().flush();
      return;
    }
    std::error_code ec;
    llvm::raw_fd_ostream out(report, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return (void)fail("cannot write report '" + report +
                        "': " + ec.message());
    out << text;
  }
};

} // namespace
