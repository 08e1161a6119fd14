"""A generic CMYK printer profile (ICC v2), generated in code: the output intent of print-shop PDFs.

No profile of a real press ships in a package this project may use, and nothing is downloaded at build time,
so the profile is computed: a simple model of a coated offset press (dot gain, ink overprints that darken
like filters, a black ink that reaches L* 16) and its closed-form inverse with grey-component replacement.
It is no measured printing condition (FOGRA, GRACoL): PDF/X needs *a* characterized condition, and every
colour in our PDFs is sRGB (tagged through DefaultRGB), so a print shop's RIP converts from sRGB with its own
press profile. The same code gives the same bytes on every machine (a fixed date, no clock).
"""

from __future__ import annotations

import functools
import struct

NAME = "Position Press generic CMYK (coated offset, GCR)"
D50 = (0.9642, 1.0, 0.8249)
DOT_GAIN = 1.3  # tone value t prints as 1 - (1 - t) ** DOT_GAIN: about 12% gain at 50%
BLACK_Y = 0.022  # relative luminance of solid black ink on paper (L* about 16)
# The overprints of two inks (red: magenta + yellow, green: cyan + yellow, blue: cyan + magenta) of a coated
# offset press, as CIELAB (D50); the model uses their chromaticities as its primaries.
OVERPRINTS = ((47.0, 68.0, 48.0), (50.0, -65.0, 27.0), (25.0, 20.0, -46.0))
GRID_IN = 9  # CLUT points per CMYK input (9 ** 4 entries)
GRID_LAB = 17  # CLUT points per Lab input (17 ** 3 entries)


def lab_to_xyz(lab: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIELAB (D50) to XYZ (D50, Y of white 1)."""
    big_l, a, b = lab
    fy = (big_l + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200

    def f_inv(t: float) -> float:
        return t**3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29)

    return (D50[0] * f_inv(fx), D50[1] * f_inv(fy), D50[2] * f_inv(fz))


def xyz_to_lab(xyz: tuple[float, float, float]) -> tuple[float, float, float]:
    """XYZ (D50) to CIELAB (D50)."""

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(max(0.0, v) / w) for v, w in zip(xyz, D50, strict=True))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def _inverse(m: list[list[float]]) -> list[list[float]]:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return [
        [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
        [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
        [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
    ]


def _apply(m: list[list[float]], v) -> tuple[float, float, float]:
    return tuple(sum(m[r][k] * v[k] for k in range(3)) for r in range(3))


@functools.cache
def _primaries() -> tuple[list[list[float]], list[list[float]]]:
    """The matrix from the model's red, green and blue reflectances to XYZ (white to D50), and its inverse."""
    columns = []
    for lab in OVERPRINTS:
        x, y, z = lab_to_xyz(lab)
        total = x + y + z
        cx, cy = x / total, y / total
        columns.append((cx / cy, 1.0, (1 - cx - cy) / cy))
    p = [[columns[k][r] for k in range(3)] for r in range(3)]
    scale = _apply(_inverse(p), D50)
    m = [[p[r][k] * scale[k] for k in range(3)] for r in range(3)]
    return m, _inverse(m)


def cmyk_to_lab(c: float, m: float, y: float, k: float) -> tuple[float, float, float]:
    """What the model press prints for tone values in [0, 1]."""
    c, m, y, k = (1 - (1 - t) ** DOT_GAIN for t in (c, m, y, k))
    rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    xyz = _apply(_primaries()[0], rgb)
    return xyz_to_lab(tuple(BLACK_Y * w + (1 - BLACK_Y) * v for v, w in zip(xyz, D50, strict=True)))


def lab_to_cmyk(lab: tuple[float, float, float]) -> tuple[tuple[float, float, float, float], bool]:
    """Tone values that print `lab` (or the nearest the model press can), and whether it was out of gamut."""
    xyz = lab_to_xyz(lab)
    rgb = _apply(_primaries()[1], [(v - BLACK_Y * w) / (1 - BLACK_Y) for v, w in zip(xyz, D50, strict=True)])
    outside = any(v < -0.01 or v > 1.01 for v in rgb)
    c, m, y = (1 - min(1.0, max(0.0, v)) for v in rgb)
    k = min(c, m, y) ** 2  # grey-component replacement: none in the highlights, all of it at solid black
    if k > 0.999:
        c = m = y = 0.0
    else:
        c, m, y = ((t - k) / (1 - k) for t in (c, m, y))
    return tuple(1 - (1 - max(0.0, t)) ** (1 / DOT_GAIN) for t in (c, m, y, k)), outside


def _u16(value: float) -> int:
    return max(0, min(65535, round(value * 65535)))


def _lab16(lab: tuple[float, float, float]) -> tuple[int, int, int]:
    """ICC v2's 16-bit Lab: L 0..100 as 0..0xFF00, a and b -128..127.996 as 0..0xFFFF."""
    big_l, a, b = lab
    return (
        max(0, min(0xFF00, round(big_l * 0xFF00 / 100))),
        max(0, min(0xFFFF, round((a + 128) * 256))),
        max(0, min(0xFFFF, round((b + 128) * 256))),
    )


def _lut16(inputs: int, outputs: int, grid: int, table: list[int]) -> bytes:
    """An ICC lut16Type ('mft2') with identity matrix and linear input and output tables."""
    identity = (1, 0, 0, 0, 1, 0, 0, 0, 1)
    head = b"mft2" + bytes(4) + struct.pack(">BBBB", inputs, outputs, grid, 0)
    head += b"".join(struct.pack(">i", v << 16) for v in identity) + struct.pack(">HH", 2, 2)
    ramps = struct.pack(">HH", 0, 65535)
    return head + ramps * inputs + struct.pack(f">{len(table)}H", *table) + ramps * outputs


def _a2b() -> bytes:
    table = []
    steps = [i / (GRID_IN - 1) for i in range(GRID_IN)]
    for c in steps:
        for m in steps:
            for y in steps:
                for k in steps:
                    table += _lab16(cmyk_to_lab(c, m, y, k))
    return _lut16(4, 3, GRID_IN, table)


def _grid_lab() -> list[tuple[float, float, float]]:
    values = [i * 65535 / (GRID_LAB - 1) for i in range(GRID_LAB)]
    return [
        (lv * 100 / 0xFF00, av / 256 - 128, bv / 256 - 128) for lv in values for av in values for bv in values
    ]


def _b2a_and_gamut() -> tuple[bytes, bytes]:
    cmyk, gamut = [], []
    for lab in _grid_lab():
        tones, outside = lab_to_cmyk(lab)
        cmyk += [_u16(t) for t in tones]
        gamut.append(65535 if outside else 0)
    return _lut16(3, 4, GRID_LAB, cmyk), _lut16(3, 1, GRID_LAB, gamut)


def _text_description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    data = b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text
    return data + struct.pack(">IIHB", 0, 0, 0, 0) + bytes(67)


def _xyz(xyz: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(struct.pack(">i", round(v * 65536)) for v in xyz)


@functools.cache
def cmyk_profile() -> bytes:
    """The profile's bytes (about 110 KB): class 'prtr', data CMYK, PCS Lab, all three intents alike."""
    a2b = _a2b()
    b2a, gamut = _b2a_and_gamut()
    tags = [
        (b"desc", _text_description(NAME)),
        (b"cprt", b"text" + bytes(4) + b"No copyright: generated by Position Press; use it freely.\0"),
        (b"wtpt", _xyz(D50)),
        (b"A2B0", a2b),
        (b"A2B1", a2b),
        (b"A2B2", a2b),
        (b"B2A0", b2a),
        (b"B2A1", b2a),
        (b"B2A2", b2a),
        (b"gamt", gamut),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body, placed = b"", b"", {}
    for signature, data in tags:
        if data not in placed:  # the three intents share one table
            placed[data] = offset + len(body)
            body += data + bytes(-len(data) % 4)
        table += signature + struct.pack(">II", placed[data], len(data))
    size = offset + len(body)
    header = struct.pack(">I4sI4s4s4s", size, b"\0\0\0\0", 0x02100000, b"prtr", b"CMYK", b"Lab ")
    header += struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + bytes(4 + 4 + 4 + 4 + 8)
    header += struct.pack(">I", 0) + b"".join(struct.pack(">i", round(v * 65536)) for v in D50)
    header += bytes(4 + 16 + 28)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body
