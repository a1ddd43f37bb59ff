// Time zones from the IANA database (TZif files, RFC 8536), with pure date arithmetic.
//
// Why not localtime/setenv("TZ"): they share process-wide state and are not thread-safe. A
// TimeZone is an immutable value once loaded; every const member may be called from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"

namespace juttu::core {

// A wall-clock reading in some zone.
struct LocalDateTime {
    int year = 1970;
    int month = 1;          // 1..12
    int day = 1;            // 1..31
    int weekday = 3;        // 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday)
    int minute_of_day = 0;  // 0..1439, seconds dropped
    bool operator==(const LocalDateTime&) const = default;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
// Valid for any date whose year fits in an int; month 1..12, day 1..31 (not range-checked).
std::int64_t days_from_civil(std::int64_t year, int month, int day);
struct CivilDate {
    std::int64_t year;
    int month;
    int day;
};
CivilDate civil_from_days(std::int64_t days);
int weekday_from_days(std::int64_t days);  // 0 = Monday .. 6 = Sunday
bool is_leap_year(std::int64_t year);
int days_in_month(std::int64_t year, int month);  // 0 when month is not 1..12

// True when name is a plausible zone name: 1..255 characters of [A-Za-z0-9_+/-], no "..", not
// absolute, no empty path component. Says nothing about whether the zone exists.
bool is_valid_time_zone_name(std::string_view name);

class TimeZone {
public:
    // Reads <zoneinfo_root>/<name>, e.g. "Europe/Helsinki". Errors: validation_failed for a
    // refused name or a file that is not valid TZif; not_found when there is no such file.
    // "UTC" always loads, without a file, so a system without tzdata still has the default zone.
    static Result<TimeZone> load(
        std::string_view name, const std::filesystem::path& zoneinfo_root = "/usr/share/zoneinfo");

    // Parses the bytes of a TZif file (versions 1 to 4). Leap-second records are ignored, so
    // the "right/" zones read as if their times were POSIX times.
    static Result<TimeZone> parse(std::string name, std::string_view tzif);

    static TimeZone utc();

    const std::string& name() const { return name_; }

    // Seconds to add to UTC to get local time at that instant, e.g. 10800 in Helsinki in July.
    // Beyond the last transition in the file the POSIX TZ footer decides (e.g.
    // "EET-2EEST,M3.5.0/3,M10.5.0/4"); when the file has none, or it cannot be parsed, the
    // offset of the last transition stays in force.
    int offset_seconds_at(TimeMs utc) const;

    LocalDateTime to_local(TimeMs utc) const;

    // The first instant strictly after utc at which the offset may change, or nullopt when it
    // never does again. May report instants where only the abbreviation changed.
    std::optional<TimeMs> next_transition_after(TimeMs utc) const;

    // The recurring rule of a POSIX TZ string; public so it can be tested on its own.
    struct Rule {
        // A date rule: Jn (julian_no_leap, 1..365), n (zero_based, 0..365) or Mm.w.d.
        struct Date {
            enum class Kind { julian_no_leap, zero_based, month_week_day };
            Kind kind = Kind::month_week_day;
            int day = 0;      // n of Jn or n; d (0 = Sunday) of Mm.w.d
            int month = 0;    // m of Mm.w.d
            int week = 0;     // w of Mm.w.d, 5 = the last
            int time = 7200;  // seconds after local midnight, may be negative or past 24 h
        };
        int std_offset = 0;  // seconds east of UTC (the TZ string's sign is the opposite)
        std::optional<int> dst_offset;
        Date dst_start{};  // in standard time
        Date dst_end{};    // in daylight time
    };
    static std::optional<Rule> parse_posix_tz(std::string_view tz);

private:
    struct Type {
        int offset = 0;
    };

    TimeZone() = default;
    int rule_offset_at(std::int64_t seconds) const;
    std::optional<std::int64_t> rule_next_after(std::int64_t seconds) const;

    std::string name_;
    std::vector<std::int64_t> transitions_;       // seconds since the epoch, ascending
    std::vector<std::uint8_t> transition_types_;  // index into types_, one per transition
    std::vector<Type> types_;                     // never empty
    std::optional<Rule> rule_;
};

}  // namespace juttu::core
