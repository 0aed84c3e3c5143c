#include "traces/host_topology/sysfs_read.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace sbm {

namespace {

namespace fs = std::filesystem;

// A bad file: unwinds the reader to read_sysfs_topology(), which reports it.
struct BadFile : std::runtime_error {
  BadFile(std::string f, std::string message)
      : std::runtime_error(std::move(message)), file(std::move(f)) {}
  std::string file;
};

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

// The file's first line, without its newline.
std::string read_line(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::error_code ec;
  if (!f || fs::is_directory(path, ec)) throw BadFile(path, "cannot read the file");
  std::string line;
  std::getline(f, line);
  return line;
}

CpuMask read_cpulist(const std::string& path) {
  const MaskParse m = parse_cpulist(read_line(path));
  if (!m.mask) throw BadFile(path, m.error);
  return *m.mask;
}

long read_number(const std::string& path, std::string_view text) {
  long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw BadFile(path, "expected a number, found '" + std::string(text) + "'");
  return v;
}

// A sibling list: holds its own CPU, cut to the online CPUs.
CpuMask read_siblings(const std::string& path, int cpu, const CpuMask& online) {
  const CpuMask m = read_cpulist(path);
  if (!m.test(cpu))
    throw BadFile(path, "'" + m.to_cpulist() + "' does not hold CPU " + std::to_string(cpu));
  return m & online;
}

// "cpu:type:x86,ven...:feature:..." or "cpu:type:aarch64:feature:...".
std::string read_arch(const std::string& path) {
  const std::string line = read_line(path);
  const std::string_view prefix = "cpu:type:";
  if (line.rfind(prefix, 0) != 0)
    throw BadFile(path, "expected 'cpu:type:ARCH...', found '" + line + "'");
  std::string arch =
      line.substr(prefix.size(), line.find_first_of(",:", prefix.size()) - prefix.size());
  if (arch != "x86" && arch != "aarch64")
    throw BadFile(path, "architecture '" + arch + "' is not modelled (x86 and aarch64 are)");
  return arch;
}

// cacheinfo's leaves: the highest-level one that is not an instruction cache.
std::optional<CpuMask> read_llc(const std::string& cpu_dir, int cpu, const CpuMask& online) {
  std::optional<CpuMask> llc;
  long llc_level = 0;
  for (int k = 0;; ++k) {
    const std::string index = cpu_dir + "/cache/index" + std::to_string(k);
    if (!exists(index)) break;
    if (read_line(index + "/type") == "Instruction") continue;
    const long level = read_number(index + "/level", read_line(index + "/level"));
    if (level > llc_level) {
      llc_level = level;
      llc = read_siblings(index + "/shared_cpu_list", cpu, online);
    }
  }
  return llc;
}

SysfsCpu read_cpu(const std::string& cpu_root, int cpu, const CpuMask& online) {
  const std::string dir = cpu_root + "/cpu" + std::to_string(cpu);
  const std::string topo = dir + "/topology/";
  SysfsCpu c;
  c.thread_siblings = read_siblings(topo + "thread_siblings_list", cpu, online);
  c.core_siblings = read_siblings(topo + "core_siblings_list", cpu, online);
  c.cluster_cpus = exists(topo + "cluster_cpus_list")
                       ? read_siblings(topo + "cluster_cpus_list", cpu, online)
                       : c.thread_siblings;
  c.llc = read_llc(dir, cpu, online);
  if (const std::string cap = dir + "/cpu_capacity"; exists(cap)) {
    const long v = read_number(cap, read_line(cap));
    if (v < 1 || v > 1024)
      throw BadFile(cap, "expected a capacity in 1..1024, found " + std::to_string(v));
    c.capacity = static_cast<unsigned long>(v);
  }
  return c;
}

// node/nodeN, N ascending.
std::vector<int> node_dirs(const std::string& node_root) {
  std::vector<int> ids;
  for (const fs::directory_entry& e : fs::directory_iterator(node_root)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("node", 0) != 0 || name.size() == 4 || !e.is_directory()) continue;
    int id = 0;
    const auto [end, ec] = std::from_chars(name.data() + 4, name.data() + name.size(), id);
    if (ec == std::errc() && end == name.data() + name.size()) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void read_nodes(const std::string& node_root, SysfsTopology& t) {
  if (!exists(node_root)) {
    t.node_cpus = {t.online};
    t.node_ids = {0};
    return;
  }
  const std::vector<int> ids = node_dirs(node_root);
  std::vector<size_t> kept;  // indices into ids of the nodes with online CPUs
  std::vector<std::vector<int>> rows;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string dir = node_root + "/node" + std::to_string(ids[i]);
    const CpuMask cpus = read_cpulist(dir + "/cpulist") & t.online;
    const std::string distance = dir + "/distance";
    std::vector<int> row;
    const std::string line = read_line(distance);
    for (size_t pos = 0; pos < line.size();) {
      const size_t end = std::min(line.find(' ', pos), line.size());
      if (end > pos)
        row.push_back(
            static_cast<int>(read_number(distance, std::string_view(line).substr(pos, end - pos))));
      pos = end + 1;
    }
    if (row.size() != ids.size())
      throw BadFile(distance, "expected " + std::to_string(ids.size()) +
                                  " distances (one per node directory), found " +
                                  std::to_string(row.size()));
    if (cpus.empty()) continue;
    kept.push_back(i);
    t.node_cpus.push_back(cpus);
    t.node_ids.push_back(ids[i]);
    rows.push_back(std::move(row));
  }
  CpuMask seen;
  for (size_t n = 0; n < t.node_cpus.size(); ++n) {
    if (t.node_cpus[n].intersects(seen))
      throw BadFile(node_root + "/node" + std::to_string(t.node_ids[n]) + "/cpulist",
                    "CPU " + std::to_string((t.node_cpus[n] & seen).first()) + " is on two nodes");
    seen |= t.node_cpus[n];
  }
  if (seen != t.online)
    throw BadFile(node_root, "online CPU " + std::to_string(t.online.andnot(seen).first()) +
                                 " is in no node's cpulist");
  for (const std::vector<int>& row : rows) {
    t.distance.emplace_back();
    for (size_t k : kept) t.distance.back().push_back(row[k]);
  }
}

}  // namespace

SysfsRead read_sysfs_topology(const std::string& root) {
  const std::string cpu_root = root + "/devices/system/cpu";
  try {
    SysfsTopology t;
    t.online = read_cpulist(cpu_root + "/online");
    if (t.online.empty()) throw BadFile(cpu_root + "/online", "no CPU is online");
    t.arch = read_arch(cpu_root + "/modalias");
    for (int cpu : t.online.cpus()) t.cpus.emplace(cpu, read_cpu(cpu_root, cpu, t.online));
    read_nodes(root + "/devices/system/node", t);
    return SysfsRead{std::move(t), {}, {}};
  } catch (const BadFile& e) {
    return SysfsRead{std::nullopt, e.file, e.what()};
  } catch (const fs::filesystem_error& e) {
    return SysfsRead{std::nullopt, e.path1().string(), e.code().message()};
  }
}

}  // namespace sbm
