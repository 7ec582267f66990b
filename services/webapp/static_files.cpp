#include "static_files.hpp"

#include <fstream>
#include <sstream>

#include "url.hpp"

namespace bitten::webapp {

namespace fs = std::filesystem;

std::optional<fs::path> resolve_static_path(const fs::path& root, std::string_view url_path) {
  auto decoded = url_decode(url_path, false);
  if (!decoded) return std::nullopt;
  std::string p = *decoded;
  if (p.find('\0') != std::string::npos || p.find('\\') != std::string::npos) return std::nullopt;
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  if (p.empty()) p = "index.html";
  // Every segment must be a plain name: no "." / ".." and no hidden files.
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string_view seg(p.data() + start, end - start);
    if (seg.empty() && end != p.size()) return std::nullopt;  // "a//b"
    if (!seg.empty() && seg.front() == '.') return std::nullopt;
    start = end + 1;
  }
  if (p.back() == '/') p += "index.html";
  std::error_code ec;
  const fs::path canon_root = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::canonical(canon_root / p, ec);
  if (ec) return std::nullopt;
  if (fs::is_directory(file, ec)) file = fs::canonical(file / "index.html", ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  // Symlinks must not lead out of the root.
  auto rel = file.lexically_relative(canon_root);
  if (rel.empty() || *rel.begin() == "..") return std::nullopt;
  return file;
}

std::string mime_type(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> read_file(const fs::path& file, size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_bytes) return std::nullopt;
  return s;
}

}  // namespace bitten::webapp
