#include "core/validation.hpp"

#include <gtest/gtest.h>

namespace juttu::core {
namespace {

TEST(LanguageTag, AcceptsTheShapeOfBcp47Tags) {
    for (const char* good : {"fi", "en-GB", "zh-Hant-TW", "sv", "es-419", "fil"}) {
        EXPECT_TRUE(is_valid_language_tag(good)) << good;
    }
    for (const char* bad :
         {"", "f", "1a", "en_GB", "en-", "-en", "en--GB", "en-GB-toolongsubtag", "fi,sv", "e n"}) {
        EXPECT_FALSE(is_valid_language_tag(bad)) << bad;
    }
}

TEST(NormalizeOrigin, LowerCasesAndDropsDefaultPortAndSlash) {
    EXPECT_EQ(normalize_origin("HTTPS://Shop.Example:443/"), "https://shop.example");
    EXPECT_EQ(normalize_origin("http://localhost:8080"), "http://localhost:8080");
    EXPECT_EQ(normalize_origin("http://127.0.0.1:80"), "http://127.0.0.1");
}

TEST(NormalizeOrigin, RefusesAnythingButSchemeHostPort) {
    for (const char* bad : {"", "shop.example", "ftp://shop.example", "https://", "https://a/b",
                            "https://user@shop.example", "https://shop.example:99999",
                            "https://shop.example:", "javascript:alert(1)", "https://-bad.example",
                            "https://sh op.example"}) {
        EXPECT_FALSE(normalize_origin(bad).has_value()) << bad;
    }
}

TEST(NormalizeEmail, TrimsAndLowerCases) {
    EXPECT_EQ(normalize_email("  Anna@Shop.Example "), "anna@shop.example");
    for (const char* bad : {"", "anna", "@shop.example", "anna@", "anna@shop", "a@b@c.d",
                            "anna@.example", "an na@shop.example", "anna@shop.example."}) {
        EXPECT_FALSE(normalize_email(bad).has_value()) << bad;
    }
}

TEST(ClientId, AllowsSafeCharactersUpTo64) {
    EXPECT_TRUE(is_valid_client_id("c-7f3a_1.b:2"));
    EXPECT_TRUE(is_valid_client_id(std::string(64, 'a')));
    EXPECT_FALSE(is_valid_client_id(std::string(65, 'a')));
    EXPECT_FALSE(is_valid_client_id(""));
    EXPECT_FALSE(is_valid_client_id("a b"));
    EXPECT_FALSE(is_valid_client_id("{\"$gt\":\"\"}"));
}

TEST(MessageBody, RefusesBlankTooLongAndInvalidUtf8) {
    EXPECT_FALSE(message_body_problem("Hei! Missä tilaukseni on?").has_value());
    EXPECT_TRUE(message_body_problem(" \n\t ").has_value());
    EXPECT_TRUE(message_body_problem(std::string(10'001, 'a')).has_value());
    EXPECT_FALSE(message_body_problem(std::string(10'000, 'a')).has_value());
    EXPECT_TRUE(message_body_problem("bad \xC3\x28").has_value());
    EXPECT_TRUE(message_body_problem("overlong \xC0\xAF").has_value());
    EXPECT_TRUE(message_body_problem("surrogate \xED\xA0\x80").has_value());
    EXPECT_TRUE(message_body_problem("cut \xE2\x82").has_value());
}

TEST(Utf8, PrefixNeverCutsACharacter) {
    const std::string text = "äöå€x";
    EXPECT_EQ(utf8_length(text), 5U);
    EXPECT_EQ(utf8_prefix(text, 2), "äö");
    EXPECT_EQ(utf8_prefix(text, 4), "äöå€");
    EXPECT_EQ(utf8_prefix(text, 10), text);
    EXPECT_EQ(utf8_prefix(text, 0), "");
}

TEST(Color, OnlyHashAndSixHexDigits) {
    EXPECT_TRUE(is_valid_color("#2b6cB0"));
    EXPECT_FALSE(is_valid_color("2b6cb0"));
    EXPECT_FALSE(is_valid_color("#2b6cb"));
    EXPECT_FALSE(is_valid_color("#2b6cbg"));
}

TEST(HttpUrl, AbsoluteHttpOnly) {
    EXPECT_TRUE(is_valid_http_url("https://shop.example/cart?x=1"));
    EXPECT_FALSE(is_valid_http_url("javascript:alert(1)"));
    EXPECT_FALSE(is_valid_http_url("https:///path"));
    EXPECT_FALSE(is_valid_http_url("https://shop.example/a b"));
    EXPECT_FALSE(is_valid_http_url("https://x.example/" + std::string(2100, 'a')));
}

TEST(Password, LengthInCharacters) {
    EXPECT_TRUE(password_problem("short").has_value());
    EXPECT_FALSE(password_problem("äääääääää").has_value());
    EXPECT_TRUE(password_problem(std::string(257, 'a')).has_value());
}

}  // namespace
}  // namespace juttu::core
