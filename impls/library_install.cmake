# Installing the library. Included by the top-level CMakeLists.txt right after
# impls/peers/peers.cmake, so the link interface of chanmul (static) is complete
# here, whatever peers the build found.
#
#   cmake --install BUILD [--prefix P]   puts under P:
#     include/chanmul.h                          the whole API
#     lib/libchanmul.a, lib/libchanmul.so.0.x.y  (SONAME libchanmul.so.0)
#     lib/cmake/chanmul/                         find_package(chanmul): chanmul::chanmul
#                                                (shared), chanmul::chanmul_static
#     lib/pkgconfig/chanmul.pc                   pkg-config chanmul [--static]
#     bin/chanmul                                the command line (not part of the package)
#
# chanmul_objects is never installed: both libraries are made of its objects.
# tests/check_install.sh installs a build and uses it every way listed above.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CHANMUL_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/chanmul CACHE STRING
    "Where chanmul's CMake package goes, under the install prefix")
mark_as_advanced(CHANMUL_INSTALL_CMAKEDIR)

# ---- the targets as installed ------------------------------------------------------
set_target_properties(chanmul_shared PROPERTIES
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  EXPORT_NAME chanmul)
set_target_properties(chanmul PROPERTIES EXPORT_NAME chanmul_static)

# Include directories: the source tree's while building, the prefix's include/
# once installed. (target_include_directories(... PUBLIC include) stores the
# absolute source path, which install(EXPORT) refuses.)
foreach(target chanmul chanmul_shared)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  if(NOT dirs)
    set(dirs "")
  endif()
  set(interface_dirs "")
  foreach(dir IN LISTS dirs)
    cmake_path(IS_PREFIX PROJECT_SOURCE_DIR "${dir}" NORMALIZE in_source)
    cmake_path(IS_PREFIX PROJECT_BINARY_DIR "${dir}" NORMALIZE in_build)
    if(NOT dir MATCHES "^\\$<" AND (in_source OR in_build))
      list(APPEND interface_dirs "$<BUILD_INTERFACE:${dir}>")
    else()
      list(APPEND interface_dirs "${dir}")
    endif()
  endforeach()
  if(NOT dirs MATCHES "\\$<INSTALL_INTERFACE:")
    list(APPEND interface_dirs "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
  endif()
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${interface_dirs}")
endforeach()

# ---- what a user of the static library links --------------------------------------
# Walk the static target's link interface once, for the CMake package (which
# targets its config must define or find) and for pkg-config (Libs.private,
# Requires.private):
#  - OpenMP::OpenMP_C, Threads::Threads, cjson: packages; the config finds them
#    (every user needs them: they are in the shared target's interface too);
#  - chanmul::<peer> (impls/peers/peers.cmake: a library found by hand, no
#    CMake package): the config finds the same libraries by name;
#  - a header-only imported target (Eigen3::Eigen): nothing to link, so build
#    tree only; users of the installed library need no Eigen;
#  - plain library names (m) and files: as they are.
set(CHANMUL_PC_REQUIRES_PRIVATE "")
set(CHANMUL_PC_LIBS_PRIVATE "")
set(CHANMUL_CONFIG_STATIC_IMPORTS "")
set(CHANMUL_CONFIG_LIBRARY_HINTS "")

# -l<name> for a library file (and -L<dir> when the linker would not look there).
function(chanmul_pc_library_flags file out)
  get_filename_component(dir "${file}" DIRECTORY)
  get_filename_component(name "${file}" NAME)
  set(flags "")
  if(name MATCHES "^lib(.+)\\.(so|a)(\\.[0-9.]+)?$")
    if(dir AND NOT dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
      list(APPEND flags "-L${dir}")
    endif()
    list(APPEND flags "-l${CMAKE_MATCH_1}")
  else()
    list(APPEND flags "${file}")
  endif()
  set(${out} "${flags}" PARENT_SCOPE)
endfunction()

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(CHANMUL_PC_LIBCJSON QUIET libcjson)
endif()

get_target_property(static_links chanmul INTERFACE_LINK_LIBRARIES)
if(NOT static_links)
  set(static_links "")
endif()
set(exported_links "")
foreach(item IN LISTS static_links)
  set(exported "${item}")
  if(item STREQUAL "OpenMP::OpenMP_C")
    foreach(lib IN LISTS OpenMP_C_LIB_NAMES)
      list(APPEND CHANMUL_PC_LIBS_PRIVATE "-l${lib}")
    endforeach()
  elseif(item STREQUAL "Threads::Threads")
    list(APPEND CHANMUL_PC_LIBS_PRIVATE ${CMAKE_THREAD_LIBS_INIT})
  elseif(item STREQUAL "cjson")
    if(CHANMUL_PC_LIBCJSON_FOUND)
      list(APPEND CHANMUL_PC_REQUIRES_PRIVATE libcjson)
    else()
      list(APPEND CHANMUL_PC_LIBS_PRIVATE -lcjson)
    endif()
  elseif(TARGET "${item}")
    get_target_property(imported "${item}" IMPORTED)
    get_target_property(type "${item}" TYPE)
    get_target_property(libs "${item}" INTERFACE_LINK_LIBRARIES)
    if(NOT libs)
      set(libs "")
    endif()
    if(imported AND type STREQUAL "INTERFACE_LIBRARY" AND libs STREQUAL "")
      set(exported "$<BUILD_INTERFACE:${item}>") # header-only
    elseif(imported AND type STREQUAL "INTERFACE_LIBRARY" AND item MATCHES "^chanmul::")
      # found by hand in peers.cmake: the config finds the same names
      set(names "")
      foreach(lib IN LISTS libs)
        if(lib MATCHES "[$]<" OR NOT IS_ABSOLUTE "${lib}")
          message(FATAL_ERROR "impls/library_install.cmake: ${item} links '${lib}': expected library files")
        endif()
        get_filename_component(name "${lib}" NAME)
        string(REGEX REPLACE "^lib(.+)\\.(so|a)(\\.[0-9.]+)?$" "\\1" name "${name}")
        list(APPEND names ${name})
        get_filename_component(dir "${lib}" DIRECTORY)
        list(APPEND CHANMUL_CONFIG_LIBRARY_HINTS "${dir}")
        chanmul_pc_library_flags("${lib}" flags)
        list(APPEND CHANMUL_PC_LIBS_PRIVATE ${flags})
      endforeach()
      list(JOIN names " " names)
      string(APPEND CHANMUL_CONFIG_STATIC_IMPORTS "_chanmul_import_libraries(${item} ${names})\n")
    else()
      message(WARNING "impls/library_install.cmake: chanmul (static) links ${item}, which the "
                      "installed package does not know how to find: users of "
                      "chanmul::chanmul_static must define it themselves")
    endif()
  elseif(item MATCHES "[$]<")
    message(WARNING "impls/library_install.cmake: chanmul (static) links '${item}': left out of chanmul.pc")
  elseif(IS_ABSOLUTE "${item}")
    chanmul_pc_library_flags("${item}" flags)
    list(APPEND CHANMUL_PC_LIBS_PRIVATE ${flags})
  else()
    list(APPEND CHANMUL_PC_LIBS_PRIVATE "-l${item}")
  endif()
  list(APPEND exported_links "${exported}")
endforeach()

# C++ compiled into libchanmul.a (the Eigen peer): its runtime, for C linkers.
get_target_property(object_sources chanmul_objects SOURCES)
set(CHANMUL_STATIC_CXX_LIBS "")
foreach(source IN LISTS object_sources)
  if(source MATCHES "\\.(cc|cpp|cxx|C)$")
    foreach(lib IN LISTS CMAKE_CXX_IMPLICIT_LINK_LIBRARIES)
      if(NOT lib IN_LIST CMAKE_C_IMPLICIT_LINK_LIBRARIES AND NOT lib IN_LIST static_links
         AND NOT lib IN_LIST CHANMUL_STATIC_CXX_LIBS)
        list(APPEND CHANMUL_STATIC_CXX_LIBS ${lib})
      endif()
    endforeach()
    break()
  endif()
endforeach()
foreach(lib IN LISTS CHANMUL_STATIC_CXX_LIBS)
  list(APPEND exported_links "$<INSTALL_INTERFACE:${lib}>")
  list(APPEND CHANMUL_PC_LIBS_PRIVATE "-l${lib}")
endforeach()
set_target_properties(chanmul PROPERTIES INTERFACE_LINK_LIBRARIES "${exported_links}")
# A sanitized build's objects call the sanitizers' runtimes, and ASan's must
# come first in a program's libraries: whoever links either library links
# with the sanitizer flag too.
set(CHANMUL_PC_LIBS_EXTRA "")
if(CHANMUL_SANITIZE)
  foreach(target chanmul chanmul_shared)
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_OPTIONS -fsanitize=address,undefined)
  endforeach()
  set(CHANMUL_PC_LIBS_EXTRA " -fsanitize=address,undefined")
endif()
if(CHANMUL_TSAN)
  foreach(target chanmul chanmul_shared)
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_OPTIONS -fsanitize=thread)
  endforeach()
  set(CHANMUL_PC_LIBS_EXTRA " -fsanitize=thread")
endif()

list(REMOVE_DUPLICATES CHANMUL_PC_LIBS_PRIVATE)
list(REMOVE_DUPLICATES CHANMUL_CONFIG_LIBRARY_HINTS)
list(JOIN CHANMUL_PC_LIBS_PRIVATE " " CHANMUL_PC_LIBS_PRIVATE)
list(JOIN CHANMUL_PC_REQUIRES_PRIVATE " " CHANMUL_PC_REQUIRES_PRIVATE)

# ---- install rules -----------------------------------------------------------------
install(TARGETS chanmul chanmul_shared EXPORT chanmulTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
          NAMELINK_COMPONENT development)
install(FILES ${PROJECT_SOURCE_DIR}/include/chanmul.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
# The command line (defined after this file is included): installed, not exported.
function(chanmul_install_cli)
  if(TARGET chanmul_cli)
    install(TARGETS chanmul_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
  endif()
endfunction()
cmake_language(DEFER CALL chanmul_install_cli)

install(EXPORT chanmulTargets NAMESPACE chanmul::
  DESTINATION ${CHANMUL_INSTALL_CMAKEDIR} COMPONENT development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/chanmulConfig.cmake.in
  ${PROJECT_BINARY_DIR}/install/chanmulConfig.cmake
  INSTALL_DESTINATION ${CHANMUL_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/install/chanmulConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install/chanmulConfig.cmake
              ${PROJECT_BINARY_DIR}/install/chanmulConfigVersion.cmake
  DESTINATION ${CHANMUL_INSTALL_CMAKEDIR} COMPONENT development)

# chanmul.pc names the prefix the files are installed under, known only when
# installing (cmake --install --prefix P): configured here except for the
# prefix, finished by the install step.
set(CHANMUL_PC_PREFIX "@CHANMUL_PC_PREFIX@")
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(CHANMUL_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(CHANMUL_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/chanmul.pc.in ${PROJECT_BINARY_DIR}/install/chanmul.pc.in @ONLY)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(pc_destination "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
else()
  set(pc_destination "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endif()
install(CODE "
  set(CHANMUL_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${PROJECT_BINARY_DIR}/install/chanmul.pc.in\" \"${PROJECT_BINARY_DIR}/install/chanmul.pc\" @ONLY)
  file(INSTALL DESTINATION \"${pc_destination}\" TYPE FILE FILES \"${PROJECT_BINARY_DIR}/install/chanmul.pc\")
" COMPONENT development)
