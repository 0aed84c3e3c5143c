#include "tools/sbm/tracefs_instance.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sbm::cli {

namespace {

namespace fs = std::filesystem;

std::string errno_text(int e) { return std::strerror(e); }

// What to do about a permission error: every step needs root (tracefs files are 0640 root).
std::string hint(int e) { return e == EACCES || e == EPERM ? " (recording needs root)" : ""; }

// A /proc/mounts path field: blanks, tabs, newlines and backslashes are octal escapes
// (mangle(), fs/proc_namespace.c).
std::string unescape_mount_path(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A tracefs mount with an instances/ directory, or "".
std::string find_mounted_tracefs() {
  std::ifstream mounts("/proc/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string device, path, type;
    if (!(fields >> device >> path >> type) || type != "tracefs") continue;
    const std::string dir = unescape_mount_path(path);
    std::error_code ec;
    if (fs::is_directory(fs::path(dir) / "instances", ec)) return dir;
  }
  return "";
}

std::string read_small_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TracefsInstance::TracefsInstance(const std::string& name) {
  try {
    mount_point_ = find_mounted_tracefs();
    if (mount_point_.empty()) {
      std::string dir = (fs::temp_directory_path() / "sbm-tracefs-XXXXXX").string();
      if (::mkdtemp(dir.data()) == nullptr)
        throw UsageError("cannot make a directory to mount tracefs on: " + errno_text(errno));
      if (::mount("nodev", dir.c_str(), "tracefs", 0, nullptr) != 0) {
        const int e = errno;
        ::rmdir(dir.c_str());
        throw UsageError("cannot mount tracefs on " + dir + ": " + errno_text(e) +
                         (e == ENODEV ? " (this kernel has no tracefs: CONFIG_TRACING)" : hint(e)));
      }
      mount_point_ = dir;
      mounted_here_ = true;
    }
    const std::string dir = mount_point_ + "/instances/" + name;
    if (::mkdir(dir.c_str(), 0750) != 0) {
      const int e = errno;
      throw UsageError("cannot create the tracefs instance " + dir + ": " + errno_text(e) +
                       (e == EEXIST ? " (another recording uses it)" : hint(e)));
    }
    dir_ = dir;
    set_tracing_on(false);  // a new instance starts with tracing on
  } catch (...) {
    remove();
    throw;
  }
}

TracefsInstance::~TracefsInstance() { remove(); }

void TracefsInstance::write(const std::string& file, const std::string& text) const {
  const std::string path = dir_ + "/" + file;
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    throw UsageError("cannot open " + path + ": " + errno_text(e) + hint(e));
  }
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int e = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size()))
    throw UsageError("cannot write '" + text + "' to " + path + ": " +
                     (n < 0 ? errno_text(e) : "short write") + hint(e));
}

void TracefsInstance::set_buffer_kb(unsigned kb) { write("buffer_size_kb", std::to_string(kb)); }

TraceEventName TracefsInstance::resolve(const TraceEventName& e) const {
  const fs::path events = fs::path(dir_) / "events";
  std::error_code ec;
  if (!e.system.empty()) {
    if (fs::exists(events / e.system / e.event / "enable", ec)) return e;
    throw UsageError("-e " + e.str() + ": no such event in tracefs (its list: " + mount_point_ +
                     "/available_events)");
  }
  std::vector<std::string> systems;
  for (const auto& sys : fs::directory_iterator(events, ec))
    if (fs::exists(sys.path() / e.event / "enable", ec))
      systems.push_back(sys.path().filename().string());
  std::sort(systems.begin(), systems.end());
  if (systems.empty())
    throw UsageError("-e " + e.event + ": no such event in tracefs (its list: " + mount_point_ +
                     "/available_events)");
  if (systems.size() > 1)
    throw UsageError("-e " + e.event + ": in more than one system (" + systems[0] + ", " +
                     systems[1] + "); name it as SYSTEM:EVENT");
  return TraceEventName{systems[0], e.event};
}

void TracefsInstance::enable(const TraceEventName& e) {
  enabled_.push_back(e);  // first, so that a half-done write is undone too
  write("events/" + e.system + "/" + e.event + "/enable", "1");
}

void TracefsInstance::set_tracing_on(bool on) { write("tracing_on", on ? "1" : "0"); }

int TracefsInstance::open_trace_pipe() {
  const std::string path = dir_ + "/trace_pipe";
  pipe_fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (pipe_fd_ < 0) {
    const int e = errno;
    throw UsageError("cannot open " + path + ": " + errno_text(e) + hint(e));
  }
  return pipe_fd_;
}

std::vector<RingBufferStats> TracefsInstance::stats() const {
  std::vector<int> cpus;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(fs::path(dir_) / "per_cpu", ec)) {
    const std::string n = d.path().filename().string();
    if (n.starts_with("cpu") && n.size() > 3 && std::all_of(n.begin() + 3, n.end(), ::isdigit))
      cpus.push_back(std::atoi(n.c_str() + 3));
  }
  if (ec || cpus.empty())
    throw UsageError("cannot list " + dir_ + "/per_cpu: " + (ec ? ec.message() : "no CPUs"));
  std::vector<RingBufferStats> out(
      static_cast<std::size_t>(*std::max_element(cpus.begin(), cpus.end())) + 1);
  for (int cpu : cpus) {
    const std::string path = dir_ + "/per_cpu/cpu" + std::to_string(cpu) + "/stats";
    const RingBufferStatsParse p = parse_ring_buffer_stats(read_small_file(path));
    if (!p.stats) throw UsageError(path + ": " + p.error);
    out[static_cast<std::size_t>(cpu)] = *p.stats;
  }
  return out;
}

std::vector<std::string> TracefsInstance::remove() {
  std::vector<std::string> failed;
  auto attempt = [&](auto step) {
    try {
      step();
    } catch (const UsageError& e) {
      failed.push_back(e.what());
    }
  };
  if (pipe_fd_ >= 0) {
    ::close(pipe_fd_);
    pipe_fd_ = -1;
  }
  if (!dir_.empty()) {
    attempt([&] { set_tracing_on(false); });
    while (!enabled_.empty()) {
      const TraceEventName e = enabled_.back();
      enabled_.pop_back();
      attempt([&] { write("events/" + e.system + "/" + e.event + "/enable", "0"); });
    }
    if (::rmdir(dir_.c_str()) != 0)
      failed.push_back("cannot remove the tracefs instance " + dir_ + ": " + errno_text(errno));
    dir_.clear();
  }
  if (mounted_here_) {
    if (::umount(mount_point_.c_str()) != 0 && ::umount2(mount_point_.c_str(), MNT_DETACH) != 0)
      failed.push_back("cannot unmount tracefs from " + mount_point_ + ": " + errno_text(errno));
    else if (::rmdir(mount_point_.c_str()) != 0)
      failed.push_back("cannot remove " + mount_point_ + ": " + errno_text(errno));
    mounted_here_ = false;
  }
  return failed;
}

}  // namespace sbm::cli
