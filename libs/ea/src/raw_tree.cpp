#include "raw_tree.hpp"

namespace bitten::ea::detail {

uint32_t RawTree::add_child(uint32_t parent, uint32_t& last_child, Node node) {
  const auto index = static_cast<uint32_t>(nodes.size());
  nodes.push_back(node);
  if (last_child == 0) nodes[parent].first_child = index;
  else nodes[last_child].next = index;
  last_child = index;
  return index;
}

void RawTree::classify_token(std::string_view token, Node& node) {
  node.text = token;
  if (token == "true") { node.kind = Kind::True; return; }
  if (token == "false") { node.kind = Kind::False; return; }
  if (token == "null") { node.kind = Kind::Null; return; }
  switch (parse_number_token(token, node.number)) {
    case NumberStatus::Ok: node.kind = Kind::Number; break;
    case NumberStatus::OutOfRange: node.kind = Kind::OutOfRange; break;
    case NumberStatus::NotANumber: node.kind = Kind::BadNumber; break;
  }
}

}  // namespace bitten::ea::detail
