# OpenCV 4.6's stylization against itself: the 4000x3000 frame of bench:filters:full,
# and the same filter run on a 1600x1200 window of it, compared on the window's interior
# (300 px from its cut edges, beyond the filter's reach). If OpenCV were consistent, the
# two would agree there; run with /usr/bin/python3 (python3-opencv), one thread.
import cv2, numpy as np, sys
cv2.setNumThreads(1)
src = cv2.imread('/work/main/test/fixtures/tools.input.png')
big = cv2.resize(src, (4000, 3000), interpolation=cv2.INTER_CUBIC)
def ssim(a, b):
    a = a.astype(np.float64); b = b.astype(np.float64)
    C1, C2 = (0.01*255)**2, (0.03*255)**2
    mu_a = cv2.GaussianBlur(a, (11,11), 1.5); mu_b = cv2.GaussianBlur(b, (11,11), 1.5)
    s_a = cv2.GaussianBlur(a*a,(11,11),1.5)-mu_a**2; s_b = cv2.GaussianBlur(b*b,(11,11),1.5)-mu_b**2
    s_ab = cv2.GaussianBlur(a*b,(11,11),1.5)-mu_a*mu_b
    m = ((2*mu_a*mu_b+C1)*(2*s_ab+C2))/((mu_a**2+mu_b**2+C1)*(s_a+s_b+C2))
    return m.mean()
full = cv2.stylization(big, sigma_s=60, sigma_r=0.45)
# OpenCV on a 1600x1200 window, compared on its interior (300 px margin) with the full-frame result there
y0, x0, hh, ww = 900, 1200, 1200, 1600
crop = cv2.stylization(big[y0:y0+hh, x0:x0+ww].copy(), sigma_s=60, sigma_r=0.45)
m = 300
a = full[y0+m:y0+hh-m, x0+m:x0+ww-m]; b = crop[m:hh-m, m:ww-m]
print("opencv full vs opencv crop interior SSIM", ssim(a, b), "max diff", int(np.abs(a.astype(int)-b.astype(int)).max()))
print("pixel(0,0) full", full[0,0], "crop-of-origin", cv2.stylization(big[0:1000,0:1000].copy(), sigma_s=60, sigma_r=0.45)[0,0], "input", big[0,0])
