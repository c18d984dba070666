# COCM runs over projects in parallel; each project's sum is computed by one thread.
find_package(OpenMP REQUIRED COMPONENTS C)
target_link_libraries(dacc_deps INTERFACE OpenMP::OpenMP_C)
# Keccak-256 for Allo's Merkle distribution (Ethereum's hash; neither
# libsodium nor OpenSSL 3.0 has it): Botan's C interface.
pkg_check_modules(BOTAN REQUIRED IMPORTED_TARGET botan-2)
target_link_libraries(dacc_deps INTERFACE PkgConfig::BOTAN)
