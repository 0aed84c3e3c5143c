#include "tools/sbm/progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace sbm::cli {

namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Progress::Mode Progress::mode_for(bool quiet) {
  if (quiet) return Mode::Off;
  return ::isatty(STDERR_FILENO) ? Mode::Terminal : Mode::Lines;
}

Progress::Progress(std::string label, uint64_t total, bool quiet)
    : Progress(std::move(label), total, mode_for(quiet), std::cerr, steady_seconds) {}

Progress::Progress(std::string label, uint64_t total, Mode mode, std::ostream& out, Clock clock)
    : label_(std::move(label)),
      total_(total),
      mode_(mode),
      out_(out),
      clock_(std::move(clock)),
      start_(clock_()) {}

Progress::~Progress() { finish(); }

std::string Progress::duration_text(double seconds) {
  const long s = std::lround(std::max(seconds, 0.0));
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%ld s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s % 3600 / 60);
  return buf;
}

std::string Progress::status_text(uint64_t done, uint64_t total, double elapsed) {
  std::string s = std::to_string(done) + "/" + std::to_string(total);
  if (total > 0) s += " (" + std::to_string(done * 100 / total) + "%)";
  s += ", " + duration_text(elapsed) + " elapsed";
  // The rate so far, carried over what is left: nothing to go on before the first unit is done.
  if (done > 0 && done < total)
    s += ", about " +
         duration_text(elapsed * static_cast<double>(total - done) / static_cast<double>(done)) +
         " left";
  return s;
}

void Progress::tick(uint64_t done) {
  if (mode_ == Mode::Off) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  done_ = done;
  const double now = clock_();
  const double since = now - (shown_at_ < 0 ? start_ : shown_at_);
  if (since >= (mode_ == Mode::Terminal ? kTerminalRefresh : kLineInterval)) show(done, now, false);
}

void Progress::finish() {
  if (mode_ == Mode::Off) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  // A short run that never showed a line stays silent.
  if (shown_at_ < 0) return;
  if (mode_ == Mode::Terminal || shown_done_ != done_) show(done_, clock_(), true);
}

void Progress::show(uint64_t done, double now, bool last) {
  const std::string line = label_ + ": " + status_text(done, total_, now - start_);
  if (mode_ == Mode::Terminal) {
    // Rewrite in place; spaces wipe what a longer previous line left.
    out_ << '\r' << line << std::string(width_ > line.size() ? width_ - line.size() : 0, ' ');
    width_ = line.size();
    if (last) out_ << '\n';
  } else {
    out_ << line << '\n';
  }
  out_.flush();
  shown_at_ = now;
  shown_done_ = done;
}

}  // namespace sbm::cli
