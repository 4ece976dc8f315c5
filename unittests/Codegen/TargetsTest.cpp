//===- TargetsTest.cpp - Target table and selection -----------------------===//

#include "lowbit/Codegen/Targets.h"
#include "lowbit/Codegen/TargetMachine.h"

#include <gtest/gtest.h>

#include <set>

using namespace lowbit::codegen;

namespace {

const TargetDesc *selectFor(const std::string &triple, const std::string &cpu,
                            const std::string &features) {
  std::string error;
  auto tm = createTargetMachine(triple, cpu, features, error);
  EXPECT_TRUE(tm) << error;
  return tm ? selectTarget(*tm) : nullptr;
}

TEST(Targets, SelectionFollowsLLVMFeatures) {
  struct Case {
    const char *triple, *cpu, *features, *expected;
  } cases[] = {
      {"x86_64-unknown-linux-gnu", "x86-64", "", "x86-64"},
      {"x86_64-unknown-linux-gnu", "x86-64-v3", "", "x86-64-v3"},
      {"x86_64-unknown-linux-gnu", "x86-64-v3", "+avxvnni", "x86-64-v3-vnni"},
      {"x86_64-unknown-linux-gnu", "x86-64-v4", "", "x86-64-v4"},
      {"x86_64-unknown-linux-gnu", "x86-64-v4", "+avx512vnni",
       "x86-64-v4-vnni"},
      {"x86_64-unknown-linux-gnu", "znver4", "", "x86-64-v4-vnni"},
      {"x86_64-unknown-linux-gnu", "sapphirerapids", "", "x86-64-v4-vnni"},
      {"x86_64-unknown-linux-gnu", "znver4", "-avx512f", "x86-64-v3"},
      {"x86_64-unknown-linux-gnu", "alderlake", "", "x86-64-v3-vnni"},
      {"aarch64-unknown-linux-gnu", "generic", "", "aarch64"},
      {"aarch64-unknown-linux-gnu", "generic", "+dotprod", "aarch64-dotprod"},
      {"aarch64-unknown-linux-gnu", "neoverse-v1", "", "aarch64-i8mm"},
  };
  for (const Case &c : cases) {
    const TargetDesc *d = selectFor(c.triple, c.cpu, c.features);
    ASSERT_NE(d, nullptr) << c.cpu << " " << c.features;
    EXPECT_STREQ(d->name, c.expected) << c.cpu << " " << c.features;
  }
  EXPECT_EQ(selectFor("riscv64-unknown-linux-gnu", "generic", ""), nullptr);
}

TEST(Targets, RunsOnNeedsEveryFeature) {
  std::string error;
  auto v3 =
      createTargetMachine("x86_64-unknown-linux-gnu", "x86-64-v3", "", error);
  ASSERT_TRUE(v3) << error;
  EXPECT_TRUE(runsOn(*findTarget("x86-64-v3"), *v3));
  EXPECT_TRUE(runsOn(*findTarget("x86-64"), *v3));
  EXPECT_FALSE(runsOn(*findTarget("x86-64-v4-vnni"), *v3));
  EXPECT_FALSE(runsOn(*findTarget("aarch64"), *v3));
}

TEST(Targets, BadSpellingsAreErrors) {
  std::string error;
  EXPECT_FALSE(
      createTargetMachine("x86_64-unknown-linux-gnu", "pentium9", "", error));
  EXPECT_EQ(error, "unknown CPU 'pentium9' for x86_64-unknown-linux-gnu");
  EXPECT_FALSE(
      createTargetMachine("x86_64-unknown-linux-gnu", "", "+avx9", error));
  EXPECT_EQ(error, "unknown feature '+avx9' for x86_64-unknown-linux-gnu");
  EXPECT_FALSE(createTargetMachine("nonsense-arch", "", "", error));
}

TEST(Targets, TableIsConsistent) {
  std::set<std::string> names;
  for (const TargetDesc &t : targetTable()) {
    EXPECT_TRUE(names.insert(t.name).second) << t.name;
    EXPECT_EQ(findTarget(t.name), &t);
    const KernelTarget &k = t.kernels;
    // An int8 dot product comes with a byte lookup and its intrinsics.
    EXPECT_EQ(k.dot == DotKind::None, k.lookup == LookupKind::None) << t.name;
    EXPECT_EQ(dotIntrinsic(k.dot) == nullptr, k.dot == DotKind::None);
    EXPECT_EQ(lookupIntrinsic(k.lookup) == nullptr,
              k.lookup == LookupKind::None);
    EXPECT_TRUE(k.vectorBytes == 16 || k.vectorBytes == 32 ||
                k.vectorBytes == 64)
        << t.name;
  }
  EXPECT_EQ(findTarget("riscv64"), nullptr);
}

TEST(Targets, KindKeywordsRoundTrip) {
  for (DotKind k : {DotKind::None, DotKind::X86Vnni512, DotKind::X86Vnni256,
                    DotKind::X86Avx2, DotKind::NeonSdot, DotKind::NeonUsdot})
    EXPECT_EQ(parseDotKind(dotKindKeyword(k)), k);
  for (LookupKind k : {LookupKind::None, LookupKind::X86Pshufb256,
                       LookupKind::X86Pshufb512, LookupKind::NeonTbl})
    EXPECT_EQ(parseLookupKind(lookupKindKeyword(k)), k);
  EXPECT_FALSE(parseDotKind("vpdpbssd"));
}

} // namespace
