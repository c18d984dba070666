# Cost functions are evaluated in IEEE binary128 (GCC's libquadmath).
find_library(QUADMATH_LIBRARY NAMES quadmath libquadmath.so.0
             HINTS /usr/lib/gcc/x86_64-linux-gnu/12 /usr/lib/x86_64-linux-gnu REQUIRED)
target_link_libraries(dacc_deps INTERFACE ${QUADMATH_LIBRARY})
