# SHA-256 speed: OpenSSL libcrypto's SHA-256 (SHA-NI assembly) behind
# dacc_sha256 where the CPU has SHA instructions (src/base/sha256.c).
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto>=1.1.1)
target_link_libraries(dacc_deps INTERFACE PkgConfig::LIBCRYPTO)
