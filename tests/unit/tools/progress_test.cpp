// Progress (tools/sbm/progress.h) driven by a fake clock: the terminal line rewritten in place,
// the periodic lines of a log, and --quiet.
#include "tools/sbm/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sbm::cli {
namespace {

struct FakeClock {
  double now = 100;
  Progress::Clock clock() {
    return [this] { return now; };
  }
};

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(Progress, StatusSaysDoneElapsedAndWhatIsLeft) {
  EXPECT_EQ(Progress::status_text(3, 12, 30), "3/12 (25%), 30 s elapsed, about 1m30s left");
  EXPECT_EQ(Progress::status_text(0, 12, 5), "0/12 (0%), 5 s elapsed");  // no rate yet
  EXPECT_EQ(Progress::status_text(12, 12, 7500), "12/12 (100%), 2h05m elapsed");
}

TEST(Progress, TerminalRewritesOneLineAndEndsIt) {
  FakeClock t;
  std::ostringstream out;
  {
    Progress p("sbm x", 4, Progress::Mode::Terminal, out, t.clock());
    t.now += 0.1;
    p.tick(1);  // too soon after the start: nothing yet
    EXPECT_EQ(out.str(), "");
    t.now += 1;
    p.tick(2);
    t.now += 0.1;
    p.tick(3);  // within the refresh interval: not redrawn
    t.now += 1;
    p.tick(4);
    p.finish();
    p.finish();  // once only
  }
  const std::string s = out.str();
  EXPECT_EQ(s.find('\n'), s.size() - 1) << s;  // one line, ended at the finish
  EXPECT_EQ(count(s, "\r"), 3) << s;           // 2/4, 4/4, and the finish
  EXPECT_NE(s.find("\rsbm x: 2/4 (50%), 1 s elapsed, about 1 s left"), std::string::npos) << s;
  EXPECT_EQ(s.find("3/4"), std::string::npos) << s;
  EXPECT_NE(s.find("\rsbm x: 4/4 (100%), 2 s elapsed"), std::string::npos) << s;
}

TEST(Progress, TerminalWipesWhatALongerLineLeft) {
  FakeClock t;
  std::ostringstream out;
  Progress p("x", 100, Progress::Mode::Terminal, out, t.clock());
  t.now += 1;
  p.tick(1);  // "x: 1/100 (1%), 1 s elapsed, about 1m39s left"
  const size_t first = out.str().size() - 1;
  t.now += 1;
  p.tick(100);  // shorter: padded to the old width
  EXPECT_EQ(out.str().size() - 1 - first - 1, first) << out.str();
}

TEST(Progress, ALogGetsALineEveryTenSeconds) {
  FakeClock t;
  std::ostringstream out;
  Progress p("sbm y", 400, Progress::Mode::Lines, out, t.clock());
  for (int i = 1; i <= 400; ++i) {
    t.now += 0.125;  // 50 s in all
    p.tick(i);
  }
  p.finish();
  const std::string s = out.str();
  EXPECT_EQ(s.find('\r'), std::string::npos) << s;
  EXPECT_EQ(count(s, "\n"), 5) << s;  // at 10, 20, 30, 40, 50 s; the finish adds none
  EXPECT_EQ(s.substr(0, s.find('\n')), "sbm y: 80/400 (20%), 10 s elapsed, about 40 s left");
  EXPECT_NE(s.find("sbm y: 400/400 (100%), 50 s elapsed\n"), std::string::npos) << s;
}

TEST(Progress, ALogGetsALastLineOnlyWhenItSaidSomething) {
  FakeClock t;
  std::ostringstream quick;
  {
    Progress p("q", 2, Progress::Mode::Lines, quick, t.clock());
    p.tick(1);
    t.now += 3;
    p.tick(2);
  }
  EXPECT_EQ(quick.str(), "");  // a short run stays silent
  std::ostringstream slow;
  Progress p("s", 2, Progress::Mode::Lines, slow, t.clock());
  t.now += 11;
  p.tick(1);
  t.now += 2;
  p.tick(2);
  p.finish();
  EXPECT_EQ(slow.str(),
            "s: 1/2 (50%), 11 s elapsed, about 11 s left\ns: 2/2 (100%), 13 s elapsed\n");
}

TEST(Progress, QuietSaysNothing) {
  FakeClock t;
  std::ostringstream out;
  Progress p("z", 10, Progress::Mode::Off, out, t.clock());
  for (int i = 1; i <= 10; ++i) {
    t.now += 20;
    p.tick(i);
  }
  p.finish();
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(Progress::mode_for(true), Progress::Mode::Off);
}

}  // namespace
}  // namespace sbm::cli
