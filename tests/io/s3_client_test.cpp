// The S3 client and S3FileIO against a scripted HTTP server on loopback: retries and what is
// never retried, timeouts, error messages, signing headers, pagination, multipart upload
// and abort, ranged and cached reads. (tests/interop/test_s3.py runs a real store.)
#include "io/s3_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "io/s3_file_io.h"
#include "io/sigv4.h"

namespace floe::io {

namespace {

struct SeenRequest {
  std::string method;
  std::string target;                                        // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return "";
  }
};

struct Reply {
  Reply() = default;
  Reply(int s, std::string b, std::vector<std::pair<std::string, std::string>> h = {})
      : status(s), body(std::move(b)), headers(std::move(h)) {}
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool hang = false;  // read the request, never answer
};

Reply s3_error(int status, const std::string& code, const std::string& message) {
  return {status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
                      "</Code><Message>" + message + "</Message></Error>"};
}

// One connection at a time; answers each request from `handler` and closes the connection.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<Reply(const SeenRequest&)> handler)
      : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("cannot listen on loopback");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      handle(c);
      ::close(c);
    }
  }

  void handle(int c) {
    std::string data;
    char buf[65536];
    size_t head_end;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      data.append(buf, size_t(n));
    }
    SeenRequest req;
    std::string head = data.substr(0, head_end);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    req.method = first.substr(0, first.find(' '));
    req.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    size_t content_length = 0;
    size_t pos = line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") content_length = std::stoul(value);
      req.headers.emplace_back(name, value);
      pos = e + 2;
    }
    req.body = data.substr(head_end + 4);
    while (req.body.size() < content_length) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.body.append(buf, size_t(n));
    }
    Reply reply;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(req);
      reply = handler_(req);
    }
    if (reply.hang) {
      while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
    for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
    bool sized = false;
    for (const auto& [k, v] : reply.headers) sized |= k == "Content-Length";
    if (!sized && (req.method != "HEAD" || reply.status < 300))
      out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    if (req.method != "HEAD") out += reply.body;
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
  }

  std::function<Reply(const SeenRequest&)> handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<SeenRequest> seen_;
  std::thread thread_;
};

S3Options options_for(const ScriptedServer& server) {
  S3Options o;
  o.endpoint = server.endpoint();
  o.access_key = "AKIDTEST";
  o.secret_key = "secret";
  o.base_backoff_ms = 1;
  o.max_backoff_ms = 5;
  o.connect_timeout_s = 2;
  o.stall_timeout_s = 1;
  return o;
}

std::string text(const Buffer& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const IoError& e) {
    return e.what();
  }
  return "no IoError";
}

const S3Location kLoc{"s3", "bucket", "dir/a b.txt"};

}  // namespace

TEST(S3Client, RetriesThrottlingAndServerErrorsThenSucceeds) {
  int n = 0;
  ScriptedServer server([&](const SeenRequest&) {
    ++n;
    if (n == 1) return s3_error(503, "SlowDown", "Please reduce your request rate.");
    if (n == 2) return s3_error(500, "InternalError", "We encountered an internal error.");
    if (n == 3) return Reply{429, ""};
    return Reply{206, "hello"};
  });
  S3Client client(options_for(server));
  EXPECT_EQ(text(client.get_object(kLoc, 10, 5)), "hello");
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].target, "/bucket/dir/a%20b.txt");  // path-style, S3-encoded once
  EXPECT_EQ(seen[0].header("range"), "bytes=10-14");
  EXPECT_EQ(seen[0].header("host"), server.endpoint().substr(7));
  EXPECT_TRUE(seen[0].header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"));
  EXPECT_EQ(seen[0].header("x-amz-content-sha256"), kEmptyPayloadSha256);
}

TEST(S3Client, ClientErrorsAreNotRetriedAndNameTheLocation) {
  ScriptedServer server([](const SeenRequest&) {
    return s3_error(403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you "
                    "provided.");
  });
  S3Client client(options_for(server));
  std::string msg = error_of([&] { client.get_object(kLoc, 0, 10); });
  EXPECT_EQ(msg,
            "s3://bucket/dir/a b.txt: GET failed: 403 SignatureDoesNotMatch: The request "
            "signature we calculated does not match the signature you provided.");
  EXPECT_EQ(server.seen().size(), 1u);
}

TEST(S3Client, GivesUpAfterTheLastAttempt) {
  ScriptedServer server([](const SeenRequest&) { return Reply{502, "bad gateway"}; });
  S3Options o = options_for(server);
  o.max_attempts = 3;
  S3Client client(o);
  std::string msg = error_of([&] { client.put_object(kLoc, {}); });
  EXPECT_NE(msg.find("s3://bucket/dir/a b.txt: PUT failed: 502 Bad Gateway"), std::string::npos)
      << msg;
  EXPECT_EQ(server.seen().size(), 3u);
}

TEST(S3Client, StalledServerTimesOutInsteadOfHanging) {
  ScriptedServer server([](const SeenRequest&) {
    Reply r;
    r.hang = true;
    return r;
  });
  S3Options o = options_for(server);
  o.max_attempts = 1;
  S3Client client(o);
  auto t0 = std::chrono::steady_clock::now();
  std::string msg = error_of([&] { client.get_object(kLoc, 0, 10); });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(msg.find("s3://bucket/dir/a b.txt: GET failed: Timeout"), std::string::npos) << msg;
  EXPECT_LT(secs, 10.0);
}

TEST(S3Client, RefusedConnectionIsRetriedBoundedly) {
  // A port that is bound but not listening refuses connections, and stays ours meanwhile.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  S3Options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(port);
  o.base_backoff_ms = 1;
  o.max_backoff_ms = 2;
  o.max_attempts = 3;
  S3Client client(o);
  std::string msg = error_of([&] { client.head_object(kLoc, false); });
  EXPECT_NE(msg.find("s3://bucket/dir/a b.txt: HEAD failed: Couldn't connect"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("3 attempts"), std::string::npos) << msg;
  ::close(fd);
}

TEST(S3Client, HeadOfMissingObjectSaysWhichPartIsMissing) {
  ScriptedServer server([](const SeenRequest& r) {
    if (r.method == "HEAD") return Reply{404, ""};
    if (r.target.starts_with("/nobucket/"))
      return s3_error(404, "NoSuchBucket", "The specified bucket does not exist");
    return s3_error(404, "NoSuchKey", "The specified key does not exist.");
  });
  S3Client client(options_for(server));
  EXPECT_FALSE(client.head_object(kLoc, true));
  EXPECT_EQ(error_of([&] { client.head_object(kLoc, false); }),
            "s3://bucket/dir/a b.txt: HEAD failed: 404 NoSuchKey: The specified key does not "
            "exist.");
  S3Location nobucket{"s3", "nobucket", "k"};
  EXPECT_EQ(error_of([&] { client.head_object(nobucket, true); }),
            "s3://nobucket/k: HEAD failed: 404 NoSuchBucket: The specified bucket does not exist");
}

TEST(S3Client, ListFollowsContinuationTokens) {
  ScriptedServer server([](const SeenRequest& r) {
    if (r.target.find("continuation-token=") == std::string::npos)
      return Reply{200,
                   "<ListBucketResult><IsTruncated>true</IsTruncated>"
                   "<Contents><Key>p/1</Key><Size>1</Size></Contents>"
                   "<NextContinuationToken>tok/+=</NextContinuationToken></ListBucketResult>"};
    return Reply{200,
                 "<ListBucketResult><IsTruncated>false</IsTruncated>"
                 "<Contents><Key>p/2</Key><Size>2</Size></Contents></ListBucketResult>"};
  });
  S3Client client(options_for(server));
  auto objects = client.list_objects({"s3", "bucket", "p/"});
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[1].key, "p/2");
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/bucket?list-type=2&prefix=p%2F");
  EXPECT_EQ(seen[1].target, "/bucket?continuation-token=tok%2F%2B%3D&list-type=2&prefix=p%2F");
}

TEST(S3Client, TruncatedListWithoutTokenIsAnError) {
  ScriptedServer server([](const SeenRequest&) {
    return Reply{200, "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"};
  });
  S3Client client(options_for(server));
  EXPECT_NE(error_of([&] {
              client.list_objects({"s3", "bucket", ""});
            }).find("truncated"),
            std::string::npos);
}

TEST(S3FileIO, ExistsRemoveAndList) {
  ScriptedServer server([](const SeenRequest& r) {
    if (r.target.starts_with("/nobucket"))
      return s3_error(404, "NoSuchBucket", "The specified bucket does not exist");
    if (r.method == "HEAD" && r.target == "/bucket/here") return Reply{200, ""};
    if (r.method == "HEAD") return Reply{404, ""};
    if (r.method == "DELETE" && r.target == "/bucket/gone")
      return s3_error(404, "NoSuchKey", "The specified key does not exist.");
    if (r.method == "DELETE") return Reply{204, ""};
    if (r.target.starts_with("/bucket?"))
      return Reply{200,
                   "<ListBucketResult><IsTruncated>false</IsTruncated>"
                   "<Contents><Key>d/a</Key><Size>3</Size>"
                   "<LastModified>2024-03-01T00:00:00.000Z</LastModified></Contents>"
                   "<Contents><Key>d/sub/</Key><Size>0</Size></Contents></ListBucketResult>"};
    return s3_error(404, "NoSuchKey", "The specified key does not exist.");
  });
  S3FileIO fio(options_for(server));
  EXPECT_TRUE(fio.exists("s3://bucket/here"));
  EXPECT_FALSE(fio.exists("s3://bucket/missing"));
  EXPECT_NE(error_of([&] { fio.exists("s3://nobucket/k"); }).find("404 NoSuchBucket"),
            std::string::npos);
  fio.remove("s3://bucket/here");
  fio.remove("s3://bucket/gone");  // missing is fine
  EXPECT_NE(
      error_of([&] { fio.remove("s3://nobucket/k"); }).find("DELETE failed: 404 NoSuchBucket"),
      std::string::npos);
  auto files = fio.list("s3n://bucket/d/");
  ASSERT_EQ(files.size(), 1u);  // the folder marker is left out
  EXPECT_EQ(files[0].location, "s3n://bucket/d/a");
  EXPECT_EQ(files[0].size, 3u);
  EXPECT_EQ(files[0].modified_ms, 1709251200000);
  EXPECT_THROW(fio.open_input("s3://bucket/"), InvalidInputError);
  EXPECT_THROW(fio.create_output("s3://bucket"), InvalidInputError);
}

TEST(S3FileIO, MultipartUploadInParts) {
  ScriptedServer server([](const SeenRequest& r) {
    if (r.method == "POST" && r.target.ends_with("?uploads="))
      return Reply{200,
                   "<InitiateMultipartUploadResult><UploadId>up1</UploadId>"
                   "</InitiateMultipartUploadResult>"};
    if (r.method == "PUT") {
      size_t p = r.target.find("partNumber=");
      return Reply{200, "", {{"ETag", "\"etag" + r.target.substr(p + 11, 1) + "\""}}};
    }
    return Reply{200, "<CompleteMultipartUploadResult/>"};
  });
  S3Options o = options_for(server);
  o.part_size = 1000;
  o.multipart_threshold = 1000;
  S3FileIO fio(o);
  auto out = fio.create_output("s3://bucket/big.bin");
  std::string data(2500, 'x');
  out->write(data.data(), 700);
  out->write(data.data(), 1800);
  EXPECT_EQ(out->position(), 2500u);
  out->close();
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].target, "/bucket/big.bin?uploads=");
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(seen[size_t(i)].target,
              "/bucket/big.bin?partNumber=" + std::to_string(i) + "&uploadId=up1");
    EXPECT_EQ(seen[size_t(i)].body.size(), i < 3 ? 1000u : 500u);
    // Parts carry the hash of their own bytes, so the store checks them.
    EXPECT_EQ(seen[size_t(i)].header("x-amz-content-sha256"), sha256_hex(seen[size_t(i)].body));
  }
  EXPECT_EQ(seen[4].target, "/bucket/big.bin?uploadId=up1");
  EXPECT_EQ(seen[4].body,
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;etag1&quot;"
            "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;etag2&quot;</ETag></Part>"
            "<Part><PartNumber>3</PartNumber><ETag>&quot;etag3&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3FileIO, SmallObjectIsOnePutOnlyOnClose) {
  ScriptedServer server([](const SeenRequest&) { return Reply{200, "", {{"ETag", "\"e\""}}}; });
  S3Options o = options_for(server);
  o.multipart_threshold = 1000;
  o.part_size = 1000;
  S3FileIO fio(o);
  {
    auto dropped = fio.create_output("s3://bucket/never.bin");
    dropped->write("abc", 3);
  }
  EXPECT_TRUE(server.seen().empty());  // dropped without close: nothing sent
  auto out = fio.create_output("s3://bucket/small.bin");
  std::string data(1000, 'y');  // exactly the threshold: still one PUT
  out->write(data.data(), data.size());
  EXPECT_TRUE(server.seen().empty());
  out->close();
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].target, "/bucket/small.bin");
  EXPECT_EQ(seen[0].body, data);
}

TEST(S3FileIO, FailedPartOrDroppedWriterAbortsTheUpload) {
  ScriptedServer server([](const SeenRequest& r) {
    if (r.method == "POST" && r.target.ends_with("?uploads="))
      return Reply{200,
                   "<InitiateMultipartUploadResult><UploadId>up2</UploadId>"
                   "</InitiateMultipartUploadResult>"};
    if (r.method == "PUT" && r.target.find("partNumber=2") != std::string::npos)
      return s3_error(403, "AccessDenied", "Access Denied");
    if (r.method == "PUT") return Reply{200, "", {{"ETag", "\"e\""}}};
    return Reply{204, ""};
  });
  S3Options o = options_for(server);
  o.part_size = 1000;
  o.multipart_threshold = 1000;
  S3FileIO fio(o);
  std::string data(5000, 'z');
  std::string msg = error_of([&] {
    auto out = fio.create_output("s3://bucket/fail.bin");
    out->write(data.data(), data.size());
    out->close();
  });
  EXPECT_EQ(msg, "s3://bucket/fail.bin: UploadPart 2 failed: 403 AccessDenied: Access Denied");
  auto seen = server.seen();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().method, "DELETE");
  EXPECT_EQ(seen.back().target, "/bucket/fail.bin?uploadId=up2");
  for (const auto& r : seen)  // never completed
    EXPECT_FALSE(r.method == "POST" && r.target.ends_with("?uploadId=up2"));

  size_t before = server.seen().size();
  {
    auto out = fio.create_output("s3://bucket/dropped.bin");
    out->write(data.data(), 1500);  // starts the upload and its first part
  }
  seen = server.seen();
  ASSERT_GT(seen.size(), before);
  EXPECT_EQ(seen.back().method, "DELETE");
  EXPECT_EQ(seen.back().target, "/bucket/dropped.bin?uploadId=up2");
}

TEST(S3FileIO, ReadsSmallObjectsWholeAndLargeOnesByRange) {
  std::string object(100000, '\0');
  for (size_t i = 0; i < object.size(); ++i) object[i] = char('a' + i % 26);
  ScriptedServer server([&](const SeenRequest& r) {
    if (r.method == "HEAD")
      return Reply{200,
                   "",
                   {{"Content-Length", std::to_string(object.size())},
                    {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}}};
    std::string range = r.header("range");
    if (range.empty()) return Reply{200, object};
    size_t dash = range.find('-');
    size_t a = std::stoul(range.substr(6, dash - 6)), b = std::stoul(range.substr(dash + 1));
    return Reply{206, object.substr(a, b - a + 1)};
  });
  S3Options o = options_for(server);
  {
    S3FileIO fio(o);  // 100 kB is small: one GET of everything
    auto in = fio.open_input("s3://bucket/obj");
    EXPECT_EQ(in->size(), object.size());
    auto s = in->read_at(99990, 10);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.data()), 10), object.substr(99990));
    in->read_at(0, 4);
    EXPECT_EQ(server.seen().size(), 2u);  // HEAD, GET
    EXPECT_THROW(in->read_at(99999, 2), CorruptDataError);
  }
  o.whole_read_threshold = 1000;
  S3FileIO fio(o);
  size_t before = server.seen().size();
  auto in = fio.open_input("s3://bucket/obj");
  // A small read near the end (a footer) fetches up to 256 KiB before it: here everything.
  auto tail = in->read_at(99992, 8);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(tail.data()), 8), object.substr(99992));
  auto head = in->read_at(0, 4);  // served from the same range
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(head.data()), 4), "abcd");
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), before + 2);  // HEAD and one ranged GET
  EXPECT_EQ(seen.back().header("range"), "bytes=0-99999");
  char buf[5];
  in->read_into(26, 5, buf);
  EXPECT_EQ(std::string(buf, 5), "abcde");
}

}  // namespace floe::io
