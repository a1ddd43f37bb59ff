#include "core/business_hours_text.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

namespace juttu::core {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::string encode_intervals(const std::vector<OpeningInterval>& intervals) {
    std::string out;
    for (const auto& interval : intervals) {
        if (!out.empty()) out += ',';
        out += std::to_string(interval.open_minute) + '-' + std::to_string(interval.close_minute);
    }
    return out;
}

std::optional<std::vector<OpeningInterval>> decode_intervals(std::string_view text) {
    std::vector<OpeningInterval> intervals;
    if (text.empty()) return intervals;
    for (auto part : split(text, ',')) {
        const auto dash = part.find('-');
        if (dash == std::string_view::npos) return std::nullopt;
        auto open = parse_int(part.substr(0, dash));
        auto close = parse_int(part.substr(dash + 1));
        if (!open || !close) return std::nullopt;
        intervals.push_back({*open, *close});
    }
    return intervals;
}

std::optional<DateException> decode_exception(std::string_view text) {
    const auto equals = text.find('=');
    DateException exception;
    if (equals == std::string_view::npos || !parse_date(text.substr(0, equals), exception)) {
        return std::nullopt;
    }
    auto intervals = decode_intervals(text.substr(equals + 1));
    if (!intervals) return std::nullopt;
    exception.intervals = std::move(*intervals);
    return exception;
}

}  // namespace

std::string encode_schedule(const BusinessHours& hours) {
    std::string out;
    for (std::size_t day = 0; day < hours.weekly.size(); ++day) {
        if (day > 0) out += '|';
        out += encode_intervals(hours.weekly[day]);
    }
    for (const auto& exception : hours.exceptions) {
        out += ';' + format_date(exception) + '=' + encode_intervals(exception.intervals);
    }
    return out;
}

std::optional<BusinessHours> decode_schedule(std::string_view text) {
    BusinessHours hours;
    if (text.empty()) return hours;
    const auto sections = split(text, ';');
    const auto days = split(sections.front(), '|');
    if (days.size() != hours.weekly.size()) return std::nullopt;
    for (std::size_t day = 0; day < days.size(); ++day) {
        auto intervals = decode_intervals(days[day]);
        if (!intervals) return std::nullopt;
        hours.weekly[day] = std::move(*intervals);
    }
    for (std::size_t i = 1; i < sections.size(); ++i) {
        auto exception = decode_exception(sections[i]);
        if (!exception) return std::nullopt;
        hours.exceptions.push_back(std::move(*exception));
    }
    return hours;
}

std::string format_date(const DateException& exception) {
    char out[48];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", exception.year, exception.month,
                  exception.day);
    return out;
}

bool parse_date(std::string_view text, DateException& exception) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    auto year = parse_int(text.substr(0, 4));
    auto month = parse_int(text.substr(5, 2));
    auto day = parse_int(text.substr(8, 2));
    if (!year || !month || !day) return false;
    exception.year = *year;
    exception.month = *month;
    exception.day = *day;
    return true;
}

std::optional<int> parse_clock(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    auto hour = parse_int(text.substr(0, 2));
    auto minute = parse_int(text.substr(3, 2));
    if (!hour || !minute || *minute > 59 || *hour > 24 || (*hour == 24 && *minute != 0)) {
        return std::nullopt;
    }
    return *hour * 60 + *minute;
}

std::string format_clock(int minute) {
    char out[32];
    std::snprintf(out, sizeof out, "%02d:%02d", minute / 60, minute % 60);
    return out;
}

}  // namespace juttu::core
