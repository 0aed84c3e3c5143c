#!/usr/bin/env bash
# Every command's --json on real inputs (good, violating, unreadable; several flag combinations)
# validates against its schema (spec/schemas/, spec/output.md), and the validator fires on a
# document with a key removed or of the wrong type.
# usage: json_schema_test.sh SBM SOURCE_DIR WORK_DIR GROUP
#   GROUP: trace-check | topology-check | prove | mutants | validator-fires
set -uo pipefail
sbm=$1 src=$2 work=$3 group=$4
schemas=$src/spec/schemas
corpus=$src/traces/corpus
data=$src/tests/data
mkdir -p "$work"
failed=0

# check NAME SCHEMA EXPECTED_EXIT -- ARGS...: runs sbm ARGS, wants its exit status and a valid document.
check() {
  local name=$1 schema=$2 want=$3
  shift 4
  local out=$work/$name.json
  "$sbm" "$@" >"$out" 2>"$work/$name.err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: sbm $* exited $rc, expected $want"; cat "$work/$name.err"; failed=1; return
  fi
  if python3 "$src/tools/validate_json.py" "$schemas" "$schema" "$out"; then
    echo "ok   $name"
  else
    echo "FAIL $name: sbm $* does not match spec/schemas/$schema.schema.json"; failed=1
  fi
}

case $group in
  trace-check)
    check good trace-check 0 -- trace check --json "$data/traces/014-trappy-arm6cpu-trace-cmd-report-not-raw.txt"
    check violated trace-check 1 -- trace check --json --keep-going "$corpus/mainline/mig5-two-cpus.trace"
    check profile trace-check 1 -- trace check --json --profile v6.17 "$corpus/mainline/nb3-entry-without-raise.trace"
    check auto trace-check 0 -- trace check --json --profile auto "$corpus/mainline/nb3-raise-entry-exit.trace"
    check required trace-check 1 -- trace check --json --require NB-4 "$corpus/mainline/nb3-raise-entry-exit.trace"
    check replay trace-check 1 -- trace check --json "$corpus/replay/bi1-tripled-balance-interval.trace"
    check replay-good trace-check 0 -- trace check --json "$corpus/replay/bi1-newidle-doubling-conforms-v4.19.trace"
    printf '# tracer: nop\n  bash-12 [000] d..2. 100.000000: sched_waking: comm=foo pid=13 prio=120 target_cpu=001\n' >"$work/waking.trace"
    check not-checkable trace-check 3 -- trace check --json "$work/waking.trace"
    # A file name that is not UTF-8 is printed as U+FFFD, the document still valid JSON.
    latin1=$work/$(printf 'caf\351').trace
    cp "$corpus/mainline/mig5-two-cpus.trace" "$latin1"
    check not-utf8-name trace-check 1 -- trace check --json "$latin1"
    # Many traces: the envelope, the worst result, each file's document or its errors.
    check many trace-check 2 -- trace check --json "$corpus/mainline/nb3-raise-entry-exit.trace" "$corpus/mainline/mig5-two-cpus.trace" "$work/no-such.trace"
    check many-auto trace-check 1 -- trace check --json --profile auto "$corpus/mainline/nb3-raise-entry-exit.trace" "$corpus/mainline/mig5-two-cpus.trace"
    ;;
  topology-check)
    check sound topology-check 0 -- topology check --json "$data/topologies/023-x86-tigerlake-nuc11-smt-ok.txt"
    check violated topology-check 1 -- topology check --json "$data/topologies/004-qemu-arm64-numa-diameter3-broken.txt"
    check many topology-check 2 -- topology check --json --require all "$data/topologies/003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt" "$data/topologies/004-qemu-arm64-numa-diameter3-broken.txt" "$work/no-such-dump.txt"
    check spec topology-check 0 -- topology check --json 2s-numa
    check sysctl-names topology-check 1 -- topology check --json "$data/topologies/033-qemu-arm64-sysctl-cat-name-flags.txt"
    ;;
  prove)
    check proved prove 0 -- prove --json serialize interval-bounds
    check cex prove 1 -- prove --json serialize --mutant check-then-set --cex "$work/cex.trace"
    check cex-no-file prove 1 -- prove --json serialize --mutant check-then-set
    check unknown prove 3 -- prove --json next-balance --timeout 0.001 --bound domains=8 --mutant plain-lt
    check quiet prove 0 -- prove --json --quiet interval-bounds
    ;;
  mutants)
    check one-mutant mutants 3 -- mutants --json --mutant plain-lt --budget 2
    ;;
  validator-fires)
    "$sbm" trace check --json --keep-going "$corpus/mainline/mig5-two-cpus.trace" >"$work/real.json"
    "$sbm" topology check --json "$data/topologies/004-qemu-arm64-numa-diameter3-broken.txt" >"$work/topo.json"
    python3 "$src/tools/validate_json.py" "$schemas" trace-check "$work/real.json" || { echo "FAIL: the real document is invalid"; failed=1; }
    # EDIT: a python expression on the document d, which must then be invalid.
    for edit in 'd.pop("schema_version")' 'd["profiles"][0]["violations"][0].pop("line")' \
                'd["profiles"][0].__setitem__("events", "3")' 'd.__setitem__("result", "fine")' \
                'd["profiles"][0]["checks"][0].__setitem__("extra", 1)' 'd.__setitem__("schema_version", 2)'; do
      python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $edit; json.dump(d, open(sys.argv[2], 'w'))" \
        "$work/real.json" "$work/broken.json"
      if python3 "$src/tools/validate_json.py" "$schemas" trace-check "$work/broken.json" 2>"$work/broken.err"; then
        echo "FAIL: the validator passed a document after $edit"; failed=1
      else
        echo "ok   fired after $edit: $(head -1 "$work/broken.err")"
      fi
    done
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['files'][0]['domains'][0].pop('span'); json.dump(d, open(sys.argv[2], 'w'))" \
      "$work/topo.json" "$work/broken.json"
    if python3 "$src/tools/validate_json.py" "$schemas" topology-check "$work/broken.json" 2>/dev/null; then
      echo "FAIL: the validator passed a topology document without a domain's span"; failed=1
    else
      echo "ok   fired on a topology domain without span"
    fi
    ;;
  *)
    echo "json_schema_test: unknown group '$group'"; exit 2 ;;
esac
exit $failed
