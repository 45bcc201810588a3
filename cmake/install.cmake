# `cmake --install`: the mrtsim executable, the public API (libmrtsim and include/mrtsim/) and a CMake
# package, so that another project can `find_package(mrtsim)` and link `mrtsim::mrtsim`
# (examples/consumer shows it).
include(CMakePackageConfigHelpers)

install(TARGETS mrtsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mrtsim_api EXPORT mrtsimTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/mrtsim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/mrtsim)
install(EXPORT mrtsimTargets NAMESPACE mrtsim:: DESTINATION ${package_dir})
configure_package_config_file(cmake/mrtsimConfig.cmake.in ${PROJECT_BINARY_DIR}/mrtsimConfig.cmake
                              INSTALL_DESTINATION ${package_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mrtsimConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mrtsimConfig.cmake ${PROJECT_BINARY_DIR}/mrtsimConfigVersion.cmake
        DESTINATION ${package_dir})
