// The real-time protocol's frame decoder: one WebSocket text frame, parsed as the
// connection parses it (parse_object) and read with every FieldReader accessor and limit
// that the frame handlers in api/realtime.cpp use, whatever its type, then checked by the
// rules the chat service applies to what was read. Checks that a field read has its type
// and stays within its limits, that every error is valid UTF-8 (it goes back in a text
// frame) and that a frame survives serialising and parsing again.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_codec.hpp"
#include "core/types.hpp"
#include "core/validation.hpp"
#include "fuzz_check.hpp"

namespace {

using juttu::api::FieldReader;
namespace core = juttu::core;
namespace json = boost::json;

// A reader's error is sent back in a text frame: it must be valid UTF-8.
void check_error(const FieldReader& in) {
    if (!in.ok()) {
        FUZZ_CHECK(!in.error().empty());
        FUZZ_CHECK(core::is_valid_utf8(in.error()));
    }
}

std::optional<std::string> text(FieldReader& in, const json::object& frame, std::string_view key,
                                bool required, std::size_t max_bytes) {
    const bool was_ok = in.ok();
    auto value = in.text(key, required, max_bytes);
    if (value) {
        FUZZ_CHECK(was_ok && in.ok());
        FUZZ_CHECK(value->size() <= max_bytes);
        FUZZ_CHECK(frame.at(key).as_string() == *value);
        FUZZ_CHECK(core::is_valid_utf8(*value));  // Boost.JSON refuses anything else
        FUZZ_CHECK(core::is_clean_text(*value));
    } else if (was_ok && in.ok()) {
        FUZZ_CHECK(!required && !frame.contains(key));
    }
    check_error(in);
    return value;
}

// One line (FieldReader::line): text with no control character at all.
std::optional<std::string> line(FieldReader& in, const json::object& frame, std::string_view key,
                                bool required, std::size_t max_bytes) {
    const bool was_ok = in.ok();
    auto value = in.line(key, required, max_bytes);
    if (value) {
        FUZZ_CHECK(was_ok && in.ok());
        FUZZ_CHECK(value->size() <= max_bytes);
        FUZZ_CHECK(frame.at(key).as_string() == *value);
        FUZZ_CHECK(core::is_valid_utf8(*value) && core::is_single_line(*value));
    } else if (was_ok && in.ok()) {
        FUZZ_CHECK(!required && !frame.contains(key));
    }
    check_error(in);
    return value;
}

std::optional<std::int64_t> integer(FieldReader& in, std::string_view key, bool required,
                                    std::int64_t min, std::int64_t max = INT64_MAX) {
    auto value = in.integer(key, required, min, max);
    if (value) FUZZ_CHECK(*value >= min && *value <= max);
    check_error(in);
    return value;
}

// What the chat service checks of a message (services/chat): the stored preview too.
void check_message(const std::optional<std::string>& client_id,
                   const std::optional<std::string>& body) {
    if (client_id) core::is_valid_client_id(*client_id);
    if (!body) return;
    if (!core::message_body_problem(*body)) {
        const auto preview = core::utf8_prefix(*body, core::limits::preview_chars);
        FUZZ_CHECK(body->starts_with(preview));
        FUZZ_CHECK(core::is_valid_utf8(preview));
        FUZZ_CHECK(core::utf8_length(preview) <= core::limits::preview_chars);
    }
}

void check_email(const std::optional<std::string>& email) {
    if (!email) return;
    if (auto normalized = core::normalize_email(*email)) {
        FUZZ_CHECK(core::normalize_email(*normalized) == normalized);
    }
}

// Equal but for the digits of non-integral numbers: Boost.JSON parses those quickly
// rather than exactly (no field takes one: FieldReader refuses them).
bool same(const json::value& a, const json::value& b) {
    if (a.is_double() || b.is_double()) return a.is_double() && b.is_double();
    if (a.is_array()) {
        if (!b.is_array() || a.get_array().size() != b.get_array().size()) return false;
        for (std::size_t i = 0; i < a.get_array().size(); ++i) {
            if (!same(a.get_array()[i], b.get_array()[i])) return false;
        }
        return true;
    }
    if (a.is_object()) {
        if (!b.is_object() || a.get_object().size() != b.get_object().size()) return false;
        for (const auto& [key, value] : a.get_object()) {
            const auto* other = b.get_object().if_contains(key);
            if (other == nullptr || !same(value, *other)) return false;
        }
        return true;
    }
    return a == b;
}

// 1e999 parses as infinity, which serialises as no JSON number (no field takes one).
bool has_infinity(const json::value& value) {
    if (value.is_double()) return !std::isfinite(value.get_double());
    if (value.is_array()) {
        const auto& items = value.get_array();
        return std::any_of(items.begin(), items.end(), has_infinity);
    }
    if (value.is_object()) {
        for (const auto& [key, item] : value.get_object()) {
            if (has_infinity(item)) return true;
        }
    }
    return false;
}

void read_frame(const json::object& frame) {
    {  // dispatch: an unknown type is quoted back in an error frame, 40 characters of it
        if (const auto* type = frame.if_contains("type"); type && type->is_string()) {
            const std::string quoted(core::utf8_prefix(type->get_string(), 40));
            FUZZ_CHECK(core::is_valid_utf8(quoted));
        }
    }
    {  // hello (on_hello, hello_visitor, hello_agent)
        FieldReader in(frame);
        line(in, frame, "role", true, 20);
        FieldReader visitor(frame);
        line(visitor, frame, "site_key", true, 100);
        line(visitor, frame, "contact_token", false, 200);
        if (const auto* context = frame.if_contains("context"); context && context->is_object()) {
            FieldReader fields(context->get_object());
            for (const char* key : {"language", "timezone", "screen"}) {
                line(fields, context->get_object(), key, false, 100);
            }
        }
        FieldReader agent(frame);
        line(agent, frame, "token", true, 4096);
    }
    {  // send
        FieldReader in(frame);
        auto client_id = line(in, frame, "client_id", true, 200);
        auto body = text(in, frame, "body", true, 1'000'000);
        integer(in, "conversation_id", false, 1);
        integer(in, "team_id", false, 1);
        check_message(client_id, body);
    }
    {  // leave_message
        FieldReader in(frame);
        line(in, frame, "client_id", true, 200);
        line(in, frame, "name", false, 1000);
        check_email(line(in, frame, "email", true, 1000));
        text(in, frame, "body", true, 1'000'000);
    }
    {  // sync
        FieldReader in(frame);
        integer(in, "conversation_id", true, 1);
        integer(in, "after_seq", false, 0);
        integer(in, "limit", false, 1, 500);
    }
    {  // typing and read
        FieldReader typing(frame);
        integer(typing, "conversation_id", false, 1);
        auto active = typing.boolean("active", true);
        if (active) FUZZ_CHECK(frame.at("active").is_bool());
        check_error(typing);
        FieldReader read(frame);
        integer(read, "conversation_id", true, 1);
        integer(read, "seq", true, 0);
    }
    {  // status
        FieldReader in(frame);
        if (auto availability = line(in, frame, "availability", true, 20)) {
            if (auto parsed = core::parse_availability(*availability)) {
                FUZZ_CHECK(core::to_string(*parsed) == *availability);
            }
        }
    }
    {  // identify
        FieldReader in(frame);
        line(in, frame, "name", false, 1000);
        check_email(line(in, frame, "email", false, 1000));
    }
    {  // page_view
        FieldReader in(frame);
        if (auto url = line(in, frame, "url", true, core::limits::url_bytes)) {
            core::is_valid_http_url(*url);
        }
        line(in, frame, "title", false, core::limits::title_bytes);
        line(in, frame, "referrer", false, core::limits::url_bytes);
    }
    {  // attributes: strings or null, under keys of at most 64 characters
        if (const auto* given = frame.if_contains("attributes"); given && given->is_object()) {
            for (const auto& [key, value] : given->get_object()) {
                FUZZ_CHECK(core::is_valid_utf8(key));
                if (value.is_string()) FUZZ_CHECK(core::is_valid_utf8(value.get_string()));
                core::utf8_length(key);
            }
        }
    }
    {  // the other accessors, on the same fields: each must refuse a wrong type
        for (const auto& [key, value] : frame) {
            FieldReader one(frame);
            auto texts = one.texts(key, true, 100);
            if (texts) FUZZ_CHECK(texts->size() <= 100 && value.is_array());
            FieldReader nullable(frame);
            auto maybe = nullable.nullable_integer(key, true);
            if (maybe && *maybe) FUZZ_CHECK(**maybe >= 1);
            if (maybe && !*maybe) FUZZ_CHECK(value.is_null());
            FieldReader ids(frame);
            auto list = ids.integers(key, true, 100);
            if (list) {
                for (auto id : *list) FUZZ_CHECK(id >= 1);
            }
            FieldReader nested(frame);
            if (const auto* object = nested.object(key, true)) {
                FUZZ_CHECK(object == &value.get_object());
            }
            check_error(one);
            check_error(nullable);
            check_error(ids);
            check_error(nested);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto frame = juttu::api::parse_object(text);
    if (!frame) return 0;
    read_frame(*frame);
    // What the server sends is what it parsed: serialising loses nothing.
    if (has_infinity(*frame)) return 0;
    auto again = juttu::api::parse_object(json::serialize(*frame));
    FUZZ_CHECK(again && same(*again, *frame));
    return 0;
}
