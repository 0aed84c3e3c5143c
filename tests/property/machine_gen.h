// RapidCheck generators of machines for the builder (model/topology/topology_spec.h): random
// SMT/cluster/core/die/socket counts, NUMA nodes with symmetric distance tables, and
// optionally a random set of online CPUs. Shared by the TOPO property tests.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <vector>

#include "model/kernel_version.h"
#include "model/topology/topology_spec.h"

namespace sbm::testgen {

// An integer in [lo, hi), uniform whatever the test's size (rc::gen::inRange grows with
// it, which would make the first hundred machines mostly single CPUs). Still shrinks
// towards lo.
inline int pick(int lo, int hi) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(lo, hi));
}

// One element of a non-empty vector, uniformly.
template <typename T>
const T& pick_from(const std::vector<T>& v) {
  return v[static_cast<size_t>(pick(0, static_cast<int>(v.size())))];
}

// A count in [1, hi], hi at least 1.
inline int count_up_to(int hi) { return pick(1, std::max(hi, 1) + 1); }

// A valid machine of at most max_cpus CPUs (validate_machine_spec() accepts it). With
// min_nodes > 1 the machine is NUMA whenever its core count allows it.
inline rc::Gen<MachineSpec> gen_machine(int max_cpus, int min_nodes = 1, bool hotplug = true) {
  return rc::gen::exec([=] {
    MachineSpec m;
    m.threads = count_up_to(std::min(4, max_cpus));
    m.cores = count_up_to(std::min(8, max_cpus / m.threads));
    m.clusters = count_up_to(std::min(3, max_cpus / (m.threads * m.cores)));
    m.dies = count_up_to(std::min(2, max_cpus / (m.threads * m.cores * m.clusters)));
    m.sockets = count_up_to(std::min(4, max_cpus / (m.threads * m.cores * m.clusters * m.dies)));
    // Nodes split the cores evenly and must not cut a cluster in two.
    std::vector<int> node_counts;
    for (int n = 1; n <= std::min(8, m.nr_cores()); ++n)
      if (m.nr_cores() % n == 0 && (m.clusters == 1 || (m.nr_cores() / n) % m.cores == 0))
        node_counts.push_back(n);
    std::vector<int> numa;
    std::copy_if(node_counts.begin(), node_counts.end(), std::back_inserter(numa),
                 [&](int n) { return n >= min_nodes; });
    m.nodes = pick_from(numa.empty() ? node_counts : numa);
    if (m.nodes > 1) {
      m.distance.assign(static_cast<size_t>(m.nodes),
                        std::vector<int>(static_cast<size_t>(m.nodes)));
      for (int a = 0; a < m.nodes; ++a) {
        m.distance[static_cast<size_t>(a)][static_cast<size_t>(a)] = kLocalDistance;
        for (int b = a + 1; b < m.nodes; ++b) {
          const int d = pick(kLocalDistance + 1, 101);
          m.distance[static_cast<size_t>(a)][static_cast<size_t>(b)] = d;
          m.distance[static_cast<size_t>(b)][static_cast<size_t>(a)] = d;
        }
      }
    }
    if (m.threads > 1 && pick(0, 2) == 1) m.smt_numbering = SmtNumbering::Split;
    if (hotplug && pick(0, 4) == 0) {
      CpuMask online;
      for (int c = 0; c < m.nr_cpus(); ++c)
        if (pick(0, 4) != 0) online.set(c);
      if (online.empty()) online.set(0);
      m.online = online;
    }
    return m;
  });
}

// Eras from v6.6, where the builder keeps sched_group::flags equal to the trimmed child's
// (BuildOptions::group_flags == GroupFlags::AlignOnSplice).
inline KernelVersion pick_modern_era() {
  static const std::vector<KernelVersion> kEras = {{6, 6, 0}, {6, 10, 0}, {6, 17, 0}, {6, 19, 0}};
  return pick_from(kEras);
}

}  // namespace sbm::testgen
