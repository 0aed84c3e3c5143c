// trace-cmd's trace.dat read by sbm (traces/trace_dat.h, spec/trace-format.md "trace.dat"),
// against the running kernel: a private tracefs instance traces for about a second, its text
// `trace` is kept, and `trace-cmd extract` writes the same buffer as a trace.dat. The records
// read from the trace.dat must be the text's (event, CPU, timestamp, comm-pid, irq-info flags,
// the fields), and `sbm trace check` must say the same of both. Label `live`: without root,
// tracefs or trace-cmd the tests report SKIPPED. The files sbm refuses (not a trace.dat,
// truncated) are tested without the kernel.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/sbm_run.h"
#include "traces/trace_dat.h"
#include "traces/trace_fields.h"
#include "traces/trace_reader.h"

namespace sbm {
namespace {

namespace fs = std::filesystem;
using testing::sbm;
using testing::slurp;
using testing::temp_dir;

const std::vector<std::string> kEvents = {"irq/softirq_raise",
                                          "irq/softirq_entry",
                                          "irq/softirq_exit",
                                          "sched/sched_switch",
                                          "sched/sched_wakeup",
                                          "sched/sched_waking",
                                          "sched/sched_migrate_task",
                                          "timer/hrtimer_expire_entry",
                                          "timer/hrtimer_expire_exit",
                                          "ipi/ipi_send_cpu",
                                          "timer/tick_stop"};

bool write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
  return static_cast<bool>(f.flush());
}

// A tracefs instance of this process: made on construction, and on destruction (also when a
// test fails) its events and tracing turned off, the instance removed and a tracefs this
// object mounted unmounted.
class TracefsInstance {
 public:
  // Empty `why` when ready; else why the live tests cannot run here.
  explicit TracefsInstance(const std::string& name, unsigned buffer_kb = 0) : name_(name) {
    if (::geteuid() != 0) {
      why_ = "not root: tracefs instances need root";
      return;
    }
    if (std::system("command -v trace-cmd >/dev/null 2>&1") != 0) {
      why_ = "trace-cmd is not installed (tools/setup.sh installs it)";
      return;
    }
    // A mount of its own, never another's: a test that borrowed a mount another process made
    // kept it busy, so that process's umount failed and the mount was left behind.
    {
      char tmpl[] = "/tmp/sbm_tracefs_XXXXXX";
      if (!::mkdtemp(tmpl) || ::mount("nodev", tmpl, "tracefs", 0, nullptr) != 0) {
        why_ = "tracefs cannot be mounted (mount -t tracefs)";
        if (tmpl[0]) ::rmdir(tmpl);
        return;
      }
      root_ = tmpl;
      mounted_ = true;
    }
    dir_ = fs::path(root_) / "instances" / name_;
    std::error_code ec;
    if (!fs::create_directory(dir_, ec)) {
      why_ = "cannot make the tracefs instance " + dir_.string() + ": " + ec.message();
      dir_.clear();
      return;
    }
    if (buffer_kb && !write_file(dir_ / "buffer_size_kb", std::to_string(buffer_kb)))
      why_ = "cannot size the buffer";
    for (const std::string& e : kEvents)
      if (fs::exists(dir_ / "events" / e) && !write_file(dir_ / "events" / e / "enable", "1"))
        why_ = "cannot enable " + e;
  }
  ~TracefsInstance() {
    std::error_code ec;
    if (!dir_.empty() && fs::exists(dir_, ec)) {
      write_file(dir_ / "tracing_on", "0");
      write_file(dir_ / "events" / "enable", "0");
      ::rmdir(dir_.c_str());
    }
    if (mounted_) {
      // Detached even while trace-cmd or another test still has a file of it open.
      ::umount2(root_.c_str(), MNT_DETACH);
      ::rmdir(root_.c_str());
    }
  }
  const std::string& why() const { return why_; }

  // Traces for about a second, with two threads that run and sleep so that tasks switch,
  // wake and maybe migrate; then keeps the text `trace` and extracts the trace.dat.
  bool record(const fs::path& text, const fs::path& dat) {
    if (!write_file(dir_ / "tracing_on", "1")) return false;
    auto work = [] {
      const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
      volatile unsigned long x = 0;
      while (std::chrono::steady_clock::now() < end) {
        for (int i = 0; i < 200000; ++i) x = x + static_cast<unsigned long>(i);
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
      }
    };
    std::thread a(work), b(work);
    a.join();
    b.join();
    write_file(dir_ / "tracing_on", "0");
    // tracefs files say size 0: copied by reading, not by copy_file().
    if (!write_file(text, slurp(dir_ / "trace"))) return false;
    const std::string cmd =
        "trace-cmd extract -B " + name_ + " -o " + dat.string() + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0 && fs::exists(dat);
  }

 private:
  std::string name_;
  std::string root_;
  bool mounted_ = false;
  fs::path dir_;
  std::string why_;
};

// A record, copied out of its reader (the reader reuses its views).
struct Rec {
  TraceRecordKind kind;
  int cpu = -1, pid = -1;
  uint64_t us = 0;
  std::string comm, flags, event, fields;
};

std::vector<Rec> read_all_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  TraceReader reader(f);
  std::vector<Rec> out;
  while (const TraceRecord* r = reader.next())
    if (r->kind == TraceRecordKind::Event || r->kind == TraceRecordKind::LostEvents)
      out.push_back({r->kind, r->cpu, r->pid, r->timestamp_us(), std::string(r->comm),
                     std::string(r->flags), std::string(r->event), std::string(r->fields)});
  return out;
}

std::vector<Rec> read_all_dat(const fs::path& p, std::string& error) {
  std::vector<Rec> out;
  std::unique_ptr<TraceDatReader> reader = TraceDatReader::open_file(p, error);
  if (!reader) return out;
  while (const TraceRecord* r = reader->next()) {
    // ftrace prints microseconds rounded to the nearest (ns2usecs()).
    const uint64_t us = (r->timestamp_ns + 500) / 1000;
    // Every record reads back from its own text as the text reader reads ftrace's lines.
    if (r->kind == TraceRecordKind::Event) {
      const TraceRecord back = read_trace_line(r->text, r->line);
      EXPECT_EQ(back.kind, TraceRecordKind::Event) << r->text;
      EXPECT_EQ(back.fields, r->fields) << r->text;
      EXPECT_EQ(back.flags, r->flags) << r->text;
      EXPECT_EQ(back.timestamp_us(), us) << r->text;
    }
    out.push_back({r->kind, r->cpu, r->pid, us, std::string(r->comm), std::string(r->flags),
                   std::string(r->event), std::string(r->fields)});
  }
  error = reader->error();
  return out;
}

// The items of an event's fields, by key (the order is the format's in both).
std::vector<TraceField> items(const std::string& fields) {
  std::vector<TraceField> out;
  parse_trace_fields(fields, out);
  return out;
}

// The text and the trace.dat of one buffer: the same events per CPU, in the same order, with the
// same fields. Pointers printed with %p are hashed in the text (the kernel's %p), so a pointer
// field (hrtimer) must map one to one instead.
void expect_same_records(const std::vector<Rec>& text, const std::vector<Rec>& dat) {
  std::map<int, std::vector<const Rec*>> by_cpu_text, by_cpu_dat;
  for (const Rec& r : text) by_cpu_text[r.cpu].push_back(&r);
  for (const Rec& r : dat) by_cpu_dat[r.cpu].push_back(&r);
  ASSERT_EQ(by_cpu_text.size(), by_cpu_dat.size());
  std::map<std::string, std::string> pointer_text_to_dat;
  std::size_t compared_items = 0;
  for (const auto& [cpu, t] : by_cpu_text) {
    const std::vector<const Rec*>& d = by_cpu_dat[cpu];
    ASSERT_EQ(t.size(), d.size()) << "CPU " << cpu;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const Rec &a = *t[i], &b = *d[i];
      SCOPED_TRACE("CPU " + std::to_string(cpu) + " record " + std::to_string(i) + ": " + a.event +
                   ": " + a.fields + " | " + b.fields);
      ASSERT_EQ(a.event, b.event);
      EXPECT_EQ(a.us, b.us);
      EXPECT_EQ(a.pid, b.pid);
      EXPECT_EQ(a.comm, b.comm);
      EXPECT_EQ(a.flags, b.flags);
      const std::vector<TraceField> x = items(a.fields), y = items(b.fields);
      ASSERT_EQ(x.size(), y.size());
      for (std::size_t k = 0; k < x.size(); ++k) {
        EXPECT_EQ(x[k].key, y[k].key);
        if (x[k].key == "hrtimer") {
          auto [it, fresh] =
              pointer_text_to_dat.emplace(std::string(x[k].value), std::string(y[k].value));
          EXPECT_EQ(it->second, y[k].value) << "hrtimer " << x[k].value << " maps to two pointers";
        } else if (field_int(x[k].value) && field_int(y[k].value)) {
          EXPECT_EQ(*field_int(x[k].value), *field_int(y[k].value));  // %03d prints 000, 0 here
        } else {
          EXPECT_EQ(x[k].value, y[k].value);
        }
        ++compared_items;
      }
    }
  }
  EXPECT_GT(compared_items, 0u);
}

class TraceDatLive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    text_ = new fs::path(temp_dir() / "live.trace");
    dat_ = new fs::path(temp_dir() / "live.dat");
    TracefsInstance instance("sbm_trace_dat_" + std::to_string(::getpid()));
    why_ = new std::string(instance.why());
    if (why_->empty() && !instance.record(*text_, *dat_))
      *why_ = "tracing or trace-cmd extract failed";
  }
  void SetUp() override {
    if (!why_->empty()) GTEST_SKIP() << *why_;
  }
  static fs::path* text_;
  static fs::path* dat_;
  static std::string* why_;
};
fs::path* TraceDatLive::text_ = nullptr;
fs::path* TraceDatLive::dat_ = nullptr;
std::string* TraceDatLive::why_ = nullptr;

TEST_F(TraceDatLive, RecordsAreTheTextTraceRecords) {
  const std::vector<Rec> text = read_all_text(*text_);
  std::string error;
  const std::vector<Rec> dat = read_all_dat(*dat_, error);
  EXPECT_EQ(error, "");
  ASSERT_GT(dat.size(), 100u) << "the second of tracing gave too few events to compare";
  std::map<std::string, int> names;
  for (const Rec& r : dat) ++names[r.event];
  // The events the checks read are there (the tick fires every jiffy on a busy CPU).
  for (const char* e :
       {"sched_switch", "hrtimer_expire_entry", "hrtimer_expire_exit", "softirq_raise"})
    EXPECT_GT(names[e], 0) << e;
  expect_same_records(text, dat);
}

// sbm trace check says the same of the trace.dat as of the text: events, gaps, every check.
TEST_F(TraceDatLive, CheckSummaryIsTheTextTraces) {
  const std::string opts = " --keep-going --json --profile v6.17 --hz 250 --topology host";
  const testing::SbmRun t = sbm("trace check " + text_->string() + opts);
  const testing::SbmRun d = sbm("trace check " + dat_->string() + opts);
  ASSERT_TRUE(t.status == 0 || t.status == 1) << t.err;
  EXPECT_EQ(d.status, t.status) << d.err;
  const nlohmann::json a = nlohmann::json::parse(t.out), b = nlohmann::json::parse(d.out);
  for (const char* key :
       {"events", "events_by_name", "gaps", "unparsed", "checks", "cadence", "result"})
    EXPECT_EQ(a["profiles"][0][key], b["profiles"][0][key]) << key;
  // Standard input: the trace.dat is known by its magic, not its name.
  const testing::SbmRun s = sbm("trace check -" + opts, "cat " + dat_->string() + " | ");
  EXPECT_EQ(s.status, d.status) << s.err;
  const nlohmann::json c = nlohmann::json::parse(s.out);
  EXPECT_EQ(c["profiles"][0]["checks"], b["profiles"][0]["checks"]);
  EXPECT_EQ(c["file"], "<stdin>");
}

// Without --hz, the trace.dat does not say its HZ: NB-4 is not judged, and says why.
TEST_F(TraceDatLive, WithoutHzTheCadenceIsNotJudged) {
  const testing::SbmRun r =
      sbm("trace check " + dat_->string() + " --keep-going --profile v6.17 --topology host");
  EXPECT_NE(r.out.find("NB-4: not checkable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--hz"), std::string::npos) << r.out;
}

TEST_F(TraceDatLive, TruncatedIsBadInput) {
  const std::string all = slurp(*dat_);
  const fs::path cut = temp_dir() / "cut.dat";
  // Cuts that lose data or a section (a cut inside the final option section's closing word,
  // which loses nothing read, is not one of them: libtracecmd reads such a file whole).
  for (const std::size_t keep :
       {all.size() / 4, all.size() / 2, all.size() * 3 / 4, all.size() - 1000}) {
    write_file(cut, all.substr(0, keep));
    const testing::SbmRun r = sbm("trace check " + cut.string());
    EXPECT_EQ(r.status, 2) << keep;
    EXPECT_NE(r.err.find(cut.string() + ": error: "), std::string::npos) << r.err;
  }
}

// A buffer too small for the second: the pages the kernel overwrote are missed events, and the
// checks suspend at them as at ftrace's `CPU:N [LOST M EVENTS]`.
TEST(TraceDatLiveLost, OverwrittenPagesAreGaps) {
  const fs::path text = temp_dir() / "lost.trace", dat = temp_dir() / "lost.dat";
  {
    TracefsInstance instance("sbm_trace_dat_lost_" + std::to_string(::getpid()), 8);
    if (!instance.why().empty()) GTEST_SKIP() << instance.why();
    ASSERT_TRUE(instance.record(text, dat));
  }
  std::string error;
  const std::vector<Rec> recs = read_all_dat(dat, error);
  EXPECT_EQ(error, "");
  std::size_t lost = 0;
  for (const Rec& r : recs) lost += r.kind == TraceRecordKind::LostEvents;
  EXPECT_GT(lost, 0u);
  const testing::SbmRun r = sbm("trace check " + dat.string() + " --keep-going --json");
  EXPECT_EQ(nlohmann::json::parse(r.out)["profiles"][0]["gaps"], lost);
}

// Not a trace.dat, by content: the magic and then nothing readable, on a file and on standard
// input; a file that starts with the magic's first byte only.
TEST(TraceDatBadInput, MagicWithoutATraceDatIsBadInput) {
  const fs::path p = temp_dir() / "fake.trace";
  write_file(p, std::string(kTraceDatMagic) + "\x06" + std::string(64, 'x'));
  testing::SbmRun r = sbm("trace check " + p.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(p.string() + ": error: not a readable trace.dat"), std::string::npos)
      << r.err;
  r = sbm("trace check -", "cat " + p.string() + " | ");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("<stdin>: error: not a readable trace.dat"), std::string::npos) << r.err;
  // The magic's first byte alone no longer makes a trace.dat: the head is judged whole
  // (traces/trace_input.h), and a text of no trace line is refused as such.
  write_file(p, "\x17not the magic\n");
  r = sbm("trace check -", "cat " + p.string() + " | ");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("<stdin>: error: no trace event read (1 line"), std::string::npos) << r.err;
}

TEST(TraceDatBadInput, DetectionIsByContent) {
  EXPECT_TRUE(is_trace_dat(kTraceDatMagic));
  EXPECT_TRUE(is_trace_dat(std::string(kTraceDatMagic) + "\x06"));
  EXPECT_FALSE(is_trace_dat("\x17\x08\x44tracinG"));
  EXPECT_FALSE(is_trace_dat("# tracer: nop\n"));
  EXPECT_FALSE(is_trace_dat(""));
}

}  // namespace
}  // namespace sbm
