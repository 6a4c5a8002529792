# The build rules of the house's layers (docs/ARCHITECTURE.md):
#  - the generic machinery at the root of engine/, projections/, api/,
#    tools/ and benchmarks/ never includes a bounded context's header, its
#    code or the code generated from its schema (events/<context>_events.h,
#    ..._generated.h);
#  - every context folder is built into a library of its own (ledger_<layer>_<context>)
#    which the core libraries do not link, so a core file that used a context
#    would not link either. The node (tools/) links every context's library,
#    since its list of contexts names them, and so do the benchmarks: at the
#    root of tools/ and benchmarks/ the first rule is the only guard.
# ledger_check_layering() checks the first rule when CMake configures.

function(ledger_check_layering)
  list(JOIN LEDGER_CONTEXTS "|" contexts)
  set(violations "")
  foreach(layer engine projections api tools benchmarks)
    file(GLOB core_files ${PROJECT_SOURCE_DIR}/${layer}/*.h ${PROJECT_SOURCE_DIR}/${layer}/*.cc)
    foreach(file ${core_files})
      file(STRINGS ${file} includes
           REGEX "^#include \"((engine|projections|api|tools|benchmarks)/(${contexts})/|events/(${contexts})_(events|generated)\\.h)")
      foreach(line ${includes})
        file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${file})
        string(APPEND violations "\n  ${rel}: ${line}")
      endforeach()
    endforeach()
  endforeach()
  if(violations)
    message(FATAL_ERROR "generic machinery includes a bounded context:${violations}\n"
            "Move the code into the context's folder, or give the core an interface the "
            "context implements (docs/ARCHITECTURE.md).")
  endif()
  # Configure again when a core file changes, so that the rule holds on every build.
  foreach(layer engine projections api tools benchmarks)
    file(GLOB core_files ${PROJECT_SOURCE_DIR}/${layer}/*.h ${PROJECT_SOURCE_DIR}/${layer}/*.cc)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${core_files})
  endforeach()
endfunction()

# add_subdirectory() for each context that has a folder in this layer.
macro(ledger_add_contexts)
  foreach(ctx IN LISTS LEDGER_CONTEXTS)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${ctx}/CMakeLists.txt)
      add_subdirectory(${ctx})
    endif()
  endforeach()
endmacro()
