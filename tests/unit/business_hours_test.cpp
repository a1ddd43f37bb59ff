#include "core/business_hours.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace juttu::core {
namespace {

constexpr TimeMs minute_ms = 60'000;
constexpr TimeMs hour_ms = 60 * minute_ms;
constexpr TimeMs day_ms = 24 * hour_ms;

TimeMs utc_ms(int year, int month, int day, int hour, int minute, int second = 0) {
    return ((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * minute_ms +
           second * 1000;
}

constexpr int at(int hour, int minute = 0) { return hour * 60 + minute; }

TimeZone must_load(std::string_view name) {
    auto zone = TimeZone::load(name);
    EXPECT_TRUE(zone.ok()) << name << ": " << (zone.ok() ? "" : zone.error().message)
                           << " (needs Debian's tzdata)";
    return zone.ok() ? zone.value() : TimeZone::utc();
}

// Monday to Friday, open..close local time.
BusinessHours weekdays(std::string zone, int open, int close) {
    BusinessHours hours;
    hours.time_zone = std::move(zone);
    hours.always_open = false;
    for (int day = 0; day < 5; ++day) hours.weekly[static_cast<std::size_t>(day)] = {{open, close}};
    return hours;
}

TEST(BusinessHoursOpen, AlwaysOpenIgnoresTheTable) {
    BusinessHours hours;  // the default: always open, UTC
    EXPECT_TRUE(is_open(hours, TimeZone::utc(), utc_ms(2026, 3, 29, 3, 0)));
    hours.exceptions.push_back({2026, 3, 29, {}});
    EXPECT_TRUE(is_open(hours, TimeZone::utc(), utc_ms(2026, 3, 29, 3, 0)));
    EXPECT_EQ(next_opening(hours, TimeZone::utc(), 12'345), 12'345);
}

TEST(BusinessHoursOpen, BoundariesAreOpenInclusiveCloseExclusive) {
    const BusinessHours hours = weekdays("UTC", at(8), at(16));
    const TimeZone utc = TimeZone::utc();
    EXPECT_FALSE(is_open(hours, utc, utc_ms(2026, 3, 30, 8, 0) - 1));
    EXPECT_TRUE(is_open(hours, utc, utc_ms(2026, 3, 30, 8, 0)));
    EXPECT_TRUE(is_open(hours, utc, utc_ms(2026, 3, 30, 16, 0) - 1));
    EXPECT_FALSE(is_open(hours, utc, utc_ms(2026, 3, 30, 16, 0)));
    EXPECT_FALSE(is_open(hours, utc, utc_ms(2026, 3, 29, 12, 0)));  // Sunday
}

TEST(BusinessHoursOpen, UntilMidnightAndSplitDays) {
    BusinessHours hours = weekdays("UTC", at(8), at(12));
    hours.weekly[0] = {{at(8), at(12)}, {at(13), 1440}};  // Monday: lunch break, then to midnight
    const TimeZone utc = TimeZone::utc();
    EXPECT_FALSE(is_open(hours, utc, utc_ms(2026, 3, 30, 12, 30)));
    EXPECT_TRUE(is_open(hours, utc, utc_ms(2026, 3, 30, 23, 59, 59)));
    EXPECT_FALSE(is_open(hours, utc, utc_ms(2026, 3, 31, 0, 0)));
    EXPECT_EQ(next_opening(hours, utc, utc_ms(2026, 3, 30, 12, 30)), utc_ms(2026, 3, 30, 13, 0));
}

// Helsinki, 08:00-16:00 on weekdays, around 2026-03-29 (03:00 EET -> 04:00 EEST).
TEST(BusinessHoursDaylightSaving, HelsinkiSpring2026) {
    const TimeZone zone = must_load("Europe/Helsinki");
    const BusinessHours hours = weekdays("Europe/Helsinki", at(8), at(16));

    // Friday 2026-03-27, EET (UTC+2): open 06:00-14:00 UTC.
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 27, 5, 30)));  // 07:30 local
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 27, 6, 0) - 1));
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 27, 6, 0)));    // 08:00 local
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 27, 6, 30)));   // 08:30 local
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 27, 13, 30)));  // 15:30 local
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 27, 14, 0)));  // 16:00 local

    // Monday 2026-03-30, EEST (UTC+3): open 05:00-13:00 UTC.
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 30, 5, 0) - 1));  // 07:59 local
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 30, 5, 0)));       // 08:00 local
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 30, 5, 30)));      // 08:30, closed on Friday
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 30, 6, 30)));      // 09:30 local
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 30, 13, 30)));    // 16:30, open on Friday
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 30, 13, 0)));     // 16:00 local

    // Closed over the weekend; the next opening is Monday 08:00 EEST.
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 3, 27, 14, 0)), utc_ms(2026, 3, 30, 5, 0));
}

TEST(BusinessHoursDaylightSaving, HelsinkiAutumn2026) {
    const TimeZone zone = must_load("Europe/Helsinki");
    const BusinessHours hours = weekdays("Europe/Helsinki", at(8), at(16));
    // Friday 2026-10-23, EEST: 08:00 local is 05:00 UTC.
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 10, 23, 5, 0)));
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 10, 23, 13, 0)));
    // Monday 2026-10-26, EET: 05:00 UTC is 07:00 local, 08:00 local is 06:00 UTC.
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 10, 26, 5, 0)));
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 10, 26, 6, 0)));
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 10, 26, 13, 30)));  // 15:30 local
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 10, 23, 13, 0)), utc_ms(2026, 10, 26, 6, 0));
}

// Hours inside the changing hour itself, on the Sundays of the changes.
TEST(BusinessHoursDaylightSaving, HelsinkiSkippedAndRepeatedHours) {
    const TimeZone zone = must_load("Europe/Helsinki");
    BusinessHours hours;
    hours.time_zone = "Europe/Helsinki";
    hours.always_open = false;
    hours.weekly[6] = {{at(3, 30), at(5)}};  // Sundays 03:30-05:00

    // 2026-03-29: 03:30 never happens; the site opens when the clock jumps to 04:00.
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 29, 1, 0) - 1));  // 02:59:59 EET
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 29, 1, 0)));       // 04:00 EEST
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 3, 28, 12, 0)), utc_ms(2026, 3, 29, 1, 0));
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 29, 2, 0)));  // 05:00 EEST

    // 2026-10-25: 03:30-04:00 happens twice (EEST, then EET); both count.
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 10, 25, 0, 30)));  // 03:30 EEST
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 10, 25, 0, 59)));  // 03:59 EEST
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 10, 25, 1, 0)));  // back to 03:00 EET
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 10, 25, 1, 30)));  // 03:30 EET
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 10, 24, 12, 0)), utc_ms(2026, 10, 25, 0, 30));
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 10, 25, 1, 0)), utc_ms(2026, 10, 25, 1, 30));
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 10, 25, 3, 0)));  // 05:00 EET
}

// New York, 09:00-17:00 on weekdays, around 2026-03-08 and 2026-11-01.
TEST(BusinessHoursDaylightSaving, NewYork2026) {
    const TimeZone zone = must_load("America/New_York");
    const BusinessHours hours = weekdays("America/New_York", at(9), at(17));

    // Friday 2026-03-06, EST (UTC-5): 14:00-22:00 UTC.
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 6, 13, 30)));  // 08:30 EST
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 6, 14, 0)));    // 09:00 EST
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 6, 21, 30)));   // 16:30 EST
    // Monday 2026-03-09, EDT (UTC-4): 13:00-21:00 UTC.
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 9, 13, 0) - 1));  // 08:59 EDT
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 3, 9, 13, 30)));      // 09:30, closed on Friday
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 3, 9, 21, 30)));     // 17:30, open on Friday
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 3, 6, 22, 0)), utc_ms(2026, 3, 9, 13, 0));

    // Friday 2026-10-30 EDT, then Monday 2026-11-02 EST.
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 10, 30, 13, 0)));  // 09:00 EDT
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 11, 2, 13, 0)));  // 08:00 EST
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 11, 2, 14, 0)));   // 09:00 EST
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 10, 30, 21, 0)), utc_ms(2026, 11, 2, 14, 0));
}

TEST(BusinessHoursExceptions, ClosedOnAWeekday) {
    const TimeZone zone = must_load("Europe/Helsinki");
    BusinessHours hours = weekdays("Europe/Helsinki", at(8), at(16));
    hours.exceptions.push_back({2026, 12, 24, {}});  // Thursday, Christmas Eve
    hours.exceptions.push_back({2026, 12, 25, {}});  // Friday, Christmas Day

    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 12, 23, 8, 0)));   // 10:00 EET, Wednesday
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 12, 24, 8, 0)));  // 10:00 EET, the exception
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 12, 31, 8, 0)));   // the next Thursday
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 12, 23, 14, 0)), utc_ms(2026, 12, 28, 6, 0));
}

TEST(BusinessHoursExceptions, OpenOnASunday) {
    const TimeZone zone = must_load("Europe/Helsinki");
    BusinessHours hours = weekdays("Europe/Helsinki", at(8), at(16));
    hours.exceptions.push_back({2026, 12, 20, {{at(10), at(14)}}});  // Sunday before Christmas

    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 12, 13, 9, 0)));   // 11:00, an ordinary Sunday
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 12, 20, 9, 0)));    // 11:00 on the exception
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 12, 20, 12, 0)));  // 14:00
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 12, 19, 12, 0)), utc_ms(2026, 12, 20, 8, 0));
}

TEST(BusinessHoursExceptions, ShorterHoursAndLocalDates) {
    const TimeZone zone = must_load("Europe/Helsinki");
    BusinessHours hours;
    hours.time_zone = "Europe/Helsinki";
    hours.always_open = false;
    for (auto& day : hours.weekly) day = {{0, 1440}};
    hours.exceptions.push_back({2026, 12, 31, {{at(8), at(12)}}});

    // The exception's date is the local date: 22:30 UTC on the 30th is already the 31st.
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 12, 30, 21, 30)));   // 23:30 on the 30th
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 12, 30, 22, 30)));  // 00:30 on the 31st
    EXPECT_TRUE(is_open(hours, zone, utc_ms(2026, 12, 31, 6, 0)));     // 08:00
    EXPECT_FALSE(is_open(hours, zone, utc_ms(2026, 12, 31, 10, 0)));   // 12:00
    EXPECT_EQ(next_opening(hours, zone, utc_ms(2026, 12, 31, 10, 0)), utc_ms(2026, 12, 31, 22, 0));
}

TEST(BusinessHoursNextOpening, OpenNowIsNow) {
    const BusinessHours hours = weekdays("UTC", at(8), at(16));
    const TimeMs now = utc_ms(2026, 3, 30, 9, 15, 30) + 123;
    EXPECT_EQ(next_opening(hours, TimeZone::utc(), now), now);
}

TEST(BusinessHoursNextOpening, SubMinuteStartsLandOnTheOpeningMinute) {
    const BusinessHours hours = weekdays("UTC", at(8), at(16));
    EXPECT_EQ(next_opening(hours, TimeZone::utc(), utc_ms(2026, 3, 30, 7, 59, 59) + 999),
              utc_ms(2026, 3, 30, 8, 0));
}

TEST(BusinessHoursNextOpening, LooksFourteenDaysAhead) {
    BusinessHours hours;
    hours.always_open = false;  // closed every week; only exceptions open
    const TimeMs start = utc_ms(2026, 3, 1, 12, 0);
    hours.exceptions.push_back({2026, 3, 15, {{at(12), at(13)}}});  // exactly 14 days later
    EXPECT_EQ(next_opening(hours, TimeZone::utc(), start), start + 14 * day_ms);
    hours.exceptions[0] = {2026, 3, 15, {{at(12, 1), at(13)}}};  // a minute too late
    EXPECT_FALSE(next_opening(hours, TimeZone::utc(), start).has_value());
    hours.exceptions.clear();
    EXPECT_FALSE(next_opening(hours, TimeZone::utc(), start).has_value());
}

TEST(BusinessHoursNextOpening, SurvivesTheEndsOfTime) {
    const BusinessHours hours = weekdays("UTC", at(8), at(16));
    EXPECT_TRUE(
        next_opening(hours, TimeZone::utc(), std::numeric_limits<TimeMs>::min()).has_value());
    (void)next_opening(hours, TimeZone::utc(), std::numeric_limits<TimeMs>::max());
    (void)is_open(hours, TimeZone::utc(), std::numeric_limits<TimeMs>::max());
}

TEST(BusinessHoursValidation, AcceptsSensibleHours) {
    EXPECT_EQ(business_hours_problem(BusinessHours{}), std::nullopt);
    BusinessHours hours = weekdays("Europe/Helsinki", at(8), at(16));
    hours.weekly[5] = {{0, at(8)}, {at(8), at(12)}, {at(20), 1440}};  // touching is fine
    hours.exceptions.push_back({2028, 2, 29, {}});
    hours.exceptions.push_back({2026, 12, 20, {{at(10), at(14)}}});
    EXPECT_EQ(business_hours_problem(hours), std::nullopt);
}

TEST(BusinessHoursValidation, RefusesBadIntervals) {
    const std::vector<std::vector<OpeningInterval>> bad = {
        {{-1, 60}},                // before midnight
        {{0, 1441}},               // past midnight
        {{600, 600}},              // empty
        {{700, 600}},              // backwards
        {{480, 720}, {700, 960}},  // overlapping
        {{780, 960}, {480, 720}},  // unsorted
    };
    for (const auto& intervals : bad) {
        BusinessHours hours;
        hours.weekly[2] = intervals;
        auto problem = business_hours_problem(hours);
        ASSERT_TRUE(problem.has_value()) << intervals.front().open_minute;
        EXPECT_NE(problem->find("wednesday"), std::string::npos) << *problem;

        BusinessHours with_exception;
        with_exception.exceptions.push_back({2026, 5, 1, intervals});
        EXPECT_TRUE(business_hours_problem(with_exception).has_value());
    }
    BusinessHours many;
    for (int i = 0; i < 25; ++i) many.weekly[0].push_back({i * 50, i * 50 + 10});
    EXPECT_TRUE(business_hours_problem(many).has_value());
}

TEST(BusinessHoursValidation, RefusesBadDatesDuplicatesAndZones) {
    for (DateException date : {DateException{2026, 2, 29, {}}, DateException{2026, 13, 1, {}},
                               DateException{2026, 0, 1, {}}, DateException{2026, 4, 31, {}},
                               DateException{2026, 4, 0, {}}, DateException{1969, 1, 1, {}},
                               DateException{10'000, 1, 1, {}}}) {
        BusinessHours hours;
        hours.exceptions.push_back(date);
        EXPECT_TRUE(business_hours_problem(hours).has_value())
            << date.year << "-" << date.month << "-" << date.day;
    }
    BusinessHours twice;
    twice.exceptions = {{2026, 5, 1, {}}, {2026, 5, 1, {{60, 120}}}};
    EXPECT_TRUE(business_hours_problem(twice).has_value());

    BusinessHours bad_zone;
    bad_zone.time_zone = "../../etc/passwd";
    EXPECT_TRUE(business_hours_problem(bad_zone).has_value());

    BusinessHours many;
    for (int i = 0; i < 400; ++i) {
        many.exceptions.push_back({2030 + i / 336, 1 + (i / 28) % 12, 1 + i % 28, {}});
    }
    EXPECT_EQ(business_hours_problem(many), std::nullopt);
    many.exceptions.push_back({2040, 1, 1, {}});
    EXPECT_TRUE(business_hours_problem(many).has_value());
}

}  // namespace
}  // namespace juttu::core
