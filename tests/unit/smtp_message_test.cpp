#include "net/smtp_message.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace juttu::net::smtp {
namespace {

std::vector<std::string> crlf_split(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", start)) {
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    lines.push_back(text.substr(start));
    return lines;
}

TEST(SmtpBase64, MatchesRfc4648Vectors) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foob"), "Zm9vYg==");
    EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64(std::string("\0anna\0pw", 8)), "AGFubmEAcHc=");
}

TEST(SmtpMailbox, SplitsNameAndAddress) {
    auto named = parse_mailbox("  Demo shop <support@shop.example> ");
    ASSERT_TRUE(named);
    EXPECT_EQ(named->name, "Demo shop");
    EXPECT_EQ(named->address, "support@shop.example");
    auto quoted = parse_mailbox(R"("Anna \"A\" Smith" <Anna@Shop.example>)");
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted->name, R"(Anna "A" Smith)");
    EXPECT_EQ(quoted->address, "Anna@Shop.example");  // case kept: local parts may care
    auto bare = parse_mailbox("visitor@example.com");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->name, "");
    EXPECT_EQ(bare->address, "visitor@example.com");
}

TEST(SmtpMailbox, RefusesWhatIsNotOneAsciiAddress) {
    for (const char* bad :
         {"", "shop", "Shop <>", "Shop <a@b>", "a@b@c.example", "<a b@c.example>", "a@c.example>",
          "pää@shop.example", "Shop <a@shop.example> extra", "a@shop.example, b@shop.example"}) {
        EXPECT_FALSE(parse_mailbox(bad)) << bad;
    }
    std::string long_local(65, 'a');
    long_local += "@shop.example";
    EXPECT_FALSE(parse_mailbox(long_local));  // RFC 5321: local parts up to 64 octets
}

TEST(SmtpEmail, RefusesLineBreaksInHeaders) {
    services::Email email{"support@shop.example", "visitor@example.com", "", "Hello", "Body"};
    EXPECT_FALSE(email_problem(email));
    auto injected = email;
    injected.subject = "Hello\r\nBcc: victim@example.com";
    EXPECT_EQ(email_problem(injected), "subject must be one line");
    injected = email;
    injected.to = "visitor@example.com\nBcc: victim@example.com";
    EXPECT_EQ(email_problem(injected), "to must be one line");
    injected = email;
    injected.from = "Shop\r <support@shop.example>";
    EXPECT_EQ(email_problem(injected), "from must be one line");
    injected = email;
    injected.reply_to = "a@shop.example\n";
    EXPECT_EQ(email_problem(injected), "reply-to must be one line");
    injected = email;
    injected.subject = std::string("a\0b", 3);
    EXPECT_EQ(email_problem(injected), "subject holds a control character");
    injected = email;
    injected.text = "\xff";
    EXPECT_EQ(email_problem(injected), "text is not valid UTF-8");
}

TEST(SmtpHeaderText, KeepsShortAsciiAndEncodesTheRest) {
    EXPECT_EQ(encode_header_text("Order 42 shipped"), "Order 42 shipped");
    // "=?" would otherwise read as an encoded-word.
    EXPECT_EQ(encode_header_text("a =?b"), "=?UTF-8?B?YSA9P2I=?=");
    EXPECT_EQ(encode_header_text("Hyvä"), "=?UTF-8?B?SHl2w6Q=?=");
}

TEST(SmtpHeaderText, FoldsLongTextWithoutCuttingCharacters) {
    std::string text;
    for (int i = 0; i < 40; ++i) text += "ä€🙂";  // 2, 3 and 4 octets
    const auto encoded = encode_header_text(text);
    std::string decoded_bytes;
    for (const auto& line : crlf_split(encoded)) {
        const std::string word = line.starts_with(" ") ? line.substr(1) : line;
        ASSERT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
        EXPECT_LE(word.size(), 75u);
        EXPECT_LE(line.size() + 9, 78u);  // "Subject: " on the first line
        // Every word must decode to whole characters: its last byte ends one.
        const auto payload = word.substr(10, word.size() - 12);
        EXPECT_EQ(payload.size() % 4, 0u);
    }
    EXPECT_GT(crlf_split(encoded).size(), 5u);
}

TEST(SmtpDate, IsRfc5322InUtc) {
    // 2025-07-01 09:05:03 UTC, a Tuesday.
    const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1751360703));
    EXPECT_EQ(format_date(when), "Tue, 01 Jul 2025 09:05:03 +0000");
}

TEST(SmtpQuotedPrintable, EscapesAndSoftBreaks) {
    EXPECT_EQ(quoted_printable("a=b"), "a=3Db");
    EXPECT_EQ(quoted_printable("Hyvä"), "Hyv=C3=A4");
    EXPECT_EQ(quoted_printable("end \nnext\t"), "end=20\r\nnext=09");
    EXPECT_EQ(quoted_printable("in between"), "in between");
    std::string long_text(200, 'x');
    long_text += "ä";
    const auto long_line = quoted_printable(long_text);
    for (const auto& line : crlf_split(long_line)) EXPECT_LE(line.size(), 76u) << line;
    std::string joined;
    for (const auto& line : crlf_split(long_line)) {
        joined += line.ends_with("=") ? line.substr(0, line.size() - 1) : line;
    }
    long_text.replace(200, std::string::npos, "=C3=A4");
    EXPECT_EQ(joined, long_text);
}

TEST(SmtpBodyEncoding, PicksTheLeastChange) {
    EXPECT_EQ(choose_body_encoding("plain ascii\nlines", true), BodyEncoding::seven_bit);
    EXPECT_EQ(choose_body_encoding("ääkköset", true), BodyEncoding::eight_bit);
    EXPECT_EQ(choose_body_encoding("ääkköset", false), BodyEncoding::quoted_printable);
    EXPECT_EQ(choose_body_encoding(std::string(999, 'a'), true), BodyEncoding::quoted_printable);
    EXPECT_EQ(choose_body_encoding(std::string(998, 'a'), true), BodyEncoding::seven_bit);
    EXPECT_EQ(choose_body_encoding(std::string("a\0b", 3), true), BodyEncoding::quoted_printable);
}

TEST(SmtpDotStuff, DoublesLeadingDotsAndEnds) {
    EXPECT_EQ(dot_stuff("a\r\n.b\r\n..c\r\n.\r\n"), "a\r\n..b\r\n...c\r\n..\r\n.\r\n");
    EXPECT_EQ(dot_stuff("no final break"), "no final break\r\n.\r\n");
    EXPECT_EQ(dot_stuff("x. y\r\n"), "x. y\r\n.\r\n");
}

TEST(SmtpMessage, HasTheHeadersAndCrlfBody) {
    services::Email email{"Kauppa Ääkkönen <support@shop.example>", "visitor@example.com",
                          "Anna, Shop <anna@shop.example>", "Re: order", "Hello\r\nthere\n"};
    MessageParts parts{std::chrono::system_clock::time_point(std::chrono::seconds(1751360703)),
                       "abc@shop.example", BodyEncoding::seven_bit};
    EXPECT_EQ(format_message(email, parts),
              "Date: Tue, 01 Jul 2025 09:05:03 +0000\r\n"
              "From: =?UTF-8?B?S2F1cHBhIMOEw6Rra8O2bmVu?= <support@shop.example>\r\n"
              "To: visitor@example.com\r\n"
              "Reply-To: \"Anna, Shop\" <anna@shop.example>\r\n"
              "Subject: Re: order\r\n"
              "Message-ID: <abc@shop.example>\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 7bit\r\n"
              "\r\n"
              "Hello\r\nthere\r\n");
}

}  // namespace
}  // namespace juttu::net::smtp
