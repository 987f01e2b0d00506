#!/bin/sh
# The TypeScript client's runner (protocol: docs/conformance.md), from the repository
# root: the compiled answers and journey entry points. Other commands: not supported yet.
OUT=build/typescript/tests
case "$1" in
  answers) exec node "$OUT/typescript/conformance.js" "$@" ;;
  journey) exec node "$OUT/conformance/typescript/journey.js" "$@" ;;
  *) echo "typescript runner: $1 is not supported yet" >&2; exit 2 ;;
esac
