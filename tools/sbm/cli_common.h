// Conventions shared by every sbm command (spec/design.md, "CLI conventions").
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/kernel_version.h"
#include "model/topology.h"
#include "model/topology/topology_spec.h"

namespace sbm::cli {

// Exit status of every command.
enum Exit : int {
  kConforms = 0,   // conforms / proved within bound / sound
  kViolation = 1,  // violation or counterexample
  kBadInput = 2,   // bad input or usage
  kUnknown = 3,    // solver timeout or resource limit; never reported as proved
};

// Bad input with a location: printed as "file:line: error: message", exit 2. A reader
// that found several bad lines reports all of them (`more`), so nothing is lost.
// The worse of two exit statuses, for a command over many inputs: bad input, then a violation,
// then unknown, then conforms.
int worse(int a, int b);

struct InputError : std::runtime_error {
  InputError(std::string file_, int line_, std::string message)
      : std::runtime_error(std::move(message)), file(std::move(file_)), line(line_) {}
  std::string file;
  int line;
  std::vector<std::pair<int, std::string>> more;  // further (line, message) of the same file
};

// A usage mistake (bad flag value, unknown preset): "sbm: error: message", exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads FILE, or standard input for "-". Throws InputError when it cannot be read.
std::string read_input(const std::string& path);
// "<stdin>" for "-", else the path as given.
std::string display_name(const std::string& path);

// Parses --era style kernel versions ("" when the option was not given: nullopt); throws
// UsageError naming the option.
std::optional<KernelVersion> parse_era_option(const std::string& text, const std::string& option);

// A topology named on the command line: "host" or "host:DIR" is the machine of a sysfs tree
// (/sys, or a copy of it rooted at DIR); an existing file or "-" is read as a dump (format
// auto-detected); anything else must be a SPEC (preset name or key=value description).
// Throws InputError for unreadable dumps and sysfs files, UsageError for unknown SPECs.
// True when a topology argument names a sysfs tree: "host" or "host:DIR".
bool names_host(const std::string& arg);
// True when a topology argument names a dump to read: "-" or an existing path, not a host.
bool names_a_dump(const std::string& arg);
// The machine of a topology argument that names no dump: the host's, read from sysfs with
// explicit arch masks (traces/host_topology/) and, for "host", era = the newest profile not
// newer than the running kernel (uname); or parse_machine_spec(arg), error included.
SpecParse machine_spec_of(const std::string& arg);
// machine_spec_of(arg), or the error of an argument that names neither a dump nor a machine:
// a word without '=' is "No such file or directory" (with the SPEC's error when it could be a
// misspelled preset, no '/' or '.' in it); a key=value SPEC's error names `option`.
MachineSpec require_machine_spec(const std::string& arg, const std::string& option);
struct LoadedTopology {
  Topology topology;
  std::vector<std::string> notes;  // reader notes, e.g. the flag layout it assumed
  int ignored_lines = 0;
};
// A topology built or read from `arg`, `era` overriding the machine's (a SPEC's era=, the
// host's kernel) and the dump's detected era. `sbm trace record` gets the host's with
// load_topology("host", era).
LoadedTopology load_topology(const std::string& arg, std::optional<KernelVersion> era);

// "file:line: error: message", one line for each error of the input (line 0: no ":line").
std::string error_text(const InputError& e);
// Prints the error the way every command does and returns the exit status for it.
int report_error(const InputError& e);
int report_error(const UsageError& e);

}  // namespace sbm::cli
