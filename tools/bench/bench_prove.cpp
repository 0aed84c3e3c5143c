// sbm_bench_prove [--limit S] [--profile P]: per `sbm prove` query, the time of each run as
// its main bound grows (CPUs 2..8, domains 1..8, ...), and the largest bound proved within
// the limit (default 60 s per run). Prints one table per query.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model/topology/build_options.h"
#include "properties/prove.h"

namespace {

struct Sweep {
  const char* query;
  const char* bound;
  unsigned from, to;
};

constexpr Sweep kSweeps[] = {
    {"topo-builder", "cpus", 2, 8},      {"next-balance", "domains", 1, 8},
    {"serialize", "cpus", 2, 8},         {"interval-bounds", "cpus", 2, 64},
    {"balance-interval", "cpus", 2, 64}, {"lock-order", "cpus", 2, 8},
    {"nohz-next-balance", "cpus", 2, 8},
};

}  // namespace

int main(int argc, char** argv) {
  double limit_s = 60;
  std::string profile = "v6.17";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--limit"))
      limit_s = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--profile"))
      profile = argv[i + 1];
  }
  const sbm::ProfileLookup lookup = sbm::find_profile(profile);
  if (!lookup.profile || !(limit_s > 0)) {
    std::fprintf(stderr, "usage: sbm_bench_prove [--limit SECONDS] [--profile P]\n");
    return 2;
  }
  for (const Sweep& sw : kSweeps) {
    const sbm::QueryInfo* q = sbm::find_query(sw.query);
    std::printf("%s (%s), bound %s\n", q->name.c_str(), q->property_id.c_str(), sw.bound);
    unsigned largest = 0;
    for (unsigned v = sw.from; v <= sw.to; v = v < 8 ? v + 1 : v * 2) {
      sbm::ProveOptions o;
      o.profile = *lookup.profile;
      o.build = sbm::build_options_for(o.profile.version);
      o.timeout_ms = static_cast<unsigned>(limit_s * 1000);
      o.bounds[sw.bound] = v;
      // serialize: enough steps for every CPU to enter and leave once.
      if (std::string(sw.query) == "serialize") o.bounds["steps"] = 2 * v;
      const auto start = std::chrono::steady_clock::now();
      const sbm::QueryResult r = q->run(o);
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("  %s=%-3u %-14s %8.2f s\n", sw.bound, v,
                  std::string(sbm::verdict_name(r.verdict)).c_str(), s);
      std::fflush(stdout);
      if (r.verdict != sbm::ProofVerdict::Proved || s > limit_s) break;
      largest = v;
    }
    std::printf("  largest %s proved within %.0f s: %u\n", sw.bound, limit_s, largest);
  }
  return 0;
}
