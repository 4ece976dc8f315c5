//===- LlamaForward.cpp - The Llama forward pass as model IR --------------===//
//
// Emits `func @forward(token, pos, kcache, vcache) -> logits` for one token
// and `func @forward_batch(tokens, pos, all, kcache, vcache) -> logits` for a
// block of T tokens at positions pos .. pos + T - 1 (logits of every row
// when `all` is nonzero, else of the last), with a KV cache, in upstream
// dialects only (linalg, tensor, scf, arith, math). Both call the same
// per-weight functions (x: tensor<?xK> -> tensor<?xN>) for every matrix
// product, so quantization passes rewrite those once and nothing else;
// the batched pass reaches the kernels with T rows at a time. The arithmetic
// follows llama2.c's run.c: RMSNorm (eps 1e-5), RoPE on adjacent pairs,
// grouped-query attention with a causal softmax, SwiGLU FFN, final norm,
// classifier. Attention scores all cache positions and masks those after
// `pos + t` for row t. The one-token helpers have static shapes; the
// `_rows` ones the same arithmetic over a dynamic number of rows.
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

// Row-wise helpers, instantiated for one row ($R = 1, no suffix) and for
// any number of rows ($R = ?, suffix _rows): the same arithmetic per row.
const char *kHelpers = R"mlir(
func.func private @lowbit_rmsnorm$SUF(%x: tensor<$Rx$Dxf32>, %w: tensor<$Dxf32>) -> tensor<$Rx$Dxf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<$Rx$Dxf32>
  %e0 = tensor.empty($DYN) : tensor<$Rxf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e0 : tensor<$Rxf32>) -> tensor<$Rxf32>
  %ss = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                        iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<$Rx$Dxf32>) outs(%acc : tensor<$Rxf32>) {
  ^bb0(%a: f32, %s: f32):
    %m = arith.mulf %a, %a : f32
    %t = arith.addf %s, %m : f32
    linalg.yield %t : f32
  } -> tensor<$Rxf32>
  %e1 = tensor.empty($DYN) : tensor<$Rx$Dxf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                                        affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %w, %ss : tensor<$Rx$Dxf32>, tensor<$Dxf32>, tensor<$Rxf32>) outs(%e1 : tensor<$Rx$Dxf32>) {
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
  } -> tensor<$Rx$Dxf32>
  return %y : tensor<$Rx$Dxf32>
}

func.func private @lowbit_add_$D$SUF(%a: tensor<$Rx$Dxf32>, %b: tensor<$Rx$Dxf32>) -> tensor<$Rx$Dxf32> {
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %a, %c0 : tensor<$Rx$Dxf32>
  %e = tensor.empty($DYN) : tensor<$Rx$Dxf32>
  %r = linalg.add ins(%a, %b : tensor<$Rx$Dxf32>, tensor<$Rx$Dxf32>) outs(%e : tensor<$Rx$Dxf32>) -> tensor<$Rx$Dxf32>
  return %r : tensor<$Rx$Dxf32>
}

func.func private @lowbit_swiglu$SUF(%g: tensor<$Rx$Fxf32>, %u: tensor<$Rx$Fxf32>) -> tensor<$Rx$Fxf32> {
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %g, %c0 : tensor<$Rx$Fxf32>
  %e = tensor.empty($DYN) : tensor<$Rx$Fxf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%g, %u : tensor<$Rx$Fxf32>, tensor<$Rx$Fxf32>) outs(%e : tensor<$Rx$Fxf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %a : f32
    %x = math.exp %n : f32
    %d = arith.addf %one, %x : f32
    %sg = arith.divf %one, %d : f32
    %s = arith.mulf %a, %sg : f32
    %y = arith.mulf %s, %b : f32
    linalg.yield %y : f32
  } -> tensor<$Rx$Fxf32>
  return %r : tensor<$Rx$Fxf32>
}

)mlir";

const char *kRope = R"mlir(
// RoPE on adjacent pairs of each head: theta = (pos + row) * freq[(i mod hs) / 2].
func.func private @lowbit_rope_$N$SUF(%x: tensor<$Rx$Nxf32>, %pos: index, %freq: tensor<$HALFxf32>) -> tensor<$Rx$Nxf32> {
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<$Rx$Nxf32>
  %e = tensor.empty($DYN) : tensor<$Rx$Nxf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<$Rx$Nxf32>) {
  ^bb0(%o: f32):
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %hs = arith.constant $HS : index
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %p = arith.addi %pos, %i : index
    %posi = arith.index_cast %p : index to i64
    %posf = arith.sitofp %posi : i64 to f32
    %inhead = arith.remui %j, %hs : index
    %fi = arith.divui %inhead, %c2 : index
    %fr = tensor.extract %freq[%fi] : tensor<$HALFxf32>
    %theta = arith.mulf %posf, %fr : f32
    %c = math.cos %theta : f32
    %s = math.sin %theta : f32
    %odd = arith.remui %j, %c2 : index
    %base = arith.subi %j, %odd : index
    %next = arith.addi %base, %c1 : index
    %a = tensor.extract %x[%i, %base] : tensor<$Rx$Nxf32>
    %b = tensor.extract %x[%i, %next] : tensor<$Rx$Nxf32>
    %isodd = arith.cmpi ne, %odd, %c0 : index
    %ac = arith.mulf %a, %c : f32
    %bs = arith.mulf %b, %s : f32
    %ev = arith.subf %ac, %bs : f32
    %as = arith.mulf %a, %s : f32
    %bc = arith.mulf %b, %c : f32
    %ov = arith.addf %as, %bc : f32
    %r = arith.select %isodd, %ov, %ev : f32
    linalg.yield %r : f32
  } -> tensor<$Rx$Nxf32>
  return %y : tensor<$Rx$Nxf32>
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
  // Positions t outside the head's columns j: the inner loop runs along
  // contiguous rows of V (vectorizable) while each output still sums its
  // positions in order.
  %out = linalg.generic {indexing_maps = [affine_map<(h, t, j) -> (h, t)>,
                                          affine_map<(h, t, j) -> (t, (h floordiv $G) * $HS + j)>,
                                          affine_map<(h, t, j) -> (h, j)>],
                         iterator_types = ["parallel", "reduction", "parallel"]}
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

)mlir";

// Attention of a block of rows: row t at position pos + t attends cache
// positions 0 .. pos + t (the cache already holds the block's keys).
const char *kAttentionRows = R"mlir(
func.func private @lowbit_attention_rows(%q: tensor<?x$Dxf32>, %kc: tensor<$NLx$Sx$KVDxf32>, %vc: tensor<$NLx$Sx$KVDxf32>, %layer: index, %pos: index) -> tensor<?x$Dxf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = tensor.dim %q, %c0 : tensor<?x$Dxf32>
  %e = tensor.empty(%rows) : tensor<?x$Dxf32>
  %out = scf.for %t = %c0 to %rows step %c1 iter_args(%acc = %e) -> (tensor<?x$Dxf32>) {
    %p = arith.addi %pos, %t : index
    %n = arith.addi %p, %c1 : index
    %qt = tensor.extract_slice %q[%t, 0] [1, $D] [1, 1] : tensor<?x$Dxf32> to tensor<1x$Dxf32>
    %kl = tensor.extract_slice %kc[%layer, 0, 0] [1, %n, $KVD] [1, 1, 1] : tensor<$NLx$Sx$KVDxf32> to tensor<?x$KVDxf32>
    %vl = tensor.extract_slice %vc[%layer, 0, 0] [1, %n, $KVD] [1, 1, 1] : tensor<$NLx$Sx$KVDxf32> to tensor<?x$KVDxf32>
    %a = func.call @lowbit_attention(%qt, %kl, %vl) : (tensor<1x$Dxf32>, tensor<?x$KVDxf32>, tensor<?x$KVDxf32>) -> tensor<1x$Dxf32>
    %r = tensor.insert_slice %a into %acc[%t, 0] [1, $D] [1, 1] : tensor<1x$Dxf32> into tensor<?x$Dxf32>
    scf.yield %r : tensor<?x$Dxf32>
  }
  return %out : tensor<?x$Dxf32>
}

func.func private @lowbit_embedding_rows(%tokens: tensor<?xi32>) -> tensor<?x$Dxf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = tensor.dim %tokens, %c0 : tensor<?xi32>
  %e = tensor.empty(%rows) : tensor<?x$Dxf32>
  %out = scf.for %t = %c0 to %rows step %c1 iter_args(%acc = %e) -> (tensor<?x$Dxf32>) {
    %tok = tensor.extract %tokens[%t] : tensor<?xi32>
    %ti = arith.index_cast %tok : i32 to index
    %row = func.call @lowbit_embedding(%ti) : (index) -> tensor<1x$Dxf32>
    %r = tensor.insert_slice %row into %acc[%t, 0] [1, $D] [1, 1] : tensor<1x$Dxf32> into tensor<?x$Dxf32>
    scf.yield %r : tensor<?x$Dxf32>
  }
  return %out : tensor<?x$Dxf32>
}
)mlir";

// One layer; $R is 1 (one token) or ? (a block of %rows tokens). Weight
// calls are spelled $W(result, function, argument, in, out) and expanded by
// weightCalls (through casts on the one-token path).
const char *kLayer = R"mlir(
  %xb$L = func.call @lowbit_rmsnorm$SUF(%x$L, %an$L) : (tensor<$Rx$Dxf32>, tensor<$Dxf32>) -> tensor<$Rx$Dxf32>
  $W(q$L, blk_$L_attn_q_weight, xb$L, $D, $D)
  $W(k$L, blk_$L_attn_k_weight, xb$L, $D, $KVD)
  $W(v$L, blk_$L_attn_v_weight, xb$L, $D, $KVD)
  %qr$L = func.call @lowbit_rope_$D$SUF(%q$L, %pos, %freq) : (tensor<$Rx$Dxf32>, index, tensor<$HALFxf32>) -> tensor<$Rx$Dxf32>
  %kr$L = func.call @lowbit_rope_$KVD$SUF(%k$L, %pos, %freq) : (tensor<$Rx$KVDxf32>, index, tensor<$HALFxf32>) -> tensor<$Rx$KVDxf32>
  %kc$NEXT = tensor.insert_slice %kr$L into %kc$L[$L, %pos, 0] [1, $ROWS, $KVD] [1, 1, 1] : tensor<$Rx$KVDxf32> into tensor<$NLx$Sx$KVDxf32>
  %vc$NEXT = tensor.insert_slice %v$L into %vc$L[$L, %pos, 0] [1, $ROWS, $KVD] [1, 1, 1] : tensor<$Rx$KVDxf32> into tensor<$NLx$Sx$KVDxf32>
$ATTENTION
  $W(o$L, blk_$L_attn_output_weight, att$L, $D, $D)
  %h$L = func.call @lowbit_add_$D$SUF(%x$L, %o$L) : (tensor<$Rx$Dxf32>, tensor<$Rx$Dxf32>) -> tensor<$Rx$Dxf32>
  %hb$L = func.call @lowbit_rmsnorm$SUF(%h$L, %fn$L) : (tensor<$Rx$Dxf32>, tensor<$Dxf32>) -> tensor<$Rx$Dxf32>
  $W(g$L, blk_$L_ffn_gate_weight, hb$L, $D, $F)
  $W(u$L, blk_$L_ffn_up_weight, hb$L, $D, $F)
  %s$L = func.call @lowbit_swiglu$SUF(%g$L, %u$L) : (tensor<$Rx$Fxf32>, tensor<$Rx$Fxf32>) -> tensor<$Rx$Fxf32>
  $W(d$L, blk_$L_ffn_down_weight, s$L, $F, $D)
  %x$NEXT = func.call @lowbit_add_$D$SUF(%h$L, %d$L) : (tensor<$Rx$Dxf32>, tensor<$Rx$Dxf32>) -> tensor<$Rx$Dxf32>
)mlir";

const char *kAttentionOne = R"mlir(  %one$L = arith.constant 1 : index
  %n$L = arith.addi %pos, %one$L : index
  %kl$L = tensor.extract_slice %kc$NEXT[$L, 0, 0] [1, %n$L, $KVD] [1, 1, 1] : tensor<$NLx$Sx$KVDxf32> to tensor<?x$KVDxf32>
  %vl$L = tensor.extract_slice %vc$NEXT[$L, 0, 0] [1, %n$L, $KVD] [1, 1, 1] : tensor<$NLx$Sx$KVDxf32> to tensor<?x$KVDxf32>
  %att$L = func.call @lowbit_attention(%qr$L, %kl$L, %vl$L) : (tensor<1x$Dxf32>, tensor<?x$KVDxf32>, tensor<?x$KVDxf32>) -> tensor<1x$Dxf32>)mlir";

const char *kAttentionBlock = R"mlir(  %layer$L = arith.constant $L : index
  %att$L = func.call @lowbit_attention_rows(%qr$L, %kc$NEXT, %vc$NEXT, %layer$L, %pos) : (tensor<?x$Dxf32>, tensor<$NLx$Sx$KVDxf32>, tensor<$NLx$Sx$KVDxf32>, index, index) -> tensor<?x$Dxf32>)mlir";

/// Expands every $W(result, function, argument, in, out) of `text`: a call
/// of a weight function (tensor<?xIN> -> tensor<?xOUT>), through casts
/// from and to one row when `oneRow`.
std::string weightCalls(std::string text, bool oneRow) {
  for (size_t at = text.find("$W("); at != std::string::npos;
       at = text.find("$W(", at)) {
    size_t end = text.find(')', at);
    std::vector<std::string> a;
    std::stringstream fields(text.substr(at + 3, end - at - 3));
    for (std::string f; std::getline(fields, f, ',');)
      a.push_back(f.substr(f.find_first_not_of(' ')));
    const std::string &res = a[0], &fn = a[1], &arg = a[2];
    std::string in = "tensor<?x" + a[3] + "xf32>",
                out = "tensor<?x" + a[4] + "xf32>", call;
    if (oneRow)
      call = "%" + res + "_in = tensor.cast %" + arg + " : tensor<1x" + a[3] +
             "xf32> to " + in + "\n  %" + res + "_out = func.call @" + fn +
             "(%" + res + "_in) : (" + in + ") -> " + out + "\n  %" + res +
             " = tensor.cast %" + res + "_out : " + out + " to tensor<1x" +
             a[4] + "xf32>";
    else
      call = "%" + res + " = func.call @" + fn + "(%" + arg + ") : (" + in +
             ") -> " + out;
    text.replace(at, end + 1 - at, call);
  }
  return text;
}

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
  // One-row and any-rows instances of the row-wise helpers and RoPE.
  auto oneRow = vars, rows = vars;
  oneRow["R"] = "1";
  oneRow["SUF"] = "";
  oneRow["DYN"] = "";
  oneRow["ROWS"] = "1";
  rows["R"] = "?";
  rows["SUF"] = "_rows";
  rows["DYN"] = "%rows";
  rows["ROWS"] = "%rows";
  std::string text = fill(kAttention, vars) + fill(kAttentionRows, vars);
  for (const auto *v : {&oneRow, &rows}) {
    text += fill(kHelpers, *v);
    // RoPE over the query width and, when it differs, the key width.
    for (int64_t n : {s.dim, kvd}) {
      auto rv = *v;
      rv["N"] = str(n);
      text += fill(kRope, rv);
      if (kvd == s.dim)
        break;
    }
  }
  // RoPE frequencies as llama2.c computes them, in float.
  std::string freq;
  for (int64_t i = 0; i < hs / 2; ++i)
    freq +=
        (i ? ", " : "") +
        floatLiteral(1.0f / std::pow(s.ropeTheta, float(2 * i) / float(hs)));
  std::string cls = hasOutput ? "output_weight" : "token_embd_weight";
  for (bool block : {false, true}) {
    auto v = block ? rows : oneRow;
    v["FREQ"] = freq;
    v["LAST"] = str(s.layers);
    text += fill(block ? R"mlir(
func.func @forward_batch(%tokens: tensor<?xi32>, %pos: index, %all: index,
                         %kc0: tensor<$NLx$Sx$KVDxf32> {bufferization.writable = true},
                         %vc0: tensor<$NLx$Sx$KVDxf32> {bufferization.writable = true})
    -> tensor<?x$Vxf32> attributes {llvm.emit_c_interface} {
  %freq = arith.constant dense<[$FREQ]> : tensor<$HALFxf32>
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %tokens, %c0 : tensor<?xi32>
  %x0 = func.call @lowbit_embedding_rows(%tokens) : (tensor<?xi32>) -> tensor<?x$Dxf32>
)mlir"
                       : R"mlir(
func.func @forward(%token: index, %pos: index,
                   %kc0: tensor<$NLx$Sx$KVDxf32> {bufferization.writable = true},
                   %vc0: tensor<$NLx$Sx$KVDxf32> {bufferization.writable = true})
    -> tensor<1x$Vxf32> attributes {llvm.emit_c_interface} {
  %freq = arith.constant dense<[$FREQ]> : tensor<$HALFxf32>
  %x0 = func.call @lowbit_embedding(%token) : (index) -> tensor<1x$Dxf32>
)mlir",
                 v);
    std::string layer = kLayer;
    layer.replace(layer.find("$ATTENTION"), 10,
                  block ? kAttentionBlock : kAttentionOne);
    layer = weightCalls(layer, !block);
    for (int64_t l = 0; l < s.layers; ++l) {
      auto lv = v;
      lv["L"] = str(l);
      lv["NEXT"] = str(l + 1);
      text += fill(R"mlir(
  %an$L = func.call @blk_$L_attn_norm_weight() : () -> tensor<$Dxf32>
  %fn$L = func.call @blk_$L_ffn_norm_weight() : () -> tensor<$Dxf32>)mlir",
                   lv) +
              fill(layer, lv);
    }
    text += fill(R"mlir(
  %on = func.call @output_norm_weight() : () -> tensor<$Dxf32>
  %xf = func.call @lowbit_rmsnorm$SUF(%x$LAST, %on) : (tensor<$Rx$Dxf32>, tensor<$Dxf32>) -> tensor<$Rx$Dxf32>
)mlir",
                 v);
    if (!block) {
      text += fill(weightCalls("  $W(logits, " + cls + ", xf, $D, $V)\n", true),
                   v) +
              fill("  return %logits : tensor<1x$Vxf32>\n}\n", v);
      continue;
    }
    // Every row's logits (perplexity, KLD) or only the last row's (a
    // prompt): the classifier is the largest matrix of small models.
    text += fill(R"mlir(
  %zero = arith.constant 0 : index
  %wantAll = arith.cmpi ne, %all, %zero : index
  %logits = scf.if %wantAll -> (tensor<?x$Vxf32>) {
    %l = func.call @$CLS(%xf) : (tensor<?x$Dxf32>) -> tensor<?x$Vxf32>
    scf.yield %l : tensor<?x$Vxf32>
  } else {
    %c1 = arith.constant 1 : index
    %last = arith.subi %rows, %c1 : index
    %xl = tensor.extract_slice %xf[%last, 0] [1, $D] [1, 1] : tensor<?x$Dxf32> to tensor<1x$Dxf32>
    %xd = tensor.cast %xl : tensor<1x$Dxf32> to tensor<?x$Dxf32>
    %l = func.call @$CLS(%xd) : (tensor<?x$Dxf32>) -> tensor<?x$Vxf32>
    scf.yield %l : tensor<?x$Vxf32>
  }
  return %logits : tensor<?x$Vxf32>
}
)mlir",
                 [&] {
                   auto c = v;
                   c["CLS"] = cls;
                   return c;
                 }());
  }

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
