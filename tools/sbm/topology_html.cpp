#include "tools/sbm/topology_html.h"

#include <sstream>

#include "traces/xml_escape.h"

namespace sbm::cli {

namespace {

// The <svg> element alone: dot's XML declaration and DOCTYPE (which names the SVG DTD by URL)
// do not belong inside HTML.
std::string svg_element(const std::string& svg) {
  const size_t at = svg.find("<svg");
  return at == std::string::npos ? std::string() : svg.substr(at);
}

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 1em; color: #1d2433; }
h1 { font-size: 1.3em; }
section { border-top: 1px solid #c8d0dc; padding-top: 0.5em; margin-top: 1em; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.picture { flex: 1 1 55%; min-width: 320px; overflow: auto; }
.picture svg { max-width: 100%; height: auto; }
.findings { flex: 1 1 35%; min-width: 280px; }
.findings li { font-family: monospace; margin-bottom: 0.4em; }
.violated .verdict { color: #c00000; font-weight: bold; }
pre { font-size: 0.85em; background: #f4f6fa; padding: 0.5em; white-space: pre-wrap; }
)";

// The ui harness's contract (tools/render_page.sh): errors and completion go to data-sbm-rendered.
constexpr const char* kErrorHook =
    "window.onerror = function (message) {\n"
    "  document.body.dataset.sbmRendered = \"error: \" + message;\n"
    "};\n";
constexpr const char* kDoneScript =
    "(function () {\n"
    "  var sections = document.querySelectorAll(\"section\");\n"
    "  for (var i = 0; i < sections.length; i++) {\n"
    "    var s = sections[i];\n"
    "    if (s.dataset.picture === \"yes\" && !s.querySelector(\".picture svg\"))\n"
    "      throw new Error(\"no picture for \" + s.dataset.file);\n"
    "  }\n"
    "  document.body.dataset.sbmRendered = \"ok\";\n"
    "})();\n";

}  // namespace

std::string topology_check_html(const std::vector<TopologyHtmlSection>& sections) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<title>sbm topology check</title>\n<style>" << kStyle << "</style>\n<script>\n"
    << kErrorHook << "</script>\n</head>\n<body>\n<h1>sbm topology check</h1>\n";
  for (const TopologyHtmlSection& s : sections) {
    h << "<section data-file=\"" << xml_escape(s.file) << "\" data-picture=\""
      << (s.svg.empty() ? "no" : "yes") << "\"" << (s.violated ? " class=\"violated\"" : "")
      << ">\n<h2>" << xml_escape(s.file) << "</h2>\n<p class=\"verdict\">" << xml_escape(s.verdict)
      << "</p>\n<div class=\"pair\">\n";
    if (!s.svg.empty()) h << "<div class=\"picture\">\n" << svg_element(s.svg) << "</div>\n";
    h << "<div class=\"findings\">\n<h3>Findings</h3>\n";
    if (s.findings.empty()) h << "<p>No violations.</p>\n";
    h << "<ul>\n";
    for (const std::string& f : s.findings) h << "<li>" << xml_escape(f) << "</li>\n";
    h << "</ul>\n";
    if (!s.checks.empty()) h << "<h3>Checks</h3>\n<pre>" << xml_escape(s.checks) << "</pre>\n";
    h << "</div>\n</div>\n</section>\n";
  }
  h << "<script>\n" << kDoneScript << "</script>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace sbm::cli
