// The protocol encodings of `sbm prove` that cannot run the model's code on Z3 values (the
// model's step functions branch on concrete state). Each one mirrors one model function,
// named beside it; tests/z3/encoding_agreement_test.cpp runs both on random concrete inputs
// and compares them step by step.
#pragma once

#include <vector>

#include <z3++.h>

#include "model/profile.h"

namespace sbm::prove {

// SD_SERIALIZE among `pc.size()` CPUs: serialize_step() (model/balance/sched_balance_serialize.h).
// pc[i] is a 2-bit SerializePc (0 Outside, 1 Checked, 2 Inside, 3 Unserialized); holder an
// 8-bit CPU id, pc.size() when the token is free.
struct SerializeState {
  std::vector<z3::expr> pc;
  z3::expr holder;
};
SerializeState serialize_initial(z3::context& c, unsigned cpus);
// One atomic step of CPU `chosen` (an 8-bit value below pc.size()) as a newly idle caller
// when the Bool `newidle` holds, a periodic one otherwise (it matters only from Outside);
// `released_by_other` is set when the step is a release by a CPU that does not hold the
// token.
SerializeState serialize_encoded_step(const Profile& p, const SerializeState& s,
                                      const z3::expr& chosen, const z3::expr& newidle,
                                      z3::expr& released_by_other);

// kick_ilb()'s write of nohz.next_balance (model/nohz/nohz_kick.cpp) for the profile's
// NohzKickNextBalance, on w-bit values; `balance_kick` is whether NOHZ_BALANCE_KICK is set.
z3::expr nohz_kick_encoded(const Profile& p, const z3::expr& jiffies,
                           const z3::expr& nohz_next_balance, const z3::expr& balance_kick);

}  // namespace sbm::prove
