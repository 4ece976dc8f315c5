// Every command the README shows (after the set-up block) runs as written,
// from a checkout's root with its build in build/.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: ln -s %build %t.dir/build && ln -s %src/data %t.dir/data && ln -s %src/examples %t.dir/examples
// RUN: %python %S/Inputs/readme_commands.py %src/README.md > %t.dir/readme.sh
// RUN: cd %t.dir && bash readme.sh > %t.dir/out.txt 2>&1 || (cat %t.dir/out.txt; false)
// RUN: FileCheck %s --input-file=%t.dir/out.txt
// CHECK: perplexity
// CHECK: mean KLD
// CHECK: lowbit-export: wrote 47 tensors
// CHECK: stories 46, scored tokens 14829
// CHECK: --lowbit-attach-target
// CHECK: q4_k 67x300 t5 {{.*}} OK
// CHECK: read bandwidth
