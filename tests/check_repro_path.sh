#!/bin/sh
# check_repro_path.sh: a plugin named by a relative path with spaces and a
# quote in it still gets a repro line that works: the path is made absolute
# (realpath at load time) and shell-quoted. Copies the plugin into such a
# folder, runs check_repro.sh --exact on it from the folder's parent with the
# relative path, and checks that the repro line names it as a quoted absolute
# path ('/...').
#
# usage: check_repro_path.sh CHANMUL_BINARY PLUGIN.so
set -u
[ $# -eq 2 ] || { echo "usage: check_repro_path.sh CHANMUL PLUGIN.so" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
plugin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_repro_path.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
odd="it's a dir \$HOME"
mkdir "$tmp/$odd" || exit 2
cp "$plugin" "$tmp/$odd/the plugin.so" || exit 2
cd "$tmp" || exit 2

args="--plugin|$odd/the plugin.so|--shape|1x1x1x17|--layout|nhwc|--data|smallint"
out=$(IFS='|'; set -f; sh "$here/check_repro.sh" --exact "$bin" -- $args)
rc=$?
echo "$out"
[ "$rc" -eq 0 ] || { echo "FAILED: check_repro.sh exited $rc"; exit 1; }

# The repro line itself, once more, for the absolute quoted path.
"$bin" verify --plugin "$odd/the plugin.so" --shape 1x1x1x17 --layout nhwc --data smallint \
    >"$tmp/out" 2>&1 </dev/null
line=$(grep -m 1 '^  repro: ' "$tmp/out")
echo "repro line: $line"
case $line in
*"chanmul verify --plugin '/"*"/it'\\''s a dir \$HOME/the plugin.so' --shape "*) ;;
*)
    echo "FAILED: the repro line does not name the plugin by its quoted absolute path"
    exit 1
    ;;
esac
echo "ok"
exit 0
