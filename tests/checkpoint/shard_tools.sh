#!/usr/bin/env bash
# shard_tools.sh KAIROS HDF5_PLUGIN_DIR
#
# Checkpoint shards are ordinary HDF5: h5dump reads their structure as is,
# and with the engine's Zstd filter plugin on HDF5_PLUGIN_PATH it dumps the
# compressed datasets too, as h5py does; `kairos inspect` describes them.
set -euo pipefail
kairos=$1 plugins=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$kairos" run "$here/../../scenarios/soda-deterministic.toml" --output "$out" --checkpoint-at 20000 >/dev/null 2>&1
shard=$(ls "$out"/checkpoints/node0/ckpt-*/shard-00000-on-00000.h5)

h5dump -H "$shard" >/dev/null
echo "ok: h5dump reads the structure without any plugin"
HDF5_PLUGIN_PATH=$plugins h5dump "$shard" >"$out/dump.txt"
grep -q 'DATASET "state"' "$out/dump.txt"
echo "ok: h5dump with the Zstd plugin dumps every dataset (exit 0)"
HDF5_PLUGIN_PATH=$plugins /usr/bin/python3 - "$shard" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    state = f["actors/state"]
    assert "32015" in state._filters, state._filters
    assert len(state[:]) == int(sum(f["actors/state_size"][:])), "decompressed size differs from the table"
    assert f.attrs["format"] == b"kairos-checkpoint" or f.attrs["format"] == "kairos-checkpoint"
print("ok: h5py decompresses the states with the plugin (filter 32015)")
PY
"$kairos" inspect "$shard" | grep -q "soda.customer: 3"
echo "ok: kairos inspect lists the shard's actors by class"
"$kairos" inspect "$out/checkpoints" | grep -q "=> usable"
echo "ok: kairos inspect on the directory reports the checkpoint usable"
