#include "columnar/value_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "base/civil_time.h"

namespace floe::columnar {

namespace {


void append_hex(std::string_view bytes, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
}

template <typename T>
void append_int(T v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

template <typename F>
void append_float(F v, std::string& out) {
  if (std::isnan(v)) {
    out += "nan";
  } else if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

}  // namespace

std::string decimal_to_string(__int128 v, int scale) {
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits += char('0' + int(u % 10));
    u /= 10;
  } while (u);
  while (int(digits.size()) <= scale) digits += '0';
  std::string s = neg ? "-" : "";
  for (int i = int(digits.size()) - 1; i >= 0; --i) {
    s += digits[i];
    if (i == scale && scale > 0) s += '.';
  }
  return s;
}

void append_json_string(std::string_view s, std::string& out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20)
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        else
          out += char(c);
    }
  }
  out += '"';
}

void append_value_text(const Column& c, int64_t row, std::string& out) {
  const DataType& t = c.type();
  switch (t.id()) {
    case TypeId::kNull: out += "NULL"; return;
    case TypeId::kBoolean: out += c.value<uint8_t>(row) ? "true" : "false"; return;
    case TypeId::kInt8: append_int(c.value<int8_t>(row), out); return;
    case TypeId::kInt16: append_int(c.value<int16_t>(row), out); return;
    case TypeId::kInt32: append_int(c.value<int32_t>(row), out); return;
    case TypeId::kInt64: append_int(c.value<int64_t>(row), out); return;
    case TypeId::kUInt8: append_int(c.value<uint8_t>(row), out); return;
    case TypeId::kUInt16: append_int(c.value<uint16_t>(row), out); return;
    case TypeId::kUInt32: append_int(c.value<uint32_t>(row), out); return;
    case TypeId::kUInt64: append_int(c.value<uint64_t>(row), out); return;
    case TypeId::kFloat32: append_float(c.value<float>(row), out); return;
    case TypeId::kFloat64: append_float(c.value<double>(row), out); return;
    case TypeId::kDecimal: out += decimal_to_string(c.value<__int128>(row), t.scale()); return;
    case TypeId::kString: out += c.string_at(row); return;
    case TypeId::kBinary: append_hex(c.string_at(row), out); return;
    case TypeId::kFixedBinary: append_hex(c.fixed_at(row), out); return;
    case TypeId::kUuid: {
      std::string h;
      append_hex(c.fixed_at(row), h);
      out += h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
             h.substr(16, 4) + "-" + h.substr(20);
      return;
    }
    case TypeId::kDate: out += format_date(c.value<int32_t>(row)); return;
    case TypeId::kTime:
      out += format_time_of_day(c.value<int64_t>(row), units_per_second(t.unit()));
      return;
    case TypeId::kTimestamp:
      out += format_timestamp(c.value<int64_t>(row), units_per_second(t.unit()));
      return;
    case TypeId::kTimestampTz:
      out += format_timestamp(c.value<int64_t>(row), units_per_second(t.unit())) + "+00";
      return;
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap: append_value_json(c, row, out); return;
  }
}

void append_value_json(const Column& c, int64_t row, std::string& out) {
  if (c.is_null(row)) {
    out += "null";
    return;
  }
  switch (c.type().id()) {
    case TypeId::kBoolean:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kDecimal: append_value_text(c, row, out); return;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double v = c.type().id() == TypeId::kFloat32 ? c.value<float>(row) : c.value<double>(row);
      // JSON has no NaN or infinity: write them as strings, as Spark's JSON writer does.
      if (std::isnan(v))
        out += "\"NaN\"";
      else if (std::isinf(v))
        out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      else
        append_value_text(c, row, out);
      return;
    }
    case TypeId::kStruct: {
      out += '{';
      const auto& fields = c.type().children();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        append_json_string(fields[i].name, out);
        out += ':';
        append_value_json(c.child(i), row, out);
      }
      out += '}';
      return;
    }
    case TypeId::kList: {
      out += '[';
      const int32_t* o = c.offsets();
      for (int32_t i = o[row]; i < o[row + 1]; ++i) {
        if (i > o[row]) out += ',';
        append_value_json(c.child(0), i, out);
      }
      out += ']';
      return;
    }
    case TypeId::kMap: {
      // JSON objects need string keys: keys are written in their text form.
      out += '{';
      const int32_t* o = c.offsets();
      const Column& entries = c.child(0);
      for (int32_t i = o[row]; i < o[row + 1]; ++i) {
        if (i > o[row]) out += ',';
        std::string key;
        append_value_text(entries.child(0), i, key);
        append_json_string(key, out);
        out += ':';
        append_value_json(entries.child(1), i, out);
      }
      out += '}';
      return;
    }
    default: {
      std::string s;
      append_value_text(c, row, s);
      append_json_string(s, out);
    }
  }
}

}  // namespace floe::columnar
