#include "traces/trace_lost_events_hold.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <string_view>
#include <utility>

namespace sbm {

namespace {

// CONFIG_NR_CPUS is at most 8192 (arch/x86/Kconfig, v6.x): a larger CPU is a broken line, not
// a CPU whose events are waited for.
constexpr int kMaxCpus = 8192;

bool is_cpu(int c) { return c >= 0 && c < kMaxCpus; }

// The CPU a gap is about: a lost-events marker's, or the N of ftrace's "##### CPU N buffer
// started ####" (test_cpu_buff_start(), kernel/trace/trace.c, v6.18); -1 when it names none.
int gap_cpu(const TraceRecord& r) {
  if (r.kind == TraceRecordKind::LostEvents) return r.cpu;
  const std::string_view t = r.text;
  const std::size_t at = t.find("CPU ");
  int c = -1;
  if (at != std::string_view::npos) std::from_chars(t.data() + at + 4, t.data() + t.size(), c);
  return c;
}

}  // namespace

uint64_t LostEventsHold::logged_past() const {
  uint64_t least = std::numeric_limits<uint64_t>::max();
  for (const uint64_t l : last_event_)
    if (l != 0) least = std::min(least, l);
  return least;
}

void LostEventsHold::release(std::vector<Violation>& out) {
  if (held_.empty()) return;
  const uint64_t past = logged_past();
  while (!held_.empty() && held_.front().made <= past) {
    out.push_back(std::move(held_.front().v));
    held_.pop_front();
  }
}

void LostEventsHold::before(const TraceRecord& r, std::vector<Violation>& out) {
  if (is_trace_gap(r)) {
    // What the CPU logged after its last event is lost: a finding made after it goes.
    const int c = gap_cpu(r);
    uint64_t last = 0;  // a CPU not seen yet lost all it logged
    if (!is_cpu(c))
      last = logged_past();
    else if (static_cast<std::size_t>(c) < last_event_.size())
      last = last_event_[static_cast<std::size_t>(c)];
    while (!held_.empty() && held_.back().made > last) held_.pop_back();
    return;
  }
  if (r.kind != TraceRecordKind::Event || !is_cpu(r.cpu)) return;
  const auto c = static_cast<std::size_t>(r.cpu);
  if (c >= last_event_.size()) last_event_.resize(c + 1);
  last_event_[c] = r.line;
  release(out);
}

void LostEventsHold::after(const TraceRecord& r, std::vector<Violation>& out, std::size_t from) {
  if (from == out.size()) return;
  if (held_.empty() && r.line <= logged_past()) return;  // every CPU logged up to here
  for (std::size_t i = from; i < out.size(); ++i) held_.push_back(Held{std::move(out[i]), r.line});
  out.resize(from);
}

void LostEventsHold::finish(std::vector<Violation>& out) {
  for (Held& h : held_) out.push_back(std::move(h.v));
  held_.clear();
}

}  // namespace sbm
