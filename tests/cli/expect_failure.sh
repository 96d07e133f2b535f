#!/usr/bin/env bash
# expect_failure.sh EXIT_CODE REGEX -- COMMAND...
# Passes when COMMAND exits with EXIT_CODE and its stderr matches REGEX.
set -u
want=$1 pattern=$2
shift 3
err=$("$@" 2>&1 >/dev/null)
got=$?
if [ "$got" -ne "$want" ]; then
  echo "expected exit $want, got $got; stderr: $err" >&2
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$err"; then
  echo "stderr does not match /$pattern/: $err" >&2
  exit 1
fi
echo "ok: exit $got, $err"
