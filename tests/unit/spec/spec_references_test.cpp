// The references inside the repository: every "spec/bugs.md #N" and "spec/kernel-facts.md §X"
// names an entry or section that exists, nothing cites documents outside the repository or a
// personal kernel fork instead of a kernel tag, and the invariant IDs the code checks are the
// IDs spec/invariants.md has a heading for. Each check is a function over text, fired on small
// strings first, then run over the source tree (SBM_SOURCE_DIR).
//
// The patterns this file looks for are spelled in pieces ("bugs" ".md"), so that its own
// text, which the tree scan reads too, holds none of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sbm {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBugsFile =
    "spec/bugs"
    ".md";
constexpr std::string_view kFactsFile =
    "spec/kernel"
    "-facts.md";
constexpr std::string_view kSection = "\xC2\xA7";  // §, UTF-8

// A finding: where, and what is wrong.
struct Finding {
  std::string file;
  int line = 0;
  std::string what;
  bool operator==(const Finding&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Finding& f) {
  return os << f.file << ":" << f.line << ": " << f.what;
}

// The one scanning primitive: every position of `needle` in `text`.
std::vector<size_t> occurrences(std::string_view text, std::string_view needle) {
  std::vector<size_t> at;
  for (size_t p = text.find(needle); p != std::string_view::npos; p = text.find(needle, p + 1))
    at.push_back(p);
  return at;
}

int line_at(std::string_view text, size_t pos) {
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

bool ends_with_at(std::string_view text, size_t pos, std::string_view what) {
  return pos >= what.size() && text.substr(pos - what.size(), what.size()) == what;
}

// The numbers after a mark: "12", "0.7". Empty when none.
std::string number_at(std::string_view text, size_t& pos) {
  size_t end = pos;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                               (text[end] == '.' && end + 1 < text.size() &&
                                std::isdigit(static_cast<unsigned char>(text[end + 1])))))
    ++end;
  std::string n(text.substr(pos, end - pos));
  pos = end;
  return n;
}

size_t skip_blanks(std::string_view text, size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n')) ++pos;
  return pos;
}

// What a citation at `pos` (just after the file name) names: "#2", "#8 / #17", "#10, #11",
// "#11 (and #10)" gives the first; "§0.12, §7" and "§0.7-0.9" (both ends) for sections.
std::vector<std::string> cited_after(std::string_view text, size_t pos, std::string_view mark) {
  std::vector<std::string> ids;
  pos = skip_blanks(text, pos);
  if (text.substr(pos, mark.size()) != mark) return ids;
  pos += mark.size();
  for (std::string id = number_at(text, pos); !id.empty(); id = number_at(text, pos)) {
    ids.push_back(id);
    size_t q = pos;
    while (q < text.size() && text[q] == ' ') ++q;
    if (q < text.size() && text[q] == '-') {  // a range: its other end
      pos = q + 1;
      if (text.substr(pos, mark.size()) == mark) pos += mark.size();
      continue;
    }
    bool sep = false;
    for (std::string_view s : {",", "/", "and"})
      if (text.substr(q, s.size()) == s) q += s.size(), sep = true;
    if (!sep) break;
    q = skip_blanks(text, q);
    if (text.substr(q, mark.size()) != mark) break;
    pos = q + mark.size();
  }
  return ids;
}

// Citations of `file` in `text` whose entry is not in `defined`.
std::vector<Finding> undefined_citations(const std::string& name, std::string_view text,
                                         std::string_view file, std::string_view mark,
                                         const std::set<std::string>& defined) {
  std::vector<Finding> out;
  for (size_t p : occurrences(text, file))
    for (const std::string& id : cited_after(text, p + file.size(), mark))
      if (!defined.count(id))
        out.push_back({name, line_at(text, p),
                       std::string(file) + " " + std::string(mark) + id + " names no entry there"});
  return out;
}

// The IDs of the markdown headings of `level` ("### ") that start with `mark`: "### #12 ..."
// gives "12", "### §0.1 ..." "0.1", "## 4. ..." "4" (empty mark), "#### TOPO-MASK" and
// "### MIG-1: ..." their ID.
std::set<std::string> heading_ids(std::string_view text, std::string_view level,
                                  std::string_view mark) {
  std::set<std::string> ids;
  const std::string head = "\n" + std::string(level) + std::string(mark);
  for (size_t p : occurrences("\n" + std::string(text), head)) {
    size_t q = p + head.size() - 1;  // the "\n" put in front shifts positions by one
    size_t end = q;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != ':') ++end;
    std::string id(text.substr(q, end - q));
    if (!id.empty() && id.back() == '.') id.pop_back();
    if (!id.empty()) ids.insert(id);
  }
  return ids;
}

// Names that must not appear: documents outside the repository, and personal kernel forks
// cited in place of a kernel tag.
const std::vector<std::string_view>& outside_names() {
  static const std::vector<std::string_view> names = {
      ".."
      "/shared",
      "nhatz11"
      "/",
      "0x88888888"
      "/",
      "sagsango"
      "/",
      "Ankarrr"
      "/",
      "70data"
      "/"};
  return names;
}

// The reference-file names that must carry their "spec/" (a markdown link inside spec/,
// "[x.md](x.md)", is the one other form allowed).
const std::vector<std::string_view>& spec_only_names() {
  static const std::vector<std::string_view> names = {
      "bugs"
      ".md",
      "kernel"
      "-facts"};
  return names;
}

std::vector<Finding> outside_references(const std::string& name, std::string_view text) {
  std::vector<Finding> out;
  for (std::string_view n : outside_names())
    for (size_t p : occurrences(text, n))
      out.push_back(
          {name, line_at(text, p), "cites " + std::string(n) + " (outside the repository)"});
  for (std::string_view n : spec_only_names())
    for (size_t p : occurrences(text, n))
      if (!ends_with_at(text, p, "spec/") && !ends_with_at(text, p, "[") &&
          !ends_with_at(text, p, "]("))
        out.push_back({name, line_at(text, p), std::string(n) + " without spec/"});
  return out;
}

// The invariant families (spec/invariants.md §1).
const std::vector<std::string_view>& families() {
  static const std::vector<std::string_view> f = {"TOPO", "NB",   "SER",  "INT", "BI",
                                                  "MIG",  "LOCK", "NOHZ", "WC"};
  return f;
}

bool is_id_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; }

// String literals in code that are an invariant ID and nothing else: "NB-4", "TOPO-MASK".
std::set<std::string> code_ids(std::string_view text) {
  std::set<std::string> ids;
  for (std::string_view fam : families())
    for (size_t p : occurrences(text, "\"" + std::string(fam) + "-")) {
      size_t end = p + 1;
      while (end < text.size() && is_id_char(text[end])) ++end;
      if (end < text.size() && text[end] == '"' && text[end - 1] != '-')
        ids.insert(std::string(text.substr(p + 1, end - p - 1)));
    }
  return ids;
}

// The invariant IDs spec/invariants.md has a heading for.
std::set<std::string> spec_ids(std::string_view invariants_md) {
  std::set<std::string> ids;
  for (std::string_view level : {"### ", "#### "})
    for (std::string_view fam : families())
      for (const std::string& id : heading_ids(invariants_md, level, std::string(fam) + "-"))
        ids.insert(std::string(fam) + "-" + id);
  return ids;
}

// IDs on one side only, as findings against spec/invariants.md.
std::vector<Finding> id_mismatch(const std::set<std::string>& in_code,
                                 const std::set<std::string>& in_spec) {
  std::vector<Finding> out;
  for (const std::string& id : in_code)
    if (!in_spec.count(id))
      out.push_back({"spec/invariants.md", 0, id + " is checked in code but has no heading"});
  for (const std::string& id : in_spec)
    if (!in_code.count(id))
      out.push_back({"spec/invariants.md", 0, id + " has a heading but no code checks it"});
  return out;
}

// ---- on small strings: each check fires on bad input and holds on good ------------------

const std::string kBugsMd = "# Bugs\n\n### #1 One\ntext\n### #2 Two\n### #17 Seventeen\n";
const std::string kFactsMd = "# Facts\n## 0. Points\n### " + std::string(kSection) + "0.7 a\n### " +
                             std::string(kSection) + "0.9 b\n## 7. NOHZ\n";

std::set<std::string> bug_entries(std::string_view md) { return heading_ids(md, "### ", "#"); }
std::set<std::string> fact_sections(std::string_view md) {
  std::set<std::string> s = heading_ids(md, "## ", "");
  s.merge(heading_ids(md, "### ", kSection));
  return s;
}

TEST(SpecReferences, HeadingsGiveEntryNumbersAndSectionNumbers) {
  EXPECT_EQ(bug_entries(kBugsMd), (std::set<std::string>{"1", "2", "17"}));
  EXPECT_EQ(fact_sections(kFactsMd), (std::set<std::string>{"0", "0.7", "0.9", "7"}));
}

TEST(SpecReferences, CitationListsAndRangesAreRead) {
  const std::string s = std::string(kSection);
  EXPECT_EQ(cited_after(" #8 / #17: groups", 0, "#"), (std::vector<std::string>{"8", "17"}));
  EXPECT_EQ(cited_after(" #10, #11)", 0, "#"), (std::vector<std::string>{"10", "11"}));
  EXPECT_EQ(cited_after(" #10/#11)", 0, "#"), (std::vector<std::string>{"10", "11"}));
  EXPECT_EQ(cited_after(" #2 and #8.", 0, "#"), (std::vector<std::string>{"2", "8"}));
  EXPECT_EQ(cited_after("\n#22 (2.6.16)", 0, "#"), (std::vector<std::string>{"22"}));
  EXPECT_EQ(cited_after(" " + s + "0.7-0.9).", 0, s), (std::vector<std::string>{"0.7", "0.9"}));
  EXPECT_EQ(cited_after(" " + s + "0.12, " + s + "7; x", 0, s),
            (std::vector<std::string>{"0.12", "7"}));
  EXPECT_TRUE(cited_after(", by its number", 0, "#").empty());
}

TEST(SpecReferences, UndefinedBugCitationFires) {
  const std::string good = "// " + std::string(kBugsFile) + " #2 and #17\n";
  EXPECT_TRUE(undefined_citations("a.cpp", good, kBugsFile, "#", bug_entries(kBugsMd)).empty());
  const std::string bad = "x\n// (" + std::string(kBugsFile) + " #1, #99)\n";
  EXPECT_EQ(
      undefined_citations("a.cpp", bad, kBugsFile, "#", bug_entries(kBugsMd)),
      (std::vector<Finding>{{"a.cpp", 2, std::string(kBugsFile) + " #99 names no entry there"}}));
}

TEST(SpecReferences, UndefinedSectionCitationFires) {
  const std::string s = std::string(kSection);
  const std::string good = std::string(kFactsFile) + " " + s + "0.7-0.9, " + s + "7";
  EXPECT_TRUE(undefined_citations("b.md", good, kFactsFile, s, fact_sections(kFactsMd)).empty());
  const std::string bad = std::string(kFactsFile) + " " + s + "0.8";
  EXPECT_EQ(undefined_citations("b.md", bad, kFactsFile, s, fact_sections(kFactsMd)).size(), 1u);
}

TEST(SpecReferences, OutsideAndBareReferencesFire) {
  EXPECT_TRUE(outside_references("c.h", "// " + std::string(kBugsFile) + " #2; " +
                                            std::string(kFactsFile) + " " + std::string(kSection) +
                                            "7; v6.17")
                  .empty());
  EXPECT_TRUE(outside_references("README.md",
                                 "| [bugs"
                                 ".md](bugs"
                                 ".md) | ... |")
                  .empty());
  for (const std::string bad : {"see bugs"
                                ".md #3",
                                "(kernel"
                                "-facts "
                                "\xC2\xA7"
                                "9)",
                                "(.."
                                "/shared/design.md)",
                                "(nhatz11"
                                "/linux-6.17)",
                                "Ankarrr"
                                "/Linux-2.6.32.60-rts",
                                "70data"
                                "/linux-kernel-2.6.12"}) {
    const std::vector<Finding> f = outside_references("c.h", "ok\n" + bad);
    ASSERT_EQ(f.size(), 1u) << bad;
    EXPECT_EQ(f[0].line, 2) << bad;
  }
}

TEST(SpecReferences, InvariantIdsOnOneSideOnlyFire) {
  const std::string code =
      R"(Violation v{"NB-1", 0}; ids = {"NOHZ-3", "TOPO-MASK"}; "TOPO-" + name;)";
  EXPECT_EQ(code_ids(code), (std::set<std::string>{"NB-1", "NOHZ-3", "TOPO-MASK"}));
  const std::string spec = "## 4. NB\n### NB-1\n#### TOPO-MASK\n### WC-9: never checked\n";
  EXPECT_EQ(spec_ids(spec), (std::set<std::string>{"NB-1", "TOPO-MASK", "WC-9"}));
  EXPECT_EQ(id_mismatch(code_ids(code), spec_ids(spec)),
            (std::vector<Finding>{
                {"spec/invariants.md", 0, "NOHZ-3 is checked in code but has no heading"},
                {"spec/invariants.md", 0, "WC-9 has a heading but no code checks it"}}));
  EXPECT_TRUE(id_mismatch(code_ids(code), spec_ids(spec + "### NOHZ-3\n")).size() == 1u);
}

// ---- the source tree ----------------------------------------------------------------------

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every text file of the source tree, by path relative to it: .git, hidden folders and build
// trees (a folder holding CMakeCache.txt) left out, and files with a NUL byte (binary).
std::map<std::string, std::string> source_tree() {
  const fs::path root = SBM_SOURCE_DIR;
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path& p = it->path();
    if (it->is_directory()) {
      if (p.filename().string().starts_with(".") || fs::exists(p / "CMakeCache.txt"))
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string text = read_file(p);
    if (text.find('\0') != std::string::npos) continue;
    files.emplace(fs::relative(p, root).generic_string(), std::move(text));
  }
  return files;
}

const std::map<std::string, std::string>& tree() {
  static const std::map<std::string, std::string> t = source_tree();
  return t;
}

const std::string& tree_file(const std::string& name) {
  static const std::string none;
  auto it = tree().find(name);
  return it == tree().end() ? none : it->second;
}

TEST(SpecReferences, TheTreeIsReadWithItsSpecFiles) {
  EXPECT_GT(tree().size(), 100u);
  EXPECT_GE(bug_entries(tree_file(std::string(kBugsFile))).size(), 23u);
  EXPECT_GE(fact_sections(tree_file(std::string(kFactsFile))).size(), 25u);
  EXPECT_GT(spec_ids(tree_file("spec/invariants.md")).size(), 40u);
}

TEST(SpecReferences, EveryCitationInTheTreeNamesAnEntryThatExists) {
  const std::set<std::string> bugs = bug_entries(tree_file(std::string(kBugsFile)));
  const std::set<std::string> facts = fact_sections(tree_file(std::string(kFactsFile)));
  int citations = 0;
  for (const auto& [name, text] : tree()) {
    citations += static_cast<int>(occurrences(text, kBugsFile).size() +
                                  occurrences(text, kFactsFile).size());
    for (const Finding& f : undefined_citations(name, text, kBugsFile, "#", bugs))
      ADD_FAILURE() << f;
    for (const Finding& f : undefined_citations(name, text, kFactsFile, kSection, facts))
      ADD_FAILURE() << f;
  }
  EXPECT_GT(citations, 150);
}

TEST(SpecReferences, NothingInTheTreeCitesOutsideTheRepository) {
  for (const auto& [name, text] : tree())
    for (const Finding& f : outside_references(name, text)) ADD_FAILURE() << f;
}

TEST(SpecReferences, InvariantIdsInCodeAreTheHeadingsOfInvariantsMd) {
  std::set<std::string> in_code;
  for (const auto& [name, text] : tree())
    for (std::string_view layer : {"model/", "properties/", "traces/", "tools/"})
      if (name.starts_with(layer) && (name.ends_with(".cpp") || name.ends_with(".h")))
        in_code.merge(code_ids(text));
  EXPECT_GT(in_code.size(), 40u);
  for (const Finding& f : id_mismatch(in_code, spec_ids(tree_file("spec/invariants.md"))))
    ADD_FAILURE() << f;
}

}  // namespace
}  // namespace sbm
