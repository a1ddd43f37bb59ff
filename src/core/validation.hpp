// Rules for what the outside world may hand us. Pure functions, unit-tested.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace juttu::core::limits {
inline constexpr std::size_t message_body_bytes = 10'000;
inline constexpr std::size_t client_id_chars = 64;
inline constexpr std::size_t url_bytes = 2'048;
inline constexpr std::size_t title_bytes = 512;
inline constexpr std::size_t name_bytes = 200;
inline constexpr std::size_t email_bytes = 254;
inline constexpr std::size_t greeting_bytes = 1'000;
inline constexpr std::size_t password_min_chars = 8;
inline constexpr std::size_t password_max_chars = 256;
inline constexpr std::size_t origins_per_site = 50;
inline constexpr std::size_t preview_chars = 140;
inline constexpr std::size_t page_views_kept = 100;  // per contact, the newest
}  // namespace juttu::core::limits

namespace juttu::core {

// "HTTPS://Shop.Example:443/" -> "https://shop.example"; nullopt unless scheme://host[:port].
std::optional<std::string> normalize_origin(std::string_view text);

// Lower-cases and trims; nullopt unless it looks like local@domain.tld.
std::optional<std::string> normalize_email(std::string_view text);

bool is_valid_client_id(std::string_view id);
bool is_valid_color(std::string_view color);  // "#rrggbb"
// A BCP 47 language tag's shape: "fi", "en-GB", "zh-Hant-TW" (at most 35 characters).
bool is_valid_language_tag(std::string_view tag);
bool is_valid_http_url(std::string_view url);  // absolute http(s) URL within limits
bool is_blank(std::string_view text);          // only ASCII whitespace
bool is_valid_utf8(std::string_view text);
// No control character at all: none of C0 (tab, CR and LF included), DEL, C1, nor the
// Unicode line and paragraph separators. For names, subjects, titles, keys: one line.
// `text` must be valid UTF-8.
bool is_single_line(std::string_view text);
// No NUL or other control character but newline and tab. For message bodies and other
// multi-line text. `text` must be valid UTF-8.
bool is_clean_text(std::string_view text);
// Why a single-line field (a name, a subject, a title) is refused, or nullopt: not
// UTF-8, longer than max_bytes, a control character, or blank unless `may_be_empty`.
std::optional<std::string> line_problem(std::string_view text, std::size_t max_bytes,
                                        bool may_be_empty = false);
std::size_t utf8_length(std::string_view text);  // code points; text must be valid UTF-8
// The longest prefix of at most max_chars code points, never cutting a character.
std::string_view utf8_prefix(std::string_view text, std::size_t max_chars);

// Why a message body is refused, or nullopt when it is fine.
std::optional<std::string> message_body_problem(std::string_view body);
std::optional<std::string> password_problem(std::string_view password);

}  // namespace juttu::core
