// serialize (SER-1): K CPUs interleaving the SD_SERIALIZE token protocol one atomic step at
// a time (serialize_step(), model/sched_balance_serialize.h), unrolled for S steps (bounded
// model checking): never two CPUs inside, never a release by a CPU that does not hold it.
#include "model/sched_balance_serialize.h"
#include "properties/prove_encodings.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"

namespace sbm {

namespace prove {

namespace {
constexpr unsigned kOutside = 0, kChecked = 1, kInside = 2;
z3::expr pc_val(z3::context& c, unsigned v) { return c.bv_val(v, 2); }
}  // namespace

SerializeState serialize_initial(z3::context& c, unsigned cpus) {
  SerializeState s{{}, c.bv_val(cpus, 8)};
  for (unsigned i = 0; i < cpus; ++i) s.pc.push_back(pc_val(c, kOutside));
  return s;
}

SerializeState serialize_encoded_step(const Profile& p, const SerializeState& s, const z3::expr& chosen,
                                      z3::expr& released_by_other) {
  z3::context& c = chosen.ctx();
  const unsigned cpus = static_cast<unsigned>(s.pc.size());
  const z3::expr free = s.holder == c.bv_val(cpus, 8);
  const bool check_then_set = is_mutant(p, Mutant::CheckThenSet);
  const bool fail_balances = is_mutant(p, Mutant::TrylockFailBalances);
  SerializeState next = s;
  released_by_other = c.bool_val(false);
  for (unsigned i = 0; i < cpus; ++i) {
    const z3::expr me = chosen == c.bv_val(i, 8), id = c.bv_val(i, 8);
    const z3::expr& pc = s.pc[i];
    // Outside: the trylock (or, check-then-set, the read alone).
    const z3::expr after_try =
        check_then_set ? z3::ite(free, pc_val(c, kChecked), pc_val(c, kOutside))
                       : z3::ite(free, pc_val(c, kInside), pc_val(c, fail_balances ? kInside : kOutside));
    const z3::expr takes = check_then_set ? pc == pc_val(c, kChecked) : (pc == pc_val(c, kOutside) && free);
    const z3::expr releases = pc == pc_val(c, kInside);
    next.pc[i] = z3::ite(me, z3::ite(pc == pc_val(c, kOutside), after_try,
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

// The model's run of `schedule`, then the releases that make the breach visible in events
// (a second holder, or a CPU inside without the token, shows at its release).
std::vector<BalanceEvent> replay_schedule(const Profile& p, unsigned cpus, const std::vector<int>& schedule,
                                          std::vector<std::string>& summary) {
  RecordingEventSink sink;
  SchedBalanceRunning token;
  std::vector<SerializePc> pc(cpus, SerializePc::Outside);
  const char* names[] = {"outside", "checked the token", "inside"};
  for (int cpu : schedule) {
    const SerializePc was = pc[static_cast<size_t>(cpu)];
    pc[static_cast<size_t>(cpu)] = serialize_step(p, token, was, cpu, cpu, 0, sink);
    summary.push_back("CPU" + std::to_string(cpu) + ": " + names[static_cast<int>(was)] + " -> " +
                      names[static_cast<int>(pc[static_cast<size_t>(cpu)])]);
  }
  for (unsigned cpu = 0; cpu < cpus; ++cpu)
    if (pc[cpu] == SerializePc::Inside)
      serialize_step(p, token, SerializePc::Inside, static_cast<int>(cpu), static_cast<int>(cpu), 0, sink);
  return sink.events;
}

QueryResult run_serialize(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "serialize", "SER-1", defaults());
  const unsigned cpus = prove::bound(opt, defaults(), "cpus");
  const unsigned steps = prove::bound(opt, defaults(), "steps");
  z3::context c;
  z3::solver s = prove::make_solver(c, opt.timeout_ms);
  prove::SerializeState st = prove::serialize_initial(c, cpus);
  std::vector<z3::expr> chosen, bad;
  for (unsigned t = 0; t < steps; ++t) {
    chosen.push_back(c.bv_const(("cpu_at_" + std::to_string(t)).c_str(), 8));
    s.add(z3::ult(chosen[t], c.bv_val(cpus, 8)));
    z3::expr released_by_other = c.bool_val(false);
    st = prove::serialize_encoded_step(opt.profile, st, chosen[t], released_by_other);
    z3::expr two_inside = c.bool_val(false);
    for (unsigned i = 0; i < cpus; ++i)
      for (unsigned k = i + 1; k < cpus; ++k)
        two_inside = two_inside || (st.pc[i] == c.bv_val(2u, 2) && st.pc[k] == c.bv_val(2u, 2));
    bad.push_back(two_inside || released_by_other);
  }
  z3::expr any_bad = c.bool_val(false);
  for (const z3::expr& b : bad) any_bad = any_bad || b;
  s.add(any_bad);

  prove::Attempt a = prove::attempt(s);
  if (a.verdict == ProofVerdict::Counterexample) {
    const z3::model m = s.get_model();
    std::vector<int> schedule;
    for (unsigned t = 0; t < steps; ++t) {
      schedule.push_back(static_cast<int>(prove::value_of(m, chosen[t])));
      if (prove::truth_of(m, bad[t])) break;
    }
    Counterexample cex{"trace", "", {}};
    const std::vector<BalanceEvent> events = replay_schedule(opt.profile, cpus, schedule, cex.summary);
    const uint64_t j = initial_jiffies(opt.profile.hz);
    cex.text = prove::cex_trace(opt, "serialize", opt.profile, prove::flat_machine(static_cast<int>(cpus)), j, events);
    a.cex = std::move(cex);
  }
  prove::merge(r, std::move(a));
  return r;
}

}  // namespace

QueryInfo serialize_query() {
  return {"serialize", "SER-1",
          "K CPUs interleaving the SD_SERIALIZE trylock / balance / release for S steps are never both "
          "inside, and only the holder releases",
          defaults(), run_serialize};
}

}  // namespace sbm
