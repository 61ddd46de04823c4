// The few S3 XML documents floe reads: error bodies (Code, Message), ListObjectsV2 pages and
// CreateMultipartUpload results, taken apart by a small element extractor (S3's responses
// are flat and machine-written). Layer: io. Pure functions over untrusted text; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floe::io {

// The decoded text of the first <tag>…</tag> element (or <tag/>, as empty) in `xml`.
std::optional<std::string> xml_element(std::string_view xml, std::string_view tag);
// The raw inner text of every <tag>…</tag> element, in order (nested blocks such as
// <Contents>; decode their children with xml_element).
std::vector<std::string_view> xml_blocks(std::string_view xml, std::string_view tag);
// Replaces &amp; &lt; &gt; &quot; &apos; and &#N; / &#xN; references.
std::string xml_unescape(std::string_view text);
// Escapes & < > " ' for element text.
std::string xml_escape(std::string_view text);

struct S3ErrorBody {
  std::string code;  // "NoSuchKey", "SignatureDoesNotMatch", …; empty if none
  std::string message;
};
// The <Error> document S3 sends with a failure (empty fields when the body is not one).
S3ErrorBody parse_s3_error(std::string_view xml);

struct S3ListedObject {
  std::string key;
  uint64_t size = 0;
  int64_t modified_ms = 0;  // LastModified, milliseconds since the epoch (0 if absent)
};

struct S3ListPage {
  std::vector<S3ListedObject> objects;
  bool is_truncated = false;
  std::string next_continuation_token;
};
// A ListObjectsV2 response (ListBucketResult). Throws CorruptDataError for a malformed Size.
S3ListPage parse_list_objects_v2(std::string_view xml);

// The UploadId of an InitiateMultipartUploadResult; empty if absent.
std::string parse_upload_id(std::string_view xml);

// "2009-10-12T17:50:30.000Z" (ISO 8601, UTC) in milliseconds since the epoch.
std::optional<int64_t> parse_iso8601_ms(std::string_view text);
// "Wed, 21 Oct 2015 07:28:00 GMT" (an HTTP date, RFC 7231) in milliseconds since the epoch.
std::optional<int64_t> parse_http_date_ms(std::string_view text);

}  // namespace floe::io
