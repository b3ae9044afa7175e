#!/bin/sh
# check_install.sh: a build installs, and the installed library is found and
# used the usual ways. Installs BUILD_DIR into a fresh temporary prefix with
# `cmake --install`, then
#   install   the files are where they belong (header, libraries, SONAME, package, .pc)
#   (a) cmake     tests/install, a standalone project (find_package(chanmul)),
#                 configured with -DCMAKE_PREFIX_PATH=<prefix>, built and run
#                 (chanmul::chanmul, and chanmul::chanmul_static)
#   (b) pkg-config  example_auto.c built with cc $(pkg-config --cflags --libs chanmul), run
#   (c) static    example_auto.c linked with libchanmul.a and pkg-config --static --libs, run
#   (d) readme    README.md shows tests/install/example_auto.c verbatim
# Each step says what it runs; a failed step is named. Exit 0 when all pass, else 1
# (2: usage).
#
# usage: check_install.sh SOURCE_DIR BUILD_DIR
# (CMAKE, CC, PKG_CONFIG: the tools, default cmake, cc, pkg-config)
set -u
[ $# -eq 2 ] || { echo "usage: check_install.sh SOURCE_DIR BUILD_DIR" >&2; exit 2; }
src=$(cd "$1" && pwd) || { echo "check_install: no source dir $1" >&2; exit 2; }
build=$(cd "$2" && pwd) || { echo "check_install: no build dir $2" >&2; exit 2; }
cmake=${CMAKE:-cmake}
cc=${CC:-cc}
pkg_config=${PKG_CONFIG:-pkg-config}
example=$src/tests/install/example_auto.c

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
prefix=$tmp/prefix
failed=""

step() { echo; echo "== $*"; }
fail() { # fail STEP MESSAGE: the step failed, the next ones still run
    echo "FAILED [$1]: $2"
    case " $failed " in *" $1 "*) ;; *) failed="$failed $1" ;; esac
}
exec 3>&1
run() { echo "+ $*" >&3; "$@"; } # shows the command even when its output goes to a log
# needs_lib BINARY LIB: the dynamic section needs LIB (a soname prefix)
needs_lib() { readelf -d "$1" | grep -q "(NEEDED).*\[$2"; }

# ---- install -----------------------------------------------------------------------
step "install: cmake --install $build --prefix $prefix"
if ! run "$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    echo "FAILED [install]: cmake --install exited non-zero (is $build built?)"
    exit 1
fi
sed 's/^/  /' "$tmp/install.log"
lib=$prefix/lib
for f in include/chanmul.h lib/libchanmul.a lib/libchanmul.so \
         lib/cmake/chanmul/chanmulConfig.cmake lib/cmake/chanmul/chanmulConfigVersion.cmake \
         lib/cmake/chanmul/chanmulTargets.cmake lib/pkgconfig/chanmul.pc; do
    [ -e "$prefix/$f" ] || fail install "$f is not installed"
done
if [ -e "$lib/libchanmul.so" ]; then
    soname=$(readelf -d "$lib/libchanmul.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
    case $soname in
        libchanmul.so.0) echo "ok: libchanmul.so has SONAME $soname" ;;
        *) fail install "libchanmul.so's SONAME is '$soname', not libchanmul.so.0" ;;
    esac
fi
# The package exports the two libraries and nothing else.
if [ -e "$lib/cmake/chanmul/chanmulTargets.cmake" ]; then
    targets=$(sed -n 's/^add_library(\([^ ]*\) .*/\1/p' "$lib/cmake/chanmul/chanmulTargets.cmake" | sort | tr '\n' ' ')
    if [ "$targets" = "chanmul::chanmul chanmul::chanmul_static " ]; then
        echo "ok: the package exports $targets"
    else
        fail install "the package exports '$targets', not chanmul::chanmul and chanmul::chanmul_static"
    fi
fi
case $failed in *install*) echo; echo "check_install: FAILED:$failed"; exit 1 ;; esac

# ---- (a) find_package ------------------------------------------------------------------
step "(a) cmake: tests/install with find_package(chanmul), CMAKE_PREFIX_PATH=$prefix"
ex=$tmp/example_cmake
if ! run "$cmake" -S "$src/tests/install" -B "$ex" -DCMAKE_PREFIX_PATH="$prefix" \
        -DEXAMPLE_AUTO_STATIC=ON >"$tmp/a.log" 2>&1; then
    cat "$tmp/a.log"
    fail a "configuring tests/install failed: find_package(chanmul) with CMAKE_PREFIX_PATH=$prefix"
elif ! grep -q "^chanmul_DIR:PATH=$prefix/lib/cmake/chanmul$" "$ex/CMakeCache.txt"; then
    grep "^chanmul_DIR" "$ex/CMakeCache.txt"
    fail a "find_package(chanmul) found a package other than the one in $prefix"
elif ! run "$cmake" --build "$ex" >"$tmp/a.log" 2>&1; then
    cat "$tmp/a.log"
    fail a "building tests/install (example_auto, example_auto_static) failed"
else
    echo "+ LD_LIBRARY_PATH=$lib $ex/example_auto"
    if ! LD_LIBRARY_PATH=$lib "$ex/example_auto"; then
        fail a "example_auto (chanmul::chanmul) failed"
    elif ! LD_LIBRARY_PATH=$lib ldd "$ex/example_auto" | grep -q "libchanmul.so.0 => $lib/"; then
        fail a "example_auto does not use $lib/libchanmul.so.0"
    fi
    echo "+ $ex/example_auto_static"
    if needs_lib "$ex/example_auto_static" libchanmul; then
        fail a "example_auto_static (chanmul::chanmul_static) needs libchanmul.so"
    elif ! "$ex/example_auto_static"; then
        fail a "example_auto_static (chanmul::chanmul_static) failed"
    fi
fi

# ---- (b) pkg-config ------------------------------------------------------------------
step "(b) pkg-config: cc example_auto.c \$(pkg-config --cflags --libs chanmul), PKG_CONFIG_PATH=$lib/pkgconfig"
PKG_CONFIG_PATH=$lib/pkgconfig
export PKG_CONFIG_PATH
if ! flags=$("$pkg_config" --cflags --libs chanmul); then
    fail b "pkg-config --cflags --libs chanmul failed"
else
    # shellcheck disable=SC2086 # pkg-config's flags, split into words
    if ! run "$cc" -o "$tmp/example_pc" "$example" $flags; then
        fail b "cc example_auto.c $flags failed"
    else
        echo "+ LD_LIBRARY_PATH=$lib $tmp/example_pc"
        if ! LD_LIBRARY_PATH=$lib "$tmp/example_pc"; then
            fail b "example_auto built with pkg-config failed"
        elif ! LD_LIBRARY_PATH=$lib ldd "$tmp/example_pc" | grep -q "libchanmul.so.0 => $lib/"; then
            fail b "example_auto built with pkg-config does not use $lib/libchanmul.so.0"
        fi
    fi
fi

# ---- (c) the static library ------------------------------------------------------------
step "(c) static: cc example_auto.c with libchanmul.a (-Wl,-Bstatic -lchanmul -Wl,-Bdynamic) and pkg-config --static --libs"
# (the command README.md shows: pkg-config's -lchanmul made static, so the
# linker cannot take libchanmul.so instead)
if ! libs=$("$pkg_config" --static --libs chanmul) || ! cflags=$("$pkg_config" --cflags chanmul); then
    fail c "pkg-config --static --libs chanmul failed"
else
    static_libs=$(echo "$libs " | sed 's/-lchanmul /-Wl,-Bstatic -lchanmul -Wl,-Bdynamic /')
    # shellcheck disable=SC2086 # pkg-config's flags, split into words
    if ! echo "$static_libs" | grep -q -- "-Wl,-Bstatic -lchanmul -Wl,-Bdynamic"; then
        fail c "pkg-config --static --libs chanmul ($libs) has no -lchanmul"
    elif ! run "$cc" -o "$tmp/example_static" "$example" $cflags $static_libs; then
        fail c "linking example_auto.c with libchanmul.a and 'pkg-config --static --libs chanmul' ($libs) failed"
    elif needs_lib "$tmp/example_static" libchanmul; then
        fail c "the statically linked example still needs libchanmul.so"
    else
        echo "+ $tmp/example_static (no LD_LIBRARY_PATH)"
        if ! env -u LD_LIBRARY_PATH "$tmp/example_static"; then
            fail c "example_auto linked with libchanmul.a failed"
        fi
    fi
fi

# ---- (d) README --------------------------------------------------------------------------
step "(d) readme: README.md shows tests/install/example_auto.c verbatim"
if ! sh "$src/tests/check_readme_snippet.sh" "$src/README.md" "$example"; then
    fail d "README.md does not show tests/install/example_auto.c verbatim (section \"Using the library\")"
fi

echo
if [ -n "$failed" ]; then
    echo "check_install: FAILED:$failed"
    exit 1
fi
echo "check_install: ok (install, (a) cmake, (b) pkg-config, (c) static, (d) readme)"
exit 0
