// Text made safe for XML and HTML: the JUnit reports, SVG and the HTML pages.
#pragma once

#include <string>

namespace sbm {

// & < > " as entities, tab and line ends as character references, and what XML 1.0 cannot
// carry at all (other control characters, bytes that are not UTF-8) as \xNN.
std::string xml_escape(const std::string& s);

}  // namespace sbm
