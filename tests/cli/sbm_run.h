// Runs the sbm binary (SBM_BINARY, from tests/CMakeLists.txt) as a user's shell would, for the
// end-to-end tests: exit status, standard output and standard error.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sbm::testing {

struct SbmRun {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A directory of this test process (ctest runs each test in its own process).
inline std::filesystem::path temp_dir() {
  static const std::filesystem::path dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("sbm_cli_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// Runs `PREFIX sbm ARGS` through the shell (PREFIX may be a pipe that ends in sbm).
inline SbmRun sbm(const std::string& args, const std::string& prefix = "") {
  const auto out = temp_dir() / "out", err = temp_dir() / "err";
  const std::string cmd =
      prefix + std::string(SBM_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
  const int raw = std::system(cmd.c_str());
  SbmRun r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// Why this machine cannot record its kernel (the `live` tests), or "" when it can: recording
// needs root and a kernel with tracefs.
inline std::string live_skip_reason() {
  if (::geteuid() != 0) return "recording needs root";
  if (slurp("/proc/filesystems").find("\ttracefs\n") == std::string::npos)
    return "this kernel has no tracefs";
  return "";
}

}  // namespace sbm::testing
