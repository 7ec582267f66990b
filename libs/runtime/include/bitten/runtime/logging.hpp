#pragma once
// The named logger every daemon uses: one line per event on stdout (PM2 captures it), flushed at
// info level and above so that nothing is lost or late when a process dies.
#include <memory>
#include <spdlog/spdlog.h>
#include <string>

namespace bitten::runtime {

std::shared_ptr<spdlog::logger> make_logger(const std::string& name, const std::string& level = "info");

}  // namespace bitten::runtime
