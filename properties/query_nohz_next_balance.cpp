// nohz-next-balance (NOHZ-2 (b)): a kick never moves nohz.next_balance later than both its
// old value and jiffies+1, the earliest the next tick can look at it (3ea2f097b17e;
// bugs.md #11). kick_ilb()'s write (model/nohz_kick.cpp) is encoded per profile
// (prove::nohz_kick_encoded) and checked for one kick with any jiffies, nohz.next_balance and
// flags; since the rule looks at one kick only, that covers every sequence of kicks.
#include "model/nohz.h"
#include "properties/prove_encodings.h"
#include "properties/prove_queries.h"
#include "properties/prove_support.h"
#include "properties/z3_ops.h"

namespace sbm {

namespace prove {

z3::expr nohz_kick_encoded(const Profile& p, const z3::expr& jiffies, const z3::expr& nohz_next_balance,
                           const z3::expr& balance_kick) {
  const z3::expr one = jiffies.ctx().bv_val(1u, jiffies.get_sort().bv_size());
  switch (p.nohz_kick_next_balance) {
    case NohzKickNextBalance::None: return nohz_next_balance;
    case NohzKickNextBalance::Increment: return nohz_next_balance + one;
    case NohzKickNextBalance::JiffiesPlusOneOnBalance: return z3::ite(balance_kick, jiffies + one, nohz_next_balance);
  }
  return nohz_next_balance;
}

}  // namespace prove

namespace {

const std::vector<QueryBound>& defaults() {
  static const std::vector<QueryBound> d = {
      {"jiffies-bits", 64, "jiffies widths checked: 32, and 64 as well when 64"},
  };
  return d;
}

prove::Attempt check_width(const ProveOptions& opt, unsigned bits) {
  prove::WidthSolver w(opt, bits);
  const Profile& p = w.p;
  z3::context& c = w.c;
  const Z3Ops& o = w.o;
  z3::solver& s = w.s;
  const z3::expr jiffies = o.var("jiffies"), before = o.var("nohz_next_balance");
  const z3::expr balance_kick = c.bool_const("balance_kick");
  // nohz.next_balance within a quarter of the range of now, where time_after() is meaningful.
  const uint64_t quarter = uint64_t{1} << (bits - 2);
  s.add(o.ult(o.add(o.sub(before, jiffies), o.lit(quarter)), o.lit(2 * quarter)));
  const z3::expr after = prove::nohz_kick_encoded(p, jiffies, before, balance_kick);
  const z3::expr next_tick = o.add(jiffies, o.lit(1));
  const z3::expr bound = o.select(time_after(o, next_tick, before), next_tick, before);
  s.add(time_after(o, after, bound));

  prove::Attempt a = prove::attempt(s);
  if (a.verdict != ProofVerdict::Counterexample) return a;
  const z3::model m = s.get_model();
  const uint64_t j = prove::value_of(m, jiffies), b = prove::value_of(m, before), af = prove::value_of(m, after);
  const unsigned flags = prove::truth_of(m, balance_kick) ? kNohzKickMask : kNohzStatsKick;
  Counterexample cex{"trace", "", {}};
  cex.summary.push_back(std::to_string(bits) + "-bit jiffies=" + std::to_string(j) + ", " + nohz_flags_name(flags) +
                        " kick moves nohz.next_balance " + std::to_string(b) + " -> " + std::to_string(af));
  const std::vector<BalanceEvent> events = {NohzKickEvent{0, -1, flags, j, b, af, false, false}};
  cex.text = prove::cex_trace(opt, "nohz-next-balance", p, prove::flat_machine(2), j, events);
  a.cex = std::move(cex);
  return a;
}

QueryResult run_nohz_next_balance(const ProveOptions& opt) {
  QueryResult r = prove::start_result(opt, "nohz-next-balance", "NOHZ-2", defaults());
  for (unsigned bits : prove::jiffies_widths(opt, defaults()))
    if (prove::merge(r, check_width(opt, bits))) break;
  return r;
}

}  // namespace

QueryInfo nohz_next_balance_query() {
  return {"nohz-next-balance", "NOHZ-2",
          "a kick never moves nohz.next_balance later than both its old value and jiffies+1, for any "
          "jiffies, nohz.next_balance and kick flags",
          defaults(), run_nohz_next_balance};
}

}  // namespace sbm
