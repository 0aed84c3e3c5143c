#include "tools/sbm/checked_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <streambuf>

#include "tools/sbm/cli_common.h"

namespace sbm::cli {

// A buffer on a file descriptor, written with write(2), that keeps the first error; after it
// every write fails, so the stream's badbit is set.
class FdOutBuf final : public std::streambuf {
 public:
  explicit FdOutBuf(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof buf_); }
  int error() const { return error_; }
  uint64_t bytes() const { return written_ + static_cast<uint64_t>(pptr() - pbase()); }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const char* p = pbase();
    while (p < pptr() && error_ == 0) {
      const ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        break;
      }
      p += n;
      written_ += static_cast<uint64_t>(n);
    }
    setp(buf_, buf_ + sizeof buf_);
    return error_ == 0;
  }

  int fd_;
  int error_ = 0;
  uint64_t written_ = 0;
  char buf_[1 << 16];
};

namespace {

// Never destroyed: std::cout flushes its buffer once more when the C++ runtime shuts down
// (std::ios_base::Init's destructor, run from __cxa_finalize after every function-local static
// is gone), so a static buffer would be flushed after its destruction (AddressSanitizer: SEGV in
// std::ostream::flush() at exit). It stays reachable from this pointer, so no leak is reported.
FdOutBuf& stdout_buf() {
  static FdOutBuf* const buf = new FdOutBuf(STDOUT_FILENO);
  return *buf;
}

}  // namespace

void install_checked_stdout() {
  std::signal(SIGPIPE, SIG_IGN);
  std::cout.rdbuf(&stdout_buf());
  if (::isatty(STDOUT_FILENO)) std::cout << std::unitbuf;
}

int report_error(const WriteError& e) {
  std::cerr << "sbm: error: " << e.what() << "\n";
  return kBadInput;
}

bool stdout_failed() { return stdout_buf().error() != 0 || !std::cout; }

void finish_stdout() {
  std::cout.flush();
  if (const int error = stdout_buf().error(); error != 0)
    throw WriteError(std::string("writing standard output: ") + std::strerror(error));
}

OutputFile::OutputFile(const std::string& path) : path_(path), out_(&std::cout) {
  if (path == "-") return;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw WriteError("cannot create '" + path + "': " + std::strerror(errno));
  buf_ = std::make_unique<FdOutBuf>(fd_);
  own_ = std::make_unique<std::ostream>(buf_.get());
  out_ = own_.get();
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t OutputFile::bytes() const { return (buf_ ? *buf_ : stdout_buf()).bytes(); }

bool OutputFile::failed() const { return buf_ ? buf_->error() != 0 : stdout_failed(); }

void OutputFile::finish() {
  if (!buf_) return;
  out_->flush();
  int error = buf_->error();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) throw WriteError("writing '" + path_ + "': " + std::strerror(error));
}

}  // namespace sbm::cli
