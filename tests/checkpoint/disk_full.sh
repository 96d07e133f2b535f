#!/usr/bin/env bash
# disk_full.sh KAIROS
#
# A real full disk (a 160 KiB tmpfs): the first checkpoint fits, the next ones
# do not. Each failed one is abandoned with a warning naming the file and
# "No space left on device", no temporary is left, the run finishes with the
# digest of a run without checkpoints, and a restart from the checkpoint that
# fitted reaches that digest too. Needs permission to mount a tmpfs; reports
# "skipped" (status 77) where there is none.
set -euo pipefail
kairos=$1
here=$(cd "$(dirname "$0")" && pwd)
scenario=$here/../../scenarios/phold.toml
sets=(--set phold.end=60 --set phold.lps=16384)
work=$(mktemp -d)
disk=$work/disk
mkdir -p "$disk"
if ! mount -t tmpfs -o size=160k tmpfs "$disk" 2>/dev/null; then
  echo "skipped: cannot mount a tmpfs here"
  rm -rf "$work"
  exit 77
fi
trap 'umount "$disk"; rm -rf "$work"' EXIT
digest() { sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p' | tail -n 1; }

expected=$("$kairos" run "$scenario" "${sets[@]}" --output "$work/ref" | digest)
"$kairos" run "$scenario" "${sets[@]}" --output "$work/run" --checkpoint-every 1500 \
  --checkpoint-dir "$disk/node{node}" >"$work/out" 2>"$work/err"
got=$(digest <"$work/out")
grep -q "ckpt-000000001500-g0 committed" "$work/err"
grep -q "checkpoint ckpt-000000003000-g0 abandoned: .*No space left on device" "$work/err"
[ "$got" = "$expected" ]
echo "ok: full disk: later checkpoints abandoned with the system's error, the run finished with the same digest"
[ -z "$(find "$disk" -name '*.tmp')" ] && [ ! -e "$disk/node0/ckpt-000000003000-g0" ]
echo "ok: no temporary or partial checkpoint left on the full disk"
got=$("$kairos" restart "$disk" --output "$work/restart" 2>"$work/err2" | digest)
grep -q "restarting from ckpt-000000001500-g0" "$work/err2"
[ "$got" = "$expected" ]
echo "ok: restart from the checkpoint that fitted: same digest"
