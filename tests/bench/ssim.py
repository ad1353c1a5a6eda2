"""SSIM of two same-sized images on their luma, stdlib only (ImageMagick 6.9.11 has no SSIM metric).

Usage: ssim.py A B -> prints the mean SSIM over 8x8 blocks (constants of Wang et al. 2004, L=255).
The images are read as 8-bit greyscale PGM through /usr/bin/convert.
"""

import subprocess
import sys


def luma(path):
    raw = subprocess.run(["/usr/bin/convert", path, "-colorspace", "Gray", "-depth", "8", "pgm:-"],
                         capture_output=True, check=True).stdout
    # P5 header: magic, width, height, maxval, each followed by whitespace.
    fields, pos = [], 0
    while len(fields) < 4:
        while raw[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not raw[pos:pos + 1].isspace():
            pos += 1
        fields.append(raw[start:pos])
    w, h = int(fields[1]), int(fields[2])
    return w, h, raw[pos + 1:pos + 1 + w * h]


def ssim(a, b):
    (w, h, pa), (w2, h2, pb) = luma(a), luma(b)
    if (w, h) != (w2, h2):
        sys.exit(f"ssim: sizes differ: {w}x{h} vs {w2}x{h2}")
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    total, n, bs = 0.0, 0, 8
    for by in range(0, h - bs + 1, bs):
        for bx in range(0, w - bs + 1, bs):
            xs, ys = [], []
            for y in range(by, by + bs):
                row = y * w + bx
                xs.extend(pa[row:row + bs])
                ys.extend(pb[row:row + bs])
            k = len(xs)
            mx, my = sum(xs) / k, sum(ys) / k
            vx = sum((v - mx) ** 2 for v in xs) / (k - 1)
            vy = sum((v - my) ** 2 for v in ys) / (k - 1)
            cov = sum((p - mx) * (q - my) for p, q in zip(xs, ys)) / (k - 1)
            total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
            n += 1
    return total / n


if __name__ == "__main__":
    print(f"{ssim(sys.argv[1], sys.argv[2]):.4f}")
