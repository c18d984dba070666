#!/bin/sh
# The Debian package as a user gets it (`make deb`): CPack builds the .deb
# from this build; it is unpacked into a scratch root with dpkg -x (the
# machine is not touched); its control fields must name the libraries it
# loads (dpkg-shlibdeps) and the -dev packages its pkg-config file needs;
# it must hold the tool, both libraries, libdacc-pause, the headers, the
# pkg-config and CMake files, the manual of sections 1, 3 and 5 and the
# documents; a program compiled through pkg-config against the unpacked
# root runs, and so does the root's `dacc --version`.
# Usage: deb.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "deb.sh: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/cpack" >"$tmp/cpack.log" 2>&1 ||
    { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
set -- "$tmp"/cpack/dacc_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || fail "cpack made no single dacc_*.deb: $*"
deb=$1
echo "== $(basename "$deb")"

dpkg-deb -f "$deb" Package Version Architecture Depends >"$tmp/control"
cat "$tmp/control"
[ "$(dpkg-deb -f "$deb" Package)" = dacc ] || fail "the package is not called dacc"
depends=$(dpkg-deb -f "$deb" Depends)
for p in libc6 libsodium23 libjansson4 libsqlite3-0 libmicrohttpd12 libcurl4 \
    libsodium-dev libjansson-dev libsqlite3-dev libssl-dev pkg-config; do
    printf '%s\n' "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$p" ||
        fail "Depends lacks $p: $depends"
done

# other packages built against libdacc.so will depend on this one
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs | grep -qx "libdacc 0 dacc (>= $(dpkg-deb -f "$deb" Version))" ||
    fail "the package has no shlibs line for libdacc.so.0"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
usr=$root/usr
for f in bin/dacc lib/libdacc.a lib/libdacc-pause.a lib/pkgconfig/dacc.pc \
    lib/pkgconfig/dacc-pause.pc lib/cmake/dacc/daccConfig.cmake include/dacc/base.h \
    include/dacc/tlog.h share/man/man1/dacc.1 share/man/man3/dacc_money.3 \
    share/man/man3/dacc_money_parse.3 share/man/man5/dacc-jury.5 \
    share/doc/dacc/architecture.md share/doc/dacc/README.md; do
    [ -e "$usr/$f" ] || fail "the package lacks /usr/$f"
done
ls "$usr"/lib/libdacc.so.* >/dev/null 2>&1 || fail "the package lacks libdacc.so.*"
for h in "$src"/include/dacc/*.h; do
    page=dacc_$(basename "$h" .h).3
    [ -e "$usr/share/man/man3/$page" ] || fail "the package lacks the manual page $page"
done
# the completion, when the build installs one
if grep -q bash-completion "$build/cmake_install.cmake"; then
    [ -e "$usr/share/bash-completion/completions/dacc" ] || fail "the package lacks the completion"
fi

echo "== a program built against the package, through pkg-config"
export PKG_CONFIG_PATH="$usr/lib/pkgconfig"
[ "$(pkg-config --variable=prefix dacc)" -ef "$usr" ] || fail "dacc.pc does not point into the root"
${CC:-gcc} "$src/tests/package/main.c" -o "$tmp/app" $(pkg-config --cflags --libs dacc)
mkdir "$tmp/run"
LD_LIBRARY_PATH="$usr/lib" "$tmp/app" "$tmp/run"
LD_LIBRARY_PATH="$usr/lib" ldd "$tmp/app" | grep -q "$usr/lib/libdacc.so" ||
    fail "the program did not load the package's libdacc.so"

echo "== the package's dacc --version"
"$usr/bin/dacc" --version
"$usr/bin/dacc" --version | head -n 1 | grep -q "$(dpkg-deb -f "$deb" Version)" ||
    fail "dacc --version does not name the package's version"
echo "ok"
