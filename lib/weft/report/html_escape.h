// Text to put between HTML tags or inside a quoted attribute (either
// quote), shared by the explorer's and the linearizability checker's HTML
// views. Header-only: weft_lin does not link weft.
//
//   out += "<td title='" + weft::detail::html_escape(tip) + "'>";
#pragma once

#include <string>
#include <string_view>

namespace weft::detail {

inline std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace weft::detail
