#!/usr/bin/env bash
# check_restart.sh KAIROS MPIEXEC REPO
# kairos check-restart: catches a member left out of serialize() and names
# the actor, class, tick, probe and the state that differ; passes the
# shipped models restarted on other rank counts; refuses bad input with
# exit 2. Real runs throughout, compared by the command itself.
set -euo pipefail
kairos=$1 mpiexec=$2 repo=$3
scenario=$repo/tests/cli/scenarios/forgetful.toml
launcher="$mpiexec -n {ranks}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

expect_line() {  # FILE TEXT: TEXT must appear in FILE as written
  grep -qF -- "$2" "$1" || { echo "missing from the output: $2"; cat "$1"; exit 1; }
}

# 1. The deliberate bug is found, and the message names what a model writer
#    needs: the earliest differing sample and the first differing actor.
set +e
"$kairos" check-restart "$scenario" --at 20 --work "$work/forgetful" >"$work/forgetful.txt" 2>&1
status=$?
set -e
[ "$status" -eq 1 ] || { echo "a forgotten member gave exit $status, not 1"; cat "$work/forgetful.txt"; exit 1; }
expect_line "$work/forgetful.txt" "restart from ckpt-000000000020-g0 on 1 rank(s): DIFFERS from the uninterrupted run"
expect_line "$work/forgetful.txt" "the earliest difference: probe forgetful, tick 20, actor 0 (class test.forgetful): curve count is 4 uninterrupted, 1 after the restart"
expect_line "$work/forgetful.txt" "final states: 4 of 4 actor(s) differ (test.forgetful 4); the first: actor 0 (class test.forgetful) at the end of the run: its saved state differs from byte 17"
expect_line "$work/forgetful.txt" "run with checkpoints at tick(s) 20: identical to the uninterrupted run"
expect_line "$work/forgetful.txt" "member left out of serialize()"
[ -f "$work/forgetful/restart-ckpt-000000000020-g0/results.h5" ] || { echo "the failed check's runs were not kept"; exit 1; }

# 2. The same model with the member saved passes, on other rank counts too;
#    the default work directory is removed once everything passed.
"$kairos" check-restart "$scenario" --set actors.0.params.forget=false --ranks 2 --ranks-after 3 \
  --launcher "$launcher" >"$work/fixed.txt"
expect_line "$work/fixed.txt" "PASS: every restart reproduces the uninterrupted run exactly (2 checkpoint(s))"
expect_line "$work/fixed.txt" "on 3 rank(s): identical to the uninterrupted run"
kept=$(sed -n 's/^kairos check-restart: runs in //p' "$work/fixed.txt")
[ ! -e "$kept" ] || { echo "$kept: the work directory of a passed check was left behind"; exit 1; }

# 3. The shipped models restart exactly, across rank counts.
"$kairos" check-restart "$repo/scenarios/life.toml" --set simulation.stop_tick=300 --ranks-after 3 \
  --launcher "$launcher" | tee "$work/life.txt"
expect_line "$work/life.txt" "PASS"
"$kairos" check-restart "$repo/scenarios/soda-deterministic.toml" --ranks 2 --ranks-after 1 --at 1000 --at 30000 \
  --launcher "$launcher" | tee "$work/soda.txt"
expect_line "$work/soda.txt" "PASS"
"$kairos" check-restart "$repo/scenarios/phold.toml" --set phold.end=40 --set phold.lps=256 --ranks 3 --ranks-after 2 \
  --threads 2 --launcher "$launcher" | tee "$work/phold.txt"
expect_line "$work/phold.txt" "PASS"
# Shards of several blocks: 300000 actors (three blocks of 2^17 rows) and
# their agenda entries, streamed into the shard block by block.
"$kairos" check-restart "$repo/scenarios/phold.toml" --set phold.lps=300000 --set phold.end=2.0 --at 100 \
  --ranks-after 2 --threads 2 --launcher "$launcher" | tee "$work/phold-blocks.txt"
expect_line "$work/phold-blocks.txt" "PASS"

# 4. Bad input: exit 2 and a line saying what is wrong.
expect_usage() {  # TEXT COMMAND...
  local text=$1; shift
  set +e; "$@" >"$work/usage.txt" 2>&1; local got=$?; set -e
  [ "$got" -eq 2 ] || { echo "exit $got, not 2, for: $*"; cat "$work/usage.txt"; exit 1; }
  expect_line "$work/usage.txt" "$text"
}
expect_usage "has no {ranks}" "$kairos" check-restart "$scenario" --ranks 2 --launcher "$mpiexec -n 2"
expect_usage "must name a new or empty directory" "$kairos" check-restart "$scenario" --work "$work/forgetful"
expect_usage "run it without mpirun" "$mpiexec" -n 1 "$kairos" check-restart "$scenario"
expect_usage "none of the --at ticks (500)" "$kairos" check-restart "$scenario" --at 500 --work "$work/late"
echo "check-restart: a forgotten member is named; the shipped models pass; bad input refused"
