#include "bitten/runtime/socket_plan.hpp"

#include <deque>

#include "bitten/runtime/stop_signal.hpp"

namespace bitten::runtime {

Status run_socket_plan(DaemonEnv& env, const std::vector<PlannedSocket>& plan) {
  std::vector<std::string> endpoints;
  for (const auto& p : plan) endpoints.push_back(env.config.get<std::string>(p.key, p.default_endpoint));
  if (auto st = env.finish_config(); !st) return st;

  std::deque<messaging::Socket> sockets;
  messaging::PollLoop loop;
  for (size_t i = 0; i < plan.size(); ++i) {
    messaging::SocketOptions o;
    o.linger_ms = 200;
    o.router_mandatory = plan[i].type == messaging::SocketType::Router;
    auto& s = sockets.emplace_back(plan[i].type, o);
    Status st = plan[i].bind ? s.bind(endpoints[i]) : s.connect(endpoints[i]);
    if (!st) return make_error("bad_config", st.error().message);
    if (plan[i].type == messaging::SocketType::Sub) s.subscribe("");
    env.log->info("{} {} {}", plan[i].key, plan[i].bind ? "bound to" : "connected to", endpoints[i]);
    const auto t = plan[i].type;
    if (t == messaging::SocketType::Sub || t == messaging::SocketType::Pull || t == messaging::SocketType::Router) {
      uint64_t& received = env.health.counter("received_" + plan[i].key);
      loop.add(s, [&received](messaging::Frames&) { ++received; });
    }
  }
  env.health.set_status("ok");
  env.attach_health(loop);
  loop.run(stop_requested);
  return ok_status();
}

}  // namespace bitten::runtime
