// PM2 fleet definition. Paths come from the environment so that tests can run a second fleet on
// their own ports (BITTEN_CONFIG_DIR) and state folder (BITTEN_STATE_DIR) beside a running one.
const path = require('path');

const root = __dirname;
const configDir = path.resolve(process.env.BITTEN_CONFIG_DIR || path.join(root, 'config'));
const stateDir = path.resolve(process.env.BITTEN_STATE_DIR || path.join(root, 'var'));
const binDir = path.resolve(process.env.BITTEN_BIN_DIR || path.join(root, 'build', 'bin'));
const logDir = path.join(stateDir, 'logs');
// BITTEN_APPS=a,b limits the fleet (tests); BITTEN_EA_SIM=0 leaves the simulator out.
const only = (process.env.BITTEN_APPS || '').split(',').filter(Boolean);

function daemon(name, extra = {}) {
  return {
    name,
    script: path.join(binDir, name),
    args: ['--config', path.join(configDir, `${name}.json`)],
    interpreter: 'none',
    cwd: root,
    env: { BITTEN_CONFIG_DIR: configDir, BITTEN_STATE_DIR: stateDir },
    autorestart: true,
    restart_delay: 200,
    min_uptime: 2000,
    max_restarts: 30,
    kill_timeout: 1500,
    out_file: path.join(logDir, `${name}.out.log`),
    error_file: path.join(logDir, `${name}.err.log`),
    merge_logs: true,
    time: false,
    ...extra,
  };
}

// Start order: the event bus and the telemetry bridge first, then the rest. Every daemon also
// copes with any order (ZeroMQ reconnects).
const apps = [
  daemon('event_bus'),
  daemon('telemetry_bridge'),
  daemon('ml_filter'),
  daemon('command_router'),
  daemon('confirm_listener'),
  daemon('elite_guard'),
  daemon('pattern_detector'),
  daemon('signal_relay'),
  daemon('outcome_tracker'),
  daemon('webapp'),
  // One-shot: trains and exits; training may take longer than a daemon's 1.5 s stop budget.
  daemon('ml_trainer', { autorestart: false, cron_restart: '15 0 * * *', kill_timeout: 10000 }),
];
// The EA simulator replays real prices as a v2.05 EA (and idles while a real EA is online).
if (process.env.BITTEN_EA_SIM !== '0') apps.push(daemon('ea_sim'));

module.exports = { apps: only.length ? apps.filter((a) => only.includes(a.name)) : apps };
