// The SPEC text: parse_machine_spec(), format_machine_spec() and the presets.
// Grammar (spec/topology-builder.md): [preset ","] key=value {"," key=value}. Values of
// online= and capacity= are cpulists, which contain commas themselves, so an item without
// '=' right after one of them continues that value ("online=0-3,8-11").
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "model/topology.h"
#include "model/topology/topology_spec.h"

namespace sbm {

namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    const size_t at = text.find(sep, pos);
    parts.push_back(
        text.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
    if (at == std::string_view::npos) return parts;
    pos = at + 1;
  }
}

std::optional<long> parse_number(std::string_view s) {
  long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string parse_count(std::string_view key, std::string_view value, int& out) {
  const auto n = parse_number(value);
  if (!n || *n < 1 || *n > kMaxCpus)
    return "expected a positive integer for '" + std::string(key) + "', found " + quoted(value);
  out = static_cast<int>(*n);
  return {};
}

// "10:20/20:10": rows separated by '/', entries by ':'.
std::string parse_distance(std::string_view value, std::vector<std::vector<int>>& out) {
  out.clear();
  for (std::string_view row : split(value, '/')) {
    out.emplace_back();
    for (std::string_view entry : split(row, ':')) {
      const auto d = parse_number(entry);
      if (!d || *d < 0 || *d > 1000000)
        return "expected a distance number in 'distance', found " + quoted(entry);
      out.back().push_back(static_cast<int>(*d));
    }
  }
  return {};
}

std::string parse_online(std::string_view value, std::optional<CpuMask>& out) {
  const MaskParse m = parse_cpulist(value);
  if (!m.mask) return "in 'online': " + m.error;
  out = *m.mask;
  return {};
}

// "0-3:446/4-7:1024": cpulist ':' capacity entries separated by '/'; other CPUs get 1024.
// Checked against the CPU count after all keys are read (see finish_capacity).
std::string parse_capacity(std::string_view value, std::map<int, unsigned long>& out) {
  out.clear();
  for (std::string_view entry : split(value, '/')) {
    const size_t colon = entry.rfind(':');
    if (colon == std::string_view::npos)
      return "expected 'cpulist:capacity' in 'capacity', found " + quoted(entry);
    const MaskParse m = parse_cpulist(entry.substr(0, colon));
    const auto cap = parse_number(entry.substr(colon + 1));
    if (!m.mask) return "in 'capacity': " + m.error;
    if (!cap || *cap < 1 || *cap > static_cast<long>(kSchedCapacityScale))
      return "expected a capacity in 1.." + std::to_string(kSchedCapacityScale) +
             " in 'capacity', found " + quoted(entry.substr(colon + 1));
    for (int cpu : m.mask->cpus())
      if (!out.emplace(cpu, static_cast<unsigned long>(*cap)).second)
        return "'capacity' gives CPU " + std::to_string(cpu) + " twice";
  }
  return {};
}

std::string finish_capacity(const std::map<int, unsigned long>& caps, MachineSpec& spec) {
  if (caps.empty()) return {};
  if (caps.rbegin()->first >= spec.nr_cpus())
    return "'capacity' names CPU " + std::to_string(caps.rbegin()->first) +
           ", beyond the machine's " + std::to_string(spec.nr_cpus()) + " CPUs";
  spec.capacity.assign(static_cast<size_t>(spec.nr_cpus()), kSchedCapacityScale);
  for (const auto& [cpu, cap] : caps) spec.capacity[static_cast<size_t>(cpu)] = cap;
  return {};
}

const char* const kKeys[] = {"sockets",  "dies",   "clusters", "cores", "threads",      "nodes",
                             "distance", "online", "capacity", "era",   "smt-numbering"};

bool takes_cpulist(std::string_view key) { return key == "online" || key == "capacity"; }

// Applies one key; capacity is kept aside until the CPU count is final.
std::string apply(std::string_view key, std::string_view value, MachineSpec& spec,
                  std::map<int, unsigned long>& caps) {
  if (key == "sockets") return parse_count(key, value, spec.sockets);
  if (key == "dies") return parse_count(key, value, spec.dies);
  if (key == "clusters") return parse_count(key, value, spec.clusters);
  if (key == "cores") return parse_count(key, value, spec.cores);
  if (key == "threads") return parse_count(key, value, spec.threads);
  if (key == "nodes") return parse_count(key, value, spec.nodes);
  if (key == "distance") return parse_distance(value, spec.distance);
  if (key == "online") return parse_online(value, spec.online);
  if (key == "capacity") return parse_capacity(value, caps);
  if (key == "era") {
    spec.era = parse_kernel_version(value);
    return spec.era ? ""
                    : "expected a kernel version for 'era' (e.g. v6.17), found " + quoted(value);
  }
  // smt-numbering, the last of kKeys
  if (value == "adjacent")
    spec.smt_numbering = SmtNumbering::Adjacent;
  else if (value == "split")
    spec.smt_numbering = SmtNumbering::Split;
  else
    return "expected 'adjacent' or 'split' for 'smt-numbering', found " + quoted(value);
  return {};
}

struct Item {
  std::string key;
  std::string value;
};

// Splits the key=value list, joining cpulist continuations. `error` is set on a bad item.
std::vector<Item> items_of(const std::vector<std::string_view>& parts, std::string& error) {
  std::vector<Item> items;
  for (std::string_view part : parts) {
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      if (!items.empty() && takes_cpulist(items.back().key) && !part.empty()) {
        items.back().value += "," + std::string(part);
        continue;
      }
      error = "expected key=value, found " + quoted(part);
      return {};
    }
    items.push_back({std::string(part.substr(0, eq)), std::string(part.substr(eq + 1))});
  }
  return items;
}

}  // namespace

SpecParse parse_machine_spec(std::string_view text) {
  const auto fail = [](std::string e) { return SpecParse{std::nullopt, std::move(e)}; };
  if (text.empty()) return fail("empty SPEC: expected a preset name or key=value pairs");
  std::vector<std::string_view> parts = split(text, ',');

  MachineSpec spec;
  std::map<int, unsigned long> caps;
  if (parts.front().find('=') == std::string_view::npos) {
    const auto& presets = machine_presets();
    const auto it = std::find_if(presets.begin(), presets.end(),
                                 [&](const MachinePreset& p) { return p.name == parts.front(); });
    if (it == presets.end()) {
      std::string names;
      for (const MachinePreset& p : presets)
        names += (names.empty() ? "" : ", ") + std::string(p.name);
      return fail("expected a preset name (" + names + ") or key=value, found " +
                  quoted(parts.front()));
    }
    SpecParse base = parse_machine_spec(it->spec);
    if (!base.spec) return fail("preset " + quoted(it->name) + " is invalid: " + base.error);
    spec = *base.spec;
    for (size_t cpu = 0; cpu < spec.capacity.size(); ++cpu)
      caps[static_cast<int>(cpu)] = spec.capacity[cpu];
    spec.capacity.clear();
    parts.erase(parts.begin());
  }

  std::string error;
  const std::vector<Item> items = items_of(parts, error);
  if (!error.empty()) return fail(error);
  std::set<std::string> seen;
  for (const Item& item : items) {
    if (std::find(std::begin(kKeys), std::end(kKeys), item.key) == std::end(kKeys)) {
      std::string keys;
      for (const char* k : kKeys) keys += (keys.empty() ? "" : ", ") + std::string(k);
      return fail("unknown key " + quoted(item.key) + " (keys: " + keys + ")");
    }
    if (!seen.insert(item.key).second) return fail("key " + quoted(item.key) + " given twice");
    if (std::string e = apply(item.key, item.value, spec, caps); !e.empty()) return fail(e);
  }
  if (std::string e = validate_machine_spec(spec); !e.empty()) return fail(e);
  if (std::string e = finish_capacity(caps, spec); !e.empty()) return fail(e);
  spec.text = std::string(text);
  return SpecParse{spec, {}};
}

std::string format_machine_spec(const MachineSpec& spec) {
  std::string out =
      "sockets=" + std::to_string(spec.sockets) + ",dies=" + std::to_string(spec.dies) +
      ",clusters=" + std::to_string(spec.clusters) + ",cores=" + std::to_string(spec.cores) +
      ",threads=" + std::to_string(spec.threads) + ",nodes=" + std::to_string(spec.nodes) +
      ",smt-numbering=" + (spec.smt_numbering == SmtNumbering::Adjacent ? "adjacent" : "split");
  if (!spec.distance.empty()) {
    out += ",distance=";
    for (size_t i = 0; i < spec.distance.size(); ++i) {
      if (i > 0) out += '/';
      for (size_t j = 0; j < spec.distance[i].size(); ++j)
        out += (j > 0 ? ":" : "") + std::to_string(spec.distance[i][j]);
    }
  }
  if (spec.online) out += ",online=" + spec.online->to_cpulist();
  if (!spec.capacity.empty()) {
    // Runs of CPUs with one capacity: "0-3:446/4-7:1024".
    std::map<unsigned long, CpuMask> by_capacity;
    for (size_t cpu = 0; cpu < spec.capacity.size(); ++cpu)
      by_capacity[spec.capacity[cpu]].set(static_cast<int>(cpu));
    std::string entries;
    for (const auto& [cap, cpus] : by_capacity)
      entries += (entries.empty() ? "" : "/") + cpus.to_cpulist() + ":" + std::to_string(cap);
    out += ",capacity=" + entries;
  }
  if (spec.era) out += ",era=" + spec.era->str();
  return out;
}

const std::vector<MachinePreset>& machine_presets() {
  static const std::vector<MachinePreset> kPresets = {
      {"laptop", "1 socket x 4 cores x 2 threads, siblings numbered 0,4 as on Tiger Lake",
       "sockets=1,cores=4,threads=2,smt-numbering=split"},
      {"2s-numa", "2 sockets x 8 cores x 2 threads, one node per socket (10/20)",
       "sockets=2,cores=8,threads=2,nodes=2"},
      {"4n-ring", "4 nodes x 2 CPUs on a ring, distances 10/20/30 (spec/bugs.md #2)",
       "sockets=4,cores=2,nodes=4,distance=10:20:30:20/20:10:20:30/30:20:10:20/20:30:20:10"},
      {"kunpeng", "Kunpeng 920: 4 nodes x 24 cores, clusters of 4, no SMT, 10/12/20/22/24",
       "sockets=2,dies=2,clusters=6,cores=4,nodes=4,"
       "distance=10:12:20:22/12:10:22:24/20:22:10:12/22:24:12:10"},
      {"big-numa", "8 nodes x 64 CPUs (32 cores x 2 threads), distances 10/16/22/32",
       "sockets=8,cores=32,threads=2,nodes=8,"
       "distance=10:16:22:22:32:32:32:32/16:10:22:22:32:32:32:32/22:22:10:16:32:32:32:32/"
       "22:22:16:10:32:32:32:32/32:32:32:32:10:16:22:22/32:32:32:32:16:10:22:22/"
       "32:32:32:32:22:22:10:16/32:32:32:32:22:22:16:10"},
      {"segmented-bus", "4 nodes x 1 CPU on a chain 0-1-2-3, distances 10..40 (spec/bugs.md #8)",
       "sockets=4,nodes=4,distance=10:20:30:40/20:10:20:30/30:20:10:20/40:30:20:10"},
  };
  return kPresets;
}

}  // namespace sbm
