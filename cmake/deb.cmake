# `make deb`: one Debian package, dacc_VERSION_ARCH.deb, of everything
# `make install` installs under /usr: the tool, libdacc.so and libdacc.a,
# libdacc-pause.a, the headers, the pkg-config and CMake files, the manual
# (sections 1, 3, 5), the documents and, once the command line installs
# one, its bash completion.
#
# Depends: the shared libraries the tool and libdacc.so load, as
# dpkg-shlibdeps finds them; and, because the package is also what a
# program is built against, the -dev packages its pkg-config and CMake
# files name (dacc.pc Requires jansson, Requires.private libsodium, sqlite3
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
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libsodium-dev, libjansson-dev (>= 2.14), libsqlite3-dev, libssl-dev, libbotan-2-dev, libpq-dev, pkg-config")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_STRIP_FILES OFF)
include(CPack)
