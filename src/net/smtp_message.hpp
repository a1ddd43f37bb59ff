// The text side of SMTP, with no sockets: addresses, the Internet Message Format (RFC 5322)
// with MIME (RFC 2045-2047), and the DATA transparency rule (RFC 5321 4.5.2). SmtpClient
// uses these; they are pure so that tests can check every byte.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "services/offline/mail_sender.hpp"

namespace juttu::net::smtp {

// RFC 5321's limit on a line, 998 octets plus CRLF.
inline constexpr std::size_t max_line_octets = 998;

// "Name <addr@example.com>" or "addr@example.com" split into its parts.
struct Mailbox {
    std::string name;     // display name, empty when bare; may be UTF-8
    std::string address;  // the bare address, as written (not case-folded)
};

// nullopt unless `text` is a mailbox with one plausible ASCII address inside.
std::optional<Mailbox> parse_mailbox(std::string_view text);

// True when `text` holds CR or LF: such a value would start a header of its own.
bool has_line_break(std::string_view text);

// Why `email` cannot be sent (a bad address, a line break in a header, invalid UTF-8), or
// nullopt when it is fine.
std::optional<std::string> email_problem(const services::Email& email);

// `text` as is when it is printable ASCII that fits, else RFC 2047 encoded-words (UTF-8,
// base64), folded so that no line passes 76 octets.
std::string encode_header_text(std::string_view text);

// "Tue, 01 Jul 2025 09:05:00 +0000" (RFC 5322 date-time, always UTC).
std::string format_date(std::chrono::system_clock::time_point when);

// RFC 2045 quoted-printable of UTF-8 text whose lines are separated by '\n'; CRLF breaks.
std::string quoted_printable(std::string_view text);

enum class BodyEncoding { seven_bit, eight_bit, quoted_printable };

// 7bit for short ASCII lines, 8bit when the relay accepts it (8BITMIME) and the lines fit,
// otherwise quoted-printable.
BodyEncoding choose_body_encoding(std::string_view text, bool eight_bit_allowed);

struct MessageParts {
    std::chrono::system_clock::time_point date;
    std::string message_id;  // without the angle brackets: "random@domain"
    BodyEncoding encoding = BodyEncoding::quoted_printable;
};

// The whole message, headers and body, with CRLF line endings (not yet dot-stuffed).
// `email` must have passed email_problem().
std::string format_message(const services::Email& email, const MessageParts& parts);

// RFC 4648 base64, for AUTH and encoded-words.
std::string base64(std::string_view data);

// DATA's payload: leading dots doubled, every line ended by CRLF, then the lone ".".
std::string dot_stuff(std::string_view message);

}  // namespace juttu::net::smtp
