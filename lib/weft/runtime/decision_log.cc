#include "weft/runtime/decision_log.h"

namespace weft::detail {

void DecisionLog::push_long(uint32_t decision) {
  while (decision >= 0x80) {
    bytes_.push_back(static_cast<uint8_t>(decision | 0x80));
    decision >>= 7;
  }
  bytes_.push_back(static_cast<uint8_t>(decision));
}

void DecisionLog::decode_into(std::vector<uint32_t>& out) const {
  out.clear();
  out.reserve(count_);
  uint32_t value = 0;
  int shift = 0;
  for (uint8_t b : bytes_) {
    value |= static_cast<uint32_t>(b & 0x7f) << shift;
    if ((b & 0x80) != 0) {
      shift += 7;
      continue;
    }
    out.push_back(value);
    value = 0;
    shift = 0;
  }
}

}  // namespace weft::detail
