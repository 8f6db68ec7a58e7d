# Times OpenCV's own filters, single-threaded, on the raw RGBA frames the
# Worker gets. Prints one JSON object: {"side:filter": median_ms}.
import json, sys, time
import cv2
import numpy as np

cv2.setNumThreads(1)
CALLS = {
    "sketch": lambda im: cv2.pencilSketch(im, sigma_s=60, sigma_r=0.07, shade_factor=0.02),
    "color_sketch": lambda im: cv2.pencilSketch(im, sigma_s=60, sigma_r=0.07, shade_factor=0.02),
    "watercolor": lambda im: cv2.stylization(im, sigma_s=60, sigma_r=0.45),
    "oil": lambda im: cv2.xphoto.oilPainting(im, 7, 1),
    "edge_preserving_rf": lambda im: cv2.edgePreservingFilter(im, flags=1, sigma_s=60, sigma_r=0.4),
    "edge_preserving_nc": lambda im: cv2.edgePreservingFilter(im, flags=2, sigma_s=60, sigma_r=0.4),
    "detail_enhance": lambda im: cv2.detailEnhance(im, sigma_s=10, sigma_r=0.15),
}
reps = int(sys.argv[1])
out = {}
for spec in sys.argv[2:]:
    path, w, h = spec.split(",")
    rgba = np.fromfile(path, np.uint8).reshape(int(h), int(w), 4)
    bgr = np.ascontiguousarray(rgba[:, :, 2::-1])
    for name, call in CALLS.items():
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            call(bgr)
            ts.append((time.perf_counter() - t0) * 1000)
        out[f"{w}x{h}:{name}"] = sorted(ts)[len(ts) // 2]
print(json.dumps(out))
