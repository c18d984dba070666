# Fits and scoring run over notes and raters in parallel; every sum has a fixed order.
find_package(OpenMP REQUIRED COMPONENTS C)
target_link_libraries(dacc_deps INTERFACE OpenMP::OpenMP_C)
