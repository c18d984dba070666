# The manual and documents `make install` installs: section 1 (the
# commands, docs/man/*.1, installed by CMakeLists.txt), section 3 (one page
# per public header, generated at build time from the header's comments by
# scripts/man3.sh, with a page per function and type pointing to it),
# section 5 (the file formats, docs/man/*.5, written by hand from docs/*.md)
# and docs/ itself, the README and the examples into share/doc/dacc.
file(GLOB DACC_PUBLIC_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/dacc/*.h)
list(SORT DACC_PUBLIC_HEADERS)
set(DACC_MAN3_DIR ${PROJECT_BINARY_DIR}/man/man3)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/man/man3.stamp
  COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/man3.sh ${DACC_MAN3_DIR} ${PROJECT_VERSION}
          ${DACC_PUBLIC_HEADERS}
  COMMAND ${CMAKE_COMMAND} -E touch ${PROJECT_BINARY_DIR}/man/man3.stamp
  DEPENDS ${DACC_PUBLIC_HEADERS} ${PROJECT_SOURCE_DIR}/scripts/man3.sh VERBATIM)
add_custom_target(dacc_man3 ALL DEPENDS ${PROJECT_BINARY_DIR}/man/man3.stamp)
install(DIRECTORY ${DACC_MAN3_DIR} DESTINATION ${CMAKE_INSTALL_MANDIR})

file(GLOB DACC_MAN5 CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.5)
install(FILES ${DACC_MAN5} DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        PATTERN man EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples DESTINATION ${CMAKE_INSTALL_DOCDIR})
