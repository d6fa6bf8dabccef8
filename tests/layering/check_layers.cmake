# The layering check (docs/architecture.md#layers): every source file of a layer includes only
# headers of the layers below it. Run as
#   cmake -DROOT=<source dir> -P check_layers.cmake
# and fails, listing each file:line and the include it may not have, when one does.

if(NOT DEFINED ROOT)
  message(FATAL_ERROR "pass -DROOT=<source dir>")
endif()

# folder | project folders it may include from (besides its own) | library headers it may not use
set(LAYERS
  "gate/types|gate/version.hpp|git2.h sqlite3.h CLI/ spdlog/ httplib.h curl/"
  "rules|gate/types gate/version.hpp|git2.h sqlite3.h CLI/ httplib.h curl/"
  "attest|gate/types gate/version.hpp|CLI/ yaml-cpp/"
  "gate/report|gate/types gate/version.hpp|git2.h sqlite3.h CLI/ httplib.h curl/"
  "gate/engine|gate/types rules gate/version.hpp|sqlite3.h CLI/ httplib.h"
  "server|attest gate/types gate/version.hpp|CLI/"
  "gate/server|attest gate/types gate/version.hpp|CLI/")
# gate/cli may include everything; it is the top.
set(PROJECT_FOLDERS gate/types gate/engine gate/report gate/cli gate/server rules attest server)

set(violations 0)
foreach(layer ${LAYERS})
  string(REPLACE "|" ";" parts "${layer}")
  list(GET parts 0 folder)
  list(GET parts 1 allowed)
  list(GET parts 2 forbidden_libraries)
  string(REPLACE " " ";" allowed "${allowed}")
  string(REPLACE " " ";" forbidden_libraries "${forbidden_libraries}")
  list(APPEND allowed ${folder})
  if(NOT IS_DIRECTORY "${ROOT}/${folder}")
    continue()
  endif()
  file(GLOB_RECURSE sources "${ROOT}/${folder}/*.cpp" "${ROOT}/${folder}/*.hpp"
       "${ROOT}/${folder}/*.h")
  foreach(source ${sources})
    # gate/server is not part of gate/'s other layers' folders: skip it when checking them.
    file(RELATIVE_PATH relative "${ROOT}" "${source}")
    if(NOT folder STREQUAL "gate/server" AND relative MATCHES "^gate/server/")
      continue()
    endif()
    file(STRINGS "${source}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    file(READ "${source}" content)
    foreach(line ${lines})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
      set(bad "")
      if(line MATCHES "\"")
        set(in_project FALSE)
        foreach(project_folder ${PROJECT_FOLDERS})
          if(header MATCHES "^${project_folder}/")
            set(in_project TRUE)
          endif()
        endforeach()
        if(in_project)
          set(ok FALSE)
          foreach(prefix ${allowed})
            if(header STREQUAL prefix OR header MATCHES "^${prefix}/")
              set(ok TRUE)
            endif()
          endforeach()
          if(NOT ok)
            set(bad "${header} (${folder} may include: ${allowed})")
          endif()
        endif()
      else()
        foreach(library ${forbidden_libraries})
          string(FIND "${header}" "${library}" at)
          if(at EQUAL 0)
            set(bad "<${header}> (${folder} does no I/O of that kind)")
          endif()
        endforeach()
      endif()
      if(bad)
        string(FIND "${content}" "${line}" at)
        string(SUBSTRING "${content}" 0 ${at} before)
        string(REGEX MATCHALL "\n" newlines "${before}")
        list(LENGTH newlines number)
        math(EXPR number "${number} + 1")
        message("${relative}:${number}: forbidden include ${bad}")
        math(EXPR violations "${violations} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "${violations} include(s) cross the layers of docs/architecture.md")
endif()
message("layering: every include respects the layers")
