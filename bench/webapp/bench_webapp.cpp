// bench_webapp: load generator for the webapp (docs/web.md, "Performance").
//
//   bench_webapp [--clients 5000] [--rounds 5] [--rate 1000] [--seconds 10] [--conns 32]
//                [--source-root DIR]
//
// A temp SQLite store is seeded with one user + API token per WebSocket client and 500 accepted
// signals. The server (the real App + HttpServer: one HTTP thread, SQLite on that thread, the 1 s
// mission timer) runs in a forked child, so its RSS is measured on its own; this process is the
// load generator (one Beast client thread).
//  (a) fan-out: --clients authenticated WebSocket clients connect to the trader surface (Bearer
//      token, at most 256 handshakes in flight); then --rounds times a scored, accepted signal is
//      injected exactly as the bus bridge hands it over (App::on_bus_message posted onto the HTTP
//      thread); delivery time = the client's receive time - the moment this process told the child
//      to inject (CLOCK_MONOTONIC, same host). Memory per connection = child RSS delta / clients.
//  (b) GET /api/signals (default limit 50) open-loop at --rate req/s for --seconds over --conns
//      keep-alive connections; latency is measured from each request's scheduled time, so a
//      stalled server cannot hide queueing (no coordinated omission).
// Loopback only; a watchdog ends everything after 180 s. Exit 1 when a target is missed
// (broadcast p99 < 250 ms to all clients, /api/signals p99 < 5 ms, no errors).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app.hpp"
#include "bitten/core/clock.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "http_server.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace bitten;

namespace {

struct WsClient;
struct HttpConn;

struct Options {
  int clients = 5000;
  int rounds = 5;
  int rate = 1000;
  int seconds = 10;
  int conns = 32;
  std::string source_root = BITTEN_BENCH_SOURCE_ROOT;
};

int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double pct(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return static_cast<double>(v[i]) * 1e-6;  // ms
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// utime + stime of a process, in seconds.
double cpu_s(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void raise_nofile() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rl.rlim_cur = rl.rlim_max;
  (void)setrlimit(RLIMIT_NOFILE, &rl);
}

bool write_all(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    ssize_t w = ::write(fd, c, n);
    if (w <= 0) return false;
    c += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* p, size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    ssize_t r = ::read(fd, c, n);
    if (r <= 0) return false;
    c += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// ---- the server (child process) -----------------------------------------------------------------

struct NullOutbox : webapp::Outbox {
  void send_command(std::string, std::string, std::function<void(bool)> done) override { done(false); }
  void publish_event(std::string, std::string, nlohmann::json) override {}
};

std::string signal_payload(int round) {
  schema::SignalMsg msg;
  msg.signal_id = "bench-sig-" + std::to_string(round);
  msg.symbol = "EURUSD";
  msg.direction = "BUY";
  msg.pattern = "ORDER_BLOCK_BOUNCE";
  msg.timeframe = "M5";
  msg.signal_class = "RAPID";
  msg.session = "LONDON";
  msg.entry = 1.1;
  msg.sl = 1.098;
  msg.tp = 1.104;
  msg.sl_pips = 20;
  msg.tp_pips = 40;
  msg.rr = 2;
  msg.confidence = 81;
  msg.detected_ns = SystemClock::instance().now_ns();
  msg.bar_time_ns = msg.detected_ns;
  msg.source = "elite_guard";
  msg.score = schema::SignalScore{true, 0.74, 0.6, "bench", "model_accept", msg.detected_ns};
  return schema::encode(schema::Envelope{"signal", 1, "ml_filter", static_cast<uint64_t>(round + 1), msg.detected_ns,
                                         schema::to_json(msg)});
}

// Runs the webapp until 'Q' arrives on cmd_fd; 'S' + int32 round injects a signal.
[[noreturn]] void run_server(const Options& o, const std::string& db_path, int cmd_fd, int ready_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  raise_nofile();
  auto db = store::Database::open({db_path});
  auto risk = risk::load_risk_config(o.source_root + "/config/risk.json");
  auto symbols = SymbolTable::load_file(o.source_root + "/config/symbols.json");
  if (!db || !risk || !symbols) {
    std::fprintf(stderr, "server: cannot open store or config\n");
    _exit(2);
  }
  webapp::WebConfig cfg;
  cfg.expected_daemons = {};
  cfg.web_root = o.source_root + "/web";
  NullOutbox outbox;
  webapp::App app(webapp::AppDeps{cfg, *db, *risk, *symbols, SystemClock::instance(), outbox, ""});
  webapp::HttpServer server(app, webapp::ServerOptions{cfg.max_body_bytes, 16 * 1024, 30, cfg.ws_max_queue, 4096});
  if (!server.listen(webapp::Surface::Trader, {"127.0.0.1", 0})) _exit(3);
  server.every(std::chrono::seconds(1), [&app] { app.on_timer(); });  // as in main.cpp
  server.start();
  const uint16_t port = server.port(webapp::Surface::Trader);
  (void)write_all(ready_fd, &port, sizeof port);
  for (;;) {
    char cmd = 0;
    if (!read_all(cmd_fd, &cmd, 1) || cmd == 'Q') break;
    if (cmd == 'S') {
      int32_t round = 0;
      if (!read_all(cmd_fd, &round, sizeof round)) break;
      auto payload = std::make_shared<std::string>(signal_payload(round));
      server.post([&app, payload] { app.on_bus_message("signal.EURUSD", *payload); });
    }
  }
  server.stop();
  _exit(0);
}

// ---- (a) WebSocket fan-out ----------------------------------------------------------------------

struct FanOut {
  asio::io_context ioc{1};
  tcp::endpoint ep;
  std::string host;
  const std::vector<std::string>* tokens = nullptr;
  int total = 0;
  int next = 0;
  std::atomic<int> connected{0}, failed{0};
  std::vector<std::vector<int64_t>> recv_ns;  // [round][client]
  std::unique_ptr<std::atomic<int>[]> received;
  std::vector<std::shared_ptr<WsClient>> clients;
  void start_next();
};

struct WsClient : std::enable_shared_from_this<WsClient> {
  WsClient(FanOut& f, int idx) : f_(f), idx_(idx), ws_(f.ioc) {}

  void start() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(f_.ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      beast::get_lowest_layer(self->ws_).socket().set_option(tcp::no_delay(true), ec);
      self->ws_.set_option(websocket::stream_base::decorator([tok = (*self->f_.tokens)[static_cast<size_t>(self->idx_)]](
                                                                websocket::request_type& req) {
        req.set(http::field::authorization, "Bearer " + tok);
      }));
      self->ws_.async_handshake(self->f_.host, "/ws", [self](beast::error_code ec2) {
        if (ec2) return self->fail();
        beast::get_lowest_layer(self->ws_).expires_never();
        self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        self->read();
      });
    });
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;  // closed at the end of the phase
      const int64_t now = mono_ns();
      const std::string_view msg(static_cast<const char*>(self->buf_.data().data()), self->buf_.size());
      if (!self->hello_ && msg.find("\"type\":\"hello\"") != std::string_view::npos) {
        self->hello_ = true;
        self->f_.connected.fetch_add(1);
        self->f_.start_next();
      } else if (msg.find("\"type\":\"signal\"") != std::string_view::npos) {
        const auto at = msg.find("bench-sig-");
        if (at != std::string_view::npos) {
          const int r = std::atoi(std::string(msg.substr(at + 10, 6)).c_str());
          if (r >= 0 && r < static_cast<int>(self->f_.recv_ns.size()) && self->f_.recv_ns[static_cast<size_t>(r)][static_cast<size_t>(self->idx_)] == 0) {
            self->f_.recv_ns[static_cast<size_t>(r)][static_cast<size_t>(self->idx_)] = now;
            self->f_.received[static_cast<size_t>(r)].fetch_add(1);
          }
        }
      }
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void fail() {
    f_.failed.fetch_add(1);
    f_.start_next();
  }

  void close() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  FanOut& f_;
  int idx_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_;
  bool hello_ = false;
};

void FanOut::start_next() {
  if (next >= total) return;
  auto c = std::make_shared<WsClient>(*this, next++);
  clients.push_back(c);
  c->start();
}

// ---- (b) GET /api/signals at a fixed rate -------------------------------------------------------

struct Load {
  asio::io_context ioc{1};
  std::string host;
  std::string target = "/api/signals";
  int64_t start_ns = 0, period_ns = 1'000'000;
  int total = 0, issued = 0, errors = 0, non200 = 0;
  std::atomic<int> done{0};
  std::deque<int64_t> backlog;  // scheduled times waiting for a free connection
  std::vector<int64_t> latency;
  std::vector<int64_t> sched;  // scheduled time of each completed request (same order as latency)
  std::vector<HttpConn*> idle;
  std::unique_ptr<asio::steady_timer> timer;
  void tick();
  void dispatch();
};

struct HttpConn {
  HttpConn(Load& l, const std::string& token) : l_(l), stream_(l.ioc) {
    req_ = {http::verb::get, l.target, 11};
    req_.set(http::field::host, l.host);
    req_.set(http::field::authorization, "Bearer " + token);
    req_.keep_alive(true);
  }
  void send(int64_t scheduled) {
    sched_ = scheduled;
    res_ = {};
    http::async_write(stream_, req_, [this](beast::error_code ec, size_t) {
      if (ec) return finish(false, 0);
      http::async_read(stream_, buf_, res_, [this](beast::error_code ec2, size_t) {
        finish(!ec2, ec2 ? 0 : res_.result_int());
      });
    });
  }
  void finish(bool ok, unsigned status) {
    l_.latency.push_back(mono_ns() - sched_);
    l_.sched.push_back(sched_);
    ++l_.done;
    if (!ok) ++l_.errors;
    else if (status != 200) ++l_.non200;
    if (!ok) return;  // this connection is dead; the others carry on
    l_.idle.push_back(this);
    l_.dispatch();
  }
  Load& l_;
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  http::request<http::empty_body> req_;
  http::response<http::string_body> res_;
  int64_t sched_ = 0;
};

void Load::dispatch() {
  while (!backlog.empty() && !idle.empty()) {
    HttpConn* c = idle.back();
    idle.pop_back();
    const int64_t s = backlog.front();
    backlog.pop_front();
    c->send(s);
  }
}

void Load::tick() {
  const int64_t now = mono_ns();
  while (issued < total && start_ns + issued * period_ns <= now) backlog.push_back(start_ns + (issued++) * period_ns);
  dispatch();
  if (issued >= total) return;
  const int64_t next = start_ns + issued * period_ns;
  timer->expires_after(std::chrono::nanoseconds(std::max<int64_t>(0, next - mono_ns())));
  timer->async_wait([this](beast::error_code ec) {
    if (!ec) tick();
  });
}

template <class F>
bool wait_for(F done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--clients") o.clients = std::stoi(v);
    else if (k == "--rounds") o.rounds = std::stoi(v);
    else if (k == "--rate") o.rate = std::stoi(v);
    else if (k == "--seconds") o.seconds = std::stoi(v);
    else if (k == "--conns") o.conns = std::stoi(v);
    else if (k == "--source-root") o.source_root = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (const char* env = std::getenv("BITTEN_SOURCE_ROOT")) o.source_root = env;
  o.clients = std::max(1, o.clients);
  o.rounds = std::clamp(o.rounds, 1, 1000);
  o.conns = std::max(1, o.conns);
  raise_nofile();
  alarm(180);  // watchdog: the benchmark always ends by itself

  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("bitten-bench-webapp-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string db_path = (dir / "bitten.db").string();

  // Seed: one user + API token per WebSocket client, 500 accepted signals.
  std::vector<std::string> tokens;
  {
    auto t0 = mono_ns();
    auto db = store::Database::open({db_path});
    if (!db) {
      std::fprintf(stderr, "store: %s\n", db.error().message.c_str());
      return 2;
    }
    const int64_t now = SystemClock::instance().now_ns();
    db->sql().exec("BEGIN");
    for (int i = 0; i < o.clients; ++i) {
      store::UserRecord u;
      u.user_id = "bench" + std::to_string(i);
      u.display_name = u.user_id;
      u.tier = "COMMANDER";
      u.role = "trader";
      u.created_ns = u.updated_ns = now;
      auto st = store::UserRepo(*db).create(u);
      auto t = store::AuthRepo(*db).create_api_token(u.user_id, "bench", now);
      if (!st || !t) {
        std::fprintf(stderr, "seed failed at user %d\n", i);
        return 2;
      }
      tokens.push_back(t->token);
    }
    for (int i = 0; i < 500; ++i) {
      auto msg = schema::signal_from_json(nlohmann::json::parse(signal_payload(1000 + i))["data"]);
      msg->signal_id = "seed-" + std::to_string(i);
      msg->detected_ns = now - (500 - i) * 60'000'000'000LL;
      auto rec = store::to_signal_record(*msg, now);
      rec.accepted = i % 4 != 0;
      (void)store::SignalRepo(*db).insert(rec);
    }
    db->sql().exec("COMMIT");
    std::printf("seeded %d users/tokens and 500 signals in %.1f s\n", o.clients, static_cast<double>(mono_ns() - t0) * 1e-9);
  }

  int cmd[2], ready[2];
  if (pipe(cmd) != 0 || pipe(ready) != 0) return 2;
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    close(cmd[1]);
    close(ready[0]);
    run_server(o, db_path, cmd[0], ready[1]);
  }
  close(cmd[0]);
  close(ready[1]);
  uint16_t port = 0;
  if (!read_all(ready[0], &port, sizeof port)) {
    std::fprintf(stderr, "server did not start\n");
    return 2;
  }
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long rss0 = rss_kb(child);
  bool pass = true;

  // ---- (a) fan-out ----
  double bc_p50 = 0, bc_p99 = 0, bc_max = 0, per_conn_kb = 0;
  int delivered_all_rounds = 0;
  {
    FanOut f;
    f.ep = ep;
    f.host = host;
    f.tokens = &tokens;
    f.total = o.clients;
    f.recv_ns.assign(static_cast<size_t>(o.rounds), std::vector<int64_t>(static_cast<size_t>(o.clients), 0));
    f.received = std::make_unique<std::atomic<int>[]>(static_cast<size_t>(o.rounds));
    for (int r = 0; r < o.rounds; ++r) f.received[static_cast<size_t>(r)] = 0;
    const int64_t c0 = mono_ns();
    asio::post(f.ioc, [&f] {
      for (int i = 0; i < 256; ++i) f.start_next();
    });
    auto guard = asio::make_work_guard(f.ioc);
    std::thread io([&f] { f.ioc.run(); });
    wait_for([&] { return f.connected.load() + f.failed.load() >= o.clients; }, std::chrono::seconds(90));
    const double connect_s = static_cast<double>(mono_ns() - c0) * 1e-9;
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const long rss1 = rss_kb(child);
    const int n = f.connected.load();
    per_conn_kb = n > 0 ? static_cast<double>(rss1 - rss0) / n : 0;
    std::printf("(a) %d/%d WebSocket clients connected in %.2f s (%d failed); server RSS %ld -> %ld kB: %.1f kB per connection\n",
                n, o.clients, connect_s, f.failed.load(), rss0, rss1, per_conn_kb);

    std::vector<int64_t> sent(static_cast<size_t>(o.rounds), 0);
    std::vector<double> bcast_cpu;  // server CPU seconds while each round was delivered
    for (int r = 0; r < o.rounds; ++r) {
      std::this_thread::sleep_for(std::chrono::milliseconds(r == 0 ? 200 : 1300));  // lands anywhere vs the 1 s timer
      const double c0r = cpu_s(child);
      sent[static_cast<size_t>(r)] = mono_ns();
      char c = 'S';
      int32_t round = r;
      (void)write_all(cmd[1], &c, 1);
      (void)write_all(cmd[1], &round, sizeof round);
      wait_for([&] { return f.received[static_cast<size_t>(r)].load() >= n; }, std::chrono::seconds(10));
      bcast_cpu.push_back(cpu_s(child) - c0r);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    asio::post(f.ioc, [&f] {
      for (auto& c : f.clients) c->close();
    });
    guard.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    f.ioc.stop();
    io.join();

    std::vector<int64_t> all;
    for (int r = 0; r < o.rounds; ++r) {
      std::vector<int64_t> lat;
      for (auto t : f.recv_ns[static_cast<size_t>(r)])
        if (t > 0) lat.push_back(t - sent[static_cast<size_t>(r)]);
      all.insert(all.end(), lat.begin(), lat.end());
      if (static_cast<int>(lat.size()) == o.clients) ++delivered_all_rounds;
      std::printf("    round %d: delivered to %zu/%d, p50 %.1f ms, p99 %.1f ms, last %.1f ms; server CPU %.0f ms\n", r,
                  lat.size(), o.clients, pct(lat, 0.5), pct(lat, 0.99), pct(lat, 1.0), bcast_cpu[static_cast<size_t>(r)] * 1e3);
    }
    bc_p50 = pct(all, 0.5);
    bc_p99 = pct(all, 0.99);
    bc_max = pct(all, 1.0);
    std::printf("(a) broadcast over %d rounds: p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 < 250 ms to all %d)\n",
                o.rounds, bc_p50, bc_p99, bc_max, o.clients);
    pass = pass && delivered_all_rounds == o.rounds && bc_p99 < 250.0;
  }
  // Let both sides finish tearing down the 5,000 connections before (b) (see docs/web.md: the first
  // seconds after a mass disconnect are slower).
  std::this_thread::sleep_for(std::chrono::seconds(3));

  // ---- (b) GET /api/signals ----
  {
    Load l;
    l.host = host;
    l.total = o.rate * o.seconds;
    l.period_ns = 1'000'000'000LL / std::max(1, o.rate);
    l.latency.reserve(static_cast<size_t>(l.total));
    std::vector<std::unique_ptr<HttpConn>> conns;
    for (int i = 0; i < o.conns; ++i) {
      conns.push_back(std::make_unique<HttpConn>(l, tokens[static_cast<size_t>(i) % tokens.size()]));
      beast::error_code ec;
      conns.back()->stream_.socket().connect(ep, ec);
      if (ec) {
        std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
        return 2;
      }
      conns.back()->stream_.socket().set_option(tcp::no_delay(true), ec);
      l.idle.push_back(conns.back().get());
    }
    l.timer = std::make_unique<asio::steady_timer>(l.ioc);
    const double cpu0 = cpu_s(child);
    l.start_ns = mono_ns() + 10'000'000;
    asio::post(l.ioc, [&l] { l.tick(); });
    auto guard = asio::make_work_guard(l.ioc);
    std::thread io([&l] { l.ioc.run(); });
    wait_for([&] { return l.done.load() >= l.total; }, std::chrono::seconds(o.seconds + 20));
    const double elapsed = static_cast<double>(mono_ns() - l.start_ns) * 1e-9;
    const double server_cpu = cpu_s(child) - cpu0;
    guard.reset();
    l.ioc.stop();
    io.join();
    const double p50 = pct(l.latency, 0.5), p99 = pct(l.latency, 0.99), mx = pct(l.latency, 1.0);
    std::printf("(b) GET /api/signals: %d/%d done in %.2f s (%.0f req/s) over %d connections, %d errors, %d non-200; "
                "p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 < 5 ms)\n",
                l.done.load(), l.total, elapsed, l.done.load() / elapsed, o.conns, l.errors, l.non200, p50, p99, mx);
    std::printf("    server CPU %.2f s = %.0f us per request (%.0f%% of one core)\n", server_cpu,
                l.done.load() > 0 ? server_cpu * 1e6 / l.done.load() : 0.0, 100.0 * server_cpu / elapsed);
    // Where the slow ones were: the worst request, and how many exceeded 5 ms per second of the run.
    std::string slow;
    std::vector<int> per_s(static_cast<size_t>(o.seconds) + 1, 0);
    size_t worst = 0;
    for (size_t i = 0; i < l.latency.size(); ++i) {
      if (l.latency[i] > l.latency[worst]) worst = i;
      if (l.latency[i] > 5'000'000) ++per_s[std::min(per_s.size() - 1, static_cast<size_t>((l.sched[i] - l.start_ns) / 1'000'000'000LL))];
    }
    for (size_t sec = 0; sec < per_s.size(); ++sec) slow += (sec ? " " : "") + std::to_string(per_s[sec]);
    if (!l.latency.empty())
      std::printf("    worst at t=%.3f s; requests over 5 ms per second: [%s]\n",
                  static_cast<double>(l.sched[worst] - l.start_ns) * 1e-9, slow.c_str());
    pass = pass && l.done == l.total && l.errors == 0 && l.non200 == 0 && p99 < 5.0;
  }

  const char q = 'Q';
  (void)write_all(cmd[1], &q, 1);
  int status = 0;
  for (int i = 0; i < 100 && waitpid(child, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (waitpid(child, &status, WNOHANG) == 0) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::printf("%s\n", pass ? "PASS" : "FAIL: a target was missed");
  return pass ? 0 : 1;
}
