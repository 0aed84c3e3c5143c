// Shared by the topology_read_* and topology_write_* tests: loading the sample dumps in
// tests/data/topologies and writing small topologies by hand.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model/topology.h"
#include "traces/topology_dump/lines.h"
#include "traces/topology_dump/read.h"

namespace sbm::test {

inline std::string topology_data(const std::string& name) {
  const std::string path = std::string(SBM_DATA_DIR) + "/topologies/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline DumpReadResult read_sample(const std::string& name, DumpReadOptions options = {}) {
  return read_topology_dump(topology_data(name), name, options);
}

inline CpuMask cl(const char* list) {
  const MaskParse m = parse_cpulist(list);
  EXPECT_TRUE(m.mask) << list << ": " << m.error;
  return m.mask.value_or(CpuMask{});
}

inline SchedGroup grp(const char* span, std::optional<unsigned long> cap = kSchedCapacityScale,
                      const char* balance_mask = nullptr) {
  SchedGroup g;
  g.span = cl(span);
  g.capacity = cap;
  if (balance_mask != nullptr) g.balance_mask = cl(balance_mask);
  return g;
}

inline SchedDomain dom(const char* name, const char* span, std::vector<SchedGroup> groups) {
  SchedDomain d;
  d.name = name;
  d.span = cl(span);
  d.groups = std::move(groups);
  return d;
}

// 4 CPUs, SMT pairs under one package; CPU3 has no domains ("attaching NULL").
// with_flags adds v6.x flags, tunables and level indexes (debugfs/sysctl writers).
inline Topology small_topology(bool with_flags) {
  Topology t;
  t.nr_cpu_ids = 4;
  t.root_span = cl("0-3");
  const char* smt_spans[] = {"0-1", "0-1", "2-3"};
  const char* first[] = {"0", "1", "2"};
  const char* second[] = {"1", "0", "3"};
  for (int cpu = 0; cpu < 3; ++cpu) {
    SchedDomain smt = dom("SMT", smt_spans[cpu], {grp(first[cpu]), grp(second[cpu])});
    SchedDomain pkg = cpu < 2 ? dom("PKG", "0-3", {grp("0-1", 2048), grp("2-3", 2048)})
                              : dom("PKG", "0-3", {grp("2-3", 2048), grp("0-1", 2048)});
    if (with_flags) {
      using F = SdFlag;
      smt.flags = SdFlags{F::BalanceNewidle,   F::BalanceExec, F::BalanceFork,  F::WakeAffine,
                          F::ShareCpucapacity, F::ShareLlc,    F::PreferSibling};
      pkg.flags = SdFlags{F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeAffine,
                          F::PreferSibling};
      smt.tunables = SdTunables{2, 4, 16, 110, 0};
      pkg.tunables = SdTunables{4, 8, 16, 117, 1};
      smt.topology_level = 0;
      pkg.topology_level = 1;
    }
    t.cpus[cpu].domains = {smt, pkg};
  }
  t.cpus[3];
  return t;
}

// "0-1 | 0 1" style summary of a domain's span and group spans, for compact assertions.
inline std::string shape(const SchedDomain& d) {
  std::string out = d.span ? d.span->to_cpulist() : "?";
  out += " |";
  if (!d.groups) return out + " ?";
  for (const SchedGroup& g : *d.groups) out += " " + g.span.to_cpulist();
  return out;
}

inline std::string errors_text(const DumpReadResult& r) {
  std::string out;
  for (const DumpDiagnostic& d : r.errors) out += std::to_string(d.line) + ": " + d.message + "\n";
  return out;
}

inline bool has_note(const DumpReadResult& r, const std::string& part) {
  for (const std::string& n : r.notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

// The lines of a dump as the kernel printed them: log prefixes and indentation removed,
// the kernel's ERROR lines, blank lines and the sample's "#" header dropped.
inline std::vector<std::string> kernel_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const DumpLine& l : split_dump_lines(text)) {
    const std::string_view t = l.text;
    if (t.empty() || t.front() == '#' || t.substr(0, 6) == "ERROR:") continue;
    out.emplace_back(t);
  }
  return out;
}

// Which fields a format carries, for print-then-read comparisons.
struct Carried {
  bool names = false;
  bool spans = false;
  bool groups = false;      // group spans, balance masks (effective) and capacities
  bool capacities = false;  // only with groups
  bool flags = false;
  bool tunables = false;
  bool level = false;  // topology_level
  bool root_span = false;
};

inline void expect_carried_equal(const Topology& want, const Topology& got, Carried c,
                                 const std::string& context) {
  ASSERT_EQ(want.cpus.size(), got.cpus.size()) << context;
  for (const auto& [cpu, chain] : want.cpus) {
    ASSERT_EQ(got.cpus.count(cpu), 1u) << context << " CPU" << cpu;
    const CpuDomains& other = got.cpus.at(cpu);
    ASSERT_EQ(chain.domains.size(), other.domains.size()) << context << " CPU" << cpu;
    for (size_t i = 0; i < chain.domains.size(); ++i) {
      const SchedDomain& a = chain.domains[i];
      const SchedDomain& b = other.domains[i];
      const std::string where =
          context + " CPU" + std::to_string(cpu) + " domain" + std::to_string(i);
      if (c.names) {
        EXPECT_EQ(a.name, b.name) << where;
      }
      if (c.spans) {
        EXPECT_EQ(a.span, b.span) << where;
      }
      if (c.flags) {
        EXPECT_EQ(a.flags, b.flags) << where;
      }
      if (c.tunables) {
        EXPECT_EQ(a.tunables, b.tunables) << where;
      }
      if (c.level) {
        EXPECT_EQ(a.topology_level, b.topology_level) << where;
      }
      if (!c.groups) continue;
      ASSERT_EQ(a.groups.has_value(), b.groups.has_value()) << where;
      if (!a.groups) continue;
      ASSERT_EQ(a.groups->size(), b.groups->size()) << where;
      for (size_t g = 0; g < a.groups->size(); ++g) {
        const SchedGroup& ga = (*a.groups)[g];
        const SchedGroup& gb = (*b.groups)[g];
        EXPECT_EQ(ga.span, gb.span) << where << " group" << g;
        EXPECT_EQ(ga.effective_balance_mask(), gb.effective_balance_mask())
            << where << " group" << g;
        if (c.capacities) {
          EXPECT_EQ(ga.capacity, gb.capacity) << where << " group" << g;
        }
      }
    }
  }
  if (c.root_span) {
    EXPECT_EQ(want.root_span, got.root_span) << context;
  }
}

}  // namespace sbm::test
