# Run by cpack before it packages (CPACK_PROJECT_CONFIG_FILE, set in
# cmake/deb.cmake): appends to the package's Depends the shared libraries
# that the tool and libdacc.so load, as dpkg-shlibdeps names them (with
# the versions their symbols need). dpkg-shlibdeps wants a debian/control
# in the directory it runs in; an empty one in a scratch directory does.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()
include(${CPACK_DACC_ELF_LIST})
set(dir ${CPACK_PACKAGE_DIRECTORY}/_dacc_shlibs)
file(REMOVE_RECURSE ${dir})
file(WRITE ${dir}/debian/control "")
set(args)
foreach(elf ${DACC_DEB_ELF})
  if(NOT EXISTS ${elf})
    message(FATAL_ERROR "deb_shlibs: ${elf} is not built")
  endif()
  list(APPEND args -e${elf})
endforeach()
execute_process(COMMAND dpkg-shlibdeps -O ${args} WORKING_DIRECTORY ${dir}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
file(REMOVE_RECURSE ${dir})
if(NOT rc EQUAL 0 OR NOT out MATCHES "shlibs:Depends=")
  message(FATAL_ERROR "deb_shlibs: dpkg-shlibdeps failed (${rc}): ${err}")
endif()
string(REGEX REPLACE "^.*shlibs:Depends=([^\n]*).*$" "\\1" deps "${out}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_DEBIAN_PACKAGE_DEPENDS}, ${deps}")
