// sbm trace gen: run the simulator and write its events as a kernel-like trace; registers the
// other trace subcommands (check: cmd_trace_check.cpp, record: cmd_trace_record.cpp).
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "model/mutants.h"
#include "model/profile.h"
#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/sched_hotplug.h"
#include "model/topology/topology_spec.h"
#include "tools/sbm/checked_output.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/progress.h"
#include "traces/trace_write.h"

namespace sbm::cli {

namespace {

struct GenOptions {
  std::string topology = "laptop";
  std::string profile = "v6.17";
  uint64_t ticks = 1000;
  uint64_t seed = 1;
  std::string workload = "churn";
  std::string output = "-";
  unsigned hz = 0;            // 0: the profile's
  unsigned jiffies_bits = 0;  // 0: the profile's
  uint64_t hotplug = 0;       // every N jiffies a CPU goes down or comes up; 0: never
  std::string mutant;         // a mutant of the model writes the trace (model/mutants.h)
  bool quiet = false;         // no progress on stderr
};

// Runs this long show progress on stderr (tools/sbm/progress.h); shorter ones take seconds.
constexpr uint64_t kProgressTicks = 100000;

Profile lookup_profile(const GenOptions& o) {
  ProfileOptions po;
  if (o.hz != 0) po.hz = o.hz;
  if (o.jiffies_bits != 0) po.jiffies_bits = o.jiffies_bits;
  ProfileLookup p = find_profile(o.profile, po);
  if (!p.profile) throw UsageError("--profile: " + p.error);
  if (!o.mutant.empty()) {
    const MutantInfo* m = find_mutant(o.mutant);
    if (!m)
      throw UsageError("--mutant: unknown mutant '" + o.mutant +
                       "' (known: " + std::string(mutant_names()) + ")");
    // The simulator builds its topology with the era's own options: a builder mutant
    // (numa-diameter-groups, ...) changes nothing here; `sbm mutants` checks those builds.
    apply_mutant(m->id, *p.profile, nullptr);
  }
  return *p.profile;
}

// A trace that would outgrow kHugeTrace is announced on standard error: the bytes of its first
// kSampleJiffies, extrapolated to --ticks (the size grows with the CPUs and the workload).
constexpr uint64_t kHugeTrace = uint64_t{10} << 30;
constexpr uint64_t kSampleJiffies = 1000;

void warn_if_huge(uint64_t bytes, uint64_t done, uint64_t ticks) {
  const double estimate = static_cast<double>(bytes) / static_cast<double>(done) * ticks;
  if (estimate < static_cast<double>(kHugeTrace)) return;
  std::cerr << "sbm trace gen: warning: --ticks " << ticks << " will write about "
            << static_cast<uint64_t>(estimate / (1 << 30)) << " GiB (the first " << done
            << " jiffies wrote " << bytes << " bytes)\n";
}

// The command that reproduces the trace, defaults spelled out.
std::string generator_line(const GenOptions& o) {
  std::string line = "sbm trace gen --topology " + o.topology + " --profile " + o.profile +
                     " --ticks " + std::to_string(o.ticks) + " --seed " + std::to_string(o.seed) +
                     " --workload " + o.workload;
  if (o.hz != 0) line += " --hz " + std::to_string(o.hz);
  if (o.jiffies_bits != 0) line += " --jiffies-bits " + std::to_string(o.jiffies_bits);
  if (o.hotplug != 0) line += " --hotplug " + std::to_string(o.hotplug);
  if (!o.mutant.empty()) line += " --mutant " + o.mutant;
  return line;
}

int run_gen(const GenOptions& o) {
  SimConfig config;
  config.profile = lookup_profile(o);
  config.workload = o.workload;
  config.seed = o.seed;
  // A SPEC is built for the profile's era; a dump file (or "-") is simulated as read.
  const bool from_dump = names_a_dump(o.topology);
  if (from_dump) {
    if (o.hotplug != 0)
      throw UsageError(
          "--hotplug needs a topology SPEC: a dump has no machine description to "
          "rebuild the domains from");
    LoadedTopology loaded = load_topology(o.topology, std::nullopt);
    for (const std::string& note : loaded.notes)
      std::cerr << display_name(o.topology) << ": note: " << note << "\n";
    config.topology = std::move(loaded.topology);
  } else {
    config.machine = require_machine_spec(o.topology, "--topology");
  }
  Simulator::Build build = Simulator::create(config);
  if (!build.sim) {
    if (from_dump) throw InputError(display_name(o.topology), build.error_line, build.error);
    throw UsageError(build.error);
  }
  Simulator& sim = *build.sim;

  OutputFile file(o.output);
  std::ostream& out = file.stream();
  TraceWriter writer = start_trace(out, sim, generator_line(o), o.topology);
  TraceObserver observer(writer);
  HotplugSchedule hotplug(o.hotplug, o.seed);
  uint64_t hotplugs = 0;
  Progress progress("sbm trace gen", o.ticks, o.quiet || o.ticks <= kProgressTicks);
  // A write that failed (a full disk, a closed pipe) ends the run; finish() reports it.
  for (uint64_t done = 1; done <= o.ticks && !file.failed(); ++done) {
    sim.run_jiffy(observer);
    if (done == kSampleJiffies && o.ticks > done) warn_if_huge(file.bytes(), done, o.ticks);
    if (done % 1024 == 0 || done == o.ticks) progress.tick(done);
    // Between jiffies nothing is in flight, so a request is refused only as LastCpu would be.
    if (const auto r = hotplug.due(done, sim.machine()))
      hotplugs += (r->online ? sim.cpu_up(r->cpu, observer) : sim.cpu_down(r->cpu, observer)) ==
                  HotplugResult::Done;
  }
  file.finish();
  progress.finish();
  const SimSummary& s = sim.summary();
  std::cerr << "sbm trace gen: " << s.ticks << " ticks, " << s.steps << " steps, " << s.passes
            << " balancing passes, " << s.balances << " balances, " << s.migrations
            << " migrations, " << s.active_balances << " active balances, " << s.serialize_busy
            << " serialize-busy, " << hotplugs << " hotplugs\n";
  return kConforms;
}

std::string workloads_help() {
  std::string s = "Workloads:\n";
  for (const WorkloadInfo& w : workload_names()) {
    std::string name(w.name);
    s += "  " + name + std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') +
         std::string(w.description) + "\n";
  }
  s += "Profiles: ";
  for (const std::string& p : profile_names()) s += p + " ";
  return s + "\n";
}

}  // namespace

void add_trace_commands(CLI::App& app, int& status) {
  CLI::App* trace = app.add_subcommand(
      "trace",
      "Generate kernel-like balancing traces with the simulator (gen), record the running kernel's "
      "(record), and check any trace, a kernel's or another balancer's, against the model (check)");
  trace->require_subcommand(1);
  trace->footer(
      "Examples:\n"
      "  sbm trace gen --topology 2s-numa | sbm trace check -\n"
      "  sbm trace record --seconds 5 -o idle.trace\n"
      "  sbm trace check --keep-going idle.trace");
  auto gen = std::make_shared<GenOptions>();
  CLI::App* g = trace->add_subcommand(
      "gen",
      "Simulate the topology under a kernel-era profile and write every balancing event as an\n"
      "ftrace-style text trace (spec/trace-format.md). Same arguments, same bytes.");
  g->footer(workloads_help() +
            "Examples:\n"
            "  sbm trace gen --topology 2s-numa --ticks 500 -o run.trace\n"
            "  sbm trace gen --profile v2.6.32 --workload numa-imbalance | sbm trace check -\n"
            "  sbm trace gen --topology cores=4,threads=2 --hotplug 50 --seed 7 | head\n");
  g->add_option("--topology", gen->topology,
                "Topology SPEC or preset, or host / host:DIR (this machine's sysfs, or a copy "
                "rooted at DIR), "
                "built for the profile's era (default laptop); or a dump "
                "FILE (or - for stdin) in any format 'sbm topology check' reads, simulated as "
                "read, with the flags and tunables it lacks taken from the era's sd_init()");
  g->add_option("--profile", gen->profile, "Kernel-era profile (default v6.17)");
  g->add_option("--ticks", gen->ticks,
                "Jiffies to simulate, 1 to 100000000 (default 1000); a trace extrapolated to over "
                "10 GiB is warned about on standard error")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100000000}).description(""));
  g->add_option("--seed", gen->seed,
                "Seed of the step interleaving and random workloads (default 1)");
  g->add_option("--workload", gen->workload, "Named workload (default churn)");
  g->add_option("--hz", gen->hz, "CONFIG_HZ (default: the profile's)");
  g->add_option("--jiffies-bits", gen->jiffies_bits,
                "Width of jiffies, 32 or 64 (default: the profile's)");
  g->add_option("--hotplug", gen->hotplug,
                "Every N jiffies take a random CPU down or bring an offline one up (seeded; "
                "default 0: never; spec/simulator.md \"CPU hotplug\")");
  g->add_option("--mutant", gen->mutant,
                "Simulate a buggy variant of the model (spec/mutants.md); 'sbm trace check' of the "
                "trace then replays it against the unmutated model");
  g->add_option("-o,--output", gen->output, "Write the trace to FILE instead of standard output");
  g->add_flag("-q,--quiet", gen->quiet,
              "No progress on stderr (shown beyond 100000 ticks: a live line on a terminal, else a "
              "line every 10 s)");
  g->callback([gen, &status] { status = run_gen(*gen); });
  add_trace_check_command(trace, status);
  add_trace_record_command(trace, status);
  add_trace_view_command(trace, status);
}

}  // namespace sbm::cli
