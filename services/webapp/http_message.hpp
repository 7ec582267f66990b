#pragma once
// Transport-independent HTTP request and response: the Beast server converts to and from these, so
// the router, auth and handlers are tested without sockets.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bitten::webapp {

// Which listener a request arrived on; each surface serves its own API and pages.
enum class Surface { Trader, Throne, Tracking, Confidence };
std::string_view to_string(Surface s);

struct Request {
  Surface surface = Surface::Trader;
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // raw request target, e.g. "/api/signals?limit=5"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_ip;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie may repeat)
  bool head_only = false;                                    // HEAD: send headers only

  void add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace bitten::webapp
