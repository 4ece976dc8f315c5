//===- LlamaForward.cpp - The Llama forward pass as model IR --------------===//
//
// Emits `func @forward(token, pos, kcache, vcache) -> logits` for one token
// with a KV cache, in upstream dialects only (linalg, tensor, arith, math),
// calling the per-weight functions for every matrix product so that
// quantization passes rewrite those and nothing else. The arithmetic
// follows llama2.c's run.c: RMSNorm (eps 1e-5), RoPE on adjacent pairs,
// grouped-query attention with a causal softmax, SwiGLU FFN, final norm,
// classifier. Attention scores all cache positions and masks those after
// `pos`, so every shape is static.
//
//===----------------------------------------------------------------------===//

#include "lowbit/ModelIR/ModelIR.h"

#include "mlir/Parser/Parser.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

using namespace mlir;

namespace lowbit::model {

namespace {

/// Replaces $NAME placeholders, longest names first ($DF before $D).
std::string fill(std::string text,
                 const std::map<std::string, std::string> &vars) {
  std::vector<std::pair<std::string, std::string>> ordered(vars.begin(),
                                                           vars.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](auto &a, auto &b) {
    return a.first.size() > b.first.size();
  });
  for (const auto &[k, v] : ordered) {
    std::string key = "$" + k;
    for (size_t p = text.find(key); p != std::string::npos;
         p = text.find(key, p + v.size()))
      text.replace(p, key.size(), v);
  }
  return text;
}

const char *kHelpers = R"mlir(
func.func private @lowbit_rmsnorm(%x: tensor<1x$Dxf32>, %w: tensor<$Dxf32>) -> tensor<1x$Dxf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1xf32>) -> tensor<1xf32>
  %ss = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                        iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<1x$Dxf32>) outs(%acc : tensor<1xf32>) {
  ^bb0(%a: f32, %s: f32):
    %m = arith.mulf %a, %a : f32
    %t = arith.addf %s, %m : f32
    linalg.yield %t : f32
  } -> tensor<1xf32>
  %e1 = tensor.empty() : tensor<1x$Dxf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                                        affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %w, %ss : tensor<1x$Dxf32>, tensor<$Dxf32>, tensor<1xf32>) outs(%e1 : tensor<1x$Dxf32>) {
  ^bb0(%a: f32, %g: f32, %s: f32, %o: f32):
    %n = arith.constant $DF : f32
    %eps = arith.constant $EPS : f32
    %one = arith.constant 1.0 : f32
    %mean = arith.divf %s, %n : f32
    %v = arith.addf %mean, %eps : f32
    %r = math.sqrt %v : f32
    %inv = arith.divf %one, %r : f32
    %t = arith.mulf %inv, %a : f32
    %u = arith.mulf %g, %t : f32
    linalg.yield %u : f32
  } -> tensor<1x$Dxf32>
  return %y : tensor<1x$Dxf32>
}

func.func private @lowbit_add_$D(%a: tensor<1x$Dxf32>, %b: tensor<1x$Dxf32>) -> tensor<1x$Dxf32> {
  %e = tensor.empty() : tensor<1x$Dxf32>
  %r = linalg.add ins(%a, %b : tensor<1x$Dxf32>, tensor<1x$Dxf32>) outs(%e : tensor<1x$Dxf32>) -> tensor<1x$Dxf32>
  return %r : tensor<1x$Dxf32>
}

)mlir";

const char *kRope = R"mlir(
// RoPE on adjacent pairs of each head: theta = pos * freq[(i mod hs) / 2].
func.func private @lowbit_rope_$N(%x: tensor<1x$Nxf32>, %pos: index, %freq: tensor<$HALFxf32>) -> tensor<1x$Nxf32> {
  %e = tensor.empty() : tensor<1x$Nxf32>
  %posi = arith.index_cast %pos : index to i64
  %posf = arith.sitofp %posi : i64 to f32
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<1x$Nxf32>) {
  ^bb0(%o: f32):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %hs = arith.constant $HS : index
    %j = linalg.index 1 : index
    %inhead = arith.remui %j, %hs : index
    %fi = arith.divui %inhead, %c2 : index
    %fr = tensor.extract %freq[%fi] : tensor<$HALFxf32>
    %theta = arith.mulf %posf, %fr : f32
    %c = math.cos %theta : f32
    %s = math.sin %theta : f32
    %odd = arith.remui %j, %c2 : index
    %base = arith.subi %j, %odd : index
    %next = arith.addi %base, %c1 : index
    %a = tensor.extract %x[%c0, %base] : tensor<1x$Nxf32>
    %b = tensor.extract %x[%c0, %next] : tensor<1x$Nxf32>
    %isodd = arith.cmpi ne, %odd, %c0 : index
    %ac = arith.mulf %a, %c : f32
    %bs = arith.mulf %b, %s : f32
    %ev = arith.subf %ac, %bs : f32
    %as = arith.mulf %a, %s : f32
    %bc = arith.mulf %b, %c : f32
    %ov = arith.addf %as, %bc : f32
    %r = arith.select %isodd, %ov, %ev : f32
    linalg.yield %r : f32
  } -> tensor<1x$Nxf32>
  return %y : tensor<1x$Nxf32>
}
)mlir";

const char *kAttention = R"mlir(
// Causal grouped-query attention of one query over cache positions <= pos.
func.func private @lowbit_attention(%q: tensor<1x$Dxf32>, %k: tensor<?x$KVDxf32>, %v: tensor<?x$KVDxf32>) -> tensor<1x$Dxf32> {
  // Only the cached positions up to the current one take part: the caller
  // slices K and V to them, so no mask is needed.
  %c0 = arith.constant 0 : index
  %n = tensor.dim %k, %c0 : tensor<?x$KVDxf32>
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %qh = tensor.expand_shape %q [[0], [1, 2]] output_shape [1, $H, $HS] : tensor<1x$Dxf32> into tensor<1x$Hx$HSxf32>
  %q2 = tensor.collapse_shape %qh [[0, 1], [2]] : tensor<1x$Hx$HSxf32> into tensor<$Hx$HSxf32>
  %e0 = tensor.empty(%n) : tensor<$Hx?xf32>
  %z0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<$Hx?xf32>) -> tensor<$Hx?xf32>
  %dots = linalg.generic {indexing_maps = [affine_map<(h, t, j) -> (h, j)>,
                                           affine_map<(h, t, j) -> (t, (h floordiv $G) * $HS + j)>,
                                           affine_map<(h, t, j) -> (h, t)>],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q2, %k : tensor<$Hx$HSxf32>, tensor<?x$KVDxf32>) outs(%z0 : tensor<$Hx?xf32>) {
  ^bb0(%a: f32, %b: f32, %s: f32):
    %m = arith.mulf %a, %b : f32
    %t = arith.addf %s, %m : f32
    linalg.yield %t : f32
  } -> tensor<$Hx?xf32>
  // Scaled scores.
  %e1 = tensor.empty(%n) : tensor<$Hx?xf32>
  %scores = linalg.generic {indexing_maps = [affine_map<(h, t) -> (h, t)>, affine_map<(h, t) -> (h, t)>],
                            iterator_types = ["parallel", "parallel"]}
      ins(%dots : tensor<$Hx?xf32>) outs(%e1 : tensor<$Hx?xf32>) {
  ^bb0(%d: f32, %o: f32):
    %scale = arith.constant $SQRTHS : f32
    %s = arith.divf %d, %scale : f32
    linalg.yield %s : f32
  } -> tensor<$Hx?xf32>
  %e2 = tensor.empty() : tensor<$Hxf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<$Hxf32>) -> tensor<$Hxf32>
  %max = linalg.generic {indexing_maps = [affine_map<(h, t) -> (h, t)>, affine_map<(h, t) -> (h)>],
                         iterator_types = ["parallel", "reduction"]}
      ins(%scores : tensor<$Hx?xf32>) outs(%m0 : tensor<$Hxf32>) {
  ^bb0(%s: f32, %m: f32):
    %r = arith.maximumf %s, %m : f32
    linalg.yield %r : f32
  } -> tensor<$Hxf32>
  %e3 = tensor.empty(%n) : tensor<$Hx?xf32>
  %ex = linalg.generic {indexing_maps = [affine_map<(h, t) -> (h, t)>, affine_map<(h, t) -> (h)>, affine_map<(h, t) -> (h, t)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%scores, %max : tensor<$Hx?xf32>, tensor<$Hxf32>) outs(%e3 : tensor<$Hx?xf32>) {
  ^bb0(%s: f32, %m: f32, %o: f32):
    %d = arith.subf %s, %m : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  } -> tensor<$Hx?xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<$Hxf32>) -> tensor<$Hxf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(h, t) -> (h, t)>, affine_map<(h, t) -> (h)>],
                         iterator_types = ["parallel", "reduction"]}
      ins(%ex : tensor<$Hx?xf32>) outs(%s0 : tensor<$Hxf32>) {
  ^bb0(%x: f32, %s: f32):
    %r = arith.addf %s, %x : f32
    linalg.yield %r : f32
  } -> tensor<$Hxf32>
  %e4 = tensor.empty(%n) : tensor<$Hx?xf32>
  %p = linalg.generic {indexing_maps = [affine_map<(h, t) -> (h, t)>, affine_map<(h, t) -> (h)>, affine_map<(h, t) -> (h, t)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%ex, %sum : tensor<$Hx?xf32>, tensor<$Hxf32>) outs(%e4 : tensor<$Hx?xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %r = arith.divf %x, %s : f32
    linalg.yield %r : f32
  } -> tensor<$Hx?xf32>
  %e5 = tensor.empty() : tensor<$Hx$HSxf32>
  %z5 = linalg.fill ins(%zero : f32) outs(%e5 : tensor<$Hx$HSxf32>) -> tensor<$Hx$HSxf32>
  %out = linalg.generic {indexing_maps = [affine_map<(h, j, t) -> (h, t)>,
                                          affine_map<(h, j, t) -> (t, (h floordiv $G) * $HS + j)>,
                                          affine_map<(h, j, t) -> (h, j)>],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : tensor<$Hx?xf32>, tensor<?x$KVDxf32>) outs(%z5 : tensor<$Hx$HSxf32>) {
  ^bb0(%a: f32, %b: f32, %s: f32):
    %m = arith.mulf %a, %b : f32
    %t = arith.addf %s, %m : f32
    linalg.yield %t : f32
  } -> tensor<$Hx$HSxf32>
  %o1 = tensor.expand_shape %out [[0, 1], [2]] output_shape [1, $H, $HS] : tensor<$Hx$HSxf32> into tensor<1x$Hx$HSxf32>
  %o2 = tensor.collapse_shape %o1 [[0], [1, 2]] : tensor<1x$Hx$HSxf32> into tensor<1x$Dxf32>
  return %o2 : tensor<1x$Dxf32>
}

func.func private @lowbit_swiglu(%g: tensor<1x$Fxf32>, %u: tensor<1x$Fxf32>) -> tensor<1x$Fxf32> {
  %e = tensor.empty() : tensor<1x$Fxf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%g, %u : tensor<1x$Fxf32>, tensor<1x$Fxf32>) outs(%e : tensor<1x$Fxf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %a : f32
    %x = math.exp %n : f32
    %d = arith.addf %one, %x : f32
    %sg = arith.divf %one, %d : f32
    %s = arith.mulf %a, %sg : f32
    %y = arith.mulf %s, %b : f32
    linalg.yield %y : f32
  } -> tensor<1x$Fxf32>
  return %r : tensor<1x$Fxf32>
}
)mlir";

const char *kLayer = R"mlir(
  %xb$L = func.call @lowbit_rmsnorm(%x$L, %an$L) : (tensor<1x$Dxf32>, tensor<$Dxf32>) -> tensor<1x$Dxf32>
  %q$L = func.call @blk_$L_attn_q_weight(%xb$L) : (tensor<1x$Dxf32>) -> tensor<1x$Dxf32>
  %k$L = func.call @blk_$L_attn_k_weight(%xb$L) : (tensor<1x$Dxf32>) -> tensor<1x$KVDxf32>
  %v$L = func.call @blk_$L_attn_v_weight(%xb$L) : (tensor<1x$Dxf32>) -> tensor<1x$KVDxf32>
  %qr$L = func.call @lowbit_rope_$D(%q$L, %pos, %freq) : (tensor<1x$Dxf32>, index, tensor<$HALFxf32>) -> tensor<1x$Dxf32>
  %kr$L = func.call @lowbit_rope_$KVD(%k$L, %pos, %freq) : (tensor<1x$KVDxf32>, index, tensor<$HALFxf32>) -> tensor<1x$KVDxf32>
  %kc$NEXT = tensor.insert_slice %kr$L into %kc$L[$L, %pos, 0] [1, 1, $KVD] [1, 1, 1] : tensor<1x$KVDxf32> into tensor<$NLx$Sx$KVDxf32>
  %vc$NEXT = tensor.insert_slice %v$L into %vc$L[$L, %pos, 0] [1, 1, $KVD] [1, 1, 1] : tensor<1x$KVDxf32> into tensor<$NLx$Sx$KVDxf32>
  %one$L = arith.constant 1 : index
  %n$L = arith.addi %pos, %one$L : index
  %kl$L = tensor.extract_slice %kc$NEXT[$L, 0, 0] [1, %n$L, $KVD] [1, 1, 1] : tensor<$NLx$Sx$KVDxf32> to tensor<?x$KVDxf32>
  %vl$L = tensor.extract_slice %vc$NEXT[$L, 0, 0] [1, %n$L, $KVD] [1, 1, 1] : tensor<$NLx$Sx$KVDxf32> to tensor<?x$KVDxf32>
  %att$L = func.call @lowbit_attention(%qr$L, %kl$L, %vl$L) : (tensor<1x$Dxf32>, tensor<?x$KVDxf32>, tensor<?x$KVDxf32>) -> tensor<1x$Dxf32>
  %o$L = func.call @blk_$L_attn_output_weight(%att$L) : (tensor<1x$Dxf32>) -> tensor<1x$Dxf32>
  %h$L = func.call @lowbit_add_$D(%x$L, %o$L) : (tensor<1x$Dxf32>, tensor<1x$Dxf32>) -> tensor<1x$Dxf32>
  %hb$L = func.call @lowbit_rmsnorm(%h$L, %fn$L) : (tensor<1x$Dxf32>, tensor<$Dxf32>) -> tensor<1x$Dxf32>
  %g$L = func.call @blk_$L_ffn_gate_weight(%hb$L) : (tensor<1x$Dxf32>) -> tensor<1x$Fxf32>
  %u$L = func.call @blk_$L_ffn_up_weight(%hb$L) : (tensor<1x$Dxf32>) -> tensor<1x$Fxf32>
  %s$L = func.call @lowbit_swiglu(%g$L, %u$L) : (tensor<1x$Fxf32>, tensor<1x$Fxf32>) -> tensor<1x$Fxf32>
  %d$L = func.call @blk_$L_ffn_down_weight(%s$L) : (tensor<1x$Fxf32>) -> tensor<1x$Dxf32>
  %x$NEXT = func.call @lowbit_add_$D(%h$L, %d$L) : (tensor<1x$Dxf32>, tensor<1x$Dxf32>) -> tensor<1x$Dxf32>
)mlir";

std::string str(int64_t v) { return std::to_string(v); }

std::string floatLiteral(float f) {
  std::ostringstream os;
  os.precision(9);
  os << std::scientific << f;
  return os.str();
}

} // namespace

std::string addLlamaForward(ModuleOp module, const LlamaShape &s,
                            bool hasOutput) {
  if (s.dim % s.heads || s.heads % s.kvHeads || (s.dim / s.heads) % 2)
    return "unsupported Llama shape: dim " + str(s.dim) + ", heads " +
           str(s.heads) + ", kv heads " + str(s.kvHeads);
  int64_t hs = s.dim / s.heads, kvd = hs * s.kvHeads;
  std::map<std::string, std::string> vars = {
      {"D", str(s.dim)},
      {"DF", floatLiteral(float(s.dim))},
      {"F", str(s.hidden)},
      {"H", str(s.heads)},
      {"HS", str(hs)},
      {"HALF", str(hs / 2)},
      {"KVD", str(kvd)},
      {"G", str(s.heads / s.kvHeads)},
      {"S", str(s.context)},
      {"NL", str(s.layers)},
      {"V", str(s.vocab)},
      {"SQRTHS", floatLiteral(std::sqrt(float(hs)))},
      {"EPS", floatLiteral(s.rmsEps)}};
  std::string text = fill(kHelpers, vars) + fill(kAttention, vars);
  // RoPE over the query width and, when it differs, the key width.
  for (int64_t n : {s.dim, kvd}) {
    auto rv = vars;
    rv["N"] = str(n);
    text += fill(kRope, rv);
    if (kvd == s.dim)
      break;
  }
  // RoPE frequencies as llama2.c computes them, in float.
  std::string freq;
  for (int64_t i = 0; i < hs / 2; ++i)
    freq +=
        (i ? ", " : "") +
        floatLiteral(1.0f / std::pow(s.ropeTheta, float(2 * i) / float(hs)));
  vars["FREQ"] = freq;
  text += fill(R"mlir(
func.func @forward(%token: index, %pos: index,
                   %kc0: tensor<$NLx$Sx$KVDxf32> {bufferization.writable = true},
                   %vc0: tensor<$NLx$Sx$KVDxf32> {bufferization.writable = true})
    -> tensor<1x$Vxf32> attributes {llvm.emit_c_interface} {
  %freq = arith.constant dense<[$FREQ]> : tensor<$HALFxf32>
  %x0 = func.call @lowbit_embedding(%token) : (index) -> tensor<1x$Dxf32>
)mlir",
               vars);
  for (int64_t l = 0; l < s.layers; ++l) {
    auto lv = vars;
    lv["L"] = str(l);
    lv["NEXT"] = str(l + 1);
    text += fill(R"mlir(
  %an$L = func.call @blk_$L_attn_norm_weight() : () -> tensor<$Dxf32>
  %fn$L = func.call @blk_$L_ffn_norm_weight() : () -> tensor<$Dxf32>)mlir",
                 lv) +
            fill(kLayer, lv);
  }
  vars["LAST"] = str(s.layers);
  vars["CLS"] = hasOutput ? "output_weight" : "token_embd_weight";
  text += fill(R"mlir(
  %on = func.call @output_norm_weight() : () -> tensor<$Dxf32>
  %xf = func.call @lowbit_rmsnorm(%x$LAST, %on) : (tensor<1x$Dxf32>, tensor<$Dxf32>) -> tensor<1x$Dxf32>
  %logits = func.call @$CLS(%xf) : (tensor<1x$Dxf32>) -> tensor<1x$Vxf32>
  return %logits : tensor<1x$Vxf32>
}
)mlir",
               vars);

  // Parse without verifying (the calls refer to the module's functions),
  // move everything in, then verify the whole.
  MLIRContext *ctx = module.getContext();
  OwningOpRef<ModuleOp> parsed = parseSourceString<ModuleOp>(
      text, ParserConfig(ctx, /*verifyAfterParse=*/false));
  if (!parsed)
    return "internal error: the forward pass does not parse";
  for (Operation &op : llvm::make_early_inc_range(*parsed->getBody()))
    op.moveBefore(module.getBody(), module.getBody()->end());
  return "";
}

} // namespace lowbit::model
