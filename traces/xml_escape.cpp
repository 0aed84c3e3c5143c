#include "traces/xml_escape.h"

#include <cstddef>

namespace sbm {

namespace {

// The length of the UTF-8 sequence that starts at s[i]; 0 for a byte that starts none (a stray
// continuation byte, an overlong form, a surrogate, a cut-off sequence).
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  const std::size_t n = b < 0x80                ? 1
                        : b >= 0xC2 && b < 0xE0 ? 2
                        : b >= 0xE0 && b < 0xF0 ? 3
                        : b >= 0xF0 && b < 0xF5 ? 4
                                                : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  if ((b == 0xE0 && byte(i + 1) < 0xA0) || (b == 0xED && byte(i + 1) >= 0xA0) ||
      (b == 0xF0 && byte(i + 1) < 0x90) || (b == 0xF4 && byte(i + 1) >= 0x90))
    return 0;
  return n;
}

}  // namespace

// Text or an attribute value of XML 1.0: markup characters as entities, tab and line ends as
// character references (an attribute keeps them), and what XML 1.0 cannot carry at all, even as
// a reference (the other control characters, bytes that are not UTF-8, such as a comm read from
// a trace), written out as \xNN.
std::string xml_escape(const std::string& s) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
      out += std::string("\\x") + kHex[c >> 4] + kHex[c & 0xF];
      ++i;
      continue;
    }
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

}  // namespace sbm
