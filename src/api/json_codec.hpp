// JSON for the REST API and the real-time protocol: domain values out, strictly
// typed fields in. One codec serves both, so an object has one shape everywhere.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace juttu::api {

namespace json = boost::json;

json::object to_json(const core::Workspace& workspace);
json::object to_json(const core::Site& site);
// With the secret: for admins only (GET and POST /sites/{id}/identity-secrets).
json::object to_json(const core::IdentitySecret& secret);
json::object to_json(const core::SiteTexts& texts);
json::object to_json(const core::Agent& agent);
json::object to_json(const core::Contact& contact);
json::object to_json(const core::Conversation& conversation);
json::object to_json(const core::Message& message);
json::object to_json(const core::Attachment& attachment);
json::object to_json(const core::PageView& view);
json::object to_json(const core::ReadMark& mark);
json::object to_json(const core::CannedResponse& response);
json::object to_json(const core::BusinessHours& hours);
json::object to_json(const core::PrechatForm& form);
json::object to_json(const core::Team& team);
json::object to_json(const core::Note& note);
// A conversation's "assignee" for the visitor's widget: {"id","name"}, or null when nobody
// has it (waiting, or transferred to a team).
json::value assignee_json(const core::Conversation& conversation, std::string_view name);
json::object author_json(core::AuthorKind kind, std::optional<core::Id> id,
                         std::optional<std::string_view> name = std::nullopt);

template <class T>
json::array to_json_array(const std::vector<T>& items) {
    json::array out;
    out.reserve(items.size());
    for (const auto& item : items) out.emplace_back(to_json(item));
    return out;
}

// Parses text that must hold one JSON object; nullopt for anything else.
std::optional<json::object> parse_object(std::string_view text);

// Reads typed fields from an object, remembering the first problem. A field of the
// wrong JSON type is an error, never coerced: an object where a string belongs is
// refused, so it can never become a query operator.
class FieldReader {
public:
    explicit FieldReader(const json::object& object) : object_(object) {}

    // Text of one or more lines: UTF-8 without NUL or control characters other than
    // newline and tab.
    std::optional<std::string> text(std::string_view key, bool required,
                                    std::size_t max_bytes = 100'000);
    // One line (a name, an e-mail, a title, a key): no control character at all.
    std::optional<std::string> line(std::string_view key, bool required,
                                    std::size_t max_bytes = 1'000);
    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min = 0,
                                        std::int64_t max = INT64_MAX);
    std::optional<bool> boolean(std::string_view key, bool required);
    std::optional<std::vector<std::string>> texts(std::string_view key, bool required,
                                                  std::size_t max_items = 100);
    // For fields where null means "none": absent -> nullopt; null -> optional(nullopt).
    std::optional<std::optional<std::int64_t>> nullable_integer(std::string_view key,
                                                                bool required);
    std::optional<std::vector<std::int64_t>> integers(std::string_view key, bool required,
                                                      std::size_t max_items = 100);
    // A nested object; nullptr when absent (or on an error).
    const json::object* object(std::string_view key, bool required);
    // Records a problem found by the caller (e.g. in a nested object).
    void fail(std::string_view key, std::string_view expectation);
    bool has(std::string_view key) const { return object_.contains(key); }

    bool ok() const { return !error_; }
    const std::string& error() const { return *error_; }

private:
    const json::value* find(std::string_view key, bool required);

    const json::object& object_;
    std::optional<std::string> error_;
};

}  // namespace juttu::api
