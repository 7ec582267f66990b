#pragma once
// Static files under a root folder, with safe path resolution: the decoded URL path must be a
// plain relative path (no "..", no backslash, no NUL, no hidden segments), and the resolved file
// must still lie inside the root after symlinks are resolved.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bitten::webapp {

// The file a URL path (already stripped of its mount prefix, still percent-encoded) names inside
// root, or nullopt when the path is unsafe or names nothing.
std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& root, std::string_view url_path);
std::string mime_type(const std::filesystem::path& file);
std::optional<std::string> read_file(const std::filesystem::path& file, size_t max_bytes = 8 << 20);

}  // namespace bitten::webapp
