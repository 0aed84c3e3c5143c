// sbm trace view, trace check --html, prove --cex FILE.json/.html and demo's counterexample
// (spec/views.md): the JSON keeps the Trace Event format's rules (tests/support/
// trace_event_rules.h) on sbm's own, real kernel and counterexample traces, the rule checker
// fires on JSON that breaks each rule, and bad input and bad suffixes are exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"
#include "tests/support/trace_event_rules.h"

namespace sbm::testing {
namespace {

const std::string kMainline = SBM_TRACE_CORPUS_DIR;
const std::string kReplay = kMainline + "/../replay";

nlohmann::json view_json(const std::string& args, const std::string& name) {
  const std::string out = (temp_dir() / name).string();
  const SbmRun r = sbm("trace view " + args + " -o " + out);
  EXPECT_EQ(r.status, 0) << r.err;
  return nlohmann::json::parse(slurp(out));
}

// How many events of phase `ph` (and category `cat`, when given) the document has.
int count(const nlohmann::json& doc, const std::string& ph, const std::string& cat = "") {
  int n = 0;
  for (const nlohmann::json& e : doc["traceEvents"])
    n += e["ph"] == ph && (cat.empty() || e.value("cat", "") == cat);
  return n;
}

TEST(TraceView, GeneratedTraceKeepsTheRulesAndDrawsBalancing) {
  const std::string trace = (temp_dir() / "gen.trace").string();
  ASSERT_EQ(sbm("trace gen --topology 2s-numa --ticks 120 -o " + trace).status, 0);
  const nlohmann::json doc = view_json(trace + " --jiffies 100", "gen.json");
  EXPECT_EQ(trace_event_rule_errors(doc), std::vector<std::string>{});
  EXPECT_GT(count(doc, "B", "softirq"), 0);
  EXPECT_GT(count(doc, "B", "balance"), 0);
  EXPECT_GT(count(doc, "B", "domain"), 0);
  EXPECT_GT(count(doc, "B", "serialize"), 0);
  EXPECT_GT(count(doc, "i", "nohz"), 0);
  EXPECT_GT(count(doc, "s", "migration"), 0);
  EXPECT_EQ(count(doc, "s", "migration"), count(doc, "f", "migration"));
  EXPECT_EQ(doc["otherData"]["profile"], "v6.17");
  EXPECT_EQ(doc["otherData"]["hz"], 250);
  EXPECT_EQ(doc["otherData"]["cpus"], 32);
  EXPECT_FALSE(doc["otherData"]["topology_dump"].empty());
  // 100 jiffies at HZ=250 from the first event: 400 ms of the trace's time.
  EXPECT_EQ(doc["otherData"]["window"]["end_us"].get<uint64_t>() -
                doc["otherData"]["window"]["begin_us"].get<uint64_t>(),
            400000u);
}

// A lost-events marker ends the slice open on its CPU: CPU0's run of `a` ends at the gap, before
// CPU1's starts.
TEST(TraceView, GapEndsTheSlicesOpenOnItsCpu) {
  const nlohmann::json doc = view_json(kMainline + "/mig5-gap-suspends.trace", "gap.json");
  EXPECT_EQ(trace_event_rule_errors(doc), std::vector<std::string>{});
  std::vector<std::string> order;
  for (const nlohmann::json& e : doc["traceEvents"])
    if (e["ph"] == "B" || e["ph"] == "E")
      order.push_back(e["ph"].get<std::string>() + std::to_string(e["tid"].get<int>()));
  ASSERT_GE(order.size(), 3u);
  EXPECT_EQ(order[0], "B0");
  EXPECT_EQ(order[1], "E0");
  EXPECT_EQ(order[2], "B1");
}

// Mainline events only: the lanes show what each trace has (its phase and category).
TEST(TraceView, RealKernelTracesKeepTheRules) {
  const std::string data = std::string(SBM_DATA_DIR) + "/traces/";
  const struct {
    std::string trace, ph, cat;
  } cases[] = {
      {data + "001-kprateek-zen3-stream-wakeup-migrate.txt", "s", "migration"},
      {data + "004-kprateek-epyc-softirq-sched-vec7.txt", "B", "softirq"},
      {data + "014-trappy-arm6cpu-trace-cmd-report-not-raw.txt", "B", "run"},
      {kMainline + "/kernel-6.18-pinned-imbalance.trace", "B", "run"},
      {kMainline + "/kernel-6.18-pinned-imbalance.trace", "B", "softirq"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.trace + " " + c.cat);
    const nlohmann::json doc = view_json(c.trace + " --jiffies 500", "real.json");
    EXPECT_EQ(trace_event_rule_errors(doc), std::vector<std::string>{});
    EXPECT_GT(count(doc, c.ph, c.cat), 0);
    EXPECT_FALSE(doc["otherData"]["hz_from_header"] && c.trace.starts_with(data));
  }
}

TEST(TraceView, DivergenceIsTheCentredMarker) {
  const nlohmann::json doc =
      view_json(kMainline + "/kernel-6.18-clamp-50.trace --divergence --jiffies 20", "div.json");
  EXPECT_EQ(trace_event_rule_errors(doc), std::vector<std::string>{});
  ASSERT_EQ(count(doc, "i", "violation"), 1);
  for (const nlohmann::json& e : doc["traceEvents"])
    if (e.value("cat", "") == "violation") {
      EXPECT_EQ(e["name"], "NB-4");
      EXPECT_EQ(e["args"]["line"], 803);
      EXPECT_FALSE(e["args"]["expected"].get<std::string>().empty());
      EXPECT_FALSE(e["args"]["observed"].get<std::string>().empty());
      const uint64_t ts = e["ts"], begin = doc["otherData"]["window"]["begin_us"];
      EXPECT_NEAR(static_cast<double>(ts - begin), 40000.0, 4000.0);  // 10 of 20 jiffies
    }
  // The replay's findings are marked too, on sbm's events.
  const nlohmann::json replay =
      view_json(kReplay + "/int1-zero-interval.trace --divergence", "replay.json");
  EXPECT_EQ(trace_event_rule_errors(replay), std::vector<std::string>{});
  EXPECT_EQ(count(replay, "i", "violation"), 1);
}

TEST(TraceView, AroundALineCentresOnIt) {
  const nlohmann::json doc = view_json(
      kMainline + "/kernel-6.18-pinned-imbalance.trace --around 400 --jiffies 10", "around.json");
  EXPECT_EQ(trace_event_rule_errors(doc), std::vector<std::string>{});
  bool has_line = false;
  for (const nlohmann::json& e : doc["traceEvents"])
    has_line = has_line || (e.contains("args") && e["args"].value("line", 0) == 400);
  EXPECT_TRUE(has_line);
}

TEST(TraceView, CounterexampleKeepsTheRules) {
  const std::string out = (temp_dir() / "cex.json").string();
  const SbmRun r = sbm("prove next-balance --mutant plain-lt --bound jiffies-bits=32 --cex " + out);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("counterexample drawn to " + out), std::string::npos) << r.out;
  const nlohmann::json doc = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(trace_event_rule_errors(doc), std::vector<std::string>{});
  EXPECT_GE(count(doc, "i", "violation"), 1);
  EXPECT_GT(count(doc, "B", "domain"), 0);
}

TEST(TraceView, DemoWritesTheCounterexampleItNames) {
  const std::filesystem::path dir = temp_dir() / "demo";
  std::filesystem::create_directories(dir);
  const SbmRun r = sbm("demo --out " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string trace = (dir / "counterexample.trace").string();
  const std::string page = (dir / "counterexample.html").string();
  EXPECT_NE(r.out.find("counterexample written to " + trace + ", drawn to " + page),
            std::string::npos)
      << r.out;
  EXPECT_EQ(sbm("trace check " + trace).status, 1);
  EXPECT_NE(slurp(page).find("\"id\":\"NB-1\""), std::string::npos);
}

TEST(TraceView, TraceCheckHtmlDrawsEachFinding) {
  const std::string page = (temp_dir() / "findings.html").string();
  const SbmRun r =
      sbm("trace check " + kReplay + "/int1-zero-interval.trace --keep-going --html " + page);
  EXPECT_EQ(r.status, 1) << r.err;
  const std::string html = slurp(page);
  // One window per finding, and the data cannot end its <script> early: two elements, two ends.
  const SbmRun text = sbm("trace check " + kReplay + "/int1-zero-interval.trace --keep-going");
  std::size_t findings = 0, views = 0, ends = 0;
  for (std::size_t at = 0; (at = text.out.find(": INT-1: ", at)) != std::string::npos; ++at)
    ++findings;
  for (std::size_t at = 0; (at = text.out.find(": NB-1: ", at)) != std::string::npos; ++at)
    ++findings;
  for (std::size_t at = 0; (at = html.find("\"finding\":{", at)) != std::string::npos; ++at)
    ++views;
  for (std::size_t at = 0; (at = html.find("</script>", at)) != std::string::npos; ++at) ++ends;
  EXPECT_GE(findings, 2u);
  EXPECT_EQ(views, findings);
  EXPECT_EQ(ends, 2u);
  EXPECT_EQ(sbm("trace check - --html x.html", "true | ").status, 2);
}

TEST(TraceView, BadSuffixAndBadInputAreExit2) {
  const std::string trace = kMainline + "/kernel-6.18-pinned-imbalance.trace";
  SbmRun r = sbm("trace view " + trace + " -o out.svg");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(".json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(".html"), std::string::npos) << r.err;
  r = sbm("trace check " + trace + " --html out.txt");
  EXPECT_EQ(r.status, 2);
  r = sbm("prove next-balance --mutant plain-lt --bound jiffies-bits=32 --cex " +
          (temp_dir() / "x.svg").string());
  EXPECT_EQ(r.status, 1);  // any other suffix gets the text
  r = sbm("prove topo-builder --mutant numa-diameter-groups --cex " +
          (temp_dir() / "topo.html").string());
  EXPECT_EQ(r.status, 2) << r.out;  // a topology counterexample is no trace to draw
  EXPECT_NE(r.err.find("topology dump"), std::string::npos) << r.err;
  r = sbm("trace view " + trace + " --around 99999999 -o " + (temp_dir() / "x.json").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(":99999999: error:"), std::string::npos) << r.err;
  const std::string empty = (temp_dir() / "empty.trace").string();
  { std::ofstream(empty).flush(); }
  r = sbm("trace view " + empty + " --divergence -o " + (temp_dir() / "e.json").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("empty.trace: error:"), std::string::npos) << r.err;
  r = sbm("trace view - -o x.json", "true | ");
  EXPECT_EQ(r.status, 2);
}

// The rule checker fires on each rule it keeps.
TEST(TraceEventRules, FireOnEachBrokenRule) {
  const auto errors = [](const char* text) {
    return trace_event_rule_errors(nlohmann::json::parse(text));
  };
  EXPECT_TRUE(errors(R"({"traceEvents":[
      {"ph":"B","name":"a","pid":0,"tid":1,"ts":1},{"ph":"E","pid":0,"tid":1,"ts":2},
      {"ph":"s","name":"m","id":1,"pid":0,"tid":1,"ts":2},
      {"ph":"f","bp":"e","name":"m","id":1,"pid":0,"tid":2,"ts":2},
      {"ph":"i","s":"t","name":"x","pid":0,"tid":2,"ts":3},
      {"ph":"X","name":"x","pid":0,"tid":3,"ts":3,"dur":1},
      {"ph":"M","name":"thread_name","pid":0,"tid":1,"args":{"name":"CPU1"}}]})")
                  .empty());
  EXPECT_EQ(errors(R"([])").size(), 1u);  // the object format
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"Q","name":"a","pid":0,"tid":0,"ts":0}]})").size(), 1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"i","pid":0,"tid":0,"ts":0}]})").size(), 1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"i","name":"a","pid":"0","tid":0,"ts":0}]})").size(),
            1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"i","name":"a","pid":0,"tid":0}]})").size(), 1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"X","name":"a","pid":0,"tid":0,"ts":0}]})").size(), 1u);
  EXPECT_EQ(
      errors(R"({"traceEvents":[{"ph":"i","s":"q","name":"a","pid":0,"tid":0,"ts":0}]})").size(),
      1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"M","name":"thread_name","pid":0,"tid":0}]})").size(),
            1u);
  // Time order per track: back on tid 0 is wrong, another track may be earlier.
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"i","name":"a","pid":0,"tid":0,"ts":5},
      {"ph":"i","name":"b","pid":0,"tid":1,"ts":1},{"ph":"i","name":"c","pid":0,"tid":0,"ts":4}]})")
                .size(),
            1u);
  // B/E balance: an E with no B, a B never ended.
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"E","pid":0,"tid":0,"ts":1}]})").size(), 1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"B","name":"a","pid":0,"tid":0,"ts":1}]})").size(), 1u);
  // Flows: no id, a start without its end, two ends, an end before its start.
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"s","name":"m","pid":0,"tid":0,"ts":1}]})").size(), 1u);
  EXPECT_EQ(
      errors(R"({"traceEvents":[{"ph":"s","name":"m","id":7,"pid":0,"tid":0,"ts":1}]})").size(),
      1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"s","name":"m","id":7,"pid":0,"tid":0,"ts":1},
      {"ph":"f","name":"m","id":7,"pid":0,"tid":1,"ts":1},
      {"ph":"f","name":"m","id":7,"pid":0,"tid":2,"ts":1}]})")
                .size(),
            1u);
  EXPECT_EQ(errors(R"({"traceEvents":[{"ph":"f","name":"m","id":7,"pid":0,"tid":1,"ts":1},
      {"ph":"s","name":"m","id":7,"pid":0,"tid":0,"ts":2}]})")
                .size(),
            1u);
}

}  // namespace
}  // namespace sbm::testing
