"""GGUF header primitives shared by the test helpers (gguf_patch.py,
test/Calibration/Inputs/compare_imatrix.py)."""
import struct

SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f",
           7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def read_str(b, o):
    n = struct.unpack_from("<Q", b, o)[0]
    return b[o + 8:o + 8 + n].decode(), o + 8 + n


def skip_value(b, o, t):
    """Offset after a metadata value of GGUF type t at offset o."""
    if t in SCALARS:
        return o + struct.calcsize(SCALARS[t])
    if t == 8:
        return read_str(b, o)[1]
    if t == 9:
        et, n = struct.unpack_from("<IQ", b, o)
        o += 12
        for _ in range(n):
            o = skip_value(b, o, et)
        return o
    raise SystemExit("unknown GGUF type %d" % t)
