// sbm trace record: record the running kernel's scheduler events into a trace that
// `sbm trace check` reads (spec/trace-format.md, "Recorded kernel traces"), through a
// private ftrace instance (tools/sbm/tracefs_instance.h), as perf record and trace-cmd record
// do: set up, run a command or wait, stop, undo everything, also on error and on a signal.
#include <fcntl.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>

#include "model/kernel_version.h"
#include "model/profile.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/cli_tree.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/tracefs_instance.h"
#include "traces/topology_dump/write.h"
#include "traces/trace_input.h"
#include "traces/trace_record.h"

namespace sbm::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct RecordOptions {
  std::string output = "-";
  double seconds = 0;               // 0: until the command ends
  std::vector<std::string> events;  // as given; empty: default_record_events()
  unsigned buffer_kb = 8192;
  std::vector<std::string> command;
};

// How often the loop reads trace_pipe and looks at the clock and the command.
constexpr int kPollMs = 100;
// Read at most this much between two looks, so that a busy buffer cannot starve them.
constexpr std::size_t kDrainBytes = 4 << 20;
// Output is written in pieces of about this size (and whenever trace_pipe runs dry).
constexpr std::size_t kFlushBytes = 256 << 10;

// The signal that asked the recording to stop (SIGINT, SIGTERM), 0 while none did.
volatile sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) { g_stop_signal = sig; }

// SIGINT and SIGTERM stop the loop (no SA_RESTART: a blocked call returns EINTR and the loop
// looks at the flag); SIGPIPE is ignored so that a closed output is a write error, reported.
// The previous dispositions come back when this goes out of scope.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &old_pipe_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ = {}, old_term_ = {}, old_pipe_ = {};
};

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// An argument as a shell reads it back, on one line: POSIX quoting, or bash's $'...' when it
// holds a control character (a newline would break the header line it is written into).
std::string shell_quote(const std::string& arg) {
  const bool plain = !arg.empty() && arg.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789_-+=.,/:@%") == std::string::npos;
  if (plain) return arg;
  if (std::any_of(arg.begin(), arg.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    std::string q = "$'";
    for (const unsigned char c : arg) {
      if (c == '\\' || c == '\'')
        q += std::string("\\") + static_cast<char>(c);
      else if (c == '\n')
        q += "\\n";
      else if (c == '\t')
        q += "\\t";
      else if (c < 0x20 || c == 0x7f) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        q += hex;
      } else {
        q += static_cast<char>(c);
      }
    }
    return q + "'";
  }
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string joined(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += (s.empty() ? "" : " ") + shell_quote(a);
  return s;
}

std::string event_list(const std::vector<TraceEventName>& events) {
  std::string s;
  for (const TraceEventName& e : events) s += (s.empty() ? "" : ",") + e.str();
  return s;
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

// The command that records the same way, defaults spelled out.
std::string generator_line(const RecordOptions& o, const std::vector<TraceEventName>& events) {
  std::string line =
      "sbm trace record -e " + event_list(events) + " --buffer-kb " + std::to_string(o.buffer_kb);
  if (o.seconds > 0) line += " --seconds " + seconds_text(o.seconds);
  if (!o.command.empty()) line += " -- " + joined(o.command);
  return line;
}

// /proc/config.gz unpacked (CONFIG_IKCONFIG_PROC), or nothing.
std::optional<std::string> read_kernel_config() {
  std::ifstream f("/proc/config.gz", std::ios::binary);
  if (!f) return std::nullopt;
  TraceInput config(f);
  if (config.kind() != TraceInputKind::Text) return std::nullopt;
  std::string text(std::istreambuf_iterator<char>(config.stream()), {});
  if (!config.error().empty()) return std::nullopt;
  return text;
}

RecordHeader record_header(const RecordOptions& o, const std::vector<TraceEventName>& events) {
  RecordHeader h;
  h.generator = generator_line(o, events);
  struct utsname u = {};
  ::uname(&u);
  h.kernel = u.release;
  const std::optional<std::string> config = read_kernel_config();
  if (config) h.hz = kconfig_hz(*config);
  if (!h.hz)
    std::cerr << "sbm trace record: note: CONFIG_HZ not found (/proc/config.gz"
              << (config ? " has no CONFIG_HZ" : " not readable")
              << "): the trace has no # hz: line\n";
  const std::optional<KernelVersion> release = parse_kernel_version(h.kernel);
  if (const auto profile = release ? profile_for_release(*release) : std::nullopt)
    h.profile = *profile;
  else
    std::cerr << "sbm trace record: note: no sbm profile fits kernel " << h.kernel
              << ": the trace has no # profile: line\n";
  h.recorded = "events=" + event_list(events) + " buffer-kb=" + std::to_string(o.buffer_kb);
  if (o.seconds > 0) h.recorded += " seconds=" + seconds_text(o.seconds);
  if (!o.command.empty()) h.recorded += " command=" + joined(o.command);
  // The host's sched domains as the kernel of its era builds them from /sys (spec/topology-
  // builder.md, "The host"), printed as that era's sched_verbose: `sbm trace check` replays
  // and judges NB-4 and MIG-7 on them.
  if (const auto era = h.profile.empty()
                           ? std::nullopt
                           : std::optional(find_profile(h.profile).profile->version)) {
    try {
      std::istringstream dump(write_dmesg(load_topology("host", era).topology, *era));
      for (std::string line; std::getline(dump, line);) h.topology_dump.push_back(line);
    } catch (const std::exception& e) {
      std::cerr << "sbm trace record: note: the host's sched domains could not be built ("
                << e.what() << "): the trace has no # topology-dump: lines\n";
    }
  }
  return h;
}

// Where the trace goes: a file or standard output, written with write(2) so that every
// failure (a full disk, a reader that went away) is seen and reported.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    if (path == "-") {
      fd_ = STDOUT_FILENO;
      return;
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw UsageError("-o: cannot write '" + path + "': " + std::strerror(errno));
  }
  ~Output() {
    if (path_ != "-" && fd_ >= 0) ::close(fd_);
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::string_view text) {
    while (!text.empty()) {
      const ssize_t n = ::write(fd_, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw UsageError("cannot write " + name() + ": " +
                         (n < 0 ? std::strerror(errno) : "no progress"));
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // For a file, also the errors only close() reports (NFS, a full quota).
  void close() {
    if (path_ == "-") return;
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw UsageError("cannot write " + name() + ": " + std::strerror(errno));
  }

 private:
  std::string name() const { return path_ == "-" ? "the standard output" : "'" + path_ + "'"; }
  std::string path_;
  int fd_ = -1;
};

// The command, forked before tracing starts and held at a pipe until it is on, so that its
// first steps are in the trace; exec failures come back through a close-on-exec pipe.
class Command {
 public:
  explicit Command(const std::vector<std::string>& argv) {
    int go[2], err[2];
    if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
      throw UsageError(std::string("cannot make a pipe: ") + std::strerror(errno));
    pid_ = ::fork();
    if (pid_ < 0) throw UsageError(std::string("cannot fork: ") + std::strerror(errno));
    if (pid_ == 0) {
      ::signal(SIGPIPE, SIG_DFL);  // an ignored signal stays ignored across exec
      char ready = 0;
      if (::read(go[0], &ready, 1) != 1) ::_exit(127);  // recording never started
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      const int e = errno;
      [[maybe_unused]] const ssize_t w = ::write(err[1], &e, sizeof e);
      ::_exit(127);
    }
    ::close(go[0]);
    ::close(err[1]);
    go_fd_ = go[1];
    err_fd_ = err[0];
    name_ = argv[0];
  }
  ~Command() {
    if (go_fd_ >= 0) ::close(go_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  // Lets it run; throws when it cannot be executed.
  void start() {
    const char go = 'g';
    const bool sent = ::write(go_fd_, &go, 1) == 1;
    ::close(go_fd_);
    go_fd_ = -1;
    int e = 0;
    ssize_t n;
    while ((n = ::read(err_fd_, &e, sizeof e)) < 0 && errno == EINTR) {
    }
    if (!sent || n > 0) {
      wait();
      throw UsageError("cannot run '" + name_ + "': " + std::strerror(sent ? e : EPIPE));
    }
  }
  // Whether it has ended (without waiting).
  bool ended() {
    int s = 0;
    if (!status_ && ::waitpid(pid_, &s, WNOHANG) == pid_) status_ = s;
    return status_.has_value();
  }
  void signal(int sig) { ::kill(pid_, sig); }
  void wait() {
    int s = 0;
    while (!status_) {
      if (::waitpid(pid_, &s, 0) == pid_)
        status_ = s;
      else if (errno != EINTR)
        status_ = 0;  // not our child any more: nothing to wait for
    }
  }
  std::string outcome() const {
    if (WIFEXITED(*status_)) return "exited with status " + std::to_string(WEXITSTATUS(*status_));
    if (WIFSIGNALED(*status_)) return "killed by " + signal_name(WTERMSIG(*status_));
    return "ended";
  }

 private:
  pid_t pid_ = -1;
  int go_fd_ = -1;
  int err_fd_ = -1;
  std::string name_;
  std::optional<int> status_;
};

// Copies what trace_pipe holds now (at most kDrainBytes) to the output, counting its markers;
// returns whether trace_pipe ran dry.
bool drain(int pipe_fd, LostEventsTally& tally, Output& out) {
  static char buf[1 << 16];
  std::string pending;
  std::size_t total = 0;
  bool dry = false;
  while (total < kDrainBytes) {
    const ssize_t n = ::read(pipe_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN)
      throw UsageError(std::string("cannot read the instance's trace_pipe: ") +
                       std::strerror(errno));
    if (n <= 0) {
      dry = true;
      break;
    }
    const std::string_view chunk(buf, static_cast<std::size_t>(n));
    tally.feed(chunk);
    pending.append(chunk);
    total += chunk.size();
    if (pending.size() >= kFlushBytes) {
      out.write(pending);
      pending.clear();
    }
  }
  out.write(pending);
  return dry;
}

int run_record(const RecordOptions& o) {
  if (o.seconds <= 0 && o.command.empty())
    throw UsageError(
        "trace record: say how long: --seconds S, or -- COMMAND [ARGS...] to record while it runs");
  std::vector<TraceEventName> events;
  for (const std::string& e : o.events) {
    TraceEventNameParse p = parse_trace_event_name(e);
    if (!p.name) throw UsageError("-e: " + p.error);
    events.push_back(*p.name);
  }
  if (events.empty()) events = default_record_events();

  StopSignals signals;
  Output out(o.output);
  TracefsInstance instance("sbm-" + std::to_string(::getpid()));
  instance.set_buffer_kb(o.buffer_kb);
  for (TraceEventName& e : events) e = instance.resolve(e);
  for (const TraceEventName& e : events) instance.enable(e);
  const int pipe_fd = instance.open_trace_pipe();
  out.write(format_record_header(record_header(o, events)));

  std::unique_ptr<Command> command;
  if (!o.command.empty()) command = std::make_unique<Command>(o.command);
  const Clock::time_point start = Clock::now();
  instance.set_tracing_on(true);
  if (command) command->start();

  std::string stopped;
  LostEventsTally tally;
  for (;;) {
    const bool dry = drain(pipe_fd, tally, out);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (g_stop_signal) {
      stopped = "stopped by " + signal_name(g_stop_signal);
      break;
    }
    if (command && command->ended()) {
      stopped = "command " + command->outcome();
      break;
    }
    if (o.seconds > 0 && elapsed >= o.seconds) {
      stopped = "stopped after " + seconds_text(o.seconds) + " s";
      break;
    }
    if (!dry) continue;  // more is waiting: read on before sleeping
    // A sleep, not a poll() of trace_pipe: a waiter on the ring buffer is woken through an
    // irq_work IPI (rb_wake_up_waiters()), and the wakeup's own events would wake it again.
    const double left_ms = o.seconds > 0 ? (o.seconds - elapsed) * 1000 : kPollMs;
    const int ms = std::max(1, std::min(kPollMs, static_cast<int>(std::ceil(left_ms))));
    const struct timespec nap = {ms / 1000, (ms % 1000) * 1000000L};
    ::nanosleep(&nap, nullptr);  // a stop signal cuts it short
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  instance.set_tracing_on(false);
  while (!drain(pipe_fd, tally, out)) {
  }
  if (command && !command->ended()) {
    // Still running when the time ran out or a signal came: it gets the same signal (SIGTERM
    // for the time) and is waited for, so that nothing outlives the recording.
    command->signal(g_stop_signal ? g_stop_signal : SIGTERM);
    command->wait();
    stopped += "; command " + command->outcome();
  }
  const std::vector<RingBufferStats> stats = instance.stats();
  out.write(format_lost_tail(stats, tally) + "# stopped: " + stopped + "\n");
  out.close();

  uint64_t recorded = 0, lost_total = 0;
  std::string lost;
  for (std::size_t cpu = 0; cpu < stats.size(); ++cpu) {
    recorded += stats[cpu].read_events + stats[cpu].entries;
    lost_total += stats[cpu].lost();
    lost += (lost.empty() ? "" : ", ") + std::string("cpu") + std::to_string(cpu) + " " +
            std::to_string(stats[cpu].lost());
  }
  std::cerr << "sbm trace record: " << recorded << " events in " << std::fixed
            << std::setprecision(2) << elapsed << " s ("
            << static_cast<uint64_t>(elapsed > 0 ? recorded / elapsed : 0)
            << "/s); lost events: " << lost << "; " << stopped << "\n";
  if (lost_total > 0)
    std::cerr << "sbm trace record: note: events were lost (the buffer filled faster than it was "
                 "read); a larger "
                 "--buffer-kb keeps them. A finding of 'sbm trace check' just before a gap may "
                 "rest on them "
                 "(spec/trace-format.md, \"Recorded kernel traces\")\n";
  // Something left behind (an instance holds its ring buffers' memory) is an error.
  const std::vector<std::string> left = instance.remove();
  for (const std::string& failed : left) std::cerr << "sbm: error: " << failed << "\n";
  return left.empty() ? kConforms : kBadInput;
}

// The default events, one line per system.
std::string default_events_help() {
  std::string s;
  const std::vector<TraceEventName>& events = default_record_events();
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i == 0 || events[i].system != events[i - 1].system)
      s += (i == 0 ? "  " : "\n  ") + events[i].system + ":";
    s += " " + events[i].event;
  }
  return s + "\n";
}

std::string record_help() {
  return "Record the running kernel's scheduler events into a trace 'sbm trace check' reads, "
         "through a\n"
         "private ftrace instance (tracefs instances/sbm-PID; tracefs is mounted on a temporary "
         "directory\n"
         "when it is not mounted yet), while COMMAND runs or for S seconds, whichever ends first "
         "(a command\n"
         "still running then is sent SIGTERM). Needs root. The output is the instance's trace_pipe "
         "text,\n"
         "streamed while recording, after a header (# generator, # kernel, # hz from "
         "/proc/config.gz,\n"
         "# profile: the newest sbm profile not after the kernel, # recorded) and followed by the "
         "ring\n"
         "buffer's lost-event counts per CPU (a CPU:N [LOST M EVENTS] marker for losses the text "
         "did not\n"
         "show; spec/trace-format.md, \"Recorded kernel traces\"). SIGINT or SIGTERM stop the "
         "recording\n"
         "(and the command) and it ends as usual; the instance is removed and tracefs unmounted in "
         "every\n"
         "case. Default events (-e names others instead):\n" +
         default_events_help() +
         "Exit: 0 recorded (whatever the command's status, which is printed), 2 bad usage, no "
         "tracefs or\n"
         "no permission, an unknown event, a command that cannot run, or output that cannot be "
         "written.";
}

}  // namespace

void add_trace_record_command(CLI::App* trace, int& status) {
  auto o = std::make_shared<RecordOptions>();
  CLI::App* r = trace->add_subcommand("record", record_help());
  r->add_option("-o,--output", o->output, "Write the trace to FILE (default -: standard output)");
  r->add_option("--seconds", o->seconds, "Record for S seconds (with a command: at most S seconds)")
      ->check(positive_number());
  r->add_option(
       "-e,--event", o->events,
       "Record EVENT instead of the defaults: SYSTEM:EVENT or EVENT, repeated or comma-separated")
      ->delimiter(',')
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  r->add_option("--buffer-kb", o->buffer_kb, "Ring buffer per CPU in KB (default 8192)")
      ->check(CLI::Range(1u, 4u << 20));
  r->add_option("command", o->command, "COMMAND [ARGS...] to run while recording, after --");
  r->footer(
      "Examples:\n"
      "  sbm trace record --seconds 5 -o idle.trace        # five seconds of whatever runs\n"
      "  sbm trace record -o - -- make -j2 | sbm trace check -   # check while recording a build\n"
      "  sbm trace record -e sched_switch,sched:sched_wakeup --seconds 1 -o - | head");
  r->callback([o, &status] { status = run_record(*o); });
}

}  // namespace sbm::cli
