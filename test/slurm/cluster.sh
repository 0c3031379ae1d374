#!/usr/bin/env bash
# A throwaway single-node Slurm cluster for tests: munged + slurmctld + slurmd on this machine, all state in DIR.
#   cluster.sh start DIR CTLD_PORT SLURMD_PORT   writes DIR/slurm.conf, starts the daemons, waits until the node is idle
#   cluster.sh stop DIR                          stops them (by their pid files) and leaves DIR for the logs
# Clients then need SLURM_CONF=DIR/slurm.conf. Needs Debian's slurm-wlm and munge (.ci/run installs them) and root
# (slurmd runs the jobs as the submitting user). Every wait is bounded; on failure the daemons' logs are printed.
set -euo pipefail
cmd=${1:?usage: cluster.sh start|stop DIR [CTLD_PORT SLURMD_PORT]}
dir=${2:?usage: cluster.sh start|stop DIR [CTLD_PORT SLURMD_PORT]}

stop() {
  for d in slurmd slurmctld munged; do
    [[ -f "$dir/$d.pid" ]] || continue
    pid=$(cat "$dir/$d.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/$d.pid"
  done
}

fail() {
  echo "cluster.sh: $*" >&2
  for log in munged slurmctld slurmd; do
    [[ -f "$dir/$log.log" ]] && { echo "--- $log.log (last lines)" >&2; tail -n 15 "$dir/$log.log" >&2; }
  done
  stop
  exit 1
}

if [[ $cmd == stop ]]; then stop; exit 0; fi
[[ $cmd == start ]] || { echo "cluster.sh: unknown command $cmd" >&2; exit 2; }
ctld_port=${3:?CTLD_PORT}
slurmd_port=${4:?SLURMD_PORT}
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null \
    || fail "$tool not found: install Debian's slurm-wlm and munge (apt-get install slurm-wlm munge)"
done
export PATH=$PATH:/usr/sbin
[[ $(id -u) == 0 ]] || fail "needs root (slurmd starts the jobs as the submitting user)"

mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
chmod 700 "$dir" "$dir/munge"
host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 * 9 / 10))
mungekey --create --keyfile="$dir/munge/munge.key" --force 2>/dev/null || fail "mungekey could not write a key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" --pid-file="$dir/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed" || fail "munged did not start"

cat > "$dir/slurm.conf" <<CONF
ClusterName=qdftest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N "$host" || fail "slurmd did not start"
for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
  [[ $state == idle ]] && { echo "slurm up: node $host, $cpus cpus"; exit 0; }
  sleep 0.5
done
fail "the node did not become idle within 30 s (state: ${state:-none})"
