// Output that is checked: a failed write (a full disk, /dev/full, a reader that closed the
// pipe) is exit 2 with "sbm: error: writing ...: <reason>" in every command, never a silent
// truncation or a death by SIGPIPE (spec/design.md, "CLI conventions").
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

namespace sbm::cli {

// A write that failed: printed as "sbm: error: message", exit 2.
struct WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Routes std::cout through a buffer on descriptor 1 that keeps the first write error (flushed
// at every output operation when it is a terminal), and ignores SIGPIPE, so that a closed pipe
// is the write error EPIPE. Called once, first thing in main.
void install_checked_stdout();
// Prints "sbm: error: message" and returns the exit status for it (2).
int report_error(const WriteError& e);
// True once a write to standard output failed: a long writer stops early.
bool stdout_failed();
// Flushes standard output; throws WriteError("writing standard output: <reason>") when any
// write to it failed. Called once, last thing in main, so it serves every command.
void finish_stdout();

class FdOutBuf;
// A file a command writes (-o, --junit, --cex), or standard output for "-", through the same
// checked buffer.
class OutputFile {
 public:
  // Throws WriteError("cannot create 'PATH': <reason>").
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return *out_; }
  bool failed() const;
  // Bytes written so far, buffered ones included.
  uint64_t bytes() const;
  // Flushes and closes; throws WriteError("writing 'PATH': <reason>") when a write or the
  // close failed. Standard output is left to finish_stdout().
  void finish();

 private:
  std::string path_;
  int fd_ = -1;
  std::unique_ptr<FdOutBuf> buf_;
  std::unique_ptr<std::ostream> own_;
  std::ostream* out_;
};

}  // namespace sbm::cli
