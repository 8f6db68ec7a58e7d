# SSIM as test/helpers/metrics.ts computes it: BT.601 luma, 11x11 Gaussian
# window (sigma 1.5), mirrored borders, Wang et al.'s constants.
import cv2
import numpy as np


def luma(bgr):
    if bgr.ndim == 2:
        return bgr.astype(np.float64)
    b, g, r = [bgr[:, :, i].astype(np.float64) for i in range(3)]
    return 0.299 * r + 0.587 * g + 0.114 * b


def ssim(x, y):
    blur = lambda a: cv2.GaussianBlur(a, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())
