#!/bin/sh
# sched_sweep.sh CMREF FIRST_SEED LAST_SEED FILE... -- runs each script with
# `CMREF run --sched random --seed S` for every seed S in [FIRST, LAST] and
# prints one line per run: seed, exit status, file, and "SANITIZER" when
# stderr carries an AddressSanitizer / LeakSanitizer / UBSan report.  At the
# end: runs, exit statuses, crashes (status >= 128) and sanitizer reports.
# Meant for build-asan/cmref (issue 7: random schedules under ASan+UBSan).
# Failing commands (status 1) are expected: they are docs/findings.md's.
cmref=$1 first=$2 last=$3
shift 3
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:exitcode=99}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:exitcode=98}"
err=$(mktemp) || exit 2
runs=0 crashes=0 reports=0
s=$first
while [ "$s" -le "$last" ]; do
  for f in "$@"; do
    "$cmref" run --sched random --seed "$s" "$f" >/dev/null 2>"$err"
    rc=$?
    runs=$((runs + 1))
    tag=
    if grep -q 'Sanitizer\|runtime error:' "$err"; then
      tag=SANITIZER
      reports=$((reports + 1))
      sed 's/^/  | /' "$err" | head -40
    fi
    [ "$rc" -ge 128 ] && crashes=$((crashes + 1))
    echo "$s $rc $f $tag"
  done
  s=$((s + 1))
done
rm -f "$err"
echo "runs: $runs, crashes (status >= 128): $crashes, sanitizer reports: $reports"
