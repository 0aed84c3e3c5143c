#include "tools/sbm/report.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "tools/sbm/checked_output.h"
#include "tools/sbm/cli_common.h"
#include "traces/xml_escape.h"

namespace sbm::cli {

namespace {

std::string where(const Violation& v) {
  std::string s;
  if (v.cpu >= 0) s += "CPU" + std::to_string(v.cpu);
  if (v.level >= 0) s += (s.empty() ? "" : " ") + std::string("domain-") + std::to_string(v.level);
  if (!v.level_name.empty()) s += " (" + v.level_name + ")";
  return s;
}

// A JUnit classname is never an absolute path: the input as given, or its base name when the
// path given was absolute (a CI job's workspace differs from run to run).
std::string junit_classname(const std::string& name) {
  const std::filesystem::path p(name);
  return p.is_absolute() ? p.filename().string() : name;
}

// "2026-12-07T20:02:38": UTC, the form JUnit writers (surefire) give timestamp.
std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string seconds_attr(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

// tests, failures, errors, skipped of some cases: a case counts once, an error before a failure
// before a skip.
struct CaseCounts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  void add(const JUnitCase& c) {
    ++tests;
    if (!c.error.empty())
      ++errors;
    else if (!c.failures.empty())
      ++failures;
    else if (!c.skipped.empty())
      ++skipped;
  }
  std::string attrs() const {
    return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"" + std::to_string(errors) + "\"";
  }
};

}  // namespace

nlohmann::json json_envelope(const std::string& command) {
  return {
      {"sbm_version", SBM_VERSION}, {"schema_version", kJsonSchemaVersion}, {"command", command}};
}

std::string json_text(const nlohmann::json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string format_violation(const Violation& v) {
  std::string s;
  if (!v.file.empty()) s += v.file + (v.line > 0 ? ":" + std::to_string(v.line) : "") + ": ";
  s += v.id + ":";
  const std::string at = where(v);
  if (!at.empty()) s += " " + at + ":";
  if (!v.expected.empty() || !v.observed.empty())
    s += " expected " + (v.expected.empty() ? std::string("-") : v.expected) + ", observed " +
         (v.observed.empty() ? std::string("-") : v.observed) + ":";
  s += " " + v.explanation;
  return s;
}

nlohmann::json violation_json(const Violation& v) {
  return {{"id", v.id},
          {"explanation", v.explanation},
          {"cpu", json_or_null(v.cpu >= 0, v.cpu)},
          {"level", json_or_null(v.level >= 0, v.level)},
          {"level_name", json_or_null(!v.level_name.empty(), v.level_name)},
          {"file", json_or_null(!v.file.empty(), v.file)},
          {"line", json_or_null(v.line > 0, v.line)},
          {"expected", v.expected},
          {"observed", v.observed}};
}

nlohmann::json check_summary_json(const CheckSummary& c) {
  return {{"id", c.id},
          {"outcome", outcome_name(c.outcome)},
          {"instances", c.instances},
          {"reason", json_or_null(!c.reason.empty(), c.reason)}};
}

JUnitSuite junit_suite(const std::string& name, const std::vector<CheckSummary>& checks,
                       const std::vector<Violation>& violations, const RequiredChecks& required) {
  JUnitSuite suite{name, {}, std::chrono::system_clock::now(), 0};
  for (const CheckSummary& c : checks) {
    JUnitCase jc{c.id, {}, {}, {}};
    const std::string reason = c.reason.empty() ? "not checkable" : c.reason;
    if (c.outcome == CheckOutcome::NotCheckable && required.required(c.id))
      jc.failures.push_back(c.id +
                            ": required (--require) but not checkable from this input: " + reason);
    else if (c.outcome == CheckOutcome::NotCheckable)
      jc.skipped = reason;
    for (const Violation& v : violations)
      if (v.id == c.id) jc.failures.push_back(format_violation(v));
    suite.cases.push_back(std::move(jc));
  }
  return suite;
}

JUnitSuite junit_error_suite(const std::string& name, const std::string& message) {
  JUnitSuite suite{name, {}, std::chrono::system_clock::now(), 0};
  suite.cases.push_back(JUnitCase{"read", {}, {}, message});
  return suite;
}

void junit_timed(JUnitSuite& suite, std::chrono::system_clock::time_point started) {
  suite.started = started;
  suite.seconds = std::chrono::duration<double>(std::chrono::system_clock::now() - started).count();
}

std::string junit_xml(const std::string& tool, const std::vector<JUnitSuite>& suites) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  CaseCounts all;
  // The run's time: from the first suite's start to the last one's end.
  std::optional<std::chrono::system_clock::time_point> first, last;
  for (const auto& s : suites) {
    for (const auto& c : s.cases) all.add(c);
    const auto end = s.started + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                     std::chrono::duration<double>(s.seconds));
    if (!first || s.started < *first) first = s.started;
    if (!last || end > *last) last = end;
  }
  const double run_seconds = first ? std::chrono::duration<double>(*last - *first).count() : 0.0;
  out += "<testsuites name=\"" + xml_escape(tool) + "\" " + all.attrs() + " time=\"" +
         seconds_attr(run_seconds) + "\">\n";
  for (const auto& s : suites) {
    CaseCounts counts;
    for (const auto& c : s.cases) counts.add(c);
    out += "  <testsuite name=\"" + xml_escape(s.name) + "\" " + counts.attrs() + " skipped=\"" +
           std::to_string(counts.skipped) + "\" time=\"" + seconds_attr(s.seconds) +
           "\" timestamp=\"" + iso8601_utc(s.started) + "\">\n";
    const std::string classname = xml_escape(junit_classname(s.name));
    for (const auto& c : s.cases) {
      out += "    <testcase classname=\"" + classname + "\" name=\"" + xml_escape(c.name) + "\"";
      if (c.failures.empty() && c.skipped.empty() && c.error.empty()) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (!c.error.empty()) {
        out += "      <error message=\"" + xml_escape(c.error) + "\">" + xml_escape(c.error) +
               "</error>\n";
      } else if (!c.failures.empty()) {
        std::string body;
        for (const auto& f : c.failures) body += f + "\n";
        out += "      <failure message=\"" + xml_escape(c.failures.front()) + "\">" +
               xml_escape(body) + "</failure>\n";
      } else {
        out += "      <skipped message=\"" + xml_escape(c.skipped) + "\"/>\n";
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

nlohmann::json input_error_json(const std::string& name, const InputError& e) {
  nlohmann::json errors = nlohmann::json::array({{{"line", e.line}, {"message", e.what()}}});
  for (const auto& [line, message] : e.more)
    errors.push_back({{"line", line}, {"message", message}});
  return {{"file", name}, {"result", "error"}, {"errors", errors}};
}

std::string status_word(int status, const std::string& good) {
  return status == kConforms    ? good
         : status == kViolation ? "violated"
         : status == kUnknown   ? "not checkable"
                                : "error";
}

void write_output(const std::string& path, const std::string& text) {
  OutputFile f(path);
  f.stream() << text;
  f.finish();
}

std::string checks_summary_text(const std::vector<CheckSummary>& checks) {
  int held = 0, broken = 0, unknown = 0;
  for (const CheckSummary& c : checks) {
    if (c.outcome == CheckOutcome::Holds)
      ++held;
    else if (c.outcome == CheckOutcome::Violated)
      ++broken;
    else
      ++unknown;
  }
  std::string text = "checks: " + std::to_string(held) + " hold, " + std::to_string(broken) +
                     " violated, " + std::to_string(unknown) + " not checkable\n";
  for (const CheckSummary& c : checks)
    if (c.outcome == CheckOutcome::NotCheckable)
      text += "  " + c.id + ": not checkable from this input: " + c.reason + "\n";
  return text;
}

RequiredChecks::RequiredChecks(const std::string& arg, const std::vector<std::string>& known) {
  std::stringstream in(arg);
  for (std::string id; std::getline(in, id, ',');) {
    if (id == "all") {
      all_ = true;
      continue;
    }
    if (std::find(known.begin(), known.end(), id) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      throw UsageError("--require: unknown check '" + id + "' (known: all, " + list + ")");
    }
    ids_.push_back(id);
  }
}

bool RequiredChecks::required(const std::string& id) const {
  return all_ || std::find(ids_.begin(), ids_.end(), id) != ids_.end();
}

Judged judged_of(const std::vector<CheckSummary>& checks, const RequiredChecks& required) {
  Judged j;
  j.total = static_cast<int>(checks.size());
  for (const CheckSummary& c : checks) {
    if (c.outcome != CheckOutcome::NotCheckable) {
      ++j.judged;
      continue;
    }
    j.not_checkable.push_back(c.id);
    if (required.required(c.id)) j.required_unjudged.push_back(c.id);
  }
  // A required check the input did not even run (the replay's, on a trace without sbm
  // events) could not judge either.
  for (const std::string& id : required.ids())
    if (std::none_of(checks.begin(), checks.end(),
                     [&](const CheckSummary& c) { return c.id == id; }))
      j.required_unjudged.push_back(id);
  return j;
}

std::string judged_text(const Judged& j) {
  std::string s = std::to_string(j.judged) + " of " + std::to_string(j.total) + " check" +
                  (j.total == 1 ? "" : "s") + " judged";
  if (j.not_checkable.empty()) return s;
  s += " (" + std::to_string(j.not_checkable.size()) + " not checkable:";
  for (const std::string& id : j.not_checkable) s += " " + id;
  return s + ")";
}

nlohmann::json judged_json(const Judged& j) {
  return {{"judged", j.judged},
          {"total", j.total},
          {"not_checkable", j.not_checkable},
          {"required_not_judged", j.required_unjudged}};
}

Verdict verdict_of(const std::vector<Violation>& violations, const Judged& j) {
  if (!violations.empty()) return Verdict::Violated;
  if (!j.required_unjudged.empty()) return Verdict::RequiredNotJudged;
  return j.judged == 0 ? Verdict::NotCheckable : Verdict::Good;
}

int verdict_exit(Verdict v) {
  switch (v) {
    case Verdict::Good:
      return kConforms;
    case Verdict::NotCheckable:
      return kUnknown;
    default:
      return kViolation;
  }
}

std::string verdict_word(Verdict v, const std::string& good) {
  switch (v) {
    case Verdict::Good:
      return good;
    case Verdict::Violated:
      return "violated";
    case Verdict::RequiredNotJudged:
      return "required not judged";
    default:
      return "not checkable";
  }
}

std::string verdict_text(const std::vector<Violation>& violations, const Judged& j,
                         const std::string& good) {
  const std::string basis = judged_text(j);
  switch (verdict_of(violations, j)) {
    case Verdict::Good:
      return good + (j.not_checkable.empty() ? ": " : " as far as the input shows: ") + basis;
    case Verdict::NotCheckable:
      return "NOT CHECKABLE: " + basis;
    case Verdict::RequiredNotJudged: {
      std::string s = "REQUIRED CHECK" + std::string(j.required_unjudged.size() == 1 ? "" : "S") +
                      " NOT JUDGED:";
      for (const std::string& id : j.required_unjudged) s += " " + id;
      return s + "; " + basis;
    }
    case Verdict::Violated:
      break;
  }
  std::set<std::string> ids;
  for (const Violation& v : violations) ids.insert(v.id);
  std::string s = "VIOLATED: " + std::to_string(violations.size()) + " violation" +
                  (violations.size() == 1 ? "" : "s") + " of";
  for (const std::string& id : ids) s += " " + id;
  return s + "; " + basis;
}

}  // namespace sbm::cli
