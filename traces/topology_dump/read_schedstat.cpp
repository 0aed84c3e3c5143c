// /proc/schedstat (show_schedstat(), kernel/sched/stats.c):
//   version 17
//   timestamp 4295019418
//   cpu0 0 0 39 5 27 12 1020403 51811 41                     (9 counters in v15+)
//   domain0 MC ff 0 0 ...                                    (v17: name, mask, 45 counters)
//   domain0 ff 0 0 ...                                       (v15/v16: mask, 36 counters)
// Masks are hex words sized to nr_cpu_ids (%*pb). Posts often cut lines short or drop the
// version and timestamp lines; fewer counters are accepted, and without a version line a
// second field that is not a hex mask is taken for the v17 domain name.
#include "traces/topology_dump/detect.h"
#include "traces/topology_dump/eras.h"
#include "traces/topology_dump/readers.h"

namespace sbm {

namespace {

constexpr int kV15Counters = 36;  // 3 idle types x 8 lb counters + 12
constexpr int kV17Counters = 45;  // 3 idle types x 11 lb counters + 12
constexpr int kCpuCounters = 9;   // yld_count, 0, sched_count, ..., pcount (v15+)

bool is_hex_mask_token(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t)
    if (!is_hex_digit(c) && c != ',') return false;
  return true;
}

class SchedstatReader {
 public:
  explicit SchedstatReader(ReaderContext& ctx) : ctx_(ctx) {}
  void read(const std::vector<DumpLine>& lines);

 private:
  void version(const DumpLine& l, std::string_view number);
  void cpu(const DumpLine& l, std::string_view rest);
  void domain(const DumpLine& l, std::string_view rest);
  // Checks the counters after the fixed fields; false (and an error) if any is bad or
  // there are more than max. With exact, fewer than max counts as a line cut short.
  bool counters(const DumpLine& l, std::string_view rest, int max, bool exact,
                std::string_view what);

  ReaderContext& ctx_;
  std::optional<int> version_;
  std::optional<int> cpu_;  // the CPU whose domain lines follow
  int truncated_ = 0;
  int names_inferred_ = 0;
  int repeated_cpus_ = 0;
  bool has_cpu_lines_ = false;
  int domains_without_cpu_ = 0;  // domain lines of a file without any cpuN line
};

void SchedstatReader::read(const std::vector<DumpLine>& lines) {
  for (const DumpLine& l : lines) {
    std::string_view s = l.text;
    has_cpu_lines_ = has_cpu_lines_ || (consume(s, "cpu") && !take_digits(s).empty());
  }
  for (const DumpLine& l : lines) {
    if (l.text.empty()) continue;
    if (!is_schedstat_line(l.text)) {
      ctx_.ignore_line();
      continue;
    }
    std::string_view s = l.text;
    if (consume(s, "version "))
      version(l, s);
    else if (consume(s, "timestamp "))
      continue;
    else if (consume(s, "cpu"))
      cpu(l, s);
    else if (consume(s, "domain"))
      domain(l, s);
  }
  if (truncated_ > 0)
    ctx_.note(std::to_string(truncated_) +
              " lines carry fewer counters than their version "
              "prints (cut short in the post)");
  if (names_inferred_ > 0)
    ctx_.note("no version line: " + std::to_string(names_inferred_) +
              " domain lines read as v17 (a level name before the mask)");
  if (domains_without_cpu_ > 0)
    ctx_.note(std::to_string(domains_without_cpu_) +
              " domain lines come without the cpuN lines that say whose domains they are "
              "(grep domain /proc/schedstat?): no CPU's chain is in the input");
  if (repeated_cpus_ > 0)
    ctx_.note(std::to_string(repeated_cpus_) + " CPUs appear twice; the last listing is used");
  ctx_.topology().source.format = "schedstat";
}

void SchedstatReader::version(const DumpLine& l, std::string_view number) {
  const auto v = parse_decimal(number, 1000);
  if (!v) {
    ctx_.error(l.number, "expected a schedstat version number, found " + quoted(number));
    return;
  }
  version_ = static_cast<int>(*v);
  // show_schedstat() printed version 16 from v6.10 and 17 from v6.14 (eras.h).
  if (*version_ >= 16)
    ctx_.topology().source.layout_from = *version_ >= 17 ? kSchedstatV17 : kSchedstatV16;
  if (*version_ < 15 || *version_ > 17)
    ctx_.note("schedstat version " + std::to_string(*version_) +
              ": domain lines read like version " + (*version_ > 17 ? "17" : "15"));
}

bool SchedstatReader::counters(const DumpLine& l, std::string_view rest, int max, bool exact,
                               std::string_view what) {
  int n = 0;
  while (true) {
    const std::string_view word = take_word(rest);
    if (word.empty()) break;
    if (!parse_decimal(word, UINT64_MAX)) {
      ctx_.error(l.number,
                 "expected a counter in the " + std::string(what) + " line, found " + quoted(word));
      return false;
    }
    ++n;
  }
  if (n > max) {
    ctx_.error(l.number, "expected at most " + std::to_string(max) + " counters in the " +
                             std::string(what) + " line, found " + std::to_string(n));
    return false;
  }
  if (exact && n < max) ++truncated_;
  return true;
}

void SchedstatReader::cpu(const DumpLine& l, std::string_view rest) {
  cpu_.reset();
  const auto id = ctx_.cpu_id(take_digits(rest), l.number);
  // Versions before 15 printed more run-queue counters; accept up to 64 there.
  const bool old = version_ && *version_ < 15;
  if (!id || !counters(l, rest, old ? 64 : kCpuCounters, !old, "cpu")) return;
  Topology& topo = ctx_.topology();
  if (topo.cpus.count(*id) != 0) ++repeated_cpus_;
  topo.cpus[*id] = CpuDomains{{}, l.number};
  cpu_ = id;
}

void SchedstatReader::domain(const DumpLine& l, std::string_view rest) {
  if (!cpu_ && !has_cpu_lines_) {
    ++domains_without_cpu_;
    ctx_.read_without_cpu();
    return;
  }
  if (!cpu_) {
    ctx_.error(l.number,
               "expected a cpuN line before this domain line, found it outside a "
               "CPU block");
    return;
  }
  const auto index = ctx_.domain_index(take_digits(rest), l.number);
  if (!index) return;
  CpuDomains& chain = ctx_.topology().cpus[*cpu_];
  const int expected = static_cast<int>(chain.domains.size());
  if (*index != expected) {
    ctx_.error(l.number, "expected domain" + std::to_string(expected) + " of cpu" +
                             std::to_string(*cpu_) + ", found domain" + std::to_string(*index));
    return;
  }
  SchedDomain sd;
  sd.line = l.number;
  // "domain%d %s %*pb": an empty name leaves two blanks before the mask.
  const bool empty_name = rest.substr(0, 2) == "  ";
  std::string_view first = take_word(rest);
  bool named = version_ ? *version_ >= 17 : false;
  if (!version_ && !is_hex_mask_token(first)) {
    named = true;
    ++names_inferred_;
  }
  std::string_view mask_token = first;
  if (named && !empty_name) {
    sd.name = std::string(first);
    mask_token = take_word(rest);
  }
  const MaskParse span = parse_cpumask_hex(mask_token);
  if (!span.mask) {
    ctx_.error(l.number, "expected a hex cpumask in domain" + std::to_string(*index) + ", found " +
                             (mask_token.empty() ? "end of line" : quoted(mask_token)) + " (" +
                             span.error + ")");
    return;
  }
  sd.span = span.mask;
  // Versions before 15 differ in their counters; they are checked to be numbers only.
  const bool old = version_ && *version_ < 15;
  const int max = named ? kV17Counters : old ? 64 : kV15Counters;
  if (!counters(l, rest, max, !old, "domain")) return;
  chain.domains.push_back(std::move(sd));
}

}  // namespace

void read_schedstat(const std::vector<DumpLine>& lines, ReaderContext& ctx) {
  SchedstatReader(ctx).read(lines);
}

}  // namespace sbm
