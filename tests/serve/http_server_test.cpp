// floe serve's HTTP layer: routing (exact, prefix, 404/405), a request through
// libmicrohttpd with its body, the body bound, the health endpoint and the API token.
#include "serve/http_server.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "io/http_client.h"
#include "serve/server.h"

namespace floe::serve {
namespace {

io::HttpResponse call(int port, const std::string& method, const std::string& path,
                      const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
  io::HttpClient client(io::HttpTimeouts{});
  io::HttpRequest r;
  r.method = method;
  r.url = "http://127.0.0.1:" + std::to_string(port) + path;
  r.headers = std::move(headers);
  r.body = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  return client.perform(r);
}

TEST(HttpRouter, ExactPrefixAndErrors) {
  HttpRouter router;
  router.add("GET", "/v1/a",
             [](const HttpRequest&) { return HttpResponse::json(200, "\"exact\""); });
  router.add("POST", "/v1/things/*",
             [](const HttpRequest& r) { return HttpResponse::json(201, "\"" + r.path + "\""); });
  router.add("GET", "/v1/boom",
             [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("bad"); });
  HttpRequest r;
  r.method = "GET";
  r.path = "/v1/a";
  EXPECT_EQ(router.dispatch(r).body, "\"exact\"");
  r.method = "POST";
  EXPECT_EQ(router.dispatch(r).status, 405);
  r.path = "/v1/things/x/records";
  EXPECT_EQ(router.dispatch(r).status, 201);
  r.path = "/v2";
  EXPECT_EQ(router.dispatch(r).status, 404);
  r.method = "GET";
  r.path = "/v1/boom";
  auto boom = router.dispatch(r);
  EXPECT_EQ(boom.status, 500);
  EXPECT_NE(boom.body.find("bad"), std::string::npos);
  EXPECT_EQ(HttpServer::parse_listen(":9000"), (std::pair<std::string, int>{"127.0.0.1", 9000}));
  EXPECT_EQ(HttpServer::parse_listen("0.0.0.0:1"), (std::pair<std::string, int>{"0.0.0.0", 1}));
  EXPECT_THROW(HttpServer::parse_listen("host:port"), Error);
}

class EchoService final : public Service {
 public:
  std::string name() const override { return "echo"; }
  void register_routes(HttpRouter& router) override {
    router.add("POST", "/v1/echo", [this](const HttpRequest& r) {
      HttpResponse out = HttpResponse::json(200, r.body);
      out.headers.emplace_back("X-Target", r.header("x-amz-target"));
      return out;
    });
  }
  void start() override { started = true; }
  void stop() override { stopped = true; }
  bool started = false, stopped = false;
};

TEST(Server, ServesRegisteredServices) {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  Server server(o);
  auto echo = std::make_unique<EchoService>();
  EchoService* e = echo.get();
  server.add_service(std::move(echo));
  server.start();
  EXPECT_TRUE(e->started);
  int port = server.port();
  ASSERT_GT(port, 0);
  std::string big(3 << 20, 'z');  // bodies arrive whole
  auto r = call(port, "POST", "/v1/echo", big, {{"X-Amz-Target", "T.x"}});
  ASSERT_TRUE(r.transport_error.empty()) << r.transport_error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), big.size());
  EXPECT_EQ(r.header("x-target"), "T.x");
  auto health = call(port, "GET", "/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(std::string(health.body_text()).find("\"echo\""), std::string::npos);
  EXPECT_EQ(call(port, "GET", "/nope").status, 404);
  server.stop();
  EXPECT_TRUE(e->stopped);
}

TEST(Server, RejectsBodiesOverTheBound) {
  HttpRouter router;
  router.add("POST", "/x", [](const HttpRequest&) { return HttpResponse::json(200, "{}"); });
  HttpServerOptions o;
  o.port = 0;
  o.max_body_bytes = 1000;
  HttpServer http(o, router);
  http.start();
  EXPECT_EQ(call(http.port(), "POST", "/x", std::string(10, 'a')).status, 200);
  EXPECT_EQ(call(http.port(), "POST", "/x", std::string(5000, 'a')).status, 413);
  http.stop();
}

TEST(Server, ApiTokenIsChecked) {
  ServerOptions o;
  o.api_token = "s3cret";
  Server server(o);
  HttpRequest r;
  EXPECT_FALSE(server.authorized(r));
  r.headers["authorization"] = "Bearer s3cret";
  EXPECT_TRUE(server.authorized(r));
}

}  // namespace
}  // namespace floe::serve
