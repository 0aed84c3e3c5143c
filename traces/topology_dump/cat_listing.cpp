#include "traces/topology_dump/cat_listing.h"

#include <algorithm>

#include "traces/topology_dump/detect.h"

namespace sbm {

namespace {

// One argument: <prefix><marker>N/domain(M|*)/(file|{f1,f2,...}).
struct CatPath {
  std::string_view cpu;
  std::string_view domain;  // digits, or empty for "domain*"
  std::vector<std::string_view> files;
};

std::optional<CatPath> parse_path(std::string_view arg, std::string_view marker) {
  const size_t at = arg.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view s = arg.substr(at + marker.size());
  CatPath p;
  p.cpu = take_digits(s);
  if (p.cpu.empty() || !consume(s, "/domain")) return std::nullopt;
  if (!consume(s, "*")) {
    p.domain = take_digits(s);
    if (p.domain.empty()) return std::nullopt;
  }
  if (!consume(s, "/") || s.empty()) return std::nullopt;
  if (consume(s, "{")) {
    if (s.empty() || s.back() != '}') return std::nullopt;
    s.remove_suffix(1);
    while (true) {
      const size_t comma = s.find(',');
      p.files.push_back(s.substr(0, comma));
      if (p.files.back().empty()) return std::nullopt;
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
  } else {
    if (s.find_first_of("*?[{},") != std::string_view::npos) return std::nullopt;
    p.files.push_back(s);
  }
  return p;
}

// What cat prints for one of these files: a name or number (one word), or flag names.
bool is_value_line(std::string_view text) {
  if (text.empty() || text.find(' ') == std::string_view::npos) return !text.empty();
  std::string_view s = text;
  for (std::string_view w = take_word(s); !w.empty(); w = take_word(s))
    if (w.substr(0, 3) != "SD_") return false;
  return true;
}

}  // namespace

size_t read_domain_files_cat(const std::vector<DumpLine>& lines, size_t at, std::string_view marker,
                             ReaderContext& ctx, DomainFileAssembler& files,
                             std::deque<std::string>& storage) {
  const DumpLine& command = lines[at];
  size_t end = at + 1;
  while (end < lines.size() && is_value_line(lines[end].text)) ++end;
  const size_t values = end - at - 1;

  std::vector<CatPath> paths;
  size_t fixed = 0, per_domain = 0;
  std::string_view args = cat_arguments(command.text);
  for (std::string_view arg = take_word(args); !arg.empty(); arg = take_word(args)) {
    const auto p = parse_path(arg, marker);
    if (!p) {
      ctx.error(command.number, "expected cat arguments '.../" + std::string(marker) +
                                    "N/domainM/<file>' (M a number or *, <file> a name or "
                                    "{a,b,...}), found " +
                                    quoted(arg));
      return end;
    }
    (p->domain.empty() ? per_domain : fixed) += p->files.size();
    paths.push_back(*p);
  }
  const size_t rest = values >= fixed ? values - fixed : 0;
  if (values < fixed || (per_domain == 0 ? rest != 0 : rest % per_domain != 0) ||
      (per_domain != 0 && rest == 0)) {
    ctx.error(command.number,
              "expected " + std::to_string(fixed) + " values" +
                  (per_domain != 0 ? " plus " + std::to_string(per_domain) + " per domain" : "") +
                  " after the cat command, found " + std::to_string(values));
    return end;
  }
  const int domains = per_domain == 0 ? 0 : static_cast<int>(rest / per_domain);
  // The glob's matches in the shell's sorted order: "domain10" before "domain2".
  std::vector<std::string> globbed;
  for (int d = 0; d < domains; ++d) globbed.push_back(std::to_string(d));
  std::sort(globbed.begin(), globbed.end());
  for (std::string& d : globbed) storage.push_back(std::move(d));
  const auto first = storage.end() - domains;

  size_t next = at + 1;
  for (const CatPath& p : paths) {
    for (std::string_view file : p.files) {
      const size_t count = p.domain.empty() ? static_cast<size_t>(domains) : 1;
      for (size_t k = 0; k < count; ++k) {
        const DumpLine& v = lines[next++];
        files.add(DomainFileEntry{v.number, p.cpu,
                                  p.domain.empty() ? std::string_view(first[k]) : p.domain, file,
                                  v.text});
      }
    }
  }
  ctx.note("line " + std::to_string(command.number) + ": " + std::to_string(values) +
           " values printed by cat, read as the files its arguments expand to");
  return end;
}

}  // namespace sbm
