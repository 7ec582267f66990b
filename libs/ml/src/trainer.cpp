#include "bitten/ml/trainer.hpp"

#include <algorithm>

namespace bitten::ml {

namespace {
TimeWindow window_of(const Dataset& d) {
  if (d.rows() == 0) return {};
  return {d.time_ns.front(), d.time_ns.back(), d.rows()};
}
}  // namespace

Result<TrainingReport> train_and_validate(std::span<const LabelledSignal> rows, const TrainingConfig& config) {
  // Order and split on the graded rows first, with an encoder that only needs to know the layout;
  // the real code tables are fitted on the training window below.
  std::vector<const LabelledSignal*> graded;
  size_t timeouts = 0, pending = 0;
  for (const auto& r : rows) {
    if (r.outcome == grading::Outcome::Win || r.outcome == grading::Outcome::Loss) graded.push_back(&r);
    else if (r.outcome == grading::Outcome::Timeout) ++timeouts;
    else ++pending;
  }
  std::stable_sort(graded.begin(), graded.end(), [](const LabelledSignal* a, const LabelledSignal* b) {
    return a->signal.bar_time_ns < b->signal.bar_time_ns;
  });
  std::vector<int64_t> times;
  for (const auto* r : graded) times.push_back(r->signal.bar_time_ns);
  auto split = time_split(times, config.train_fraction, config.validation_fraction, config.embargo_ns);
  if (!split) return split.error();

  auto part = [&](RowRange range) {
    std::vector<LabelledSignal> out;
    for (size_t i = range.begin; i < range.end; ++i) out.push_back(*graded[i]);
    return out;
  };
  const auto train_rows = part(split->train);
  std::vector<schema::SignalMsg> train_signals;
  for (const auto& r : train_rows) train_signals.push_back(r.signal);
  const FeatureSchema schema = FeatureSchema::fit(train_signals, config.features);
  const FeatureEncoder encoder(schema);
  const Dataset train = make_dataset(train_rows, encoder).data;
  const Dataset valid = make_dataset(part(split->validation), encoder).data;
  Dataset test = make_dataset(part(split->test), encoder).data;

  auto model = Model::train(train, schema, config.params);
  if (!model) return model.error();
  auto p_train = model->predict(train);
  auto p_valid = model->predict(valid);
  auto p_test = model->predict(test);
  if (!p_train) return p_train.error();
  if (!p_valid) return p_valid.error();
  if (!p_test) return p_test.error();

  TrainingReport rep(std::move(*model));
  rep.excluded_timeout = timeouts;
  rep.excluded_pending = pending;
  rep.train_metrics = evaluate(*p_train, train.y);
  rep.validation_metrics = evaluate(*p_valid, valid.y);
  rep.test_metrics = evaluate(*p_test, test.y);
  rep.validation_calibration = calibration_table(*p_valid, valid.y, config.calibration_buckets);
  rep.threshold = choose_threshold(*p_valid, valid.y, valid.rr, config.threshold);
  rep.baseline = RuleBaseline::fit(train.rule_confidence, train.y);
  rep.holdout_baseline = rep.baseline.predict(test.rule_confidence);
  rep.baseline_test_metrics = evaluate(rep.holdout_baseline, test.y);
  rep.holdout_candidate = std::move(*p_test);
  rep.holdout = std::move(test);

  ModelMetadata& meta = rep.model.metadata();
  meta.model_version = config.model_version;
  meta.created_ns = config.created_ns;
  meta.train = window_of(train);
  meta.validation = window_of(valid);
  meta.test = window_of(rep.holdout);
  meta.threshold = rep.threshold.threshold;
  meta.metrics = {{"train", to_json(rep.train_metrics)},
                  {"validation", to_json(rep.validation_metrics)},
                  {"test", to_json(rep.test_metrics)},
                  {"baseline_test", to_json(rep.baseline_test_metrics)},
                  {"validation_calibration", to_json(rep.validation_calibration)},
                  {"threshold_choice", to_json(rep.threshold)},
                  {"excluded", {{"timeout", timeouts}, {"pending", pending}}},
                  {"embargo_ns", config.embargo_ns}};
  return rep;
}

}  // namespace bitten::ml
