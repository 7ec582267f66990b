// The webapp over real sockets: Beast HTTP/WebSocket on 127.0.0.1, a real SQLite store, and the
// ZeroMQ bridge against real PUB/PULL peers (signals in, fire commands out).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <thread>

#include "../../unit/webapp/webapp_fixture.hpp"
#include "bitten/messaging/socket.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/signal.hpp"
#include "bus_bridge.hpp"
#include "command_queue.hpp"
#include "http_server.hpp"

using namespace bitten;
using namespace bitten::webapp;
using namespace bitten::webapp::testing;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

template <class F>
bool wait_until(F f, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

struct HttpResult {
  int status = 0;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class Server : public AppFixture {
 protected:
  void SetUp() override {
    clock_.set(SystemClock::instance().now_ns());  // rows made by the fixture must be current for the live server
    AppFixture::SetUp();
    // The real daemon wiring: the App lives on the server thread; the bridge owns the sockets.
    run_dir_ = dir_;
    signals_pub_ = std::make_unique<messaging::Socket>(messaging::SocketType::Pub);
    ASSERT_TRUE(signals_pub_->bind("tcp://127.0.0.1:0"));
    events_pub_ = std::make_unique<messaging::Socket>(messaging::SocketType::Pub);
    ASSERT_TRUE(events_pub_->bind("tcp://127.0.0.1:0"));
    commands_pull_ = std::make_unique<messaging::Socket>(messaging::SocketType::Pull);
    ASSERT_TRUE(commands_pull_->bind("ipc://" + (dir_ / "cmdq").string()));
    WebConfig cfg = config_;
    cfg.signals_sub = signals_pub_->last_endpoint();
    cfg.events_sub = events_pub_->last_endpoint();
    cfg.market_sub = events_pub_->last_endpoint();
    cfg.command_push = "ipc://" + (dir_ / "cmdq").string();
    health_ = std::make_unique<runtime::Health>("webapp", SystemClock::instance());
    bridge_ = std::make_unique<BusBridge>(
        cfg, "tcp://127.0.0.1:1", SystemClock::instance(), *health_, 1000,
        [this](std::string t, std::string p) { server_->post([this, t, p] { live_app_->on_bus_message(t, p); }); });
    commands_ = std::make_unique<CommandQueue>(*bridge_);
    ASSERT_TRUE(commands_->connect(cfg.command_push));
    live_app_ = std::make_unique<App>(AppDeps{cfg, *db_, risk_, *symbols_, SystemClock::instance(), *commands_, kBotToken});
    ServerOptions opt;
    opt.max_body_bytes = 4096;
    opt.read_timeout_s = 2;
    server_ = std::make_unique<HttpServer>(*live_app_, opt);
    ASSERT_TRUE(server_->listen(Surface::Trader, {"127.0.0.1", 0}));
    ASSERT_TRUE(server_->listen(Surface::Throne, {"127.0.0.1", 0}));
    server_->every(std::chrono::milliseconds(100), [this] { live_app_->on_timer(); });
    server_->start();
    bus_thread_ = std::thread([this] { (void)bridge_->run([this] { return stop_.load(); }); });
  }
  void TearDown() override {
    stop_ = true;
    if (bus_thread_.joinable()) bus_thread_.join();
    server_.reset();
    live_app_.reset();
    commands_.reset();
    bridge_.reset();
    signals_pub_.reset();
    events_pub_.reset();
    commands_pull_.reset();
    AppFixture::TearDown();
  }

  HttpResult http_call(const std::string& method, const std::string& target, const std::string& token,
                       const std::string& body = "", Surface s = Surface::Trader) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port(s)));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(stream, buf, res, ec);
    return {ec ? -1 : static_cast<int>(res.result_int()), res.body()};
  }

  void publish_signal(const std::string& id) {
    schema::SignalMsg msg;
    msg.signal_id = id;
    msg.symbol = "EURUSD";
    msg.direction = "BUY";
    msg.pattern = "ORDER_BLOCK_BOUNCE";
    msg.timeframe = "M5";
    msg.signal_class = "RAPID";
    msg.session = "LONDON";
    msg.entry = 1.1;
    msg.sl = 1.098;
    msg.tp = 1.104;
    msg.detected_ns = SystemClock::instance().now_ns();
    msg.score = schema::SignalScore{true, 0.7, 0.6, "m1", "model_accept", msg.detected_ns};
    (void)signals_pub_->send_topic("signal.EURUSD", schema::encode(schema::Envelope{"signal", 1, "ml_filter", 1, msg.detected_ns,
                                                                                   schema::to_json(msg)}));
  }

  std::filesystem::path run_dir_;
  std::unique_ptr<messaging::Socket> signals_pub_, events_pub_, commands_pull_;
  std::unique_ptr<runtime::Health> health_;
  std::unique_ptr<BusBridge> bridge_;
  std::unique_ptr<CommandQueue> commands_;
  std::unique_ptr<App> live_app_;
  std::unique_ptr<HttpServer> server_;
  std::thread bus_thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace

TEST_F(Server, HealthzAndAuthOverHttp) {
  auto h = http_call("GET", "/healthz", "");
  EXPECT_EQ(h.status, 503);  // the expected daemons have not been heard
  EXPECT_TRUE(h.json().contains("daemons"));
  EXPECT_EQ(http_call("GET", "/api/signals", "").status, 401);
  auto admin = make_user("root", "COMMANDER", "admin");
  auto trader = make_user("t1", "GLADIATOR");
  EXPECT_EQ(http_call("GET", "/api/admin/users", trader, "", Surface::Throne).status, 403);
  EXPECT_EQ(http_call("GET", "/api/admin/users", admin, "", Surface::Throne).status, 200);
  EXPECT_EQ(http_call("GET", "/%2e%2e/%2e%2e/etc/passwd", "").status, 404);
}

TEST_F(Server, OversizedBodiesAreRefusedAndKeepAliveServesSeveralRequests) {
  auto t = make_user("t1", "GLADIATOR");
  EXPECT_EQ(http_call("POST", "/api/mode", t, std::string(8192, 'x')).status, 413);
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port(Surface::Trader)));
  beast::flat_buffer buf;
  for (int i = 0; i < 3; ++i) {
    http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST_F(Server, SignalsArriveOverWebSocketAndFireCommandsReachTheQueue) {
  auto token = make_user("alice", "GLADIATOR");
  link_ea("alice", "ea-alice");
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port(Surface::Trader)));
  ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& r) { r.set(http::field::authorization, "Bearer " + token); }));
  ws.handshake("127.0.0.1", "/ws");
  beast::flat_buffer buf;
  ws.read(buf);
  EXPECT_EQ(nlohmann::json::parse(beast::buffers_to_string(buf.data()))["type"], "hello");
  buf.consume(buf.size());

  // Publish until the SUB has joined (the slow-joiner), then read the pushed signal.
  std::atomic<bool> got{false};
  std::thread pub([&] {
    for (int i = 0; i < 200 && !got; ++i) {
      publish_signal("SIG_WS_1");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(5));
  ws.read(buf);
  got = true;
  pub.join();
  auto msg = nlohmann::json::parse(beast::buffers_to_string(buf.data()));
  EXPECT_EQ(msg["type"], "signal");
  EXPECT_EQ(msg["data"]["signal_id"], "SIG_WS_1");
  buf.consume(buf.size());

  // A mission for alice on that signal is offered to her over the socket.
  auto s = make_signal("SIG_WS_1");
  auto mission = make_mission("alice", s.signal_id);
  ws.read(buf);
  auto offer = nlohmann::json::parse(beast::buffers_to_string(buf.data()));
  EXPECT_EQ(offer["type"], "mission");
  EXPECT_EQ(offer["data"]["mission_id"], mission);

  // A live quote, then fire: the command reaches the router's queue, the response says QUEUED.
  schema::TickMsg tk{"EURUSD", 1.10000, 1.10005, 5, SystemClock::instance().now_ns(), "ea-alice", ""};
  ASSERT_TRUE(wait_until([&] {
    (void)events_pub_->send_topic("tick.EURUSD", schema::encode(schema::Envelope{"tick", 1, "telemetry_bridge", 1,
                                                                                tk.time_ns, schema::to_json(tk)}));
    auto r = http_call("GET", "/api/bars?symbol=EURUSD&tf=M1", token);
    return r.json().contains("quote");
  }));
  auto fire = http_call("POST", "/api/fire", token, nlohmann::json{{"mission_id", mission}, {"idempotency_key", "ws-1"}}.dump());
  ASSERT_EQ(fire.status, 202) << fire.body;
  std::optional<messaging::Frames> cmd;
  ASSERT_TRUE(wait_until([&] { return (cmd = commands_pull_->recv(true)).has_value(); }));
  auto env = schema::decode_envelope((*cmd)[1]);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->type, "command");
  EXPECT_EQ(env->data["command_id"], fire.json()["fire_id"]);
  EXPECT_EQ(env->data["target_uuid"], "ea-alice");
}

TEST_F(Server, WebSocketWithoutAuthIsRefused) {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port(Surface::Trader)));
  beast::error_code ec;
  ws.handshake("127.0.0.1", "/ws", ec);
  EXPECT_TRUE(ec);
}
