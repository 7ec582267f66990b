#include "bitten/runtime/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace bitten::runtime {

std::shared_ptr<spdlog::logger> make_logger(const std::string& name, const std::string& level) {
  auto existing = spdlog::get(name);
  if (existing) return existing;
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::register_logger(logger);
  spdlog::set_default_logger(logger);
  return logger;
}

}  // namespace bitten::runtime
