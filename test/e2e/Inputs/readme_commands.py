"""Prints the README's shell commands, as written, for the README test.

Every ```sh block after the first (which sets a machine up) becomes part of
one script, in order, so the README and its test cannot drift apart.
"""
import sys

blocks, inside, current = [], False, []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("```sh"):
        inside, current = True, []
    elif line.startswith("```") and inside:
        inside = False
        blocks.append(current)
    elif inside:
        current.append(line.rstrip("\n"))
print("set -euo pipefail")
for block in blocks[1:]:
    print("\n".join(block))
