# The log store is SQLite (WAL, synchronous=FULL) by default, PostgreSQL
# (libpq) when several nodes share one database: libdacc links both, so
# that every program built on it opens either kind of store by its name.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
target_link_libraries(dacc_deps INTERFACE PkgConfig::SQLITE3 PkgConfig::LIBPQ)
