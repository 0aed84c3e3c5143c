// Breadth loops under the sanitizers. A test that runs one check over every preset, input or
// mutant proves the breadth in the Release build; the sanitizer build (10-20x slower, CI's
// longest part) looks for memory errors and undefined behaviour, which every n-th case finds as
// well. Such a loop steps by sanitizer_stride(n): 1 in Release, n under AddressSanitizer.
#pragma once

#include <cstddef>

namespace sbm::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

constexpr std::size_t sanitizer_stride(std::size_t n) { return kSanitized ? n : 1; }

}  // namespace sbm::testing
