#include "tools/sbm/report.h"

#include <algorithm>
#include <iostream>
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

}  // namespace

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
  nlohmann::json j = {{"id", v.id}, {"explanation", v.explanation}};
  if (v.cpu >= 0) j["cpu"] = v.cpu;
  if (v.level >= 0) j["level"] = v.level;
  if (!v.level_name.empty()) j["level_name"] = v.level_name;
  if (!v.file.empty()) j["file"] = v.file;
  if (v.line > 0) j["line"] = v.line;
  j["expected"] = v.expected;
  j["observed"] = v.observed;
  return j;
}

nlohmann::json check_summary_json(const CheckSummary& c) {
  nlohmann::json j = {
      {"id", c.id}, {"outcome", outcome_name(c.outcome)}, {"instances", c.instances}};
  if (!c.reason.empty()) j["reason"] = c.reason;
  return j;
}

JUnitSuite junit_suite(const std::string& name, const std::vector<CheckSummary>& checks,
                       const std::vector<Violation>& violations, const RequiredChecks& required) {
  JUnitSuite suite{name, {}};
  for (const CheckSummary& c : checks) {
    JUnitCase jc{c.id, {}, {}};
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

std::string junit_xml(const std::string& tool, const std::vector<JUnitSuite>& suites) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  int tests = 0, failures = 0, skipped = 0;
  for (const auto& s : suites)
    for (const auto& c : s.cases) {
      ++tests;
      if (!c.failures.empty())
        ++failures;
      else if (!c.skipped.empty())
        ++skipped;
    }
  out += "<testsuites name=\"" + xml_escape(tool) + "\" tests=\"" + std::to_string(tests) +
         "\" failures=\"" + std::to_string(failures) + "\" skipped=\"" + std::to_string(skipped) +
         "\">\n";
  for (const auto& s : suites) {
    int sf = 0, ss = 0;
    for (const auto& c : s.cases) {
      if (!c.failures.empty())
        ++sf;
      else if (!c.skipped.empty())
        ++ss;
    }
    out += "  <testsuite name=\"" + xml_escape(s.name) + "\" tests=\"" +
           std::to_string(s.cases.size()) + "\" failures=\"" + std::to_string(sf) +
           "\" skipped=\"" + std::to_string(ss) + "\">\n";
    for (const auto& c : s.cases) {
      out += "    <testcase classname=\"" + xml_escape(s.name) + "\" name=\"" + xml_escape(c.name) +
             "\"";
      if (c.failures.empty() && c.skipped.empty()) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (!c.failures.empty()) {
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

JUnitSuite input_error_suite(const std::string& name, const InputError& e) {
  return JUnitSuite{name, {JUnitCase{"read", {std::string("error: ") + e.what()}, {}}}};
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
