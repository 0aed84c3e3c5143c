// Benchmark of the streaming trace reader (traces/trace_reader.h): records and megabytes per
// second of TraceReader::next() plus parse_trace_fields() on every event, and of the replay's
// event reading (traces/trace_events_read.h) with and without its in-order reading, over ~50 MB of
// sbm's own trace format written once by the simulator (2s-numa, v6.17, numa-imbalance).
// The trace-conformance goal is >= 5 million events/s on one core. Run:
// build/bench/sbm_bench_trace_read (Release build). Numbers go into issue notes, never into
// unit tests.
#include <benchmark/benchmark.h>

#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "traces/trace_events_read.h"
#include "traces/trace_fields.h"
#include "traces/trace_reader.h"
#include "traces/trace_write.h"

namespace sbm {
namespace {

// About 50 MB of trace text (5000 ticks give ~10 kB a tick on 32 CPUs).
std::string& trace_text() {
  static std::string text = [] {
    SimConfig c;
    SpecParse spec = parse_machine_spec("2s-numa");
    if (!spec.spec) throw std::runtime_error(spec.error);
    c.machine = *spec.spec;
    c.profile = *find_profile("v6.17").profile;
    c.workload = "numa-imbalance";
    Simulator::Build b = Simulator::create(c);
    if (!b.sim) throw std::runtime_error(b.error);
    std::ostringstream out;
    TraceWriter writer = start_trace(out, *b.sim, "bench", "2s-numa");
    TraceObserver all(writer);
    b.sim->run_ticks(5000, all);
    return out.str();
  }();
  return text;
}

// An istream over the text in place (no copy per iteration).
class MemoryBuf final : public std::streambuf {
 public:
  explicit MemoryBuf(std::string& s) { setg(s.data(), s.data(), s.data() + s.size()); }
};

// Reads the whole trace once, calling `on_event` for each event record; counts the records
// and events read into `records` and `events`.
template <class OnEvent>
void read_whole_trace(std::string& text, uint64_t& records, uint64_t& events, OnEvent on_event) {
  MemoryBuf buf(text);
  std::istream in(&buf);
  TraceReader reader(in);
  while (const TraceRecord* r = reader.next()) {
    ++records;
    if (r->kind != TraceRecordKind::Event) continue;
    ++events;
    on_event(*r);
  }
}

// One iteration = the whole trace: every record, and with argument 1 the fields of every
// event too (argument 0: lexing alone).
void BM_ReadTrace(benchmark::State& state) {
  const bool with_fields = state.range(0) != 0;
  std::string& text = trace_text();
  std::vector<TraceField> fields;
  uint64_t records = 0;
  uint64_t events = 0;
  for (auto _ : state)
    read_whole_trace(text, records, events, [&](const TraceRecord& r) {
      if (with_fields) parse_trace_fields(r.fields, fields);
      benchmark::DoNotOptimize(with_fields ? fields.size() : r.fields.size());
    });
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["MB_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * text.size()) / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadTrace)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// One iteration = the whole trace read into the replay's events (read_trace_event()), with
// argument 1 in the writer's layout item by item (InOrderFields), with 0 every item looked up
// by key (read_trace_event_the_long_way()): what the in-order reading saves.
void BM_ReadEvents(benchmark::State& state) {
  const bool in_order = state.range(0) != 0;
  std::string& text = trace_text();
  TraceFields fields;
  TraceEventRead event;
  uint64_t records = 0;
  uint64_t events = 0;
  for (auto _ : state)
    read_whole_trace(text, records, events, [&](const TraceRecord& r) {
      if (in_order)
        read_trace_event(r, fields, event);
      else
        read_trace_event_the_long_way(r, fields, event);
      benchmark::DoNotOptimize(event.kind);
    });
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadEvents)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sbm

BENCHMARK_MAIN();
