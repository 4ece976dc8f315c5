// lowbit-compile: model file -> object + C header; the deployment example
// in examples/ links it, prints the story as text (the tokenizer is in the
// object) and reproduces the documented greedy continuation.
// RUN: rm -rf %t.dir %t.q8dir && mkdir -p %t.dir %t.q8dir
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin -o %t.o --emit-header %t.dir/lowbit_model.h
// RUN: %cc -O2 -Wall -Werror -I%t.dir %S/../../examples/generate.c %t.o %runtime_link -o %t.gen
// RUN: %t.gen 100 1 403 407 261 378 | FileCheck %s
// CHECK: Once upon a time, there was a little girl named Lily. She loved to play outside in the park.
// CHECK: tokens: 1 403 407 261 378 432 383 286 261 376 298 315 421 395 317 426 338 401 396 267 337 410 408 419 292 411 322 265 282 295 433 426 385 328 432 358 394 261 370 432 352 266 268 388 426 338 391 266 267 337 335 312 432 398 312 286 267 414 270 333 415 426 13 438 310 439 419 357 336 432 313 438 310 432 278 316 439 419 298 414 267 265 282 295 433 426 436 317 286 296 418 269 279 292 416 439 413 409 416 327 263 415 294 267 400{{$}}

// The same object as a shared library runs under lowbit-run, which reads
// the dimensions and tokenizer the object exports: float32 perplexity as
// documented, and the same continuation.
// RUN: %cc -shared %t.o %runtime_link -o %t.so
// RUN: lowbit-run perplexity %t.so %data/models/tinystories-valid-head/tinystories_valid_head.txt | FileCheck %s --check-prefix=SOPPL
// SOPPL: scored tokens 14829, {{.*}} perplexity 3.3991
// RUN: lowbit-run generate %t.so "Once upon a time" -n 30 | FileCheck %s --check-prefix=SOGEN
// SOGEN: tokens: 1 403 407 261 378 432 383 286 261 376 298 315 421 395 317 426 338 401 396 267 337 410 408 419 292 411 322 265 282 295 433 426 385 328 432{{$}}
// RUN: lowbit-run bench %t.so 32 -n 16 | FileCheck %s --check-prefix=SOBENCH
// SOBENCH: prompt 32 tokens: {{[0-9.]+}} tokens/s (batched, up to 512 per call); decode 16 tokens: {{[0-9.]+}} tokens/s (one per call) ({{.*}}.so)
// RUN: not lowbit-run perplexity %t.missing.so %t.none 2>&1 | FileCheck %s --check-prefix=NOSO
// NOSO: lowbit-run: error: cannot load {{.*}}missing.so
// RUN: %cc -shared %S/Inputs/not_a_model.c -o %t.notmodel.so
// RUN: not lowbit-run perplexity %t.notmodel.so %t.none 2>&1 | FileCheck %s --check-prefix=NOTMODEL
// NOTMODEL: lowbit-run: error: {{.*}}notmodel.so is not a lowbit-compiled model (no _mlir_ciface_forward)

// Import, quantize and compile in one command; the same input gives a
// byte-identical object.
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q8_0" -o %t.q8.o --emit-header %t.q8dir/lowbit_model.h
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="default=q8_0" -o %t.q8again.o
// RUN: cmp %t.q8.o %t.q8again.o
// RUN: %cc -O2 -I%t.q8dir %S/../../examples/generate.c %t.q8.o %runtime_link -o %t.q8gen
// RUN: %t.q8gen 20 1 403 407 261 378 | FileCheck %s --check-prefix=Q8
// Q8: tokens: 1 403 407 261 378 432 383 286 261 376 298 315

// Targets with LLVM's spellings; unknown ones are errors.
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin -o %t.arm.o -mtriple=aarch64-linux-gnu -mattr=+dotprod
// RUN: llvm-objdump -f %t.arm.o | FileCheck %s --check-prefix=ARM
// ARM: file format elf64-littleaarch64
// RUN: not lowbit-compile %data/models/stories260K/stories260K.bin -o %t.x.o -mtriple=foo-bar-baz 2>&1 | FileCheck %s --check-prefix=BADTRIPLE
// BADTRIPLE: lowbit-compile: error: unknown target triple 'foo-bar-baz'
// RUN: not lowbit-compile %data/models/stories260K/stories260K.bin -o %t.x.o -mattr=+avx512wat 2>&1 | FileCheck %s --check-prefix=BADATTR
// BADATTR: lowbit-compile: error: unknown feature '+avx512wat'
// RUN: not lowbit-compile %S/../Dialect/LowBit/ops.mlir -o %t.x.o --emit-header %t.x.h 2>&1 | FileCheck %s --check-prefix=NOFWD
// NOFWD: lowbit-compile: error: {{.*}}ops.mlir has no @forward (a Llama model is needed)
