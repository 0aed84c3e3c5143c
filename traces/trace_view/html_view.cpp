#include "traces/trace_view/html_view.h"

#include <nlohmann/json.hpp>

#include "traces/trace_view/chrome_trace.h"

namespace sbm {

namespace {

// The page around the data: a style, a script that draws every view into inline SVG, and the
// hooks tools/render_page.sh reads (data-sbm-rendered).
constexpr const char* kPageHead = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sbm</title>
<style>
body{font-family:sans-serif;margin:12px;color:#222}
h1{font-size:18px;margin:0 0 4px}
h2{font-size:15px;margin:16px 0 6px}
.note{color:#555;font-size:13px;margin-bottom:8px}
.view{border-top:1px solid #ccc;padding-top:6px}
.row{display:flex;gap:12px;align-items:flex-start}
.timeline{flex:1;min-width:0}
.side{width:340px;font-size:12px}
.finding{background:#fde0dd;border:1px solid #c51b8a;padding:6px;margin-bottom:8px}
.finding b{color:#a50f15}
pre{font-size:11px;background:#f4f4f4;padding:4px;overflow-x:auto;margin:2px 0 8px}
svg text{font-size:11px;font-family:sans-serif}
svg{border:1px solid #ddd;cursor:grab;user-select:text}
.help{font-size:11px;color:#666}
</style></head>
<body>
<h1 id="title"></h1>
<div class="note" id="note"></div>
<div id="views"></div>
)";

constexpr const char* kPageScript = R"page(<script>
window.onerror = function (msg) { document.body.dataset.sbmRendered = "error: " + msg; };
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const colors = {run: "#9ecae1", softirq: "#fdae6b", balance: "#a1d99b", domain: "#41ab5d",
    serialize: "#9e9ac8", event: "#777", migration: "#08519c", nohz: "#e6550d"};
  function node(tag, attrs, parent, text) {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function hover(e, name, args) {
    let t = name;
    for (const k in (args || {})) t += "\n" + k + ": " + args[k];
    node("title", {}, e, t);
  }
  function html(tag, cls, parent, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  function drawView(view, host) {
    const meta = view.trace.otherData;
    const perJiffy = 1e6 / meta.hz;
    const jiffy = ts => (ts - meta.window.begin_us) / perJiffy;
    const slices = [], instants = [], marks = [], flows = {}, stacks = {};
    for (const ev of view.trace.traceEvents) {
      const st = stacks[ev.tid] || (stacks[ev.tid] = []);
      if (ev.ph === "B") st.push(ev);
      else if (ev.ph === "E") {
        const b = st.pop();
        if (b) slices.push({tid: ev.tid, depth: st.length, b: b.ts, e: ev.ts, ev: b});
      } else if (ev.ph === "i") (ev.cat === "violation" ? marks : instants).push(ev);
      else if (ev.ph === "s" || ev.ph === "f") (flows[ev.id] = flows[ev.id] || {})[ev.ph] = ev;
    }
    slices.sort((a, b) => a.depth - b.depth);  // the inner slices drawn over the outer
    const line = view.finding ? view.finding.line : -1;
    const cpus = meta.cpus, laneH = 46, left = 64, top = 22;
    const width = Math.max(600, host.clientWidth || 1000);
    const height = top + cpus * laneH + 8;
    const svg = node("svg", {width: width, height: height, "class": "lanes"}, host);
    // The first view spans the events (a counterexample's fit in one jiffy), padded a little.
    let lo = Infinity, hi = -Infinity;
    for (const ev of view.trace.traceEvents)
      if (ev.ph !== "M") { lo = Math.min(lo, jiffy(ev.ts)); hi = Math.max(hi, jiffy(ev.ts)); }
    if (!(lo < hi)) { lo = 0; hi = meta.window.jiffies; }
    const pad = (hi - lo) * 0.03;
    let x0 = lo - pad, x1 = hi + pad;
    const X = j => left + (j - x0) / (x1 - x0) * (width - left - 4);
    const laneY = cpu => top + cpu * laneH;
    function render() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      const step = Math.pow(10, Math.floor(Math.log10((x1 - x0) / 4)));
      for (let j = Math.ceil(x0 / step) * step; j <= x1; j += step) {
        node("line", {x1: X(j), x2: X(j), y1: top - 4, y2: height, stroke: "#eee"}, svg);
        node("text", {x: X(j) + 2, y: 12, "class": "tick"}, svg, "+" + +j.toPrecision(7) + " j");
      }
      for (let c = 0; c < cpus; ++c) {
        const g = node("g", {"class": "lane", "data-cpu": c}, svg);
        node("rect", {x: left, y: laneY(c), width: width - left, height: laneH - 2,
          fill: c % 2 ? "#fafafa" : "#f2f2f2"}, g);
        node("text", {x: 4, y: laneY(c) + laneH / 2 + 4}, g, "CPU" + c);
      }
      for (const s of slices) {
        const a = Math.max(X(jiffy(s.b)), left), z = Math.min(X(jiffy(s.e)), width);
        if (z < left || a > width) continue;
        const y = laneY(s.tid) + 3 + s.depth * 7;
        const r = node("rect", {x: a, y: y, width: Math.max(1, z - a), height: laneH - 8 - s.depth * 7,
          fill: colors[s.ev.cat] || "#ccc", stroke: s.ev.args && s.ev.args.line === line ? "#d00" : "none",
          "class": "slice " + s.ev.cat}, svg);
        hover(r, s.ev.name, s.ev.args);
        if (z - a > 60 && s.depth === 0)
          node("text", {x: a + 2, y: laneY(s.tid) + laneH - 8, "pointer-events": "none"}, svg, s.ev.name);
      }
      for (const f of Object.values(flows)) {
        if (!f.s || !f.f) continue;
        const p = node("line", {x1: X(jiffy(f.s.ts)), y1: laneY(f.s.tid) + laneH / 2,
          x2: X(jiffy(f.f.ts)) + 3, y2: laneY(f.f.tid) + laneH / 2, stroke: colors.migration,
          "stroke-width": 1.5, "class": "flow"}, svg);
        hover(p, f.s.name, {});
      }
      for (const ev of instants) {
        const x = X(jiffy(ev.ts));
        if (x < left || x > width) continue;
        const hit = ev.args && ev.args.line === line;
        const t = node("rect", {x: x - 1, y: laneY(ev.tid) + 2, width: hit ? 4 : 2, height: laneH - 6,
          fill: hit ? "#d00" : (colors[ev.cat] || "#777"), "class": "instant " + ev.cat +
          (hit ? " divergent-event" : "")}, svg);
        hover(t, ev.name, ev.args);
      }
      for (const ev of marks) {
        const x = X(jiffy(ev.ts));
        const g = node("g", {"class": "divergence"}, svg);
        node("line", {x1: x, x2: x, y1: top - 4, y2: height, stroke: "#d00", "stroke-width": 2}, g);
        node("circle", {cx: x, cy: laneY(ev.tid) + laneH / 2, r: 6, fill: "#d00"}, g);
        node("text", {x: x + 8, y: laneY(ev.tid) + 14, fill: "#a50f15", "font-weight": "bold"}, g, ev.name);
        hover(g, ev.name, ev.args);
      }
    }
    render();
    svg.addEventListener("wheel", e => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      const at = x0 + (e.clientX - r.left - left) / (width - left - 4) * (x1 - x0);
      const k = e.deltaY < 0 ? 0.8 : 1.25;
      x0 = at - (at - x0) * k; x1 = at + (x1 - at) * k;
      render();
    });
    let drag = null;
    svg.addEventListener("mousedown", e => { drag = {x: e.clientX, x0: x0, x1: x1}; });
    window.addEventListener("mouseup", () => { drag = null; });
    svg.addEventListener("mousemove", e => {
      if (!drag) return;
      const d = (e.clientX - drag.x) / (width - left - 4) * (drag.x1 - drag.x0);
      x0 = drag.x0 - d; x1 = drag.x1 - d;
      render();
    });
  }
  const data = JSON.parse(document.getElementById("sbm-data").textContent);
  document.title = data.title;
  document.getElementById("title").textContent = data.title;
  document.getElementById("note").textContent = data.note;
  const root = document.getElementById("views");
  data.views.forEach((view, i) => {
    const sec = html("section", "view", root);
    sec.id = "view-" + i;
    html("h2", "", sec, view.title);
    const meta = view.trace.otherData;
    html("div", "note", sec, "window: " + meta.window.jiffies + " jiffies at HZ=" + meta.hz +
      (meta.hz_from_header ? "" : " (assumed; the trace does not say)") + " from " +
      meta.window.begin_us + " us" + (meta.profile ? "; profile " + meta.profile : "") +
      "; " + meta.cpus + " CPUs");
    const row = html("div", "row", sec);
    const tl = html("div", "timeline", row);
    const side = html("div", "side", row);
    if (view.finding) {
      const f = html("div", "finding", side);
      f.id = "finding-" + i;
      html("b", "", f, view.finding.id);
      html("div", "", f, "line " + view.finding.line + (view.finding.cpu >= 0 ? ", CPU" + view.finding.cpu : ""));
      html("div", "", f, "expected: " + view.finding.expected);
      html("div", "", f, "observed: " + view.finding.observed);
      html("div", "", f, view.finding.explanation);
      if (view.context.length) {
        html("div", "", side, "the lines before it on its CPU:");
        html("pre", "context", side, view.context.map(l => l.trim()).join("\n"));
      }
    }
    html("div", "", side, view.finding && view.finding.cpu >= 0 ? "CPU" + view.finding.cpu + "'s sched domains:" : "sched domains:");
    html("pre", "domain-tree", side, view.tree.length ? view.tree.join("\n") : "(the trace's header has no topology dump)");
    drawView(view, tl);
    html("div", "help", tl, "hover: an event's fields; wheel: zoom; drag: pan");
  });
  document.body.dataset.sbmRendered = "ok";
})();
</script>
</body></html>
)page";

// JSON inside a <script> element: no '<' may appear, lest "</script>" end it early. '<' only
// appears inside JSON strings, where \u003c means the same character.
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

}  // namespace

void write_html_view(std::ostream& out, const std::string& title, const std::string& note,
                     const std::vector<HtmlTraceView>& views) {
  nlohmann::json data{{"title", title}, {"note", note}, {"views", nlohmann::json::array()}};
  for (const HtmlTraceView& v : views)
    data["views"].push_back({{"title", v.title},
                             {"trace", nlohmann::json::parse(v.trace_json)},
                             {"finding", v.finding ? finding_json(*v.finding) : nullptr},
                             {"context", v.context},
                             {"tree", v.domain_tree}});
  out << kPageHead << "<script type=\"application/json\" id=\"sbm-data\">"
      << script_safe(data.dump()) << "</script>\n"
      << kPageScript;
}

}  // namespace sbm
