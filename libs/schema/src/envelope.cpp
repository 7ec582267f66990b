#include "bitten/schema/envelope.hpp"

namespace bitten::schema {

nlohmann::json to_json(const Envelope& e) {
  return nlohmann::json{{"type", e.type}, {"v", e.v}, {"src", e.src}, {"seq", e.seq}, {"ts", e.ts}, {"data", e.data}};
}

// Strings that came from outside (an EA's broker name, a message text) may hold invalid UTF-8:
// they are replaced with U+FFFD rather than making the whole message unencodable.
std::string encode(const Envelope& e) { return to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

Result<Envelope> decode_envelope(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return make_error("not_json", "envelope is not valid JSON");
  if (!j.is_object()) return make_error("bad_envelope", "envelope is not an object");
  Envelope e;
  auto t = j.find("type");
  auto v = j.find("v");
  auto src = j.find("src");
  auto seq = j.find("seq");
  auto ts = j.find("ts");
  auto data = j.find("data");
  if (t == j.end() || !t->is_string()) return make_error("bad_envelope", "missing or non-string 'type'");
  if (v == j.end() || !v->is_number_integer()) return make_error("bad_envelope", "missing or non-integer 'v'");
  if (src == j.end() || !src->is_string()) return make_error("bad_envelope", "missing or non-string 'src'");
  if (seq == j.end() || !seq->is_number_unsigned()) return make_error("bad_envelope", "missing or bad 'seq'");
  if (ts == j.end() || !ts->is_number_integer()) return make_error("bad_envelope", "missing or bad 'ts'");
  if (data == j.end() || !data->is_object()) return make_error("bad_envelope", "missing or non-object 'data'");
  e.type = t->get<std::string>();
  e.v = v->get<int>();
  if (e.v != kEnvelopeVersion)
    return make_error("unsupported_version", "envelope version " + std::to_string(e.v) + " of " + e.type);
  e.src = src->get<std::string>();
  e.seq = seq->get<uint64_t>();
  e.ts = ts->get<int64_t>();
  e.data = std::move(*data);
  return e;
}

}  // namespace bitten::schema
