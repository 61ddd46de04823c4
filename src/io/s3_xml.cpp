#include "io/s3_xml.h"

#include <charconv>
#include <cstring>

#include "base/civil_time.h"
#include "base/error.h"
#include "base/utf8.h"

namespace floe::io {

namespace {

bool name_ends(std::string_view xml, size_t pos) {
  if (pos >= xml.size()) return false;
  char c = xml[pos];
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Finds the next element named `tag` at or after `from`. Sets `inner` to its content
// (empty for <tag/>) and returns the position just past it, or npos.
size_t find_element(std::string_view xml, std::string_view tag, size_t from,
                    std::string_view* inner) {
  std::string open = "<" + std::string(tag);
  std::string close = "</" + std::string(tag) + ">";
  size_t pos = from;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    size_t after = pos + open.size();
    if (!name_ends(xml, after)) {
      pos = after;
      continue;
    }
    size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos) return std::string_view::npos;
    if (xml[gt - 1] == '/') {
      *inner = {};
      return gt + 1;
    }
    size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) return std::string_view::npos;
    *inner = xml.substr(gt + 1, end - gt - 1);
    return end + close.size();
  }
  return std::string_view::npos;
}

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += text[i];
      continue;
    }
    std::string_view ent = text.substr(i + 1, semi - i - 1);
    std::optional<uint32_t> cp;
    if (ent == "amp")
      cp = '&';
    else if (ent == "lt")
      cp = '<';
    else if (ent == "gt")
      cp = '>';
    else if (ent == "quot")
      cp = '"';
    else if (ent == "apos")
      cp = '\'';
    else if (ent.size() > 2 && (ent[1] == 'x' || ent[1] == 'X') && ent[0] == '#') {
      uint32_t v = 0;
      auto [p, ec] = std::from_chars(ent.data() + 2, ent.data() + ent.size(), v, 16);
      if (ec == std::errc() && p == ent.data() + ent.size()) cp = v;
    } else if (ent.size() > 1 && ent[0] == '#') {
      cp = parse_number<uint32_t>(ent.substr(1));
    }
    if (!cp || *cp > 0x10FFFF) {
      out += text[i];
      continue;
    }
    append_utf8(out, *cp);
    i = semi;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::optional<std::string> xml_element(std::string_view xml, std::string_view tag) {
  std::string_view inner;
  if (find_element(xml, tag, 0, &inner) == std::string_view::npos) return std::nullopt;
  return xml_unescape(inner);
}

std::vector<std::string_view> xml_blocks(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  std::string_view inner;
  size_t pos = 0;
  while ((pos = find_element(xml, tag, pos, &inner)) != std::string_view::npos)
    out.push_back(inner);
  return out;
}

S3ErrorBody parse_s3_error(std::string_view xml) {
  S3ErrorBody e;
  auto blocks = xml_blocks(xml, "Error");
  if (blocks.empty()) return e;
  e.code = xml_element(blocks[0], "Code").value_or("");
  e.message = xml_element(blocks[0], "Message").value_or("");
  return e;
}

S3ListPage parse_list_objects_v2(std::string_view xml) {
  S3ListPage page;
  // Children of the result outside <Contents> blocks: strip the blocks first so that a
  // key named like a top-level element cannot be mistaken for it.
  std::string top;
  std::string_view inner;
  size_t pos = 0, copied = 0;
  for (;;) {
    size_t start = xml.find("<Contents", pos);
    if (start == std::string_view::npos || !name_ends(xml, start + 9)) break;
    size_t end = find_element(xml, "Contents", start, &inner);
    if (end == std::string_view::npos) break;
    top.append(xml.substr(copied, start - copied));
    S3ListedObject obj;
    obj.key = xml_element(inner, "Key").value_or("");
    std::string size = xml_element(inner, "Size").value_or("0");
    auto n = parse_number<uint64_t>(size);
    FLOE_CORRUPT_IF(!n, "ListObjectsV2: object '{}' has a malformed Size '{}'", obj.key, size);
    obj.size = *n;
    if (auto lm = xml_element(inner, "LastModified"))
      obj.modified_ms = parse_iso8601_ms(*lm).value_or(0);
    page.objects.push_back(std::move(obj));
    pos = copied = end;
  }
  top.append(xml.substr(copied));
  page.is_truncated = xml_element(top, "IsTruncated").value_or("false") == "true";
  page.next_continuation_token = xml_element(top, "NextContinuationToken").value_or("");
  return page;
}

std::string parse_upload_id(std::string_view xml) {
  return xml_element(xml, "UploadId").value_or("");
}

std::optional<int64_t> parse_iso8601_ms(std::string_view text) {
  auto micros = parse_timestamp_micros(text);
  if (!micros) return std::nullopt;
  return *micros / 1000;
}

std::optional<int64_t> parse_http_date_ms(std::string_view s) {
  // "Wed, 21 Oct 2015 07:28:00 GMT": skip the weekday.
  size_t comma = s.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  s.remove_prefix(comma + 1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  // day month year hh:mm:ss GMT
  auto next = [&s]() {
    size_t sp = s.find(' ');
    std::string_view w = s.substr(0, sp);
    s.remove_prefix(sp == std::string_view::npos ? s.size() : sp + 1);
    return w;
  };
  std::string_view day = next(), month = next(), year = next(), hms = next(), zone = next();
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned m = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (month == kMonths[i]) m = i + 1;
  auto d = parse_number<unsigned>(day);
  auto y = parse_number<int64_t>(year);
  if (!m || !d || !y || *d < 1 || *d > 31 || hms.size() != 8 || hms[2] != ':' || hms[5] != ':' ||
      (zone != "GMT" && zone != "UTC"))
    return std::nullopt;
  auto hh = parse_number<int>(hms.substr(0, 2));
  auto mm = parse_number<int>(hms.substr(3, 2));
  auto ss = parse_number<int>(hms.substr(6, 2));
  if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  int64_t days = days_from_civil(*y, m, *d);
  return ((days * 24 + *hh) * 60 + *mm) * 60000 + int64_t(*ss) * 1000;
}

}  // namespace floe::io
