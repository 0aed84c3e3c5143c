// Helpers shared by the simulator's unit tests: a SimConfig from text, a Simulator that
// must build, and an observer that keeps every balancing event.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "model/sim/simulator.h"

namespace sbm::testing {

inline SimConfig sim_config(const char* spec, const char* profile, const char* workload,
                            uint64_t seed = 1) {
  SimConfig c;
  SpecParse sp = parse_machine_spec(spec);
  EXPECT_TRUE(sp.spec) << sp.error;
  c.machine = sp.spec.value_or(MachineSpec{});
  ProfileLookup pl = find_profile(profile);
  EXPECT_TRUE(pl.profile) << pl.error;
  c.profile = pl.profile.value_or(Profile{});
  c.workload = workload;
  c.seed = seed;
  return c;
}

inline Simulator make_sim(const SimConfig& c) {
  Simulator::Build b = Simulator::create(c);
  EXPECT_TRUE(b.sim) << b.error;
  return std::move(*b.sim);
}

// A SimObserver that records the balancing events in order .
class RecordingObserver final : public SimObserver {
 public:
  void emit(const BalanceEvent& e) override { events.push_back(e); }
  template <class T>
  std::vector<T> of_type() const {
    return events_of_type<T>(events);
  }
  std::vector<BalanceEvent> events;
};

}  // namespace sbm::testing
