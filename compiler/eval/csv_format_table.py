#!/usr/bin/env python3
"""csv_format_table.py - writes csv_format_table.h, the table of csv_format_double's fast
path (csv.c, format_fast): run `python3 compiler/eval/csv_format_table.py >
compiler/eval/csv_format_table.h` after changing it (the header is committed;
tests/scripts/generated_tables.sh checks that the two agree).

One row for each biased exponent b of a normal double v = m2 * 2^e2 (e2 = b - 1075, m2 in
[2^52, 2^53)): k0 = floor(log10(2^(e2 + 52))), so that X = v * 10^(16 - k0) lies in
[10^16, 2 * 10^17), and a 125- or 126-bit M with a shift r such that
X = (m2 << r) * M / 2^128 up to M's error, and g = (M's high word) >> (33 - r), within one unit
of the half gap to the next double in units of 2^-32 of X (X / (2 m2) = 2^(r - 1) M / 2^128):
  q = k0 - 16 >= 0:  M = floor(2^(bits(5^q) - 1 + 125) / 5^q) + 1   (Ryu's inverse powers)
  q < 0:             M = 5^-q scaled to 125 bits, truncated          (Ryu's powers)
M is within one unit of the exact scaled power (relative error below 2^-124); every row
is checked here: r in [5, 8] and X in [10^16, 2 * 10^17) for the smallest and largest m2.
Rows 0, 1 and 2047 (zeros and subnormals, the smallest normals, inf and NaN) are zero:
the fast path never reads them.
"""
from fractions import Fraction


def row(b):
    """(lo, hi, g, k0, r) for biased exponent b."""
    e2 = b - 1075
    k0 = ((e2 + 52) * 78913) >> 18   # the C code's estimate, checked below
    assert 10 ** k0 <= Fraction(2) ** (e2 + 52) < 10 ** (k0 + 1), b
    q = k0 - 16
    if q >= 0:
        p5 = 5 ** q
        bits = p5.bit_length()
        m = (1 << (bits - 1 + 125)) // p5 + 1
        exact = Fraction(1 << (bits - 1 + 125), p5)
        scale = Fraction(1, 1 << (bits - 1 + 125))       # 5^-q = exact * scale
        r = e2 - q - bits + 4
    else:
        p5 = 5 ** -q
        bits = p5.bit_length()
        m = p5 << (125 - bits) if bits <= 125 else p5 >> (bits - 125)
        exact = Fraction(p5) * Fraction(2) ** (125 - bits)
        scale = Fraction(2) ** (bits - 125)
        r = e2 - q + bits + 3
    assert 0 <= exact - m < 1 if q < 0 else 0 < m - exact <= 1, b
    assert 5 <= r <= 8, (b, r)
    # X = m2 * 2^e2 * 10^-q = (m2 << r) * exact / 2^128
    assert Fraction(2) ** e2 * Fraction(10) ** -q == Fraction(2) ** (r - 128) * exact, b
    for m2 in (1 << 52, (1 << 53) - 1):
        x = ((m2 << r) * m) >> 128
        assert 10 ** 16 <= x < 2 * 10 ** 17, (b, m2)
        assert (m2 << r) < 1 << 64
    assert m < 1 << 127
    return m & ((1 << 64) - 1), m >> 64, (m >> 64) >> (33 - r), k0, r


def main():
    print("/* csv_format_table.h - written by csv_format_table.py (do not edit): for each biased")
    print("   exponent of a normal double, {low and high words of M, g, k0, r} as csv.c's format_fast")
    print("   reads them; see the script for their meaning and its checks. */")
    print("static const FastScale fast_scale[2048] = {")
    for b in range(2048):
        lo, hi, g, k0, r = row(b) if 2 <= b <= 2046 else (0, 0, 0, 0, 0)
        print("    {0x%016x, 0x%016x, 0x%09x, %d, %d}," % (lo, hi, g, k0, r))
    print("};")


main()
