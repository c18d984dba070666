#!/bin/sh
# Installs the build into a scratch prefix and links programs of another
# project against it, as a packager and a user would: pkg-config (shared,
# and libdacc.a whole with --static), CMake's find_package (dacc::dacc,
# dacc::static, dacc::pause), and libdacc-pause with libsodium alone, whose
# undefined symbols must all be libc's or libsodium's.
# Usage: run.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/usr" >/dev/null
lib=$tmp/usr/lib
export PKG_CONFIG_PATH="$lib/pkgconfig"
export LD_LIBRARY_PATH="$lib"
cc=${CC:-gcc}
run() { mkdir -p "$tmp/run.$1" && "$tmp/$1" "$tmp/run.$1"; }

echo "== pkg-config, shared"
$cc "$src/tests/package/main.c" -o "$tmp/shared" $(pkg-config --cflags --libs dacc)
run shared
echo "== pkg-config --static, every object of libdacc.a"
$cc "$src/tests/package/main.c" -o "$tmp/static" $(pkg-config --cflags dacc) \
    -Wl,--whole-archive "$lib/libdacc.a" -Wl,--no-whole-archive \
    $(pkg-config --static --libs dacc | sed 's/-ldacc //')
run static
if ldd "$tmp/static" | grep -q libdacc; then
    echo "the static program loads libdacc.so" >&2
    exit 1
fi

echo "== find_package(dacc)"
cmake -S "$src/tests/package/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/usr" \
    -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
for app in shared_app static_app; do
    mkdir -p "$tmp/run.$app"
    "$tmp/consumer/$app" "$tmp/run.$app"
done
"$tmp/consumer/pause_app"

echo "== libdacc-pause with libsodium alone"
$cc "$src/tests/package/pause.c" -o "$tmp/pause" $(pkg-config --cflags dacc-pause) \
    "$lib/libdacc-pause.a" $(pkg-config --libs libsodium)
"$tmp/pause"
extra=$(nm -u "$lib/libdacc-pause.a" | awk 'NF == 2 { print $2 }' | sort -u |
    grep -v -E '^(crypto_|sodium_|randombytes_|dacc_)' |
    grep -v -x -E '_GLOBAL_OFFSET_TABLE_|__errno_location|__stack_chk_fail|calloc|free|malloc|realloc|memchr|memcmp|memcpy|memmove|memset|snprintf|vsnprintf|strcmp|strlen|strerror|strncmp|strchr|fopen|fclose|fread|ferror|stdin|getenv' || true)
if [ -n "$extra" ]; then
    echo "libdacc-pause needs more than libc and libsodium:" $extra >&2
    exit 1
fi
defined=$(nm --defined-only "$lib/libdacc-pause.a" | awk 'NF == 3 { print $3 }')
for sym in $(nm -u "$lib/libdacc-pause.a" | awk 'NF == 2 && $2 ~ /^dacc_/ { print $2 }' | sort -u); do
    echo "$defined" | grep -q -x "$sym" || { echo "libdacc-pause lacks $sym" >&2; exit 1; }
done
echo "ok"
