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

TEST(ControlCharacters, SingleLineRefusesEveryControlCharacter) {
    EXPECT_TRUE(is_single_line("Kauppa Oy — Nordic homeware"));
    EXPECT_TRUE(is_single_line(""));
    for (std::string_view bad :
         {std::string_view("a\nb"), std::string_view("a\rb"), std::string_view("a\tb"),
          std::string_view("a\0b", 3), std::string_view("\x1b[31m"), std::string_view("del\x7f"),
          std::string_view("c1 \xc2\x85"), std::string_view("ls \xe2\x80\xa8"),
          std::string_view("ps \xe2\x80\xa9")}) {
        EXPECT_FALSE(is_single_line(bad)) << bad;
    }
    // Neighbours of the refused code points are ordinary text.
    EXPECT_TRUE(is_single_line("\xc2\xa0 \xe2\x80\xa6 \xe2\x80\x94"));
}

TEST(ControlCharacters, CleanTextKeepsNewlineAndTabOnly) {
    EXPECT_TRUE(is_clean_text("line one\nline two\tindented"));
    for (std::string_view bad :
         {std::string_view("\0", 1), std::string_view("a\rb"), std::string_view("bell\a"),
          std::string_view("\x7f"), std::string_view("\xc2\x9f")}) {
        EXPECT_FALSE(is_clean_text(bad)) << bad;
    }
}

TEST(ControlCharacters, LineProblemNamesTheReason) {
    EXPECT_EQ(line_problem("Anna", 200), std::nullopt);
    EXPECT_EQ(line_problem("", 200, true), std::nullopt);
    EXPECT_NE(line_problem("", 200), std::nullopt);
    EXPECT_NE(line_problem("Shop\r\nBcc: x@example.com", 200), std::nullopt);
    EXPECT_NE(line_problem(std::string(201, 'a'), 200), std::nullopt);
    EXPECT_NE(line_problem("\xff", 200), std::nullopt);
}

TEST(MessageBody, RefusesNulAndControlCharacters) {
    EXPECT_EQ(message_body_problem("Hello\n\tworld"), std::nullopt);
    EXPECT_NE(message_body_problem(std::string_view("\0", 1)), std::nullopt);
    EXPECT_NE(message_body_problem("ok\x1b"), std::nullopt);
}

}  // namespace
}  // namespace juttu::core
