#include "traces/trace_check.h"

#include <algorithm>

namespace sbm {

void CpuContext::add(const TraceRecord& r) {
  if (r.kind != TraceRecordKind::Event || r.cpu < 0) return;
  if (static_cast<std::size_t>(r.cpu) >= rings_.size())
    rings_.resize(static_cast<std::size_t>(r.cpu) + 1);
  Ring& ring = rings_[static_cast<std::size_t>(r.cpu)];
  Entry& e = ring.entries[ring.count % kContextRing];
  e.line = r.line;
  e.text.assign(r.text);
  ++ring.count;
}

std::vector<std::string> CpuContext::of(int cpu, uint64_t before) const {
  if (cpu < 0 || static_cast<std::size_t>(cpu) >= rings_.size()) return {};
  const Ring& ring = rings_[static_cast<std::size_t>(cpu)];
  const std::size_t oldest = ring.count > kContextRing ? ring.count - kContextRing : 0;
  std::size_t end = ring.count;  // one past the last entry before `before`
  while (end > oldest && ring.entries[(end - 1) % kContextRing].line >= before) --end;
  if (end == oldest && oldest > 0) return {};
  std::vector<std::string> out;
  for (std::size_t i = end > oldest + kContextLines ? end - kContextLines : oldest; i < end; ++i)
    out.push_back(ring.entries[i % kContextRing].text);
  return out;
}

std::vector<CheckSummary> TraceCheckResult::checks() const {
  std::vector<CheckSummary> all = summary.checks;
  all.push_back(cadence.check);
  all.insert(all.end(), sched_softirq.begin(), sched_softirq.end());
  if (replayed()) all.insert(all.end(), replay.checks.begin(), replay.checks.end());
  return all;
}

TraceCheck::TraceCheck(const std::vector<TraceCheckLane>& lanes, bool stop_at_first,
                       std::string file)
    : stop_at_first_(stop_at_first), file_(std::move(file)) {
  for (const TraceCheckLane& l : lanes) lanes_.push_back(std::make_unique<Lane>(l));
}

TraceCheck::TraceCheck(const TraceCheckLane& lane, bool stop_at_first, std::string file)
    : TraceCheck(std::vector<TraceCheckLane>{lane}, stop_at_first, std::move(file)) {}

// Of the findings from index `from` on, keep the earliest. The replay reports a window when it
// closes, so its findings may lie before the record that closed it; the context ring reaches
// back over such a window to the lines before the finding's own.
void TraceCheck::stop_at_first(TraceCheckResult& result, std::size_t from) const {
  auto& found = result.violations;
  const auto first =
      std::min_element(found.begin() + static_cast<std::ptrdiff_t>(from), found.end(),
                       [](const Violation& a, const Violation& b) { return a.line < b.line; });
  std::swap(found[from], *first);
  found.resize(from + 1);
  const Violation& v = found.back();
  result.context = context_.of(v.cpu, static_cast<uint64_t>(std::max(v.line, 0)));
  result.stopped = true;
}

// NB-4 and MIG-7 judge on the replay's machine: the trace's profile and domains (or --profile
// and --topology); NB-4 only when the trace says its HZ, which the tick's jiffies depend on.
void TraceCheck::feed_machine_checks(Lane& lane, const TraceRecord& r) {
  const MachineState* machine = lane.replay.machine();
  const std::string& why = lane.replay.why_no_machine();
  lane.sched_softirq.feed(r, machine, why, lane.result.violations);
  if (machine && !lane.replay.header().hz) {
    static const std::string kNoHz =
        "the trace does not say its HZ (# hz:) and none was given (--hz); the jiffies of its ticks "
        "need it";
    lane.cadence.feed(r, nullptr, kNoHz, lane.result.violations);
    return;
  }
  lane.cadence.feed(r, machine, why, lane.result.violations);
}

bool TraceCheck::feed(const TraceRecord& r) {
  bool running = false;
  for (auto& lane : lanes_) {
    TraceCheckResult& result = lane->result;
    if (result.stopped) continue;
    const std::size_t before = result.violations.size();
    lane->hold.before(r, result.violations);
    const std::size_t made = result.violations.size();
    lane->checker.feed(r, result.violations);
    lane->replay.feed(r, result.violations);
    feed_machine_checks(*lane, r);
    lane->hold.after(r, result.violations, made);
    if (stop_at_first_ && result.violations.size() > before)
      stop_at_first(result, before);
    else
      running = true;
  }
  if (stop_at_first_) context_.add(r);
  return running;
}

void TraceCheck::finish() {
  for (auto& lane : lanes_) {
    TraceCheckResult& result = lane->result;
    if (!result.stopped) {
      lane->hold.finish(result.violations);
      lane->checker.finish(result.violations);
      lane->replay.finish(result.violations);
      if (stop_at_first_ && !result.violations.empty()) stop_at_first(result, 0);
    }
    result.summary = lane->checker.summary();
    result.cadence = lane->cadence.summary();
    result.sched_softirq = lane->sched_softirq.summary();
    result.replay = lane->replay.summary();
    for (Violation& v : result.violations) v.file = file_;
  }
}

const TraceCheckResult& TraceCheck::furthest() const {
  return std::max_element(lanes_.begin(), lanes_.end(),
                          [](const auto& a, const auto& b) {
                            return a->result.summary.lines < b->result.summary.lines;
                          })
      ->get()
      ->result;
}

const std::vector<InvariantInfo>& machine_trace_invariants() {
  static const std::vector<InvariantInfo> v = {
      {"NB-4",
       "every tick raises SCHED_SOFTIRQ exactly when some outcome of the balances since explains "
       "it",
       "sched_balance_trigger(), sched_balance_domains() (kernel/sched/fair.c, v6.18)"},
      {"NOHZ-4",
       "a NOHZ kick raises SCHED_SOFTIRQ exactly when its CPU is idle; no CPU kicks itself",
       "nohz_csd_func() (kernel/sched/core.c), kick_ilb() (kernel/sched/fair.c, v6.18)"},
      {"MIG-7", "a task moved inside the SCHED softirq moves between CPUs of one sched domain",
       "sched_balance_rq() (kernel/sched/fair.c, v6.18)"},
  };
  return v;
}

}  // namespace sbm
