# Runs bitten-smc and compares its stdout byte for byte with an oracle CSV.
# -DCLI=... -DARGS="fn;--opt;..." -DINPUT=... -DEXPECTED=... -DOUT=...
execute_process(COMMAND ${CLI} ${ARGS} ${INPUT} OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bitten-smc exited with ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files --ignore-eol ${OUT} ${EXPECTED} RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "${OUT} differs from ${EXPECTED}")
endif()
