// A private ftrace instance for one recording (`sbm trace record`): tracefs found where it is
// mounted (/proc/mounts) or mounted on a fresh directory, then DIR/instances/NAME created with
// its own ring buffer, so that nothing of the top-level buffer or of another tracer's
// instance is touched (Documentation/trace/ftrace.rst, "Instances"). Everything it sets up is
// undone by remove(), which the destructor calls: events disabled, tracing off, the instance
// removed, tracefs unmounted when it was mounted here.
#pragma once

#include <string>
#include <vector>

#include "tools/sbm/cli_common.h"
#include "traces/trace_record.h"

namespace sbm::cli {

class TracefsInstance {
 public:
  // Creates instances/NAME with tracing off. Throws UsageError (nothing left behind) when
  // tracefs cannot be found or mounted, or the instance cannot be made (not root, a name in use).
  explicit TracefsInstance(const std::string& name);
  ~TracefsInstance();
  TracefsInstance(const TracefsInstance&) = delete;
  TracefsInstance& operator=(const TracefsInstance&) = delete;

  // The instance's directory.
  const std::string& dir() const { return dir_; }

  // buffer_size_kb: the ring buffer of each CPU.
  void set_buffer_kb(unsigned kb);
  // The event's system filled in for a bare name; UsageError when tracefs has no such event
  // (or a bare name is in two systems).
  TraceEventName resolve(const TraceEventName& e) const;
  // Enables a resolved event; remove() disables it again.
  void enable(const TraceEventName& e);
  void set_tracing_on(bool on);
  // trace_pipe, opened non-blocking: a consuming read of every CPU's buffer in time order.
  // The instance owns the descriptor (the instance cannot be removed while it is open).
  int open_trace_pipe();
  // per_cpu/cpuN/stats of every CPU, indexed by N.
  std::vector<RingBufferStats> stats() const;

  // Undoes everything, last step first; safe to call twice. Returns what could not be undone
  // (one message each), for the caller to report.
  std::vector<std::string> remove();

 private:
  void write(const std::string& file, const std::string& text) const;

  std::string mount_point_;  // where tracefs is
  bool mounted_here_ = false;
  std::string dir_;  // mount_point_/instances/NAME, empty once removed
  std::vector<TraceEventName> enabled_;
  int pipe_fd_ = -1;
};

}  // namespace sbm::cli
