// One quantized layer (q4_0, q6_k, q5_1, q2_k and iq4_nl with its tbl codebook lookup;
// K = 40: a partial last block) built
// as a library by lowbit-compile for AArch64 with dotprod (sdot) and for the
// host; the same C driver runs both, the AArch64 one under qemu-user, and
// their outputs agree.
// REQUIRES: qemu-aarch64
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q4_0" -emit-bytecode -o %t.q4.mlirbc
// RUN: lowbit-compile %t.q4.mlirbc -mtriple=aarch64-linux-gnu -mattr=+dotprod -o %t.arm.o
// RUN: aarch64-linux-gnu-gcc -static -O2 %S/Inputs/layer_main.c %t.arm.o -o %t.arm
// RUN: qemu-aarch64 %t.arm > %t.arm.txt
// RUN: lowbit-compile %t.q4.mlirbc -o %t.host.o
// RUN: %cc -O2 %S/Inputs/layer_main.c %t.host.o %runtime_link -o %t.host
// RUN: %t.host > %t.host.txt
// RUN: %python %S/Inputs/compare_outputs.py %t.host.txt %t.arm.txt | FileCheck %s
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q6_k" -emit-bytecode -o %t.q6.mlirbc
// RUN: lowbit-compile %t.q6.mlirbc -mtriple=aarch64-linux-gnu -mattr=+dotprod,+i8mm -o %t.arm6.o
// RUN: aarch64-linux-gnu-gcc -static -O2 %S/Inputs/layer_main.c %t.arm6.o -o %t.arm6
// RUN: qemu-aarch64 %t.arm6 > %t.arm6.txt
// RUN: lowbit-compile %t.q6.mlirbc -o %t.host6.o
// RUN: %cc -O2 %S/Inputs/layer_main.c %t.host6.o %runtime_link -o %t.host6
// RUN: %t.host6 > %t.host6.txt
// RUN: %python %S/Inputs/compare_outputs.py %t.host6.txt %t.arm6.txt | FileCheck %s
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=iq4_nl" -emit-bytecode -o %t.iq4.mlirbc
// RUN: lowbit-compile %t.iq4.mlirbc -mtriple=aarch64-linux-gnu -mattr=+dotprod -o %t.armiq4.o
// RUN: aarch64-linux-gnu-gcc -static -O2 %S/Inputs/layer_main.c %t.armiq4.o -o %t.armiq4
// RUN: qemu-aarch64 %t.armiq4 > %t.armiq4.txt
// RUN: lowbit-compile %t.iq4.mlirbc -o %t.hostiq4.o
// RUN: %cc -O2 %S/Inputs/layer_main.c %t.hostiq4.o %runtime_link -o %t.hostiq4
// RUN: %t.hostiq4 > %t.hostiq4.txt
// RUN: %python %S/Inputs/compare_outputs.py %t.hostiq4.txt %t.armiq4.txt | FileCheck %s
// 5-bit codes (nibbles + a 1-bit plane) on NEON's 16-byte vectors:
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q5_1" -emit-bytecode -o %t.q5.mlirbc
// RUN: lowbit-compile %t.q5.mlirbc -mtriple=aarch64-linux-gnu -mattr=+dotprod -o %t.arm5.o --kernel-report 2>&1 | FileCheck %s --check-prefix=U5
// U5: layout u5g32
// RUN: aarch64-linux-gnu-gcc -static -O2 %S/Inputs/layer_main.c %t.arm5.o -o %t.arm5
// RUN: qemu-aarch64 %t.arm5 > %t.arm5.txt
// RUN: lowbit-compile %t.q5.mlirbc -o %t.host5.o
// RUN: %cc -O2 %S/Inputs/layer_main.c %t.host5.o %runtime_link -o %t.host5
// RUN: %t.host5 > %t.host5.txt
// RUN: %python %S/Inputs/compare_outputs.py %t.host5.txt %t.arm5.txt | FileCheck %s
// 2-bit codes (four registers of crumbs per 16 bytes):
// RUN: lowbit-opt %s --lowbit-select-block-scales="scheme=q2_k" -emit-bytecode -o %t.q2.mlirbc
// RUN: lowbit-compile %t.q2.mlirbc -mtriple=aarch64-linux-gnu -mattr=+dotprod -o %t.arm2.o --kernel-report 2>&1 | FileCheck %s --check-prefix=U2
// U2: layout u2g16
// RUN: aarch64-linux-gnu-gcc -static -O2 %S/Inputs/layer_main.c %t.arm2.o -o %t.arm2
// RUN: qemu-aarch64 %t.arm2 > %t.arm2.txt
// RUN: lowbit-compile %t.q2.mlirbc -o %t.host2.o
// RUN: %cc -O2 %S/Inputs/layer_main.c %t.host2.o %runtime_link -o %t.host2
// RUN: %t.host2 > %t.host2.txt
// RUN: %python %S/Inputs/compare_outputs.py %t.host2.txt %t.arm2.txt | FileCheck %s
// The sparse outlier side path (5 % of the weights kept exactly; NEON has
// no gather, LLVM scalarizes it) beside q4_0:
// RUN: lowbit-opt %s --lowbit-split-outliers="mode=weights fraction=0.05" --lowbit-select-block-scales="scheme=q4_0" -emit-bytecode -o %t.sp.mlirbc
// RUN: lowbit-opt %t.sp.mlirbc | FileCheck %s --check-prefix=SPARSE
// SPARSE: lowbit.sparse_matmul
// RUN: lowbit-compile %t.sp.mlirbc -mtriple=aarch64-linux-gnu -mattr=+dotprod -o %t.armsp.o
// RUN: aarch64-linux-gnu-gcc -static -O2 %S/Inputs/layer_main.c %t.armsp.o -o %t.armsp
// RUN: qemu-aarch64 %t.armsp > %t.armsp.txt
// RUN: lowbit-compile %t.sp.mlirbc -o %t.hostsp.o
// RUN: %cc -O2 %S/Inputs/layer_main.c %t.hostsp.o %runtime_link -o %t.hostsp
// RUN: %t.hostsp > %t.hostsp.txt
// RUN: %python %S/Inputs/compare_outputs.py %t.hostsp.txt %t.armsp.txt | FileCheck %s
// CHECK: 24 values agree

func.func @layer(%x: tensor<3x40xf32>) -> tensor<3x8xf32> attributes {llvm.emit_c_interface} {
  %w = arith.constant dense<[[-0.524, 0.088, -0.260, 0.208, 0.251, -0.869, -0.974, 0.675], [-0.481, -0.531, 0.991, -0.059, 0.673, -0.047, 0.278, -0.699], [0.270, 0.736, 0.046, 0.483, 0.343, -0.872, 0.516, 0.182], [-0.397, -0.938, 0.731, -0.055, 0.438, 0.758, 0.428, 0.842], [-0.210, 0.602, -0.111, 0.871, 0.758, -0.805, -0.728, -0.566], [0.931, -0.128, 0.253, -0.398, 0.014, -0.228, -0.298, 0.170], [0.169, 0.808, 0.364, 0.858, 0.713, 0.982, 0.343, -0.674], [0.721, 0.929, 0.809, 0.138, 0.428, -0.578, 0.663, 0.147], [-0.430, -0.873, 0.708, 0.980, -0.823, 0.601, -0.179, -0.698], [-0.412, 0.538, 0.746, -0.912, 0.229, -0.910, 0.437, -0.338], [0.762, 0.961, 0.011, 0.997, -0.381, -0.846, 0.200, -0.937], [-0.605, -0.184, 0.221, -0.688, -0.915, 0.736, -0.372, 0.917], [0.793, -0.244, -0.079, 0.040, 0.288, 0.191, 0.119, 0.240], [0.881, 0.014, -0.138, 0.441, -0.525, -0.398, 0.956, 0.042], [0.097, -0.977, -0.170, 0.160, -0.960, 0.232, 0.264, -0.880], [0.255, -0.067, 0.359, -0.295, 0.414, 0.476, -0.956, -0.879], [0.352, 0.927, -0.498, -0.087, 0.185, -0.360, -0.272, -0.375], [-0.262, 0.191, -0.399, -0.246, 0.545, -0.946, 0.139, 0.470], [-0.380, -0.555, 0.608, -0.523, -0.625, -0.130, 0.396, -0.796], [-0.356, -0.332, 0.667, -0.123, 0.711, -0.661, -0.327, 0.300], [0.770, -0.098, -0.550, -0.758, 0.059, -0.618, 0.614, 0.677], [-0.633, -0.443, 0.614, 0.284, 0.613, -0.309, -0.741, -0.416], [0.588, -0.458, -0.307, -0.166, -0.160, -0.181, 0.841, -0.688], [-0.991, 0.887, 0.760, 0.974, -0.131, 0.900, 0.855, -0.556], [0.491, 0.673, 0.326, 0.038, -0.422, -0.318, -0.545, -0.864], [0.177, -0.426, 0.620, -0.910, 0.807, 0.387, 0.848, 0.793], [0.799, 0.154, -0.974, 0.491, -0.656, -0.400, 0.326, 0.050], [-0.172, 0.878, 0.224, -0.317, -0.495, 0.723, -0.046, 0.565], [-0.296, -0.605, 0.069, 0.634, -0.657, 0.583, 0.844, 0.612], [0.647, -0.985, 0.257, 0.725, -0.900, -0.457, -0.463, 0.055], [-0.154, -0.054, 0.553, -0.996, -0.890, -0.746, -0.751, -0.863], [0.949, 0.709, -0.828, 0.004, -0.368, -0.371, -0.297, 0.294], [0.173, -0.278, -0.618, -0.342, -0.752, 0.111, 0.432, -0.240], [-0.840, -0.643, -0.253, 0.209, 0.565, -0.239, 0.602, 0.246], [-0.137, -0.255, -0.008, 0.406, -0.159, 0.388, -0.078, -0.510], [0.072, 0.390, -0.857, -0.150, -0.148, 0.759, 0.873, -0.252], [0.796, 0.582, -0.476, -0.072, -0.754, 0.626, 0.325, 0.775], [0.585, 0.335, 0.467, 0.128, -0.794, 0.176, -0.990, -0.713], [0.549, -0.911, -0.816, -0.801, 0.761, -0.642, -0.953, 0.683], [-0.757, 0.688, 0.347, 0.672, 0.905, 0.158, 0.597, -0.927]]> : tensor<40x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<3x8xf32>) -> tensor<3x8xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<3x40xf32>, tensor<40x8xf32>) outs(%i : tensor<3x8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
