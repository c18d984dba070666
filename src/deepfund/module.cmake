# deepfund sums over juror samples in parallel (fixed chunks, fixed order).
find_package(OpenMP REQUIRED COMPONENTS C)
target_link_libraries(dacc_deps INTERFACE OpenMP::OpenMP_C)
