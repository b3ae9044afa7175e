#!/bin/sh
# check_readme_snippet.sh: README.md must show the example plugin verbatim, so
# the example users copy is the one the tests build and verify.
# Passes when one fenced code block (``` or ~~~) of README holds exactly the
# text of EXAMPLE.
#
# usage: check_readme_snippet.sh README.md tests/plugins/example_scale.c
set -u
[ $# -eq 2 ] || { echo "usage: check_readme_snippet.sh README EXAMPLE" >&2; exit 2; }
readme=$1
example=$2
[ -r "$example" ] || { echo "FAILED: cannot read $example"; exit 1; }
[ -r "$readme" ] || { echo "FAILED: cannot read $readme (paste $example into it in a fenced code block)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/readme_snippet.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

# Each fenced block's contents (without the fence lines) into its own file.
awk -v dir="$tmp" '
    !inside && match($0, /^ ? ? ?(```+|~~~+)/) {
        s = substr($0, RSTART, RLENGTH); sub(/^ */, "", s)
        fence = s; inside = 1; blocks++
        file = dir "/block." blocks; printf "" > file
        next
    }
    inside {
        line = $0; sub(/^ */, "", line); sub(/[ \t]*$/, "", line)
        if (substr(line, 1, length(fence)) == fence && line ~ /^(`+|~+)$/ &&
            substr(line, 1, 1) == substr(fence, 1, 1)) {
            close(file); inside = 0; next
        }
        print $0 > file
    }
' "$readme"

for block in "$tmp"/block.*; do
    [ -f "$block" ] || continue
    if cmp -s "$block" "$example"; then
        echo "ok: $readme shows $example verbatim"
        exit 0
    fi
done
echo "FAILED: no fenced code block in $readme holds $example verbatim."
echo "Paste the whole file between a \`\`\`c line and a \`\`\` line."
exit 1
