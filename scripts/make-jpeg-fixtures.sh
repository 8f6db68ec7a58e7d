#!/usr/bin/env bash
# Regenerates test/fixtures/jpeg: small JPEGs of every kind the decoder reads
# (odd sizes, so MCUs at the right and bottom edges are partial) made by
# libjpeg-turbo's cjpeg and ImageMagick from a photo, with the reference
# decodes the tests compare against (djpeg -dct int: libjpeg's islow IDCT
# and fancy upsampling; PPM/PGM bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/jpeg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
IM=/usr/bin/convert

# 147x101 crop of the apple photo: 9 MCUs of 16 plus 3 columns, 6 plus 5 rows.
"$IM" test/fixtures/npr/apple.input.png -resize 300x -crop 147x101+60+50 +repage -strip "ppm:$tmp/src.ppm"
"$IM" test/fixtures/tools.input.png -resize 191x -crop 191x127+0+25 +repage -strip "ppm:$tmp/tools.ppm"

make() { # name, cjpeg options..., source
	local name=$1
	shift
	cjpeg "$@" >"$out/$name.jpg"
	if [[ $name == gray* ]]; then djpeg -dct int -pnm "$out/$name.jpg" >"$out/$name.pgm"; else djpeg -dct int -ppm "$out/$name.jpg" >"$out/$name.ppm"; fi
}
for p in "" "-progressive"; do
	k=${p:+prog_}
	k=${k:-base_}
	make "${k}444" -quality 90 $p -sample 1x1,1x1,1x1 "$tmp/src.ppm"
	make "${k}422" -quality 85 $p -sample 2x1,1x1,1x1 "$tmp/src.ppm"
	make "${k}420" -quality 85 $p -sample 2x2,1x1,1x1 "$tmp/src.ppm"
	make "${k}440" -quality 85 $p -sample 1x2,1x1,1x1 "$tmp/src.ppm"
	make "${k}411" -quality 85 $p -sample 4x1,1x1,1x1 "$tmp/src.ppm"
	make "gray_${k%_}" -quality 85 $p -grayscale "$tmp/src.ppm"
done
make base_420_restart -quality 80 -sample 2x2,1x1,1x1 -restart 1 "$tmp/src.ppm"
make prog_420_restart -quality 80 -progressive -sample 2x2,1x1,1x1 -restart 2B "$tmp/src.ppm"
make base_420_optimize -quality 92 -optimize -sample 2x2,1x1,1x1 "$tmp/tools.ppm"
make prog_420_tools -quality 92 -progressive -sample 2x2,1x1,1x1 "$tmp/tools.ppm"
make rgb_base -quality 90 -rgb "$tmp/src.ppm"
# Sequential files with one scan per component (or luma, then both chroma):
# decoded through the coefficient store like progressive ones.
printf '0;\n1;\n2;\n' >"$tmp/seq3.scans"
printf '0: 0 63 0 0;\n1 2: 0 63 0 0;\n' >"$tmp/seq2.scans"
make base_420_multiscan -quality 85 -scans "$tmp/seq3.scans" -sample 2x2,1x1,1x1 "$tmp/src.ppm"
make base_422_multiscan_restart -quality 85 -scans "$tmp/seq2.scans" -sample 2x1,1x1,1x1 -restart 1 "$tmp/src.ppm"

# Refused kinds: arithmetic coding, and 12-bit precision (cjpeg here has no
# -precision 12, so the frame header of a baseline file is patched: the
# refusal comes from the header).
cjpeg -quality 85 -arithmetic "$tmp/src.ppm" >"$out/arith.jpg"
cp "$out/base_420.jpg" "$tmp/b.jpg"
/usr/bin/python3 - "$tmp/b.jpg" "$out/precision12.jpg" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"\xff\xc0")
b[i + 4] = 12
b[i + 1] = 0xC1
open(sys.argv[2], "wb").write(b)
PY
# Truncated: the first 60% of a baseline file.
head -c $(($(stat -c %s "$out/base_420.jpg") * 6 / 10)) "$out/base_420.jpg" >"$out/truncated.jpg"

# Adobe CMYK as ImageMagick writes it: libjpeg's default for CMYK input is
# YCCK (APP14 transform 2). With ImageMagick's own conversion back to sRGB.
"$IM" "$tmp/src.ppm" -colorspace CMYK -quality 90 "$out/ycck.jpg"
"$IM" "$out/ycck.jpg" -colorspace sRGB "ppm:$out/ycck.ppm"
# Plain Adobe CMYK (transform 0): nothing here writes one, so the transform
# byte of the YCCK file is patched; the planes are then read as stored CMYK.
/usr/bin/python3 - "$out/ycck.jpg" "$out/cmyk.jpg" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"Adobe")
b[i + 11] = 0
open(sys.argv[2], "wb").write(b)
PY
"$IM" "$out/cmyk.jpg" -colorspace sRGB "ppm:$out/cmyk.ppm"

# 48 MP of flat shapes (optimised tables: about 2 bits a block) for the memory bound.
"$IM" -size 8000x6000 xc:'#406080' -fill '#c08040' -draw 'circle 4000,3000 4000,1000' \
	-fill '#20a040' -draw 'rectangle 500,500 2500,5000' ppm:- | cjpeg -quality 75 -optimize -sample 2x2,1x1,1x1 >"$out/large_8000x6000.jpg"
# Edge cases in one bundle: tiny and thin sizes (one-pixel rows and columns,
# widths where the fancy upsamplers fall back to replication) crossed with
# sampling layouts, including 3x sampling ratios, baseline and progressive.
# Records: u8 name length, name, u32le JPEG length, JPEG, u32le PPM length, PPM.
mkdir -p "$tmp/edge"
for size in 1x1 2x2 3x5 17x1 1x17 2x9 9x2 33x3 5x33; do
	"$IM" test/fixtures/npr/apple.input.png -resize "${size}!" "ppm:$tmp/edge/src.ppm"
	for smp in 2x2,1x1,1x1 2x1,1x1,1x1 1x2,1x1,1x1 4x1,1x1,1x1 2x2,2x1,1x1 4x2,1x1,1x1 3x1,1x1,1x1 3x2,1x1,1x1; do
		for p in "" -progressive; do
			n="${size}_${smp//,/_}${p:+_prog}"
			cjpeg -quality 90 $p -sample "$smp" "$tmp/edge/src.ppm" >"$tmp/edge/$n.jpg"
			djpeg -dct int -ppm "$tmp/edge/$n.jpg" >"$tmp/edge/$n.ppm"
		done
	done
done
/usr/bin/python3 - "$tmp/edge" "$out/edge_cases.bin" <<'PY'
import os, struct, sys
src, dst = sys.argv[1], sys.argv[2]
with open(dst, "wb") as out:
    for name in sorted(f[:-4] for f in os.listdir(src) if f.endswith(".jpg")):
        jpg = open(os.path.join(src, name + ".jpg"), "rb").read()
        ppm = open(os.path.join(src, name + ".ppm"), "rb").read()
        out.write(bytes([len(name)]) + name.encode() + struct.pack("<I", len(jpg)) + jpg + struct.pack("<I", len(ppm)) + ppm)
PY

ls -la "$out" | awk '{s+=$5} END {print s " bytes"}'
