# `cmake --install build --prefix P` (README.md, "Install and use as a library"): the sbm command
# with its man page and bash completion, the spec as docs (with the JSON Schemas of spec/schemas/),
# the trace corpus `sbm mutants` reads, and the libraries as a CMake package: find_package(sbm) gives sbm::model, sbm::properties and
# sbm::traces. sbm_prove (Z3) is the CLI's and is not exported.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(sbm_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/sbm)

install(TARGETS sbm RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS sbm_model sbm_properties sbm_traces EXPORT sbmTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
set_target_properties(sbm_model PROPERTIES EXPORT_NAME model)
set_target_properties(sbm_properties PROPERTIES EXPORT_NAME properties)
set_target_properties(sbm_traces PROPERTIES EXPORT_NAME traces)

# Headers keep their "model/...", "properties/...", "traces/..." paths under include/sbm
# (sbm_model's INTERFACE include directory there); whole folders, so subfolders follow.
# The Z3 encodings (prove*.h, z3_ops.h) belong to sbm_prove and stay out.
foreach(layer model properties traces)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sbm/${layer}
          FILES_MATCHING PATTERN "*.h"
          PATTERN "prove*.h" EXCLUDE
          PATTERN "z3_ops.h" EXCLUDE
          PATTERN "corpus" EXCLUDE)
endforeach()

install(EXPORT sbmTargets NAMESPACE sbm:: DESTINATION ${sbm_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sbmConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/sbmConfig.cmake INSTALL_DESTINATION ${sbm_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sbmConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sbmConfig.cmake ${PROJECT_BINARY_DIR}/sbmConfigVersion.cmake
        DESTINATION ${sbm_cmake_dir})

install(FILES ${PROJECT_BINARY_DIR}/sbm.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/tools/sbm.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME sbm)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/spec/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/spec FILES_MATCHING PATTERN "*.md"
        PATTERN "*.schema.json")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/traces/corpus/ DESTINATION ${CMAKE_INSTALL_DATADIR}/sbm/corpus)

# The man page, from the binary's own --help (cmake/sbm_man.cmake).
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/sbm.1
  COMMAND ${CMAKE_COMMAND} -DSBM=$<TARGET_FILE:sbm> -DVERSION=${PROJECT_VERSION} -DOUT=${PROJECT_BINARY_DIR}/sbm.1
          -P ${PROJECT_SOURCE_DIR}/cmake/sbm_man.cmake
  DEPENDS sbm ${PROJECT_SOURCE_DIR}/cmake/sbm_man.cmake
  COMMENT "sbm.1 from sbm --help")
add_custom_target(sbm_man ALL DEPENDS ${PROJECT_BINARY_DIR}/sbm.1)
