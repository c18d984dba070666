# OSV advisories come as osv.dev publishes them, a zip per ecosystem:
# libzip reads those (docs/vuln.md).
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
target_link_libraries(dacc_deps INTERFACE PkgConfig::LIBZIP)
