#!/usr/bin/env bash
# Regenerates the Adam7 (interlaced) PNG fixtures in test/fixtures/png/ with
# Debian's ImageMagick (/usr/bin/convert, libpng underneath; not the stand-in
# /usr/local/bin/convert). Each is written twice from the same pixels,
# interlaced and not, so tests can compare the two decodes exactly.
set -euo pipefail
cd "$(dirname "$0")/.."
IM=/usr/bin/convert
out=test/fixtures/png
mkdir -p "$out"
# A 37x29 picture with gradients, a disc and a transparent corner: sizes not a
# multiple of 8 so every Adam7 pass has a ragged edge.
base=(-size 37x29 gradient:red-blue \( -size 37x29 gradient:none-lime -rotate 90 -resize 37x29! \) -composite
	-fill yellow -draw "circle 18,14 18,6" -alpha set -region 9x7+0+0 -alpha transparent +region)
make() {
	local name=$1
	shift
	for il in None PNG; do
		local suffix=""
		[ "$il" = PNG ] && suffix="-adam7"
		"$IM" "${base[@]}" "$@" -interlace "$il" -define png:exclude-chunks=date,time "$out/$name$suffix.png"
	done
}
make rgba8 -depth 8 -define png:color-type=6
make rgb8 -alpha off -depth 8 -define png:color-type=2
make rgba16 -depth 16 -define png:color-type=6
make rgb16 -alpha off -depth 16 -define png:color-type=2
make gray8 -alpha off -colorspace Gray -depth 8 -define png:color-type=0
make graya8 -colorspace Gray -depth 8 -define png:color-type=4
make gray16 -alpha off -colorspace Gray -depth 16 -define png:color-type=0
make gray4 -alpha off -colorspace Gray -depth 4 -define png:color-type=0 -define png:bit-depth=4
make gray1 -alpha off -colorspace Gray -threshold 50% -depth 1 -define png:color-type=0 -define png:bit-depth=1
make palette8 -colors 200 -define png:color-type=3 -define png:bit-depth=8
make palette4 -colors 12 -define png:color-type=3 -define png:bit-depth=4
ls -l "$out"
