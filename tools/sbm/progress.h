// Progress of a long run on stderr (README.md, "Progress"): `sbm mutants`, `sbm prove`,
// `sbm trace gen` beyond 100k ticks and `sbm trace check` of a file over 100 MB. It says how
// much is done of the total, the time elapsed and an estimate of the time left. On a terminal it
// is one line rewritten in place (\r); otherwise (a CI log, a file) a line every 10 s, so a long
// run shows it is alive. --quiet turns it off. Nothing goes to stdout, so what a command prints
// there stays the same, byte for byte, with or without it.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

namespace sbm::cli {

class Progress {
 public:
  enum class Mode { Off, Terminal, Lines };
  using Clock = std::function<double()>;  // seconds on a monotonic clock

  // Off when `quiet`, else Terminal when stderr is a terminal, else Lines; on stderr with the
  // steady clock.
  static Mode mode_for(bool quiet);

  // `label` names the run ("sbm mutants"); `total` is the count tick() counts towards.
  Progress(std::string label, uint64_t total, bool quiet);
  Progress(std::string label, uint64_t total, Mode mode, std::ostream& out, Clock clock);
  ~Progress();  // finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` of the total are done. Safe to call from several threads.
  void tick(uint64_t done);
  // The run is over: the terminal line is brought up to date and ended with a newline; a periodic
  // log that has printed a line gets a last one unless it already says as much. Said once; later
  // calls do nothing.
  void finish();

  // "12/92 (13%), 1m05s elapsed, about 4m10s left", for `done` at `elapsed` seconds.
  static std::string status_text(uint64_t done, uint64_t total, double elapsed);
  // "42 s", "3m07s", "2h05m".
  static std::string duration_text(double seconds);

  // A terminal line is redrawn at most this often; a periodic line printed this often.
  static constexpr double kTerminalRefresh = 0.25;
  static constexpr double kLineInterval = 10;

 private:
  void show(uint64_t done, double now, bool last);

  std::string label_;
  uint64_t total_;
  Mode mode_;
  std::ostream& out_;
  Clock clock_;
  double start_;
  double shown_at_ = -1;  // clock time of the last line shown; < 0: none yet
  uint64_t done_ = 0;
  uint64_t shown_done_ = 0;  // the count in the last line shown
  std::size_t width_ = 0;    // length of the terminal line on screen
  bool finished_ = false;
  std::mutex mutex_;
};

}  // namespace sbm::cli
