#include "core/business_hours.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

#include "core/business_hours_text.hpp"

namespace juttu::core {
namespace {

constexpr TimeMs minute_ms = 60'000;
constexpr TimeMs day_ms = 24 * 60 * minute_ms;
constexpr TimeMs search_horizon_ms = 14 * day_ms;
constexpr std::array<std::string_view, 7> day_names = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
    const std::int64_t r = a % b;
    return r < 0 ? r + b : r;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - (a % b < 0 ? 1 : 0);  // b > 0
}

TimeMs saturating_add(TimeMs a, TimeMs b) {  // b >= 0
    return a > std::numeric_limits<TimeMs>::max() - b ? std::numeric_limits<TimeMs>::max() : a + b;
}

const std::vector<OpeningInterval>& intervals_on(const BusinessHours& hours,
                                                 const LocalDateTime& local) {
    for (const DateException& exception : hours.exceptions) {
        if (exception.year == local.year && exception.month == local.month &&
            exception.day == local.day) {
            return exception.intervals;
        }
    }
    return hours.weekly[static_cast<std::size_t>(local.weekday)];
}

bool open_at_minute(const std::vector<OpeningInterval>& intervals, int minute_of_day) {
    return std::any_of(intervals.begin(), intervals.end(), [minute_of_day](const auto& interval) {
        return interval.open_minute <= minute_of_day && minute_of_day < interval.close_minute;
    });
}

std::optional<std::string> intervals_problem(const std::vector<OpeningInterval>& intervals,
                                             const std::string& where) {
    if (intervals.size() > limits::intervals_per_day) {
        return where + ": more than " + std::to_string(limits::intervals_per_day) + " intervals";
    }
    for (std::size_t i = 0; i < intervals.size(); ++i) {
        const OpeningInterval& interval = intervals[i];
        if (interval.open_minute < 0 || interval.close_minute > 1440) {
            return where + ": times must be between 00:00 and 24:00";
        }
        if (interval.open_minute >= interval.close_minute) {
            return where + ": " + format_clock(interval.open_minute) + "-" +
                   format_clock(interval.close_minute) + " closes before it opens";
        }
        if (i > 0 && interval.open_minute < intervals[i - 1].close_minute) {
            return where + ": " + format_clock(interval.open_minute) + "-" +
                   format_clock(interval.close_minute) +
                   " overlaps or precedes the interval before it";
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> business_hours_problem(const BusinessHours& hours) {
    if (!is_valid_time_zone_name(hours.time_zone)) return "not a time zone name";
    for (std::size_t day = 0; day < hours.weekly.size(); ++day) {
        if (auto problem = intervals_problem(hours.weekly[day], std::string(day_names[day]))) {
            return problem;
        }
    }
    if (hours.exceptions.size() > limits::business_hours_exceptions) {
        return "more than " + std::to_string(limits::business_hours_exceptions) + " exceptions";
    }
    std::set<std::tuple<int, int, int>> seen;
    for (const DateException& exception : hours.exceptions) {
        const std::string date = std::to_string(exception.year) + "-" +
                                 std::to_string(exception.month) + "-" +
                                 std::to_string(exception.day);
        if (exception.year < 1970 || exception.year > 9999 || exception.day < 1 ||
            exception.day > days_in_month(exception.year, exception.month)) {
            return "exception " + date + ": not a date";
        }
        if (!seen.emplace(exception.year, exception.month, exception.day).second) {
            return "exception " + date + ": given twice";
        }
        if (auto problem = intervals_problem(exception.intervals, "exception " + date)) {
            return problem;
        }
    }
    return std::nullopt;
}

bool is_open(const BusinessHours& hours, const TimeZone& zone, TimeMs utc) {
    if (hours.always_open) return true;
    const LocalDateTime local = zone.to_local(utc);
    return open_at_minute(intervals_on(hours, local), local.minute_of_day);
}

std::optional<TimeMs> next_opening(const BusinessHours& hours, const TimeZone& zone, TimeMs utc) {
    // Between two events -- a local midnight, an opening time, an offset change -- the answer
    // cannot change, so jump from event to event instead of scanning minutes. The bound on
    // steps only guards against hours that never passed business_hours_problem.
    const TimeMs horizon = saturating_add(utc, search_horizon_ms);
    TimeMs at = utc;
    for (int step = 0; step < 4096 && at <= horizon; ++step) {
        if (is_open(hours, zone, at)) return at;
        const LocalDateTime local = zone.to_local(at);
        const auto& intervals = intervals_on(hours, local);

        // Milliseconds into the local day, without forming at + offset (which could overflow).
        const std::int64_t local_seconds = floor_div(at, 1000) + zone.offset_seconds_at(at);
        const TimeMs into_day = local.minute_of_day * minute_ms +
                                floor_mod(local_seconds, 60) * 1000 + floor_mod(at, 1000);
        TimeMs boundary = day_ms;  // the next local midnight
        for (const OpeningInterval& interval : intervals) {
            const TimeMs opens = interval.open_minute * minute_ms;
            if (opens > into_day) boundary = std::min(boundary, opens);
        }
        TimeMs next = saturating_add(at, boundary - into_day);
        if (auto change = zone.next_transition_after(at); change && *change < next) next = *change;
        if (next <= at) break;
        at = next;
    }
    return std::nullopt;
}

}  // namespace juttu::core
