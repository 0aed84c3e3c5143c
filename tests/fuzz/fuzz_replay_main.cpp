// A main() for a fuzz target built without libFuzzer (GCC, the CI builds): runs
// LLVMFuzzerTestOneInput once on each file named, and on each regular file of each directory
// named (sorted, not recursive), so the inputs kept in tests/fuzz/ are regression tests under
// ctest, with and without the sanitizers. Prints the file before running it, so a crash names
// its input.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace {

int run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: error: cannot read\n", p.c_str());
    return 2;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "%s\n", p.c_str());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIR...  (runs the fuzz target once on each input)\n",
                 argv[0]);
    return 2;
  }
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(arg);
    }
    if (ec) {
      std::fprintf(stderr, "%s: error: %s\n", arg.c_str(), ec.message().c_str());
      return 2;
    }
    for (const auto& f : files) {
      if (const int status = run_file(f); status != 0) return status;
      ++inputs;
    }
  }
  std::fprintf(stderr, "%zu inputs, no failure\n", inputs);
  return inputs == 0 ? 2 : 0;
}
