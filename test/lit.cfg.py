# -*- Python -*-
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "lowbit"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lowbit_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.lowbit_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["lowbit-opt", "lowbit-import", "lowbit-export", "lowbit-run", "lowbit-compile", "lowbit-kernel-check", "mlir-runner", "llvm-objdump"], tool_dirs)
config.substitutions.append(("%data", os.path.join(config.lowbit_src_root, "data")))
config.substitutions.append(("%src", config.lowbit_src_root))
config.substitutions.append(("%build", config.lowbit_obj_root))
config.substitutions.append(("%bench", os.path.join(config.lowbit_obj_root, "bench")))
config.substitutions.append(("%python", "python3"))
config.substitutions.append(
    ("%runner_libs",
     ",".join(os.path.join(config.llvm_lib_dir, lib) for lib in
              ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"])))
# Upstream lowering from bufferized linalg to the LLVM dialect, used by the
# end-to-end tests after convert-lowbit-to-linalg.
config.substitutions.append(
    ("%lower_to_llvm",
     "--one-shot-bufferize=bufferize-function-boundaries "
     "--convert-linalg-to-loops --expand-strided-metadata --lower-affine "
     "--convert-scf-to-cf --convert-vector-to-llvm --convert-arith-to-llvm "
     "--convert-cf-to-llvm --finalize-memref-to-llvm --convert-func-to-llvm "
     "--convert-index-to-llvm --reconcile-unrealized-casts"))
# Linking objects from lowbit-compile: its strided copies come from MLIR's
# C runner utils, its threads from the OpenMP runtime, its math from libm.
config.substitutions.append(("%cc", "clang-22"))
config.substitutions.append(
    ("%runtime_link",
     "-L%s -lmlir_c_runner_utils -lomp -Wl,-rpath,%s -lm" %
     (config.llvm_lib_dir, config.llvm_lib_dir)))

# Host CPU features, for tests that execute target-specific kernels; and the
# optional AArch64 cross toolchain + qemu-user for running AArch64 objects.
import shutil
try:
    with open("/proc/cpuinfo") as f:
        flags = next((l.split(":", 1)[1].split() for l in f
                      if l.startswith("flags")), [])
except OSError:
    flags = []
for flag in ["avx512_vnni", "avx_vnni", "avx512bw", "avx2"]:
    if flag in flags:
        config.available_features.add(flag)
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("qemu-aarch64")
else:
    lit_config.note("AArch64 execution tests skipped: install qemu-user and "
                    "gcc-aarch64-linux-gnu to run them")
