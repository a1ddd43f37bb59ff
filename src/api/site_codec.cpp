#include "api/site_codec.hpp"

#include "api/json_codec.hpp"
#include "core/business_hours_text.hpp"
#include "core/validation.hpp"

namespace juttu::api {

namespace {

// [{"open":"08:00","close":"16:00"}, ...]
std::optional<std::vector<core::OpeningInterval>> read_intervals(const json::value& value,
                                                                 const std::string& where,
                                                                 std::string& error) {
    if (!value.is_array() || value.get_array().size() > core::limits::intervals_per_day) {
        error = where + " must be an array of at most 24 {\"open\",\"close\"} intervals";
        return std::nullopt;
    }
    std::vector<core::OpeningInterval> intervals;
    for (const auto& item : value.get_array()) {
        const auto* interval = item.if_object();
        const auto* open = interval ? interval->if_contains("open") : nullptr;
        const auto* close = interval ? interval->if_contains("close") : nullptr;
        std::optional<int> open_minute;
        std::optional<int> close_minute;
        if (open && open->is_string()) open_minute = core::parse_clock(open->get_string());
        if (close && close->is_string()) close_minute = core::parse_clock(close->get_string());
        if (!open_minute || !close_minute) {
            error = where + ": each interval is {\"open\":\"HH:MM\",\"close\":\"HH:MM\"}";
            return std::nullopt;
        }
        intervals.push_back({*open_minute, *close_minute});
    }
    return intervals;
}

bool read_weekly(const json::value* weekly, core::BusinessHours& hours, std::string& error) {
    if (weekly == nullptr) return true;
    if (!weekly->is_array() || weekly->get_array().size() != 7) {
        error = "hours.weekly must be an array of 7 days, Monday first";
        return false;
    }
    for (std::size_t day = 0; day < 7; ++day) {
        auto intervals = read_intervals(weekly->get_array()[day],
                                        "hours.weekly[" + std::to_string(day) + "]", error);
        if (!intervals) return false;
        hours.weekly[day] = std::move(*intervals);
    }
    return true;
}

bool read_exceptions(const json::value* exceptions, core::BusinessHours& hours,
                     std::string& error) {
    if (exceptions == nullptr) return true;
    if (!exceptions->is_array() ||
        exceptions->get_array().size() > core::limits::business_hours_exceptions) {
        error = "hours.exceptions must be an array of at most 400 dates";
        return false;
    }
    for (const auto& item : exceptions->get_array()) {
        const auto* exception = item.if_object();
        const auto* date = exception ? exception->if_contains("date") : nullptr;
        const auto* intervals = exception ? exception->if_contains("intervals") : nullptr;
        core::DateException out;
        if (!date || !date->is_string() || !core::parse_date(date->get_string(), out) ||
            !intervals) {
            error = "hours.exceptions: each is {\"date\":\"YYYY-MM-DD\",\"intervals\":[...]}";
            return false;
        }
        auto read = read_intervals(
            *intervals, "hours.exceptions[" + std::string(date->get_string()) + "]", error);
        if (!read) return false;
        out.intervals = std::move(*read);
        hours.exceptions.push_back(std::move(out));
    }
    return true;
}

std::optional<core::FieldRule> read_rule(FieldReader& in, std::string_view key) {
    auto text = in.line(key, false, 20);
    if (!text) return core::FieldRule::off;
    auto rule = core::parse_field_rule(*text);
    if (!rule) in.fail(key, "must be \"off\", \"optional\" or \"required\"");
    return rule;
}

}  // namespace

std::optional<core::BusinessHours> read_hours(const json::object& in, std::string& error) {
    FieldReader fields(in);
    core::BusinessHours hours;
    hours.time_zone = fields.line("time_zone", false, 100).value_or("UTC");
    hours.always_open = fields.boolean("always_open", false).value_or(true);
    if (!fields.ok()) {
        error = "hours: " + fields.error();
        return std::nullopt;
    }
    if (!read_weekly(in.if_contains("weekly"), hours, error) ||
        !read_exceptions(in.if_contains("exceptions"), hours, error)) {
        return std::nullopt;
    }
    return hours;
}

std::optional<core::PrechatForm> read_prechat(const json::object& in, std::string& error) {
    FieldReader fields(in);
    core::PrechatForm form;
    form.enabled = fields.boolean("enabled", false).value_or(false);
    form.name = read_rule(fields, "name").value_or(core::FieldRule::off);
    form.email = read_rule(fields, "email").value_or(core::FieldRule::off);
    form.team = read_rule(fields, "team").value_or(core::FieldRule::off);
    if (const auto* question = fields.object("question", false)) {
        FieldReader q(*question);
        form.question = q.line("label", false, 1000).value_or("");
        form.question_required = q.boolean("required", false).value_or(false);
        if (!q.ok()) fields.fail("question", q.error());
    }
    if (!fields.ok()) {
        error = "prechat: " + fields.error();
        return std::nullopt;
    }
    return form;
}

std::optional<std::vector<core::SiteTexts>> read_translations(const json::value& in,
                                                              std::string& error) {
    constexpr std::size_t most = 100;  // the service allows fewer; this bounds the parsing
    if (!in.is_array() || in.get_array().size() > most) {
        error = "field 'translations' must be an array of at most 100 objects";
        return std::nullopt;
    }
    std::vector<core::SiteTexts> translations;
    for (const auto& item : in.get_array()) {
        if (!item.is_object()) {
            error = "translations: each must be an object";
            return std::nullopt;
        }
        FieldReader fields(item.get_object());
        core::SiteTexts texts;
        texts.language = fields.line("language", true, 100).value_or("");
        texts.greeting = fields.text("greeting", false, 10'000).value_or("");
        texts.offline_message = fields.text("offline_message", false, 10'000).value_or("");
        if (!fields.ok()) {
            const std::string tag(core::utf8_prefix(texts.language, 40));
            error = "translations: " + (tag.empty() ? "" : tag + ": ") + fields.error();
            return std::nullopt;
        }
        translations.push_back(std::move(texts));
    }
    return translations;
}

}  // namespace juttu::api
