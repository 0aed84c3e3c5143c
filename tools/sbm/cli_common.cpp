#include "tools/sbm/cli_common.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "model/build_sched_domains.h"
#include "model/topology_spec.h"
#include "traces/topology_dump/read.h"

namespace sbm::cli {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::string read_input(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path, 0, "is a directory; expected a file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path, 0, "cannot open the file");
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::optional<KernelVersion> parse_era_option(const std::string& text, const std::string& option) {
  if (text.empty()) return std::nullopt;
  const auto v = parse_kernel_version(text);
  if (!v) throw UsageError(option + ": expected a kernel version such as v6.17 or 2.6.32, found '" + text + "'");
  return v;
}

bool names_a_dump(const std::string& arg) {
  std::error_code ec;
  return arg == "-" || std::filesystem::exists(arg, ec);
}

LoadedTopology load_topology(const std::string& arg, std::optional<KernelVersion> era) {
  if (names_a_dump(arg)) {
    const std::string name = display_name(arg);
    const std::string text = read_input(arg);
    DumpReadOptions options;
    options.era = era;
    DumpReadResult r = read_topology_dump(text, name, options);
    if (!r.errors.empty()) {
      InputError e(name, r.errors.front().line, r.errors.front().message);
      for (size_t i = 1; i < r.errors.size(); ++i) e.more.emplace_back(r.errors[i].line, r.errors[i].message);
      throw e;
    }
    if (!r.topology) throw InputError(name, 1, "no sched-domain content found");
    return LoadedTopology{std::move(*r.topology), std::move(r.notes), r.ignored_lines};
  }
  const SpecParse spec = parse_machine_spec(arg);
  if (!spec.spec)
    throw UsageError("'" + arg + "' is neither a file nor a topology SPEC: " + spec.error +
                     " (see 'sbm topology build --help' for presets and the SPEC grammar)");
  const KernelVersion build_era = era ? *era : spec.spec->era.value_or(kNewestModelledKernel);
  return LoadedTopology{build_sched_domains(*spec.spec, build_era, 0), {}, 0};
}

int report_error(const InputError& e) {
  auto print = [&](int line, const std::string& message) {
    std::cerr << e.file;
    if (line > 0) std::cerr << ":" << line;
    std::cerr << ": error: " << message << "\n";
  };
  print(e.line, e.what());
  for (const auto& [line, message] : e.more) print(line, message);
  return kBadInput;
}

int report_error(const UsageError& e) {
  std::cerr << "sbm: error: " << e.what() << "\n";
  return kBadInput;
}

}  // namespace sbm::cli
