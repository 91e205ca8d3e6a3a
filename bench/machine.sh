# Sourced by the bench scripts: the header every BENCHMARKS.md section copies, naming the
# machine and the state it was in, so that figures from different machines are never mixed up.
machine_header() {
  echo "date: $(date -u +%F)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo ' + uncommitted changes')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem/{print $2}') GiB RAM"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$(rustc --version)"
}
