# CTest script (tests/CMakeLists.txt): installs the build into a scratch prefix, builds
# examples/consumer against it with find_package(mrtsim), runs it, and checks its output against
# MRTAnalysis's published WCLS numbers.
# Usage: cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -P test_consumer.cmake
file(REMOVE_RECURSE ${WORK_DIR})
function(run_checked)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

run_checked(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run_checked(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/consumer -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
run_checked(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run_checked(${WORK_DIR}/build/consumer ${SOURCE_DIR}/tests/data/data_mimicHeartSteps.csv
            ${SOURCE_DIR}/configs/quickstart.yaml)
message(STATUS "${output}")
# MRTAnalysis test-wcls.R: beta 0.1574444 (SE 0.06222065, p = 0.01619006, df 34).
foreach(expected "estimate 0.1574444" "se 0.06222065" "p 0.01619006 df 34" "rejection rate" "error as expected:")
  string(FIND "${output}" "${expected}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "the consumer's output lacks '${expected}'")
  endif()
endforeach()
