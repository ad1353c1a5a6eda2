#!/usr/bin/env bash
# Makes the batch benchmark's input: 200 distinct ~200 KB JPEGs (1024x768 crops of the photo at
# 200 different offsets, quality 92, at most 240 KB). Usage: make_batch.sh PHOTO OUTDIR
set -euo pipefail
photo="$1"
dir="$2"
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
# Decoding the photo once into a raw PPM makes each crop cheap (no JPEG decode per crop).
/usr/bin/convert "$photo" "$dir.tmp/src.ppm"
read -r w h < <(identify -format '%w %h\n' "$dir.tmp/src.ppm")
for i in $(seq 0 199); do
    x=$(((i * 137) % (w - 1024)))
    y=$(((i * 89) % (h - 768)))
    printf '%s\n' "$(printf '%03d' "$i") 1024x768+$x+$y"
done | xargs -P "$(nproc)" -L 1 bash -c \
    '/usr/bin/convert "$0/src.ppm" -crop "$2" +repage -quality 92 -define jpeg:extent=240kb "$0/img-$1.jpg"' "$dir.tmp"
rm "$dir.tmp/src.ppm"
mv "$dir.tmp" "$dir"
