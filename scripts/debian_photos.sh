#!/usr/bin/env bash
# Real photos from a Debian package, for the README's first command and the
# MediaPipe doctor tests: the sample photos of opencv-doc (OpenCV's
# examples/data: fruit, buildings, people, a baboon, chessboards...).
#   scripts/debian_photos.sh OUT_DIR
# links the JPEGs of 15 kB or more (smaller ones are logos and drawings)
# into OUT_DIR/photos and OUT_DIR/calibration: every third one, in name
# order, calibrates; the others are measured on. scripts/setup.sh installs
# the package; where the system drops /usr/share/doc (minimal containers),
# the package is unpacked under build/ instead.
set -euo pipefail
out=${1:?usage: debian_photos.sh OUT_DIR}
root="$(cd "$(dirname "$0")/.." && pwd)"
data=/usr/share/doc/opencv-doc/examples/data
if ! compgen -G "$data/*.jpg" >/dev/null; then
  unpacked=$root/build/opencv-doc
  data=$unpacked/usr/share/doc/opencv-doc/examples/data
  if ! compgen -G "$data/*.jpg" >/dev/null; then
    mkdir -p "$unpacked"
    (cd "$unpacked" && apt-get download opencv-doc >/dev/null 2>&1 && dpkg-deb -x opencv-doc_*.deb . &&
      rm -f opencv-doc_*.deb) || { echo "debian_photos: cannot get opencv-doc (apt-get download opencv-doc)" >&2; exit 1; }
  fi
fi
rm -rf "$out/photos" "$out/calibration"
mkdir -p "$out/photos" "$out/calibration"
i=0
for f in $(LC_ALL=C ls "$data"/*.jpg); do
  [ "$(stat -c %s "$f")" -ge 15000 ] || continue
  i=$((i + 1))
  if [ $((i % 3)) -eq 0 ]; then ln -s "$f" "$out/calibration/"; else ln -s "$f" "$out/photos/"; fi
done
echo "debian_photos: $(ls "$out/photos" | wc -l) photos and $(ls "$out/calibration" | wc -l) for calibration from $data"
