#!/usr/bin/env bash
# start_rules.sh KAIROS MPIEXEC SCENARIO
# When kairos starts MPI, and the output lock that keeps two runs (or two
# processes an unrecognised launcher started) from writing one directory.
set -euo pipefail
kairos=$1 mpiexec=$2 scenario=$3
work=$(mktemp -d)
first=
trap '[ -n "$first" ] && kill -9 "$first" 2>/dev/null; rm -rf "$work"' EXIT
digest() { sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p'; }

# 1. A second run into an output directory in use stops with exit 2, names
#    the holder and writes nothing; the first run is not disturbed.
"$kairos" run "$scenario" --set phold.end=100000000 --output "$work/shared" >/dev/null 2>&1 &
first=$!
for _ in $(seq 100); do [ -s "$work/shared/.kairos.lock" ] && break; sleep 0.1; done
[ -s "$work/shared/.kairos.lock" ] || { echo "the first run never took the output lock"; exit 1; }
set +e
"$mpiexec" -n 2 ${KAIROS_MPIEXEC_PREFLAGS:-} "$kairos" run "$scenario" --output "$work/shared" >"$work/second.txt" 2>&1
status=$?
set -e
[ "$status" -ne 0 ] || { echo "a second run into a directory in use was not refused"; exit 1; }
grep -q "another kairos process (pid $first on " "$work/second.txt" || { cat "$work/second.txt"; exit 1; }
[ ! -e "$work/shared/results.h5" ] || { echo "the refused run wrote results"; exit 1; }
kill -0 "$first" || { echo "the first run did not survive the second's refusal"; exit 1; }
kill -9 "$first"; first=

# 2. The lock goes with its process: a run into the same directory now works,
#    and --mpi on gives a one-process run (MPI as a singleton) the same digest.
plain=$("$kairos" run "$scenario" --output "$work/shared" | digest)
forced=$("$kairos" run "$scenario" --mpi on --output "$work/on" | digest)
[ -n "$plain" ] && [ "$plain" = "$forced" ] || { echo "--mpi on: $forced, plain: $plain"; exit 1; }

# 3. --mpi off under a launcher of several processes is refused, once.
set +e
"$mpiexec" -n 2 ${KAIROS_MPIEXEC_PREFLAGS:-} "$kairos" run "$scenario" --mpi off --output "$work/off" >"$work/off.txt" 2>&1
status=$?
set -e
[ "$status" -ne 0 ] || { echo "--mpi off ran under a launcher of 2 processes"; exit 1; }
[ "$(grep -c "kairos: error: --mpi off, but this process is rank 0 of 2" "$work/off.txt")" = 1 ] ||
  { cat "$work/off.txt"; exit 1; }
echo "output lock and --mpi behave; digest $plain"
