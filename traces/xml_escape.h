// Text made safe for XML and HTML: the JUnit reports, SVG and the HTML pages.
#pragma once

#include <string>

namespace sbm {

// & < > " as entities; everything else as it is.
std::string xml_escape(const std::string& s);

}  // namespace sbm
