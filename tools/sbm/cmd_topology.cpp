// sbm topology check|build|show.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/topology/topology_spec.h"
#include "properties/topo_invariants.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/cli_tree.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/graphviz.h"
#include "tools/sbm/report.h"
#include "tools/sbm/topology_html.h"
#include "tools/sbm/topology_view.h"
#include "traces/topology_dump/write.h"
#include "traces/topology_picture/topology_picture.h"

namespace sbm::cli {

namespace {

std::string count(size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

int count_domains(const Topology& t) {
  int n = 0;
  for (const auto& [cpu, chain] : t.cpus) n += static_cast<int>(chain.domains.size());
  return n;
}

const SchedDomain* domain_of(const Topology& t, int cpu, int level) {
  const CpuDomains* chain = t.find(cpu);
  if (chain == nullptr || level < 0 || static_cast<size_t>(level) >= chain->domains.size())
    return nullptr;
  return &chain->domains[static_cast<size_t>(level)];
}

// Violations from the checker carry no file name; the report adds the input's.
std::vector<Violation> with_file(std::vector<Violation> vs, const std::string& file) {
  for (Violation& v : vs) v.file = file;
  return vs;
}

// The reader's notes, then the checker's (what a verdict assumed).
std::vector<std::string> all_notes(const LoadedTopology& lt, const TopoCheckReport& r) {
  std::vector<std::string> notes = lt.notes;
  notes.insert(notes.end(), r.notes.begin(), r.notes.end());
  return notes;
}

void print_text(const std::string& file, const LoadedTopology& lt, const TopoCheckReport& r,
                const std::vector<Violation>& violations, const Judged& judged, bool quiet) {
  const Topology& t = lt.topology;
  std::cout << "== " << file << ": " << t.source.format;
  if (t.era) std::cout << ", " << t.era->str();
  std::cout << ", " << count(t.cpus.size(), "CPU") << ", "
            << count(static_cast<size_t>(count_domains(t)), "domain");
  if (lt.ignored_lines > 0)
    std::cout << ", " << count(static_cast<size_t>(lt.ignored_lines), "unrelated line")
              << " ignored";
  std::cout << "\n";
  for (const std::string& note : all_notes(lt, r)) std::cout << "note: " << note << "\n";
  if (!quiet) {
    for (const DomainVerdict& d : r.domains) {
      const SchedDomain* sd = domain_of(t, d.cpu, d.level);
      std::string label = "CPU" + std::to_string(d.cpu) + " domain-" + std::to_string(d.level);
      if (!d.name.empty()) label += " " + d.name;
      if (sd != nullptr && sd->span) label += " span=" + sd->span->to_cpulist();
      std::cout << "  " << label << std::string(label.size() < 40 ? 40 - label.size() : 1, ' ')
                << outcome_name(d.outcome) << "\n";
    }
  }
  for (const Violation& v : violations) std::cout << format_violation(v) << "\n";
  std::cout << checks_summary_text(r.checks);
  std::cout << "result: " << file << ": " << verdict_text(violations, judged, "sound") << "\n";
}

// One input's entry of --json: every key present whatever became of the input, null or empty
// where it gave nothing (an unreadable file has errors and nothing else).
nlohmann::json file_entry(const std::string& file) {
  const nlohmann::json none = nullptr;
  return {{"file", file},
          {"format", none},
          {"era", none},
          {"result", "error"},
          {"verdict", none},
          {"judged", none},
          {"cpus", none},
          {"domains_total", none},
          {"ignored_lines", none},
          {"notes", nlohmann::json::array()},
          {"domains", nlohmann::json::array()},
          {"violations", nlohmann::json::array()},
          {"checks", nlohmann::json::array()},
          {"errors", nlohmann::json::array()}};
}

nlohmann::json file_json(const std::string& file, const LoadedTopology& lt,
                         const TopoCheckReport& r, const std::vector<Violation>& violations,
                         const Judged& judged) {
  const Topology& t = lt.topology;
  nlohmann::json j = file_entry(file);
  j["format"] = t.source.format;
  j["era"] = json_or_null(t.era.has_value(), t.era ? t.era->str() : "");
  j["result"] = verdict_word(verdict_of(violations, judged), "sound");
  j["verdict"] = verdict_text(violations, judged, "sound");
  j["judged"] = judged_json(judged);
  j["cpus"] = t.cpus.size();
  j["domains_total"] = count_domains(t);
  j["ignored_lines"] = lt.ignored_lines;
  j["notes"] = all_notes(lt, r);
  for (const DomainVerdict& d : r.domains) {
    const SchedDomain* sd = domain_of(t, d.cpu, d.level);
    const bool spanned = sd != nullptr && sd->span;
    j["domains"].push_back(
        {{"cpu", d.cpu},
         {"level", d.level},
         {"outcome", outcome_name(d.outcome)},
         {"name", json_or_null(!d.name.empty(), d.name)},
         {"line", json_or_null(d.line > 0, d.line)},
         {"span", json_or_null(spanned, spanned ? sd->span->to_cpulist() : "")}});
  }
  for (const Violation& v : violations) j["violations"].push_back(violation_json(v));
  for (const CheckSummary& c : r.checks) j["checks"].push_back(check_summary_json(c));
  return j;
}

// The picture's caption: a file's base name (never a directory path), or the SPEC as given.
std::string picture_caption(const std::string& arg) {
  if (arg == "-") return display_name(arg);
  if (names_host(arg) && arg.rfind("host:", 0) == 0)
    return "host:" + std::filesystem::path(arg.substr(5)).filename().string();
  if (names_a_dump(arg)) return std::filesystem::path(arg).filename().string();
  return arg;
}

// The entry of an input that could not be read: its errors, line 0 where the error has no line.
nlohmann::json error_json(const std::string& file, const InputError& e) {
  nlohmann::json j = file_entry(file);
  j["errors"].push_back({{"line", e.line}, {"message", e.what()}});
  for (const auto& [line, message] : e.more)
    j["errors"].push_back({{"line", line}, {"message", message}});
  return j;
}

struct CheckOptions {
  std::vector<std::string> files;
  bool json = false;
  bool quiet = false;
  std::string junit;
  std::string html;
  std::string era;
  std::string require;
};

int run_check(const CheckOptions& o) {
  const std::optional<KernelVersion> era = parse_era_option(o.era, "--era");
  std::vector<std::string> known;
  for (const InvariantInfo& i : topo_invariants()) known.push_back(i.id);
  const RequiredChecks required(o.require, known);
  int status = kConforms;
  nlohmann::json files = nlohmann::json::array();
  std::vector<JUnitSuite> suites;
  std::vector<TopologyHtmlSection> pages;
  for (const std::string& arg : o.files) {
    const std::string name = display_name(arg);
    const auto started = std::chrono::system_clock::now();
    // An input that cannot be read (a missing file is no SPEC either) is the error of that
    // input; the others are still checked and both reports still written.
    try {
      try {
        const LoadedTopology lt = load_topology(arg, era);
        const TopoCheckReport r = check_topology(lt.topology);
        const std::vector<Violation> violations = with_file(r.violations, name);
        const Judged judged = judged_of(r.checks, required);
        if (o.json)
          files.push_back(file_json(name, lt, r, violations, judged));
        else
          print_text(name, lt, r, violations, judged, o.quiet);
        suites.push_back(junit_suite(name, r.checks, violations, required));
        const int verdict = verdict_exit(verdict_of(violations, judged));
        if (!o.html.empty()) {
          TopologyHtmlSection page{name,
                                   verdict_text(violations, judged, "sound"),
                                   verdict == kViolation,
                                   "",
                                   {},
                                   checks_summary_text(r.checks)};
          page.svg =
              dot_to_svg(topology_picture_dot(lt.topology, r, {picture_caption(arg), false}));
          for (const Violation& v : violations) page.findings.push_back(format_violation(v));
          pages.push_back(std::move(page));
        }
        status = worse(status, verdict);
      } catch (const UsageError& e) {
        throw InputError(name, 0, e.what());
      }
    } catch (const InputError& e) {
      report_error(e);
      files.push_back(error_json(name, e));
      suites.push_back(junit_error_suite(name, error_text(e)));
      TopologyHtmlSection page{name, "error", false, "", {}, ""};
      std::istringstream lines(error_text(e));  // as stderr shows them
      for (std::string line; std::getline(lines, line);) page.findings.push_back(line);
      pages.push_back(std::move(page));
      status = kBadInput;
    }
    junit_timed(suites.back(), started);
  }
  if (o.json) {
    nlohmann::json doc = json_envelope("topology check");
    doc["result"] = status_word(status, "sound");
    doc["files"] = std::move(files);
    std::cout << json_text(doc);
  }
  if (!o.junit.empty()) write_output(o.junit, junit_xml("sbm topology check", suites));
  if (!o.html.empty()) write_output(o.html, topology_check_html(pages));
  return status;
}

// The output formats of `topology build`, each a writer of traces/topology_dump/write.h.
using DumpWriter = std::string (*)(const Topology&, KernelVersion);
const std::map<std::string, DumpWriter>& dump_writers() {
  static const std::map<std::string, DumpWriter> kWriters = {{"dmesg", write_dmesg},
                                                             {"debugfs", write_debugfs},
                                                             {"sysctl", write_sysctl},
                                                             {"schedstat", write_schedstat}};
  return kWriters;
}

std::vector<std::string> dump_writer_names() {
  std::vector<std::string> names;
  for (const auto& [name, writer] : dump_writers()) names.push_back(name);
  return names;
}

struct BuildOptions {
  std::string spec;
  std::string era;
  std::string format = "dmesg";
  std::string output = "-";
};

int run_build(const BuildOptions& o) {
  const std::optional<KernelVersion> era = parse_era_option(o.era, "--era");
  std::error_code ec;
  if (!names_host(o.spec) && std::filesystem::exists(o.spec, ec))
    throw UsageError("'" + o.spec +
                     "' is a file; 'topology build' takes a SPEC (use 'topology show' for dumps)");
  const LoadedTopology lt = load_topology(o.spec, era);
  const KernelVersion out_era = lt.topology.era.value_or(kNewestModelledKernel);
  write_output(o.output, dump_writers().at(o.format)(lt.topology, out_era));
  return kConforms;
}

struct ShowOptions {
  std::string input;
  std::string era;
  bool dot = false;
  bool svg = false;
  bool unfold = false;
};

int run_show(const ShowOptions& o) {
  const std::optional<KernelVersion> era = parse_era_option(o.era, "--era");
  const LoadedTopology lt = load_topology(o.input, era);
  if (!o.dot && !o.svg) {
    std::cout << render_topology_tree(lt.topology);
    return kConforms;
  }
  const std::string dot = topology_picture_dot(lt.topology, check_topology(lt.topology),
                                               {picture_caption(o.input), o.unfold});
  std::cout << (o.svg ? dot_to_svg(dot) : dot);
  return kConforms;
}

std::string presets_help() {
  std::string s = "Presets:\n";
  for (const MachinePreset& p : machine_presets()) {
    std::string name(p.name);
    s += "  " + name + std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') +
         std::string(p.description) + "\n";
  }
  return s;
}

}  // namespace

void add_topology_commands(CLI::App& app, int& status) {
  CLI::App* topo = app.add_subcommand("topology", "Build, check and show sched-domain hierarchies");
  topo->require_subcommand(1);
  topo->footer(
      "Examples:\n"
      "  sbm topology check boot.log\n"
      "  sbm topology build 2s-numa --era v4.19\n"
      "  sbm topology show host --dot | dot -Tsvg > host.svg");

  auto check = std::make_shared<CheckOptions>();
  CLI::App* c = topo->add_subcommand(
      "check",
      "Check sched-domain dumps against the TOPO invariants (spec/invariants.md).\n"
      "Reads dmesg (sched_verbose, old and new layouts), debugfs, sysctl and /proc/schedstat\n"
      "dumps, auto-detected; syslog prefixes, mail quoting and unrelated lines are tolerated.\n"
      "The verdict says how many checks judged each dump and which could not; --require makes a\n"
      "named check that could not judge a failure. With many files the exit is the worst one's.\n"
      "Exit: 0 sound, 1 violations or a required check not judged, 2 unreadable input, 3 not\n"
      "checkable (no check could look at the input, e.g. a listing of level names only).");
  c->add_option("files", check->files,
                "Dump files, or - for standard input; a SPEC checks a built topology")
      ->required();
  cli::add_report_options(*c, check->json, check->junit);
  c->add_option("--html", check->html,
                "Also write a self-contained HTML report to FILE: each input's picture (graphviz) "
                "next to its findings");
  c->add_flag("-q,--quiet", check->quiet,
              "Print violations and the summary only, not every domain");
  c->add_option("--era", check->era,
                "Kernel the dump came from (e.g. v5.4), where the text is ambiguous");
  c->add_option("--require", check->require,
                "Fail (exit 1) when one of these checks could not judge a dump: ID[,ID...] or all")
      ->type_name("ID,...");
  c->footer(
      "Examples:\n"
      "  dmesg | sbm topology check -\n"
      "  sbm topology check --era v2.6.12 old-boot.log     (single-CPU domains were kept before "
      "v2.6.13)\n"
      "  sbm topology check --json sched_domain-cat.txt    (cat .../cpu0/domain*/{name,flags} "
      "output)\n"
      "  sbm topology check --require all boot.log         (fail unless every TOPO check judged)\n"
      "  sbm topology check --html report.html boot.log    (the picture next to the findings)");
  c->callback([check, &status] { status = run_check(*check); });

  auto build = std::make_shared<BuildOptions>();
  CLI::App* b = topo->add_subcommand(
      "build",
      "Build a topology with the model's build_sched_domains() and print it as the kernel would.\n"
      "SPEC is a preset or a description such as\n"
      "  sockets=2,cores=8,threads=2,nodes=2,distance=10:20/20:10\n"
      "(full grammar in spec/topology-builder.md); or 'host', this machine as its sysfs\n"
      "describes it (/sys/devices/system/cpu and node), built for the era of the running kernel\n"
      "(the newest profile not newer than uname -r), or 'host:DIR', a sysfs copy rooted at DIR.");
  b->footer(presets_help() +
            "Examples:\n"
            "  sbm topology build 2s-numa --era v4.19\n"
            "  sbm topology build host\n"
            "  sbm topology build host:tests/data/sysfs/x86-2s-numa --format debugfs\n");
  b->add_option("spec", build->spec, "Preset name, SPEC, host or host:DIR")->required();
  b->add_option("--era", build->era,
                "Kernel version whose builder and print format to use (default: host's kernel, a "
                "SPEC's era=, else v6.19)");
  b->add_option(
       "--format", build->format,
       "Output format: dmesg (sched_verbose, the era's layout), debugfs, sysctl, schedstat")
      ->check(CLI::IsMember(dump_writer_names()));
  b->add_option("-o,--output", build->output, "Write to FILE instead of standard output");
  b->callback([build, &status] { status = run_build(*build); });

  auto show = std::make_shared<ShowOptions>();
  CLI::App* s = topo->add_subcommand(
      "show",
      "Show a dump, SPEC or host machine as a tree of distinct domains, or as a picture:\n"
      "Graphviz DOT (--dot) or SVG (--svg, drawn by graphviz's dot). The picture has one box per\n"
      "distinct domain with its groups (capacity, balance mask) inside; identical sibling\n"
      "domains fold into one box (\"8 x SMT {0-1} ... {14-15}\") unless --unfold; what the\n"
      "TOPO checks find violated is red and named.");
  s->footer(
      "Examples:\n"
      "  sbm topology show host\n"
      "  sbm topology show kunpeng --era v5.8 --svg > kunpeng.svg\n"
      "  sbm topology show --unfold --dot boot.log | dot -Tpng > boot.png\n");
  s->add_option("input", show->input,
                "Dump file, - for standard input, SPEC, host or host:DIR (sysfs)")
      ->required();
  CLI::Option* dot = s->add_flag("--dot", show->dot, "Print the picture as Graphviz DOT");
  s->add_flag("--svg", show->svg,
              "Print the picture as SVG (runs graphviz's dot; Debian package graphviz)")
      ->excludes(dot);
  s->add_flag("--unfold", show->unfold, "In the picture, one box per domain: fold no siblings");
  s->add_option("--era", show->era,
                "Kernel version (for SPECs: the builder's era; for dumps: a hint)");
  s->callback([show, &status] { status = run_show(*show); });
}

}  // namespace sbm::cli
