# The ctest checks of ledger_bench (benchmarks/CMakeLists.txt), run with
# cmake -P: runs BENCH with ARGS (its arguments separated by `|`) and fails
# unless it exits 0 and prints, for each name of EXPECT (comma-separated),
# the line {"name":"<name>"… or, with HELP set, the workload's line of --help.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${BENCH} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ledger_bench exited with ${rc}:\n${out}\n${err}")
endif()
string(REPLACE "," ";" expected "${EXPECT}")
foreach(name IN LISTS expected)
  if(HELP)
    set(line "\n  ${name} ")
  else()
    set(line "{\"name\":\"${name}\"")
  endif()
  string(FIND "${out}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "no line for ${name} in:\n${out}\n${err}")
  endif()
endforeach()
