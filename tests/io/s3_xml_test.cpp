// Taking apart S3's XML answers: errors, ListObjectsV2 pages, multipart upload ids, dates.
#include "io/s3_xml.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace floe::io {

TEST(S3Xml, ErrorBody) {
  S3ErrorBody e = parse_s3_error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
      "<Key>a &amp; b.txt</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>");
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_TRUE(parse_s3_error("").code.empty());
  EXPECT_TRUE(parse_s3_error("PAR1 binary <Err").code.empty());
  // CompleteMultipartUpload's 200 with an error inside.
  EXPECT_EQ(parse_s3_error("<?xml version=\"1.0\"?>\n<Error>\n  <Code>InternalError</Code>\n"
                           "  <Message>We encountered an internal error.</Message>\n</Error>")
                .code,
            "InternalError");
}

TEST(S3Xml, ListObjectsV2Page) {
  S3ListPage page = parse_list_objects_v2(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>bucket</Name><Prefix>wh/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
      "<IsTruncated>true</IsTruncated>"
      "<Contents><Key>wh/a.parquet</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
      "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>"
      "<StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>wh/IsTruncated &lt;&amp;&gt; &#233;&#x20AC;.csv</Key>"
      "<LastModified>2024-03-01T00:00:01Z</LastModified><Size>0</Size>"
      "<Owner><ID>x</ID><DisplayName/></Owner></Contents>"
      "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
      "</ListBucketResult>");
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "wh/a.parquet");
  EXPECT_EQ(page.objects[0].size, 434234u);
  EXPECT_EQ(page.objects[0].modified_ms, 1255369830000);
  EXPECT_EQ(page.objects[1].key, "wh/IsTruncated <&> \xC3\xA9\xE2\x82\xAC.csv");
  EXPECT_EQ(page.objects[1].size, 0u);
  EXPECT_EQ(page.objects[1].modified_ms, 1709251201000);
  EXPECT_TRUE(page.is_truncated);
  EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");

  S3ListPage last = parse_list_objects_v2(
      "<ListBucketResult><Name>b</Name><Prefix/><KeyCount>0</KeyCount>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>");
  EXPECT_TRUE(last.objects.empty());
  EXPECT_FALSE(last.is_truncated);
  EXPECT_TRUE(last.next_continuation_token.empty());

  EXPECT_THROW(parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size>"
                                     "</Contents></ListBucketResult>"),
               CorruptDataError);
}

TEST(S3Xml, UploadIdAndElements) {
  EXPECT_EQ(parse_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                            "<UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>"),
            "VXBsb2FkIElE");
  EXPECT_EQ(parse_upload_id("<Error/>"), "");
  // <Key> must not match <KeyCount>.
  EXPECT_EQ(xml_element("<KeyCount>3</KeyCount><Key>k</Key>", "Key"), "k");
  EXPECT_EQ(xml_element("<A x=\"1\">v</A>", "A"), "v");
  EXPECT_EQ(xml_element("<A/>", "A"), "");
  EXPECT_FALSE(xml_element("<A>unterminated", "A"));
  EXPECT_EQ(xml_unescape("&amp;lt; &bogus; &#xZZ; &"), "&lt; &bogus; &#xZZ; &");
  EXPECT_EQ(xml_escape("\"a\" & <b>"), "&quot;a&quot; &amp; &lt;b&gt;");
}

TEST(S3Xml, Dates) {
  EXPECT_EQ(parse_http_date_ms("Wed, 21 Oct 2015 07:28:00 GMT"), 1445412480000);
  EXPECT_EQ(parse_http_date_ms("Thu, 1 Jan 1970 00:00:01 GMT"), 1000);
  EXPECT_FALSE(parse_http_date_ms("21 Oct 2015"));
  EXPECT_FALSE(parse_http_date_ms("Wed, 21 Foo 2015 07:28:00 GMT"));
  EXPECT_EQ(parse_iso8601_ms("2009-10-12T17:50:30.000Z"), 1255369830000);
  EXPECT_FALSE(parse_iso8601_ms("yesterday"));
}

}  // namespace floe::io
