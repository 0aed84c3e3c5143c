#include "tools/sbm/graphviz.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "tools/sbm/cli_common.h"

namespace sbm::cli {

namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

File temp_file() {
  File f(std::tmpfile(), &std::fclose);
  if (!f) throw UsageError(std::string("cannot make a temporary file: ") + std::strerror(errno));
  return f;
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return out;
    }
  }
}

}  // namespace

std::string dot_to_svg(const std::string& dot) {
  // The DOT goes in through a file and dot's complaints out to one, so that only its standard
  // output is a pipe and nothing can block; exec failures come back through a close-on-exec pipe.
  File in = temp_file(), err = temp_file();
  if (std::fwrite(dot.data(), 1, dot.size(), in.get()) != dot.size() || std::fflush(in.get()) != 0)
    throw UsageError(std::string("cannot write a temporary file: ") + std::strerror(errno));
  std::rewind(in.get());
  int out[2], exec_err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(exec_err, O_CLOEXEC) != 0)
    throw UsageError(std::string("cannot make a pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) throw UsageError(std::string("cannot fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(::fileno(in.get()), 0);
    ::dup2(out[1], 1);
    ::dup2(::fileno(err.get()), 2);
    char prog[] = "dot", format[] = "-Tsvg";
    char* args[] = {prog, format, nullptr};
    ::execvp(prog, args);
    const int e = errno;
    [[maybe_unused]] const ssize_t w = ::write(exec_err[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(exec_err[1]);
  const std::string svg = read_all(out[0]);
  const std::string failed = read_all(exec_err[0]);
  ::close(out[0]);
  ::close(exec_err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (failed.size() == sizeof(int)) {
    int e = 0;
    std::memcpy(&e, failed.data(), sizeof e);
    throw UsageError(std::string("cannot run graphviz's dot: ") + std::strerror(e) +
                     " (install the Debian package graphviz: bash tools/setup.sh)");
  }
  std::rewind(err.get());
  const std::string complaints = read_all(::fileno(err.get()));
  std::cerr << complaints;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw UsageError("graphviz's dot -Tsvg failed on the picture");
  return svg;
}

}  // namespace sbm::cli
