#!/bin/sh
# make check-arm64: cross-builds dacc for arm64 with Debian's cross GCC and,
# under qemu-user, replays the market and soft-pause fuzz corpora (the
# conservation audit after every operation; the device verifier) and
# compares the tool's output for the market (binary128: long double on
# aarch64, not libquadmath), the pause simulation, QF, COCM and a
# deep-funding run with the native build's, byte for byte. The Criterion
# suites build but are not run: Criterion's runner hangs under qemu-user 7.2
# while it sets up its workers (as OpenMP's threads do, so the emulated
# side runs with OMP_NUM_THREADS=1). Slow, so not part of make check.
# Usage: scripts/check-arm64.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/arm64}
"$here/scripts/deps.sh" arm64
# Botan's and Criterion's packages are not multi-arch: installing them for
# arm64 would remove the native ones. libpq-dev and liblzma5 (Botan's) are
# multi-arch, but the arm64 candidates are newer security updates than the
# native packages, and multi-arch needs one version for both: installing
# them would upgrade or remove the native ones. Unpack them all beside the
# system instead, with pkg-config files pointing there (and without their
# private requirements, which only a static link of them needs); the list
# unpacked is kept, so a changed list unpacks afresh.
extra=$build/extra
debs="libbotan-2-dev:arm64 libbotan-2-19:arm64 libtspi1:arm64 liblzma5:arm64
libcriterion-dev:arm64 libcriterion3:arm64 libnanomsg5:arm64 libpq-dev:arm64 libpq5:arm64"
if [ "$(cat "$extra/unpacked" 2>/dev/null)" != "$debs" ]; then
    rm -rf "$extra" && mkdir -p "$extra/debs" "$extra/pkgconfig"
    chmod 777 "$extra/debs" # apt downloads as the _apt user where it can
    # shellcheck disable=SC2086 # one word per package
    (cd "$extra/debs" && apt-get download -q $debs >/dev/null)
    for d in "$extra"/debs/*.deb; do dpkg -x "$d" "$extra"; done
    for pc in "$extra"/usr/lib/aarch64-linux-gnu/pkgconfig/*.pc; do
        sed -e "s|^prefix=.*|prefix=$extra/usr|" -e "s|^libdir=/usr|libdir=$extra/usr|" \
            -e "s|^includedir=/usr|includedir=$extra/usr|" -e "/^Requires.private:/d" \
            "$pc" >"$extra/pkgconfig/${pc##*/}"
    done
    printf '%s\n' "$debs" >"$extra/unpacked"
fi
export DACC_ARM64_EXTRA="$extra"
start=$(date +%s)
cmake -S "$here" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$here/cmake/aarch64-linux-gnu.cmake" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDACC_TESTS=ON >/dev/null
targets=$(cd "$build" && make help | sed -n 's/^\.\.\. \(fuzz_\(market\|pause\)_[a-z_]*_replay\)$/\1/p')
cmake --build "$build" -j"$(nproc)" --target dacc $targets
ctest --test-dir "$build" -R '^fuzz/(market|pause)_' --output-on-failure -j"$(nproc)"
native=$here/build/check/dacc
if [ ! -x "$native" ]; then
    cmake -S "$here" -B "$here/build/native-arm64-ref" -DCMAKE_BUILD_TYPE=Release -DDACC_TESTS=OFF >/dev/null
    cmake --build "$here/build/native-arm64-ref" -j"$(nproc)" --target dacc
    native=$here/build/native-arm64-ref/dacc
fi
"$here/scripts/arm64-compare.sh" "$native" "$build/dacc-emulated" "$here"
echo "check-arm64: $(($(date +%s) - start)) s"
