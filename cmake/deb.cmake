# `make deb`: one Debian package, dacc_VERSION_ARCH.deb, of everything
# `make install` installs under /usr: the tool, libdacc.so and libdacc.a,
# libdacc-pause.a, the headers, the pkg-config and CMake files, the manual
# (sections 1, 3, 5), the documents and, once the command line installs
# one, its bash completion.
#
# Depends: the shared libraries the tool and libdacc.so load, as
# dpkg-shlibdeps finds them (cmake/deb_shlibs.cmake runs it on those two
# files at packaging time; CPack's own CPACK_DEBIAN_PACKAGE_SHLIBDEPS runs
# `file` on each of the 700 files installed first, two processes a file,
# which took minutes on a loaded machine); and, because the package is
# also what a program is built against, the -dev packages its pkg-config
# and CMake files name (dacc.pc Requires jansson, Requires.private libsodium, sqlite3
# and libcrypto, which pkg-config resolves even for a shared link;
# daccConfig.cmake also finds Botan and libpq) and pkg-config itself.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dacc)
set(CPACK_PACKAGE_VENDOR "dacc")
# Whoever builds the package for distribution names themselves here.
set(DACC_DEB_MAINTAINER "dacc maintainers <maintainers@dacc.invalid>" CACHE STRING
    "the Maintainer field of the package make deb builds")
set(CPACK_PACKAGE_CONTACT "${DACC_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "dacc is a C11 toolkit and node for decentralized, defensive AI governance:\n\
deep funding, quadratic funding, prediction markets, bridging-based note\n\
scoring and a soft pause, every action a signed event in a tamper-evident\n\
Merkle log that anyone can replay. This package holds the dacc tool and node,\n\
the libdacc library (shared and static, with headers, pkg-config and CMake\n\
files), libdacc-pause (the soft-pause device verifier) and the manual.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/CPackDaccElf.cmake
     CONTENT "set(DACC_DEB_ELF \"$<TARGET_FILE:dacc>;$<TARGET_FILE:dacc_shared>\")\n")
# (a CPACK_ name: cpack passes only those on to the config file)
set(CPACK_DACC_ELF_LIST ${PROJECT_BINARY_DIR}/CPackDaccElf.cmake)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/deb_shlibs.cmake)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libsodium-dev, libjansson-dev (>= 2.14), libsqlite3-dev, libssl-dev, libbotan-2-dev, libpq-dev, pkg-config")
# The shlibs file, so that packages built against libdacc.so depend on
# this one; and ldconfig's trigger. Written here rather than by CPack's
# CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS, which also runs `file` on every
# installed file.
file(WRITE ${PROJECT_BINARY_DIR}/deb/shlibs
     "libdacc ${PROJECT_VERSION_MAJOR} dacc (>= ${PROJECT_VERSION})\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/deb/shlibs ${PROJECT_SOURCE_DIR}/cmake/deb/triggers)
set(CPACK_STRIP_FILES OFF)
# cpack (like cmake --install) packages what is built and builds nothing:
# the test package/deb runs beside other tests that execute the build's
# programs, which a rebuild must not replace under them. `make deb` builds
# first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
include(CPack)
