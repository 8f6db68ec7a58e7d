# OpenCV's filters on the full frame, single-threaded: median time of REPS
# runs, and the SSIM (ssim.py) of our strip output against OpenCV's.
# Prints {"label": {"ms": ..., "ssim": ...}}.
import json, sys, time
import cv2
import numpy as np
from ssim import luma, ssim

cv2.setNumThreads(1)
CALLS = {
    "sketch": lambda im: cv2.pencilSketch(im, sigma_s=60, sigma_r=0.07, shade_factor=0.02)[0],
    "color_sketch": lambda im: cv2.pencilSketch(im, sigma_s=60, sigma_r=0.07, shade_factor=0.02)[1],
    "watercolor": lambda im: cv2.stylization(im, sigma_s=60, sigma_r=0.45),
    "oil": lambda im: cv2.xphoto.oilPainting(im, 7, 1),
    "edge_preserving_rf": lambda im: cv2.edgePreservingFilter(im, flags=1, sigma_s=60, sigma_r=0.4),
    "edge_preserving_nc": lambda im: cv2.edgePreservingFilter(im, flags=2, sigma_s=60, sigma_r=0.4),
    "detail_enhance": lambda im: cv2.detailEnhance(im, sigma_s=10, sigma_r=0.15),
}


path, w, h, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rgba = np.fromfile(path, np.uint8).reshape(h, w, 4)
bgr = np.ascontiguousarray(rgba[:, :, 2::-1])
out = {}
for spec in sys.argv[5:]:
    label, ours_path = spec.split("=")
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        ref = CALLS[label](bgr)
        ts.append((time.perf_counter() - t0) * 1000)
    ours = np.fromfile(ours_path, np.uint8).reshape(h, w, 4)
    out[label] = {"ms": sorted(ts)[len(ts) // 2], "ssim": ssim(luma(ours[:, :, 2::-1]), luma(ref))}
    print(label, out[label], file=sys.stderr)
print(json.dumps(out))
