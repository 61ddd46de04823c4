// SigV4 signing checked against the examples AWS publishes in "Signature Calculations for
// the Authorization Header: Transferring Payload in a Single Chunk" (S3 API reference):
// GET Object with a Range header, PUT Object, GET Bucket Lifecycle and List Objects.
#include "io/sigv4.h"

#include <gtest/gtest.h>

namespace floe::io {

namespace {

const AwsCredentials kExampleKeys{"AKIAIOSFODNN7EXAMPLE",
                                  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kDate = "20130524T000000Z";
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";

std::string signature_of(const std::string& authorization) {
  return authorization.substr(authorization.find("Signature=") + 10);
}

}  // namespace

TEST(SigV4, AwsExampleGetObjectWithRange) {
  SigV4Request r;
  r.method = "GET";
  r.canonical_uri = "/test.txt";
  r.headers = {{"Host", kHost}, {"Range", "bytes=0-9"}};
  r.payload_hash = std::string(kEmptyPayloadSha256);
  std::string auth = sign_v4(r, kExampleKeys, "us-east-1", "s3", kDate);

  EXPECT_EQ(
      canonical_request(r),
      "GET\n"
      "/test.txt\n"
      "\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(canonical_request(r), kDate, "us-east-1", "s3"),
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, AwsExamplePutObject) {
  const std::string body = "Welcome to Amazon S3.";
  SigV4Request r;
  r.method = "PUT";
  r.canonical_uri = "/" + uri_encode("test$file.text", false);
  r.headers = {{"Host", kHost},
               {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  r.payload_hash = sha256_hex(body);
  EXPECT_EQ(r.payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  std::string auth = sign_v4(r, kExampleKeys, "us-east-1", "s3", kDate);
  EXPECT_EQ(canonical_request(r).substr(0, 22), "PUT\n/test%24file.text\n");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, AwsExampleGetBucketLifecycle) {
  SigV4Request r;
  r.method = "GET";
  r.canonical_uri = "/";
  r.query = {{"lifecycle", ""}};
  r.headers = {{"Host", kHost}};
  r.payload_hash = std::string(kEmptyPayloadSha256);
  std::string auth = sign_v4(r, kExampleKeys, "us-east-1", "s3", kDate);
  EXPECT_EQ(canonical_query_string(r.query), "lifecycle=");
  EXPECT_EQ(signature_of(auth), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, AwsExampleListObjects) {
  SigV4Request r;
  r.method = "GET";
  r.canonical_uri = "/";
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};  // out of order: the signer sorts
  r.headers = {{"Host", kHost}};
  r.payload_hash = std::string(kEmptyPayloadSha256);
  std::string auth = sign_v4(r, kExampleKeys, "us-east-1", "s3", kDate);
  EXPECT_EQ(canonical_query_string(r.query), "max-keys=2&prefix=J");
  EXPECT_EQ(signature_of(auth), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  AwsCredentials temporary = kExampleKeys;
  temporary.session_token = "token/with+chars=";
  SigV4Request r;
  r.method = "GET";
  r.canonical_uri = "/test.txt";
  r.headers = {{"Host", kHost}};
  r.payload_hash = std::string(kEmptyPayloadSha256);
  std::string auth = sign_v4(r, temporary, "us-east-1", "s3", kDate);
  EXPECT_NE(auth.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
            std::string::npos);
  bool sent = false;
  for (const auto& [k, v] : r.headers)
    sent |= k == "x-amz-security-token" && v == temporary.session_token;
  EXPECT_TRUE(sent);
  // The token is part of the signature: a different token signs differently.
  SigV4Request plain;
  plain.method = "GET";
  plain.canonical_uri = "/test.txt";
  plain.headers = {{"Host", kHost}};
  plain.payload_hash = std::string(kEmptyPayloadSha256);
  EXPECT_NE(signature_of(sign_v4(plain, kExampleKeys, "us-east-1", "s3", kDate)),
            signature_of(auth));
}

TEST(SigV4, UriEncodingFollowsS3) {
  EXPECT_EQ(uri_encode("a b+c", false), "a%20b%2Bc");
  EXPECT_EQ(uri_encode("dir/file.parquet", false), "dir/file.parquet");
  EXPECT_EQ(uri_encode("dir/file", true), "dir%2Ffile");
  EXPECT_EQ(uri_encode("A-Za-z0-9-._~", true), "A-Za-z0-9-._~");
  EXPECT_EQ(uri_encode("=&?#%*", true), "%3D%26%3F%23%25%2A");
  EXPECT_EQ(uri_encode("é", false), "%C3%A9");  // UTF-8 bytes, upper-case hex
  // An already-encoded key is encoded again as data: S3 keys may contain '%'.
  EXPECT_EQ(uri_encode("100%25", false), "100%2525");
  EXPECT_EQ(canonical_query_string({{"prefix", "a/b c"}, {"list-type", "2"}}),
            "list-type=2&prefix=a%2Fb%20c");
}

TEST(SigV4, HeaderValuesAreTrimmedAndFolded) {
  SigV4Request r;
  r.method = "GET";
  r.canonical_uri = "/k";
  r.headers = {{"Host", kHost}, {"X-Amz-Meta-Note", "  two   words  "}};
  r.payload_hash = std::string(kUnsignedPayload);
  EXPECT_NE(canonical_request(r).find("x-amz-meta-note:two words\n"), std::string::npos);
  EXPECT_TRUE(canonical_request(r).ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4, Sha256AndHmac) {
  EXPECT_EQ(sha256_hex(std::string_view()), kEmptyPayloadSha256);
  // RFC 4231 test case 2.
  std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : mac) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::string date = amz_date_now();
  EXPECT_EQ(date.size(), 16u);
  EXPECT_EQ(date[8], 'T');
  EXPECT_EQ(date.back(), 'Z');
}

}  // namespace floe::io
