#include "properties/topo_check_context.h"

#include <algorithm>
#include <tuple>

namespace sbm::topo {

TopoCheckContext::TopoCheckContext(const Topology& topo) : topo_(topo) {
  for (const auto& [cpu, chain] : topo.cpus) {
    described_.set(cpu);
    domain_states_[cpu].resize(chain.domains.size());
  }
}

TopoCheckContext::DomainState* TopoCheckContext::state(int cpu, int level) {
  const auto it = domain_states_.find(cpu);
  if (it == domain_states_.end() || level < 0 || static_cast<size_t>(level) >= it->second.size())
    return nullptr;
  return &it->second[static_cast<size_t>(level)];
}

void TopoCheckContext::looked(TopoCheck c, int cpu, int level) {
  ++per_check_[static_cast<size_t>(c)].instances;
  if (DomainState* s = state(cpu, level)) s->looked = true;
}

void TopoCheckContext::skipped(TopoCheck c, const std::string& reason) {
  auto& skips = per_check_[static_cast<size_t>(c)].skips;
  for (Reason& r : skips)
    if (r.text == reason) {
      ++r.count;
      return;
    }
  skips.push_back({reason, 1});
}

Violation TopoCheckContext::violation_at_cpu(TopoCheck c, int cpu, int line) const {
  Violation v;
  v.id = topo_invariants()[static_cast<size_t>(c)].id;
  v.cpu = cpu;
  v.file = topo_.source.format == "built" ? std::string() : topo_.source.file;
  v.line = line;
  return v;
}

Violation TopoCheckContext::violation(TopoCheck c, const DomainRef& d, int line) const {
  Violation v = violation_at_cpu(c, d.cpu, line);
  v.level = d.level;
  v.level_name = d.sd.name;
  return v;
}

void TopoCheckContext::report(TopoCheck c, Violation v, int group) {
  if (DomainState* s = state(v.cpu, v.level)) s->violated = true;
  pending_.push_back(Pending{v.cpu, v.level, group, static_cast<int>(c), std::move(v)});
}

void TopoCheckContext::note(const std::string& text) {
  if (std::find(notes_.begin(), notes_.end(), text) == notes_.end()) notes_.push_back(text);
}

std::string TopoCheckContext::lacks(const std::string& what) const {
  std::string out = "the input has no " + what;
  if (!topo_.source.format.empty()) out += " (" + topo_.source.format + ")";
  return out;
}

std::string TopoCheckContext::not_described(const CpuMask& missing) const {
  if (described_.weight() == 1)
    return "only CPU" + std::to_string(described_.first()) + "'s block is in the input";
  return "the input has no block for " + cpus_phrase(missing);
}

TopoCheckReport TopoCheckContext::finish() && {
  TopoCheckReport report;
  report.notes = std::move(notes_);

  std::stable_sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
    return std::tie(a.cpu, a.level, a.group, a.check) < std::tie(b.cpu, b.level, b.group, b.check);
  });
  std::vector<int> violated(kTopoCheckCount, 0);
  for (Pending& p : pending_) {
    ++violated[static_cast<size_t>(p.check)];
    report.violations.push_back(std::move(p.v));
  }

  const bool any_domain = std::any_of(topo_.cpus.begin(), topo_.cpus.end(),
                                      [](const auto& kv) { return !kv.second.domains.empty(); });
  for (int c = 0; c < kTopoCheckCount; ++c) {
    const PerCheck& pc = per_check_[static_cast<size_t>(c)];
    CheckSummary s;
    s.id = topo_invariants()[static_cast<size_t>(c)].id;
    s.instances = pc.instances;
    std::string reasons;
    int skipped = 0;
    for (const Reason& r : pc.skips) {
      if (!reasons.empty()) reasons += "; ";
      reasons += r.text;
      skipped += r.count;
    }
    if (violated[static_cast<size_t>(c)] > 0) {
      s.outcome = CheckOutcome::Violated;
    } else if (pc.instances > 0) {
      s.outcome = CheckOutcome::Holds;
    } else {
      s.outcome = CheckOutcome::NotCheckable;
      if (reasons.empty())
        reasons = topo_.cpus.empty() ? "the input describes no CPU"
                                     : (any_domain ? "nothing in the input to check"
                                                   : "no CPU in the input has a sched domain");
    }
    if (s.outcome != CheckOutcome::NotCheckable && skipped > 0)
      reasons = std::to_string(skipped) + " place(s) not checkable: " + reasons;
    s.reason = std::move(reasons);
    report.checks.push_back(std::move(s));
  }

  for (const auto& [cpu, chain] : topo_.cpus) {
    const auto& states = domain_states_.at(cpu);
    for (size_t i = 0; i < chain.domains.size(); ++i) {
      DomainVerdict dv;
      dv.cpu = cpu;
      dv.level = static_cast<int>(i);
      dv.name = chain.domains[i].name;
      dv.line = chain.domains[i].line;
      dv.outcome = states[i].violated ? CheckOutcome::Violated
                   : states[i].looked ? CheckOutcome::Holds
                                      : CheckOutcome::NotCheckable;
      report.domains.push_back(std::move(dv));
    }
  }
  return report;
}

std::string level_phrase(int level, const SchedDomain& sd) {
  std::string out = "domain-" + std::to_string(level);
  if (!sd.name.empty()) out += " (" + sd.name + ")";
  return out;
}

std::string domain_phrase(const DomainRef& d) {
  return "CPU" + std::to_string(d.cpu) + "'s " + level_phrase(d.level, d.sd);
}

std::string group_phrase(const SchedGroup& sg) {
  const int id =
      sg.effective_balance_mask().empty() ? sg.span.first() : sg.effective_balance_mask().first();
  return (id >= 0 ? std::to_string(id) : std::string("?")) + ":{" + sg.span.to_cpulist() + "}";
}

std::string cpus_phrase(const CpuMask& cpus) {
  return (cpus.weight() == 1 ? "CPU " : "CPUs ") + show(cpus);
}

std::string show(const CpuMask& cpus) { return cpus.empty() ? "(empty)" : cpus.to_cpulist(); }

std::string show_flags(SdFlags flags, const Topology& topo) {
  const KernelVersion era = topo.era.value_or(kNewestModelledKernel);
  std::string out;
  for (SdFlag f : flags.list()) {
    if (!out.empty()) out += ' ';
    out += sd_flag_name(f, era);
  }
  return out.empty() ? "(none)" : out;
}

bool spans_may_partially_overlap(const Topology& topo, const SchedDomain& sd) {
  if (domain_has_overlapping_groups(sd)) return true;
  return sd.name == "NODE" && topo.era && *topo.era < KernelVersion{3, 0, 0};
}

std::optional<bool> removes_degenerate_domains(const Topology& topo) {
  if (topo.era) return *topo.era >= kDegenerateDomainsRemoved;
  if (topo.source.layout_before && *topo.source.layout_before <= kDegenerateDomainsRemoved)
    return false;
  if (topo.source.layout_from && *topo.source.layout_from >= kDegenerateDomainsRemoved) return true;
  return std::nullopt;
}

bool balance_mask_known(const Topology& topo, const SchedDomain& sd, const SchedGroup& sg) {
  if (sg.balance_mask || !domain_has_overlapping_groups(sd)) return true;
  return topo.source.format == "built" || topo.source.format == "dmesg-new";
}

}  // namespace sbm::topo
