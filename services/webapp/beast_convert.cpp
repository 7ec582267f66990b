#include "beast_convert.hpp"

#include <cctype>

namespace bitten::webapp {

namespace http = boost::beast::http;

Request to_request(const http::request<http::string_body>& in, Surface surface, const std::string& remote_ip) {
  Request r;
  r.surface = surface;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto& slot = r.headers[name];
    if (slot.empty()) slot = std::string(f.value());
    else slot += (name == "cookie" ? "; " : ", ") + std::string(f.value());
  }
  r.body = in.body();
  r.remote_ip = remote_ip;
  return r;
}

http::response<http::string_body> to_beast(Response&& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "bitten-webapp");
  res.set(http::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
  const size_t length = r.body.size();
  if (!r.head_only) res.body() = std::move(r.body);
  res.content_length(length);
  return res;
}

}  // namespace bitten::webapp
