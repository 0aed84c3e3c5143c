// Benchmarks for the topology layer: building, checking and reading sched-domain
// hierarchies of realistic and large machines. Run: build/tools/bench/sbm_bench_topology
// (Release build). Numbers go into issue notes, never into unit tests.
#include <benchmark/benchmark.h>

#include <string>

#include "model/topology/build_sched_domains.h"
#include "model/topology/topology_spec.h"
#include "properties/topo_invariants.h"
#include "traces/topology_dump/read.h"
#include "traces/topology_dump/write.h"

namespace sbm {
namespace {

// 4096 CPUs: 16 nodes x 128 cores x 2 threads, with distances 10 (local), 12 (node pair),
// 20 (quad), 30 (octet), 40 (other half): NODE plus four NUMA levels.
std::string big_4096_spec() {
  std::string distance;
  for (int a = 0; a < 16; ++a) {
    if (a) distance += '/';
    for (int b = 0; b < 16; ++b) {
      const int d = a == b           ? 10
                    : a / 2 == b / 2 ? 12
                    : a / 4 == b / 4 ? 20
                    : a / 8 == b / 8 ? 30
                                     : 40;
      distance += (b ? ":" : "") + std::to_string(d);
    }
  }
  return "sockets=16,cores=128,threads=2,nodes=16,distance=" + distance;
}

MachineSpec spec_of(const std::string& text) {
  SpecParse p = parse_machine_spec(text);
  if (!p.spec) throw std::runtime_error(p.error);
  return *p.spec;
}

const KernelVersion kEra{6, 17, 0};

void BM_Build(benchmark::State& state, const std::string& text) {
  const MachineSpec spec = spec_of(text);
  for (auto _ : state) benchmark::DoNotOptimize(build_sched_domains(spec, kEra, 0));
  state.counters["cpus"] = spec.nr_cpus();
}

void BM_Check(benchmark::State& state, const std::string& text) {
  const Topology topo = build_sched_domains(spec_of(text), kEra, 0);
  for (auto _ : state) benchmark::DoNotOptimize(check_topology(topo));
  state.counters["cpus"] = static_cast<double>(topo.cpus.size());
}

void BM_ReadDmesg(benchmark::State& state, const std::string& text) {
  const std::string dump = write_dmesg(build_sched_domains(spec_of(text), kEra, 0), kEra);
  for (auto _ : state) benchmark::DoNotOptimize(read_topology_dump(dump, "bench"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(dump.size()));
}

BENCHMARK_CAPTURE(BM_Build, big_numa, std::string("big-numa"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Check, big_numa, std::string("big-numa"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadDmesg, big_numa, std::string("big-numa"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Build, numa4096, big_4096_spec())
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Check, numa4096, big_4096_spec())
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace sbm

BENCHMARK_MAIN();
