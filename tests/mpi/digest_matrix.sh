#!/usr/bin/env bash
# digest_matrix.sh KAIROS MPIEXEC "NPS" "THREADS" COORDINATION SCENARIO [--set k=v ...] [-- HINT_SETS...]
#
# Runs SCENARIO once on one rank (no MPI) as the reference, then under
# MPIEXEC for every rank count in NPS and thread count in THREADS, with the
# ranks agreeing through COORDINATION ("node": shared memory on the node;
# "node:N": the same, with every N ranks standing for a node of their own, so
# node leaders reduce by MPI between them; "collective": one MPI_Allreduce;
# "tree:K": the time-manager tree of fan-out K), and fails unless every digest equals the
# reference. Arguments after "--" are extra --set options for a second pass
# with placement hints on, checked against its own one-rank reference (a
# creation hint is part of the model: it changes the children's AAIs).
set -euo pipefail
kairos=$1 mpiexec=$2 nps=$3 threads=$4 coordination=$5 scenario=$6
shift 6
sets=() hints=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do sets+=("$1"); shift; done
[ $# -gt 0 ] && shift && hints=("$@")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
case $coordination in
  node) agreement=(--coordination node) ;;
  node:*) agreement=(--coordination node); export KAIROS_AGREEMENT_RANKS_PER_NODE=${coordination#node:} ;;
  collective) agreement=(--coordination collective) ;;
  tree:*) agreement=(--coordination tree --tm-fanout "${coordination#tree:}") ;;
  *) echo "COORDINATION must be node, node:N, collective or tree:K" >&2; exit 2 ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

digest() { sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p' | tail -n 1; }

passes=("")
[ ${#hints[@]} -gt 0 ] && passes+=("hints")
for pass in "${passes[@]}"; do
  extra=()
  [ "$pass" = hints ] && extra=("${hints[@]}")
  reference=$("$kairos" run "$scenario" "${sets[@]}" "${extra[@]}" --output "$out/ref" | digest)
  [ -n "$reference" ] || { echo "no reference digest" >&2; exit 1; }
  echo "1 rank, 1 thread${pass:+, placement hints}: $reference"
  for np in $nps; do
    for t in $threads; do
      got=$(timeout 300 "$mpiexec" -n "$np" ${KAIROS_MPIEXEC_PREFLAGS:-} "$kairos" run "$scenario" "${sets[@]}" "${extra[@]}" \
              --threads "$t" "${agreement[@]}" --output "$out/np$np" | digest)
      echo "$np ranks, $t threads, $coordination${pass:+, placement hints}: $got"
      [ "$got" = "$reference" ] || { echo "digest differs from the one-rank run" >&2; exit 1; }
    done
  done
done
