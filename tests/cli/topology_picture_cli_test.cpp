// `sbm topology show --dot/--svg` and `topology check --html` end to end: graphviz draws every
// preset and every sample dump without a warning and near square, every CPU is named on every
// level it has a domain at, and what the TOPO checks find is drawn red with its ID.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"
#include "tests/support/sanitizer_stride.h"

namespace {

using sbm::testing::sbm;
using sbm::testing::SbmRun;
using sbm::testing::slurp;
using sbm::testing::temp_dir;

// The presets as `sbm topology build --help` lists them.
std::vector<std::string> presets() {
  const SbmRun help = sbm("topology build --help");
  std::vector<std::string> names;
  std::istringstream in(help.out);
  bool listing = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "Presets:") {
      listing = true;
    } else if (listing && line.rfind("  ", 0) == 0) {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (listing) {
      break;
    }
  }
  return names;
}

// Every input the pictures are tested on: the presets, then the sample dumps.
std::vector<std::string> inputs() {
  std::vector<std::string> all = presets();
  for (const char* dir : {SBM_DATA_DIR "/topologies", SBM_TOPOLOGY_CORPUS_DIR}) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    all.insert(all.end(), files.begin(), files.end());
  }
  return all;
}

// Every input in Release; every third under the sanitizers (tests/support/sanitizer_stride.h).
std::vector<std::string> drawn_inputs() {
  const std::vector<std::string> all = inputs();
  std::vector<std::string> some;
  for (std::size_t i = 0; i < all.size(); i += sbm::testing::sanitizer_stride(3))
    some.push_back(all[i]);
  return some;
}

struct Drawn {
  int status = -1;  // dot's exit status
  std::string err;  // dot's standard error
  std::string svg;
  double width = 0, height = 0;  // the SVG's viewBox
};

Drawn draw(const std::string& dot) {
  const auto in = temp_dir() / "picture.dot", out = temp_dir() / "picture.svg",
             err = temp_dir() / "picture.err";
  std::ofstream(in) << dot;
  const int raw = std::system(
      ("dot -Tsvg " + in.string() + " >" + out.string() + " 2>" + err.string()).c_str());
  Drawn d;
  d.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  d.err = slurp(err);
  d.svg = slurp(out);
  std::smatch m;
  static const std::regex kViewBox(R"re(viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ([0-9.]+)")re");
  if (std::regex_search(d.svg, m, kViewBox)) {
    d.width = std::stod(m[1]);
    d.height = std::stod(m[2]);
  }
  return d;
}

std::set<int> cpulist(const std::string& text) {
  std::set<int> cpus;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    const size_t dash = part.find('-');
    const int first = std::stoi(part.substr(0, dash));
    const int last = dash == std::string::npos ? first : std::stoi(part.substr(dash + 1));
    for (int c = first; c <= last; ++c) cpus.insert(c);
  }
  return cpus;
}

// The SVG's text with graphviz's dash entity (&#45;) as a dash again.
std::string dashes(std::string svg) {
  for (size_t at; (at = svg.find("&#45;")) != std::string::npos;) svg.replace(at, 5, "-");
  return svg;
}

// Level -> the CPUs the SVG names on it ("domain-1 of CPUs 0-15" in each box's text).
std::map<int, std::set<int>> cpus_by_level(const std::string& dashed_svg) {
  const std::string svg = dashes(dashed_svg);
  std::map<int, std::set<int>> out;
  static const std::regex kLine(R"(>domain-([0-9,]+) of CPUs ([0-9,-]+)<)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kLine); it != std::sregex_iterator();
       ++it) {
    const std::set<int> cpus = cpulist((*it)[2]);
    for (int level : cpulist((*it)[1])) out[level].insert(cpus.begin(), cpus.end());
  }
  return out;
}

TEST(CliTopologyPicture, GraphvizDrawsEveryInputWithoutWarningsAndNearSquare) {
  ASSERT_GE(inputs().size(), 40u);
  for (const std::string& input : drawn_inputs()) {
    for (const char* mode : {"", " --unfold"}) {
      SCOPED_TRACE(input + mode);
      const SbmRun show = sbm("topology show --dot" + std::string(mode) + " " + input);
      ASSERT_EQ(show.status, 0) << show.err;
      const Drawn d = draw(show.out);
      EXPECT_EQ(d.status, 0);
      EXPECT_EQ(d.err, "");
      ASSERT_GT(d.height, 0) << d.svg.substr(0, 400);
      EXPECT_LE(d.width / d.height, 3.0) << d.width << "x" << d.height;
    }
  }
}

TEST(CliTopologyPicture, EveryCpuAppearsOnEveryLevel) {
  for (const std::string& input : drawn_inputs()) {
    const SbmRun check = sbm("topology check --json " + input);
    ASSERT_NE(check.status, 2) << input << ": " << check.err;
    std::map<int, std::set<int>> expected;  // level -> CPUs with a domain there
    const nlohmann::json report = nlohmann::json::parse(check.out);
    ASSERT_FALSE(report["files"][0]["domains"].empty() && report["files"][0]["cpus"] != 0);
    for (const auto& d : report["files"][0]["domains"])
      expected[d["level"].get<int>()].insert(d["cpu"].get<int>());
    for (const char* mode : {"", " --unfold"}) {
      SCOPED_TRACE(input + mode);
      const SbmRun show = sbm("topology show --dot" + std::string(mode) + " " + input);
      const std::map<int, std::set<int>> drawn = cpus_by_level(draw(show.out).svg);
      for (const auto& [level, cpus] : expected) {
        const auto it = drawn.find(level);
        ASSERT_NE(it, drawn.end()) << "no box at domain-" << level;
        for (int cpu : cpus)
          EXPECT_EQ(it->second.count(cpu), 1u) << "CPU" << cpu << " domain-" << level;
      }
    }
  }
}

// The DOT line of the box whose header starts with `header`.
std::string box_of(const std::string& dot, const std::string& header) {
  std::istringstream in(dot);
  for (std::string line; std::getline(in, line);)
    if (line.find("<B>" + header) != std::string::npos) return line;
  return "";
}

TEST(CliTopologyPicture, ViolatedDomainIsRedWithItsId) {
  // CPU3's MC groups leave CPU 1 out (traces/corpus/topology/bad-groups-span.txt).
  const std::string bad = SBM_TOPOLOGY_CORPUS_DIR "/bad-groups-span.txt";
  const SbmRun dot = sbm("topology show --dot " + bad);
  ASSERT_EQ(dot.status, 0) << dot.err;
  const std::string mc = box_of(dot.out, "MC span=0-3");
  EXPECT_NE(mc.find("COLOR=\"red\""), std::string::npos) << mc;
  EXPECT_NE(mc.find("TOPO-GROUPS-SPAN: CPU 3"), std::string::npos) << mc;
  const std::string smt = box_of(dot.out, "2 x SMT");
  EXPECT_EQ(smt.find("red"), std::string::npos) << smt;
  const SbmRun svg = sbm("topology show --svg " + bad);
  ASSERT_EQ(svg.status, 0) << svg.err;
  EXPECT_TRUE(std::regex_search(
      dashes(svg.out), std::regex(R"(<text[^>]*fill="red"[^>]*>TOPO-GROUPS-SPAN: CPU 3</text>)")))
      << svg.out;
  EXPECT_NE(svg.out.find("stroke=\"red\""), std::string::npos);
  // A finding about a group's line marks that group's cell: CPU0 sees group {0} twice.
  const SbmRun repeat = sbm("topology show --dot " SBM_TOPOLOGY_CORPUS_DIR "/bad-group-repeat.txt");
  EXPECT_NE(repeat.out.find("<TD BGCOLOR=\"#ffd0d0\"><FONT COLOR=\"red\">{"), std::string::npos)
      << repeat.out;
  // A CPU of the root domain span that attached no domain: its NULL-domain box is red.
  const auto null = temp_dir() / "null-domain.txt";
  std::ofstream(null) << "CPU0 attaching sched-domain(s):\n"
                         " domain-0: span=0-1 level=SMT\n"
                         "  groups: 0:{ span=0 }, 1:{ span=1 }\n"
                         "CPU1 attaching NULL sched-domain.\n"
                         "root domain span: 0-1 (max cpu_capacity = 1024)\n";
  const SbmRun lone = sbm("topology show --dot " + null.string());
  EXPECT_NE(lone.out.find("null1 [shape=box, color=red, fontcolor=red, penwidth=2, label=\"CPUs "
                          "1\\nno sched domains (NULL domain)\\nTOPO-ROOT-SPAN: CPU 1\"]"),
            std::string::npos)
      << lone.out;
  // An offline CPU (sample 005: CPU3, outside the root domain span) is not red.
  const SbmRun hotplug = sbm("topology show --dot " SBM_DATA_DIR
                             "/topologies/005-arm64-juno-biglittle-hotplug-ok.txt");
  EXPECT_NE(hotplug.out.find("no sched domains (NULL domain)\"]"), std::string::npos);
  EXPECT_EQ(hotplug.out.find("red"), std::string::npos) << hotplug.out;
  // A sound input has nothing red.
  const SbmRun good = sbm("topology show --svg " SBM_TOPOLOGY_CORPUS_DIR "/good-laptop-4cpu.txt");
  ASSERT_EQ(good.status, 0) << good.err;
  EXPECT_EQ(good.out.find("red"), std::string::npos);
}

TEST(CliTopologyPicture, FoldsIdenticalSiblingsUnlessUnfolded) {
  const SbmRun folded = sbm("topology show --dot 2s-numa");
  EXPECT_NE(folded.out.find("<B>16 x SMT {0-1} ... {30-31} (2 CPUs each)</B>"), std::string::npos)
      << folded.out;
  EXPECT_NE(folded.out.find("<B>2 x MC {0-15} {16-31} (16 CPUs each)</B>"), std::string::npos);
  const SbmRun unfolded = sbm("topology show --dot --unfold 2s-numa");
  EXPECT_EQ(unfolded.out.find(" x SMT"), std::string::npos);
  EXPECT_NE(unfolded.out.find("<B>SMT span=30-31 (2 CPUs)</B>"), std::string::npos);
  // Overlapping NUMA groups and their balance masks (kunpeng's NUMA levels).
  const SbmRun numa = sbm("topology show --dot kunpeng --era v5.8");
  EXPECT_NE(numa.out.find("overlapping groups"), std::string::npos);
  EXPECT_NE(numa.out.find("mask 0-23"), std::string::npos) << numa.out;
}

TEST(CliTopologyPicture, CaptionIsTheBaseName) {
  const std::string file =
      std::filesystem::absolute(SBM_DATA_DIR "/topologies/crafted-debugfs-6.10.txt");
  const SbmRun dot = sbm("topology show --dot " + file);
  EXPECT_NE(dot.out.find("label=\"crafted-debugfs-6.10.txt\""), std::string::npos) << dot.out;
  EXPECT_EQ(dot.out.find(file), std::string::npos);
  EXPECT_NE(sbm("topology show --dot 2s-numa").out.find("label=\"2s-numa\""), std::string::npos);
}

TEST(CliTopologyPicture, SvgWithoutGraphvizIsAnErrorNamingThePackage) {
  const SbmRun svg = sbm("topology show --svg 2s-numa", "PATH=" + temp_dir().string() + " ");
  EXPECT_EQ(svg.status, 2);
  EXPECT_EQ(svg.out, "");
  EXPECT_NE(svg.err.find("Debian package graphviz"), std::string::npos) << svg.err;
  EXPECT_EQ(sbm("topology show --svg --dot 2s-numa").status, 2);
}

TEST(CliTopologyPicture, CheckHtmlPutsThePictureNextToTheFindings) {
  const auto page = temp_dir() / "report.html";
  const SbmRun check = sbm("topology check -q --html " + page.string() +
                           " " SBM_TOPOLOGY_CORPUS_DIR "/bad-groups-span.txt");
  EXPECT_EQ(check.status, 1) << check.err;
  const std::string html = slurp(page);
  EXPECT_NE(html.find("<div class=\"picture\">\n<svg"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_EQ(html.find("<!DOCTYPE svg"), std::string::npos);
  EXPECT_NE(html.find("<li>"), std::string::npos);
  EXPECT_NE(html.find("TOPO-GROUPS-SPAN: CPU3 domain-1 (MC)"), std::string::npos);
  EXPECT_NE(html.find("sbmRendered = \"ok\""), std::string::npos);
  // An unreadable input has its errors on the page and no picture.
  const auto bad = temp_dir() / "empty.txt";
  std::ofstream(bad) << "nothing here\n";
  const SbmRun unread = sbm("topology check --html " + page.string() + " " + bad.string());
  EXPECT_EQ(unread.status, 2);
  const std::string errors = slurp(page);
  EXPECT_NE(errors.find("data-picture=\"no\""), std::string::npos);
  // Each error as stderr says it (error_text()), a list item each.
  const std::string first = unread.err.substr(0, unread.err.find('\n'));
  ASSERT_NE(first.find(": error: "), std::string::npos) << unread.err;
  EXPECT_NE(errors.find("<li>" + first + "</li>"), std::string::npos) << errors;
}

}  // namespace
