"""Writes exports/pdf/icc/sRGB-v2.icc: the sRGB ICC profile (version 2.1, display class)
that every issued PDF embeds as its PDF/A output intent.

Written from the published sRGB definition (IEC 61966-2-1: primaries adapted to the
D50 connection space with the Bradford transform, as ICC profiles require, and the
piecewise sRGB tone curve as a 1 024-entry table), not copied from a vendor's profile,
so the file is the project's own (same licence as the project) and the same bytes
come out on every machine: the header date is fixed, nothing depends on a library.

    python scripts/make_srgb_icc.py   # rewrites the file; tests/test_pdfa.py checks it
"""

import struct
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "exports" / "pdf" / "icc" / "sRGB-v2.icc"
D50 = (0.9642, 1.0, 0.8249)
PRIMARIES = {  # sRGB red, green, blue in XYZ, Bradford-adapted from D65 to D50
    b"rXYZ": (0.4360747, 0.2225045, 0.0139322),
    b"gXYZ": (0.3850649, 0.7168786, 0.0971045),
    b"bXYZ": (0.1430804, 0.0606169, 0.7141733),
}
DESCRIPTION = "sRGB IEC61966-2.1 (DPO Desk)"
COPYRIGHT = "No copyright: written by DPO Desk from the public sRGB definition"


def _s15f16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15f16(v) for v in values)


def _srgb_to_linear(v: float) -> float:
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _curve(entries: int = 1024) -> bytes:
    table = [round(_srgb_to_linear(i / (entries - 1)) * 65535) for i in range(entries)]
    return b"curv" + bytes(4) + struct.pack(">I", entries) + struct.pack(f">{entries}H", *table)


def _description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text
            + struct.pack(">II", 0, 0)  # no Unicode description
            + struct.pack(">HB", 0, 0) + bytes(67))  # no ScriptCode description


def _text(text: str) -> bytes:
    return b"text" + bytes(4) + text.encode("ascii") + b"\0"


def profile() -> bytes:
    curve = _curve()
    tags = [(b"desc", _description(DESCRIPTION)), (b"cprt", _text(COPYRIGHT)), (b"wtpt", _xyz(D50)),
            *((sig, _xyz(xyz)) for sig, xyz in PRIMARIES.items()),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, data, placed = [], b"", {}
    for sig, body in tags:
        if body not in placed:  # the three tone curves share one table
            placed[body] = offset + len(data)
            data += body + bytes(-len(body) % 4)
        entries.append(struct.pack(">4sII", sig, placed[body], len(body)))
    size = 128 + table_size + len(data)
    header = (struct.pack(">I", size) + bytes(4) + struct.pack(">I", 0x02100000) + b"mntr" + b"RGB " + b"XYZ "
              + struct.pack(">6H", 2026, 12, 3, 0, 0, 0) + b"acsp" + bytes(4) + struct.pack(">I", 0)
              + bytes(4) + bytes(4) + bytes(8) + struct.pack(">I", 0) + b"".join(_s15f16(v) for v in D50)
              + bytes(4) + bytes(44))
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + b"".join(entries) + data


if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(profile())
    print(f"{TARGET} ({TARGET.stat().st_size} bytes)")
