#include "strict_parser.hpp"

namespace bitten::ea::detail {
namespace {

namespace dom = simdjson::dom;

struct Walker {
  RawTree& tree;

  bool value(dom::element v, uint32_t index, int depth) {
    Node& node = tree.nodes[index];
    switch (v.type()) {
      case dom::element_type::STRING: {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        node.kind = Kind::String;
        node.text = s;
        return true;
      }
      case dom::element_type::INT64: {
        int64_t i = 0;
        if (v.get_int64().get(i)) return false;
        node.kind = Kind::Number;
        node.number.integer = i;
        node.number.value = static_cast<double>(i);
        node.number.is_integer = true;
        return true;
      }
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE: {
        double d = 0;
        if (v.get_double().get(d)) return false;
        node.kind = Kind::Number;
        node.number.value = d;
        node.number.is_integer = false;
        return true;
      }
      case dom::element_type::BOOL: {
        bool b = false;
        if (v.get_bool().get(b)) return false;
        node.kind = b ? Kind::True : Kind::False;
        return true;
      }
      case dom::element_type::NULL_VALUE:
        node.kind = Kind::Null;
        return true;
      case dom::element_type::OBJECT: {
        dom::object obj;
        if (depth >= kMaxDepth || v.get_object().get(obj)) return false;
        node.kind = Kind::Object;
        return object(obj, index, depth + 1);
      }
      case dom::element_type::ARRAY: {
        dom::array arr;
        if (depth >= kMaxDepth || v.get_array().get(arr)) return false;
        node.kind = Kind::Array;
        uint32_t last = 0;
        for (dom::element e : arr) {
          const uint32_t child = tree.add_child(index, last, Node{});
          if (!value(e, child, depth + 1)) return false;
        }
        return true;
      }
    }
    return false;
  }

  bool object(dom::object obj, uint32_t index, int depth) {
    uint32_t last = 0;
    for (dom::key_value_pair field : obj) {
      Node node;
      node.key = field.key;
      const uint32_t child = tree.add_child(index, last, node);
      if (!value(field.value, child, depth)) return false;
    }
    return true;
  }
};

}  // namespace

bool StrictParser::parse(const char* data, size_t size, size_t capacity, RawTree& tree) {
  if (capacity < size + simdjson::SIMDJSON_PADDING) return false;
  dom::element root;
  if (parser_.parse(data, size, false).get(root)) return false;
  dom::object obj;
  if (root.get_object().get(obj)) return false;
  tree.clear();
  tree.nodes.push_back(Node{});
  tree.nodes[0].kind = Kind::Object;
  Walker walker{tree};
  return walker.object(obj, 0, 1);
}

}  // namespace bitten::ea::detail
