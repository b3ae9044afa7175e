# `chanmul report`: include()d by the top-level CMakeLists.txt after the chanmul_cli
# target exists. Needs cJSON (Debian: libcjson-dev, which installs cJSONConfig.cmake
# defining the imported target `cjson`, headers as <cjson/cJSON.h>).
find_package(cJSON REQUIRED)

set(CHANMUL_REPORT_SOURCES
  ${CMAKE_SOURCE_DIR}/harness/report/report.c
  ${CMAKE_SOURCE_DIR}/harness/report/report_data.c
  ${CMAKE_SOURCE_DIR}/harness/report/report_plots.c
  ${CMAKE_SOURCE_DIR}/harness/analysis/targets.c)
target_sources(chanmul_cli PRIVATE ${CHANMUL_REPORT_SOURCES})
# The gnuplot scripts of this source tree: the report's fallback when neither
# $CHANMUL_PLOT_SCRIPTS nor the --plots directory holds them.
set_source_files_properties(${CMAKE_SOURCE_DIR}/harness/report/report_plots.c PROPERTIES
  COMPILE_DEFINITIONS "CHANMUL_PLOT_SCRIPTS_DIR=\"${CMAKE_SOURCE_DIR}/plots\"")
if(TARGET cjson)
  target_link_libraries(chanmul_cli PRIVATE cjson)
else()
  # Older cJSON packages: variables only.
  target_include_directories(chanmul_cli PRIVATE ${CJSON_INCLUDE_DIRS})
  target_link_libraries(chanmul_cli PRIVATE ${CJSON_LIBRARIES})
endif()
target_link_libraries(chanmul_cli PRIVATE m)
