// A self-contained HTML page of one or more trace windows (spec/views.md): per-CPU lanes on a
// jiffy axis drawn as inline SVG by a short script in the page, each finding highlighted with its
// message and the lines that explain it, the involved CPU's domain tree beside it, hover for an
// event's fields, wheel to zoom and drag to pan. No network: nothing is loaded from outside.
// The page's script sets document.body.dataset.sbmRendered to "ok" once it has drawn (to
// "error: ..." when it failed), for tools/render_page.sh.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "properties/violation.h"

namespace sbm {

struct HtmlTraceView {
  std::string title;
  std::string trace_json;  // the window as ChromeTraceWriter writes it
  std::optional<Violation> finding;
  std::vector<std::string> context;      // the lines before the finding on its CPU
  std::vector<std::string> domain_tree;  // the finding's CPU in the trace's topology dump
};

// `note`: one line under the page's title (what was checked, how many findings are shown).
void write_html_view(std::ostream& out, const std::string& title, const std::string& note,
                     const std::vector<HtmlTraceView>& views);

}  // namespace sbm
