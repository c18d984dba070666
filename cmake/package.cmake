# What other projects link: libdacc (shared and static) with a pkg-config
# file and a CMake package (find_package(dacc): dacc::dacc, dacc::static),
# and libdacc-pause (dacc::pause, dacc-pause.pc), the soft-pause device
# verifier alone, for firmware that links it with libsodium and nothing else
# (no SQLite, jansson, OpenMP, quadmath or OpenSSL: sha256.c is built on
# libsodium there).
set(DACC_PAUSE_DEVICE_SOURCES
    src/pause/verify.c src/tlog/merkle.c src/tlog/note.c src/tlog/checkpoint.c
    src/tlog/proof_text.c src/base/codec.c src/base/sha256.c src/base/error.c)
list(TRANSFORM DACC_PAUSE_DEVICE_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/)
add_library(dacc_pause_device STATIC ${DACC_PAUSE_DEVICE_SOURCES})
set_target_properties(dacc_pause_device PROPERTIES OUTPUT_NAME dacc-pause EXPORT_NAME pause)
target_compile_definitions(dacc_pause_device PRIVATE DACC_SHA256_SODIUM_ONLY)
target_compile_options(dacc_pause_device PRIVATE ${DACC_STRICT_WARNINGS})
target_include_directories(dacc_pause_device
  PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
  PRIVATE ${PROJECT_SOURCE_DIR}/src/base)
target_link_libraries(dacc_pause_device PUBLIC PkgConfig::SODIUM)

set_target_properties(dacc_shared PROPERTIES EXPORT_NAME dacc)
set_target_properties(dacc_static PROPERTIES EXPORT_NAME static)
set_target_properties(dacc_deps PROPERTIES EXPORT_NAME deps)
target_include_directories(dacc_shared PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
# A program linking the shared library calls jansson's API with the JSON
# values dacc returns (dacc/json.h), so jansson is part of its interface.
target_link_libraries(dacc_shared INTERFACE PkgConfig::JANSSON)

file(RELATIVE_PATH DACC_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${PROJECT_SOURCE_DIR}/cmake/dacc.pc.in ${PROJECT_BINARY_DIR}/dacc.pc @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/dacc-pause.pc.in ${PROJECT_BINARY_DIR}/dacc-pause.pc
               @ONLY)
install(TARGETS dacc_static dacc_shared dacc_pause_device dacc_deps EXPORT daccTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT daccTargets NAMESPACE dacc:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dacc)
include(CMakePackageConfigHelpers)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/daccConfig.cmake.in
  ${PROJECT_BINARY_DIR}/daccConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dacc)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/daccConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/daccConfig.cmake ${PROJECT_BINARY_DIR}/daccConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dacc)
install(FILES ${PROJECT_BINARY_DIR}/dacc.pc ${PROJECT_BINARY_DIR}/dacc-pause.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
