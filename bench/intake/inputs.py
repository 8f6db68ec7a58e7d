"""Photo-like frames for bench/intake/run.mjs, written as raw PPM for cjpeg and ImageMagick.

Usage: /usr/bin/python3 bench/intake/inputs.py OUT.ppm WIDTH HEIGHT [SEED]

Flat or merely upscaled content decodes faster than a photo (entropy decoding is
most of a JPEG decode), so the frame is a brick wall of the repository's photos
(test/fixtures/npr/*.input.png), each tile upscaled 2x (bicubic), randomly
mirrored and offset, with mild Gaussian sensor-like noise (sigma 7) on levels lifted to 14-238.
Written band by band so a 100 MP frame needs little more than its own 300 MB.
"""

import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
TILE_SCALE = 2
NOISE_SIGMA = 7.0


def main() -> None:
    out, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rng = np.random.default_rng(seed)
    photos = []
    for name in ("apple", "orange", "tools"):
        img = cv2.imread(str(ROOT / "test" / "fixtures" / "npr" / f"{name}.input.png"), cv2.IMREAD_COLOR)
        if img is None:
            sys.exit(f"cannot read the fixture {name}.input.png")
        photos.append(cv2.resize(img, None, fx=TILE_SCALE, fy=TILE_SCALE, interpolation=cv2.INTER_CUBIC))
    tile_h = min(p.shape[0] for p in photos)
    frame = np.empty((height, width, 3), np.uint8)
    row = 0
    while row < height:
        # One course of bricks: tiles of varying width, started at a random offset.
        x = -int(rng.integers(0, photos[0].shape[1]))
        h = min(tile_h, height - row)
        while x < width:
            tile = photos[int(rng.integers(0, len(photos)))][:tile_h]
            flip = int(rng.integers(0, 4))
            if flip & 1:
                tile = tile[:, ::-1]
            if flip & 2:
                tile = tile[::-1]
            x0, x1 = max(0, x), min(width, x + tile.shape[1])
            if x1 > x0:
                frame[row : row + h, x0:x1] = tile[:h, x0 - x : x1 - x]
            x += tile.shape[1]
        row += h
    band = 256
    for y in range(0, height, band):
        part = frame[y : y + band]
        noise = rng.normal(0.0, NOISE_SIGMA, part.shape).astype(np.float32)
        # Levels lifted off pure black and white first, as a camera's are, so the noise is not clipped away.
        np.clip(part.astype(np.float32) * 0.88 + 14.0 + noise, 0, 255, out=noise)
        part[:] = noise.astype(np.uint8)
    if not cv2.imwrite(out, frame):
        sys.exit(f"could not write {out}")


if __name__ == "__main__":
    main()
