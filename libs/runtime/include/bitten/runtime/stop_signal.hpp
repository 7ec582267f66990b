#pragma once
// SIGINT/SIGTERM handling: the handler only sets a flag; loops poll stop_requested() at least
// every 50-100 ms, which keeps a clean stop well inside PM2's 1.5 s kill timeout.
namespace bitten::runtime {

void install_stop_handlers();
bool stop_requested();
void request_stop();  // for tests and internal fatal paths

}  // namespace bitten::runtime
