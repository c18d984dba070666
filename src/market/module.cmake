# Cost functions are evaluated in IEEE binary128: long double where it is
# binary128 (aarch64 Linux: libm), else __float128 with libquadmath, which
# the compiler finds in its own library directory (src/market/internal.h).
include(CheckCSourceCompiles)
check_c_source_compiles("int main(void) { return sizeof(char[__LDBL_MANT_DIG__ == 113 ? 1 : -1]) - 1; }"
                        DACC_LONG_DOUBLE_IS_BINARY128)
if(NOT DACC_LONG_DOUBLE_IS_BINARY128)
  target_link_libraries(dacc_deps INTERFACE quadmath)
  set(DACC_PC_QUADMATH "-lquadmath")
endif()
