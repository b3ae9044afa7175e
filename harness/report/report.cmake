# `chanmul report`'s library: include()d by the top-level CMakeLists.txt after the chanmul_cli
# target exists. Needs cJSON (Debian: libcjson-dev, which installs cJSONConfig.cmake
# defining the imported target `cjson`, headers as <cjson/cJSON.h>).
find_package(cJSON REQUIRED)

# The report as a library (report.h): the model (report_data.c), the targets
# (targets.c), auto's regret (selection_regret.c), the plots (report_plots.c), and the Markdown: the report's text
# (report_write.c) from its sections (sections_*.c, report_sections.c), written
# through markdown.c. paths.c: the folders of the report and its plots. The verb,
# `chanmul report`, is harness/cli/report_cli.c.
set(CHANMUL_REPORT_SOURCES
  ${CMAKE_SOURCE_DIR}/harness/report/report_data.c
  ${CMAKE_SOURCE_DIR}/harness/report/report_plots.c
  ${CMAKE_SOURCE_DIR}/harness/report/report_write.c
  ${CMAKE_SOURCE_DIR}/harness/report/report_sections.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_overview.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_verification.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_performance.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_targets.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_plots.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_changes.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_selection.c
  ${CMAKE_SOURCE_DIR}/harness/report/sections_prepared.c
  ${CMAKE_SOURCE_DIR}/harness/report/markdown.c
  ${CMAKE_SOURCE_DIR}/harness/report/paths.c
  ${CMAKE_SOURCE_DIR}/harness/analysis/targets.c
  ${CMAKE_SOURCE_DIR}/harness/analysis/selection_regret.c)
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
