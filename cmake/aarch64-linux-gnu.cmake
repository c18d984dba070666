# Cross-building for arm64 on Debian (make check-arm64, scripts/check-arm64.sh):
# the cross GCC, the multiarch :arm64 -dev packages, and qemu-user to run the
# tests. DACC_ARM64_EXTRA is a directory of arm64 packages unpacked beside
# the system (Botan, Criterion and libpq, whose -dev packages cannot be
# installed for two architectures at once): its pkgconfig files and
# libraries are used too.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(pc /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(emulator qemu-aarch64 -L /usr/aarch64-linux-gnu)
if(DEFINED ENV{DACC_ARM64_EXTRA})
  set(extra $ENV{DACC_ARM64_EXTRA})
  set(pc ${extra}/pkgconfig:${pc})
  # liblzma5 (Botan's) installs under /lib, the others under /usr/lib
  set(libs ${extra}/usr/lib/aarch64-linux-gnu:${extra}/lib/aarch64-linux-gnu)
  list(APPEND emulator -E LD_LIBRARY_PATH=${libs})
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${libs}")
  set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${libs}")
endif()
set(ENV{PKG_CONFIG_LIBDIR} ${pc})
set(ENV{PKG_CONFIG_PATH} "")
set(CMAKE_CROSSCOMPILING_EMULATOR ${emulator})
