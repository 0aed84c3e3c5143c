// The text report of `sbm mutants` (matrix_text(), tools/sbm/mutant_matrix.h) for the real
// mutant registry at its widest: every line within kMatrixTextWidth, a rerun command per kill.
#include <gtest/gtest.h>

#include <sstream>

#include "model/topology/topology_spec.h"
#include "properties/prove.h"
#include "tools/sbm/mutant_matrix.h"

namespace sbm {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Widest cells: three-digit case counts (every column has fewer cases), the longest property ID
// of the registry, a long case name and a long first violation.
MatrixResult widest_matrix() {
  std::string longest_id;
  for (const MutantInfo& m : mutant_registry())
    if (m.caught_by.size() > longest_id.size()) longest_id = m.caught_by;
  MatrixResult m;
  m.budget_cut = true;
  const auto fill = [&](MutantResult& r, Mutant mutant, size_t row) {
    for (KillColumn c : kKillColumns) {
      ColumnResult& col = r.columns[static_cast<size_t>(c)];
      col.total_cases = 999;
      col.cases = 998;
      if ((row + static_cast<size_t>(c)) % 2 == 0) {
        col.killed = true;
        col.id = longest_id;
        col.where = "v2.6.32 segmented-bus numa-imbalance seed 12345 ticks 100000 CONFIG_NO_HZ=n";
        col.observed = longest_id + " cpu 127 line 123456789: expected " + std::string(150, 'x') +
                       ", observed something else entirely";
        col.events = 123456789;
        col.reproduce = rerun_command(mutant, c);
      } else {
        col.budget_cut = true;
      }
    }
  };
  fill(m.baseline, Mutant::None, 0);
  for (const MutantInfo& info : mutant_registry()) {
    m.mutants.push_back(MutantResult{&info, {}, 0});
    fill(m.mutants.back(), info.id, m.mutants.size());
  }
  return m;
}

TEST(MatrixText, EveryLineFitsOneHundredColumns) {
  // The case counts of the real columns are below the 999 the widest matrix uses.
  EXPECT_LT(machine_presets().size() + sim_cases().size(), 999u);
  EXPECT_LT(2 * query_catalogue().size(), 999u);
  const std::string text = matrix_text(widest_matrix());
  for (const std::string& l : lines_of(text))
    EXPECT_LE(l.size(), kMatrixTextWidth) << "'" << l << "'";
  // The table has a row per mutant, with separators aligned under the header's.
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_GT(lines.size(), mutant_registry().size() + 3);
  EXPECT_EQ(lines[0].substr(0, 6), "mutant");
  EXPECT_NE(lines[0].find(" | property "), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind("-+-"), lines[0].rfind(" | ")) << lines[1];
  for (size_t i = 2; i < mutant_registry().size() + 3; ++i)
    EXPECT_EQ(lines[i].rfind(" | "), lines[0].rfind(" | ")) << lines[i];
}

TEST(MatrixText, ATooLongLineWouldBeSeen) {
  // The width check above can fail: a report line that is not wrapped is longer.
  const MatrixResult m = widest_matrix();
  EXPECT_GT(m.baseline.columns[0].observed.size(), kMatrixTextWidth);
}

TEST(MatrixText, EveryKillHasItsRerunCommand) {
  const MatrixResult m = widest_matrix();
  const std::string text = matrix_text(m);
  size_t kills = 0;
  for (const ColumnResult& c : m.baseline.columns) kills += c.killed;
  for (const MutantResult& r : m.mutants)
    for (KillColumn c : kKillColumns)
      if (r.columns[static_cast<size_t>(c)].killed) {
        ++kills;
        EXPECT_NE(text.find("    rerun: sbm mutants --mutant " + std::string(r.mutant->name) +
                            " --column " + kill_column_name(c) + "\n"),
                  std::string::npos)
            << r.mutant->name;
      }
  size_t reruns = 0;
  for (const std::string& l : lines_of(text)) reruns += l.starts_with("    rerun: ");
  EXPECT_EQ(reruns, kills);
  EXPECT_NE(text.find("    rerun: sbm mutants --mutant none --column property\n"),
            std::string::npos);
}

TEST(MatrixText, RerunCommandNamesTheMutantAndTheColumn) {
  EXPECT_EQ(rerun_command(Mutant::PlainLt, KillColumn::Z3),
            "sbm mutants --mutant plain-lt --column z3");
  EXPECT_EQ(find_kill_column("replay"), KillColumn::Replay);
  EXPECT_FALSE(find_kill_column("nope"));
}

}  // namespace
}  // namespace sbm
