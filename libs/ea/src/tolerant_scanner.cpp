#include "tolerant_scanner.hpp"

namespace bitten::ea::detail {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

enum class Context { Object, Array };

class Scanner {
 public:
  Scanner(std::string_view s, RawTree& tree) : s_(s), tree_(tree) {}

  bool root() {
    skip_ws(i_);
    if (i_ >= s_.size() || s_[i_] != '{') return false;
    tree_.clear();
    tree_.nodes.push_back(Node{});
    tree_.nodes[0].kind = Kind::Object;
    if (!object(0, 1)) return false;
    skip_ws(i_);
    return i_ == s_.size();
  }

 private:
  void skip_ws(size_t& k) const {
    while (k < s_.size() && is_ws(s_[k])) ++k;
  }

  // At '{'.
  bool object(uint32_t index, int depth) {
    if (depth > kMaxDepth) return false;
    ++i_;
    uint32_t last = 0;
    for (;;) {
      skip_ws(i_);
      if (i_ >= s_.size()) return false;
      if (s_[i_] == '}') {  // empty object, or a trailing comma before the brace
        ++i_;
        return true;
      }
      if (s_[i_] != '"') return false;
      const size_t key_end = s_.find('"', i_ + 1);
      if (key_end == std::string_view::npos) return false;
      Node node;
      node.key = s_.substr(i_ + 1, key_end - i_ - 1);
      i_ = key_end + 1;
      skip_ws(i_);
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      skip_ws(i_);
      const uint32_t child = tree_.add_child(index, last, node);
      if (!value(child, depth, Context::Object)) return false;
      skip_ws(i_);
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  // At '['.
  bool array(uint32_t index, int depth) {
    if (depth > kMaxDepth) return false;
    ++i_;
    uint32_t last = 0;
    for (;;) {
      skip_ws(i_);
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      const uint32_t child = tree_.add_child(index, last, Node{});
      if (!value(child, depth, Context::Array)) return false;
      skip_ws(i_);
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  bool value(uint32_t index, int depth, Context context) {
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{') {
      tree_.nodes[index].kind = Kind::Object;
      return object(index, depth + 1);
    }
    if (c == '[') {
      tree_.nodes[index].kind = Kind::Array;
      return array(index, depth + 1);
    }
    if (c == '"') return string(index, depth, context);
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && !is_ws(s_[i_])) ++i_;
    if (i_ == start) return false;
    RawTree::classify_token(s_.substr(start, i_ - start), tree_.nodes[index]);
    return true;
  }

  // At the opening quote of a string value.
  bool string(uint32_t index, int depth, Context context) {
    const size_t start = i_ + 1;
    size_t from = start;
    for (;;) {
      const size_t q = s_.find('"', from);
      if (q == std::string_view::npos) return false;
      if (closes_value(q, depth, context)) {
        tree_.nodes[index].kind = Kind::String;
        tree_.nodes[index].text = s_.substr(start, q - start);
        i_ = q + 1;
        return true;
      }
      from = q + 1;
    }
  }

  // Is the quote at q the end of a string value?
  bool closes_value(size_t q, int depth, Context context) const {
    size_t k = q + 1;
    skip_ws(k);
    if (k >= s_.size()) return false;
    const char c = s_[k];
    if (c == ',') {
      if (context == Context::Array) return true;
      ++k;
      skip_ws(k);  // must be followed by the next key: "identifier" ws* ':'
      if (k >= s_.size() || s_[k] != '"') return false;
      size_t e = k + 1;
      while (e < s_.size() && is_key_char(s_[e])) ++e;
      if (e == k + 1 || e >= s_.size() || s_[e] != '"') return false;
      ++e;
      skip_ws(e);
      return e < s_.size() && s_[e] == ':';
    }
    const char closer = context == Context::Object ? '}' : ']';
    if (c != closer) return false;
    ++k;
    skip_ws(k);
    if (depth == 1 && context == Context::Object) return k == s_.size();  // the root's last brace
    return k == s_.size() || s_[k] == ',' || s_[k] == '}' || s_[k] == ']';
  }

  std::string_view s_;
  RawTree& tree_;
  size_t i_ = 0;
};

}  // namespace

bool scan_tolerant(std::string_view payload, RawTree& tree) {
  Scanner scanner(payload, tree);
  return scanner.root();
}

}  // namespace bitten::ea::detail
