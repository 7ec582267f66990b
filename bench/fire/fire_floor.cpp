// bench_fire_floor: the fire path's transport floor on this machine. The same processes, threads,
// sockets and transports as POST /api/fire -> webapp -> command_router -> EA, with none of the work:
// no database, no risk rules, no events. bench_fire run --floor 1 drives it exactly as it drives the
// fleet, so the two latencies, measured in one run, split the fleet's into what the machine costs
// (thread wake-ups, loopback hops) and what the code adds (docs/performance.md, "Fire path").
//
//   bench_fire_floor front --port P --push EP --dir DIR
//       One HTTP/1.1 keep-alive server thread (Beast, as the webapp's): POST /api/fire answers 202
//       with a new fire id after it PUSHes [EA uuid, the fire's exact v2.05 bytes] to EP, on the
//       HTTP thread (as the webapp sends its command). The EA is the bearer token's user's
//       (DIR/tokens.txt, as bench_fire seed wrote it: bench_u007 -> BENCH_EA_007).
//   bench_fire_floor relay --pull EP --router EP
//       One thread (as command_router): PULL bound on EP, ROUTER (mandatory) bound on EP; each
//       queued frame pair goes to that EA's identity at once. An EA's first frame is answered with a
//       ping, so the driver knows when every EA is routable.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "bitten/ea/commands.hpp"
#include "bitten/messaging/poll_loop.hpp"
#include "bitten/messaging/socket.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace bitten;

namespace {

volatile std::sig_atomic_t g_stop = 0;

std::map<std::string, std::string> parse_args(int argc, char** argv) {
  std::map<std::string, std::string> kv;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k.rfind("--", 0) == 0) kv[k.substr(2)] = argv[i + 1];
  }
  return kv;
}

class Front {
 public:
  Front(asio::io_context& io, unsigned short port, messaging::Socket& push, std::map<std::string, std::string> ea_of)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), port}), push_(push), ea_of_(std::move(ea_of)) {}

  void start() { accept(); }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(Front& f, tcp::socket s) : front(f), sock(std::move(s)) {}
    Front& front;
    tcp::socket sock;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::response<http::string_body> res;

    void read() {
      req = {};
      http::async_read(sock, buf, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (!ec) self->handle();
      });
    }
    void handle() {
      res = front.answer(req);
      http::async_write(sock, res, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (!ec) self->read();
      });
    }
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (!ec) {
        s.set_option(tcp::no_delay(true));
        std::make_shared<Session>(*this, std::move(s))->read();
      }
      accept();
    });
  }

  http::response<http::string_body> reply(const http::request<http::string_body>& req, http::status st,
                                          std::string body) {
    http::response<http::string_body> r{st, req.version()};
    r.set(http::field::content_type, "application/json");
    r.keep_alive(req.keep_alive());
    r.body() = std::move(body);
    r.prepare_payload();
    return r;
  }

  http::response<http::string_body> answer(const http::request<http::string_body>& req) {
    std::string auth(req[http::field::authorization]);
    auto ea = auth.rfind("Bearer ", 0) == 0 ? ea_of_.find(auth.substr(7)) : ea_of_.end();
    if (ea == ea_of_.end()) return reply(req, http::status::unauthorized, R"({"error":"unauthorized"})");
    if (req.method() == http::verb::get)  // the driver's readiness probe of a mission brief
      return reply(req, http::status::ok, R"({"verdict":{"approved":true}})");
    auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.contains("mission_id"))
      return reply(req, http::status::bad_request, R"({"error":"bad_request"})");
    const std::string fire_id = "FLOOR" + std::to_string(++fires_);
    ea::FireCommand fc{ea->second, fire_id, "EURUSD", ea::Direction::Buy, 0, 1.09800, 1.10400, 0.10};
    auto bytes = ea::encode_fire(fc, 5);
    auto sent = bytes ? push_.send(messaging::Frames{ea->second, *bytes}, true) : Result<bool>(false);
    if (!sent || !*sent) return reply(req, http::status::service_unavailable, R"({"error":"queue"})");
    return reply(req, http::status::accepted,
                 nlohmann::json{{"fire_id", fire_id}, {"state", "QUEUED"}, {"mission_id", body["mission_id"]}}.dump());
  }

  tcp::acceptor acceptor_;
  messaging::Socket& push_;
  std::map<std::string, std::string> ea_of_;  // token -> EA uuid
  long fires_ = 0;
};

int front(const std::map<std::string, std::string>& a) {
  std::map<std::string, std::string> ea_of;
  std::ifstream in(a.at("dir") + "/tokens.txt");
  for (std::string user, token; in >> user >> token;)
    if (user.rfind("bench_u", 0) == 0) ea_of[token] = "BENCH_EA_" + user.substr(7);
  messaging::SocketOptions o;
  o.sndhwm = 1000;
  o.linger_ms = 0;
  messaging::Socket push(messaging::SocketType::Push, o);
  if (auto st = push.connect(a.at("push")); !st) {
    std::fprintf(stderr, "front: %s\n", st.error().message.c_str());
    return 2;
  }
  asio::io_context io(1);
  Front f(io, static_cast<unsigned short>(std::stoi(a.at("port"))), push, std::move(ea_of));
  f.start();
  asio::signal_set sigs(io, SIGINT, SIGTERM);
  sigs.async_wait([&](beast::error_code, int) { io.stop(); });
  io.run();
  return 0;
}

int relay(const std::map<std::string, std::string>& a) {
  messaging::SocketOptions q;
  q.linger_ms = 0;
  messaging::SocketOptions r;
  r.router_mandatory = true;
  r.linger_ms = 0;
  r.sndtimeo_ms = 0;
  messaging::Socket pull(messaging::SocketType::Pull, q), router(messaging::SocketType::Router, r);
  if (auto st = pull.bind(a.at("pull")); !st) return std::fprintf(stderr, "relay: %s\n", st.error().message.c_str()), 2;
  if (auto st = router.bind(a.at("router")); !st)
    return std::fprintf(stderr, "relay: %s\n", st.error().message.c_str()), 2;
  std::set<std::string> seen;
  long unroutable = 0;
  messaging::PollLoop loop;
  loop.add(pull, [&](messaging::Frames& f) {
    if (f.size() != 2) return;
    auto sent = router.send(f, true);
    if (!sent || !*sent) ++unroutable;
  });
  loop.add(router, [&](messaging::Frames& f) {
    if (f.size() < 2 || !seen.insert(f[0]).second) return;
    if (auto ping = ea::encode_ping(f[0], "floor-ready"))
      (void)router.send(messaging::Frames{f[0], *ping}, true);
  });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  loop.run([] { return g_stop != 0; });
  std::fprintf(stderr, "relay: %zu EAs seen, %ld fires unroutable\n", seen.size(), unroutable);
  return unroutable ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  auto a = parse_args(argc, argv);
  try {
    if (mode == "front" && a.count("port") && a.count("push") && a.count("dir")) return front(a);
    if (mode == "relay" && a.count("pull") && a.count("router")) return relay(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_fire_floor %s: %s\n", mode.c_str(), e.what());
    return 2;
  }
  std::fprintf(stderr,
               "usage: bench_fire_floor front --port P --push EP --dir DIR\n"
               "       bench_fire_floor relay --pull EP --router EP\n");
  return 2;
}
