// serialize (SER-1): K CPUs interleaving the SD_SERIALIZE token protocol one atomic step at
// a time (serialize_step(), model/balance/sched_balance_serialize.h), unrolled for S steps (bounded
// model checking). Each step's CPU, when it starts a balance, is a periodic or a newly idle
// caller (a free choice). The statement is the era's (era_profile(): the unmutated rule)
// while the steps follow the profile under test: never a CPU inside a section the era
// serializes while another CPU is inside holding the token, never a release by a CPU that
// does not hold it.
#include "model/balance/sched_balance_serialize.h"
#include "model/topology/build_sched_domains.h"
#include "properties/prove_encodings.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"

namespace sbm {

namespace {
// SerializePc as the 2-bit values of the encoding.
constexpr unsigned pc_code(SerializePc pc) { return static_cast<unsigned>(pc); }
constexpr unsigned kOutside = pc_code(SerializePc::Outside),
                   kChecked = pc_code(SerializePc::Checked), kInside = pc_code(SerializePc::Inside),
                   kUnserialized = pc_code(SerializePc::Unserialized);
z3::expr pc_val(z3::context& c, unsigned v) { return c.bv_val(v, 2); }
}  // namespace

namespace prove {

SerializeState serialize_initial(z3::context& c, unsigned cpus) {
  SerializeState s{{}, c.bv_val(cpus, 8)};
  for (unsigned i = 0; i < cpus; ++i) s.pc.push_back(pc_val(c, kOutside));
  return s;
}

SerializeState serialize_encoded_step(const Profile& p, const SerializeState& s,
                                      const z3::expr& chosen, const z3::expr& newidle,
                                      z3::expr& released_by_other) {
  z3::context& c = chosen.ctx();
  const unsigned cpus = static_cast<unsigned>(s.pc.size());
  const z3::expr free = s.holder == c.bv_val(cpus, 8);
  const bool check_then_set = is_mutant(p, Mutant::CheckThenSet);
  const bool fail_balances = is_mutant(p, Mutant::TrylockFailBalances);
  // serialize_caller(): periodic callers always go through the token, newly idle ones as
  // the profile says.
  const z3::expr unserialized = newidle && c.bool_val(!serialize_caller(p, CpuIdleType::NewlyIdle));
  SerializeState next = s;
  released_by_other = c.bool_val(false);
  for (unsigned i = 0; i < cpus; ++i) {
    const z3::expr me = chosen == c.bv_val(i, 8), id = c.bv_val(i, 8);
    const z3::expr& pc = s.pc[i];
    // Outside: the trylock (or, check-then-set, the read alone), or no token at all.
    const z3::expr after_try =
        check_then_set
            ? z3::ite(free, pc_val(c, kChecked), pc_val(c, kOutside))
            : z3::ite(free, pc_val(c, kInside), pc_val(c, fail_balances ? kInside : kOutside));
    const z3::expr takes = check_then_set ? pc == pc_val(c, kChecked)
                                          : (pc == pc_val(c, kOutside) && !unserialized && free);
    const z3::expr releases = pc == pc_val(c, kInside);
    // Checked goes Inside; Inside and Unserialized go Outside.
    next.pc[i] = z3::ite(
        me,
        z3::ite(pc == pc_val(c, kOutside),
                z3::ite(unserialized, pc_val(c, kUnserialized), after_try),
                z3::ite(pc == pc_val(c, kChecked), pc_val(c, kInside), pc_val(c, kOutside))),
        pc);
    next.holder = z3::ite(me && takes, id, z3::ite(me && releases, c.bv_val(cpus, 8), next.holder));
    released_by_other = released_by_other || (me && releases && s.holder != id);
  }
  return next;
}

}  // namespace prove

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"cpus", 4, "CPUs contending for the token"},
      {"steps", 8, "atomic steps of the interleaving (one CPU each)"},
  };
  return d;
}

// The machine of a counterexample: one CPU per NUMA node, so the domain the CPUs contend
// for is a NUMA level, which carries SD_SERIALIZE (sd_init(), every era the builder knows).
MachineSpec serialize_spec(unsigned cpus) {
  MachineSpec spec = prove::flat_machine(static_cast<int>(cpus));
  spec.nodes = static_cast<int>(cpus);
  return spec;
}
struct SerializeMachine {
  MachineState m;
  int level = -1;  // the lowest SD_SERIALIZE level of CPU 0
};
SerializeMachine serialize_machine(const Profile& p, unsigned cpus, uint64_t jiffies) {
  SerializeMachine out{
      *make_machine(build_sched_domains(serialize_spec(cpus), p.version, jiffies), p).machine, -1};
  const std::vector<RqDomain>& sd = out.m.rq(0).sd;
  for (size_t l = 0; l < sd.size() && out.level < 0; ++l)
    if (sd[l].flags().has(SdFlag::Serialize)) out.level = static_cast<int>(l);
  return out;
}

struct Step {
  int cpu = 0;
  CpuIdleType idle = CpuIdleType::Idle;
};

// The return of a balance that ran without the token (SerializePc::Unserialized): the only
// event of it, since it does no token operation. A newly idle balance moves neither
// last_balance nor feeds a min-update (sched_balance_newidle()), so the domain's own
// last_balance and idle interval are written; the protocol does not model what it pulls.
BalanceResultEvent unserialized_return(const MachineState& m, int cpu, int level,
                                       CpuIdleType idle) {
  const RqDomain& d = m.rq(cpu).sd[static_cast<size_t>(level)];
  return BalanceResultEvent{cpu,
                            level,
                            idle,
                            0,
                            false,
                            true,
                            d.sd.last_balance,
                            sd_balance_interval(m, d, false),
                            d.sd.balance_interval,
                            d.sd.balance_interval};
}

// The model's run of `schedule` on `sm`, then the exits that make the breach visible in
// events: the balances without the token return first (a SER-1 breach if another CPU still
// holds it), then the CPUs inside release (a second holder, or a CPU inside without the
// token, shows at its release).
std::vector<BalanceEvent> replay_schedule(const Profile& p, const SerializeMachine& sm,
                                          const std::vector<Step>& schedule,
                                          std::vector<std::string>& summary) {
  RecordingEventSink sink;
  SchedBalanceRunning token;
  const unsigned cpus = static_cast<unsigned>(sm.m.rqs.size());
  std::vector<SerializePc> pc(cpus, SerializePc::Outside);
  std::vector<CpuIdleType> idle(cpus, CpuIdleType::Idle);
  const char* names[] = {"outside", "checked the token", "inside", "inside without the token"};
  auto step = [&](int cpu, CpuIdleType caller) {
    const size_t i = static_cast<size_t>(cpu);
    const SerializePc was = pc[i];
    if (was == SerializePc::Outside) idle[i] = caller;
    pc[i] = serialize_step(p, token, was, idle[i], cpu, cpu, sm.level, sink);
    if (was == SerializePc::Unserialized)
      sink.emit(unserialized_return(sm.m, cpu, sm.level, idle[i]));
    summary.push_back("CPU" + std::to_string(cpu) + " (" + cpu_idle_type_name(idle[i]) + "): " +
                      names[static_cast<int>(was)] + " -> " + names[static_cast<int>(pc[i])]);
  };
  for (const Step& s : schedule) step(s.cpu, s.idle);
  for (SerializePc closing : {SerializePc::Unserialized, SerializePc::Inside})
    for (unsigned cpu = 0; cpu < cpus; ++cpu)
      if (pc[cpu] == closing) step(static_cast<int>(cpu), idle[cpu]);
  return sink.events;
}

QueryResult run_serialize(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "serialize", "SER-1", defaults());
  const unsigned cpus = prove::bound(opt, defaults(), "cpus");
  const unsigned steps = prove::bound(opt, defaults(), "steps");
  // The era's SER-1: newly idle balances are inside a serialized section only where the
  // era serializes them (v6.19, 522fb20fbdbe); before, they overlap a holder by design.
  const bool era_serializes_newidle =
      serialize_caller(era_profile(opt.profile), CpuIdleType::NewlyIdle);
  z3::context c;
  z3::solver s = prove::make_solver(c, opt.timeout_ms);
  prove::SerializeState st = prove::serialize_initial(c, cpus);
  std::vector<z3::expr> chosen, newidle, bad;
  const z3::expr inside = pc_val(c, kInside), unserialized = pc_val(c, kUnserialized);
  for (unsigned t = 0; t < steps; ++t) {
    chosen.push_back(c.bv_const(("cpu_at_" + std::to_string(t)).c_str(), 8));
    newidle.push_back(c.bool_const(("newidle_at_" + std::to_string(t)).c_str()));
    s.add(z3::ult(chosen[t], c.bv_val(cpus, 8)));
    z3::expr released_by_other = c.bool_val(false);
    st = prove::serialize_encoded_step(opt.profile, st, chosen[t], newidle[t], released_by_other);
    // Inside a section the era serializes: through the token protocol, or a balance
    // without the token of a caller the era says must take it.
    auto serialized = [&](const z3::expr& pc) {
      return pc == inside || (c.bool_val(era_serializes_newidle) && pc == unserialized);
    };
    z3::expr two_inside = c.bool_val(false);
    for (unsigned i = 0; i < cpus; ++i)
      for (unsigned k = i + 1; k < cpus; ++k)
        two_inside = two_inside || (serialized(st.pc[i]) && serialized(st.pc[k]) &&
                                    (st.pc[i] == inside || st.pc[k] == inside));
    bad.push_back(two_inside || released_by_other);
  }
  z3::expr any_bad = c.bool_val(false);
  for (const z3::expr& b : bad) any_bad = any_bad || b;
  s.add(any_bad);

  prove::Attempt a = prove::attempt(s);
  if (a.verdict == ProofVerdict::Counterexample) {
    const z3::model m = s.get_model();
    std::vector<Step> schedule;
    for (unsigned t = 0; t < steps; ++t) {
      schedule.push_back(
          Step{static_cast<int>(prove::value_of(m, chosen[t])),
               prove::truth_of(m, newidle[t]) ? CpuIdleType::NewlyIdle : CpuIdleType::Idle});
      if (prove::truth_of(m, bad[t])) break;
    }
    Counterexample cex;
    const uint64_t j = initial_jiffies(opt.profile.hz);
    const SerializeMachine sm = serialize_machine(opt.profile, cpus, j);
    const std::vector<BalanceEvent> events =
        replay_schedule(opt.profile, sm, schedule, cex.summary);
    prove::set_trace_cex(cex, opt, "serialize", opt.profile, serialize_spec(cpus), j, events);
    a.cex = std::move(cex);
  }
  prove::merge(r, std::move(a));
  return r;
}

}  // namespace

QueryInfo serialize_query() {
  return {
      "serialize", "SER-1",
      "K CPUs (periodic or newly idle callers) interleaving the SD_SERIALIZE trylock / balance / "
      "release for S steps: none is inside a section the era serializes while another holds the "
      "token, and only the holder releases",
      defaults(), run_serialize};
}

}  // namespace sbm
