#!/usr/bin/env bash
# windows_matrix.sh KAIROS MPIEXEC "NPS" "THREADS" SCENARIO [--set k=v ...]
#
# SCENARIO declares a lookahead (docs/design.md §2.4). The reference is the
# scenario on one rank with windows off (--set simulation.lookahead=0: every
# diasca agreed). Then digest_matrix.sh runs it windowed on one rank and
# under MPIEXEC for every rank count in NPS and thread count in THREADS, and
# the largest rank count runs once more per diasca: every digest must equal
# the reference, and the windowed runs must have synchronised fewer times
# than the per-diasca run agreed on diascas. The one-rank runs and the
# per-diasca run on the largest rank count must also count the same
# activations (an actor activated twice in a diasca may leave the digest as
# it was).
set -euo pipefail
kairos=$1 mpiexec=$2 nps=$3 threads=$4 scenario=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
field() { sed -n "s/.* $1=\([0-9a-f]*\).*/\1/p" | tail -n 1; }

per_diasca=$("$kairos" run "$scenario" "$@" --set simulation.lookahead=0 --output "$out/per-diasca")
reference=$(field digest <<<"$per_diasca")
diascas=$(field diascas <<<"$per_diasca")
activations=$(field activations <<<"$per_diasca")
echo "1 rank, per diasca: $reference ($diascas diascas)"

windowed=$("$kairos" run "$scenario" "$@" --output "$out/windowed")
windows=$(field windows <<<"$windowed")
[ -n "$windows" ] || { echo "the scenario declares no lookahead: no windows= in the summary" >&2; exit 1; }
echo "1 rank, windowed: $(field digest <<<"$windowed") ($windows windows)"
[ "$(field activations <<<"$windowed")" = "$activations" ] ||
  { echo "windowed run: activations $(field activations <<<"$windowed"), per diasca $activations" >&2; exit 1; }
[ "$windows" -lt "$diascas" ] || { echo "windows ($windows) are not fewer than diascas ($diascas)" >&2; exit 1; }

matrix=$("$here/digest_matrix.sh" "$kairos" "$mpiexec" "$nps" "$threads" collective "$scenario" "$@")
echo "$matrix"
# digest_matrix checked every rank and thread count against its own
# one-rank windowed reference: that one must be the per-diasca digest.
windowed_reference=$(sed -n 's/^1 rank, 1 thread: //p' <<<"$matrix")
[ "$windowed_reference" = "$reference" ] || { echo "windowed digest differs from the per-diasca one" >&2; exit 1; }

largest=$(tr ' ' '\n' <<<"$nps" | sort -n | tail -n 1)
summary=$(timeout 300 "$mpiexec" -n "$largest" ${KAIROS_MPIEXEC_PREFLAGS:-} "$kairos" run "$scenario" "$@" \
        --set simulation.lookahead=0 --output "$out/np$largest-per-diasca")
got=$(field digest <<<"$summary")
echo "$largest ranks, per diasca: $got, $(field activations <<<"$summary") activations"
[ "$got" = "$reference" ] || { echo "per-diasca digest on $largest ranks differs" >&2; exit 1; }
[ "$(field activations <<<"$summary")" = "$activations" ] ||
  { echo "per-diasca run on $largest ranks: activations $(field activations <<<"$summary"), one rank $activations" >&2
    exit 1; }
