"""The text of a picture of a VGA text screen (QEMU's screendump, PPM),
read by Debian's tesseract-ocr: each 9x16 character cell is made black
ink where it differs from the cell's most common colour (its background,
so reverse video reads as well), white elsewhere, scaled 2x."""

import os
import subprocess
import tempfile
from collections import Counter

CELL_W, CELL_H, SCALE = 9, 16, 2


def ink(ppm):
    """The picture at ppm (P6) as a black-on-white PGM (P5), bytes."""
    with open(ppm, "rb") as f:
        data = f.read()
    magic, size, depth, body = data.split(b"\n", 3)
    w, h = map(int, size.split())
    if magic != b"P6" or depth != b"255" or len(body) < w * h * 3:
        raise ValueError("%s: no 8-bit P6 picture" % ppm)
    out = bytearray(b"\xff" * (w * h))
    for cy in range(0, h - CELL_H + 1, CELL_H):
        for cx in range(0, w - CELL_W + 1, CELL_W):
            cell = [(y * w + x, body[(y * w + x) * 3:(y * w + x) * 3 + 3])
                    for y in range(cy, cy + CELL_H)
                    for x in range(cx, cx + CELL_W)]
            bg = Counter(p for _, p in cell).most_common(1)[0][0]
            for i, p in cell:
                if p != bg:
                    out[i] = 0
    big = bytearray()
    for y in range(h):
        row = bytes(b for b in out[y * w:(y + 1) * w] for _ in range(SCALE))
        big += row * SCALE
    return b"P5\n%d %d\n255\n" % (w * SCALE, h * SCALE) + bytes(big)


def read_screen(ppm):
    """The lines tesseract reads in the picture at ppm."""
    fd, pgm = tempfile.mkstemp(suffix=".pgm")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(ink(ppm))
        out = subprocess.run(["tesseract", pgm, "-", "--psm", "6"],
                             capture_output=True, check=True, timeout=120)
    finally:
        os.unlink(pgm)
    return [line for line in out.stdout.decode("utf-8", "replace").splitlines()
            if line.strip()]
