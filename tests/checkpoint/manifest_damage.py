#!/usr/bin/python3
"""A checkpoint's manifest is verified, never trusted: a damaged copy, one
that describes an impossible or incomplete checkpoint (even under a valid
checksum), or a directory where a file should be, is passed over like a
damaged shard copy. The restart then uses another node's copy or an older
checkpoint and ends with the uninterrupted run's digest, or exits 4 naming
what is wrong; never another digest, never a crash.

    manifest_damage.py KAIROS MPIEXEC
"""
import glob
import os
import shutil
import sys

from harness import (Kairos, PHOLD, check, digest, phold, read_manifest, reference, restarted_from, scratch,
                     write_manifest)

NEWER, OLDER = "ckpt-000000004000-g0", "ckpt-000000002000-g0"


def main():
    kairos, mpiexec = sys.argv[1:3]
    k = Kairos(kairos, mpiexec)
    sets = phold(60)
    with scratch() as tmp:
        expected = reference(k, PHOLD, sets, f"{tmp}/ref")
        # Two ranks on two (virtual) nodes, one replica: each checkpoint has
        # a manifest on each node and two copies of each shard.
        pristine = f"{tmp}/run/checkpoints"
        k.run(2, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-every", "2000", "--ranks-per-node", "1",
                  "--replicas", "1", "--checkpoint-retention", "5"])
        trial = [0]

        def damaged(change):
            """A copy of the store with `change(store)` applied."""
            trial[0] += 1
            store = f"{tmp}/trial{trial[0]}"
            shutil.copytree(pristine, store)
            change(store)
            return store

        def restart(store, ranks=2, extra=()):
            out = f"{store}-out"
            return k.run(ranks, ["restart", store, "--output", out, "--checkpoint-dir", f"{out}/checkpoints", *extra],
                         check=False)

        def recovers(store, want_from, what, reason="", extra=()):
            """The restart ends with the uninterrupted digest, from `want_from`,
            and names `reason` (why a newer checkpoint was passed over)."""
            r = restart(store, extra=extra)
            check(r.returncode == 0 and digest(r) == expected and restarted_from(r) == want_from and reason in r.stderr,
                  f"{what}: restarted from {restarted_from(r)} (exit {r.returncode}), the uninterrupted digest"
                  + (f", '{reason}' named" if reason else ""))

        def manifest(store, node, name=NEWER):
            return f"{store}/node{node}/{name}/manifest.json"

        def edit(path, change, sign):
            m = read_manifest(path)
            change(m)
            write_manifest(path, m, sign=sign)

        def edit_every(store, change, sign=True, name=NEWER):
            for node in (0, 1):
                edit(manifest(store, node, name), change, sign)

        def renumber(m):
            m["shards"][0]["shard"] = 1

        # The harness signs manifests as the engine does: an unchanged,
        # re-signed manifest is accepted.
        recovers(damaged(lambda s: edit_every(s, lambda m: None)), NEWER, "re-signed, unchanged manifests")

        # 1. An out-of-range or repeated shard index, in one copy: that copy
        # is passed over, with or without a matching checksum.
        for sign in (False, True):
            recovers(damaged(lambda s: edit(manifest(s, 0), renumber, sign)), NEWER,
                     f"one copy renumbers shard 0 as 1 ({'re-signed' if sign else 'checksum left'})")

        def out_of_range(m):
            m["shards"][1]["shard"] = 7

        recovers(damaged(lambda s: edit(manifest(s, 1), out_of_range, True)), NEWER,
                 "one copy names shard 7 of 2, re-signed")
        recovers(damaged(lambda s: edit_every(s, out_of_range)), OLDER,
                 "every copy names shard 7 of 2: the older checkpoint is used, the reason named",
                 reason="shard index 7 out of range")

        # 2. One changed character of the stored scenario: a checksum
        # mismatch, in one copy (the other serves) or in both (the older
        # checkpoint serves); never a scenario error blamed on a good file.
        def seed_digit(m):
            m["scenario"] = m["scenario"].replace("seed = ", "seed = 9", 1)

        recovers(damaged(lambda s: edit(manifest(s, 0), seed_digit, False)), NEWER, "one copy's scenario text changed")
        recovers(damaged(lambda s: edit_every(s, seed_digit, sign=False)), OLDER,
                 "both copies' scenario text changed: checksum mismatch named, the older checkpoint used",
                 reason="manifest checksum mismatch")
        # Re-signed, the changed scenario no longer matches its own hash.
        recovers(damaged(lambda s: edit_every(s, seed_digit)), OLDER,
                 "scenario text changed under a valid checksum: refused during the search, the older checkpoint used",
                 reason="stored scenario hashes to")

        def checksum_digit(m):
            old = m["shards"][0]["xxh3"]
            m["shards"][0]["xxh3"] = ("1" if old[0] != "1" else "2") + old[1:]

        recovers(damaged(lambda s: edit(manifest(s, 1), checksum_digit, False)), NEWER,
                 "one copy's shard checksum digit changed")
        # Two valid manifest versions disagree: the one whose shards verify wins.
        recovers(damaged(lambda s: edit(manifest(s, 1), checksum_digit, True)), NEWER,
                 "one copy re-signed with a wrong shard checksum (the copies disagree)")

        # 3. Fewer shards than ranks: incomplete, never loaded.
        def drop_last(m):
            m["shards"].pop()

        def drop_all(m):
            m["shards"] = []

        for change, what in ((drop_last, "the last shard entry"), (drop_all, "every shard entry")):
            recovers(damaged(lambda s: edit_every(s, change)), OLDER,
                     f"{what} dropped from every copy (re-signed): incomplete, the older checkpoint used",
                     reason="for a run of 2 rank(s): incomplete")

        def one_rank(m):
            m["shards"].pop()
            m["shards"][0]["copies"] = [c for c in m["shards"][0]["copies"] if c["holder"] == 0]
            m["ranks"] = 1
            m["nodes"] = 1

        recovers(damaged(lambda s: edit_every(s, one_rank)), OLDER,
                 "a manifest rewritten as a 1-rank run: the shards' own count disagrees, the older checkpoint used",
                 reason="one of 2 shard(s), the manifest says 1")

        # Numbers of the wrong kind, under a valid checksum: refused, never
        # converted blindly.
        def huge_float(m):
            m["ranks"] = 1e300
            m["shards"][0]["copies"][0]["holder"] = 0.5

        recovers(damaged(lambda s: edit_every(s, huge_float)), OLDER,
                 "a float where an integer belongs (re-signed): refused, the older checkpoint used",
                 reason="field 'ranks' is not an integer")

        # Every checkpoint's every manifest damaged: exit 4 naming each.
        r = restart(damaged(lambda s: [edit_every(s, drop_last, name=n) for n in (NEWER, OLDER)]))
        check(r.returncode == 4 and f"{NEWER}: no intact manifest" in r.stderr and f"{OLDER}: no intact manifest"
              in r.stderr, f"no intact manifest anywhere: exit {r.returncode}, each checkpoint named")

        # 4. Directories where files should be.
        def dir_for_manifest(s):
            os.remove(manifest(s, 0))
            os.mkdir(manifest(s, 0))

        def dir_for_shard(s):
            for f in glob.glob(f"{s}/node*/{NEWER}/shard-00001-on-*.h5"):
                os.remove(f)
                os.mkdir(f)

        store = damaged(dir_for_manifest)
        recovers(store, NEWER, "a directory in place of one manifest.json")
        r = k.run(0, ["inspect", store], check=False)
        check(r.returncode == 0 and "not a regular file" in r.stdout, "inspect names the directory, no crash")
        store = damaged(dir_for_shard)
        recovers(store, OLDER,
                 "directories in place of every copy of shard 1: named, the older checkpoint used",
                 reason="not a regular file")
        r = k.run(0, ["inspect", store], check=False)
        check(r.returncode == 0 and "NOT usable" in r.stdout, "inspect says the newer checkpoint is not usable")

        # 6. inspect verifies a shard copy before HDF5 reads it.
        store = damaged(lambda s: None)
        shard = f"{store}/node0/{NEWER}/shard-00000-on-00000.h5"
        r = k.run(0, ["inspect", shard], check=False)
        check(r.returncode == 0 and "verified against" in r.stdout, "inspect verifies an intact shard")
        with open(shard, "r+b") as f:
            f.seek(os.path.getsize(shard) // 2)
            b = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([b[0] ^ 0x10]))
        r = k.run(0, ["inspect", shard], check=False)
        check(r.returncode == 4 and "checksum mismatch" in r.stderr, "inspect refuses a damaged shard: exit 4")
        os.remove(f"{store}/node0/{NEWER}/manifest.json")
        r = k.run(0, ["inspect", shard], check=False)
        check(r.returncode == 4 and "cannot be verified" in r.stderr, "inspect refuses a shard it cannot verify")

        # 10. A chosen checkpoint, by name or by its folder.
        store = damaged(lambda s: None)
        recovers(store, OLDER, "--checkpoint OLDER", extra=["--checkpoint", OLDER])
        recovers(f"{store}/node1/{OLDER}", OLDER, "a checkpoint's folder given (its copies on every node found)")
        r = restart(store, extra=["--checkpoint", "ckpt-000000009999-g0"])
        check(r.returncode == 4 and "no committed checkpoint ckpt-000000009999-g0" in r.stderr,
              "--checkpoint naming no checkpoint: exit 4, named")
        r = restart(damaged(lambda s: edit_every(s, drop_last, name=OLDER)), extra=["--checkpoint", OLDER])
        check(r.returncode == 4 and "incomplete" in r.stderr, "--checkpoint naming a damaged one: exit 4, no fallback")


main()
