#!/usr/bin/env bash
# sbm's JUnit reports validate against the Jenkins xunit plugin's junit-10.xsd
# (tests/data/junit/junit-10.xsd) with xmllint, and carry what spec/output.md ("JUnit") promises:
# a relative classname, an <error> for an input that cannot be read, a report even when an input
# is missing, control characters escaped. The last case checks that the schema check fires.
# usage: junit_xsd_test.sh SBM SOURCE_DIR WORK_DIR
set -uo pipefail
sbm=$1 src=$2 work=$3
xsd=$src/tests/data/junit/junit-10.xsd
corpus=$src/traces/corpus
data=$src/tests/data
rm -rf "$work" && mkdir -p "$work"
failed=0
fail() { echo "FAIL $*"; failed=1; }

# report NAME EXPECTED_EXIT ARGS...: sbm ARGS --junit NAME.xml exits as expected and the report validates.
report() {
  local name=$1 want=$2
  shift 2
  local xml=$work/$name.xml
  "$sbm" "$@" --junit "$xml" >/dev/null 2>"$work/$name.err"
  local rc=$?
  [ "$rc" -eq "$want" ] || { fail "$name: sbm $* exited $rc, expected $want"; return; }
  [ -s "$xml" ] || { fail "$name: no report written"; return; }
  if xmllint --noout --schema "$xsd" "$xml" 2>"$work/$name.xmllint"; then
    echo "ok   $name"
  else
    fail "$name: $(cat "$work/$name.xmllint")"
  fi
}
# has NAME PATTERN: the report NAME.xml holds PATTERN (grep -E).
has() { grep -Eq -- "$2" "$work/$1.xml" || fail "$1: no match for '$2'"; }
hasnt() { ! grep -Eq -- "$2" "$work/$1.xml" || fail "$1: unexpected match for '$2'"; }

report trace-pass 0 trace check "$data/traces/014-trappy-arm6cpu-trace-cmd-report-not-raw.txt"
report trace-fail 1 trace check --keep-going "$corpus/mainline/mig5-two-cpus.trace"
has trace-fail '<failure message="[^"]*MIG-5'
has trace-fail '<testsuite name="[^"]*" tests="7" failures="1" errors="0" skipped="[0-9]+" time="[0-9.]+" timestamp="[0-9T:-]+"'
hasnt trace-fail 'classname="/'
report trace-auto 0 trace check --profile auto "$corpus/mainline/nb3-raise-entry-exit.trace"
printf '# tracer: nop\n  bash-12 [000] d..2. 100.000000: sched_waking: comm=foo pid=13 prio=120 target_cpu=001\n' >"$work/waking.trace"
report trace-not-checkable 3 trace check "$work/waking.trace"
has trace-not-checkable '<skipped message='
report trace-missing 2 trace check "$work/no-such.trace"
has trace-missing '<error message="[^"]*no-such.trace: error: cannot open the file'
printf 'not a trace\n' >"$work/garbage.trace"
report trace-unreadable 2 trace check "$work/garbage.trace"
has trace-unreadable 'errors="1"'
# A control character in the input's name reaches every suite and message.
ctl=$work/$(printf 'ctl\001name').trace
cp "$corpus/mainline/mig5-two-cpus.trace" "$ctl"
report trace-control-character 1 trace check "$ctl"
has trace-control-character 'ctl\\x01name'

report topology-many 2 topology check "$data/topologies/023-x86-tigerlake-nuc11-smt-ok.txt" \
  "$data/topologies/004-qemu-arm64-numa-diameter3-broken.txt" "$work/no-such-dump.txt"
has topology-many '<testsuites name="sbm topology check" tests="[0-9]+" failures="1" errors="1"'
has topology-many '<testcase classname="no-such-dump.txt" name="read">'
has topology-many '<error message='
hasnt topology-many 'classname="/'
(cd "$data/topologies" && "$sbm" topology check 023-x86-tigerlake-nuc11-smt-ok.txt --junit "$work/topology-relative.xml" >/dev/null)
has topology-relative 'classname="023-x86-tigerlake-nuc11-smt-ok.txt"'

# The schema check fires: a suite without its required errors attribute is refused.
sed 's/ errors="[0-9]*"//' "$work/trace-fail.xml" >"$work/no-errors.xml"
if xmllint --noout --schema "$xsd" "$work/no-errors.xml" 2>/dev/null; then
  fail "xmllint accepted a testsuite without errors="
else
  echo "ok   xmllint refuses a testsuite without errors="
fi
exit $failed
