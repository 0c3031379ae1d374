#!/usr/bin/env bash
# Submits a sharded qdf screen to Slurm: the predict.sbatch array (N shards), then a merge job that runs only if
# every shard succeeded (--dependency=afterok). Prints the two job ids.
#   examples/slurm/submit.sh N MODEL OUTDIR INPUT...      (extra sbatch options: SBATCH_ARGS="--partition=short")
# Result: OUTDIR/predictions.tsv, one row per input molecule in input order, as one `qdf predict` run writes it.
set -euo pipefail
if [[ $# -lt 4 ]]; then
  echo "usage: submit.sh N MODEL OUTDIR INPUT..." >&2
  exit 2
fi
n=$1 outdir=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$outdir"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="0-$((n - 1))" --output="$outdir/predict-%a.log" \
  "$here/predict.sbatch" "$2" "$outdir" "${@:4}")
array=${array%%;*}
shards=$(for ((k = 0; k < n; k++)); do printf '%q ' "$outdir/shard-$k-of-$n.tsv"; done)
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterok:$array" --job-name=qdf-merge \
  --output="$outdir/merge.log" --wrap="${QDF:-qdf} merge $(printf '%q' "$outdir/predictions.tsv") $shards")
echo "$array $merge"
