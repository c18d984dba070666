# COCM runs over projects in parallel; each project's sum is computed by one thread.
find_package(OpenMP REQUIRED COMPONENTS C)
target_link_libraries(dacc_deps INTERFACE OpenMP::OpenMP_C)
