// The int8 dot products are really emitted: vpdpbusd on AVX-512 VNNI and
// AVX-VNNI, vpmaddubsw on AVX2, sdot on Armv8.2 dotprod, usdot with i8mm;
// the float path uses none. (Compile only: runs on any host.)
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q4_0 rules=ffn_down=q8_0" -mtriple=x86_64-linux-gnu -mcpu=x86-64 -mattr=+avx512f,+avx512bw,+avx512vl,+avx512dq,+avx512vnni -o %t.vnni.o
// RUN: llvm-objdump -d %t.vnni.o | FileCheck %s --check-prefix=VNNI
// VNNI: vpdpbusd {{.*}}%zmm
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q4_0" -mtriple=x86_64-linux-gnu -mcpu=x86-64-v3 -mattr=+avxvnni -o %t.avxvnni.o
// RUN: llvm-objdump -d %t.avxvnni.o | FileCheck %s --check-prefix=AVXVNNI
// AVXVNNI: {vex} vpdpbusd {{.*}}%ymm
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q4_0" -mtriple=aarch64-linux-gnu -mattr=+dotprod -o %t.sdot.o
// RUN: llvm-objdump -d %t.sdot.o | FileCheck %s --check-prefix=SDOT
// SDOT: sdot v{{[0-9]+}}.4s
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q4_0" -mtriple=aarch64-linux-gnu -mattr=+dotprod,+i8mm -o %t.usdot.o
// RUN: llvm-objdump -d %t.usdot.o | FileCheck %s --check-prefix=USDOT
// USDOT: usdot v{{[0-9]+}}.4s
// IQ4 codebook indices become codes with one byte shuffle: vpshufb, tbl.
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=iq4_nl" -mtriple=x86_64-linux-gnu -mcpu=x86-64 -mattr=+avx512f,+avx512bw,+avx512vl,+avx512dq,+avx512vnni -o %t.iq4.o
// RUN: llvm-objdump -d %t.iq4.o | FileCheck %s --check-prefix=PSHUFB
// PSHUFB: vpshufb %zmm
// PSHUFB: vpdpbusd %zmm
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=iq4_xs" -mtriple=aarch64-linux-gnu -mattr=+dotprod -o %t.iq4arm.o
// RUN: llvm-objdump -d %t.iq4arm.o | FileCheck %s --check-prefix=TBL
// TBL: tbl v{{[0-9]+}}.16b
// TBL: sdot v{{[0-9]+}}.4s
// Plain AVX2 (no dot-product extension) uses vpmaddubsw + vpmaddwd; q8_0 codes go through
// the sign trick (vpsignb, vpabsb) so i16 pairs cannot saturate.
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q4_0" -mtriple=x86_64-linux-gnu -mcpu=x86-64-v3 -o %t.avx2.o
// RUN: llvm-objdump -d %t.avx2.o | FileCheck %s --check-prefix=AVX2
// AVX2-NOT: vpdpbusd
// AVX2: vpmaddubsw {{.*}}%ymm
// AVX2: vpmaddwd {{.*}}%ymm
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q8_0 rules=ffn_down=keep" -mtriple=x86_64-linux-gnu -mcpu=x86-64-v3 -o %t.avx2q8.o
// RUN: llvm-objdump -d %t.avx2q8.o | FileCheck %s --check-prefix=AVX2Q8
// AVX2Q8-DAG: vpsignb {{.*}}%ymm
// AVX2Q8-DAG: vpabsb {{.*}}%ymm
// AVX2Q8-DAG: vpmaddubsw {{.*}}%ymm
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q4_0" -mtriple=x86_64-linux-gnu -mcpu=x86-64-v3 --float-path -o %t.avx2float.o
// RUN: llvm-objdump -d %t.avx2float.o | FileCheck %s --check-prefix=NONE
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q4_0" -mtriple=x86_64-linux-gnu -mcpu=x86-64 -mattr=+avx512f,+avx512bw,+avx512vl,+avx512dq,+avx512vnni --float-path -o %t.float.o
// RUN: llvm-objdump -d %t.float.o | FileCheck %s --check-prefix=NONE
// NONE-NOT: {{vpdpbusd|vpmaddubsw}}
