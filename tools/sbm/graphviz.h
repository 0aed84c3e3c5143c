// Graphviz's dot as a subprocess, for `sbm topology show --svg` and `topology check --html`.
#pragma once

#include <string>

namespace sbm::cli {

// The SVG `dot -Tsvg` draws from DOT text; what dot writes on standard error is passed on.
// Throws UsageError (exit 2) when dot is not installed (Debian package graphviz) or fails.
std::string dot_to_svg(const std::string& dot);

}  // namespace sbm::cli
