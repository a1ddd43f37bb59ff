#include "core/business_hours_text.hpp"

#include <gtest/gtest.h>

namespace juttu::core {
namespace {

TEST(BusinessHoursText, RoundTripsWeeklyHoursAndExceptions) {
    BusinessHours hours;
    hours.weekly[0] = {{480, 960}, {1020, 1200}};
    hours.weekly[6] = {{0, 1440}};
    hours.exceptions = {{2026, 12, 24, {}}, {2026, 3, 7, {{600, 840}}}};
    const auto text = encode_schedule(hours);
    EXPECT_EQ(text, "480-960,1020-1200||||||0-1440;2026-12-24=;2026-03-07=600-840");
    auto decoded = decode_schedule(text);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->weekly, hours.weekly);
    ASSERT_EQ(decoded->exceptions.size(), 2u);
    EXPECT_TRUE(decoded->exceptions[0].intervals.empty());
    EXPECT_EQ(decoded->exceptions[1].month, 3);
    EXPECT_EQ(decoded->exceptions[1].intervals, hours.exceptions[1].intervals);
}

TEST(BusinessHoursText, EmptyMeansNoHoursAndGarbageIsRefused) {
    auto empty = decode_schedule("");
    ASSERT_TRUE(empty);
    for (const auto& day : empty->weekly) EXPECT_TRUE(day.empty());
    for (const char* bad : {"1-2|3-4", "x-1||||||", "480-960||||||;2026-1-1=", "1||||||",
                            "480-960||||||;2026-12-24"}) {
        EXPECT_FALSE(decode_schedule(bad)) << bad;
    }
}

TEST(BusinessHoursText, Clocks) {
    EXPECT_EQ(parse_clock("08:30"), 510);
    EXPECT_EQ(parse_clock("00:00"), 0);
    EXPECT_EQ(parse_clock("24:00"), 1440);
    for (const char* bad : {"24:01", "8:30", "08:60", "25:00", "0830", "ab:cd", ""}) {
        EXPECT_FALSE(parse_clock(bad)) << bad;
    }
    EXPECT_EQ(format_clock(510), "08:30");
    EXPECT_EQ(format_clock(1440), "24:00");
}

}  // namespace
}  // namespace juttu::core
