#include "net/smtp_message.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <vector>

#include "core/validation.hpp"

namespace juttu::net::smtp {

namespace {

// Encoded-words of this many input bytes stay within RFC 2047's 75 characters, and a
// folded "Subject: " line within the recommended 78.
constexpr std::size_t encoded_word_bytes = 39;
// Quoted-printable lines are at most 76 characters, the soft-break '=' included.
constexpr std::size_t qp_line_chars = 75;
// Header text longer than this is folded (as encoded-words), so that "Subject: " and it
// stay within the 78 characters RFC 5322 recommends.
constexpr std::size_t plain_header_chars = 66;
constexpr std::size_t max_subject_bytes = 998;

std::string_view trim(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return text;
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f;
    });
}

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

// SMTP without the SMTPUTF8 extension carries ASCII addresses only.
bool is_plausible_address(std::string_view address) {
    if (!core::normalize_email(address) || !is_ascii(address)) return false;
    return address.find('@') <= 64;  // RFC 5321's limit on the local part
}

// "Anna \"A\" Smith" -> Anna "A" Smith: the display name as the user meant it.
std::string unquote(std::string_view name) {
    if (name.size() < 2 || name.front() != '"' || name.back() != '"') return std::string(name);
    std::string out;
    for (std::size_t i = 1; i + 1 < name.size(); ++i) {
        if (name[i] == '\\' && i + 2 < name.size()) ++i;
        out += name[i];
    }
    return out;
}

// A display name as an RFC 5322 phrase: atoms as they are, anything with specials quoted,
// anything non-ASCII (or too long for one line) as encoded-words.
std::string format_phrase(std::string_view name) {
    if (!is_ascii(name) || name.size() > plain_header_chars) return encode_header_text(name);
    constexpr std::string_view specials = "()<>[]:;@\\,.\"";
    if (name.find_first_of(specials) == std::string_view::npos) return std::string(name);
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + '"';
}

std::string format_mailbox(const Mailbox& mailbox) {
    if (mailbox.name.empty()) return mailbox.address;
    return format_phrase(mailbox.name) + " <" + mailbox.address + ">";
}

// Text lines separated by '\n' whatever the writer used.
std::string normalize_newlines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            return lines;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

std::string crlf_lines(std::string_view text) {
    std::string out;
    for (auto line : split_lines(text)) {
        out += line;
        out += "\r\n";
    }
    return out;
}

// The longest prefix of at most `max` bytes that does not cut a UTF-8 character.
std::size_t utf8_cut(std::string_view text, std::size_t max) {
    if (text.size() <= max) return text.size();
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
    return cut == 0 ? max : cut;
}

std::string hex_escape(unsigned char c) {
    constexpr std::string_view digits = "0123456789ABCDEF";
    return {'=', digits[c >> 4], digits[c & 0x0f]};
}

std::string quoted_printable_line(std::string_view line) {
    std::string out;
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        const bool last = i + 1 == line.size();
        // Trailing blanks would be stripped in transit, so they are escaped.
        const bool literal =
            (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
        const std::string token = literal ? std::string(1, static_cast<char>(c)) : hex_escape(c);
        if (column + token.size() > qp_line_chars) {
            out += "=\r\n";
            column = 0;
        }
        out += token;
        column += token.size();
    }
    return out;
}

}  // namespace

std::optional<Mailbox> parse_mailbox(std::string_view text) {
    text = trim(text);
    Mailbox mailbox;
    if (!text.empty() && text.back() == '>') {
        const auto open = text.rfind('<');
        if (open == std::string_view::npos) return std::nullopt;
        mailbox.address = std::string(text.substr(open + 1, text.size() - open - 2));
        mailbox.name = unquote(trim(text.substr(0, open)));
    } else {
        mailbox.address = std::string(text);
    }
    if (!is_plausible_address(mailbox.address) || !core::is_valid_utf8(mailbox.name) ||
        has_control(mailbox.name)) {
        return std::nullopt;
    }
    return mailbox;
}

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

std::optional<std::string> email_problem(const services::Email& email) {
    const std::pair<const char*, const std::string*> headers[] = {
        {"from", &email.from},
        {"to", &email.to},
        {"reply-to", &email.reply_to},
        {"subject", &email.subject},
    };
    for (const auto& [name, value] : headers) {
        if (has_line_break(*value)) return std::string(name) + " must be one line";
        if (!core::is_valid_utf8(*value)) return std::string(name) + " is not valid UTF-8";
        if (has_control(*value)) return std::string(name) + " holds a control character";
    }
    if (!parse_mailbox(email.from)) return "from is not an e-mail address: " + email.from;
    if (!parse_mailbox(email.to)) return "to is not an e-mail address: " + email.to;
    if (!email.reply_to.empty() && !parse_mailbox(email.reply_to)) {
        return "reply-to is not an e-mail address: " + email.reply_to;
    }
    if (email.subject.size() > max_subject_bytes) return "subject is too long";
    if (!core::is_valid_utf8(email.text)) return "text is not valid UTF-8";
    return std::nullopt;
}

std::string base64(std::string_view data) {
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < data.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, data.size() - i);
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j) {
            group = (group << 8) | (j < n ? static_cast<unsigned char>(data[i + j]) : 0u);
        }
        for (std::size_t j = 0; j < 4; ++j) {
            out += j <= n ? alphabet[(group >> (18 - 6 * j)) & 0x3f] : '=';
        }
    }
    return out;
}

std::string encode_header_text(std::string_view text) {
    // "=?" in plain text would be read as the start of an encoded-word.
    const bool plain = is_printable_ascii(text) && text.find("=?") == std::string_view::npos &&
                       text.size() <= plain_header_chars;
    if (plain) return std::string(text);
    std::string out;
    while (!text.empty()) {
        const auto cut = utf8_cut(text, encoded_word_bytes);
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(text.substr(0, cut)) + "?=";
        text.remove_prefix(cut);
    }
    return out;
}

std::string format_date(std::chrono::system_clock::time_point when) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 40> text{};
    std::snprintf(text.data(), text.size(), "%s, %02d %s %04d %02d:%02d:%02d +0000",
                  days.at(static_cast<std::size_t>(utc.tm_wday)), utc.tm_mday,
                  months.at(static_cast<std::size_t>(utc.tm_mon)), utc.tm_year + 1900, utc.tm_hour,
                  utc.tm_min, utc.tm_sec);
    return text.data();
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    bool first = true;
    for (auto line : split_lines(text)) {
        if (!first) out += "\r\n";
        first = false;
        out += quoted_printable_line(line);
    }
    return out;
}

BodyEncoding choose_body_encoding(std::string_view text, bool eight_bit_allowed) {
    const auto normalized = normalize_newlines(text);
    const auto lines = split_lines(normalized);
    const bool lines_fit = std::all_of(lines.begin(), lines.end(),
                                       [](auto line) { return line.size() <= max_line_octets; });
    // NUL is allowed in neither 7bit nor 8bit data (RFC 2045 2.7, 2.8).
    if (!lines_fit || normalized.find('\0') != std::string::npos) {
        return BodyEncoding::quoted_printable;
    }
    if (is_ascii(normalized)) return BodyEncoding::seven_bit;
    return eight_bit_allowed ? BodyEncoding::eight_bit : BodyEncoding::quoted_printable;
}

std::string format_message(const services::Email& email, const MessageParts& parts) {
    const auto from = parse_mailbox(email.from);
    const auto to = parse_mailbox(email.to);
    std::string message;
    message += "Date: " + format_date(parts.date) + "\r\n";
    message += "From: " + format_mailbox(*from) + "\r\n";
    message += "To: " + format_mailbox(*to) + "\r\n";
    if (!email.reply_to.empty()) {
        message += "Reply-To: " + format_mailbox(*parse_mailbox(email.reply_to)) + "\r\n";
    }
    message += "Subject: " + encode_header_text(email.subject) + "\r\n";
    message += "Message-ID: <" + parts.message_id + ">\r\n";
    message += "MIME-Version: 1.0\r\n";
    message += "Content-Type: text/plain; charset=utf-8\r\n";
    auto text = normalize_newlines(email.text);
    // A final line break ends the last line; it does not start another.
    if (!text.empty() && text.back() == '\n') text.pop_back();
    switch (parts.encoding) {
        case BodyEncoding::seven_bit:
            message += "Content-Transfer-Encoding: 7bit\r\n\r\n" + crlf_lines(text);
            break;
        case BodyEncoding::eight_bit:
            message += "Content-Transfer-Encoding: 8bit\r\n\r\n" + crlf_lines(text);
            break;
        case BodyEncoding::quoted_printable:
            message += "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
                       quoted_printable(text) + "\r\n";
            break;
    }
    return message;
}

std::string dot_stuff(std::string_view message) {
    std::string out;
    out.reserve(message.size() + 64);
    auto lines = split_lines(message);
    // A message ending in a line break leaves an empty piece after it, not a line.
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    for (auto line : lines) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty() && line.front() == '.') out += '.';
        out += line;
        out += "\r\n";
    }
    out += ".\r\n";
    return out;
}

}  // namespace juttu::net::smtp
