#include "traces/trace_record.h"

#include <charconv>

#include "traces/trace_line_read.h"

namespace sbm {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::optional<uint64_t> decimal(std::string_view s) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Calls f(line) for each line of `text` (the last one need not end in '\n').
template <class F>
void for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// The longest marker line print_trace_line() prints: "CPU:" and an int, " [LOST ", an
// unsigned long, " EVENTS]".
constexpr std::size_t kMaxMarkerLine = 4 + 11 + 7 + 20 + 8;
constexpr std::string_view kMarkerStart = "CPU:";

}  // namespace

TraceEventNameParse parse_trace_event_name(std::string_view text) {
  TraceEventNameParse r;
  const std::size_t colon = text.find(':');
  const std::string_view system =
      colon == std::string_view::npos ? std::string_view{} : text.substr(0, colon);
  const std::string_view event = colon == std::string_view::npos ? text : text.substr(colon + 1);
  auto bad = [](std::string_view part) {
    if (part.empty()) return true;
    for (char c : part)
      if (!is_name_char(c)) return true;
    return false;
  };
  if ((colon != std::string_view::npos && bad(system)) || bad(event)) {
    r.error =
        "'" + std::string(text) +
        "' is not an event name: expected SYSTEM:EVENT or EVENT, each of letters, digits and '_' "
        "(sched:sched_switch, softirq_raise)";
    return r;
  }
  r.name = TraceEventName{std::string(system), std::string(event)};
  return r;
}

const std::vector<TraceEventName>& default_record_events() {
  // include/trace/events/irq.h, sched.h, timer.h, ipi.h (v6.18).
  static const std::vector<TraceEventName> events = {
      {"irq", "softirq_raise"},
      {"irq", "softirq_entry"},
      {"irq", "softirq_exit"},
      {"sched", "sched_switch"},
      {"sched", "sched_waking"},
      {"sched", "sched_wakeup"},
      {"sched", "sched_wakeup_new"},
      {"sched", "sched_migrate_task"},
      {"sched", "sched_process_fork"},
      {"sched", "sched_process_exit"},
      {"timer", "tick_stop"},
      {"ipi", "ipi_send_cpu"},
      {"ipi", "ipi_send_cpumask"},
      // The tick (NB-4 reads which ticks ran and their jiffy) and the NOHZ kick's CSD (NB-4,
      // NOHZ-4): include/trace/events/timer.h, csd.h (v6.18).
      {"timer", "hrtimer_expire_entry"},
      {"timer", "hrtimer_expire_exit"},
      {"csd", "csd_queue_cpu"},
      {"csd", "csd_function_entry"},
      {"csd", "csd_function_exit"},
  };
  return events;
}

std::optional<unsigned> kconfig_hz(std::string_view config) {
  std::optional<unsigned> hz;
  for_each_line(config, [&](std::string_view line) {
    constexpr std::string_view key = "CONFIG_HZ=";
    if (hz || !line.starts_with(key)) return;
    const auto n = decimal(trim(line.substr(key.size())));
    if (n && *n > 0 && *n <= 100000) hz = static_cast<unsigned>(*n);
  });
  return hz;
}

std::string format_record_header(const RecordHeader& h) {
  std::string s = "# tracer: nop\n";
  s += "# generator: " + h.generator + "\n";
  s += "# kernel: " + h.kernel + "\n";
  if (h.hz) s += "# hz: " + std::to_string(*h.hz) + "\n";
  if (!h.profile.empty()) s += "# profile: " + h.profile + "\n";
  s += "# recorded: " + h.recorded + "\n";
  for (const std::string& line : h.topology_dump) s += "# topology-dump: " + line + "\n";
  // The legend of print_func_help_header_irq() (kernel/trace/trace.c, v6.18), as the
  // instance's `trace` file prints it.
  s += "#\n"
       "#                                _-----=> irqs-off/BH-disabled\n"
       "#                               / _----=> need-resched\n"
       "#                              | / _---=> hardirq/softirq\n"
       "#                              || / _--=> preempt-depth\n"
       "#                              ||| / _-=> migrate-disable\n"
       "#                              |||| /     delay\n"
       "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
       "#              | |         |   |||||     |         |\n";
  return s;
}

RingBufferStatsParse parse_ring_buffer_stats(std::string_view text) {
  RingBufferStatsParse r;
  RingBufferStats s;
  struct Key {
    std::string_view name;
    uint64_t* into;
    bool seen = false;
  };
  Key keys[] = {{"entries", &s.entries},
                {"overrun", &s.overrun},
                {"commit overrun", &s.commit_overrun},
                {"dropped events", &s.dropped_events},
                {"read events", &s.read_events}};
  for_each_line(text, [&](std::string_view line) {
    if (!r.error.empty()) return;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view name = trim(line.substr(0, colon));
    for (Key& k : keys) {
      if (k.name != name) continue;
      const auto n = decimal(trim(line.substr(colon + 1)));
      if (!n)
        r.error = "'" + std::string(name) + "': expected a count, found '" +
                  std::string(trim(line.substr(colon + 1))) + "'";
      else if (k.seen)
        r.error = "'" + std::string(name) + "' given twice";
      else
        *k.into = *n;
      k.seen = true;
    }
  });
  for (const Key& k : keys)
    if (r.error.empty() && !k.seen) r.error = "no '" + std::string(k.name) + ":' line";
  if (r.error.empty()) r.stats = s;
  return r;
}

void LostEventsTally::feed(std::string_view text) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    if (collecting_) {
      const std::string_view part = text.substr(0, nl);
      // Only as much as a marker can hold; then the line is known not to be one.
      line_.append(part.substr(0, kMaxMarkerLine + 1 - std::min(line_.size(), kMaxMarkerLine + 1)));
      const std::size_t n = std::min(line_.size(), kMarkerStart.size());
      if (line_.compare(0, n, kMarkerStart.substr(0, n)) != 0 || line_.size() > kMaxMarkerLine)
        collecting_ = false;
      if (nl != std::string_view::npos) finish_line();
    } else if (nl != std::string_view::npos) {
      finish_line();
    }
    if (nl == std::string_view::npos) return;
    text.remove_prefix(nl + 1);
  }
}

void LostEventsTally::finish_line() {
  if (collecting_) {
    const TraceRecord r = read_trace_line(line_, 0);
    if (r.kind == TraceRecordKind::LostEvents && r.cpu >= 0) {
      const auto cpu = static_cast<std::size_t>(r.cpu);
      if (cpu >= cpus_.size()) cpus_.resize(cpu + 1);
      if (r.lost)
        cpus_[cpu].shown += *r.lost;
      else
        cpus_[cpu].uncounted = true;
    }
  }
  line_.clear();
  collecting_ = true;
}

std::string format_lost_tail(const std::vector<RingBufferStats>& stats,
                             const LostEventsTally& tally) {
  std::string markers, lost = "# lost-events:", shown_line = "# lost-events-shown:";
  for (std::size_t cpu = 0; cpu < stats.size(); ++cpu) {
    const LostEventsTally::Cpu shown =
        cpu < tally.cpus().size() ? tally.cpus()[cpu] : LostEventsTally::Cpu{};
    const uint64_t n = stats[cpu].lost();
    if (n > shown.shown && !shown.uncounted)
      markers +=
          "CPU:" + std::to_string(cpu) + " [LOST " + std::to_string(n - shown.shown) + " EVENTS]\n";
    lost += " cpu" + std::to_string(cpu) + "=" + std::to_string(n);
    shown_line +=
        " cpu" + std::to_string(cpu) + "=" + (shown.uncounted ? "?" : std::to_string(shown.shown));
  }
  return markers + lost + "\n" + shown_line + "\n";
}

}  // namespace sbm
