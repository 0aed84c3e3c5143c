// Benchmark of the simulator (model/sim/simulator.h): simulated ticks per second for 16, 256
// and 4096 CPUs under the "busy" workload (one CPU-bound task per CPU, two on every even
// CPU), profile v6.17. The goal is a cost at most linear in CPUs x levels: 4096 CPUs x
// 10,000 ticks within 60 s on one core. Run: build/bench/sbm_bench_sim (Release build).
// Numbers go into issue notes, never into unit tests.
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>

#include "model/sim/simulator.h"

namespace sbm {
namespace {

// 2 threads per core, one NUMA node per socket; sockets x cores x 2 = the CPU count.
std::string machine_of(int cpus) {
  const int sockets = cpus >= 4096 ? 16 : cpus >= 256 ? 4 : 2;
  return "sockets=" + std::to_string(sockets) + ",cores=" + std::to_string(cpus / sockets / 2) +
         ",threads=2,nodes=" + std::to_string(sockets);
}

Simulator make_sim(int cpus) {
  SimConfig c;
  SpecParse spec = parse_machine_spec(machine_of(cpus));
  if (!spec.spec) throw std::runtime_error(spec.error);
  c.machine = *spec.spec;
  c.profile = *find_profile("v6.17").profile;
  c.workload = "busy";
  c.seed = 1;
  Simulator::Build b = Simulator::create(c);
  if (!b.sim) throw std::runtime_error(b.error);
  return std::move(*b.sim);
}

// One iteration = one simulated tick (every CPU's tick, softirq passes, balances).
void BM_SimTicks(benchmark::State& state) {
  Simulator sim = make_sim(static_cast<int>(state.range(0)));
  SimObserver none;
  sim.run_ticks(10, none);  // past the first passes, which every CPU runs at once
  for (auto _ : state) sim.run_jiffy(none);
  state.SetItemsProcessed(state.iterations());
  state.counters["ticks_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["cpu_ticks_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)),
      benchmark::Counter::kIsRate);
  state.counters["migrations"] = static_cast<double>(sim.summary().migrations);
}
BENCHMARK(BM_SimTicks)->Arg(16)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sbm

BENCHMARK_MAIN();
