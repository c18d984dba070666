# The log store is SQLite (WAL, synchronous=FULL).
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
target_link_libraries(dacc_deps INTERFACE PkgConfig::SQLITE3)
