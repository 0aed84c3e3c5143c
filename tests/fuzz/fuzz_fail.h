// How a fuzz target reports a check that does not hold: the message on stderr, then abort(),
// which libFuzzer (it keeps the input as a crash) and ctest (the test fails) both see.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

[[noreturn]] [[gnu::format(printf, 1, 2)]] inline void fuzz_fail(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
  std::abort();
}
