#include "core/validation.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace juttu::core {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

// Splits "host[:port]" and checks both; returns "host[:port]" without a default port.
std::optional<std::string> normalize_authority(std::string_view authority,
                                               std::string_view default_port) {
    std::string_view host = authority;
    std::string_view port;
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return std::nullopt;
        }
        if (std::stoi(std::string(port)) > 65535) return std::nullopt;
    }
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-' ||
        !std::all_of(host.begin(), host.end(), is_host_char)) {
        return std::nullopt;
    }
    std::string out = to_lower(host);
    if (!port.empty() && port != default_port) {
        out += ':';
        out += port;
    }
    return out;
}

}  // namespace

std::optional<std::string> normalize_origin(std::string_view text) {
    text = trim(text);
    const std::string lowered = to_lower(text.substr(0, std::min<std::size_t>(text.size(), 8)));
    std::string_view scheme;
    std::string_view default_port;
    if (lowered.starts_with("https://")) {
        scheme = "https";
        default_port = "443";
    } else if (lowered.starts_with("http://")) {
        scheme = "http";
        default_port = "80";
    } else {
        return std::nullopt;
    }
    std::string_view rest = text.substr(scheme.size() + 3);
    if (rest.ends_with('/')) rest.remove_suffix(1);
    if (rest.find_first_of("/?#@") != std::string_view::npos) return std::nullopt;
    auto authority = normalize_authority(rest, default_port);
    if (!authority) return std::nullopt;
    return std::string(scheme) + "://" + *authority;
}

std::optional<std::string> normalize_email(std::string_view text) {
    text = trim(text);
    if (text.empty() || text.size() > limits::email_bytes) return std::nullopt;
    const auto at = text.find('@');
    if (at == 0 || at == std::string_view::npos ||
        text.find('@', at + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    const auto domain = text.substr(at + 1);
    const auto dot = domain.find('.');
    if (dot == 0 || dot == std::string_view::npos || domain.back() == '.') return std::nullopt;
    const bool printable = std::all_of(text.begin(), text.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u != 0x7f && c != '<' && c != '>' && c != '"' && c != ',';
    });
    if (!printable) return std::nullopt;
    return to_lower(text);
}

bool is_valid_client_id(std::string_view id) {
    if (id.empty() || id.size() > limits::client_id_chars) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
               c == ':';
    });
}

bool is_valid_color(std::string_view color) {
    return color.size() == 7 && color[0] == '#' &&
           std::all_of(color.begin() + 1, color.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool is_valid_language_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 35) return false;
    std::size_t subtag_start = 0;
    for (std::size_t i = 0; i <= tag.size(); ++i) {
        if (i < tag.size() && tag[i] != '-') {
            const auto c = static_cast<unsigned char>(tag[i]);
            // The primary language subtag is letters only; later subtags may have digits.
            if (subtag_start == 0 ? !std::isalpha(c) : !std::isalnum(c)) return false;
            continue;
        }
        const auto length = i - subtag_start;
        if (subtag_start == 0 ? (length < 2 || length > 8) : (length < 1 || length > 8)) {
            return false;
        }
        subtag_start = i + 1;
    }
    return true;
}

bool is_valid_http_url(std::string_view url) {
    if (url.size() > limits::url_bytes) return false;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return false;
    const auto scheme = to_lower(url.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") return false;
    const auto rest = url.substr(scheme_end + 3);
    const auto authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.empty()) return false;
    return std::none_of(url.begin(), url.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
    });
}

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3F);
        }
        const bool overlong = (extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) ||
                              (extra == 3 && code < 0x10000);
        if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (chars == max_chars) return text.substr(0, i);
            ++chars;
        }
    }
    return text;
}

namespace {

// The control characters of `text` other than those `allowed` lets through: C0, DEL,
// C1 (U+0080-U+009F, 0xC2 0x80-0x9F in UTF-8), and U+2028/U+2029 (0xE2 0x80 0xA8/A9).
template <class Allowed>
bool has_control(std::string_view text, Allowed allowed) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 || c == 0x7f) && !allowed(c)) return true;
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (c == 0xc2 && next >= 0x80 && next <= 0x9f) return true;
        if (c == 0xe2 && next == 0x80 && i + 2 < text.size()) {
            const auto last = static_cast<unsigned char>(text[i + 2]);
            if (last == 0xa8 || last == 0xa9) return true;
        }
    }
    return false;
}

}  // namespace

bool is_single_line(std::string_view text) {
    return !has_control(text, [](unsigned char) { return false; });
}

bool is_clean_text(std::string_view text) {
    return !has_control(text, [](unsigned char c) { return c == '\n' || c == '\t'; });
}

std::optional<std::string> line_problem(std::string_view text, std::size_t max_bytes,
                                        bool may_be_empty) {
    if (!is_valid_utf8(text)) return "is not valid UTF-8";
    if (text.size() > max_bytes) return "is longer than " + std::to_string(max_bytes) + " bytes";
    if (!is_single_line(text)) return "must be one line without control characters";
    if (!may_be_empty && is_blank(text)) return "is empty";
    return std::nullopt;
}

std::optional<std::string> message_body_problem(std::string_view body) {
    if (body.size() > limits::message_body_bytes) {
        return "message body is longer than 10000 bytes";
    }
    if (is_blank(body)) return "message body is empty";
    if (!is_valid_utf8(body)) return "message body is not valid UTF-8";
    if (!is_clean_text(body)) {
        return "message body has a control character (only newline and tab are allowed)";
    }
    return std::nullopt;
}

std::optional<std::string> password_problem(std::string_view password) {
    const auto chars = utf8_length(password);
    if (!is_valid_utf8(password)) return "password is not valid UTF-8";
    if (chars < limits::password_min_chars) return "password must have at least 8 characters";
    if (chars > limits::password_max_chars) return "password must have at most 256 characters";
    return std::nullopt;
}

}  // namespace juttu::core
