// `sbm trace record` on the running kernel (ctest label `live`): real recordings of a second
// or two, read back by `sbm trace check`, and the cleanup after success, errors and signals.
// Without root or without tracefs every test is skipped (GTEST_SKIP, shown as skipped by
// ctest), never passed. The fixture looks at tracefs through a mount of its own and, should
// a test fail half-way, removes what a recording left and kills what it started.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/kernel_version.h"
#include "model/profile.h"
#include "tests/cli/sbm_run.h"

namespace {

namespace fs = std::filesystem;
using sbm::testing::live_skip_reason;
using sbm::testing::sbm;
using sbm::testing::SbmRun;
using sbm::testing::slurp;
using sbm::testing::temp_dir;

// The tracefs mounts in /proc/mounts, by mount point.
std::vector<std::string> tracefs_mounts() {
  std::vector<std::string> out;
  std::ifstream mounts("/proc/mounts");
  std::string device, path, type, rest;
  while (mounts >> device >> path >> type && std::getline(mounts, rest))
    if (type == "tracefs") out.push_back(path);
  return out;
}

class LiveRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = live_skip_reason(); !why.empty()) GTEST_SKIP() << why;
    live_ = true;
    mounts_before_ = tracefs_mounts();
  }

  void TearDown() override {
    if (!live_) return;  // skipped (TearDown runs after GTEST_SKIP too)
    if (child_ > 0) {    // a test that failed with its recording still running
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
    with_tracefs([](const fs::path& tracefs) {  // undo what a failed recording left
      for (const std::string& name : instances_in(tracefs)) {
        const fs::path d = tracefs / "instances" / name;
        std::ofstream(d / "tracing_on") << "0";
        std::ofstream(d / "events" / "enable") << "0";
        ::rmdir(d.c_str());
      }
    });
  }

  // Runs f on a tracefs mount of the test's own, unmounted after (no recording runs then: a
  // recording may take any tracefs mount it finds in /proc/mounts).
  template <class F>
  static void with_tracefs(F f) {
    const fs::path dir = temp_dir() / "tracefs";
    fs::create_directories(dir);
    ASSERT_EQ(::mount("nodev", dir.c_str(), "tracefs", 0, nullptr), 0) << std::strerror(errno);
    f(dir);
    ::umount(dir.c_str());
  }

  // The instances a recording made and left (instances/sbm-PID of a PID that no longer
  // runs), by name; a recording running elsewhere on the machine is none of the test's business.
  static std::vector<std::string> instances_in(const fs::path& tracefs) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(tracefs / "instances", ec)) {
      const std::string name = d.path().filename().string();
      if (!name.starts_with("sbm-")) continue;
      const pid_t pid = static_cast<pid_t>(std::atoi(name.c_str() + 4));
      if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) out.push_back(name);
    }
    return out;
  }

  // Nothing of a recording is left: no instance, no tracefs mount that was not there before.
  void expect_nothing_left() const {
    EXPECT_EQ(tracefs_mounts(), mounts_before_);
    with_tracefs([](const fs::path& tracefs) {
      EXPECT_EQ(instances_in(tracefs), std::vector<std::string>{});
    });
  }

  // `sbm trace check --json FILE`, which must read the trace whole: its one lane.
  nlohmann::json check(const std::string& file) const {
    const SbmRun r = sbm("trace check --json --keep-going " + file);
    EXPECT_NE(r.status, 2) << r.err;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j.is_discarded() ? j : j["profiles"][0];
  }

  bool live_ = false;
  std::vector<std::string> mounts_before_;
  pid_t child_ = -1;
};

// `# key: value` of `text`, or "" when the line is missing.
std::string header(const std::string& text, const std::string& key) {
  const std::string start = "# " + key + ": ";
  const std::size_t at = text.find("\n" + start);
  if (at == std::string::npos) return "";
  const std::size_t from = at + 1 + start.size();
  return text.substr(from, text.find('\n', from) - from);
}

// CONFIG_HZ as zcat and sed read it from /proc/config.gz ("" when it is not there).
std::string config_hz() {
  const std::string file = (temp_dir() / "hz").string();
  if (std::system(("zcat /proc/config.gz | sed -n 's/^CONFIG_HZ=//p' >" + file).c_str()) != 0)
    return "";
  std::string hz = slurp(file);
  while (!hz.empty() && hz.back() == '\n') hz.pop_back();
  return hz;
}

TEST_F(LiveRecord, SecondsRecordReadsWholeWithItsHeader) {
  const std::string file = (temp_dir() / "seconds.trace").string();
  const SbmRun r = sbm("trace record --seconds 1 -o " + file);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("stopped after 1 s"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lost events: cpu0 "), std::string::npos) << r.err;
  const std::string text = slurp(file);
  EXPECT_TRUE(
      text.starts_with("# tracer: nop\n# generator: sbm trace record -e irq:softirq_raise,"))
      << text.substr(0, 200);
  EXPECT_NE(header(text, "generator").find("--buffer-kb 8192 --seconds 1"), std::string::npos);
  struct utsname u = {};
  ::uname(&u);
  EXPECT_EQ(header(text, "kernel"), u.release);
  const std::string hz = config_hz();
  EXPECT_EQ(header(text, "hz"), hz) << "no line when the config has none";
  const auto release = sbm::parse_kernel_version(u.release);
  ASSERT_TRUE(release) << u.release;
  EXPECT_EQ(header(text, "profile"), sbm::profile_for_release(*release).value_or(""));
  EXPECT_NE(header(text, "recorded").find("events=irq:softirq_raise,irq:softirq_entry"),
            std::string::npos);
  EXPECT_NE(header(text, "recorded").find(" seconds=1"), std::string::npos);
  EXPECT_NE(header(text, "lost-events"), "");
  EXPECT_EQ(header(text, "stopped"), "stopped after 1 s");
  const nlohmann::json j = check(file);
  EXPECT_GT(j.value("events", uint64_t{0}), 0u) << j.dump();
  EXPECT_EQ(j.value("unparsed", -1), 0) << j.dump();
  expect_nothing_left();
}

TEST_F(LiveRecord, UsesAMountedTracefsAndLeavesItMounted) {
  with_tracefs([&](const fs::path& tracefs) {
    const std::string file = (temp_dir() / "mounted.trace").string();
    const SbmRun r = sbm("trace record --seconds 0.5 -e sched_switch -o " + file);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(header(slurp(file), "recorded"),
              "events=sched:sched_switch buffer-kb=8192 seconds=0.5");
    std::vector<std::string> mounts = tracefs_mounts();
    EXPECT_NE(std::find(mounts.begin(), mounts.end(), tracefs.string()), mounts.end())
        << "still mounted";
    EXPECT_EQ(instances_in(tracefs), std::vector<std::string>{});
    const nlohmann::json j = check(file);
    EXPECT_GT(j["events_by_name"].value("sched_switch", 0), 0) << j.dump();
    EXPECT_EQ(j["events_by_name"].size(), 1u) << "only the event asked for" << j.dump();
  });
  expect_nothing_left();
}

TEST_F(LiveRecord, CommandRecordsItsRunAndItsStatus) {
  const std::string file = (temp_dir() / "command.trace").string();
  const SbmRun r =
      sbm("trace record --seconds 30 -o " + file +
          " -- sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; sleep 0.2; exit 3'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("command exited with status 3"), std::string::npos) << r.err;
  const std::string text = slurp(file);
  EXPECT_NE(header(text, "recorded").find("command=sh -c 'i=0; while"), std::string::npos)
      << text.substr(0, 600);
  EXPECT_EQ(header(text, "stopped"), "command exited with status 3");
  EXPECT_NE(text.find("sched_process_exit: comm=sh"), std::string::npos)
      << "the command's own end is in it";
  const nlohmann::json j = check(file);
  EXPECT_GT(j.value("events", uint64_t{0}), 0u);
  EXPECT_EQ(j.value("unparsed", -1), 0) << j.dump();
  EXPECT_GT(j["events_by_name"].value("sched_switch", 0), 0) << j.dump();
  expect_nothing_left();
}

// The sum of the `cpuN=M` counts of a `# lost-events...:` value.
uint64_t sum_of_counts(const std::string& value) {
  uint64_t sum = 0;
  for (std::size_t at = value.find('='); at != std::string::npos; at = value.find('=', at + 1))
    sum += std::strtoull(value.c_str() + at + 1, nullptr, 10);
  return sum;
}

TEST_F(LiveRecord, LostEventsAreMarkedAndCountedAsGaps) {
  // A 4 KB buffer per CPU, read every 100 ms, under fork churn: some events are overwritten.
  const std::string file = (temp_dir() / "small.trace").string();
  const SbmRun r = sbm("trace record --buffer-kb 4 -o " + file +
                       " -- sh -c 'for i in $(seq 100); do /bin/true; done'");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = slurp(file);
  const uint64_t lost = sum_of_counts(header(text, "lost-events"));
  // Every lost event is in a marker: ftrace's among the events, or sbm's at the end.
  uint64_t marked = 0;
  for (std::size_t at = text.find("\nCPU:"); at != std::string::npos;
       at = text.find("\nCPU:", at + 1)) {
    const std::size_t n = text.find("[LOST ", at);
    ASSERT_NE(n, std::string::npos);
    marked += std::strtoull(text.c_str() + n + 6, nullptr, 10);
  }
  EXPECT_EQ(marked, lost) << header(text, "lost-events") << " / "
                          << header(text, "lost-events-shown");
  const nlohmann::json j = check(file);
  EXPECT_EQ(j.value("unparsed", -1), 0) << j.dump();
  EXPECT_EQ(j.value("gaps", -1) > 0, lost > 0) << j.dump() << "\nlost " << lost;
  expect_nothing_left();
}

TEST_F(LiveRecord, StreamsIntoCheckThroughAPipe) {
  const SbmRun r = sbm("trace check --keep-going --json -",
                       std::string(SBM_BINARY) + " trace record -o - -- sh -c 'sleep 0.5' | ");
  EXPECT_NE(r.status, 2) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out << r.err;
  const nlohmann::json& j = doc["profiles"][0];
  EXPECT_GT(j.value("events", uint64_t{0}), 0u);
  EXPECT_EQ(j.value("unparsed", -1), 0) << j.dump();
  expect_nothing_left();
}

TEST_F(LiveRecord, EventsArriveWhileRecordingAndAClosedPipeIsAnError) {
  // head takes the header and the first events and leaves; the recording was to run 20 s. It
  // ends at once when its next write fails, so the events came while it was recording.
  const std::string status = (temp_dir() / "status").string(),
                    head = (temp_dir() / "head").string(),
                    err = (temp_dir() / "record_err").string();
  const auto start = std::chrono::steady_clock::now();
  const std::string script = std::string(SBM_BINARY) + " trace record --seconds 20 -o - 2>" + err +
                             " | head -n 40 >" + head + "; echo ${PIPESTATUS[0]} >" + status;
  ASSERT_EQ(std::system(("bash -c '" + script + "'").c_str()), 0);
  const std::string out = slurp(head);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(took, 10.0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 40) << out;
  EXPECT_NE(out.find(": sched_"), std::string::npos) << "events, not only the header\n" << out;
  EXPECT_EQ(slurp(status), "2\n");
  EXPECT_NE(slurp(err).find("sbm: error: cannot write the standard output: Broken pipe"),
            std::string::npos)
      << slurp(err);
  expect_nothing_left();
}

TEST_F(LiveRecord, UnknownEventIsExitTwoWithNothingLeft) {
  for (const char* e : {"sched:no_such_event", "no_such_event", "no_such_system:sched_switch"}) {
    const SbmRun r =
        sbm(std::string("trace record --seconds 1 -o /dev/null -e sched_switch -e ") + e);
    EXPECT_EQ(r.status, 2) << e;
    EXPECT_NE(r.err.find(std::string("sbm: error: -e ") + e + ": no such event in tracefs"),
              std::string::npos)
        << r.err;
    expect_nothing_left();
  }
}

TEST_F(LiveRecord, CommandThatCannotRunIsExitTwo) {
  const SbmRun r = sbm("trace record -o /dev/null -- /nonexistent/command arg");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("sbm: error: cannot run '/nonexistent/command': No such file or directory"),
            std::string::npos)
      << r.err;
  expect_nothing_left();
}

TEST_F(LiveRecord, FailedWriteIsExitTwo) {
  const SbmRun r = sbm("trace record --seconds 1 -o /dev/full");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("sbm: error: cannot write '/dev/full': No space left on device"),
            std::string::npos)
      << r.err;
  expect_nothing_left();
}

TEST_F(LiveRecord, NotRootIsAClearError) {
  if (std::system("command -v setpriv >/dev/null") != 0)
    GTEST_SKIP() << "no setpriv to drop root with";
  const SbmRun r = sbm("trace record --seconds 1 -o /dev/null",
                       "setpriv --reuid=65534 --regid=65534 --clear-groups ");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("sbm: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(recording needs root)"), std::string::npos) << r.err;
  expect_nothing_left();
}

// Starts `sbm ARGS` with stdout to `out` and stderr to `err`, waits until it records, sends
// the test's signal, and returns its exit status (-1 when it did not end within 10 s).
class SignalRecord : public LiveRecord, public ::testing::WithParamInterface<int> {
 protected:
  int record_and_signal(const std::vector<std::string>& args, const std::string& out,
                        const std::string& err) {
    child_ = ::fork();
    if (child_ == 0) {
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      std::vector<char*> argv{const_cast<char*>(SBM_BINARY)};
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(SBM_BINARY, argv.data());
      ::_exit(127);
    }
    // The header is written once the instance is set up, just before tracing starts.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (slurp(out).find("# recorded:") == std::string::npos &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well inside the loop
    bool seen = false;  // the recording's instance, in the tracefs it uses
    for (const std::string& m : tracefs_mounts())
      seen =
          seen || fs::is_directory(fs::path(m) / "instances" / ("sbm-" + std::to_string(child_)));
    EXPECT_TRUE(seen);
    ::kill(child_, GetParam());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(child_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) return -1;  // TearDown kills it
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    child_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_P(SignalRecord, StopsCleansUpAndReportsTheKilledCommand) {
  const std::string out = (temp_dir() / "signal.trace").string(),
                    err = (temp_dir() / "signal.err").string();
  const int status =
      record_and_signal({"trace", "record", "-o", out, "--", "sleep", "30"}, out, err);
  const std::string name = GetParam() == SIGINT ? "SIGINT" : "SIGTERM";
  EXPECT_EQ(status, 0) << slurp(err);
  EXPECT_NE(slurp(err).find("stopped by " + name + "; command killed by " + name),
            std::string::npos)
      << slurp(err);
  EXPECT_EQ(header(slurp(out), "stopped"), "stopped by " + name + "; command killed by " + name);
  const nlohmann::json j = check(out);
  EXPECT_EQ(j.value("unparsed", -1), 0) << j.dump();
  expect_nothing_left();
}

TEST_P(SignalRecord, StopsATimedRecording) {
  const std::string out = (temp_dir() / "signal.trace").string(),
                    err = (temp_dir() / "signal.err").string();
  EXPECT_EQ(record_and_signal({"trace", "record", "--seconds", "30", "-o", out}, out, err), 0)
      << slurp(err);
  EXPECT_NE(slurp(err).find(GetParam() == SIGINT ? "stopped by SIGINT" : "stopped by SIGTERM"),
            std::string::npos)
      << slurp(err);
  expect_nothing_left();
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalRecord, ::testing::Values(SIGINT, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return std::string(p.param == SIGINT ? "SIGINT" : "SIGTERM");
                         });

}  // namespace
