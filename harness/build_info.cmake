# Writes build_info.h (from build_info.h.in) with the source tree's git revision,
# marked "-dirty" when it has uncommitted changes. Run at every build (see
# CMakeLists.txt), so results files name the code that produced them; the header
# is rewritten only when its content changes, so nothing recompiles needlessly.
#   cmake -DSOURCE_DIR=... -DIN=... -DOUT=... -P build_info.cmake
# (IN is build_info.h.in with the flags already filled in at configure time.)
execute_process(COMMAND git describe --always --dirty --abbrev=12
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE CHANMUL_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT CHANMUL_GIT_REVISION)
  set(CHANMUL_GIT_REVISION unknown)
endif()
configure_file(${IN} ${OUT}.tmp @ONLY)
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
