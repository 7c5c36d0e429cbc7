#!/usr/bin/env bash
# mkdeb.sh — builds build/hrcast_VERSION_ARCH.deb with dpkg-deb from a staged `make install PREFIX=/usr`:
# the binary, libhrcast.so.0 (+ .so, .a), hrcast.h, hrcast.pc, the man pages (gzipped, as Debian keeps
# them), bash completion, the Python module (/usr/lib/python3/dist-packages/hrcast), README.md and docs/*.md
# in /usr/share/doc/hrcast (left uncompressed: the man pages cite them as docs/X.md) with tools/copyright
# as its copyright file. Depends are the
# Debian packages that own the shared libraries the binary and library link (found with ldd + dpkg -S);
# an ldconfig trigger registers the library. Usage (by `make deb`): tools/mkdeb.sh BUILD VERSION
set -euo pipefail
build=$1 version=$2
arch=$(dpkg --print-architecture)
stage=$build/deb/root
rm -rf "$build/deb"
make --no-print-directory install PREFIX=/usr DESTDIR="$stage" > "$build/deb.log"
strip --strip-unneeded "$stage/usr/bin/hrcast" "$stage/usr/lib/libhrcast.so.$version"
gzip -9n "$stage"/usr/share/man/man1/*.1
install -m 644 tools/copyright "$stage/usr/share/doc/hrcast/copyright"
# the libraries linked directly (NEEDED), resolved where ldd finds them, and the packages owning them
deps=$(for f in "$stage/usr/bin/hrcast" "$stage/usr/lib/libhrcast.so.$version"; do
    needed=$(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    ldd "$f" | awk -v want=" $(echo $needed) " 'index(want, " " $1 " ") && $3 ~ /^\// { print $3 }'
  done | sort -u | while read -r lib; do
    dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || true
  done | cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g')
mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: hrcast
Version: $version
Architecture: $arch
Maintainer: hrcast developers <dev@hrcast.local>
Section: science
Priority: optional
Depends: $deps
Recommends: python3, python3-numpy, man-db
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Description: predict a runner's heart rate from pace and terrain
 hrcast reads FIT/TCX/GPX/CSV workouts and bulk-export archives, trains an LSTM (PyTorch-compatible
 safetensors) and a physiological model, and predicts heart rate second by second. This package holds
 the hrcast command, libhrcast.so.0 with its C header and pkg-config file, man pages, bash completion,
 the Python module (import hrcast; NumPy in and out) and the documentation (/usr/share/doc/hrcast).
CONTROL
echo "activate-noawait ldconfig" > "$stage/DEBIAN/triggers"
(cd "$stage" && find usr -type f -exec md5sum {} + > DEBIAN/md5sums)
out=$build/hrcast_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" > /dev/null
echo "$out"
