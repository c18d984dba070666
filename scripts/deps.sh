#!/bin/sh
# Installs the Debian packages a task needs, only those missing, silently when
# all are present. Usage: scripts/deps.sh GROUP...   (build, check, deb, fuzz,
# bench, valgrind). Needs root (or sudo) only when something is missing.
set -eu

pkgs_build="cmake make gcc pkg-config libsodium-dev libssl-dev libjansson-dev libsqlite3-dev libomp-dev libbotan-2-dev libmicrohttpd-dev libcurl4-openssl-dev libpq-dev libzip-dev"
# make deb: CPack's DEB generator runs dpkg-shlibdeps (dpkg-dev) and file.
pkgs_deb="$pkgs_build dpkg-dev file"
pkgs_check="$pkgs_deb libcriterion-dev clang libclang-rt-14-dev clang-format git python3-pycryptodome curl postgresql chromium fonts-dejavu-core python3-packaging python3-debian golang-golang-x-vuln-dev emboss-test python3-biopython"
pkgs_fuzz="$pkgs_build clang libclang-rt-14-dev"
pkgs_bench="$pkgs_build python3 python3-numpy python3-scipy python3-pandas python3-torch python3-sklearn time golang-go golang-golang-x-mod-dev python3-packaging python3-debian"
pkgs_valgrind="$pkgs_check valgrind"
# make check-arm64: the cross compiler, qemu-user and the :arm64 -dev
# packages that are multi-arch (Botan's, Criterion's and libpq's are not, or
# not at the native version: installing them for arm64 removes or upgrades
# the native ones, so scripts/check-arm64.sh unpacks those beside the system
# instead).
pkgs_arm64="$pkgs_build gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libsodium-dev:arm64 libjansson-dev:arm64 libsqlite3-dev:arm64 libssl-dev:arm64 libmicrohttpd-dev:arm64 libcurl4-openssl-dev:arm64 libffi8:arm64 libgit2-1.5:arm64 libboxfort-dev:arm64 libzip-dev:arm64"

want=""
for group in "${@:-build}"; do
    case "$group" in
    build) want="$want $pkgs_build" ;;
    check) want="$want $pkgs_check" ;;
    deb) want="$want $pkgs_deb" ;;
    fuzz) want="$want $pkgs_fuzz" ;;
    bench) want="$want $pkgs_bench" ;;
    valgrind) want="$want $pkgs_valgrind" ;;
    arm64) want="$want $pkgs_arm64" ;;
    *) echo "deps.sh: unknown group '$group' (build, check, deb, fuzz, bench, valgrind, arm64)" >&2; exit 2 ;;
    esac
done

missing=""
native=$(dpkg --print-architecture)
# The browser tests (web/test) run on Node and npm; a machine may have them
# from elsewhere than Debian (nodesource's nodejs ships npm inside it, and
# Debian's npm package would conflict with it), so ask for the commands.
case " $want " in
*" chromium "*)
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
    ;;
esac
for p in $want; do
    case " $missing " in *" $p "*) continue ;; esac
    # With a foreign architecture added, a name matches every architecture's
    # package: only the native one (or the one named, as in foo:arm64) counts.
    ok=$(dpkg-query -W -f='${binary:Package} ${Status}\n' "$p" 2>/dev/null |
        awk -v p="$p" -v n="$p:$native" '($1 == p || $1 == n) && / install ok installed$/' || true)
    [ -n "$ok" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "deps.sh: run as root, or install by hand: apt-get install -y$missing" >&2
        exit 1
    fi
else
    SUDO=""
fi
export DEBIAN_FRONTEND=noninteractive
case "$missing" in
*:arm64*)
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $SUDO dpkg --add-architecture arm64
        $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    fi ;;
esac
# A fresh machine has empty package lists; refresh them once if needed.
if ! $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing >/dev/null 2>&1; then
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing >/dev/null
fi
