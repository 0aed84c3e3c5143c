#include "traces/trace_replay.h"

#include <algorithm>
#include <string_view>

#include "model/balance/rq_lock.h"
#include "model/profile.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/sched_hotplug.h"
#include "model/topology/sd_defaults.h"
#include "properties/check_all.h"
#include "traces/topology_dump/read.h"
#include "traces/trace_events_read.h"
#include "traces/trace_names.h"

namespace sbm {

namespace {

constexpr std::size_t kFirstMalformed = 10;

// The checks that read the domains (MIG-3: spans; BI-1: min/max_interval): after a hotplug
// whose rebuild replay cannot follow they stop.
bool reads_domains(std::string_view id) { return id == "MIG-3" || id == "BI-1" || id == "INT-2"; }

// NB-2 judges each tick by the raise after it. A trace that carries no SCHED softirq_raise at
// all (its author did not trace them) says nothing about raising, so until the first raise
// NB-2 does not run: an unobserved step is not a missing one (spec/trace-format.md).
constexpr std::string_view kNeedsRaises = "NB-2";
constexpr std::string_view kNoRaises =
    "the trace carries no SCHED softirq_raise events: whether a tick raised is not known";

// Whether check `id` runs on a window replayed in this state (the two rules above).
bool check_runs(std::string_view id, bool domains_stale, bool raises_seen) {
  return (!domains_stale || !reads_domains(id)) && (raises_seen || id != kNeedsRaises);
}

// The index in `window` of the event a finding is about (every event check numbers its
// findings by event; a state finding without one is put at the window's end).
std::size_t event_of(const std::vector<BalanceEvent>& window, const Violation& v) {
  if (v.line >= 1 && static_cast<std::size_t>(v.line) <= window.size())
    return static_cast<std::size_t>(v.line) - 1;
  return window.empty() ? 0 : window.size() - 1;
}

}  // namespace

TraceReplay::TraceReplay(ReplayOptions options) : options_(std::move(options)) {}

void TraceReplay::build_machine() {
  const std::string& name = options_.profile.empty() ? header_.profile : options_.profile;
  if (name.empty()) {
    summary_.not_checkable =
        "the trace declares no profile (# profile:) and none was given (--profile)";
    return;
  }
  ProfileLookup p =
      find_profile(name, ProfileOptions{header_.hz, header_.jiffies_bits, std::nullopt});
  if (!p.profile) {
    summary_.not_checkable = "profile: " + p.error;
    return;
  }
  apply_mutant(options_.mutant, *p.profile, nullptr);
  // The machine the trace ran on: --topology, else the header's SPEC (what `sbm trace gen`
  // built it from, with every tunable; an old-format dump names no levels, so sd_init()
  // could only guess them), else the embedded dump.
  rebuild_spec_ = options_.spec;
  if (!rebuild_spec_ && !options_.topology && !header_.topology.empty())
    rebuild_spec_ = parse_machine_spec(header_.topology).spec;
  Topology t;
  if (options_.topology) {
    t = *options_.topology;
  } else if (rebuild_spec_) {
    t = build_sched_domains(*rebuild_spec_, p.profile->version, 0);
  } else if (!header_.topology_dump.empty()) {
    std::string text;
    for (const std::string& l : header_.topology_dump) text += l + "\n";
    DumpReadResult d =
        read_topology_dump(text, "# topology-dump", DumpReadOptions{p.profile->version});
    if (!d.topology || !d.errors.empty()) {
      summary_.not_checkable =
          "the embedded topology dump does not read" +
          (d.errors.empty() ? std::string()
                            : ": line " + std::to_string(d.errors.front().line) + ": " +
                                  d.errors.front().message);
      return;
    }
    t = std::move(*d.topology);
  } else {
    summary_.not_checkable =
        "the trace embeds no topology (# topology-dump:) and none was given (--topology)";
    return;
  }
  // A dump prints no tunables; sd_init() of the era fills them (model/topology/sd_defaults.h), as
  // the simulator does for a dump (Simulator::create).
  fill_sd_init_defaults(t, p.profile->version);
  MachineOptions mo;
  if (rebuild_spec_) mo.online = online_cpus(*rebuild_spec_);
  MachineBuild mb = make_machine(t, *p.profile, mo);
  if (!mb.machine) {
    summary_.not_checkable = "machine: " + mb.error;
    return;
  }
  machine_ = std::move(*mb.machine);
  // Which rq lock each rq takes: per machine, not per window (the replay flushes a window every
  // jiffy). Hotplug keeps the CPU ids, and the default layout names a lock by its rq.
  lock2_.emplace(default_rq_lock_layout(*machine_), true);
  if (!rebuild_spec_)
    summary_.notes.push_back(
        "no SPEC to rebuild the domains from: a CPU hotplug stops MIG-3, INT-2 and BI-1");
}

void TraceReplay::flush(std::vector<Violation>& out) {
  if (window_.empty()) return;
  if (machine_) {
    std::vector<Violation> found = check_balance_events(*machine_, window_, nullptr);
    // LOCK-2 of the window alone would take a section cut by the window's end for a lock never
    // released and one cut by its start for a release of a free lock: lock2_ judges it instead.
    std::erase_if(found, [](const Violation& v) { return v.id == "LOCK-2"; });
    lock2_->feed(window_, found);
    const std::vector<bool> unseen = unseen_token_releases();
    // Which checks ran is worked out per state when summary() asks, not per window.
    ++windows_by_state_[domains_stale_][raises_seen_];
    std::vector<Violation> kept;
    for (Violation& v : found) {
      if (!check_runs(v.id, domains_stale_, raises_seen_)) continue;
      if (v.id == "SER-1" && unseen[event_of(window_, v)]) continue;
      v.line = static_cast<int>(window_lines_[event_of(window_, v)]);
      violated_.insert(v.id);
      kept.push_back(std::move(v));
    }
    // The first divergence first.
    std::stable_sort(kept.begin(), kept.end(),
                     [](const Violation& a, const Violation& b) { return a.line < b.line; });
    out.insert(out.end(), std::make_move_iterator(kept.begin()),
               std::make_move_iterator(kept.end()));
    ++summary_.windows;
  }
  window_.clear();
  window_lines_.clear();
}

void TraceReplay::drop_window() {
  if (!window_.empty()) ++summary_.dropped_windows;
  window_.clear();
  window_lines_.clear();
}

// A gap (lost events, a malformed event): the window is dropped, the rest of its jiffy too, and
// what the replay knew of the rq locks and the SD_SERIALIZE token is lost with the events.
void TraceReplay::gap() {
  drop_window();
  in_gap_ = true;
  if (lock2_) lock2_->forget();
  token_seen_ = false;
}

// Per event of the window: whether it releases the SD_SERIALIZE token whose state the replay
// has not seen (no acquire or release of it since the excerpt's start or the last gap). Such a
// release may end a hold that began before the excerpt, so SER-1's "released by nobody" does
// not apply to it. After it, or after an acquire, the state is known and SER-1 judges every
// later event of it.
std::vector<bool> TraceReplay::unseen_token_releases() {
  std::vector<bool> unseen(window_.size(), false);
  for (std::size_t i = 0; i < window_.size(); ++i)
    if (const auto* s = std::get_if<SerializeEvent>(&window_[i]);
        s && s->action != SerializeAction::Busy) {
      unseen[i] = !token_seen_ && s->action == SerializeAction::Release;
      token_seen_ = true;
    }
  return unseen;
}

// What CPU hotplug changes that the checks read (kernel/sched/core.c, v6.17): the online and
// active masks, max_load_balance_interval (update_max_interval(), from sched_cpu_dying() going
// down and sched_rq_cpu_starting() coming up) and the domains (partition_sched_domains() from
// the cpuset rebuild), in the order Simulator::cpu_down/cpu_up applies them.
void TraceReplay::hotplug(int cpu, bool online) {
  if (!machine_ || cpu < 0 || cpu >= machine_->nr_cpu_ids()) return;
  MachineState& m = *machine_;
  if (online) {
    update_max_interval(m);  // sched_rq_cpu_starting(), before set_cpu_online()
    m.online.set(cpu);
    m.active.set(cpu);
  } else {
    m.online.clear(cpu);
    m.active.clear(cpu);
    update_max_interval(m);  // sched_cpu_dying(), after the CPU left cpu_online_mask
  }
  if (rebuild_spec_)
    rebuild_sched_domains(m, *rebuild_spec_);
  else
    domains_stale_ = true;
}

void TraceReplay::feed(const TraceRecord& r, std::vector<Violation>& out) {
  if (r.kind == TraceRecordKind::Header && !started_) {
    if (const auto bad = add_trace_header(header_, r))
      summary_.notes.push_back("header line " + std::to_string(r.line) + ": " + std::string(r.key) +
                               ": " + std::string(*bad));
    return;
  }
  if (is_trace_gap(r)) {
    gap();
    return;
  }
  if (r.kind != TraceRecordKind::Event) return;
  if (!started_) {
    started_ = true;
    if (options_.hz) header_.hz = options_.hz;
    build_machine();
  }
  TraceEventRead& e = read_;
  read_trace_event(r, fields_, e);
  switch (e.kind) {
    case TraceEventKind::Other:
      return;
    case TraceEventKind::Task:
      ++summary_.task_events;
      return;
    case TraceEventKind::Malformed:
      // An event that does not read is an event lost: its window is dropped like a gap's.
      ++summary_.malformed;
      if (summary_.first_malformed.size() < kFirstMalformed)
        summary_.first_malformed.emplace_back(r.line, e.error);
      gap();
      return;
    case TraceEventKind::Balance:
      break;
  }
  ++summary_.balance_events;
  if (const auto* tick = std::get_if<TickEvent>(&e.balance);
      tick && tick->jiffies != window_jiffies_) {
    if (in_gap_)
      drop_window();
    else
      flush(out);
    in_gap_ = false;
    window_jiffies_ = tick->jiffies;
  }
  if (in_gap_) return;
  if (std::holds_alternative<SoftirqRaiseEvent>(e.balance)) raises_seen_ = true;
  if (const auto* h = std::get_if<HotplugEvent>(&e.balance)) {
    flush(out);
    hotplug(h->cpu, h->online);
  }
  window_.push_back(std::move(e.balance));
  window_lines_.push_back(r.line);
}

void TraceReplay::finish(std::vector<Violation>& out) {
  if (in_gap_)
    drop_window();
  else
    flush(out);
}

ReplaySummary TraceReplay::summary() const {
  ReplaySummary s = summary_;
  const std::vector<const char*>& ids = balance_event_check_ids();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CheckSummary c;
    c.id = ids[i];
    for (const bool stale : {false, true})
      for (const bool raises : {false, true})
        if (check_runs(c.id, stale, raises)) c.instances += windows_by_state_[stale][raises];
    if (violated_.contains(c.id))
      c.outcome = CheckOutcome::Violated;
    else if (c.instances > 0)
      c.outcome = CheckOutcome::Holds;
    else {
      c.outcome = CheckOutcome::NotCheckable;
      c.reason = !s.not_checkable.empty() ? s.not_checkable
                 : (c.id == kNeedsRaises && !raises_seen_)
                     ? std::string(kNoRaises)
                     : "no window of sched_balance_* events was replayed";
    }
    s.checks.push_back(std::move(c));
  }
  return s;
}

}  // namespace sbm
