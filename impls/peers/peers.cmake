# Peers: other libraries behind chanmul's kernel signature, verified and timed
# beside chanmul's own kernels. Included by the top-level CMakeLists.txt after
# the targets chanmul_objects, chanmul and chanmul_shared exist.
#
# Design. Every peer has a registry row whatever the build found, so its two
# symbols, chanmul_scale_peer_<name> and chanmul_available_<name>, always exist:
#  - library found: the peer's own source defines them and the library is
#    linked into chanmul_objects (for compiling), chanmul (PUBLIC: users of the
#    static library need it at link time) and chanmul_shared (PRIVATE: the
#    shared library carries its own dependencies);
#  - library missing: a stub generated from impls/peer_unavailable.c.in
#    defines them instead: available -> 0 with the reason (shown by
#    `chanmul list`, the verifier and the report), kernel -> CHANMUL_EPEER.
# So no source file holds an #if, the registry has no conditional rows, and a
# missing library never breaks the build. impls/registry.c also gets
# CHANMUL_HAVE_<PEER>=0|1, for anything that reports the build configuration.
#
# CHANMUL_WITH_<PEER>=OFF leaves a peer out even when its library is present.

# A ThreadSanitizer build (CHANMUL_TSAN) leaves oneDNN and XNNPACK out by
# default: their binaries are not instrumented (TSan would see their threads'
# accesses without their synchronisation), and Debian's oneDNN brings gcc's
# libgomp, a second OpenMP runtime beside the LLVM one that build uses.
# (Eigen is headers, compiled instrumented with the rest, and single-threaded.)
if(CHANMUL_TSAN)
  set(chanmul_peer_binary_default OFF)
else()
  set(chanmul_peer_binary_default ON)
endif()
option(CHANMUL_WITH_ONEDNN "Build the oneDNN peer (needs libdnnl-dev)" ${chanmul_peer_binary_default})
option(CHANMUL_WITH_XNNPACK "Build the XNNPACK peer (needs libxnnpack-dev, libpthreadpool-dev)" ${chanmul_peer_binary_default})
option(CHANMUL_WITH_EIGEN "Build the Eigen peer (needs libeigen3-dev)" ON)

# chanmul_peer(<name> <MACRO> <found> <source> <reason-if-missing> [libraries...])
# A peer switched off with -DCHANMUL_WITH_<MACRO>=OFF is never found, whatever
# its block below found (the blocks skip their search when it is off).
function(chanmul_peer name macro found source reason)
  if(NOT CHANMUL_WITH_${macro})
    set(found FALSE)
    if(CHANMUL_TSAN AND macro MATCHES "^(ONEDNN|XNNPACK)$")
      set(reason "not built: off in a ThreadSanitizer build (CHANMUL_TSAN) unless -DCHANMUL_WITH_${macro}=ON")
    else()
      set(reason "not built: disabled with -DCHANMUL_WITH_${macro}=OFF")
    endif()
  endif()
  if(found)
    target_sources(chanmul_objects PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${source})
    target_link_libraries(chanmul_objects PUBLIC ${ARGN})
    target_link_libraries(chanmul PUBLIC ${ARGN})
    target_link_libraries(chanmul_shared PRIVATE ${ARGN})
    set(have 1)
    message(STATUS "chanmul peer ${name}: built (${source})")
  else()
    set(PEER ${name})
    set(REASON "${reason}")
    # One stub per op of the peer's registry row. The stub follows the row, so
    # editing registry.inc must re-run cmake: otherwise a build dir configured
    # before an op was added to the row keeps the old stub and the link fails
    # on the new kernel's missing symbol (tests/ declares the same dependency,
    # but only when the tests are built).
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 ${CMAKE_CURRENT_LIST_DIR}/../registry.inc)
    file(READ ${CMAKE_CURRENT_LIST_DIR}/../registry.inc registry_text)
    string(REGEX MATCH "CHANMUL_IMPL\\(${name}, *PEER, *\\(([a-z0-9_, ]+)\\)" row "${registry_text}")
    string(REPLACE "," ";" peer_ops "${CMAKE_MATCH_1}")
    set(PEER_STUBS "")
    foreach(op IN LISTS peer_ops)
      string(STRIP "${op}" op)
      string(APPEND PEER_STUBS "CHANMUL_PEER_STUB(${name}, ${op})\n")
    endforeach()
    set(stub ${CMAKE_CURRENT_BINARY_DIR}/peer_unavailable_${name}.c)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/peer_unavailable.c.in ${stub} @ONLY)
    target_sources(chanmul_objects PRIVATE ${stub})
    set(have 0)
    message(STATUS "chanmul peer ${name}: ${reason}")
  endif()
  set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/../core/registry.c APPEND PROPERTY
               COMPILE_DEFINITIONS CHANMUL_HAVE_${macro}=${have})
endfunction()

# chanmul_import_library(<target> <include dirs> <libraries>): an imported
# interface target for a library found by hand (no CMake package).
function(chanmul_import_library target includes libraries)
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${includes}"
    INTERFACE_LINK_LIBRARIES "${libraries}")
endfunction()

# ---- oneDNN ----------------------------------------------------------------------
# Found by header and library rather than find_package(dnnl): Debian's dnnl
# package config runs find_package(OpenCL REQUIRED) (its GPU runtime is OpenCL),
# which would abort the whole configure on a machine without OpenCL headers.
# The CPU peer needs neither OpenCL headers nor an OpenCL link line.
set(onednn_found FALSE)
set(onednn_reason "")
if(CHANMUL_WITH_ONEDNN)
  find_path(CHANMUL_DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.h)
  find_library(CHANMUL_DNNL_LIBRARY dnnl)
  set(onednn_reason "not built: libdnnl-dev (oneDNN) was not found at configure time; install it and re-run cmake")
  if(CHANMUL_DNNL_INCLUDE_DIR AND CHANMUL_DNNL_LIBRARY)
    file(STRINGS ${CHANMUL_DNNL_INCLUDE_DIR}/oneapi/dnnl/dnnl_version.h dnnl_major
         REGEX "^#define DNNL_VERSION_MAJOR [0-9]+")
    string(REGEX REPLACE ".* ([0-9]+)$" "\\1" dnnl_major "${dnnl_major}")
    if(dnnl_major EQUAL 2)
      set(onednn_found TRUE)
      chanmul_import_library(chanmul::dnnl "${CHANMUL_DNNL_INCLUDE_DIR}" "${CHANMUL_DNNL_LIBRARY}")
    else()
      set(onednn_reason "not built: found oneDNN ${dnnl_major}.x; the peer uses the oneDNN 2.x C API (dnnl_binary_desc_init)")
    endif()
  endif()
endif()
chanmul_peer(onednn ONEDNN "${onednn_found}" peer_onednn.c "${onednn_reason}" chanmul::dnnl)

# ---- XNNPACK ---------------------------------------------------------------------
# No CMake package. xnnpack.h includes pthreadpool.h, which Debian ships in
# libpthreadpool-dev, a package libxnnpack-dev does not depend on.
set(xnnpack_found FALSE)
set(xnnpack_reason "")
if(CHANMUL_WITH_XNNPACK)
  find_path(CHANMUL_XNNPACK_INCLUDE_DIR xnnpack.h)
  find_library(CHANMUL_XNNPACK_LIBRARY XNNPACK)
  find_path(CHANMUL_PTHREADPOOL_INCLUDE_DIR pthreadpool.h)
  find_library(CHANMUL_PTHREADPOOL_LIBRARY pthreadpool)
  if(NOT CHANMUL_XNNPACK_INCLUDE_DIR OR NOT CHANMUL_XNNPACK_LIBRARY)
    set(xnnpack_reason "not built: libxnnpack-dev (XNNPACK) was not found at configure time; install it and re-run cmake")
  elseif(NOT CHANMUL_PTHREADPOOL_INCLUDE_DIR OR NOT CHANMUL_PTHREADPOOL_LIBRARY)
    set(xnnpack_reason "not built: libpthreadpool-dev (pthreadpool.h, needed by xnnpack.h) was not found at configure time; install it and re-run cmake")
  else()
    set(xnnpack_found TRUE)
    chanmul_import_library(chanmul::xnnpack
      "${CHANMUL_XNNPACK_INCLUDE_DIR};${CHANMUL_PTHREADPOOL_INCLUDE_DIR}"
      "${CHANMUL_XNNPACK_LIBRARY};${CHANMUL_PTHREADPOOL_LIBRARY}")
  endif()
endif()
chanmul_peer(xnnpack XNNPACK "${xnnpack_found}" peer_xnnpack.c "${xnnpack_reason}" chanmul::xnnpack)

# ---- Eigen -----------------------------------------------------------------------
set(eigen_found FALSE)
set(eigen_reason "")
if(CHANMUL_WITH_EIGEN)
  find_package(Eigen3 3.3 CONFIG QUIET)
  set(eigen_found ${Eigen3_FOUND})
  set(eigen_reason "not built: libeigen3-dev (Eigen 3.3 or later) was not found at configure time; install it and re-run cmake")
endif()
chanmul_peer(eigen EIGEN "${eigen_found}" peer_eigen.cc "${eigen_reason}" Eigen3::Eigen)
