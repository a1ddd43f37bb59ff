#include "api/cors.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace juttu::api::cors {
namespace {

namespace http = boost::beast::http;

const std::vector<std::string> shop{"https://shop.example", "http://localhost:8080"};

net::Request request_from(std::string_view origin, http::verb verb = http::verb::options) {
    net::Request request{verb, "/rt/poll", 11};
    if (!origin.empty()) request.set(http::field::origin, origin);
    return request;
}

TEST(Cors, AnAllowedOriginIsEchoedAsSent) {
    EXPECT_EQ(allowed_origin(request_from("https://shop.example"), shop), "https://shop.example");
    // The same origin spelled differently normalises to an allowed one; the echo is the
    // browser's own spelling.
    EXPECT_EQ(allowed_origin(request_from("https://SHOP.example:443"), shop),
              "https://SHOP.example:443");
    EXPECT_EQ(allowed_origin(request_from("http://localhost:8080"), shop), "http://localhost:8080");
}

TEST(Cors, OtherOriginsNoOriginAndMalformedOnesAreNotAllowed) {
    EXPECT_FALSE(allowed_origin(request_from("https://evil.example"), shop));
    EXPECT_FALSE(allowed_origin(request_from("http://shop.example"), shop));  // scheme differs
    EXPECT_FALSE(allowed_origin(request_from("https://shop.example.evil.example"), shop));
    EXPECT_FALSE(allowed_origin(request_from(""), shop));
    EXPECT_FALSE(allowed_origin(request_from("null"), shop));
    EXPECT_FALSE(allowed_origin(request_from("https://shop.example/path"), shop));
    EXPECT_FALSE(allowed_origin(request_from("https://shop.example"), {}));
}

TEST(Cors, PreflightOfAnAllowedOriginNamesMethodsHeadersAndMaxAge) {
    const auto response = preflight(request_from("https://shop.example"), shop);
    EXPECT_EQ(response.result(), http::status::no_content);
    EXPECT_EQ(response[http::field::access_control_allow_origin], "https://shop.example");
    const std::string_view methods = response[http::field::access_control_allow_methods];
    EXPECT_NE(methods.find("POST"), std::string_view::npos);
    EXPECT_NE(methods.find("GET"), std::string_view::npos);
    const std::string_view headers = response[http::field::access_control_allow_headers];
    for (auto name : {"Authorization", "Content-Type", "Idempotency-Key"}) {
        EXPECT_NE(headers.find(name), std::string_view::npos) << name;
    }
    EXPECT_FALSE(response[http::field::access_control_max_age].empty());
    EXPECT_EQ(response[http::field::vary], "Origin");
    EXPECT_TRUE(response[http::field::access_control_allow_credentials].empty());
}

TEST(Cors, PreflightOfAnotherOriginIsRefusedWithAJsonErrorAndNoAllowOrigin) {
    const auto response = preflight(request_from("https://evil.example"), shop);
    EXPECT_EQ(response.result(), http::status::forbidden);
    EXPECT_TRUE(response[http::field::access_control_allow_origin].empty());
    EXPECT_TRUE(response[http::field::access_control_allow_methods].empty());
    EXPECT_EQ(response[http::field::vary], "Origin");
    EXPECT_NE(response.body().find(R"("code":"origin_not_allowed")"), std::string::npos);
}

TEST(Cors, TheActualAnswerNamesOnlyAnAllowedOriginAndAlwaysVaries) {
    net::Response allowed{http::status::ok, 11};
    allowed.set(http::field::vary, "Accept-Encoding");
    EXPECT_TRUE(
        allow_origin(allowed, request_from("https://shop.example", http::verb::post), shop));
    EXPECT_EQ(allowed[http::field::access_control_allow_origin], "https://shop.example");
    EXPECT_EQ(allowed[http::field::vary], "Accept-Encoding, Origin");

    net::Response refused{http::status::ok, 11};
    EXPECT_FALSE(
        allow_origin(refused, request_from("https://evil.example", http::verb::post), shop));
    EXPECT_TRUE(refused[http::field::access_control_allow_origin].empty());
    EXPECT_EQ(refused[http::field::vary], "Origin");

    // Twice on one answer: Origin is named once.
    allow_origin(allowed, request_from("https://shop.example", http::verb::post), shop);
    EXPECT_EQ(allowed[http::field::vary], "Accept-Encoding, Origin");
}

}  // namespace
}  // namespace juttu::api::cors
