# The man pages and the bash completion, generated at build time by the
# tool from its command declarations (src/cli/spec.h): what --help says,
# what the pages say and what the shell completes cannot drift apart.
# A cross build runs the tool only through an emulator; without one there
# is nothing to generate them with (the native build installs them).
if(CMAKE_CROSSCOMPILING AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
  message(STATUS "dacc: cross-compiling without an emulator: no man pages or completion")
  return()
endif()
set(DACC_MAN_PAGES dacc dacc-anon dacc-apportion dacc-deepfund dacc-fund dacc-log dacc-market dacc-notes
                   dacc-pause dacc-registry dacc-rng dacc-round dacc-serve dacc-vuln
                   dacc-screen)
set(DACC_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(DACC_COMPLETION ${CMAKE_BINARY_DIR}/completion/dacc)
set(DACC_MAN_FILES)
foreach(page ${DACC_MAN_PAGES})
  add_custom_command(
    OUTPUT ${DACC_MAN_DIR}/${page}.1
    COMMAND ${CMAKE_COMMAND} -E make_directory ${DACC_MAN_DIR}
    COMMAND dacc --man ${page} > ${DACC_MAN_DIR}/${page}.1
    DEPENDS dacc
    COMMENT "Generating man page ${page}.1"
    VERBATIM)
  list(APPEND DACC_MAN_FILES ${DACC_MAN_DIR}/${page}.1)
endforeach()
add_custom_command(
  OUTPUT ${DACC_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
  COMMAND dacc --completion bash > ${DACC_COMPLETION}
  DEPENDS dacc
  COMMENT "Generating bash completion"
  VERBATIM)
add_custom_target(dacc_cli_docs ALL DEPENDS ${DACC_MAN_FILES} ${DACC_COMPLETION})
install(FILES ${DACC_MAN_FILES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${DACC_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
