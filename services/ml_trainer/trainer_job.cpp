#include "trainer_job.hpp"

#include <limits>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "bitten/ml/metrics.hpp"
#include "bitten/ml/trainer.hpp"
#include "bitten/store/model_repo.hpp"
#include "bitten/store/outcome_repo.hpp"

namespace bitten::trainer {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string utc_stamp(int64_t ns) {
  const std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string fmt(double v, int prec = 4) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

// The WIN/LOSS rows in the order train_and_validate uses (stable by bar time), so the holdout rows
// can be re-scored by another model through its own feature schema.
std::vector<const ml::LabelledSignal*> graded_in_order(const std::vector<ml::LabelledSignal>& rows) {
  std::vector<const ml::LabelledSignal*> g;
  for (const auto& r : rows)
    if (r.outcome == grading::Outcome::Win || r.outcome == grading::Outcome::Loss) g.push_back(&r);
  std::stable_sort(g.begin(), g.end(), [](const auto* a, const auto* b) { return a->signal.bar_time_ns < b->signal.bar_time_ns; });
  return g;
}

void print_metrics_row(std::ostream& os, const std::string& name, const ml::Metrics& m) {
  os << "  " << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') << m.n << " rows  win "
     << fmt(m.base_rate, 3) << "  AUC " << fmt(m.auc, 3) << " ± " << fmt(m.auc_se, 3) << "  logloss "
     << fmt(m.log_loss, 4) << "  Brier " << fmt(m.brier, 4) << "\n";
}

}  // namespace

Result<std::vector<ml::LabelledSignal>> read_training_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("io", "cannot read " + path);
  std::string line;
  if (!std::getline(in, line)) return make_error("bad_csv", path + ": empty file");
  const auto header = split_csv_line(line);
  std::unordered_map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* need : {"signal_id", "bar_time_ns", "pattern", "symbol", "session", "timeframe", "direction",
                           "atr_pips", "spread_pips", "confidence", "rr", "sl_pips", "label"})
    if (!col.count(need)) return make_error("bad_csv", path + ": missing column " + need);
  std::vector<std::pair<std::string, size_t>> feature_cols;
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i].rfind("f.", 0) == 0) feature_cols.emplace_back(header[i].substr(2), i);

  std::vector<ml::LabelledSignal> rows;
  size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv_line(line);
    if (f.size() != header.size())
      return make_error("bad_csv", path + ":" + std::to_string(line_no) + ": " + std::to_string(f.size()) +
                                       " fields, header has " + std::to_string(header.size()));
    try {
      ml::LabelledSignal r;
      auto& s = r.signal;
      s.signal_id = f[col["signal_id"]];
      s.bar_time_ns = std::stoll(f[col["bar_time_ns"]]);
      s.detected_ns = s.bar_time_ns;
      s.pattern = f[col["pattern"]];
      s.symbol = f[col["symbol"]];
      s.session = f[col["session"]];
      s.timeframe = f[col["timeframe"]];
      s.direction = f[col["direction"]] == "1" ? "BUY" : "SELL";
      s.atr_pips = std::stod(f[col["atr_pips"]]);
      s.spread_pips = std::stod(f[col["spread_pips"]]);
      s.confidence = std::stod(f[col["confidence"]]);
      s.rr = std::stod(f[col["rr"]]);
      s.sl_pips = std::stod(f[col["sl_pips"]]);
      for (const auto& [key, i] : feature_cols)
        if (!f[i].empty()) s.features[key] = std::stod(f[i]);
      const std::string label = f[col["label"]];
      if (label == "1") r.outcome = grading::Outcome::Win;
      else if (label == "0") r.outcome = grading::Outcome::Loss;
      else r.outcome = grading::Outcome::Timeout;  // not trained on
      rows.push_back(std::move(r));
    } catch (const std::exception& e) {
      return make_error("bad_csv", path + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return rows;
}

Result<std::vector<ml::LabelledSignal>> read_training_db(store::Database& db) {
  store::OutcomeRepo repo(db);
  auto stored = repo.labelled_training();
  if (!stored) return stored.error();
  std::vector<ml::LabelledSignal> rows;
  rows.reserve(stored->size());
  for (const auto& t : *stored) {
    auto j = nlohmann::json::parse(t.features_json, nullptr, false);
    if (j.is_discarded()) return make_error("bad_training_row", "ml_training " + t.signal_id + ": features_json is not JSON");
    auto s = schema::signal_from_json(j);
    if (!s) return make_error("bad_training_row", "ml_training " + t.signal_id + ": " + s.error().message);
    ml::LabelledSignal r{std::move(*s), *t.label == 1 ? grading::Outcome::Win : grading::Outcome::Loss};
    rows.push_back(std::move(r));
  }
  return rows;
}

void merge_rows(std::vector<ml::LabelledSignal>& a, std::vector<ml::LabelledSignal> b) {
  std::unordered_set<std::string> ids;
  for (const auto& r : a) ids.insert(r.signal.signal_id);
  for (auto& r : b)
    if (ids.insert(r.signal.signal_id).second) a.push_back(std::move(r));
}

Result<std::string> run_rollback(store::Database& db, int64_t now_ns) {
  store::ModelRepo repo(db);
  return repo.rollback(now_ns);
}

Result<JobResult> run_training(const TrainerConfig& cfg, const std::vector<ml::LabelledSignal>& rows,
                               store::Database& db, int64_t now_ns, std::ostream& os) {
  JobResult job;
  const auto graded = graded_in_order(rows);
  os << "ml_trainer: " << rows.size() << " rows, " << graded.size() << " labelled WIN/LOSS\n";
  if (graded.size() < cfg.min_rows) {
    job.reason = "too_few_rows";
    job.summary = {{"rows", graded.size()}, {"min_rows", cfg.min_rows}};
    os << "not trained: " << graded.size() << " labelled rows, need at least " << cfg.min_rows
       << " (min_rows). The model in service (or the cold-start rule) stays.\n";
    return job;
  }

  ml::TrainingConfig tc;
  tc.params = cfg.params;
  tc.train_fraction = cfg.train_fraction;
  tc.validation_fraction = cfg.validation_fraction;
  tc.embargo_ns = cfg.embargo_ns();
  tc.threshold = cfg.threshold;
  tc.features.min_category_count = cfg.min_category_count;
  tc.features.extra = cfg.extra_features;
  if (tc.features.extra.empty()) {
    std::set<std::string> keys;
    for (const auto* r : graded)
      for (const auto& [k, _] : r->signal.features) keys.insert(k);
    tc.features.extra.assign(keys.begin(), keys.end());
  }
  std::string ids;
  for (const auto* r : graded) ids += r->signal.signal_id + "|";
  tc.model_version = utc_stamp(now_ns) + "-" + ml::checksum_fnv1a64(ids).substr(8, 8);
  store::ModelRepo models(db);
  for (int n = 2; n < 100; ++n) {
    auto existing = models.get(tc.model_version);
    if (!existing) return existing.error();
    if (!*existing) break;
    tc.model_version = tc.model_version.substr(0, tc.model_version.find('.')) + "." + std::to_string(n);
  }
  tc.created_ns = now_ns;

  auto rep = ml::train_and_validate(rows, tc);
  if (!rep) return make_error("training_failed", rep.error().code + ": " + rep.error().message);
  job.trained = true;
  job.version = tc.model_version;

  // Walk-forward report: each fold trained on its own past only (code tables fitted per fold).
  nlohmann::json folds = nlohmann::json::array();
  {
    std::vector<int64_t> times;
    for (const auto* r : graded) times.push_back(r->signal.bar_time_ns);
    auto wf = cfg.walk_forward_folds > 0
                  ? ml::walk_forward_folds(times, cfg.walk_forward_folds, graded.size() * 2 / 5, tc.embargo_ns)
                  : Result<std::vector<ml::WalkForwardFold>>(std::vector<ml::WalkForwardFold>{});
    if (wf) {
      for (const auto& fold : *wf) {
        std::vector<ml::LabelledSignal> tr, te;
        std::vector<schema::SignalMsg> tr_sig;
        for (size_t i = fold.train.begin; i < fold.train.end; ++i) {
          tr.push_back(*graded[i]);
          tr_sig.push_back(graded[i]->signal);
        }
        for (size_t i = fold.test.begin; i < fold.test.end; ++i) te.push_back(*graded[i]);
        const auto schema = ml::FeatureSchema::fit(tr_sig, tc.features);
        const ml::FeatureEncoder enc(schema);
        const auto dtr = ml::make_dataset(tr, enc).data;
        const auto dte = ml::make_dataset(te, enc).data;
        auto m = ml::Model::train(dtr, schema, tc.params);
        if (!m) continue;
        auto p = m->predict(dte);
        if (!p) continue;
        const auto met = ml::evaluate(*p, dte.y);
        const auto base = ml::RuleBaseline::fit(dtr.rule_confidence, dtr.y);
        const auto pb = base.predict(dte.rule_confidence);
        const auto bmet = ml::evaluate(pb, dte.y);
        folds.push_back({{"train_rows", dtr.rows()},
                         {"test_rows", dte.rows()},
                         {"test_from_ns", dte.rows() ? dte.time_ns.front() : 0},
                         {"test_to_ns", dte.rows() ? dte.time_ns.back() : 0},
                         {"model", ml::to_json(met)},
                         {"baseline", ml::to_json(bmet)}});
      }
    } else {
      os << "walk-forward report skipped: " << wf.error().message << "\n";
    }
  }

  // The current model, on exactly the holdout rows (its own schema encodes them).
  std::optional<std::vector<double>> p_current;
  std::string current_version, current_note;
  auto cur = models.current();
  if (!cur) return cur.error();
  if (*cur) {
    current_version = (*cur)->version;
    std::vector<int64_t> times;
    for (const auto* r : graded) times.push_back(r->signal.bar_time_ns);
    auto split = ml::time_split(times, tc.train_fraction, tc.validation_fraction, tc.embargo_ns);
    if (!split) return split.error();
    std::vector<schema::SignalMsg> holdout;
    for (size_t i = split->test.begin; i < split->test.end; ++i) holdout.push_back(graded[i]->signal);
    if (holdout.size() != rep->holdout.rows())
      return make_error("holdout_mismatch", "holdout rows differ from the trainer's test window");
    fs::path dir = (*cur)->path;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) dir = fs::path(cfg.models_dir) / current_version;
    auto cm = ml::Model::load_dir(dir);
    if (!cm) {
      current_note = "current model " + current_version + " cannot be loaded (" + cm.error().code + ": " +
                     cm.error().message + "); compared with the rule baseline only";
      os << "warning: " << current_note << "\n";
    } else {
      auto p = cm->score_batch(holdout);
      if (!p) return p.error();
      p_current = std::move(*p);
    }
  }
  std::optional<std::span<const double>> cur_span;
  if (p_current) cur_span = std::span<const double>(*p_current);
  const auto decision = ml::decide_promotion(rep->holdout.y, rep->holdout.time_ns, rep->holdout_candidate,
                                             rep->holdout_baseline, cur_span, cfg.promotion);
  job.promoted = decision.promote;
  job.reason = decision.reason;
  if (job.promoted && !rep->threshold.found) {
    job.promoted = false;
    job.reason = "no_threshold";  // no threshold accepted threshold.min_count validation rows
  } else if (job.promoted && rep->threshold.mean_r <= 0) {
    job.promoted = false;
    job.reason = "threshold_not_profitable";  // what it accepts lost money on validation
  }

  // Model files first, so a registry row always points at a loadable folder.
  job.model_dir = (fs::path(cfg.models_dir) / job.version).string();
  auto& meta = rep->model.metadata();
  meta.metrics["promotion"] = ml::to_json(decision);
  meta.metrics["walk_forward"] = folds;
  if (auto st = rep->model.save_dir(job.model_dir); !st) return st.error();

  job.summary = meta.metrics;
  job.summary["promoted"] = job.promoted;
  job.summary["reason"] = job.reason;
  job.summary["rows"] = {{"total", rows.size()}, {"labelled", graded.size()}};
  job.summary["windows"] = {{"train", meta.train.rows}, {"validation", meta.validation.rows}, {"test", meta.test.rows}};
  job.summary["compared_with"] = current_version.empty() ? nlohmann::json(nullptr) : nlohmann::json(current_version);
  if (!current_note.empty()) job.summary["note"] = current_note;
  job.summary["params"] = cfg.params.to_json();

  store::ModelRecord rec;
  rec.version = job.version;
  rec.path = job.model_dir;
  rec.created_ns = now_ns;
  rec.metrics_json = job.summary.dump();
  rec.threshold = meta.threshold;
  if (auto st = models.add(rec); !st) return st.error();
  if (job.promoted)
    if (auto st = models.promote(job.version, now_ns); !st) return st.error();

  // The report.
  os << "model " << job.version << "  (" << meta.train.rows << " train / " << meta.validation.rows
     << " validation / " << meta.test.rows << " test rows after the embargo; " << rep->excluded_timeout
     << " TIMEOUT rows excluded)\n";
  print_metrics_row(os, "train", rep->train_metrics);
  print_metrics_row(os, "validation", rep->validation_metrics);
  print_metrics_row(os, "test (holdout)", rep->test_metrics);
  print_metrics_row(os, "rule baseline (test)", rep->baseline_test_metrics);
  if (decision.current) print_metrics_row(os, "current " + current_version, *decision.current);
  os << "walk-forward (expanding window, embargo " << cfg.horizon_min << " min):\n";
  for (size_t i = 0; i < folds.size(); ++i) {
    const auto& f = folds[i];
    // A fold with one class only has no AUC (NaN, stored as null): print it as such, never throw.
    auto num = [](const nlohmann::json& v) {
      return v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
    };
    os << "  fold " << i + 1 << ": train " << f["train_rows"].get<size_t>() << ", test " << f["test_rows"].get<size_t>()
       << "  AUC " << fmt(num(f["model"]["auc"]), 3) << " (baseline " << fmt(num(f["baseline"]["auc"]), 3)
       << ")  logloss " << fmt(num(f["model"]["log_loss"])) << " (baseline "
       << fmt(num(f["baseline"]["log_loss"])) << ")  Brier " << fmt(num(f["model"]["brier"])) << "\n";
  }
  os << "validation calibration (predicted vs realised):\n  bucket       n   mean p  win rate\n";
  for (const auto& b : rep->validation_calibration) {
    if (b.count == 0) continue;
    char buf[128];
    std::snprintf(buf, sizeof buf, "  %.1f-%.1f  %5zu   %.3f    %.3f\n", b.lo, b.hi, b.count, b.mean_predicted, b.win_rate);
    os << buf;
  }
  const auto& th = rep->threshold;
  os << "threshold " << fmt(th.threshold, 2) << (th.found ? "" : " (fallback: no threshold accepted enough rows)")
     << ": accepts " << th.accepted << " validation rows, win rate " << fmt(th.win_rate, 3) << ", mean R "
     << fmt(th.mean_r, 3) << " (model's expected R " << fmt(th.mean_expected_r, 3) << ")\n";
  os << "promotion: " << (job.promoted ? "PROMOTED" : "not promoted") << " (" << job.reason << ")  holdout AUC "
     << fmt(decision.candidate.auc, 3) << " ± " << fmt(decision.auc_block_se, 3) << " (block SE), log-loss gain vs baseline "
     << fmt(decision.vs_baseline.gain) << " ± " << fmt(decision.vs_baseline.se) << "\n";
  os << "model folder: " << job.model_dir << "\n";
  return job;
}

}  // namespace bitten::trainer
