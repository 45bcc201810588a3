# Helpers that build mrtsim's layers (docs/architecture.md section 2) as static libraries.

include(GNUInstallDirs)

# Warnings for mrtsim's own code (not for third-party headers, which come in as system includes);
# errors where MRTSIM_WARNINGS_AS_ERRORS is on (CI). Aggregates with default member initializers are
# initialized in part on purpose, so -Wmissing-field-initializers is off.
function(mrtsim_project_warnings target)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-missing-field-initializers>)
  if(MRTSIM_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
  endif()
endfunction()

# mrtsim_add_layer(NAME DIRECTORY dir DEPENDS targets... [EXCLUDE file-names...]): mrtsim_NAME, a static
# library (position independent, so the shared API library can hold it) of dir's .cc files, and of
# its .cu files where CUDA is built, linking the layers below it.
function(mrtsim_add_layer name)
  cmake_parse_arguments(LAYER "" "DIRECTORY" "DEPENDS;EXCLUDE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${LAYER_DIRECTORY}/*.cc)
  if(MRTSIM_HAVE_CUDA)
    file(GLOB cuda_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${LAYER_DIRECTORY}/*.cu)
    list(APPEND sources ${cuda_sources})
  endif()
  foreach(excluded IN LISTS LAYER_EXCLUDE)
    list(FILTER sources EXCLUDE REGEX "/${excluded}$")
  endforeach()
  add_library(mrtsim_${name} STATIC ${sources})
  target_link_libraries(mrtsim_${name} PUBLIC ${LAYER_DEPENDS})
  set_target_properties(mrtsim_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  mrtsim_project_warnings(mrtsim_${name})
endfunction()

# A hash of the engine's sources, recomputed on every build (checkpoints refuse another engine):
# the header mrtsim_fingerprint.h, built before `target`.
function(mrtsim_add_engine_fingerprint target)
  file(GLOB_RECURSE engine_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/core/* ${PROJECT_SOURCE_DIR}/kernels/*
       ${PROJECT_SOURCE_DIR}/sims/* ${PROJECT_SOURCE_DIR}/host/*)
  set(header ${PROJECT_BINARY_DIR}/generated/mrtsim_fingerprint.h)
  add_custom_command(
    OUTPUT ${header}
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${header}
            -P ${PROJECT_SOURCE_DIR}/cmake/engine_fingerprint.cmake
    DEPENDS ${engine_files} ${PROJECT_SOURCE_DIR}/cmake/engine_fingerprint.cmake
    COMMENT "Hashing the engine sources")
  add_custom_target(mrtsim_fingerprint DEPENDS ${header})
  add_dependencies(${target} mrtsim_fingerprint)
endfunction()

# mrtsim_embed_web_assets(target DIRECTORY dir FILES names...): compiles the files into `target` as the
# table of host/serve/web_assets.h (cmake/embed_web_assets.cmake), regenerated when a file changes.
function(mrtsim_embed_web_assets target)
  cmake_parse_arguments(WEB "" "DIRECTORY" "FILES" ${ARGN})
  set(output ${PROJECT_BINARY_DIR}/generated/web_assets_data.cc)
  set(inputs "")
  foreach(file IN LISTS WEB_FILES)
    list(APPEND inputs ${PROJECT_SOURCE_DIR}/${WEB_DIRECTORY}/${file})
  endforeach()
  string(REPLACE ";" "," file_list "${WEB_FILES}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}/${WEB_DIRECTORY} -DOUTPUT=${output}
            "-DFILES=${file_list}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_web_assets.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/embed_web_assets.cmake
    COMMENT "Embedding the web calculator's page")
  target_sources(${target} PRIVATE ${output})
endfunction()
