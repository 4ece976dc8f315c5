// A model that produces NaN logits (here model IR edited after import so
// that a norm holds a NaN; lowbit-import itself refuses such files) makes
// lowbit-run perplexity and kld fail with a reason and a non-zero exit,
// instead of printing "perplexity nan" with exit code 0. The default int8
// kernels propagate the NaN like the float path (they used to drop it and
// print a finite perplexity).
// RUN: lowbit-import %data/models/stories260K-gguf/stories260K-f32.gguf -o %t.mlir --emit-text
// RUN: %python -c "import re,sys; p=sys.argv[1]; s=open(p).read(); s=re.sub(r'(output_norm\.weight: \"0x04000000)........', r'\g<1>0000C07F', s); open(p,'w').write(s)" %t.mlir
// RUN: not lowbit-run perplexity %t.mlir %data/models/tinystories-valid-head/tinystories_valid_head.txt 2>&1 | FileCheck %s
// RUN: not lowbit-run perplexity %t.mlir %data/models/tinystories-valid-head/tinystories_valid_head.txt --float-path 2>&1 | FileCheck %s
// RUN: lowbit-import %data/models/stories260K-gguf/stories260K-f32.gguf -o %t.ref.mlirbc
// RUN: not lowbit-run kld %t.mlir %data/models/tinystories-valid-head/tinystories_valid_head.txt --reference %t.ref.mlirbc 2>&1 | FileCheck %s
// CHECK: error: the model's logits are not finite at scored token 1 (512 NaN, 0 infinite of 512): no perplexity is computed from them
// CHECK-NOT: perplexity {{[0-9n]}}
