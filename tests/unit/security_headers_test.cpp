#include "net/security_headers.hpp"

#include <gtest/gtest.h>

namespace juttu::net {
namespace {

TEST(AnswerKind, ByPathAndContentType) {
    EXPECT_EQ(answer_kind("/console/", "text/html; charset=utf-8"), AnswerKind::console_page);
    EXPECT_EQ(answer_kind("/console/index.html", "text/html; charset=utf-8"),
              AnswerKind::console_page);
    EXPECT_EQ(answer_kind("/", "text/html; charset=utf-8"), AnswerKind::page);
    EXPECT_EQ(answer_kind("/demo/cart.html", "text/html; charset=utf-8"), AnswerKind::page);
    // "/consoles" is not the console.
    EXPECT_EQ(answer_kind("/consoles/", "text/html; charset=utf-8"), AnswerKind::page);
    EXPECT_EQ(answer_kind("/widget.js", "text/javascript; charset=utf-8"), AnswerKind::widget);
    EXPECT_EQ(answer_kind("/console/app.js", "text/javascript; charset=utf-8"), AnswerKind::data);
    EXPECT_EQ(answer_kind("/api/v1/sites", "application/json"), AnswerKind::data);
    EXPECT_EQ(answer_kind("/console", ""), AnswerKind::data);  // the redirect
}

TEST(SecurityHeaders, EveryKindGetsNosniffAReferrerPolicyAndACsp) {
    for (auto kind :
         {AnswerKind::data, AnswerKind::console_page, AnswerKind::page, AnswerKind::widget}) {
        Response response;
        response.set("X-Content-Type-Options", "old");
        add_security_headers(response, kind);
        EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
        EXPECT_FALSE(response["Referrer-Policy"].empty());
        const std::string_view csp = response["Content-Security-Policy"];
        EXPECT_EQ(csp, content_security_policy(kind));
        EXPECT_EQ(csp.find("unsafe"), std::string_view::npos) << csp;
        EXPECT_NE(csp.find("frame-ancestors"), std::string_view::npos) << csp;
    }
}

TEST(SecurityHeaders, OnlyOurOwnPagesMayFrameTheDemoAndNoPageTheConsole) {
    EXPECT_NE(content_security_policy(AnswerKind::console_page).find("frame-ancestors 'none'"),
              std::string_view::npos);
    EXPECT_NE(content_security_policy(AnswerKind::page).find("frame-ancestors 'self'"),
              std::string_view::npos);
    Response console;
    add_security_headers(console, AnswerKind::console_page);
    EXPECT_EQ(console["X-Frame-Options"], "DENY");
    Response page;
    add_security_headers(page, AnswerKind::page);
    EXPECT_EQ(page["X-Frame-Options"], "SAMEORIGIN");
}

TEST(SecurityHeaders, OnlyTheWidgetMayBeLoadedByOtherOrigins) {
    Response widget;
    add_security_headers(widget, AnswerKind::widget);
    EXPECT_EQ(widget["Cross-Origin-Resource-Policy"], "cross-origin");
    Response data;
    add_security_headers(data, AnswerKind::data);
    EXPECT_EQ(data["Cross-Origin-Resource-Policy"], "same-origin");
    EXPECT_EQ(data["Content-Security-Policy"], "default-src 'none'; frame-ancestors 'none'");
}

}  // namespace
}  // namespace juttu::net
