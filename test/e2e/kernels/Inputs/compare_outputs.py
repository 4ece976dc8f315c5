"""Compares two files of numbers, one per line: same count, each pair within
1e-5 relative (different vector widths sum in different orders)."""
import sys

a = [float(l) for l in open(sys.argv[1])]
b = [float(l) for l in open(sys.argv[2])]
if len(a) != len(b) or not a:
    sys.exit(f"counts differ: {len(a)} vs {len(b)}")
scale = max(abs(v) for v in a) or 1.0
for i, (u, v) in enumerate(zip(a, b)):
    if abs(u - v) > 1e-5 * scale:
        sys.exit(f"value {i}: {u} vs {v}")
print(f"{len(a)} values agree")
