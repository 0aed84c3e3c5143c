// Property: first_control_byte() (traces/byte_scan.h), 32 bytes at a time where the CPU has
// AVX2, and first_control_byte_16() find the first control byte where a byte-at-a-time scan
// finds it, for any bytes: tab, DEL, line breaks and bytes with the top bit set included.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "traces/byte_scan.h"

namespace sbm {
namespace {

std::size_t first_control_byte_one_at_a_time(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (is_control(static_cast<unsigned char>(s[i]))) return i;
  return std::string::npos;
}

RC_GTEST_PROP(ByteScanProps, ControlScansAgreeWithOneByteAtATime, ()) {
  // Mostly printable, as trace lines are, so that a control byte lands at any place of a
  // vector or past the last whole one.
  const auto byte =
      rc::gen::weightedOneOf<char>({{20, rc::gen::inRange(' ', '\x7f')},
                                    {1, rc::gen::element('\t', '\n', '\r', '\x7f', '\x1f', '\0')},
                                    {1, rc::gen::arbitrary<char>()}});
  const std::string s = *rc::gen::container<std::string>(byte);
  const std::size_t expected = first_control_byte_one_at_a_time(s);
  RC_ASSERT(first_control_byte(s) == expected);
  RC_ASSERT(first_control_byte_16(s) == expected);
}

TEST(ByteScan, FindsTheControlByteAtEveryPlaceOfALongLine) {
  for (std::size_t at = 0; at < 100; ++at) {
    std::string line(100, 'x');
    line[at] = '\n';
    EXPECT_EQ(first_control_byte(line), at);
    EXPECT_EQ(first_control_byte_16(line), at);
    line[at] = '\t';  // a blank, not a control byte
    EXPECT_EQ(first_control_byte(line), std::string::npos);
    EXPECT_EQ(first_control_byte_16(line), std::string::npos);
  }
}

}  // namespace
}  // namespace sbm
