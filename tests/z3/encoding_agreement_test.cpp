// The protocol encodings of properties/prove_encodings.h against the model functions they
// mirror, on random concrete inputs: same state after every step.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/balance/sched_balance_serialize.h"
#include "model/nohz/nohz.h"
#include "model/topology/build_sched_domains.h"
#include "properties/prove_encodings.h"

namespace sbm {
namespace {

uint64_t numeral(const z3::expr& e) { return e.simplify().get_numeral_uint64(); }

RC_GTEST_PROP(EncodingAgreement, SerializeStepMatchesTheModel, ()) {
  const unsigned cpus = *rc::gen::inRange(1u, 7u);
  const Mutant mutant = *rc::gen::element(Mutant::None, Mutant::CheckThenSet,
                                          Mutant::TrylockFailBalances, Mutant::NewidleUnserialized);
  // Each step: a CPU and whether it acts as a newly idle caller (it matters from Outside).
  const auto schedule = *rc::gen::container<std::vector<std::pair<unsigned, bool>>>(
      rc::gen::pair(rc::gen::inRange(0u, cpus), rc::gen::arbitrary<bool>()));
  Profile p = *find_profile(*rc::gen::element<std::string>("v2.6.20", "v6.17", "v6.19")).profile;
  apply_mutant(mutant, p, nullptr);

  z3::context c;
  prove::SerializeState enc = prove::serialize_initial(c, cpus);
  SchedBalanceRunning token;
  std::vector<SerializePc> pc(cpus, SerializePc::Outside);
  std::vector<CpuIdleType> idle(cpus, CpuIdleType::Idle);
  NullEventSink sink;
  for (const auto& [cpu, newidle] : schedule) {
    const int holder_before = token.holder;
    const SerializePc was = pc[cpu];
    if (was == SerializePc::Outside)
      idle[cpu] = newidle ? CpuIdleType::NewlyIdle : CpuIdleType::Idle;
    pc[cpu] = serialize_step(p, token, was, idle[cpu], static_cast<int>(cpu), static_cast<int>(cpu),
                             0, sink);
    z3::expr released_by_other = c.bool_val(false);
    enc = prove::serialize_encoded_step(p, enc, c.bv_val(cpu, 8), c.bool_val(newidle),
                                        released_by_other);
    for (unsigned i = 0; i < cpus; ++i)
      RC_ASSERT(numeral(enc.pc[i]) == static_cast<uint64_t>(pc[i]));
    RC_ASSERT(numeral(enc.holder) == (token.held() ? static_cast<uint64_t>(token.holder) : cpus));
    const bool model_released_by_other =
        was == SerializePc::Inside && holder_before != static_cast<int>(cpu);
    RC_ASSERT(released_by_other.simplify().is_true() == model_released_by_other);
  }
}

RC_GTEST_PROP(EncodingAgreement, NohzKickWriteMatchesKickIlb, ()) {
  const std::string name = *rc::gen::element<std::string>("v4.19", "v6.17", "v6.19");
  const Mutant mutant = *rc::gen::element(Mutant::None, Mutant::NohzNextBalanceOverwrite);
  Profile p = *find_profile(name).profile;
  apply_mutant(mutant, p, nullptr);
  MachineSpec spec;
  spec.cores = 4;
  MachineState m =
      *make_machine(build_sched_domains(spec, p.version, initial_jiffies(p.hz)), p).machine;
  const unsigned bits = p.jiffies_bits;
  m.jiffies = m.ops.lit(*rc::gen::arbitrary<uint64_t>());
  m.nohz.next_balance = m.ops.lit(*rc::gen::arbitrary<uint64_t>());
  const unsigned flags = *rc::gen::element(kNohzBalanceKick | kNohzStatsKick, kNohzStatsKick,
                                           kNohzKickMask, kNohzNextKick | kNohzStatsKick);
  z3::context c;
  const z3::expr expected =
      prove::nohz_kick_encoded(p, c.bv_val(m.jiffies, bits), c.bv_val(m.nohz.next_balance, bits),
                               c.bool_val((flags & kNohzBalanceKick) != 0));
  NullEventSink sink;
  kick_ilb(m, 0, flags, sink);
  RC_ASSERT(numeral(expected) == m.nohz.next_balance);
}

}  // namespace
}  // namespace sbm
