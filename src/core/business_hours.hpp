// A site's opening hours: weekly intervals plus dated exceptions, in the site's time zone.
//
// Everything is judged on the local wall clock of the instant asked about, so daylight-saving
// changes need no special cases: in a repeated hour (autumn) both readings count, and an
// opening that falls in a skipped hour (spring) happens when the clock jumps past it.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/time_zone.hpp"

namespace juttu::core {

namespace limits {
inline constexpr std::size_t intervals_per_day = 24;
inline constexpr std::size_t business_hours_exceptions = 400;
}  // namespace limits

// Open from open_minute (inclusive) to close_minute (exclusive), minutes after local midnight;
// 0 <= open_minute < close_minute <= 1440. 08:00-16:00 is {480, 960}; to midnight is 1440.
struct OpeningInterval {
    int open_minute = 0;
    int close_minute = 0;
    bool operator==(const OpeningInterval&) const = default;
};

// Replaces the weekly hours on one local date (e.g. a public holiday, or a Sunday opening).
struct DateException {
    int year = 0;
    int month = 0;
    int day = 0;
    std::vector<OpeningInterval> intervals;  // empty = closed all day
};

struct BusinessHours {
    std::string time_zone = "UTC";  // IANA name, loaded by the caller with TimeZone::load
    std::array<std::vector<OpeningInterval>, 7> weekly;  // Monday first; empty = closed that day
    std::vector<DateException> exceptions;
    bool always_open = true;  // when true, weekly and exceptions are kept but not consulted
};

// Why the hours are refused, or nullopt when they are fine: each day's intervals within
// 0..1440, open < close, sorted and non-overlapping (touching is fine); exceptions on real
// dates (years 1970..9999), one per date; a well-formed zone name (existence is the caller's
// to check); counts within limits.
std::optional<std::string> business_hours_problem(const BusinessHours& hours);

// Whether the site is open at utc, reading the wall clock of zone (the zone of
// hours.time_zone). An exception for the local date replaces that weekday's intervals.
bool is_open(const BusinessHours& hours, const TimeZone& zone, TimeMs utc);

// The first instant at or after utc when the site is open: utc itself when it is open now,
// nullopt when it does not open within the next 14 days (24 h * 14 after utc). For "we open
// again at ...". Expects hours that pass business_hours_problem.
std::optional<TimeMs> next_opening(const BusinessHours& hours, const TimeZone& zone, TimeMs utc);

}  // namespace juttu::core
