#include "tools/sbm/cli_common.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <sys/utsname.h>

#include "model/profile.h"
#include "model/topology/build_sched_domains.h"
#include "traces/host_topology/host_machine.h"
#include "traces/topology_dump/read.h"

namespace sbm::cli {

int worse(int a, int b) {
  const auto rank = [](int status) {
    switch (status) {
      case kConforms:
        return 0;
      case kUnknown:
        return 1;
      case kViolation:
        return 2;
      default:
        return 3;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

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
  if (!f) throw InputError(path, 0, std::string("cannot open the file: ") + std::strerror(errno));
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::optional<KernelVersion> parse_era_option(const std::string& text, const std::string& option) {
  if (text.empty()) return std::nullopt;
  const auto v = parse_kernel_version(text);
  if (!v)
    throw UsageError(option + ": expected a kernel version such as v6.17 or 2.6.32, found '" +
                     text + "'");
  return v;
}

bool names_host(const std::string& arg) { return arg == "host" || arg.rfind("host:", 0) == 0; }

bool names_a_dump(const std::string& arg) {
  std::error_code ec;
  return !names_host(arg) && (arg == "-" || std::filesystem::exists(arg, ec));
}

namespace {

// The era of the running kernel: the newest profile not newer than uname's release.
KernelVersion running_kernel_era() {
  utsname u{};
  if (uname(&u) != 0) throw UsageError("host: uname() failed; give --era");
  const auto running = parse_kernel_version(u.release);
  if (!running)
    throw UsageError(std::string("host: cannot read the kernel release '") + u.release +
                     "'; give --era");
  const std::optional<std::string> era = profile_for_release(*running);
  if (!era)
    throw UsageError("host: the running kernel " + running->str() +
                     " is older than every profile; give --era");
  return find_profile(*era).profile->version;
}

MachineSpec host_machine(const std::string& arg) {
  const std::string root = arg == "host" ? "/sys" : arg.substr(5);
  if (root.empty())
    throw UsageError(
        "'host:' needs a directory: host:DIR reads DIR/devices/system/cpu and "
        "DIR/devices/system/node");
  const SysfsRead read = read_sysfs_topology(root);
  if (!read.topology) throw InputError(read.file, 1, read.error);
  HostMachine host = host_machine_spec(*read.topology, arg);
  if (!host.spec) throw InputError(root + "/devices/system/cpu", 1, host.error);
  if (arg == "host") host.spec->era = running_kernel_era();
  return std::move(*host.spec);
}

}  // namespace

SpecParse machine_spec_of(const std::string& arg) {
  if (names_host(arg)) return SpecParse{host_machine(arg), {}};
  return parse_machine_spec(arg);
}

MachineSpec require_machine_spec(const std::string& arg, const std::string& option) {
  SpecParse spec = machine_spec_of(arg);
  if (spec.spec) return std::move(*spec.spec);
  const std::string see = " (see 'sbm topology build --help' for presets and the SPEC grammar)";
  if (arg.find('=') == std::string::npos) {
    if (arg.find_first_of("/.") != std::string::npos)
      throw InputError(arg, 0, "No such file or directory");
    throw InputError(arg, 0, "No such file or directory, nor a topology SPEC: " + spec.error + see);
  }
  throw UsageError((option.empty() ? "" : option + ": ") + "'" + arg +
                   "' is not a topology SPEC: " + spec.error + see);
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
      for (size_t i = 1; i < r.errors.size(); ++i)
        e.more.emplace_back(r.errors[i].line, r.errors[i].message);
      throw e;
    }
    if (!r.topology) throw InputError(name, 1, "no sched-domain content found");
    return LoadedTopology{std::move(*r.topology), std::move(r.notes), r.ignored_lines};
  }
  const MachineSpec spec = require_machine_spec(arg, "");
  const KernelVersion build_era = era ? *era : spec.era.value_or(kNewestModelledKernel);
  return LoadedTopology{build_sched_domains(spec, build_era, 0), {}, 0};
}

std::string error_text(const InputError& e) {
  std::string text;
  const auto add = [&](int line, const std::string& message) {
    text += e.file + (line > 0 ? ":" + std::to_string(line) : "") + ": error: " + message + "\n";
  };
  add(e.line, e.what());
  for (const auto& [line, message] : e.more) add(line, message);
  return text;
}

int report_error(const InputError& e) {
  std::cerr << error_text(e);
  return kBadInput;
}

int report_error(const UsageError& e) {
  std::cerr << "sbm: error: " << e.what() << "\n";
  return kBadInput;
}

}  // namespace sbm::cli
