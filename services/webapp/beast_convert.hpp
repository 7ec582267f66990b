#pragma once
// The one conversion between Beast's HTTP messages and the App's Request/Response, used by
// HttpServer and by the HTTP fuzz target (so the fuzzer feeds the App exactly what the server does).
#include <boost/beast/http.hpp>
#include <string>

#include "app.hpp"

namespace bitten::webapp {

// Header names lower-cased; a repeated header joined with "; " (Cookie) or ", " (others).
Request to_request(const boost::beast::http::request<boost::beast::http::string_body>& in, Surface surface,
                   const std::string& remote_ip);
boost::beast::http::response<boost::beast::http::string_body> to_beast(Response&& r, unsigned version,
                                                                       bool keep_alive);

}  // namespace bitten::webapp
