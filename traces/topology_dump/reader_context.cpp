#include "traces/topology_dump/reader_context.h"

#include <algorithm>

#include "traces/topology_dump/lines.h"

namespace sbm {

void ReaderContext::error(int line, std::string message) {
  if (static_cast<int>(errors_.size()) >= kMaxDumpErrors) {
    ++suppressed_errors_;
    last_error_line_ = line;
    return;
  }
  errors_.push_back(DumpDiagnostic{line, std::move(message)});
}

void ReaderContext::note(std::string text) { notes_.push_back(std::move(text)); }

std::optional<int> ReaderContext::cpu_id(std::string_view digits, int line) {
  const auto value = parse_decimal(digits, kMaxCpus - 1);
  if (!value) {
    error(line,
          "expected a CPU number below " + std::to_string(kMaxCpus) + ", found " + quoted(digits));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<int> ReaderContext::domain_index(std::string_view digits, int line) {
  const auto value = parse_decimal(digits, kMaxDomainLevels - 1);
  if (!value) {
    error(line, "expected a domain index below " + std::to_string(kMaxDomainLevels) + ", found " +
                    quoted(digits));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

DumpReadResult ReaderContext::finish() {
  if (suppressed_errors_ > 0)
    errors_.push_back(DumpDiagnostic{
        last_error_line_, "expected at most " + std::to_string(kMaxDumpErrors) + " errors, found " +
                              std::to_string(suppressed_errors_) + " more (not listed)"});
  DumpReadResult result;
  if (read_anything()) {
    const CpuMask all = topology_.all_cpus();
    topology_.nr_cpu_ids = std::max(topology_.nr_cpu_ids, all.last() + 1);
    if (options_.era) topology_.era = options_.era;
    result.topology = std::move(topology_);
  }
  result.errors = std::move(errors_);
  result.ignored_lines = ignored_lines_;
  result.notes = std::move(notes_);
  return result;
}

}  // namespace sbm
